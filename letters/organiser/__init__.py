"""The organiser's own campaign: start a folder, check it, preview every letter.

Built on the pipeline (`letters.campaign`, `letters.pipeline`) and the translator's tools
(`letters.translation`): `starter` writes a commented campaign folder that passes the checks as
written, `readiness` runs every check on a campaign and says what is ready, `preview` renders the
letters of every recipient kind in each language into one PDF for a reviser. Used by
`letters campaign` (letters/cli/campaign.py).
"""

from ..exports import lazy_exports

_EXPORTS = {
    "new_campaign": "starter",
    "check_campaign": "readiness",
    "preview_pdf": "preview",
}
__all__ = sorted(_EXPORTS)

# Exports load their module on first use: the preview brings in WeasyPrint.
__getattr__ = lazy_exports(__name__, _EXPORTS)
