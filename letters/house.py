"""The whole House of Commons, imported from the files the House and others publish.

`letters directory import` reads the House's "Members" XML export, the legislators JSON (emails,
offices) and plain CSV files, and merges them into one dated directory file the organiser keeps
(`imported_directory_path()`); `load_directory()` adds its MPs to the shipped default. Nothing is
ever guessed: gender stays unknown unless a source says so, and emails are never derived from names.
"""

from __future__ import annotations

import csv
import json
import tomllib
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .errors import DirectoryError, InputError
from .output import write_atomic
from .people import EMAIL, find_province, fold, name_key
from .supporters import header_key

MAX_BYTES = 20 * 1024 * 1024

# The House's short honorifics. "Hon."/"Right Hon." mark privy councillors; only a personal
# title such as "Mr." or "Ms." says anything about gender.
HONORIFICS = {
    "hon": ("honourable", None),
    "the hon": ("honourable", None),
    "right hon": ("right-honourable", None),
    "the right hon": ("right-honourable", None),
    "mr": (None, "m"),
    "m": (None, "m"),
    "mrs": (None, "f"),
    "ms": (None, "f"),
    "miss": (None, "f"),
    "mme": (None, "f"),
}
GENDERS = {
    "f": "f",
    "female": "f",
    "woman": "f",
    "femme": "f",
    "m": "m",
    "male": "m",
    "man": "m",
    "homme": "m",
    "h": "m",
    "": "u",
    "u": "u",
    "unknown": "u",
    "inconnu": "u",
}


@dataclass(frozen=True)
class Member:
    """One MP as a source gives them; fields a source does not give are None (gender "u")."""

    riding: str
    first_name: str
    last_name: str
    province: str | None = None
    gender: str = "u"
    honorific: str | None = None
    email: str | None = None

    @property
    def key(self) -> str:
        return name_key(self.riding)

    def same_person(self, other: Member) -> bool:
        return fold(f"{self.first_name} {self.last_name}") == fold(
            f"{other.first_name} {other.last_name}"
        )

    def completed_by(self, newer: Member) -> Member:
        """The same person, with what the newer source knows and this one did not."""
        return replace(
            self,
            province=newer.province or self.province,
            gender=newer.gender if newer.gender != "u" else self.gender,
            honorific=newer.honorific or self.honorific,
            email=newer.email or self.email,
        )


@dataclass(frozen=True)
class House:
    """The imported directory: MPs by riding, riding names in other languages, and its date."""

    as_of: date
    members: tuple[Member, ...] = ()
    riding_aliases: tuple[tuple[str, str], ...] = ()  # (other name, directory's riding name)
    sources: tuple[str, ...] = ()

    def merge(self, members: Iterable[Member], source: str, day: date) -> House:
        """Add a source: the same person is completed, another person replaces the riding's MP."""
        by_riding = {m.key: m for m in self.members}
        for member in members:
            old = by_riding.get(member.key)
            if old is None:
                by_riding[member.key] = member
            elif old.same_person(member):
                by_riding[member.key] = old.completed_by(member)
            else:  # a new MP for the riding (by-election): keep the riding as first written
                by_riding[member.key] = replace(member, riding=old.riding)
        ordered = tuple(sorted(by_riding.values(), key=lambda m: name_key(m.riding)))
        return replace(self, as_of=day, members=ordered, sources=_added(self.sources, source))

    def with_districts(self, pairs: Iterable[tuple[str, str]], source: str, day: date) -> House:
        """Record each district's other-language name, pointing at the riding the House uses."""
        known = {m.key: m.riding for m in self.members}
        aliases = dict(self.riding_aliases)
        for name_en, name_fr in pairs:
            riding = known.get(name_key(name_en))
            if riding and name_key(name_fr) != name_key(riding):
                aliases[name_fr] = riding
        return replace(
            self,
            as_of=day,
            riding_aliases=tuple(sorted(aliases.items())),
            sources=_added(self.sources, source),
        )


def _added(sources: tuple[str, ...], source: str) -> tuple[str, ...]:
    """Sources in order, each once: importing the same file again the same day changes nothing."""
    return tuple(dict.fromkeys((*sources, source)))


# --- Reading the sources ---------------------------------------------------------------------


def _checked_text(path: Path) -> bytes:
    if not path.is_file():
        raise DirectoryError(f"{path}: no such file", field="file", fix="give an existing file")
    if path.stat().st_size > MAX_BYTES:
        raise DirectoryError(
            f"{path.name} is larger than {MAX_BYTES // 1048576} MB",
            field="file",
            fix="give the House's Members export, the legislators JSON or a CSV",
        )
    return path.read_bytes()


def _honorific(text: str | None) -> tuple[str | None, str]:
    """(honorific for the address line, gender) from "Hon.", "Right Hon.", "Mr.", "Ms."…"""
    found = HONORIFICS.get(fold((text or "").replace(".", "")), (None, None))
    return found[0], found[1] or "u"


