"""The whole House of Commons, imported from the files the House and others publish.

`letters directory import` reads the House's "Members" XML export, the legislators JSON (emails,
offices) and plain CSV files, and merges them into one dated directory file the organiser keeps
(`imported_directory_path()`); `load_directory()` adds its MPs to the shipped default. Nothing is
ever guessed: gender stays unknown unless a source says so, and emails are never derived from names.
"""

from __future__ import annotations

import csv
import json
import re
import tomllib
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .. import tomlsafe
from ..districts import (
    RENAMED_2026_FR,
    District,
    Districts,
    default_districts,
    districts_from_toml,
    official,
    read_districts_csv,
    shipped_house_path,
)
from ..districts import fold as fold_key
from ..errors import DirectoryError, InputError
from ..output import write_atomic
from ..recipients import name_key
from ..resources import package_data
from ..senders import EMAIL, find_province, fold, header_key

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
    district: str | None = None  # the district's code, once the riding is matched to one
    where: str = ""  # the record, for errors: "roster.csv, row 12"
    mp_id: str | None = None  # the House's PersonId (the roster's mp_id): joins a gender record

    @property
    def key(self) -> str:
        return f"ed:{self.district}" if self.district else name_key(self.riding)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def same_person(self, other: Member) -> bool:
        """The same name, or the same first and last words: "Amanpreet S. Gill" is "Amanpreet
        Gill", "Vincent Neil Ho" is "Vincent Ho" (sources differ on middle names)."""
        mine, theirs = _words(self.full_name), _words(other.full_name)
        return mine == theirs or (
            len(mine) > 1 and len(theirs) > 1 and (mine[0], mine[-1]) == (theirs[0], theirs[-1])
        )

    def completed_by(self, newer: Member) -> Member:
        """The same person, with what the newer source knows and this one did not."""
        return replace(
            self,
            province=newer.province or self.province,
            gender=newer.gender if newer.gender != "u" else self.gender,
            honorific=newer.honorific or self.honorific,
            email=newer.email or self.email,
            district=self.district or newer.district,
            mp_id=self.mp_id or newer.mp_id,
        )


def _words(name: str) -> list[str]:
    return [w for w in (fold_key(x) for x in re.split(r"[\s.]+", name)) if w]


def person_key(name: str) -> str:
    """A person's name as a matching key (accents, case, hyphens and spaces do not matter)."""
    return fold_key(name)


@dataclass(frozen=True)
class Source:
    """One file read: what it is, its members, and the date its data is as of (if it says)."""

    name: str
    # "members" (a House roster, XML, CSV, legislators JSON), "emails" (used for emails only) or
    # "genders" (mp_id and gender: used for genders only, joined by mp_id)
    kind: str
    members: tuple[Member, ...]
    as_of: date | None = None

    @property
    def label(self) -> str:
        """The source as the directory lists it, with its own date: "emails-2026-01-22.json
        (2026-01-22)", "house-of-commons-45th-gender-2025.csv (2025)"."""
        return f"{self.name} ({source_date_label(self.name, self.as_of)})"


@dataclass(frozen=True)
class House:
    """The imported directory: the districts, MPs by district, vacant seats, and its date."""

    as_of: date
    members: tuple[Member, ...] = ()
    riding_aliases: tuple[tuple[str, str], ...] = ()  # (other name, riding): older files only
    sources: tuple[str, ...] = ()
    districts: tuple[District, ...] = ()
    vacant: tuple[str, ...] = ()  # codes of districts with no sitting member
    renamed: tuple[tuple[str, str], ...] = ()  # (name at the 2025 election, name now)

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

    def with_genders(self, members: Iterable[Member], source: str) -> House:
        """Genders from a record used for nothing else, joined by the House's mp_id. A member
        whose gender is already known keeps it: what an organiser gave (a CSV, the directory)
        wins over the public record."""
        genders = {m.mp_id: m.gender for m in members if m.mp_id and m.gender != "u"}
        updated = tuple(
            replace(m, gender=genders.get(m.mp_id or "", "u")) if m.gender == "u" else m
            for m in self.members
        )
        return replace(self, members=updated, sources=_added(self.sources, source))

    def with_emails(self, members: Iterable[Member], source: str) -> House:
        """Emails from a source used for nothing else: joined by person *and* district, so a
        seat that changed hands never gets its former member's address."""
        by_key = {m.key: m for m in self.members}
        for member in members:
            sitting = by_key.get(member.key)
            if sitting and sitting.same_person(member) and member.email:
                by_key[member.key] = replace(sitting, email=sitting.email or member.email)
        ordered = tuple(sorted(by_key.values(), key=lambda m: name_key(m.riding)))
        return replace(self, members=ordered, sources=_added(self.sources, source))


