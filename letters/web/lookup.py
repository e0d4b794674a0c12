"""The optional postal-code lookup for the web page: Represent, asked from memory only."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..directory import BudgetSpent, RidingLookup, RidingNotFound
from ..errors import LettersError

log = logging.getLogger("letters.web")

# (postal code, allow=None) -> every riding its area touches (the centroid's first); () when
# none is known. Raises LookupUnavailable when no lookup may be made now.
Lookup = Callable[..., tuple[str, ...]]


class LookupUnavailable(LettersError):
    """No lookup now (the server's budget for this minute is spent, or this client's previews
    are over their rate): the page says so at once and offers the riding list."""


class LookupUnreachable(LettersError):
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
            raise LookupUnavailable(str(exc)) from exc
        except RidingNotFound as exc:
            if exc.why.startswith(UNREACHABLE):  # the why names no postal code: safe to log
                log.warning("postal-code lookup at %s failed: %s", url, exc.why)
                raise LookupUnreachable(exc.why) from exc
            log.warning("riding lookup failed: %s", exc.field or type(exc).__name__)
            return ()
        except LettersError as exc:  # an unknown code falls back to the list
            log.warning("riding lookup failed: %s", exc.field or type(exc).__name__)
            return ()

    return lookup
