"""Postal code -> federal riding, from Open North's Represent API, politely and cached on disk.

Represent (https://represent.opennorth.ca/api/) answers `GET /postcodes/{CODE}/` with the
representatives whose district contains the code's centroid (`representatives_centroid`) and
those whose district overlaps its area (`representatives_concordance`). A rural code can touch
several ridings (K0A 1K0 touches seven): every House of Commons `district_name` of the concordance
is kept, the centroid's only orders them, and a caller that needs one MP asks the person. Its
documented limit is 60 requests a minute; every answer is kept in SQLite so no code is asked
twice, across runs. A failure is the row's problem, never the run's.
"""

from __future__ import annotations

import errno
import json
import re
import socket
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError
from ..resources import imported_directory_path
from ..senders import normalise_postal_code
from ..version import __version__
from . import REPRESENT

TIMEOUT = 10.0
PER_MINUTE = 60
MAX_ANSWER = 1024 * 1024
# What a Represent answer can hold, checked before and while it is read: a real answer is about
# 5 deep, lists a few dozen representatives, and touches at most 7 ridings (K0A 1K0) whose
# longest name has 80 characters. More is not Represent: that row's or request's error.
MAX_DEPTH = 20
MAX_REPRESENTATIVES = 500
MAX_RIDINGS = 30
MAX_NAME = 200
# The cache of answers is bounded in entries and in bytes; the oldest answers go first.
MAX_CACHED = 20_000
MAX_CACHED_BYTES = 8 * 1024 * 1024
GIVE_UP_AFTER = 3  # consecutive transport failures: the service is down, stop waiting on it
# The fix names what would work after *this* failure: rerunning with the lookup that just
# failed helps nobody.
FIX_NO_LOOKUP = "add a riding column, or rerun with --lookup represent to find it by postal code"
FIX_TRY_LATER = "try again later (answers already found are kept), or add a riding column"
FIX_CHECK_CODE = "check the postal code, or add a riding column"
FIX_LOOKUP_URL = "give --lookup-url Represent's own address (redirects are not followed)"


def default_cache() -> Path:
    """The answers' cache, kept beside the imported directory (`directory/represent.sqlite`)."""
    return imported_directory_path().parent / "represent.sqlite"


class RidingNotFound(InputError):
    """No riding for a postal code. `transient` when asking again later may work (network,
    timeout, server error, rate limit); otherwise Represent gave a definite answer."""

    def __init__(
        self, message: str, *, row: int | None, fix: str, transient: bool, why: str = ""
    ) -> None:
        super().__init__(message, field="riding", row=row, fix=fix)
        self.transient = transient
        self.why = why  # the lookup's failure alone, without the postal code

    @property
    def cause(self) -> str:
        return self.why or "riding: riding unknown (no riding given, no lookup)"


def riding_unknown(
    postal_code: str | None,
    row: int | None,
    why: str = "",
    *,
    transient: bool = False,
    fix: str | None = None,
) -> RidingNotFound:
    """The row error when no riding is given and none could be found, with the fix that fits:
    no lookup asked, the lookup failed for now, or it answered that it knows no riding (or
    `fix`, when the caller knows better)."""
    detail = f" for {postal_code}" if postal_code else ""
    if fix is None:
        fix = FIX_TRY_LATER if transient else FIX_CHECK_CODE
    if not why:
        fix = FIX_NO_LOOKUP
    return RidingNotFound(
        f"riding unknown{detail}{f' ({why})' if why else ''}",
        row=row,
        fix=fix,
        transient=transient,
        why=why,
    )


def several_ridings(
    postal_code: str | None, ridings: tuple[str, ...], row: int | None
) -> InputError:
    """The row error when a postal code's area touches several ridings: never guess the MP."""
    return InputError(
        "postal code %(code)s touches %(count)s ridings: %(ridings)s",
        field="riding",
        row=row,
        fix="add a riding column naming one of them",
        values={"code": postal_code or "", "count": len(ridings), "ridings": ", ".join(ridings)},
    )