def _added(sources: tuple[str, ...], source: str) -> tuple[str, ...]:
    """Sources in order, each once: importing the same file again changes nothing."""
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
    return Member(riding, first, last, province_code, email=email, where=where, **more)


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
    "mp_id": ("mp_id", "mp id", "person id", "personid"),
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
# A CSV with these columns and none of a roster's (email, province, honorific) is a gender
# record, such as house-of-commons-45th-gender-2025.csv: it gives genders and adds no member.
GENDER_RECORD = {"mp_id", "gender"}
ROSTER_ONLY = {"email", "province", "honorific"}


def csv_kind(content: bytes) -> str:
    """ "genders" for a gender record joined by mp_id, else "members"."""
    text = content.decode("utf-8-sig", errors="replace")
    first = text.splitlines()[0] if text else ""
    headers = next(
        csv.reader([first], delimiter=";" if first.count(";") > first.count(",") else ","), []
    )
    found = {_CSV_KEYS.get(header_key(h)) for h in headers}
    return "genders" if found >= GENDER_RECORD and not found & ROSTER_ONLY else "members"


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
            mp_id=values.get("mp_id") or None,
        )


def read_emails_json(content: bytes, name: str) -> Iterator[Member]:
    """Open North Represent's members as a list (firstName, lastName, email, ridingName): used for
    emails only, joined to the roster by person and district."""
    entries = json.loads(content)
    for number, entry in enumerate(entries, start=1):
        yield _member(
            entry.get("ridingName") or "",
            entry.get("firstName") or "",
            entry.get("lastName") or "",
            None,  # the province is blank on many rows; the district says it
            f"{name}, entry {number}",
            email=entry.get("email"),
        )


def _json_reader(content: bytes, name: str):
    try:
        entries = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DirectoryError(
            f"{name} is not valid JSON: {error}", field="file", fix="download the file again"
        ) from error
    if (
        isinstance(entries, list)
        and entries
        and all(isinstance(e, dict) and "ridingName" in e and "email" in e for e in entries)
    ):
        return "emails", read_emails_json
    return "members", read_legislators_json


DATED_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
YEAR_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def source_date_label(name: str, as_of: date | None) -> str:
    """A source's own date as its name gives it: a day, else a year ("…-gender-2025.csv")."""
    if as_of:
        return as_of.isoformat()
    years = YEAR_NAME.findall(name)
    return years[-1] if years else "undated"


def source_date(name: str) -> date | None:
    """The date a file's data is as of, when its name says it ("…-2026-09-27.csv")."""
    found = DATED_NAME.findall(name)
    if not found:
        return None
    try:
        return date(*(int(x) for x in found[-1]))
    except ValueError:
        return None


def read_source(path: Path) -> Source:
    """Members (or emails) from an XML, JSON or CSV file, told apart by their content."""
    path = Path(path)
    content = _checked_text(path)
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    kind = "members"
    if start == b"<":
        reader = read_members_xml
    elif start == b"[":
        kind, reader = _json_reader(content, path.name)
    else:
        kind, reader = csv_kind(content), read_members_csv
    members = tuple(reader(content, path.name))
    if not members:
        raise DirectoryError(f"{path.name} lists no current member", field="file")
    return Source(path.name, kind, members, source_date(path.name))


def read_members(path: Path) -> list[Member]:
    """Members from an XML, JSON or CSV file, told apart by their content."""
    return list(read_source(path).members)


# --- Districts: matching, renames, vacancies -------------------------------------------------


def _renamed_french(old: District, new_en: str) -> tuple[str, str | None]:
    """A renamed district's French name and its source: the 2026 renames' table
    (`RENAMED_2026_FR`) when the new English name is the one it lists; else derived from the old
    names (the same when they were the same in both languages; the old French part kept when the
    new English name extends the old one); else the new name as the House gives it."""
    listed = RENAMED_2026_FR.get(old.code)
    if listed and fold_key(new_en) == fold_key(listed[0]):
        return official(listed[1]), listed[2]
    if old.name_fr == old.name_en or not new_en.startswith(old.name_en):
        return new_en, None
    return old.name_fr + new_en[len(old.name_en) :], "derived from the former French name"


