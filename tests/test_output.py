"""Output: what `-o` (and every atomic write) may replace, with which mode, and how it fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from letters.cli import main
from letters.errors import InputError
from letters.output import write_atomic

from .test_cli import BASE

TEXT = [*BASE, "--to", "pm", "--lang", "en", "--format", "text"]


@pytest.fixture
def umask():
    """Set the process umask for one test, then put it back."""
    saved = os.umask(0o022)
    yield os.umask
    os.umask(saved)


def write(*args: str):
    return CliRunner().invoke(main, [*TEXT, *args])


@pytest.mark.parametrize("special", ["device", "fifo", "symlink-to-device"])
def test_o_refuses_a_target_that_is_not_a_regular_file(tmp_path, special):
    target = tmp_path / "target"
    if special == "device":
        target = Path("/dev/null")
    elif special == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/null")
    result = write("-o", str(target))
    assert result.exit_code == 2
    assert "exists and is not a regular file" in result.output
    assert result.output.count("\n") == 1
    assert Path("/dev/null").is_char_device()
    if special == "symlink-to-device":
        assert target.is_symlink()


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        (lambda tmp: Path("/proc/letter.txt"), ""),
        (lambda tmp: tmp / "file.txt" / "letter.txt", ""),
        (lambda tmp: tmp / ("x" * 300 + ".txt"), "File name too long"),
    ],
    ids=["under-proc", "parent-is-a-file", "name-too-long"],
)
def test_o_that_cannot_be_written_is_one_line_exit_2(tmp_path, where, reason):
    (tmp_path / "file.txt").write_text("not a folder")
    result = write("-o", str(where(tmp_path)))
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: output: cannot write ")
    assert reason in result.output and result.output.count("\n") == 1
    assert (tmp_path / "file.txt").read_text() == "not a folder"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_a_name_at_the_255_byte_limit_is_written(tmp_path):
    target = tmp_path / ("x" * 251 + ".txt")
    result = write("-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text().startswith("Heather Lim")


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o027, 0o640)])
def test_a_new_letter_respects_the_umask(tmp_path, umask, mask, mode):
    umask(mask)
    write_atomic(tmp_path / "letter.pdf", b"%PDF-")
    assert (tmp_path / "letter.pdf").stat().st_mode & 0o777 == mode


def test_a_replaced_file_keeps_its_mode(tmp_path, umask):
    target = tmp_path / "letter.txt"
    target.write_text("old")
    target.chmod(0o600)
    result = write("-o", str(target))
    assert result.exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.read_text().startswith("Heather Lim")


def test_a_symlink_to_a_regular_file_is_replaced_not_followed(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("kept")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert real.read_text() == "kept" and link.read_bytes() == b"new" and not link.is_symlink()


def test_write_atomic_error_names_the_output_field(tmp_path):
    with pytest.raises(InputError) as caught:
        write_atomic(Path("/proc/x.pdf"), b"x")
    assert caught.value.field == "output"