def _failure(error: BaseException, timeout: float) -> str:
    """What went wrong on the way to Represent, in words an organiser can act on."""
    reason = getattr(error, "reason", error)
    if isinstance(error, Redirected):
        return str(reason)
    if isinstance(error, TimeoutError) or isinstance(reason, TimeoutError):
        return f"Represent did not answer within {timeout:g} s: timed out"
    if isinstance(reason, OSError) and reason.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return "Represent cannot be reached: the network is unreachable"
    if isinstance(reason, socket.gaierror):
        return "Represent cannot be reached: its name does not resolve (no network?)"
    return f"Represent cannot be reached: {reason}"


class BudgetSpent(InputError):
    """The lookups allowed this minute are spent, and this lookup may not wait (the web page)."""


def json_depth(body: bytes, stop_after: int | None = None) -> int:
    """How deeply arrays and objects nest in a JSON text (strings skipped), measured before
    parsing: Python's `json` recurses, and 200,000 `[` ended in a RecursionError. With
    `stop_after`, the count stops as soon as it is passed."""
    depth = deepest = 0
    for bracket in re.finditer(rb"[\[\]{}]", re.sub(rb'"(?:[^"\\]|\\.)*"', b"", body)):
        depth += 1 if bracket[0] in (b"[", b"{") else -1
        deepest = max(deepest, depth)
        if stop_after is not None and deepest > stop_after:
            break
    return deepest


def _house_districts(entries: object, key: str) -> list[str]:
    if not isinstance(entries, list):
        raise ValueError(f"{key} is not a list")
    if len(entries) > MAX_REPRESENTATIVES:
        raise ValueError(f"{key} lists {len(entries):,} representatives")
    found = [
        e["district_name"]
        for e in entries
        if isinstance(e, dict)
        and isinstance(e.get("district_name"), str)
        and (
            e.get("elected_office") == "MP"
            or e.get("representative_set_name") == "House of Commons"
        )
    ]
    if any(len(name) > MAX_NAME for name in found):
        raise ValueError(f"{key} has a district name over {MAX_NAME} characters")
    return found


def districts_from_answer(answer: object) -> tuple[str, ...]:
    """Every House of Commons district a Represent postcode answer touches, the centroid's first.

    The concordance (every district the code's area overlaps) is the answer; the centroid's
    district is only a hint that orders it, and stands alone only when the concordance is empty
    (Represent then knows no area for the code). Raises ValueError when the answer does not have
    Represent's shape.
    """
    if not isinstance(answer, dict):
        raise ValueError("not a Represent postcode answer")
    centroid = _house_districts(
        answer.get("representatives_centroid", []), "representatives_centroid"
    )
    concordance = _house_districts(
        answer.get("representatives_concordance", []), "representatives_concordance"
    )
    if not concordance:
        found = tuple(dict.fromkeys(centroid))
    else:
        hint = [d for d in centroid if d in concordance]
        found = tuple(dict.fromkeys([*hint, *sorted(concordance, key=str.casefold)]))
    if len(found) > MAX_RIDINGS:
        raise ValueError(f"the answer touches {len(found):,} districts")
    return found


