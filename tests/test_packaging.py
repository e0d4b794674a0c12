"""The wheel carries templates, catalogs and campaigns, and works installed outside the repo."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, pdf_text


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("letters-*.whl")
    return path


def test_wheel_ships_templates_locales_campaigns_and_fonts(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "letters/_shipped/templates/letter.html.j2",
        "letters/_shipped/templates/fonts/CharisSIL-Regular.ttf",
        "letters/_shipped/locales/fr/LC_MESSAGES/messages.mo",
        "letters/_shipped/campaigns/end-ice-contracts/campaign.toml",
        "letters/data/directory.toml",
    ):
        assert expected in names


def test_wheel_installed_in_a_fresh_venv_writes_a_letter(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # Reuse this environment's dependencies (no network needed), but not its editable `letters`:
    # a plain path entry in a .pth file adds site-packages without running its .pth files.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import letters, letters.resources as r; print(r.data_root())"],
        capture_output=True,
        text=True,
        check=True,
        cwd=work,
    ).stdout
    assert "_shipped" in where and str(ROOT) not in where
    result = subprocess.run(
        [
            str(venv / "bin" / "letters"),
            "write",
            "--campaign",
            "end-ice-contracts",
            "--to",
            "pm",
            "--lang",
            "fr",
            "--name",
            "Jeanne Tremblay",
            "--street",
            "123, rue Principale",
            "--city",
            "Gatineau",
            "--province",
            "QC",
            "--postal-code",
            "J8X 1A1",
            "--date",
            "2026-02-01",
        ],
        capture_output=True,
        text=True,
        cwd=work,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    pdf = work / result.stdout.strip()
    assert pdf.is_file() and "Monsieur le Premier Ministre," in pdf_text(pdf.read_bytes())