def _member(riding: str, first: str, last: str, province: str | None, where: str, **more) -> Member:
    riding, first, last = (" ".join((x or "").split()) for x in (riding, first, last))
    if not (riding and first and last):
        raise DirectoryError(
            f"{where}: a member needs a riding, a first name and a last name",
            field="member",
            fix="complete the entry or remove it",
        )
    email = (more.pop("email", None) or "").strip() or None
    if email and not EMAIL.match(email):
        raise DirectoryError(
            f"{where}: invalid email {email!r}", field="email", fix="correct it or leave it empty"
        )
    try:
        province_code = find_province(province).code if province else None
    except InputError as error:
        raise DirectoryError(
            f"{where}: {error.message}", field="province", fix=error.fix
        ) from error
    return Member(riding, first, last, province_code, email=email, **more)


def read_members_xml(content: bytes, name: str) -> Iterator[Member]:
    """The House of Commons' "Members of Parliament" XML export (ourcommons.ca, Members, XML)."""
    try:
        # The organiser's own download from ourcommons.ca; expat >= 2.4.1 refuses entity bombs.
        root = ElementTree.fromstring(content)  # noqa: S314
    except ElementTree.ParseError as error:
        raise DirectoryError(
            f"{name} is not well-formed XML: {error}",
            field="file",
            fix="download the Members export again (ourcommons.ca, Members, Export as XML)",
        ) from error
    members = root.findall("MemberOfParliament")
    if root.tag != "ArrayOfMemberOfParliament" or not members:
        raise DirectoryError(
            f"{name} is not the House of Commons' Members XML export",
            field="file",
            fix="download it from ourcommons.ca (Members, Export as XML)",
        )
    for number, element in enumerate(members, start=1):
        if (element.findtext("ToDateTime") or "").strip():
            continue  # a former member
        honorific, gender = _honorific(element.findtext("PersonShortHonorific"))
        yield _member(
            element.findtext("ConstituencyName") or "",
            element.findtext("PersonOfficialFirstName") or "",
            element.findtext("PersonOfficialLastName") or "",
            element.findtext("ConstituencyProvinceTerritoryName"),
            f"{name}, member {number}",
            gender=gender,
            honorific=honorific,
        )


def read_legislators_json(content: bytes, name: str) -> Iterator[Member]:
    """The legislators JSON (one object per MP: names, honorific, email, offices, constituency)."""
    try:
        entries = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DirectoryError(
            f"{name} is not valid JSON: {error}", field="file", fix="download the file again"
        ) from error
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("constituency"), dict) for e in entries
    ):
        raise DirectoryError(
            f"{name} is not a legislators JSON file (a list of members with a constituency)",
            field="file",
            fix="give the legislators JSON, the Members XML or a CSV",
        )
    for number, entry in enumerate(entries, start=1):
        if entry.get("isCurrent") is False:
            continue
        honorific, gender = _honorific(entry.get("honorific"))
        yield _member(
            entry["constituency"].get("name") or "",
            entry.get("firstName") or "",
            entry.get("lastName") or "",
            entry["constituency"].get("region"),
            f"{name}, entry {number}",
            gender=gender,
            honorific=honorific,
            email=entry.get("email"),
        )


CSV_COLUMNS = {
    "riding": ("riding", "circonscription", "constituency", "electoral district"),
    "name": ("name", "nom", "full name", "nom complet"),
    "first_name": ("first name", "prénom"),
    "last_name": ("last name", "nom de famille"),
    "gender": ("gender", "genre", "sexe"),
    "email": ("email", "e-mail", "courriel"),
    "province": ("province", "province or territory", "province ou territoire"),
    "honorific": ("honorific", "titre"),
}
_CSV_KEYS = {header_key(a): k for k, aliases in CSV_COLUMNS.items() for a in aliases}


