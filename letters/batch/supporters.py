"""Supporters' spreadsheets (CSV or XLSX) read row by row, whatever tool exported them.

Organisers export from web forms, Action Network, NationBuilder or Excel. Columns are found by
header in English or French, case-, accent- and space-insensitively; `--map` overrides. Problems
with the file itself raise `InputError` before any row is handed out; problems with one row are
raised by `supporter_to_sender_fields` for that row only.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..i18n import catalog_refusal, languages
from ..senders import fold, header_key

CANONICAL_FIELDS = (
    "name",
    "first_name",
    "last_name",
    "street",
    "street2",
    "city",
    "province",
    "postal_code",
    "email",
    "phone",
    "language",
    "riding",
    "note",
    "demands",
    "signature",
    "mp_gender",
)

# Headers as organisers write them (English, French) and as Action Network's activist export and
# NationBuilder's people export name them. Compared after `header_key`.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "nom", "nom complet", "supporter", "signataire"),
    "first_name": ("first name", "firstname", "given name", "prénom", "prenom"),
    "last_name": ("last name", "lastname", "surname", "family name", "nom de famille"),
    "street": (
        "street",
        "street address",
        "address",
        "address 1",
        "address line 1",
        "adresse",
        "adresse 1",
        "rue",
        "can2_user_address",
        "primary_address1",
    ),
    "street2": (
        "street 2",
        "street address 2",
        "address 2",
        "address line 2",
        "adresse 2",
        "primary_address2",
    ),
    "city": ("city", "town", "ville", "municipalité", "can2_user_city", "primary_city"),
    "province": (
        "province",
        "province or territory",
        "province/territory",
        "province ou territoire",
        "territoire",
        "state",
        "can2_state_abbreviated",
        "primary_state",
    ),
    "postal_code": ("postal code", "postcode", "code postal", "zip", "zip_code", "primary_zip"),
    "email": ("email", "e-mail", "email address", "courriel", "adresse courriel"),
    "phone": (
        "phone",
        "phone number",
        "telephone",
        "téléphone",
        "tel",
        "can2_phone",
        "phone_number",
    ),
    "language": ("language", "lang", "langue", "preferred language", "langue préférée"),
    "riding": ("riding", "electoral district", "circonscription", "federal riding"),
    "note": ("note", "message", "personal note", "note personnelle", "comment", "commentaire"),
    "demands": ("demands", "demandes", "demand", "demande"),
    "signature": ("signature",),
    # The organiser's word on the supporter's MP's gender (f or m): wins over the directory's.
    "mp_gender": ("mp gender", "mp_gender", "gender of the mp", "genre du député"),
}

REQUIRED_FIELDS = ("street", "city", "province", "postal_code")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SNIFF_BYTES = 64 * 1024
# An .xlsx is a zip of XML parts. Each part's declared uncompressed size is checked before
# anything is parsed (Python's zipfile never inflates past it): at most XLSX_RATIO times the
# file's size (real workbooks compress 5-20 times) and never more than XLSX_PART_LIMIT.
XLSX_RATIO = 50
XLSX_PART_FLOOR = 1024 * 1024
XLSX_PART_LIMIT = 128 * 1024 * 1024
XLSX_TOTAL_LIMIT = 256 * 1024 * 1024
XLSX_PARTS = 10_000
# Cells read, per row and in all: far beyond any supporters' list, well short of a bomb. The
# rows are streamed, but openpyxl holds every shared string in memory: they are counted first.
ROW_CELLS = 1_000
TOTAL_CELLS = 20_000_000
SHARED_STRINGS = 2_000_000


_ALIASES = {
    header_key(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases
}


@dataclass(frozen=True)
class SupporterRow:
    """One supporter as the organiser typed them: the line they see and the mapped raw text."""

    row: int
    fields: dict[str, str]


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """Parse `--map "Header=field"` options; an empty field (`"Header="`) ignores the column."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        header, sep, name = pair.rpartition("=")
        name = name.strip()
        if not sep or not header.strip() or (name and name not in CANONICAL_FIELDS):
            raise InputError(
                f"cannot read {pair!r}",
                field="map",
                fix='write --map "Header in the file=field", field one of: '
                + ", ".join(CANONICAL_FIELDS)
                + ' (or nothing after "=" to ignore the column)',
            )
        mapping[header.strip()] = name
    return mapping


