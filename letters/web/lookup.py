"""The optional postal-code lookup for the web page: Represent, asked from memory only."""

from __future__ import annotations

import logging
import urllib.error
from collections.abc import Callable

from ..directory import BudgetSpent, RidingLookup, RidingNotFound
from ..errors import LettersError

log = logging.getLogger("letters.web")

# (postal code, allow=None) -> every riding its area touches (the centroid's first); () when
# none is known. Raises LookupUnavailable when no lookup may be made now.
Lookup = Callable[..., tuple[str, ...]]


class LookupUnavailable(LettersError):
    """The lookup service failed (unreachable, a server error, an answer it cannot read): the
    page says so and offers the riding list."""


class LookupBusy(LookupUnavailable):
    """No lookup now (the server's budget for this minute is spent, this client's previews are
    over their rate, or Represent's own rate limit): try again in a minute, or use the list."""


class LookupNotFound(LettersError):
    """The service answered that it knows no riding for this postal code."""


def _busy(error: RidingNotFound) -> bool:
    cause = error.__cause__
    return isinstance(cause, urllib.error.HTTPError) and cause.code == 429


class LookupUnreachable(LookupUnavailable):
    """The lookup service cannot be reached (no network, a name that does not resolve, no
    answer in time): the page says so and offers the riding list; the log says why."""


# RidingNotFound.why when the network, not the service's answer, failed (letters.directory.lookup).
UNREACHABLE = ("Represent cannot be reached", "Represent did not answer")


def riding_lookup(url: str | None) -> Lookup | None:
    """A function `(postal_code, allow=None) -> ridings`, or None when no lookup is configured.

    The page stores nothing personal, so its cache lives in memory (`:memory:`), never on disk.
    One lookup is shared by the server's threads: the 60-a-minute pace holds for the whole
    server, and when it is spent a request is told at once (`LookupUnavailable`), never kept
    waiting. `allow()` is asked only before a network request (a cached code costs nothing):
    the page passes the client's rate limit, so previews that ask Represent are limited like
    downloads. A code whose area touches several ridings gives them all: the page asks the
    constituent which one is theirs rather than guess from the centroid.
    """
    if not url:
        return None
    finder = RidingLookup(":memory:", base_url=url, wait=False)

    def lookup(postal_code: str, allow: Callable[[], bool] | None = None) -> tuple[str, ...]:
        def gate() -> None:
            if allow is not None and not allow():
                raise LookupUnavailable("this client's lookups are over their rate")

        try:
            return finder.ridings(postal_code, before_asking=gate)
        except (BudgetSpent, LookupUnavailable) as exc:
            log.warning("riding lookup refused: %s", type(exc).__name__)
            raise LookupBusy(str(exc)) from exc
        except RidingNotFound as exc:  # each cause has its own sentence on the page
            if exc.why.startswith(UNREACHABLE):  # the why names no postal code: safe to log
                log.warning("postal-code lookup at %s failed: %s", url, exc.why)
                raise LookupUnreachable(exc.why) from exc
            log.warning("riding lookup failed: %s", "transient" if exc.transient else "unknown")
            if not exc.transient:
                raise LookupNotFound(str(exc)) from exc
            raise (LookupBusy if _busy(exc) else LookupUnavailable)(str(exc)) from exc
        except LettersError as exc:  # anything else the lookup refuses: the list
            log.warning("riding lookup failed: %s", exc.field or type(exc).__name__)
            raise LookupUnavailable(str(exc)) from exc

    return lookup
