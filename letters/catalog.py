"""Catalogs: extract English messages (templates, code, campaigns), update and compile the PO files.

Thin wrappers over Babel's own `extract`, `read_po`/`write_po` and `write_mo`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from .resources import data_root, locales_dir

KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "mark": ((1, "c"), 2),
    "translatable": None,
    "tr": (2,),
}
COMMENT_TAGS = ["TRANSLATORS:"]
CAMPAIGN_KEYS = ("title", "subject", "opening", "demands_intro", "closing_request")


def extract_campaign(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extractor for campaign.toml: one message per text, its key path as a comment.

    Registered as the `letters_campaign` babel.extractors entry point, so `pybabel extract` works.
    """
    text = fileobj.read().decode("utf-8")
    raw = tomllib.loads(text)
    lines = text.splitlines()

    def line_of(value: str) -> int:
        probe = value[:40].replace('"', '\\"')
        for number, line in enumerate(lines, start=1):
            if probe in line or value[:40] in line:
                return number
        return 0

    def message(key: str, value: str) -> tuple:
        value = " ".join(value.split())
        return (line_of(value), None, value, [f"campaign: {key}"])

    for key in CAMPAIGN_KEYS:
        if isinstance(raw.get(key), str):
            yield message(key, raw[key])
    for index, paragraph in enumerate(raw.get("context", [])):
        yield message(f"context.{index}", paragraph)
    for demand_id, body in raw.get("demands", {}).items():
        for key in ("title", "text"):
            if isinstance(body.get(key), str):
                yield message(f"demands.{demand_id}.{key}", body[key])


def _method_map() -> list[tuple[str, str]]:
    return [
        ("templates/**.j2", "jinja2"),
        ("letters/**.py", "python"),
        ("campaigns/**/campaign.toml", "letters.catalog:extract_campaign"),
    ]


def extract(root: Path | None = None) -> Catalog:
    """Collect every English message of the project into a template catalog (messages.pot)."""
    root = root or data_root()
    catalog = Catalog(project="letters", charset="utf-8", fuzzy=False)
    options = {"templates/**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), _method_map(), options, KEYWORDS, COMMENT_TAGS, strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def pot_path() -> Path:
    return locales_dir() / "messages.pot"


def po_path(lang: str) -> Path:
    return locales_dir() / lang / "LC_MESSAGES" / "messages.po"


def write_pot(catalog: Catalog, path: Path | None = None) -> Path:
    path = path or pot_path()
    with path.open("wb") as out:
        write_po(out, catalog, width=100, sort_output=False, omit_header=False)
    return path


def update(lang: str, template: Catalog) -> Catalog:
    """Merge new messages; changed ones become fuzzy; vanished ones stay as obsolete (#~)."""
    with po_path(lang).open("rb") as source:
        catalog = read_po(source, locale=lang)
    catalog.update(template, update_header_comment=False)
    with po_path(lang).open("wb") as out:
        write_po(out, catalog, width=100, include_previous=True)
    return catalog


def compile_catalog(lang: str) -> Path:
    """Compile the PO file to the .mo the letters read (fuzzy entries are left out)."""
    with po_path(lang).open("rb") as source:
        catalog = read_po(source, locale=lang)
    mo = po_path(lang).with_suffix(".mo")
    with mo.open("wb") as out:
        write_mo(out, catalog, use_fuzzy=False)
    return mo


def now() -> datetime:
    return datetime.now().astimezone()
