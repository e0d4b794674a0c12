"""Recipients and the directory that finds them: offices, portfolios, the House as of a date."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path

from . import tomlsafe
from .districts import (
    District,
    Districts,
    districts_from_toml,
    shipped_house_path,
)
from .errors import DirectoryError, translatable
from .resources import imported_directory_path, package_data
from .senders import PROVINCES, Province, find_province, fold, normalise_postal_code
from .toml_cache import read_toml


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
    # An MP who is also the Prime Minister ("pm") or a minister ("minister", with `portfolio`):
    # written to as their constituent's MP, addressed as the office holder.
    office_held: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def addressed_as(self) -> str:
        """The role whose forms of address the letter uses: a minister is addressed as a
        minister even when written to as an MP (« Madame la Ministre, »)."""
        return self.office_held or self.role

    @property
    def offices(self) -> frozenset[str]:
        """Every office this person holds, as the campaign names them: "mp:halifax-west…" and,
        for an MP in cabinet, "minister:immigration" (or "pm")."""
        held = {self.id}
        if self.office_held == "pm":
            held.add("pm")
        elif self.office_held == "minister" and self.portfolio:
            held.add(f"minister:{self.portfolio.id}")
        return frozenset(held)


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
            recipients=with_offices_held(mine + added),
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


def with_offices_held(recipients: tuple[Recipient, ...]) -> tuple[Recipient, ...]:
    """Each MP who is the Prime Minister or a minister (the same district, or the same name and
    riding), with that office: portfolio, honorific, and the gender the curated entry gives when
    the House's record has none."""
    holders = {
        r.district.code if r.district else name_key(r.riding or ""): r
        for r in recipients
        if r.role in ("pm", "minister") and (r.district or r.riding)
    }
    found = []
    for recipient in recipients:
        key = recipient.district.code if recipient.district else name_key(recipient.riding or "")
        holder = holders.get(key) if recipient.role == "mp" else None
        if holder and name_key(holder.last_name) == name_key(recipient.last_name):
            recipient = replace(
                recipient,
                office_held=holder.role,
                portfolio=holder.portfolio,
                honorific=holder.honorific,
                privy_councillor=True,
                gender=recipient.gender if recipient.gender != "u" else holder.gender,
            )
        found.append(recipient)
    return tuple(found)


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
        raw = read_toml(path)
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
        recipients=with_offices_held(tuple(_with_district(r, districts) for r in recipients)),
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


def no_gender_on_record(names: list[str], total: int) -> str | None:
    """What `letters recipients` and `directory show` say about the MPs whose gender no source
    gives ("Doly Begum (Scarborough Southwest)"): they are written to without a courtesy title."""
    if not names:
        return None
    return (
        f"No gender on record for {len(names)} of {total} MPs (addressed by name, without a "
        f"courtesy title; give it in the directory to change that): {', '.join(names)}"
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


# A campaign's own directory.toml: ministers the shipped directory lacks, in its format.
CAMPAIGN_DIRECTORY_KEYS = ("as_of", "offices", "recipients")
CAMPAIGN_MINISTER_KEYS = (
    "role",
    "portfolio",
    "title_en",
    "title_fr",
    "first_name",
    "last_name",
    "gender",
    "riding",
    "district",
    "office",
    "email",
)
CAMPAIGN_MINISTER_REQUIRED = ("portfolio", "title_en", "title_fr", "first_name", "last_name")
OFFICE_KEYS = (
    "organisation_en",
    "organisation_fr",
    "street_en",
    "street_fr",
    "city",
    "province",
    "postal_code",
)


def with_campaign_ministers(directory: Directory, path: Path) -> Directory:
    """The directory plus the ministers a campaign's own `directory.toml` adds (a portfolio it
    names again replaces the shipped one's holder). Dated by the older of the two."""
    if not path.is_file():
        return directory
    _check_campaign_directory(path)
    extra = read_directory(path)
    added = {r.portfolio.id for r in extra.recipients if r.portfolio}
    kept = tuple(r for r in directory.recipients if not (r.portfolio and r.portfolio.id in added))
    return replace(
        directory,
        recipients=kept + extra.recipients,
        as_of=min(directory.as_of, extra.as_of),
    )


def _check_campaign_directory(path: Path) -> None:
    """Strict, like campaign.toml: a typo in a key or a missing field names itself."""
    try:
        raw = tomlsafe.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DirectoryError(
            f"{path.name}: {error}", field="directory", fix="fix the TOML syntax"
        ) from error

    def unknown(table: dict, known: tuple[str, ...], where: str) -> None:
        for key in table:
            if key not in known:
                close = next(iter(difflib.get_close_matches(key, known, n=1, cutoff=0.6)), None)
                raise DirectoryError(
                    f"{path.name}: unknown key {where + key!r}",
                    field=f"{where}{key}",
                    fix=(f"did you mean {close!r}? " if close else "")
                    + f"keys here: {', '.join(known)}",
                )

    unknown(raw, CAMPAIGN_DIRECTORY_KEYS, "")
    if not isinstance(raw.get("as_of"), date):
        raise DirectoryError(
            f"{path.name}: missing or invalid 'as_of'",
            field="as_of",
            fix="give the date the ministers below held office, e.g. as_of = 2026-11-25",
        )
    offices = raw.get("offices", {})
    for key, body in offices.items():
        unknown(body, OFFICE_KEYS, f"offices.{key}.")
    for number, body in enumerate(raw.get("recipients", []), start=1):
        where = f"recipients.{number}."
        unknown(body, CAMPAIGN_MINISTER_KEYS, where)
        if body.get("role") != "minister":
            raise DirectoryError(
                f"{path.name}: recipient {number} is not a minister",
                field=f"{where}role",
                fix='a campaign adds ministers (role = "minister"); the PM and MPs come from '
                "the shipped directory and the House",
            )
        for key in CAMPAIGN_MINISTER_REQUIRED:
            if not isinstance(body.get(key), str) or not body[key].strip():
                raise DirectoryError(
                    f"{path.name}: recipient {number} has no {key!r}",
                    field=f"{where}{key}",
                    fix=f'add {key} = "…" (see letters/data/directory.toml for the format)',
                )
        if body.get("office", "house-of-commons") not in {*offices, "house-of-commons"}:
            raise DirectoryError(
                f"{path.name}: recipient {number} names unknown office {body['office']!r}",
                field=f"{where}office",
                fix="define it under [offices.<id>], or leave office out (House of Commons)",
            )
