"""A damaged resume journal (a line over the csv module's 131,072-character field limit, a NUL,
bytes that are not UTF-8) never stops a resume: those lines are skipped, the rest is kept."""

from __future__ import annotations

import io

from click.testing import CliRunner

from letters.batch.reports import read_journal
from letters.cli import main

GOOD_LINE = b"letters/00002-pm-en.pdf,abc," + b"1," + b"a" * 64 + b"\n"


def test_read_journal_skips_long_nul_and_broken_lines_and_keeps_the_rest():
    text = (
        b'"' + b"x" * 200_000 + b'",d,1,' + b"b" * 64 + b"\n"
        + b"x" * 5_000_000  # one line, no end: not even read whole
        + b"\nnul\x00,d,1," + b"c" * 64 + b"\n"
        + b"\xff\xfe,d,1,\n"
        + GOOD_LINE
    )  # fmt: skip
    done = read_journal(io.BytesIO(text))
    assert done["letters/00002-pm-en.pdf"].sha256 == "a" * 64
    assert all(len(name) < 100 for name in done)


def test_a_resume_goes_on_past_a_journal_line_of_200000_characters(tmp_path):
    (tmp_path / "s.csv").write_text(
        "name,street,city,province,postal code,language\n"
        "Heather Lim,10234 82 Avenue NW,Edmonton,AB,T6E 1Z8,en\n"
    )
    args = [
        "batch", "--campaign", "end-ice-contracts", "--input", str(tmp_path / "s.csv"),
        "--to", "pm", "--out", str(tmp_path / "out"), "--date", "2026-02-01",
    ]  # fmt: skip
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    journal = tmp_path / "out" / ".journal.csv"
    with journal.open("ab") as out:
        out.write(b'"' + b"x" * 200_000 + b'",d,1,' + b"b" * 64 + b"\n" + b"\x00\n")
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "0 written, 1 already done and kept" in again.output