def resolve(sources: list[Source], districts: Districts) -> tuple[list[Source], Districts]:
    """Match every member's riding to a district, and derive renames from the data: a member
    whose riding is no district's name, found in another source as the same person in a known
    district, sits for that district under its new name."""
    renames: dict[str, str] = {}
    for source in sources:
        if source.kind != "members":
            continue
        for member in source.members:
            if districts.find(member.riding):
                continue
            for other in (m for s in sources if s is not source for m in s.members):
                district = districts.find(other.riding)
                if district and other.same_person(member):
                    renames[district.code] = official(member.riding)
                    break
    if renames:
        changed = []
        for district in districts:
            new_en = renames.get(district.code)
            if new_en and fold_key(new_en) != fold_key(district.name_en):
                name_fr, source = _renamed_french(district, new_en)
                district = District(
                    district.code,
                    district.province,
                    new_en,
                    name_fr,
                    former_en=(*district.former_en, district.name_en),
                    former_fr=(*district.former_fr, district.name_fr),
                    name_fr_source=source,
                )
            changed.append(district)
        districts = Districts(tuple(changed), districts.as_of)
    resolved = []
    for source in sources:
        members = []
        for member in source.members:
            district = districts.find(member.riding)
            if district:
                member = replace(
                    member,
                    district=district.code,
                    riding=district.name_en,
                    province=member.province or district.province,
                )
            members.append(member)
        resolved.append(replace(source, members=tuple(members)))
    return resolved, districts


# A source naming a member for all districts but this many is the whole House: the districts it
# leaves out are vacant seats (a partial CSV says nothing about the others).
WHOLE_HOUSE_MISSING = 20


def vacancies(house: House) -> tuple[str, ...]:
    held = {m.district for m in house.members if m.district}
    if not house.districts or len(held) < len(house.districts) - WHOLE_HOUSE_MISSING:
        return ()
    return tuple(d.code for d in house.districts if d.code not in held)


def known_genders(*paths: Path) -> dict[str, str]:
    """Gender by person, from directories already kept (the organiser's, the shipped ones)."""
    found: dict[str, str] = {}
    for path in paths:
        if not path.is_file():
            continue
        try:
            raw = tomlsafe.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        for entry in raw.get("recipients", []):
            if entry.get("gender") in ("f", "m"):
                name = f"{entry.get('first_name', '')} {entry.get('last_name', '')}"
                found.setdefault(person_key(name), entry["gender"])
    return found


def with_genders(house: House, genders: dict[str, str]) -> House:
    """Gender from the sources, else from a kept directory's entry for the same person; a Right
    Honourable (the forms of address need it) without one is an error naming the record."""
    members = []
    for member in house.members:
        if member.gender == "u":
            member = replace(member, gender=genders.get(person_key(member.full_name), "u"))
        if member.honorific == "right-honourable" and member.gender == "u":
            raise DirectoryError(
                f"{member.where or member.riding}: {member.full_name} is a Right Honourable "
                "and no source gives their gender",
                field="gender",
                fix=f"import a CSV with riding, name and gender (f or m) for {member.full_name} "
                "alongside",
            )
        members.append(member)
    return replace(house, members=tuple(members))


# --- The directory file ----------------------------------------------------------------------


