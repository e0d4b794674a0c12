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
    "BudgetSpent": "lookup",
    "RidingLookup": "lookup",
    "RidingNotFound": "lookup",
    "default_cache": "lookup",
    "represent_lookup": "lookup",
    "riding_unknown": "lookup",
}
# Represent's public server, Open North's postal-code lookup: here, so that a command can name
# it as an option's default without importing the lookup (urllib, sqlite3).
REPRESENT = "https://represent.opennorth.ca"
__all__ = sorted([*_EXPORTS, "REPRESENT"])


# Exports load their module on first use, so importing the package costs nothing: the lookup opens sockets and SQLite only when asked.
__getattr__ = lazy_exports(__name__, _EXPORTS)
