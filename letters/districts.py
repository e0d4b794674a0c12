"""The 343 federal electoral districts: official English and French names, however a user types them.

A `District` has its official names in both languages (as the 2023 Representation Order and
later renames give them), its province and its former names. `Districts` finds one from any
spelling: either language, a former name, `œ`/`oe`, `æ`/`ae`, any dash with or without spaces,
straight or typographic apostrophes, accents, case and spaces.

The districts ship as package data (`letters/data/house.toml`, written by `letters directory
import`); an organiser's own import (`directory/house.toml`) replaces them when it has them.

French "de" + a district's name (du Yukon, des Pays-d’en-Haut, d’Ottawa-Centre, de La
Pointe-de-l’Île) follows the rules in `FRENCH_OF` below: data, tested over every district.
"""

from __future__ import annotations

import csv
import difflib
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from .errors import DirectoryError, InputError, translatable
from .resources import imported_directory_path, package_data
from .toml_cache import read_toml

# SGC province codes (the first two digits of a district's code) -> postal symbols.
SGC_PROVINCES = {
    "10": "NL",
    "11": "PE",
    "12": "NS",
    "13": "NB",
    "24": "QC",
    "35": "ON",
    "46": "MB",
    "47": "SK",
    "48": "AB",
    "59": "BC",
    "60": "YT",
    "61": "NT",
    "62": "NU",
}

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d-"
APOSTROPHES = "'\u2019\u2018\u02bc\u0060\u00b4\u2032"
LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"}


def fold(text: str) -> str:
    """A district's name as a matching key: case, accents, ligatures (œ/oe, æ/ae), every dash
    (with or without spaces around it), apostrophes and spaces do not matter."""
    for ligature, letters in LIGATURES.items():
        text = text.replace(ligature, letters)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def official(name: str) -> str:
    """A name as printed: one space between words, em dashes without spaces around them (the
    2023 file has "Rivière-du-Loup— Kataskomiq"), typographic apostrophes."""
    name = " ".join(name.split())
    name = re.sub(r"\s*\u2014\s*", "\u2014", name)
    return re.sub(r"['\u02bc]", "\u2019", name)


@dataclass(frozen=True)
class District:
    code: str  # "35120": the 2023 order's number; its first two digits are the province's
    province: str  # postal symbol: "ON"
    name_en: str  # official names as printed (em dashes, typographic apostrophes)
    name_fr: str
    former_en: tuple[str, ...] = ()  # names before a rename ("York Centre" for "North York")
    former_fr: tuple[str, ...] = ()
    name_fr_source: str | None = None  # where a French name not in the 2023 order comes from

    def name(self, lang: str) -> str:
        return self.name_fr if lang == "fr" else self.name_en

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name_en, self.name_fr, *self.former_en, *self.former_fr)


# --- French: "de" + the district's name --------------------------------------------------------
# Reviser's rules, as data (tested over all 343 districts):
# - names that take an implied article in running French: le Yukon, les Territoires du Nord-Ouest;
# - an article inside the name contracts with "de" when it is "le" or "les" (des Pays-d’en-Haut),
#   never "la" or "l’" (de La Pointe-de-l’Île, de La Prairie—Atateken);
# - "de" elides before a vowel sound (d’Ottawa-Centre, d’Honoré-Mercier), not before an English
#   word said with a consonant (de University—Rosedale, de York-Centre);
# - before an "h", as `H_WORDS` decides for each word a district's French name starts with.
FRENCH_OF = {
    "implied_article": {"Yukon": "le", "Nunavut": "le", "Territoires du Nord-Ouest": "les"},
    "contractions": {"le": "du", "les": "des"},
    "vowels": "AEIOUÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆaeiouàâäéèêëîïôöùûüœæ",
    # Words starting with a vowel letter said with a consonant.
    "no_elision": ("University",),
}

# Mute h (French elides: « d’Halifax ») or aspirated h (it does not: « de Hull »), for the first
# word of every district whose French name starts with H, each with the reason and its source.
# The rule (Office québécois de la langue française, Banque de dépannage linguistique, « H muet et
# h aspiré » and « Élision devant les noms propres »): "de" elides before a mute h; before a
# foreign name whose h is pronounced in its own language, French does not elide, unless usage has
# settled otherwise. A district whose first word is missing here fails tests/test_districts.py.
H_WORDS: dict[str, tuple[str, str]] = {
    "Halifax": (
        "mute",
        "settled usage despite the English h: « d’Halifax » in federal names (Administration "
        "portuaire d’Halifax, Aéroport international Stanfield d’Halifax) and Radio-Canada",
    ),
    "Hochelaga": (
        "mute",
        "a French (Iroquoian) place name of Montréal, said without h: « d’Hochelaga », "
        "as in Radio-Canada's « la députée d’Hochelaga »",
    ),
    "Honoré": (
        "mute",
        "the French given name Honoré (h muet, as in honneur): « d’Honoré-Mercier »",
    ),
    "Hull": (
        "aspirated",
        "English name (Hull, Gatineau), said with h in Quebec usage: « le député de Hull—Aylmer »",
    ),
    "Haldimand": ("aspirated", "English (Ontario) name, h pronounced: BDL rule for foreign names"),
    "Haliburton": ("aspirated", "English (Ontario) name, h pronounced: BDL rule for foreign names"),
    "Hamilton": (
        "aspirated",
        "English name, h pronounced: BDL rule; Radio-Canada writes « la Ville de Hamilton »",
    ),
    "Hastings": ("aspirated", "English (Ontario) name, h pronounced: BDL rule for foreign names"),
    "Humber": ("aspirated", "English (Toronto) river name, h pronounced: BDL rule"),
    "Huron": (
        "aspirated",
        "h aspiré in French itself (les Hurons, le lac Huron: Le Petit Robert, Usito)",
    ),
}


