"""The ridings the page offers: every district of the directory in use, in both languages."""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from pathlib import Path

from ..districts import District, Districts, fold, official
from ..errors import InputError
from ..recipients import Directory


@dataclass(frozen=True)
class Riding:
    name_en: str
    name_fr: str
    district: District | None = None

    def name(self, lang: str) -> str:
        return self.name_fr if lang == "fr" else self.name_en


def directory_ridings(
    directory: Directory, only: tuple[Riding, ...] | None = None
) -> tuple[Riding, ...]:
    """Every district the directory knows (held or vacant: a vacant seat gets its own message),
    official names in both languages; `only` (a `--ridings` CSV) narrows the list to its
    districts. A directory without districts lists its MPs' ridings."""
    if len(directory.districts):
        ridings = tuple(Riding(d.name_en, d.name_fr, d) for d in directory.districts)
        if only is not None:
            wanted = {r.district.code for r in only if r.district} | {
                d.code
                for r in only
                if not r.district
                for d in [directory.district(r.name_en) or directory.district(r.name_fr)]
                if d
            }
            ridings = tuple(r for r in ridings if r.district.code in wanted)
    else:
        names = {r.riding for r in directory.search("mp") if r.riding}
        ridings = tuple(Riding(name, name) for name in names)
    return tuple(sorted(ridings, key=lambda r: fold(r.name_en)))


def load_ridings(path: Path) -> tuple[Riding, ...]:
    """Read `name` and `name_fr` columns (the OCD federal electoral districts file has them)."""
    try:
        with path.open(encoding="utf-8", newline="") as source:
            rows = list(csv.DictReader(source))
        ridings = {
            Riding(official(row["name"]), official(row.get("name_fr") or row["name"]))
            for row in rows
        }
    except (OSError, KeyError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(
            f"{path}: cannot read the ridings",
            field="ridings",
            fix="give a UTF-8 CSV file with name and name_fr columns",
        ) from exc
    return tuple(sorted(ridings, key=lambda r: fold(r.name_en)))


def find_riding(ridings: tuple[Riding, ...], text: str) -> Riding | None:
    """Match a riding by its English, French or former name, ignoring case, accents, ligatures
    and dash and apostrophe styles."""
    wanted = fold(text or "")
    if not wanted:
        return None
    for riding in ridings:
        if any(wanted == fold(name) for name in _names(riding)):
            return riding
    return None


def _names(riding: Riding) -> tuple[str, ...]:
    return riding.district.names if riding.district else (riding.name_en, riding.name_fr)


def ridings_starting(ridings: tuple[Riding, ...], text: str, lang: str) -> tuple[str, ...]:
    """Every riding whose name (English, French or former) starts with what was typed
    ("Edmonton" gives all nine), named in the page's language."""
    typed = fold(text)
    if not typed:
        return ()
    return tuple(
        dict.fromkeys(
            riding.name(lang)
            for riding in ridings
            if any(fold(name).startswith(typed) for name in _names(riding))
        )
    )


def suggest_ridings(ridings: tuple[Riding, ...], text: str, lang: str) -> tuple[str, ...]:
    """Up to three ridings whose name (English, French or former) is close to a mistyped one,
    named in the page's language: the directory's districts (`letters.districts`) decide."""
    districts = Districts(tuple(r.district for r in ridings if r.district))
    if len(districts):
        return tuple(dict.fromkeys(d.name(lang) for d in districts.suggest(text)))
    names = {fold(name): riding for riding in ridings for name in (riding.name_en, riding.name_fr)}
    close = difflib.get_close_matches(fold(text), list(names), n=3, cutoff=0.6)
    return tuple(dict.fromkeys(names[key].name(lang) for key in close))
