"""The optional postal-code lookup: used when `letters.lookup` exists and a URL is configured."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

from ..errors import LettersError

log = logging.getLogger("letters.web")


def riding_lookup(url: str | None) -> Callable[[str], str | None] | None:
    """A function postal code -> riding name, or None when no lookup is configured.

    Contract with `letters.lookup` (the batch issue): `riding_for(postal_code, url=...)` returns
    the riding's name or None. Without that module, `--lookup-url` is refused at start-up rather
    than silently ignored.
    """
    if not url:
        return None
    try:
        module = importlib.import_module("letters.lookup")
        riding_for = module.riding_for
    except (ImportError, AttributeError) as exc:
        raise LettersError(
            "the postal-code lookup is not part of this version",
            field="lookup-url",
            fix="leave out --lookup-url; the page then offers the list of ridings",
        ) from exc

    def lookup(postal_code: str) -> str | None:
        try:
            return riding_for(postal_code, url=url)
        except Exception as exc:  # a lookup outage must not break the page: fall back to the list
            log.warning("riding lookup failed: %s", type(exc).__name__)
            return None

    return lookup