def read_members_csv(content: bytes, name: str) -> Iterator[Member]:
    """A plain CSV, one MP a line: riding, name (or first and last name), gender, email…

    A full name is split at its first space ("Lena Metlege Diab": Lena / Metlege Diab); give
    first and last name columns when that is wrong.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DirectoryError(
            f"{name} is not UTF-8 text", field="file", fix="save it as CSV UTF-8"
        ) from error
    reader = csv.reader(
        text.splitlines(), delimiter=";" if text.count(";") > text.count(",") else ","
    )
    headers = next(reader, [])
    columns = {
        i: _CSV_KEYS[header_key(h)] for i, h in enumerate(headers) if header_key(h) in _CSV_KEYS
    }
    if "riding" not in columns.values() or not (
        "name" in columns.values() or {"first_name", "last_name"} <= set(columns.values())
    ):
        raise DirectoryError(
            f"{name}: needs a riding column and a name (or first and last name) column; "
            f"headers found: {', '.join(headers) or 'none'}",
            field="header",
            row=1,
            fix="name the columns riding, name, gender, email",
        )
    for cells in reader:
        row = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        values = {field: cells[i].strip() if i < len(cells) else "" for i, field in columns.items()}
        first, _, last = values.get("name", "").partition(" ")
        gender = GENDERS.get(fold(values.get("gender", "")))
        if gender is None:
            raise DirectoryError(
                f"{name}: unknown gender {values['gender']!r}",
                field="gender",
                row=row,
                fix="write f, m, or leave it empty when the source does not say",
            )
        yield _member(
            values["riding"],
            values.get("first_name") or first,
            values.get("last_name") or last.strip(),
            values.get("province") or None,
            f"{name}, row {row}",
            gender=gender,
            honorific=_honorific(values.get("honorific"))[0],
            email=values.get("email"),
        )


def read_members(path: Path) -> list[Member]:
    """Members from an XML, JSON or CSV file, told apart by their content."""
    path = Path(path)
    content = _checked_text(path)
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    reader = {b"<": read_members_xml, b"[": read_legislators_json}.get(start, read_members_csv)
    members = list(reader(content, path.name))
    if not members:
        raise DirectoryError(f"{path.name} lists no current member", field="file")
    return members


def read_districts(path: Path) -> list[tuple[str, str]]:
    """(English name, French name) of each district, from the OCD districts CSV (id, name, name_fr)."""
    text = _checked_text(Path(path)).decode("utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    if not rows or not {"name", "name_fr"} <= set(rows[0]):
        raise DirectoryError(
            f"{Path(path).name} has no name and name_fr columns",
            field="districts",
            fix="give ca_federal_electoral_districts-2023.csv (Open Civic Data identifiers)",
        )
    return [(r["name"], r["name_fr"]) for r in rows if r["name"] and r["name_fr"]]


# --- The directory file ----------------------------------------------------------------------


def _toml(value: object) -> str:
    """A TOML value: JSON's string escapes are valid TOML basic-string escapes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def house_toml(house: House) -> str:
    """The directory file, readable by `letters.people.read_directory`."""
    lines = [
        "# The House of Commons, imported by `letters directory import`; edit by importing again.",
        "# Gender is f, m or u (unknown: neutral forms of address). Emails come from the sources.",
        f"as_of = {house.as_of.isoformat()}",
        f"sources = [{', '.join(_toml(s) for s in house.sources)}]",
        "",
        "[riding_aliases]",
        *(f"{_toml(other)} = {_toml(riding)}" for other, riding in house.riding_aliases),
    ]
    for member in house.members:
        lines += ["", "[[recipients]]", 'role = "mp"']
        body = {
            "first_name": member.first_name,
            "last_name": member.last_name,
            "gender": member.gender,
            "riding": member.riding,
            "province": member.province,
            "honorific": member.honorific,
            "privy_councillor": member.honorific is not None or None,
            "email": member.email,
        }
        lines += [f"{key} = {_toml(value)}" for key, value in body.items() if value is not None]
    return "\n".join(lines) + "\n"


def read_house(path: Path) -> House:
    """The imported directory as `House` (to merge more sources into it)."""
    if not path.is_file():
        return House(as_of=date.min)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DirectoryError(
            f"{path} cannot be read: {error}",
            field="directory",
            fix="remove it and import again",
        ) from error
    members = tuple(
        Member(
            riding=r["riding"],
            first_name=r["first_name"],
            last_name=r["last_name"],
            province=r.get("province"),
            gender=r.get("gender", "u"),
            honorific=r.get("honorific"),
            email=r.get("email"),
        )
        for r in raw.get("recipients", [])
    )
    return House(
        as_of=raw["as_of"],
        members=members,
        riding_aliases=tuple(raw.get("riding_aliases", {}).items()),
        sources=tuple(raw.get("sources", ())),
    )


def import_house(
    files: Iterable[Path],
    target: Path,
    *,
    districts: Path | None = None,
    day: date | None = None,
    replace_all: bool = False,
) -> House:
    """Merge `files` (and the districts' French names) into the directory file at `target`.

    Every file is read before anything is written, so a bad file leaves the directory unchanged.
    """
    day = day or date.today()
    house = House(as_of=day) if replace_all else read_house(target)
    for path in files:
        house = house.merge(read_members(path), f"{Path(path).name} ({day.isoformat()})", day)
    if districts:
        pairs = read_districts(districts)
        house = house.with_districts(pairs, f"{Path(districts).name} ({day.isoformat()})", day)
    if not house.members:
        raise DirectoryError(
            "nothing to import", field="file", fix="give the Members XML, legislators JSON or a CSV"
        )
    write_atomic(target, house_toml(house).encode("utf-8"))
    return house
