"""Senders and recipients: validated plain data, and the directory that finds recipients."""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path

from .districts import (
    District,
    Districts,
    default_districts,
    districts_from_toml,
    shipped_house_path,
)
from .errors import DirectoryError, InputError, translatable
from .resources import imported_directory_path, package_data

NOTE_LIMIT = 2000
NAME_LIMIT = 120
LINE_LIMIT = 120


@dataclass(frozen=True)
class Province:
    code: str
    name_en: str
    name_fr: str


# Postal symbols and official names (Canada Post; Translation Bureau for the French).
PROVINCES = (
    Province("AB", "Alberta", "Alberta"),
    Province("BC", "British Columbia", "Colombie-Britannique"),
    Province("MB", "Manitoba", "Manitoba"),
    Province("NB", "New Brunswick", "Nouveau-Brunswick"),
    Province("NL", "Newfoundland and Labrador", "Terre-Neuve-et-Labrador"),
    Province("NS", "Nova Scotia", "Nouvelle-Écosse"),
    Province("NT", "Northwest Territories", "Territoires du Nord-Ouest"),
    Province("NU", "Nunavut", "Nunavut"),
    Province("ON", "Ontario", "Ontario"),
    Province("PE", "Prince Edward Island", "Île-du-Prince-Édouard"),
    Province("QC", "Quebec", "Québec"),
    Province("SK", "Saskatchewan", "Saskatchewan"),
    Province("YT", "Yukon", "Yukon"),
)


def fold(text: str) -> str:
    """Case-, accent-, ligature-, dash-, apostrophe- and space-insensitive key for names."""
    for ligature, letters in {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"}.items():
        text = text.replace(ligature, letters)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\u2010-\u2015\u2212-]+", "-", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"\s*-\s*", "-", text)
    return " ".join(text.casefold().split())


def header_key(text: str) -> str:
    """`Code postal`, `code_postal`, `CodePostal` and ` CODE  POSTAL ` all give `codepostal`.

    How a column header is recognised, in a supporters' sheet (batch) and in the House's files
    (directory): both read spreadsheets that people typed."""
    return re.sub(r"[^0-9a-z]", "", fold(text))


def _province_key(text: str) -> str:
    return fold(text.replace(".", "")).replace("-", " ")


_PROVINCE_KEYS = {
    _province_key(key): p for p in PROVINCES for key in (p.code, p.name_en, p.name_fr)
}


def find_province(value: str, row: int | None = None) -> Province:
    """Find a province or territory by postal symbol or by English or French name."""
    found = _PROVINCE_KEYS.get(_province_key(value))
    if found is None:
        raise InputError(
            translatable("unknown province or territory %(value)s"),
            field="province",
            row=row,
            fix=translatable(
                "use a two-letter code such as ON or QC, or the name in English or French"
            ),
            values={"value": repr(value)},
        )
    return found


# Canada Post: no D F I O Q U anywhere; W and Z never as the first letter.
POSTAL_CODE = re.compile(r"^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])\s?(\d[ABCEGHJ-NPRSTV-Z]\d)$")


def normalise_postal_code(value: str, row: int | None = None) -> str:
    """Normalise a Canadian postal code to `A1A 1A1`, or explain what is wrong."""
    match = POSTAL_CODE.match(" ".join(value.upper().split()))
    if not match:
        raise InputError(
            translatable("invalid postal code %(value)s"),
            field="postal_code",
            row=row,
            fix=translatable(
                "write it as A1A 1A1: letter, digit, letter, space, digit, letter, digit "
                "(never D, F, I, O, Q or U; no W or Z first)"
            ),
            values={"value": repr(value)},
        )
    return f"{match[1]} {match[2]}"


# Canada Post: the first letter of a postal code names the province or territory.
POSTAL_PROVINCES = {
    "A": ("NL",),
    "B": ("NS",),
    "C": ("PE",),
    "E": ("NB",),
    "G": ("QC",),
    "H": ("QC",),
    "J": ("QC",),
    "K": ("ON",),
    "L": ("ON",),
    "M": ("ON",),
    "N": ("ON",),
    "P": ("ON",),
    "R": ("MB",),
    "S": ("SK",),
    "T": ("AB",),
    "V": ("BC",),
    "X": ("NT", "NU"),
    "Y": ("YT",),
}


