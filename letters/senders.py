"""Senders: validated plain data from a person's fields (name, address, postal code, riding)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .districts import (
    District,
    default_districts,
)
from .errors import InputError, translatable

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
    """Case-, accent-, ligature-, dash-, apostrophe- and space-insensitive key for names.

    Invisible format characters (zero-width space and joiners, a BOM, a soft hyphen) are
    dropped and compatibility forms folded (NFKD: full-width letters, ligatures): a name that
    looks the same is the same supporter, riding or column."""
    if not text.isascii():  # ASCII has no format, ligature, compatibility or combining characters
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
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
        demand_ids=tuple(dict.fromkeys(demand_ids)),  # a demand is chosen once, however often named
        signature_png=signature_png,
        typed_signature=typed_signature,
    )
