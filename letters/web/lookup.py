"""The optional postal-code lookup for the web page: Represent, asked from memory only."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ..errors import LettersError
from ..lookup import RidingLookup

log = logging.getLogger("letters.web")

# postal code -> every riding its area touches (the centroid's first); () when none is known.
Lookup = Callable[[str], tuple[str, ...]]


def riding_lookup(url: str | None) -> Lookup | None:
    """A function postal code -> ridings, or None when no lookup is configured.

    The page stores nothing personal, so its cache lives in memory (`:memory:`), never on disk;
    one lookup is shared by the server's threads, behind a lock, so the 60-a-minute pace holds
    for the whole server. A code whose area touches several ridings gives them all: the page
    asks the constituent which one is theirs rather than guess from the centroid.
    """
    if not url:
        return None
    finder = RidingLookup(":memory:", base_url=url)
    lock = threading.Lock()

    def lookup(postal_code: str) -> tuple[str, ...]:
        try:
            with lock:
                return finder.ridings(postal_code)
        except LettersError as exc:  # an outage or unknown code falls back to the list
            log.warning("riding lookup failed: %s", exc.field or type(exc).__name__)
            return ()

    return lookup