def _match_columns(
    headers: list[str], mapping: dict[str, str]
) -> tuple[dict[int, str], tuple[str, ...]]:
    """Column index -> canonical field, and the ignored headers; refuse ambiguity and gaps."""
    overrides = {header_key(h): name for h, name in mapping.items()}
    unknown = [h for h in mapping if header_key(h) not in {header_key(x) for x in headers}]
    if unknown:
        raise InputError(
            f"--map names a column that is not in the file: {', '.join(map(repr, unknown))}",
            field="map",
            fix=f"use one of the headers found: {', '.join(h for h in headers if h.strip())}",
        )
    by_index: dict[int, str] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        key = header_key(header)
        name = overrides[key] if key in overrides else _ALIASES.get(key)
        if not name:
            if header.strip():
                ignored.append(header)
            continue
        clash = [headers[i] for i, n in by_index.items() if n == name]
        if clash:
            raise InputError(
                f"columns {clash[0]!r} and {header!r} both give the {name}",
                field="map",
                fix=f'choose one, e.g. --map "{header}=" to ignore the second',
            )
        by_index[index] = name
    found = set(by_index.values())
    if {"name", "first_name"} <= found and "last_name" not in found:
        # "Prénom, Nom": beside a first name, "Nom" (or "Name") is the family name.
        index = next(i for i, n in by_index.items() if n == "name")
        if header_key(headers[index]) not in overrides:
            by_index[index] = "last_name"
            found = set(by_index.values())
    missing = [n for n in REQUIRED_FIELDS if n not in found]
    if "name" not in found and not {"first_name", "last_name"} <= found:
        missing.insert(0, "name (or first name and last name)")
    if missing:
        raise InputError(
            f"missing column {', '.join(missing)}; headers found: "
            + (", ".join(repr(h) for h in headers if h.strip()) or "none"),
            field="header",
            row=1,
            fix='rename the column, or pass --map "Your header=field"',
        )
    return by_index, tuple(ignored)


def _cell_text(value: object) -> str:
    """Spreadsheet cells as the organiser sees them: 12.0 is "12", empty is ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


# --- CSV -----------------------------------------------------------------------------------


def _decoded_lines(path: Path, encoding: str) -> Iterator[str]:
    """The file's lines, decoded one at a time so a bad byte is reported with its line."""
    codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            try:
                yield raw.decode(codec if number == 1 else encoding)
            except UnicodeDecodeError as error:
                bad = raw[error.start : error.start + 1].hex()
                other = "utf-8" if codecs.lookup(encoding).name != "utf-8" else "cp1252"
                raise InputError(
                    f"{path.name} is not {encoding} text (byte 0x{bad} on line {number})",
                    field="encoding",
                    row=number,
                    fix=f"rerun with --encoding {other}, or save the file as CSV UTF-8",
                ) from error


def _delimiter(first_line: str) -> str:
    """The header's most frequent separator among comma, semicolon and tab (Excel FR uses ;)."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _csv_records(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row number, cells), quoted newlines included."""
    lines = _decoded_lines(path, encoding)
    first = next(lines, None)
    if first is None:
        return
    # strict: a stray quote must not silently swallow the rows after it into one field.
    reader = csv.reader(_chain(first, lines), delimiter=_delimiter(first), strict=True)
    # Rows as a spreadsheet numbers them: the header is row 1, and a quoted cell with line
    # breaks is still one row (a blank line is a blank row).
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start += 1
    except csv.Error as error:
        raise InputError(
            f"{path.name} cannot be read as CSV: {error}",
            field="file",
            row=start,  # where the broken record begins, not where the reader gave up
            fix="check the quotes on that line, or export the sheet again as CSV",
        ) from error


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


# --- XLSX ----------------------------------------------------------------------------------


def check_xlsx_parts(path: Path) -> None:
    """Refuse a zip bomb before parsing: too many parts, or a part (or all of them) that would
    inflate far beyond the file's size."""
    import zipfile

    size = path.stat().st_size
    limit = min(max(XLSX_RATIO * size, XLSX_PART_FLOOR), XLSX_PART_LIMIT)
    fix = "open it in a spreadsheet and save it again as .xlsx, or as CSV UTF-8"
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise InputError(
            f"{path.name} cannot be read as an Excel workbook ({error.__class__.__name__})",
            field="file",
            fix=fix,
        ) from error
    if len(parts) > XLSX_PARTS:
        raise InputError(
            f"{path.name} holds {len(parts):,} parts (at most {XLSX_PARTS:,})",
            field="input",
            fix=fix,
        )
    for part in parts:
        if part.file_size > limit:
            raise InputError(
                f"{path.name}: part {part.filename[:80]} would inflate to "
                f"{part.file_size / 1048576:,.0f} MB (at most {limit / 1048576:,.0f} MB for a "
                f"{size / 1048576:,.1f} MB file): not a supporters' list",
                field="input",
                fix=fix,
            )
    for part in parts:
        if part.filename.lower().endswith("sharedstrings.xml"):
            _count_shared_strings(path, part)
    total = sum(part.file_size for part in parts)
    if total > XLSX_TOTAL_LIMIT:
        raise InputError(
            f"{path.name} would inflate to {total / 1048576:,.0f} MB "
            f"(at most {XLSX_TOTAL_LIMIT / 1048576:,.0f} MB)",
            field="input",
            fix=fix,
        )