def check_postal_province(postal_code: str, province: Province, row: int | None = None) -> None:
    """A postal code must be in the province given: its first letter decides."""
    expected = POSTAL_PROVINCES.get(postal_code[:1], ())
    if province.code not in expected:
        raise InputError(
            translatable("postal code %(postal_code)s is not in province %(province)s"),
            field="postal_code",
            row=row,
            fix=translatable(
                "a postal code starting with %(letter)s is in %(expected)s: "
                "correct the postal code or the province"
            ),
            values={
                "postal_code": postal_code,
                "province": province.code,
                "letter": postal_code[:1],
                "expected": " / ".join(expected),
            },
        )


def find_district(riding: str | None, row: int | None = None) -> District | None:
    """The sender's riding as a district (official names, renames); an unknown one is an error
    suggesting the closest. Without any districts data, None."""
    text = " ".join((riding or "").split())
    districts = default_districts()
    if not text or not len(districts):
        return None
    return districts.require(text, row=row)


@dataclass(frozen=True)
class Sender:
    """The constituent who signs the letter. Build it with `make_sender`, which validates."""

    name: str
    street: tuple[str, ...]
    city: str
    province: Province
    postal_code: str
    lang: str = "en"
    email: str | None = None
    phone: str | None = None
    riding: str | None = None  # the district's official English name when it is known
    note: str | None = None
    district: District | None = None  # the riding, with its official names in each language
    demand_ids: tuple[str, ...] = ()
    signature_png: bytes | None = field(default=None, repr=False)
    typed_signature: bool = False  # set the name in a script font when there is no image


def _text(value: str | None, name: str, limit: int, row: int | None, required: bool) -> str | None:
    value = " ".join((value or "").split())
    if not value:
        if required:
            raise InputError(
                translatable("is required"),
                field=name,
                row=row,
                fix=translatable("give the sender's %(field)s"),
                values={"field": name},
            )
        return None
    if len(value) > limit:
        raise InputError(
            translatable("is %(length)s characters long"),
            field=name,
            row=row,
            fix=translatable("shorten it to at most %(limit)s characters"),
            values={"length": len(value), "limit": limit},
        )
    return value


# Bidi embeddings, overrides and isolates: U+202E shows "Jane" as "enaJ" in the PDF.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def char_name(char: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`, `U+001B` (controls have no Unicode name)."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}".strip()


def refuse_controls(value: str | None, name: str, row: int | None, allowed: str = "\t") -> None:
    """Refuse C0/C1 control characters, bidi controls and undecodable bytes in a field.

    They reach the PDF, `--format text` and the reports, where they hide or reorder what a
    reader sees. Tabs are allowed everywhere, line breaks only where `allowed` says (the note).
    """
    for char in value or "":
        if char in allowed:
            continue
        if 0xDC80 <= ord(char) <= 0xDCFF:  # how Python keeps a byte that is not UTF-8
            raise InputError(
                translatable("contains bytes that are not UTF-8 text"),
                field=name,
                row=row,
                fix=translatable("save or type it again as UTF-8 text"),
            )
        if unicodedata.category(char) in ("Cc", "Cs") or char in BIDI_CONTROLS:
            raise InputError(
                translatable("contains the control character %(char)s"),
                field=name,
                row=row,
                fix=translatable("remove it: only letters, digits, spaces and punctuation"),
                values={"char": char_name(char)},
            )


EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


