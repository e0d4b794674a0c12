"""Where the shipped data lives: beside the package in a checkout, inside it in a wheel."""

from __future__ import annotations

import os
import tempfile
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


def cache_dir() -> Path:
    """Where `letters` keeps what it can compute again (the templates' messages):
    `$LETTERS_CACHE`, else `$XDG_CACHE_HOME/letters`, else `~/.cache/letters`. Never inside the
    package, which an installed wheel keeps read-only."""
    override = os.environ.get("LETTERS_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "letters"


def cached_text(name: str) -> str | None:
    """A file of the user's cache (`cache_dir()/name`), or None when absent or unreadable."""
    try:
        return (cache_dir() / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def keep_in_cache(name: str, text: str) -> None:
    """Write `cache_dir()/name` atomically (a reader never sees half of it); a read-only or
    missing home only means computing it again next time."""
    file = cache_dir() / name
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=file.parent, delete=False
        ) as out:
            out.write(text)
        os.replace(out.name, file)
    except OSError:
        pass