def _count_shared_strings(path: Path, part) -> None:
    """Refuse more than SHARED_STRINGS strings, counted while streaming the part (no parsing)."""
    import zipfile

    found, tail = 0, b""
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        while chunk := stream.read(1024 * 1024):
            window = tail + chunk
            found += window.count(b"<si>") + window.count(b"<si ")  # a 3-byte tail holds none
            tail = window[-3:]
            if found > SHARED_STRINGS:
                raise _too_many_cells(path, "of text (shared strings)", SHARED_STRINGS)


def _too_many_cells(path: Path, where: str, limit: int) -> InputError:
    return InputError(
        f"{path.name} has more than {limit:,} cells {where}",
        field="input",
        fix="keep only the supporters' columns and rows, or split the file",
    )


def _xlsx_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # imported here: CSV-only runs never pay for it

    check_xlsx_parts(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise InputError(
            f"{path.name} cannot be read as an Excel workbook ({error.__class__.__name__})",
            field="file",
            fix="open it in a spreadsheet and save it again as .xlsx or CSV UTF-8",
        ) from error
    try:
        sheet = workbook.worksheets[0]
        # The sheet's own <dimension> may claim A1:XFD1048576: rows would be padded to 16,384
        # cells. Read only the cells that are there.
        sheet.reset_dimensions()
        cells_read = 0
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if len(cells) > ROW_CELLS:
                raise _too_many_cells(path, f"in row {number}", ROW_CELLS)
            cells_read += len(cells)
            if cells_read > TOTAL_CELLS:
                raise _too_many_cells(path, "in all", TOTAL_CELLS)
            yield number, [_cell_text(c) for c in cells]
    finally:
        workbook.close()


# --- The file ------------------------------------------------------------------------------


def _check_file(path: Path) -> str:
    """ "csv" or "xlsx", or an InputError for a file no supporter can come from."""
    if not path.is_file():
        raise InputError(
            f"{path}: no such file", field="input", fix="give the path of a CSV or XLSX file"
        )
    try:
        with path.open("rb") as stream:
            head = stream.read(SNIFF_BYTES)
    except OSError as error:
        raise InputError(
            f"{path.name} cannot be read ({error.strerror})",
            field="input",
            fix="check the file's permissions",
        ) from error
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError(f"{path.name} is empty", field="input", fix="export the spreadsheet again")
    is_zip = head.startswith(b"PK\x03\x04")
    if path.suffix.lower() in XLSX_SUFFIXES or is_zip:
        if not is_zip:
            raise InputError(
                f"{path.name} is not an Excel workbook",
                field="input",
                fix="save it as .xlsx, or as CSV and rename it .csv",
            )
        return "xlsx"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            f"{path.name} is UTF-16 text",
            field="encoding",
            fix='save it as "CSV UTF-8" (Excel: File > Save As)',
        )
    if b"\0" in head or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            f"{path.name} is a binary file, not CSV",
            field="input",
            fix="export the sheet as CSV UTF-8 or .xlsx (old .xls workbooks are not read)",
        )
    return "csv"


@dataclass(frozen=True)
class SupporterFile:
    """An opened supporters' file: which columns mean what. Iterate it for the rows (streamed)."""

    path: Path
    columns: dict[str, str]  # header -> canonical field
    ignored: tuple[str, ...]
    encoding: str = "utf-8"
    kind: str = "csv"  # "csv" | "xlsx"
    _indexes: dict[int, str] = field(default_factory=dict, repr=False, compare=False)

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        if self.kind == "xlsx":
            return _xlsx_records(self.path)
        return _csv_records(self.path, self.encoding)

    def __iter__(self) -> Iterator[SupporterRow]:
        """Each non-blank row below the header, read lazily: memory does not grow with the file."""
        records = self._records()
        next(records, None)  # the header
        for number, cells in records:
            if not any(c.strip() for c in cells):
                continue
            yield SupporterRow(
                row=number,
                fields={
                    name: (cells[i] if i < len(cells) else "") for i, name in self._indexes.items()
                },
            )

    def count(self) -> int:
        """How many supporters' rows there are (one streaming pass, for progress and totals)."""
        return sum(1 for _ in self)


