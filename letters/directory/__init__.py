"""Who sits where: the House of Commons import and the postal-code lookup.

Built on the pipeline's directory data (`letters.recipients`, `letters.districts`, which compose
reads): `house` imports the House's roster, emails and districts into directory/house.toml;
`lookup` finds a postal code's riding through Represent, with a local cache. Used by
`letters directory` (letters/cli/directory.py), the batch (a riding for each supporter) and the
web page (letters/web/lookup.py).
"""

from ..exports import lazy_exports

_EXPORTS = {
    "import_house": "house",
    "read_house": "house",
    "REPRESENT": "lookup",
    "BudgetSpent": "lookup",
    "RidingLookup": "lookup",
    "RidingNotFound": "lookup",
    "default_cache": "lookup",
    "represent_lookup": "lookup",
    "riding_unknown": "lookup",
}
__all__ = sorted(_EXPORTS)


# Exports load their module on first use, so importing the package costs nothing: the lookup opens sockets and SQLite only when asked.
__getattr__ = lazy_exports(__name__, _EXPORTS)