def make_sender(
    *,
    name: str,
    street: list[str] | tuple[str, ...],
    city: str,
    province: str,
    postal_code: str,
    lang: str = "en",
    email: str | None = None,
    phone: str | None = None,
    riding: str | None = None,
    note: str | None = None,
    demand_ids: list[str] | tuple[str, ...] = (),
    signature_png: bytes | None = None,
    typed_signature: bool = False,
    row: int | None = None,
) -> Sender:
    """Validate a sender's fields; each problem names the field and the fix."""
    texts = {"name": name, "city": city, "province": province, "postal_code": postal_code}
    texts |= {"lang": lang, "email": email, "phone": phone, "riding": riding}
    for field_name, value in [*texts.items(), *(("street", x) for x in street)]:
        refuse_controls(value, field_name, row)
    refuse_controls(note, "note", row, allowed="\t\n\r")
    for demand in demand_ids:
        refuse_controls(demand, "demands", row)
    streets = tuple(s for s in (_text(x, "street", LINE_LIMIT, row, False) for x in street) if s)
    if not streets:
        raise InputError(
            translatable("is required"),
            field="street",
            row=row,
            fix=translatable("give a street address"),
        )
    if len(streets) > 2:
        raise InputError(
            translatable("has more than two lines"),
            field="street",
            row=row,
            fix=translatable("use one or two lines"),
        )
    email = _text(email, "email", 254, row, False)
    if email and not EMAIL.match(email):
        raise InputError(
            translatable("invalid email %(value)s"),
            field="email",
            row=row,
            fix=translatable("write it as name@example.ca"),
            values={"value": repr(email)},
        )
    note_text = (note or "").strip()
    if len(note_text) > NOTE_LIMIT:
        raise InputError(
            translatable("is %(length)s characters long"),
            field="note",
            row=row,
            fix=translatable("shorten the personal paragraph to at most %(limit)s characters"),
            values={"length": len(note_text), "limit": NOTE_LIMIT},
        )
    if signature_png and typed_signature:
        raise InputError(
            "give a signature image or a typed signature, not both",
            field="signature",
            row=row,
            fix="drop --typed-signature or --signature",
        )
    # In the order of the address: name, city, province, postal code (and their agreement).
    sender_name = _text(name, "name", NAME_LIMIT, row, True)
    sender_city = _text(city, "city", LINE_LIMIT, row, True)
    sender_province = find_province(province or "", row)
    sender_postal_code = normalise_postal_code(postal_code or "", row)
    check_postal_province(sender_postal_code, sender_province, row)
    riding = _text(riding, "riding", LINE_LIMIT, row, False)
    district = find_district(riding, row)
    return Sender(
        name=sender_name,
        street=streets,
        city=sender_city,
        province=sender_province,
        postal_code=sender_postal_code,
        lang=lang,
        email=email,
        phone=_text(phone, "phone", 40, row, False),
        riding=district.name_en if district else riding,
        district=district,
        note=note_text or None,
        demand_ids=tuple(demand_ids),
        signature_png=signature_png,
        typed_signature=typed_signature,
    )


@dataclass(frozen=True)
class Office:
    """A postal address known in both languages (the directory's, never a sender's)."""

    organisation_en: str
    organisation_fr: str
    street_en: str | None
    street_fr: str | None
    city: str
    province: Province
    postal_code: str


HOUSE_OF_COMMONS = Office(
    "House of Commons",
    "Chambre des communes",
    None,
    None,
    "Ottawa",
    PROVINCES[8],
    "K1A 0A6",
)


@dataclass(frozen=True)
class Portfolio:
    id: str
    title_en: str  # "Minister of Foreign Affairs"
    title_fr: str  # "ministre des Affaires étrangères" (lower case, as in running text)


@dataclass(frozen=True)
class Recipient:
    id: str  # "pm", "minister:foreign-affairs", "mp:edmonton-strathcona"
    role: str  # "pm" | "minister" | "mp"
    first_name: str
    last_name: str
    gender: str  # "f" | "m" | "u" (unknown: the neutral forms of address)
    honorific: str | None  # "right-honourable" | "honourable" | None
    privy_councillor: bool
    member_of_parliament: bool
    office: Office
    riding: str | None = None
    portfolio: Portfolio | None = None
    email: str | None = None
    district: District | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


