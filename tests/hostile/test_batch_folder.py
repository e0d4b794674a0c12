"""batch --out never replaces or removes a file no batch wrote there."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from letters.cli import main

CSV = (
    "name,street,city,province,postal code,language,riding\n"
    "Heather Lim,10234 82 Avenue NW,Edmonton,AB,T6E 1Z8,en,Edmonton Strathcona\n"
)
FOREIGN = {
    "letters/important-contract.pdf": b"%PDF- a contract",
    "packs/my-pack.pdf": b"%PDF- a pack",
    "notes.txt": b"mine",
}


def batch(tmp_path: Path, out: Path, *extra: str):
    source = tmp_path / "supporters.csv"
    source.write_text(CSV, encoding="utf-8")
    args = ["batch", "--campaign", "end-ice-contracts", "--input", str(source), "--to", "mp"]
    return CliRunner().invoke(main, [*args, "--out", str(out), "--jobs", "1", *extra])


def plant(out: Path, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(content)


@pytest.mark.parametrize("dry_run", [(), ("--dry-run",)], ids=["run", "dry-run"])
def test_a_folder_with_foreign_files_is_refused_before_any_work(tmp_path, dry_run):
    out = tmp_path / "out"
    plant(out, {**FOREIGN, "manifest.csv": b"someone's manifest"})
    result = batch(tmp_path, out, *dry_run)
    assert result.exit_code == 2, result.output
    assert "no batch wrote" in result.output and result.output.count("\n") == 1
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == sorted(
        [*FOREIGN, "manifest.csv"]
    )
    assert (out / "manifest.csv").read_bytes() == b"someone's manifest"


def test_force_writes_beside_foreign_files_and_never_touches_them(tmp_path):
    out = tmp_path / "out"
    plant(out, FOREIGN)
    result = batch(tmp_path, out, "--force")
    assert result.exit_code == 0, result.output
    for name, content in FOREIGN.items():
        assert (out / name).read_bytes() == content
    assert (out / "letters/00002-mp-edmonton-strathcona-en.pdf").is_file()
    # a second run (which tidies letters/ and packs/) still leaves them alone
    assert batch(tmp_path, out, "--force").exit_code == 0
    for name, content in FOREIGN.items():
        assert (out / name).read_bytes() == content


def test_force_still_refuses_to_write_over_a_foreign_file(tmp_path):
    out = tmp_path / "out"
    plant(out, {"manifest.csv": b"someone's manifest"})
    result = batch(tmp_path, out, "--force")
    assert result.exit_code == 2
    assert "manifest.csv is in the way" in result.output
    assert (out / "manifest.csv").read_bytes() == b"someone's manifest"


def test_a_batch_folder_resumes_without_force(tmp_path):
    out = tmp_path / "out"
    assert batch(tmp_path, out, "--dry-run").exit_code == 0
    result = batch(tmp_path, out, "--dry-run")
    assert result.exit_code == 0, result.output


def test_a_killed_run_s_temporary_files_are_its_own(tmp_path):
    out = tmp_path / "out"
    assert batch(tmp_path, out, "--dry-run").exit_code == 0
    plant(out, {"..journal.csv.k1ll3d.part": b"", "letters/.00002-mp-x.pdf.abc.part": b""})
    (out / "letters/.00002-mp-edmonton-strathcona-en.pdf.abc123.part").write_bytes(b"half")
    result = batch(tmp_path, out, "--dry-run")
    assert result.exit_code == 2  # a part file of a name the batch never wrote is not its own
    assert "letters/.00002-mp-x.pdf.abc.part" in result.output
    (out / "letters/.00002-mp-x.pdf.abc.part").unlink()
    assert batch(tmp_path, out, "--dry-run").exit_code == 0