def _toml(value: object) -> str:
    """A TOML value: JSON's string escapes are valid TOML basic-string escapes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return f"[{', '.join(_toml(v) for v in value)}]"
    return json.dumps(value, ensure_ascii=False)


def house_toml(house: House) -> str:
    """The directory file, readable by `letters.recipients.read_directory`."""
    lines = [
        "# The House of Commons, derived by `letters directory import` from the files in `sources`;",
        "# edit by importing again. as_of is the date of the data (never the day of the import).",
        "# Gender is f, m or u (unknown). Emails come from the sources, never from a name.",
        f"as_of = {house.as_of.isoformat()}",
        f"sources = {_toml(house.sources)}",
    ]
    if house.vacant:
        lines.append(f"vacant = {_toml(house.vacant)}")
    if house.riding_aliases:
        lines += ["", "[riding_aliases]"]
        lines += [f"{_toml(other)} = {_toml(riding)}" for other, riding in house.riding_aliases]
    for district in house.districts:
        lines += ["", "[[districts]]"]
        body = {
            "code": district.code,
            "province": district.province,
            "name_en": district.name_en,
            "name_fr": district.name_fr,
            "former_en": list(district.former_en) or None,
            "former_fr": list(district.former_fr) or None,
            "name_fr_source": district.name_fr_source,
        }
        lines += [f"{key} = {_toml(value)}" for key, value in body.items() if value is not None]
    for member in house.members:
        lines += ["", "[[recipients]]", 'role = "mp"']
        body = {
            "mp_id": member.mp_id,
            "first_name": member.first_name,
            "last_name": member.last_name,
            "gender": member.gender,
            "riding": member.riding,
            "district": member.district,
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
        raw = tomlsafe.loads(path.read_text(encoding="utf-8"))
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
            district=r.get("district"),
            mp_id=r.get("mp_id"),
        )
        for r in raw.get("recipients", [])
    )
    districts = districts_from_toml(raw.get("districts", ()))
    return House(
        as_of=raw["as_of"],
        members=members,
        riding_aliases=tuple(raw.get("riding_aliases", {}).items()),
        sources=tuple(raw.get("sources", ())),
        districts=districts,
        vacant=tuple(raw.get("vacant", ())),
        renamed=tuple((d.former_en[-1], d.name_en) for d in districts if d.former_en),
    )


def is_whole_house(members: tuple[Member, ...], districts: Districts) -> bool:
    """A source naming a member for all districts but a few is a roster of the whole House
    (counted by member: an older House's ridings need not match today's districts)."""
    return bool(len(districts)) and len(members) >= len(districts) - WHOLE_HOUSE_MISSING


def import_house(
    files: Iterable[Path],
    target: Path,
    *,
    districts: Path | None = None,
    day: date | None = None,
    replace_all: bool = False,
) -> House:
    """Merge `files` into the directory file at `target`, matched to the districts.

    An import adds to the House in use: the one at `target`, else the one shipped with letters,
    unless it brings a whole-House roster (`replace_all` always starts from nothing). The districts come from `districts` (the OCD CSV), else
    from that House, else from the shipped ones. The House's date is that of its newest
    whole-House roster (in its file name, else `day`, `--as-of`), never the day of the import;
    a partial file (a few MPs, a gender record, emails) is listed with its own date and leaves
    the House's date as it was. Every file is read before anything is written, so a bad file
    leaves the directory unchanged.
    """
    previous = read_house(target)
    sources = [read_source(Path(path)) for path in files]
    if districts:
        known = Districts(
            tuple(read_districts_csv(Path(districts), _checked_text(Path(districts))))
        )
    elif previous.districts:
        known = Districts(previous.districts)
    else:
        known = default_districts()
    sources, known = resolve(sources, known)
    members_sources = [s for s in sources if s.kind == "members"]
    whole_house = [is_whole_house(s.members, known) for s in members_sources]
    if not previous.members and not replace_all and not any(whole_house):
        previous = read_house(shipped_house_path())  # a partial file adds to the shipped House
    house = House(as_of=date.min) if replace_all else previous
    if not members_sources and not house.members:
        raise DirectoryError(
            "nothing to import: no members source",
            field="file",
            fix="give the House's roster (CSV or Members XML) with the emails JSON",
        )
    dates = [s.as_of or day for s in members_sources]
    if any(d is None for d in dates):
        undated = next(s.name for s in members_sources if not (s.as_of or day))
        raise DirectoryError(
            f"{undated} does not say what date its data is as of",
            field="as_of",
            fix="add --as-of YYYY-MM-DD: the date the House's export was taken",
        )
    whole = [when for when, whole in zip(dates, whole_house, strict=True) if whole]
    if whole:
        as_of = max(whole)
    elif house.members:
        as_of = house.as_of
    else:
        as_of = max(dates)
    for source, when in sorted(zip(members_sources, dates, strict=True), key=lambda p: p[1]):
        house = house.merge(source.members, f"{source.name} ({when.isoformat()})", when)
    for source in (s for s in sources if s.kind == "emails"):
        house = house.with_emails(source.members, source.label)
    for source in (s for s in sources if s.kind == "genders"):
        house = house.with_genders(source.members, source.label)
    if districts:
        house = replace(house, sources=_added(house.sources, f"{Path(districts).name}"))
    house = replace(house, as_of=as_of, districts=known.districts)
    house = replace(
        house,
        vacant=vacancies(house),
        renamed=tuple((d.former_en[-1], d.name_en) for d in known if d.former_en),
    )
    genders = known_genders(target, package_data("directory.toml"), shipped_house_path())
    house = with_genders(house, genders)
    if not house.members:
        raise DirectoryError(
            "nothing to import", field="file", fix="give the Members XML, legislators JSON or a CSV"
        )
    write_atomic(target, house_toml(house).encode("utf-8"))
    return house