ROLES = ("pm", "minister", "mp")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def name_key(text: str) -> str:
    """The letters and digits alone: "St. Paul's", "St Paul’s", "st pauls" and "L'Île" vs
    "l ile" match, however dashes, apostrophes and spaces were typed."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


class VacantSeat(DirectoryError):
    """A district whose seat has no member: its own error, never "unknown riding"."""

    def __init__(self, district: District, as_of: date, *, row: int | None, field: str) -> None:
        super().__init__(
            translatable("the seat for %(riding)s is vacant (House of Commons as of %(as_of)s)"),
            field=field,
            row=row,
            fix=translatable("write to the Prime Minister or to the minister responsible instead"),
            values={"riding": district.name_en, "as_of": as_of.isoformat()},
        )
        self.district = district


@dataclass(frozen=True)
class Directory:
    """Who holds which office, as of a date. The default ships in `letters/data/directory.toml`
    (the PM and ministers) and `letters/data/house.toml` (the House: districts and MPs);
    `letters directory import` replaces the House with the organiser's (see `letters.directory.house`)."""

    as_of: date
    recipients: tuple[Recipient, ...]
    # Other names of ridings (French, 2023 names): name_key -> name_key of the riding as the
    # directory writes it. Only in directories imported before the districts were kept.
    riding_aliases: dict[str, str] = field(default_factory=dict, compare=False)
    districts: Districts = field(default_factory=lambda: Districts(()), compare=False)
    vacant: frozenset[str] = frozenset()  # codes of the districts whose seat is vacant
    house_as_of: date | None = None  # the date of the House's data (MPs, vacancies)

    @property
    def oldest(self) -> date:
        """The date of the oldest data in use: what a staleness warning is about."""
        return min(self.as_of, self.house_as_of or self.as_of)

    @cached_property
    def _keys(self) -> dict[tuple[str, str], tuple[Recipient, ...]]:
        """(role, name_key of name, riding or portfolio) -> recipients; built once, used per row."""
        index: dict[tuple[str, str], list[Recipient]] = {}
        for recipient in self.recipients:
            keys = {name_key(recipient.full_name)}
            if recipient.portfolio:
                keys.add(name_key(recipient.portfolio.id))
            if recipient.riding:
                keys.add(name_key(recipient.riding))
            for key in keys:
                index.setdefault((recipient.role, key), []).append(recipient)
        return {key: tuple(found) for key, found in index.items()}

    @cached_property
    def _by_district(self) -> dict[str, Recipient]:
        return {r.district.code: r for r in self.recipients if r.role == "mp" and r.district}

    def find(self, spec: str) -> Recipient:
        """Resolve `pm`, `minister:<portfolio>` or `mp:<riding or name>`."""
        role, _, key = spec.partition(":")
        role = role.strip().lower()
        if role not in ROLES or (role != "pm" and not key.strip()):
            raise DirectoryError(
                f"unknown recipient {spec!r}",
                field="to",
                fix="use pm, minister:<portfolio> or mp:<riding or name> (see `letters recipients`)",
            )
        if role == "pm":
            return next(r for r in self.recipients if r.role == "pm")
        if role == "mp":
            return self.mp_for(key, field_name="to")
        found = self._keys.get((role, name_key(key)), ())
        if len(found) == 1:
            return found[0]
        choices = ", ".join(r.id for r in self.recipients if r.role == role)
        raise DirectoryError(
            f"unknown recipient {spec!r}", field="to", fix=f"use one of: {choices}"
        )

    def district(self, riding: str) -> District | None:
        """The district a riding names (either language, a former name, any spelling)."""
        return self.districts.find(riding) if len(self.districts) else None

    def mp_for(
        self, riding: str, *, row: int | None = None, field_name: str = "riding"
    ) -> Recipient:
        """The MP for a riding written any way (dashes, apostrophes, accents, case, spaces,
        English or French name, the name before a rename), or by the MP's name. A vacant seat
        is its own error; unknown or ambiguous names suggest the closest ridings."""
        district = self.district(riding)
        if district:
            if district.code in self._by_district:
                return self._by_district[district.code]
            if district.code in self.vacant:
                raise VacantSeat(
                    district, self.house_as_of or self.as_of, row=row, field=field_name
                )
        key = name_key(riding)
        found = (
            self._keys.get(("mp", key))
            or self._keys.get(("mp", self.riding_aliases.get(key, "")))
            or (self._keys.get(("mp", name_key(district.name_en)), ()) if district else ())
        )
        if len(found) == 1:
            return found[0]
        if found:
            raise DirectoryError(
                f"riding {riding!r} is ambiguous: {', '.join(r.id for r in found)}",
                field=field_name,
                row=row,
                fix="write the riding's name rather than the MP's",
            )
        if district:  # a known district that this (partial) directory has no member for
            raise DirectoryError(
                f"no member of Parliament is known for {district.name_en} in this directory",
                field=field_name,
                row=row,
                fix="import the whole House with `letters directory import … --replace` "
                "(see docs/directory.md), or remove directory/house.toml to use the shipped one",
            )
        raise DirectoryError(
            f"unknown riding {riding!r}",
            field=field_name,
            row=row,
            fix=self._suggest(riding),
        )

    def _suggest(self, riding: str) -> str:
        names = {
            name_key(r.riding): r.riding for r in self.recipients if r.role == "mp" and r.riding
        }
        close = [d.name_en for d in self.districts.suggest(riding)] if len(self.districts) else []
        if not close and names:
            keys = difflib.get_close_matches(
                name_key(riding), [*names, *self.riding_aliases], n=3, cutoff=0.6
            )
            found = (names.get(k) or names.get(self.riding_aliases.get(k, "")) for k in keys)
            close = [r for r in found if r]
        ridings = dict.fromkeys(close)
        if ridings:
            *others, last = ridings
            return f"did you mean {', '.join(others)}{' or ' if others else ''}{last}?"
        if not names:
            return "import the House with `letters directory import` (see README)"
        return (
            "check the spelling (`letters recipients --role mp`), or import the whole House "
            "with `letters directory import` (see README)"
        )

    def merged(self, other: Directory) -> Directory:
        """This directory plus `other`'s MPs for the ridings this one does not list, `other`'s
        districts and vacancies. The ridings of this one's recipients are matched to them."""
        districts = other.districts if len(other.districts) else self.districts
        mine = tuple(_with_district(r, districts) for r in self.recipients)
        ridings = {name_key(r.riding) for r in mine if r.role == "mp" and r.riding}
        codes = {r.district.code for r in mine if r.role == "mp" and r.district}
        added = tuple(
            r
            for r in other.recipients
            if r.role == "mp"
            and name_key(r.riding or "") not in ridings
            and not (r.district and r.district.code in codes)
        )
        return Directory(
            as_of=self.as_of,
            recipients=mine + added,
            riding_aliases={**other.riding_aliases, **self.riding_aliases},
            districts=districts,
            vacant=(self.vacant | other.vacant) - codes,
            house_as_of=other.house_as_of or other.as_of,
        )

    def portfolio_ids(self) -> frozenset[str]:
        return frozenset(r.portfolio.id for r in self.recipients if r.portfolio)

    def search(self, role: str | None = None, text: str | None = None) -> list[Recipient]:
        wanted = fold(text or "")
        return [
            r
            for r in self.recipients
            if (role is None or r.role == role)
            and (
                not wanted
                or wanted
                in fold(
                    " ".join(
                        filter(
                            None,
                            (
                                r.id,
                                r.full_name,
                                r.riding,
                                r.portfolio and r.portfolio.title_en,
                                r.portfolio and r.portfolio.title_fr,
                                *(r.district.names if r.district else ()),
                            ),
                        )
                    )
                )
            )
        ]


