"""Reports an organiser opens in a spreadsheet: manifest.csv, errors.csv, and the run's journal.

Both reports are UTF-8 with a BOM (so Excel reads the accents) and neutralise spreadsheet
formulas: a cell that begins with = + - @ |, their full-width forms, a tab or a carriage return
(after any spaces), or with an invisible character (zero-width space, BOM), gets a leading
apostrophe (OWASP "CSV injection"), since supporters' names and notes come from a public web
form.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import BinaryIO

from ..output import write_atomic

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Invisible at the start of a cell, so a formula behind them would not be seen: zero-width
# space, joiners, word joiner, BOM.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
VALUE_LIMIT = 200


@dataclass(frozen=True)
class ManifestEntry:
    row: int
    supporter: str
    recipient: str
    language: str
    file: str
    pages: int | str
    sha256: str
    status: str  # "written", "planned" (dry run), "duplicate of row N"


@dataclass(frozen=True)
class RowError:
    row: int
    # The letters the problem stops: `pm`, `minister:<id>`, `mp:<riding>`, or `mp` when the
    # supporter's MP could not be found; several joined by "; " (all of the row's for a problem
    # with the row itself, such as its postal code).
    recipient: str
    field: str
    value: str
    problem: str
    fix: str


def safe_cell(value: object) -> str:
    """The cell as text a spreadsheet shows and never evaluates; control characters (a refused
    cell is quoted in errors.csv) are written as `U+0000`, never raw."""
    text = "" if value is None else str(value)
    text = CONTROLS.sub(lambda m: f"U+{ord(m.group()):04X}", text)
    stripped = text.lstrip(" \u00a0\u3000" + INVISIBLE)
    if text.startswith(tuple(INVISIBLE)) or stripped.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_bytes(header: Iterable[str], rows: Iterable[tuple]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def report_bytes(kind: type, entries: Iterable) -> bytes:
    """A list of `ManifestEntry` or `RowError` as CSV."""
    return csv_bytes([f.name for f in fields(kind)], (astuple(e) for e in entries))


def shorten(value: str, limit: int = VALUE_LIMIT) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass(frozen=True)
class Done:
    """A letter a run has written: what it was made from (digest) and what it became (sha256)."""

    file: str
    digest: str
    pages: int
    sha256: str


# A journal line is a file name, two digests and a page count: a few hundred characters. A
# longer line (131,072 characters made the csv module raise) or one it cannot parse was not
# written by a batch: it is skipped, and the letters it would name are rendered again.
MAX_JOURNAL_LINE = 4096


def read_journal(source: BinaryIO) -> dict[str, Done]:
    """The finished letters a journal lists (later lines win), read line by line under a
    length limit: whatever else the file holds, the resume goes on."""
    done: dict[str, Done] = {}
    while line := source.readline(MAX_JOURNAL_LINE + 1):
        if len(line) > MAX_JOURNAL_LINE:
            while line and not line.endswith(b"\n"):  # skip the rest of the long line
                line = source.readline(MAX_JOURNAL_LINE + 1)
            continue
        try:
            cells = next(csv.reader([line.decode("utf-8", "replace").rstrip("\r\n")]), [])
        except csv.Error:  # a NUL, a stray quote
            continue
        if len(cells) == 4 and cells[2].isdigit() and len(cells[3]) == 64:
            done[cells[0]] = Done(cells[0], cells[1], int(cells[2]), cells[3])
    return done


class Journal:
    """An append-only record of finished letters, so a killed run resumes where it stopped.

    A line is appended (and flushed) only after the letter's file has been renamed into place; a
    line cut short by a kill is ignored on reading. The manifest is written once, at the end.
    """

    HEADER = ("file", "digest", "pages", "sha256")

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, Done]:
        if not self.path.is_file():
            return {}
        with self.path.open("rb") as source:
            return read_journal(source)

    def start(self, kept: Iterable[Done]) -> None:
        """Begin a run with the letters still valid (rewritten compactly, atomically)."""
        write_atomic(self.path, self._lines(kept))
        self._out = self.path.open("a", encoding="utf-8", newline="")

    def add(self, done: Done) -> None:
        self._out.write(self._lines([done]).decode("utf-8"))
        self._out.flush()

    def close(self) -> None:
        if getattr(self, "_out", None):
            self._out.close()
            self._out = None

    @staticmethod
    def _lines(entries: Iterable[Done]) -> bytes:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(astuple(e) for e in entries)
        return out.getvalue().encode("utf-8")
