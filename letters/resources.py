"""Where the shipped data lives: beside the package in a checkout, inside it in a wheel."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """The folder holding `templates/`, `locales/` and `campaigns/`.

    A wheel carries them in `letters/_shipped/` (see pyproject.toml); a checkout or an editable
    install reads them from the repository, so an edit to a template shows at once.
    """
    shipped = PACKAGE_DIR / "_shipped"
    if (shipped / "templates").is_dir():
        return shipped
    return PACKAGE_DIR.parent


def templates_dir() -> Path:
    return data_root() / "templates"


def locales_dir() -> Path:
    """The catalogs; `LETTERS_LOCALES` points elsewhere (a translator's copy, a test's temp dir)."""
    override = os.environ.get("LETTERS_LOCALES")
    return Path(override) if override else data_root() / "locales"


def campaigns_dir() -> Path:
    """The campaigns shipped with letters (one folder each)."""
    return data_root() / "campaigns"


def campaign_search_path() -> tuple[Path, ...]:
    """Where a campaign named by its id is looked for, in order: each folder of
    `LETTERS_CAMPAIGNS` (separated like PATH), the current folder, then the shipped campaigns.

    Each entry is a campaign folder itself (it holds `campaign.toml`) or a folder of them.
    """
    listed = os.environ.get("LETTERS_CAMPAIGNS", "")
    folders = [Path(entry).expanduser() for entry in listed.split(os.pathsep) if entry.strip()]
    return (*folders, Path.cwd(), campaigns_dir())


def package_data(name: str) -> Path:
    """A file in `letters/data/` (the default directory, provinces)."""
    return PACKAGE_DIR / "data" / name


def imported_directory_path() -> Path:
    """Where `letters directory import` keeps the whole House: `$LETTERS_DIRECTORY`, or
    `directory/house.toml` in the current folder (the organiser's project, beside `output/`)."""
    return Path(os.environ.get("LETTERS_DIRECTORY") or Path("directory") / "house.toml")
