"""The translator's tools: catalogs, their checks, the review PDF and proofreading.

Built on the pipeline's languages (`letters.i18n`): `catalog` extracts, updates and compiles the
gettext catalogs (and is Babel's `letters_campaign` extractor for campaign.toml), `checks` finds
what is missing or suspicious in a translation, `review` lays English and French side by side in
a PDF, `proofing` runs Grammalecte and Hunspell over catalogs and composed letters. Used by
`letters i18n` (letters/cli/i18n.py) and by Babel through the entry point in pyproject.toml.
"""

from ..exports import lazy_exports

_EXPORTS = {
    "check_catalog": "checks",
    "failing": "checks",
    "summary": "checks",
    "review_html": "review",
    "review_pdf": "review",
}
__all__ = sorted(_EXPORTS)


# Exports load their module on first use, so importing the package costs nothing: the review brings in WeasyPrint.
__getattr__ = lazy_exports(__name__, _EXPORTS)
