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

ROWS = [
    ("Ann Lee", "K1A 0B1", "en"),
    ("Luc Roy", "H2X 1Y4", "fr"),
    ("Mia Chan", "B3H 4R2", "en"),
    ("Zoé Dubé", "A1A 1A1", "fr"),
    ("Raj Patel", "T6E 1Z8", "en"),
    ("Léa Roy", "G1R 4P5", "fr"),
    ("Tom Ng", "V5K 0A1", "en"),
    ("Ève Gagnon", "J8X 1A1", "fr"),
]
LETTERS = len(ROWS) * 2


def supporters(path: Path) -> Path:
    lines = ["name,street,city,province,postal code,language,riding"]
    for name, postal_code, lang in ROWS:
        lines.append(f"{name},1 Main St,Edmonton,AB,{postal_code},{lang},Edmonton Strathcona")
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
    """Everything an organiser gets (the hidden journal is the run's own bookkeeping)."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
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
    letters = out / "letters"
    while time.monotonic() < deadline and run.poll() is None:
        if letters.is_dir() and len(list(letters.glob("*.pdf"))) >= 2:
            break
        time.sleep(0.01)
    os.killpg(run.pid, signal.SIGKILL)  # the run and its workers, with no chance to clean up
    run.wait()
    interrupted = len(list(letters.glob("*.pdf")))
    assert 2 <= interrupted < LETTERS, "killed part-way"
    assert not (out / "manifest.csv").exists()

    again = subprocess.run(command(source, out), cwd=tmp_path, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    kept = int(again.stdout.split(" written, ")[1].split(" ")[0])
    assert kept >= interrupted - 2  # a letter being renamed at the kill may be redone
    assert f"Letters: {LETTERS} (" in again.stdout
    assert outputs(out) == clean
    assert not list(out.rglob("*.part"))


def test_rerun_skips_done_letters_redoes_a_damaged_one_and_force_redoes_all(tmp_path, clean):
    source = supporters(tmp_path / "supporters.csv")
    out = tmp_path / "out"
    subprocess.run(command(source, out), cwd=tmp_path, check=True, capture_output=True)
    damaged = sorted((out / "letters").glob("*.pdf"))[3]
    damaged.write_bytes(damaged.read_bytes()[:100])

    again = subprocess.run(command(source, out), cwd=tmp_path, capture_output=True, text=True)
    assert f"(1 written, {LETTERS - 1} already done and kept)" in again.stdout
    assert outputs(out) == clean

    forced = subprocess.run(
        command(source, out, "--force"), cwd=tmp_path, capture_output=True, text=True
    )
    assert f"({LETTERS} written, 0 already done and kept)" in forced.stdout
    assert outputs(out) == clean