def french_of(name: str) -> str:
    """ "de" + the name, as a reviser writes it: "du Yukon", "des Pays-d’en-Haut", "d’Avalon"."""
    rules = FRENCH_OF
    article = rules["implied_article"].get(name)
    if article:
        return f"{rules['contractions'].get(article, 'de ' + article)} {name}"
    first, _, rest = name.partition(" ")
    if first in ("Le", "Les") and rest:
        return f"{rules['contractions'][first.lower()]} {rest}"
    if name.startswith(tuple(rules["no_elision"])):
        return f"de {name}"
    if name[:1] in rules["vowels"] or h_is_mute(name):
        return f"d\u2019{name}"
    return f"de {name}"


def h_is_mute(name: str) -> bool:
    """Whether "de" elides before this name's h (`H_WORDS`); a name not starting with h: False."""
    word = re.split(r"[\s\-\u2014]", name, maxsplit=1)[0]
    return H_WORDS.get(word, ("",))[0] == "mute"


# The 16 districts renamed in 2026 (*An Act to change the names of certain electoral districts,
# 2026*, Part 2 of Bill C-25, S.C. 2026, c. 20): the House gives their English names only, and no
# official French text of the Act or of Elections Canada's list could be found. These French names
# are the best found, unofficial: hankmika/canadian-ridings, ridings.json at commit f15146cd
# (2026-07-27), as ../shared/data/districts-renamed-2026-fr-unofficial.csv records them; where no
# French name was found (24041, 24061) the official name stands as it is. Replace with the official
# French names when Elections Canada publishes them.
RENAMED_2026_SOURCE = "hankmika/canadian-ridings ridings.json @f15146cd (2026-07-27), unofficial"
# code: (English name, French name, source)
RENAMED_2026_FR: dict[str, tuple[str, str, str]] = {
    "10002": (
        "Cape Spear—Mount Pearl—Paradise",
        "Cape Spear—Mount Pearl—Paradise",
        RENAMED_2026_SOURCE,
    ),
    "10003": (
        "Coast of Bays—Central—Notre Dame",
        "Coast of Bays—Central—Notre Dame",
        RENAMED_2026_SOURCE,
    ),
    "10007": ("The Eastern Peninsulas", "Les Péninsules-Est", RENAMED_2026_SOURCE),
    "12007": ("Halifax West—Peggy’s Cove", "Halifax-Ouest—Peggy’s Cove", RENAMED_2026_SOURCE),
    "13009": (
        "New Brunswick Southwest",
        "Nouveau-Brunswick-Sud-Ouest",
        f"{RENAMED_2026_SOURCE}; the same pair was official for 13008 under the 2013 order "
        "(opencivicdata/ocd-division-ids)",
    ),
    "24005": (
        "Argenteuil—Papineau—Des Collines",
        "Argenteuil—Papineau—Des Collines",
        RENAMED_2026_SOURCE,
    ),
    "24007": ("Vallée-du-Haut-Saint-Laurent", "Vallée-du-Haut-Saint-Laurent", RENAMED_2026_SOURCE),
    "24030": (
        "Jonquière—Hébertville—Pays-des-Bleuets",
        "Jonquière—Hébertville—Pays-des-Bleuets",
        RENAMED_2026_SOURCE,
    ),
    "24041": (
        "Longueuil—Charles-LeMoyne—Greenfield Park",
        "Longueuil—Charles-LeMoyne—Greenfield Park",
        "no French name found: the official name stands",
    ),
    "24058": (
        "Saint-Augustin—Portneuf—Jacques-Cartier",
        "Saint-Augustin—Portneuf—Jacques-Cartier",
        RENAMED_2026_SOURCE,
    ),
    "24061": (
        "Richmond—Arthabaska—des-Sources",
        "Richmond—Arthabaska—des-Sources",
        "no French name found: the official name stands",
    ),
    "24062": (
        "Rimouski-Neigette—Mitis—Matapédia—Les Basques",
        "Rimouski-Neigette—Mitis—Matapédia—Les Basques",
        RENAMED_2026_SOURCE,
    ),
    "35069": ("York—South Simcoe", "York—Simcoe-Sud", RENAMED_2026_SOURCE),
    "35120": ("North York", "North York", RENAMED_2026_SOURCE),
    "47010": ("Saskatoon East", "Saskatoon-Est", RENAMED_2026_SOURCE),
    "59004": (
        "Cariboo—Prince George—Omineca",
        "Cariboo—Prince George—Omineca",
        RENAMED_2026_SOURCE,
    ),
}