def open_supporters(
    path: Path, *, encoding: str = "utf-8", mapping: dict[str, str] | None = None
) -> SupporterFile:
    """Open a CSV or XLSX of supporters, check the whole file reads, and match its columns.

    Every file-level problem is raised here, before any letter is written: missing or unreadable
    file, empty, binary, undecodable in `encoding` (naming the line), broken CSV quoting, no
    header, a required column missing (naming it and the headers found), no rows.
    """
    path = Path(path)
    try:
        codecs.lookup(encoding)
    except LookupError as error:
        raise InputError(
            f"unknown encoding {encoding!r}", field="encoding", fix="use utf-8 or cp1252"
        ) from error
    kind = _check_file(path)
    source = SupporterFile(path, {}, (), encoding, kind)
    records = source._records()
    header = next(records, None)
    if header is None or not any(c.strip() for c in header[1]):
        raise InputError(
            f"{path.name} has no header on line 1",
            field="header",
            row=1,
            fix="put the column names (name, street, city, province, postal code…) on line 1",
        )
    headers = [c.strip() for c in header[1]]
    indexes, ignored = _match_columns(headers, mapping or {})
    has_rows = False
    for _number, cells in records:  # read to the end: a bad byte or quote fails now, not later
        has_rows = has_rows or any(c.strip() for c in cells)
        if kind == "xlsx" and has_rows:
            break  # workbooks have no encoding or quoting to check
    if not has_rows:
        raise InputError(
            f"{path.name} has a header but no supporters",
            field="input",
            row=2,
            fix="add one supporter per line below the header",
        )
    return SupporterFile(
        path=path,
        columns={headers[i]: name for i, name in indexes.items()},
        ignored=ignored,
        encoding=encoding,
        kind=kind,
        _indexes=indexes,
    )


# --- One row -> make_sender's fields ---------------------------------------------------------

_LANGUAGES = {
    "en": ("en", "eng", "english", "anglais", "en-ca", "en-us", "en-gb"),
    "fr": ("fr", "fra", "fre", "french", "francais", "fr-ca", "fr-fr", "quebecois"),
}
_LANGUAGE_KEYS = {fold(alias): code for code, aliases in _LANGUAGES.items() for alias in aliases}


def parse_language(value: str, row: int | None = None) -> str | None:
    """`fr`, `français`, `French`, `FR-CA`, `fr_CA`… -> "fr"; empty -> None (caller's default)."""
    text = fold(value).replace("_", "-")
    if not text:
        return None
    code = _LANGUAGE_KEYS.get(text) or _LANGUAGE_KEYS.get(text.split("-")[0])
    refusal = catalog_refusal(code) if code else None
    if refusal is not None:  # the catalog's Plural-Forms is unsafe: that row's error, saying why
        raise InputError(
            f"language {code!r} is refused: {refusal.message}",
            field="language",
            row=row,
            fix=refusal.fix,
        )
    if code is None or code not in languages():
        raise InputError(
            f"unknown language {value!r}",
            field="language",
            row=row,
            fix=f"write one of: {', '.join(languages())} (or English, français)",
        )
    return code


MP_GENDERS = {"f": "f", "woman": "f", "female": "f", "femme": "f", "m": "m", "man": "m"}
MP_GENDERS |= {"male": "m", "homme": "m", "h": "m"}


def parse_mp_gender(value: str, row: int | None) -> str | None:
    """The `mp_gender` column: f or m (English or French words); empty: the directory's."""
    text = fold(value)
    if not text:
        return None
    if text not in MP_GENDERS:
        raise InputError(
            f"unknown gender {value!r}",
            field="mp_gender",
            row=row,
            fix="write f or m, or leave it empty to use the directory's",
        )
    return MP_GENDERS[text]


def parse_demands(value: str) -> tuple[str, ...]:
    """Demand ids separated by commas, semicolons or bars, in the order given."""
    return tuple(part.strip() for part in re.split(r"[,;|]", value) if part.strip())


def supporter_to_sender_fields(row: SupporterRow, default_lang: str | None = None) -> dict:
    """Keyword arguments for `make_sender` from one row. An empty language cell takes
    `default_lang` (the batch's `--lang`); without one, `lang` is left out (make_sender's default).

    The name is the `name` column or else first and last names joined. `make_sender` validates
    the rest (postal code, province, lengths) and names the row in its errors.
    """
    cells = {k: v.strip() for k, v in row.fields.items()}
    name = cells.get("name") or " ".join(
        filter(None, (cells.get("first_name"), cells.get("last_name")))
    )
    sender = {
        "name": name,
        "street": [s for s in (cells.get("street"), cells.get("street2")) if s],
        "city": cells.get("city", ""),
        "province": cells.get("province", ""),
        "postal_code": cells.get("postal_code", ""),
        "email": cells.get("email") or None,
        "phone": cells.get("phone") or None,
        "riding": cells.get("riding") or None,
        "note": row.fields.get("note") or None,  # as written: line breaks are the supporter's
        "demand_ids": parse_demands(cells.get("demands", "")),
        "row": row.row,
    }
    lang = parse_language(cells.get("language", ""), row.row) or default_lang
    if lang:
        sender["lang"] = lang
    return sender
