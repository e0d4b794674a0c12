"""The ridings the page offers: the directory's MPs, or every district from an OCD-style CSV."""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..people import Directory, fold


@dataclass(frozen=True)
class Riding:
    name_en: str
    name_fr: str

    def name(self, lang: str) -> str:
        return self.name_fr if lang == "fr" else self.name_en


def _clean(name: str) -> str:
    # Some source files put a stray space after the em dash ("Rivière-du-Loup— Kataskomiq").
    return re.sub(r"\s*—\s*", "—", " ".join(name.split()))


def directory_ridings(directory: Directory) -> tuple[Riding, ...]:
    names = sorted({r.riding for r in directory.search("mp") if r.riding}, key=fold)
    return tuple(Riding(name, name) for name in names)


def load_ridings(path: Path) -> tuple[Riding, ...]:
    """Read `name` and `name_fr` columns (the OCD federal electoral districts file has them)."""
    try:
        with path.open(encoding="utf-8", newline="") as source:
            rows = list(csv.DictReader(source))
        ridings = {
            Riding(_clean(row["name"]), _clean(row.get("name_fr") or row["name"])) for row in rows
        }
    except (OSError, KeyError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(
            f"{path}: cannot read the ridings",
            field="ridings",
            fix="give a UTF-8 CSV file with name and name_fr columns",
        ) from exc
    return tuple(sorted(ridings, key=lambda r: fold(r.name_en)))


def find_riding(ridings: tuple[Riding, ...], text: str) -> Riding | None:
    """Match a riding by its English or French name, ignoring case, accents and dash styles."""
    wanted = fold(text)
    for riding in ridings:
        if wanted in (fold(riding.name_en), fold(riding.name_fr)):
            return riding
    return None


def suggest_ridings(ridings: tuple[Riding, ...], text: str, lang: str) -> tuple[str, ...]:
    """Up to three ridings whose name is close to a mistyped one, named in the page's language.

    Simple matching on folded names (issue 13's `letters.districts` will take this over).
    """
    names = {fold(name): riding for riding in ridings for name in (riding.name_en, riding.name_fr)}
    close = difflib.get_close_matches(fold(text), list(names), n=3, cutoff=0.6)
    return tuple(dict.fromkeys(names[key].name(lang) for key in close))