def _with_district(recipient: Recipient, districts: Districts) -> Recipient:
    """The recipient with their riding matched to a district, named officially."""
    if recipient.district or not recipient.riding or not len(districts):
        return recipient
    district = districts.find(recipient.riding)
    if district is None:
        return recipient
    return replace(recipient, district=district, riding=district.name_en)


def house_path() -> Path:
    """The House in use: the organiser's import when there is one, else the shipped one."""
    imported = imported_directory_path()
    return imported if imported.is_file() else shipped_house_path()


def load_directory(path: Path | None = None) -> Directory:
    """Read a directory TOML file; by default the one the package ships (PM, ministers) plus the
    House: the organiser's import (`imported_directory_path`), else the one the package ships."""
    if path is None:
        default = read_directory(package_data("directory.toml"))
        house = house_path()
        return default.merged(read_directory(house)) if house.is_file() else default
    return read_directory(path)


def read_directory(path: Path) -> Directory:
    """Read one directory TOML file."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DirectoryError(
            f"{path} cannot be read: {error}",
            field="directory",
            fix="run `letters directory import` again, or remove the file",
        ) from error
    offices = {key: _office(key, body) for key, body in raw.get("offices", {}).items()}
    offices.setdefault("house-of-commons", HOUSE_OF_COMMONS)
    districts = Districts(districts_from_toml(raw.get("districts", ())), raw.get("as_of"))
    by_code = {d.code: d for d in districts}
    recipients = tuple(
        _recipient(body, offices, path, by_code) for body in raw.get("recipients", [])
    )
    aliases = {name_key(k): name_key(v) for k, v in raw.get("riding_aliases", {}).items()}
    return Directory(
        as_of=raw["as_of"],
        recipients=tuple(_with_district(r, districts) for r in recipients),
        riding_aliases=aliases,
        districts=districts,
        vacant=frozenset(raw.get("vacant", ())),
        house_as_of=raw["as_of"] if "districts" in raw or "sources" in raw else None,
    )


def _office(key: str, body: dict) -> Office:
    return Office(
        organisation_en=body["organisation_en"],
        organisation_fr=body["organisation_fr"],
        street_en=body.get("street_en"),
        street_fr=body.get("street_fr"),
        city=body["city"],
        province=find_province(body["province"]),
        postal_code=normalise_postal_code(body["postal_code"]),
    )


def _recipient(
    body: dict, offices: dict[str, Office], path: Path, districts: dict[str, District]
) -> Recipient:
    role = body.get("role")
    if role not in ROLES:
        raise DirectoryError(
            f"{path.name}: unknown role {role!r}", field="role", fix="use pm, minister or mp"
        )
    portfolio = None
    if role == "minister":
        portfolio = Portfolio(body["portfolio"], body["title_en"], body["title_fr"])
    if body.get("gender", "u") not in ("f", "m", "u"):
        raise DirectoryError(
            f"{path.name}: gender must be f, m or u",
            field="gender",
            fix="leave it out when unknown",
        )
    district = districts.get(body.get("district") or "")
    riding = district.name_en if district else body.get("riding")
    key = portfolio.id if portfolio else slug(riding or body["last_name"])
    return Recipient(
        id="pm" if role == "pm" else f"{role}:{key}",
        role=role,
        first_name=body["first_name"],
        last_name=body["last_name"],
        gender=body.get("gender", "u"),
        honorific={"pm": "right-honourable", "minister": "honourable"}.get(
            role, body.get("honorific")
        ),
        privy_councillor=role in ("pm", "minister") or bool(body.get("privy_councillor")),
        member_of_parliament=body.get("member_of_parliament", True),
        office=offices[body.get("office", "house-of-commons")],
        riding=riding,
        portfolio=portfolio,
        email=body.get("email"),
        district=district,
    )


STALE_DAYS = 120


def stale_warning(directory: Directory, today: date) -> str | None:
    """What to say when the directory's oldest data is over `STALE_DAYS` days old, or None."""
    age = (today - directory.oldest).days
    if age <= STALE_DAYS:
        return None
    return (
        f"the directory's data is {age} days old (as of {directory.oldest.isoformat()}): MPs and "
        "ministers may have changed; refresh it with `letters directory import` "
        "(see docs/directory.md)"
    )


def directory_dates(directory: Directory) -> str:
    """ "Directory as of …" with the House's own date when it differs (never the import day)."""
    text = f"Directory as of {directory.as_of.isoformat()}"
    if directory.house_as_of and directory.house_as_of != directory.as_of:
        text += (
            f" (Prime Minister and ministers); House of Commons as of "
            f"{directory.house_as_of.isoformat()}"
        )
    return text
