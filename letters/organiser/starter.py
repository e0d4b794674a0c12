"""`letters campaign new`: a commented campaign folder to start from, that passes the checks.

The folder shows every tool a campaign has (text for one role, one/several demands, an office
named with a `to_holder` wording, variants, italics, a demand for MPs only), its own directory
and words files, and an empty catalog for each language of the interface, ready to translate.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from string import Template

from ..campaign import CAMPAIGN_FILE, ID_PATTERN
from ..errors import CampaignError
from ..i18n import SOURCE_LANGUAGE, languages
from ..recipients import load_directory
from ..resources import package_data
from ..translation import catalog

STARTER_FILES = (CAMPAIGN_FILE, "directory.toml", "proofing.toml")


def new_campaign(folder: Path, campaign_id: str, today: date | None = None) -> list[Path]:
    """Write the starter into `folder` (which must not exist yet); the files written."""
    if not ID_PATTERN.match(campaign_id):
        raise CampaignError(
            f"invalid campaign id {campaign_id!r}",
            field="id",
            fix="use lower-case letters, digits and hyphens, e.g. pharmacare-now",
        )
    if folder.exists():
        raise CampaignError(
            f"{folder} exists already",
            field="campaign",
            fix="choose another id or folder (--dir): nothing is written over",
        )
    portfolios = sorted(load_directory().portfolio_ids())
    values = {
        "campaign_id": campaign_id,
        "portfolio": portfolios[0] if portfolios else "",
        "today": (today or date.today()).isoformat(),
    }
    folder.mkdir(parents=True)
    written = []
    for name in STARTER_FILES:
        text = Template(package_data(f"starter/{name}").read_text(encoding="utf-8"))
        path = folder / name
        path.write_text(text.substitute(values), encoding="utf-8")
        written.append(path)
    catalogs = catalog.campaign_catalogs(folder)
    template = catalogs.extract()
    written.append(catalog.write_pot(template, catalogs=catalogs))
    for lang in languages():
        if lang != SOURCE_LANGUAGE:
            written.append(catalog.init(lang, template, catalogs))
    return written
