"""Proofreading without its tools: an error that says what is missing and how to install it,
never a pass that checked nothing; `--skip-unavailable` proofreads the rest and says what not.

Each test runs the real `letters` in a subprocess on a machine made to lack a tool: a PATH
without grammalecte-cli, an Enchant library that cannot load (PYENCHANT_LIBRARY_PATH naming a
file that is not one), or no pyenchant at all (the import blocked before `letters` starts).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import DAY, ROOT

LETTERS = Path(sys.executable).with_name("letters")
NO_PYENCHANT = (
    "import sys; sys.modules['enchant'] = None; from letters.cli import main; "
    "sys.argv[0] = 'letters'; main()"
)


@pytest.fixture
def bare_machine(tmp_path):
    """The environment of a machine with neither grammalecte-cli nor a working Enchant."""
    not_a_library = tmp_path / "libenchant-2.so.2"
    not_a_library.write_bytes(b"")
    return {
        **os.environ,
        "PATH": str(LETTERS.parent),  # the venv only: no /usr/bin/grammalecte-cli
        "PYENCHANT_LIBRARY_PATH": str(not_a_library),
    }


def letters(*args: str, env: dict, cwd: Path = ROOT, no_pyenchant: bool = False):
    command = [sys.executable, "-c", NO_PYENCHANT] if no_pyenchant else [str(LETTERS)]
    return subprocess.run(
        [*command, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_proof_without_its_tools_is_an_error_naming_them_and_their_install(bare_machine):
    done = letters("i18n", "proof", "--no-letters", env=bare_machine)
    assert done.returncode == 2
    assert done.stdout == "" and "problem(s)" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("Error: proofing: cannot proofread: spelling (en, fr): the Enchant")
    assert "grammar (fr): grammalecte-cli not found" in line
    assert "apt-get install libenchant-2-2" in line
    assert "apt-get install grammalecte-cli python3-grammalecte" in line
    assert line.endswith("or pass --skip-unavailable to proofread only what this machine can")


def test_proof_without_pyenchant_says_pip_install_pyenchant(tmp_path):
    env = {**os.environ, "PATH": str(LETTERS.parent)}
    done = letters("i18n", "proof", "--no-letters", env=env, no_pyenchant=True)
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.splitlines()
    assert "spelling (en, fr): pyenchant is not installed" in line
    assert "fix: pip install pyenchant;" in line


def test_skip_unavailable_proofreads_the_rest_and_lists_what_it_did_not(bare_machine):
    done = letters("i18n", "proof", "--no-letters", "--skip-unavailable", env=bare_machine)
    assert done.returncode == 0, done.stderr
    assert "not checked: fr: grammar not checked: grammalecte-cli not found (apt-get install" in (
        done.stderr
    )
    assert "not checked: en: spelling not checked: the Enchant library cannot be loaded" in (
        done.stderr
    )


def test_check_with_proof_needs_the_tools_too_and_check_alone_does_not(bare_machine):
    done = letters("i18n", "check", "--strict", "--proof", env=bare_machine)
    assert done.returncode == 2
    assert done.stderr.startswith("Error: proofing: cannot proofread:")
    assert done.stdout == ""  # stopped before the checks' work, not after it
    assert letters("i18n", "check", "--strict", env=bare_machine).returncode == 0


def test_review_needs_the_tools_unless_skipped(bare_machine, tmp_path):
    out = tmp_path / "review.html"
    common = ["i18n", "review", "--campaign", "end-ice-contracts", "--locale", "fr"]
    common += ["--date", DAY.isoformat(), "-o", str(out)]
    done = letters(*common, env=bare_machine)
    assert done.returncode == 2 and "cannot proofread" in done.stderr
    assert not out.exists()
    done = letters(*common, "--skip-unavailable", env=bare_machine)
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert "Not proofread" in page and "grammalecte-cli not found" in page
