"""XLSX decompression bombs: refused in one line, in under a second, before anything is parsed."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from letters.batch.supporters import open_supporters
from letters.cli import main
from letters.errors import InputError

HEADER = ["name", "street", "city", "province", "postal code", "language", "riding"]
ROW = [
    "Heather Lim",
    "10234 82 Avenue NW",
    "Edmonton",
    "AB",
    "T6E 1Z8",
    "en",
    "Edmonton Strathcona",
]
MB = 1024 * 1024


def workbook_parts() -> dict[str, bytes]:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(ROW)
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(out) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_xlsx(path: Path, replace: dict[str, object]) -> Path:
    """A real workbook whose parts in `replace` are bytes, or iterables of chunks (streamed)."""
    parts = {**workbook_parts(), **replace}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in parts.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in content:
                    part.write(chunk)
    return path


def sheet(rows_xml: bytes, dimension: bytes = b"A1:G2") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="' + dimension + b'"/><sheetData>' + rows_xml + b"</sheetData></worksheet>"
    )


def inline_row(number: int, values: list[str]) -> bytes:
    cells = b"".join(
        f'<c r="{_column(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'.encode()
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">'.encode() + cells + b"</row>"


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def one_huge_inline_cell(size: int):
    whole = sheet(inline_row(1, HEADER) + b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
    yield whole.removesuffix(b"</sheetData></worksheet>")
    for _ in range(size // MB):
        yield b"a" * MB
    yield b"</t></is></c></row></sheetData></worksheet>"


def many_shared_strings(count: int):
    yield b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    chunk = b"<si><t>a</t></si>" * 65536
    for _ in range(count // 65536):
        yield chunk
    yield b"</sst>"


BOMBS = {
    "one-300-MB-inline-cell": lambda: {"xl/worksheets/sheet1.xml": one_huge_inline_cell(300 * MB)},
    "ten-million-shared-strings": lambda: {"xl/sharedStrings.xml": many_shared_strings(10_000_000)},
}


@pytest.fixture(scope="module", params=sorted(BOMBS))
def bomb(request, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bombs") / f"{request.param}.xlsx"
    return write_xlsx(path, BOMBS[request.param]())


def test_a_bomb_is_refused_before_parsing_in_under_a_second(bomb):
    assert bomb.stat().st_size < 2 * MB
    started = time.perf_counter()
    with pytest.raises(InputError, match="would inflate to") as caught:
        list(open_supporters(bomb))
    assert time.perf_counter() - started < 1
    assert caught.value.field == "input" and bomb.name in str(caught.value)


def test_batch_on_a_bomb_is_one_line_exit_2(bomb, tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "batch",
            "--campaign",
            "end-ice-contracts",
            "--input",
            str(bomb),
            "--to",
            "pm",
            "--dry-run",
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and bomb.name in result.output


def test_too_many_shared_strings_are_refused_before_parsing(tmp_path):
    """Within the size caps (padded with 1.5 MB of noise), but 3 million strings to hold."""
    import os

    parts = {
        "xl/sharedStrings.xml": many_shared_strings(3_000_000),
        "xl/media/noise.bin": os.urandom(3 * MB // 2),
    }
    path = write_xlsx(tmp_path / "strings.xlsx", parts)
    started = time.perf_counter()
    with pytest.raises(InputError, match="more than 2,000,000 cells of text"):
        list(open_supporters(path))
    assert time.perf_counter() - started < 1


def test_a_row_with_too_many_cells_is_refused(tmp_path):
    wide = inline_row(1, HEADER) + inline_row(2, ROW + ["x"] * 2000)
    path = write_xlsx(tmp_path / "wide.xlsx", {"xl/worksheets/sheet1.xml": sheet(wide)})
    with pytest.raises(InputError, match="more than 1,000 cells in row 2"):
        list(open_supporters(path))


def test_a_lying_dimension_does_not_pad_every_row(tmp_path):
    rows = inline_row(1, HEADER) + inline_row(2, ROW)
    lying = sheet(rows, dimension=b"A1:XFD1048576")
    path = write_xlsx(tmp_path / "lying.xlsx", {"xl/worksheets/sheet1.xml": lying})
    started = time.perf_counter()
    supporters = list(open_supporters(path))
    assert time.perf_counter() - started < 1
    assert [s.fields["name"] for s in supporters] == ["Heather Lim"]
