"""Kill a real `letters batch` process mid-run, run it again: the result is byte-identical."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from letters.batch import run_batch
from letters.batch.report import RUN_REPORT
from letters.batch.reports import Journal

from ..conftest import province_of

ROWS = [
    ("Ann Lee", "K1A 0B1", "en"),
    ("Luc Roy", "H2X 1Y4", "fr"),
    ("Mia Chan", "B3H 4R2", "en"),
    ("Zoé Dubé", "A1A 1A1", "fr"),
    ("Raj Patel", "T6E 1Z8", "en"),
    ("Léa Roy", "G1R 4P5", "fr"),
    ("Tom Ng", "V5K 0A1", "en"),
    ("Ève Gagnon", "J8X 1A1", "fr"),
    ("Kai Singh", "R3C 4T3", "en"),
    ("Inès Côté", "E1C 4M3", "fr"),
]
LETTERS = len(ROWS) * 2


def supporters(path: Path) -> Path:
    lines = ["name,street,city,province,postal code,language,riding"]
    for name, postal_code, lang in ROWS:
        province = province_of(postal_code)
        lines.append(
            f"{name},1 Main St,Edmonton,{province},{postal_code},{lang},Edmonton Strathcona"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def command(source: Path, out: Path, *more: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "letters",
        "batch",
        "--campaign",
        "end-ice-contracts",
        "--input",
        str(source),
        "--to",
        "pm",
        "--to",
        "mp",
        "--date",
        "2026-02-01",
        "--out",
        str(out),
        "--jobs",
        "2",
        *more,
    ]


def outputs(out: Path) -> dict[str, bytes]:
    """Everything an organiser gets (the hidden journal is the run's own bookkeeping), but the
    report, which tells this run's own time and what it kept."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".") and p.name not in RUN_REPORT
    }


@pytest.fixture(scope="module")
def clean(tmp_path_factory, setting):
    folder = tmp_path_factory.mktemp("clean")
    run_batch(
        "end-ice-contracts",
        supporters(folder / "supporters.csv"),
        ["pm", "mp"],
        day=date(2026, 2, 1),
        out=folder / "out",
        jobs=1,
        setting=setting,
    )
    return outputs(folder / "out")


def test_killed_run_resumes_to_byte_identical_outputs(tmp_path, clean):
    source = supporters(tmp_path / "supporters.csv")
    out = tmp_path / "out"
    run = subprocess.Popen(
        command(source, out), cwd=tmp_path, start_new_session=True, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    journal = Journal(out / ".journal.csv")
    while time.monotonic() < deadline and run.poll() is None and not journal.read():
        time.sleep(0.005)
    os.killpg(run.pid, signal.SIGKILL)  # the run and its workers, with no chance to clean up
    run.wait()
    done = len(journal.read())
    assert 1 <= done < LETTERS, "killed part-way, after some letters were finished"
    assert not (out / "manifest.csv").exists()

    again = subprocess.run(command(source, out), cwd=tmp_path, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    written = LETTERS - done
    assert f"Letters: {LETTERS} ({written} written, {done} already done and kept)" in again.stdout
    assert outputs(out) == clean
    assert not list(out.rglob("*.part"))


def test_rerun_skips_done_letters_redoes_a_damaged_one_and_force_redoes_all(
    tmp_path, clean, setting
):
    source = supporters(tmp_path / "supporters.csv")
    out = tmp_path / "out"

    def run(**options):
        return run_batch(
            "end-ice-contracts",
            source,
            ["pm", "mp"],
            day=date(2026, 2, 1),
            out=out,
            jobs=1,
            setting=setting,
            **options,
        )

    run()
    damaged = sorted((out / "letters").glob("*.pdf"))[3]
    damaged.write_bytes(damaged.read_bytes()[:100])
    again = run()
    assert (again.written, again.kept) == (1, LETTERS - 1)
    assert outputs(out) == clean
    forced = run(force=True)
    assert (forced.written, forced.kept) == (LETTERS, 0)
    assert outputs(out) == clean


def test_a_changed_row_is_rewritten_and_a_removed_row_loses_its_letter(tmp_path, setting):
    source = tmp_path / "supporters.csv"
    header = "name,street,city,province,postal code\n"
    ann = "Ann Lee,1 Main St,Ottawa,ON,K1A 0B1\n"
    source.write_text(header + ann + "Bo Chan,2 Main St,Ottawa,ON,K1A 0B2\n", encoding="utf-8")

    def run():
        return run_batch(
            "end-ice-contracts",
            source,
            ["pm"],
            day=date(2026, 2, 1),
            out=tmp_path / "out",
            jobs=1,
            setting=setting,
        )

    run()
    before = (tmp_path / "out" / "letters" / "00003-pm-en.pdf").read_bytes()
    source.write_text(header + ann + "Bo Chan,99 Other St,Ottawa,ON,K1A 0B2\n", encoding="utf-8")
    changed = run()
    assert (changed.written, changed.kept) == (1, 1)
    assert (tmp_path / "out" / "letters" / "00003-pm-en.pdf").read_bytes() != before
    source.write_text(header + ann, encoding="utf-8")
    shorter = run()
    assert (shorter.written, shorter.kept) == (0, 1)
    assert [p.name for p in (tmp_path / "out" / "letters").iterdir()] == ["00002-pm-en.pdf"]