def riding_phrase(district: District, lang: str) -> str:
    """What follows "the riding" in the letter's language: "of Ottawa Centre" is written by the
    message itself in English; French needs the contraction ("d’Ottawa-Centre", "du Yukon")."""
    if lang == "fr":
        return french_of(district.name_fr)
    return district.name(lang)


# --- The registry -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Districts:
    """Every district, found by any of its names written any way."""

    districts: tuple[District, ...]
    as_of: date | None = None

    def __iter__(self) -> Iterator[District]:
        return iter(self.districts)

    def __len__(self) -> int:
        return len(self.districts)

    @property
    def _index(self) -> dict[str, District]:
        index = self.__dict__.get("_index_cache")
        if index is None:
            index = {}
            for district in self.districts:
                for name in district.names:
                    index.setdefault(fold(name), district)
            object.__setattr__(self, "_index_cache", index)
        return index

    def by_code(self, code: str) -> District | None:
        return next((d for d in self.districts if d.code == code), None)

    def find(self, text: str) -> District | None:
        return self._index.get(fold(text or "")) if fold(text or "") else None

    def suggest(self, text: str, n: int = 3) -> list[District]:
        close = difflib.get_close_matches(fold(text), list(self._index), n=n * 2, cutoff=0.6)
        return list(dict.fromkeys(self._index[k] for k in close))[:n]

    def require(
        self, text: str, *, field: str = "riding", row: int | None = None, lang: str = "en"
    ) -> District:
        """The district, or an error that suggests the closest official names."""
        found = self.find(text)
        if found:
            return found
        close = self.suggest(text)
        raise InputError(
            translatable("unknown federal riding %(value)s"),
            field=field,
            row=row,
            fix=translatable("did you mean %(suggestions)s?")
            if close
            else translatable("write its name as Elections Canada does, in English or French"),
            values={
                "value": repr(text),
                "suggestions": " / ".join(d.name(lang) for d in close),
            },
        )


# --- Reading and writing ----------------------------------------------------------------------


def read_districts_csv(path: Path, content: bytes | None = None) -> list[District]:
    """The Open Civic Data districts CSV (id ending `ed:NNNNN-2023`, name, name_fr)."""
    text = (content if content is not None else Path(path).read_bytes()).decode("utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    if not rows or not {"id", "name", "name_fr"} <= set(rows[0]):
        raise DirectoryError(
            f"{Path(path).name} has no id, name and name_fr columns",
            field="districts",
            fix="give ca_federal_electoral_districts-2023.csv (Open Civic Data identifiers)",
        )
    districts = []
    for number, row in enumerate(rows, start=2):
        match = re.search(r"ed:(\d{5})", row["id"] or "")
        province = SGC_PROVINCES.get(match[1][:2]) if match else None
        if not (match and province and row["name"].strip() and row["name_fr"].strip()):
            raise DirectoryError(
                f"{Path(path).name}: row {number} is not a federal district",
                field="districts",
                row=number,
                fix="give the OCD federal electoral districts file unchanged",
            )
        districts.append(
            District(match[1], province, official(row["name"]), official(row["name_fr"]))
        )
    return districts


def districts_from_toml(entries: Iterable[dict]) -> tuple[District, ...]:
    return tuple(
        District(
            code=e["code"],
            province=e["province"],
            name_en=e["name_en"],
            name_fr=e["name_fr"],
            former_en=tuple(e.get("former_en", ())),
            former_fr=tuple(e.get("former_fr", ())),
            name_fr_source=e.get("name_fr_source"),
        )
        for e in entries
    )


def _house_districts(path: Path) -> Districts | None:
    if not path.is_file():
        return None
    try:
        raw = read_toml(path)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # read_directory reports it
    entries = raw.get("districts")
    return Districts(districts_from_toml(entries), raw.get("as_of")) if entries else None


def shipped_house_path() -> Path:
    """The House as shipped with letters (derived by `letters directory import`, dated)."""
    return package_data("house.toml")


@cache
def _districts_at(path: str, mtime: float) -> Districts | None:
    return _house_districts(Path(path))


def default_districts() -> Districts:
    """The organiser's imported districts when the import has them, else the shipped ones."""
    for path in (imported_directory_path(), shipped_house_path()):
        if path.is_file():
            found = _districts_at(str(path.resolve()), path.stat().st_mtime)
            if found:
                return found
    return Districts(())
