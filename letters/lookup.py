"""Postal code -> federal riding, from Open North's Represent API, politely and cached on disk.

Represent (https://represent.opennorth.ca/api/) answers `GET /postcodes/{CODE}/` with the
representatives whose district contains the code's centroid (`representatives_centroid`) and
those whose district overlaps its area (`representatives_concordance`). A rural code can touch
several ridings (K0A 1K0 touches seven): every House of Commons `district_name` of the concordance
is kept, the centroid's only orders them, and a caller that needs one MP asks the person. Its documented limit is 60 requests a minute; every answer is kept in SQLite so
no code is asked twice, across runs. A failure is the row's problem, never the run's.
"""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from pathlib import Path

from . import __version__
from .errors import InputError
from .people import normalise_postal_code
from .resources import imported_directory_path

REPRESENT = "https://represent.opennorth.ca"
TIMEOUT = 10.0
PER_MINUTE = 60
MAX_ANSWER = 1024 * 1024
GIVE_UP_AFTER = 3  # consecutive transport failures: the service is down, stop waiting on it
UNKNOWN_FIX = "add a riding column or rerun with --lookup represent"


def default_cache() -> Path:
    """The answers' cache, kept beside the imported directory (`directory/represent.sqlite`)."""
    return imported_directory_path().parent / "represent.sqlite"


def riding_unknown(postal_code: str | None, row: int | None, why: str = "") -> InputError:
    """The row error when no riding is given and none could be found."""
    detail = f" for {postal_code}" if postal_code else ""
    return InputError(
        f"riding unknown{detail}{f' ({why})' if why else ''}",
        field="riding",
        row=row,
        fix=UNKNOWN_FIX,
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


def _house_districts(entries: object, key: str) -> list[str]:
    if not isinstance(entries, list):
        raise ValueError(f"{key} is not a list")
    return [
        e["district_name"]
        for e in entries
        if isinstance(e, dict)
        and isinstance(e.get("district_name"), str)
        and (
            e.get("elected_office") == "MP"
            or e.get("representative_set_name") == "House of Commons"
        )
    ]


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
        return tuple(dict.fromkeys(centroid))
    hint = [d for d in centroid if d in concordance]
    return tuple(dict.fromkeys([*hint, *sorted(concordance, key=str.casefold)]))


class RidingLookup:
    """Ask Represent for each postal code's riding, at most `per_minute` times a minute.

    One instance per run, used from one thread (the batch routes rows before rendering them).
    `clock` and `sleep` are there so a test can check the pace without waiting a minute.
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
        self.clock, self.sleep = clock, sleep
        self.requests = 0  # made over the network by this instance
        self._sent: deque[float] = deque()
        self._not_before = 0.0
        self._failures = 0
        Path(cache).parent.mkdir(parents=True, exist_ok=True)
        # Callers that share one instance between threads (the web page) hold a lock around it.
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

    def riding(self, postal_code: str, row: int | None = None) -> str:
        """The riding's name as Represent writes it, or a row-level InputError saying why not
        (among the reasons: the code's area touches several ridings, named in the error)."""
        found = self.ridings(postal_code, row)
        if len(found) > 1:
            raise several_ridings(normalise_postal_code(postal_code, row), found, row)
        return found[0]

    def ridings(self, postal_code: str, row: int | None = None) -> tuple[str, ...]:
        """Every riding the postal code's area touches (at least one, the centroid's first),
        or a row-level InputError saying why none is known."""
        code = normalise_postal_code(postal_code, row).replace(" ", "")
        cached = self._db.execute(
            "SELECT ridings, problem FROM postcode_ridings WHERE code = ?", (code,)
        ).fetchone()
        if cached is None:
            if self._failures >= GIVE_UP_AFTER:
                raise riding_unknown(postal_code, row, "Represent cannot be reached")
            found, problem = self._ask(code, postal_code, row)
            cached = (json.dumps(found) if found else None, problem)
            self._db.execute(
                "INSERT OR REPLACE INTO postcode_ridings VALUES (?, ?, ?, ?)",
                (code, *cached, time.time()),
            )
            self._db.commit()
        ridings, problem = cached
        if ridings is None:
            raise riding_unknown(postal_code, row, problem)
        return tuple(json.loads(ridings))

    def _pace(self) -> None:
        """Wait so that no 60-second window holds more than `per_minute` requests."""
        now = self.clock()
        while self._sent and now - self._sent[0] >= 60:
            self._sent.popleft()
        wait = self._not_before - now
        if len(self._sent) >= self.per_minute:
            wait = max(wait, 60 - (now - self._sent[0]))
        if wait > 0:
            self.sleep(wait)
        self._sent.append(self.clock())

    def _ask(self, code: str, written: str, row: int | None) -> tuple[list[str] | None, str | None]:
        """One request: (districts, None) or (None, why) for a definite answer, which is cached;
        a row error for a passing failure (network, timeout, 429, garbled answer), which is not."""
        self._pace()
        self.requests += 1
        request = urllib.request.Request(  # noqa: S310  (scheme checked in __init__)
            f"{self.base_url}/postcodes/{code}/",
            headers={"Accept": "application/json", "User-Agent": f"letters/{__version__}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(MAX_ANSWER)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                self._failures = 0
                return None, "Represent does not know this postal code"
            if error.code == 429:
                retry = error.headers.get("Retry-After", "")
                self._not_before = self.clock() + min(float(retry) if retry.isdigit() else 60, 60)
                raise riding_unknown(written, row, "Represent's rate limit was reached") from error
            self._failures += 1
            raise riding_unknown(written, row, f"Represent answered {error.code}") from error
        except (TimeoutError, urllib.error.URLError, OSError) as error:
            self._failures += 1
            reason = getattr(error, "reason", error)
            raise riding_unknown(written, row, f"Represent cannot be reached: {reason}") from error
        self._failures = 0
        try:
            districts = districts_from_answer(json.loads(body))
        except (UnicodeDecodeError, ValueError) as error:  # JSONDecodeError is a ValueError
            raise riding_unknown(written, row, "unexpected answer from Represent") from error
        if not districts:
            return None, "Represent lists no MP for this code"
        return list(districts), None


def represent_lookup(
    *, base_url: str = REPRESENT, timeout: float = TIMEOUT, cache: Path | None = None
) -> Callable[..., str]:
    """`riding(postal_code, row=None) -> str` for the batch, cached in `default_cache()`.

    The connection to the cache stays open for the life of the process (one batch run).
    """
    return RidingLookup(cache or default_cache(), base_url=base_url, timeout=timeout).riding
