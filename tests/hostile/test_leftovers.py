"""No weasyprint-* font folders are left in the temporary directory, even by a killed run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

CSV = (
    "name,street,city,province,postal code,language,riding\n"
    "Heather Lim,10234 82 Avenue NW,Edmonton,AB,T6E 1Z8,en,Edmonton Strathcona\n"
    "Jeanne Tremblay,1 rue Principale,Edmonton,AB,T6E 1Z9,fr,Edmonton Strathcona\n"
)


def letters(tmp_path: Path, *args: str, **options) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}
    return subprocess.Popen(
        [sys.executable, "-m", "letters", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **options,
    )


def font_folders(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "tmp").glob("weasyprint-*"))


def test_batch_on_two_processes_leaves_no_font_folder(tmp_path):
    (tmp_path / "tmp").mkdir()
    (tmp_path / "s.csv").write_text(CSV)
    args = ["batch", "--campaign", "end-ice-contracts", "--input", "s.csv", "--to", "pm"]
    assert letters(tmp_path, *args, "--jobs", "2", "--out", "out").wait(120) == 0
    assert font_folders(tmp_path) == []


def test_a_killed_run_s_font_folder_is_removed_by_the_next_run(tmp_path):
    (tmp_path / "tmp").mkdir()
    write = ["write", "--campaign", "end-ice-contracts", "--to", "pm", "--lang", "en"]
    write += ["--name", "Jane", "--street", "1 Main", "--city", "Ottawa", "--province", "ON"]
    write += ["--postal-code", "K1A 0A6"]
    killed = letters(tmp_path, *write, "-o", "a.pdf", start_new_session=True)
    deadline = time.monotonic() + 60
    while not font_folders(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    assert font_folders(tmp_path), "the run was killed before WeasyPrint made its folder"
    assert letters(tmp_path, *write, "-o", "b.pdf").wait(120) == 0
    assert font_folders(tmp_path) == []