class RidingLookup:
    """Ask Represent for each postal code's riding, at most `per_minute` times a minute.

    Safe to share between threads: a lock guards the cache and the pace, but is never held
    while waiting or asking the network. With `wait=False` (the web page) a spent budget is an
    immediate `BudgetSpent` instead of a sleep. `clock` and `sleep` are there so a test can
    check the pace without waiting a minute.
    """

    def __init__(
        self,
        cache: Path,
        *,
        base_url: str = REPRESENT,
        timeout: float = TIMEOUT,
        per_minute: int = PER_MINUTE,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        wait: bool = True,
        max_cached: int = MAX_CACHED,
        max_cached_bytes: int = MAX_CACHED_BYTES,
    ) -> None:
        if not base_url.startswith(("https://", "http://")):
            raise InputError(
                f"invalid lookup URL {base_url!r}",
                field="lookup",
                fix=f"give an http(s) URL such as {REPRESENT}",
            )
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.per_minute = per_minute
        self.clock, self.sleep, self.wait = clock, sleep, wait
        self.max_cached, self.max_cached_bytes = max_cached, max_cached_bytes
        self._lock = threading.Lock()
        self.requests = 0  # made over the network by this instance
        self._sent: deque[float] = deque()
        self._not_before = 0.0
        self._failures = 0
        self._last_failure = ""
        Path(cache).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(cache, check_same_thread=False)
        # `ridings` is a JSON list. The older `postcodes` table kept the centroid's riding
        # alone, which can be the wrong MP: it is left unread.
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS postcode_ridings "
            "(code TEXT PRIMARY KEY, ridings TEXT, problem TEXT, asked_at REAL NOT NULL)"
        )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RidingLookup:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def riding(
        self,
        postal_code: str,
        row: int | None = None,
        before_asking: Callable[[], None] | None = None,
    ) -> str:
        """The riding's name as Represent writes it, or a row-level InputError saying why not
        (among the reasons: the code's area touches several ridings, named in the error)."""
        found = self.ridings(postal_code, row, before_asking)
        if len(found) > 1:
            raise several_ridings(normalise_postal_code(postal_code, row), found, row)
        return found[0]

    def ridings(
        self,
        postal_code: str,
        row: int | None = None,
        before_asking: Callable[[], None] | None = None,
    ) -> tuple[str, ...]:
        """Every riding the postal code's area touches (at least one, the centroid's first),
        or a row-level InputError saying why none is known.

        `before_asking` runs only when the network is about to be asked (not for a cached
        code); it may raise to stop the lookup (the web page's per-client rate limit).
        """
        code = normalise_postal_code(postal_code, row).replace(" ", "")
        with self._lock:
            cached = self._db.execute(
                "SELECT ridings, problem FROM postcode_ridings WHERE code = ?", (code,)
            ).fetchone()
        if cached is None:
            if self._failures >= GIVE_UP_AFTER:
                # The cause is the last failure's: a summary counts these rows with it.
                why = f"not asked again after {GIVE_UP_AFTER} failures in a row"
                last = self._last_failure or "Represent cannot be reached"
                error = riding_unknown(postal_code, row, f"{last}; {why}", transient=True)
                error.why = last
                raise error
            if before_asking is not None:
                before_asking()
            self._pace(postal_code, row)
            try:
                found, problem = self._ask(code, postal_code, row)
            except RidingNotFound as error:
                self._last_failure = error.why
                raise
            cached = (json.dumps(found) if found else None, problem)
            with self._lock:
                self._db.execute(
                    "INSERT OR REPLACE INTO postcode_ridings VALUES (?, ?, ?, ?)",
                    (code, *cached, time.time()),
                )
                self._bound()
                self._db.commit()
        ridings, problem = cached
        if ridings is None:
            raise riding_unknown(postal_code, row, problem)
        return tuple(json.loads(ridings))

    def _bound(self) -> None:
        """Keep the cache within `max_cached` answers and `max_cached_bytes` (oldest go first)."""
        count, size = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(code) + COALESCE(LENGTH(ridings), 0) "
            "+ COALESCE(LENGTH(problem), 0)), 0) FROM postcode_ridings"
        ).fetchone()
        if count <= self.max_cached and size <= self.max_cached_bytes:
            return
        keep = max(1, min(self.max_cached, count * self.max_cached_bytes // max(size, 1)) * 9 // 10)
        self._db.execute(
            "DELETE FROM postcode_ridings WHERE code NOT IN "
            "(SELECT code FROM postcode_ridings ORDER BY asked_at DESC LIMIT ?)",
            (keep,),
        )

    def cache_size(self) -> tuple[int, int]:
        """(answers, bytes) held in the cache."""
        with self._lock:
            return self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(LENGTH(code) + COALESCE(LENGTH(ridings), 0) "
                "+ COALESCE(LENGTH(problem), 0)), 0) FROM postcode_ridings"
            ).fetchone()

    def _pace(self, postal_code: str, row: int | None) -> None:
        """Keep every 60-second window to `per_minute` requests: book a slot under the lock,
        then wait for it outside the lock (or, with `wait=False`, refuse at once)."""
        with self._lock:
            now = self.clock()
            while self._sent and now - self._sent[0] >= 60:
                self._sent.popleft()
            delay = self._not_before - now
            if len(self._sent) >= self.per_minute:
                delay = max(delay, 60 - (now - self._sent[-self.per_minute]))
            if delay > 0 and not self.wait:
                raise BudgetSpent(
                    f"riding unknown for {postal_code} (the lookups allowed this minute are spent)",
                    field="riding",
                    row=row,
                    fix="choose the riding from the list",
                )
            self._sent.append(now + max(delay, 0))
        if delay > 0:
            self.sleep(delay)

    def _ask(self, code: str, written: str, row: int | None) -> tuple[list[str] | None, str | None]:
        """One request: (districts, None) or (None, why) for a definite answer, which is cached;
        a row error for a passing failure (network, timeout, 429, garbled answer), which is not."""
        self.requests += 1
        request = urllib.request.Request(  # noqa: S310  (scheme checked in __init__)
            f"{self.base_url}/postcodes/{code}/",
            headers={"Accept": "application/json", "User-Agent": f"letters/{__version__}"},
        )
        try:
            body = self._fetch(request)
        except Redirected as error:  # the address is wrong, not the postal code
            self._failures += 1
            why = _failure(error, self.timeout)
            raise riding_unknown(written, row, why, fix=FIX_LOOKUP_URL) from error
        except urllib.error.HTTPError as error:
            if error.code == 404:
                self._failures = 0
                return None, "Represent does not know this postal code"
            if error.code == 429:
                retry = error.headers.get("Retry-After", "")
                self._not_before = self.clock() + min(float(retry) if retry.isdigit() else 60, 60)
                why = "Represent's rate limit was reached"
                raise riding_unknown(written, row, why, transient=True) from error
            self._failures += 1
            kind = "a server error" if error.code >= 500 else "a refusal"
            why = f"Represent answered with {kind}, HTTP {error.code}"
            raise riding_unknown(written, row, why, transient=True) from error
        except (TimeoutError, urllib.error.URLError, OSError) as error:
            self._failures += 1
            why = _failure(error, self.timeout)
            raise riding_unknown(written, row, why, transient=True) from error
        self._failures = 0
        try:
            if len(body) > MAX_ANSWER:
                raise ValueError(f"the answer is over {MAX_ANSWER // 1048576} MB")
            if json_depth(body, stop_after=MAX_DEPTH) > MAX_DEPTH:
                raise ValueError(f"nested more than {MAX_DEPTH} deep")
            districts = districts_from_answer(json.loads(body))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:  # JSONDecodeError too
            why = f"unexpected answer from Represent: {str(error)[:80] or type(error).__name__}"
            raise riding_unknown(written, row, why, transient=True) from error
        if not districts:
            return None, "Represent lists no MP for this code"
        return list(districts), None

    def _fetch(self, request: urllib.request.Request) -> bytes:
        """The answer's body, within `timeout` seconds in all (not per read: a server dripping
        a byte at a time is cut off), following no redirect."""
        deadline = self.clock() + self.timeout
        with _OPENER.open(request, timeout=self.timeout) as response:
            chunks, size = [], 0
            while size <= MAX_ANSWER:  # one byte more than allowed says it is too long
                left = deadline - self.clock()
                if left <= 0:
                    raise TimeoutError(f"no full answer within {self.timeout:g} s")
                _read_timeout(response, left)
                chunk = response.read1(min(65536, MAX_ANSWER + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        return b"".join(chunks)


class Redirected(urllib.error.URLError):
    """The lookup service answered with a redirect; none is followed."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise Redirected(f"Represent redirected to {newurl} (redirects are not followed)")


_OPENER = urllib.request.build_opener(_NoRedirects)


def _read_timeout(response, seconds: float) -> None:
    """Shorten the socket's timeout to what is left of the lookup's deadline."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 0.01))


def represent_lookup(
    *, base_url: str = REPRESENT, timeout: float = TIMEOUT, cache: Path | None = None
) -> Callable[..., str]:
    """`riding(postal_code, row=None) -> str` for the batch, cached in `default_cache()`.

    The connection to the cache stays open for the life of the process (one batch run).
    """
    return RidingLookup(cache or default_cache(), base_url=base_url, timeout=timeout).riding
