"""A command loads what it uses and nothing else: a letter does not wait for signing, the batch
or the web page (issue 27). Each check runs the real command in a fresh process."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
from click.testing import CliRunner

import letters.cli
from letters.cli import COMMANDS, main

WRITE = [
    "write", "--campaign", "end-ice-contracts", "--to", "pm", "--lang", "fr",
    "--name", "Heather Lim", "--street", "10234 82 Avenue NW", "--city", "Edmonton",
    "--province", "AB", "--postal-code", "T6E 1Z8", "--date", "2026-02-01",
]  # fmt: skip

# What only signing (x509, pyHanko), email (email_validator), the batch (openpyxl), the web
# page, the Represent lookup, catalog extraction and checks (babel.messages) and the
# batch's workers (multiprocessing) need.
NOT_FOR_A_LETTER = (
    "cryptography.x509",
    "pyhanko",
    "email_validator",
    "openpyxl",
    "waitress",
    "sqlite3",
    "babel.messages",
    "multiprocessing",
    "letters.sending.signing",
    "letters.sending.identity",
    "letters.batch",
    "letters.web",
    "letters.translation",
    "letters.directory.lookup",
)


def imported_by(args: list[str], cwd: Path) -> set[str]:
    """The modules loaded by `letters ARGS`, run as the console script runs it."""
    code = (
        "import sys, json; from letters.cli import main\n"
        "try:\n    main(sys.argv[1:])\n"
        "except SystemExit as end:\n    assert not end.code, end.code\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(m == n or m.startswith(n + ".") for m in modules))


def test_a_letter_imports_neither_signing_nor_batch_nor_extraction(tmp_path):
    out = str(tmp_path / "letter.pdf")
    imported_by([*WRITE, "-o", out], tmp_path)  # the first run fills the messages' cache
    modules = imported_by([*WRITE, "-o", out], tmp_path)
    assert "weasyprint" in modules  # the check sees what the command does import
    assert loaded(modules, NOT_FOR_A_LETTER) == []


@pytest.mark.parametrize("args", [["campaigns"], ["recipients", "--role", "pm"], ["--help"]])
def test_listing_commands_do_not_load_weasyprint(tmp_path, args):
    assert loaded(imported_by(args, tmp_path), ("weasyprint", "pyhanko", "openpyxl")) == []


def test_help_lists_every_command_of_every_module():
    for module in pkgutil.iter_modules(letters.cli.__path__):
        import_module(f"letters.cli.{module.name}")
    assert sorted(main.commands) == sorted(COMMANDS), "add the new command to COMMANDS"
    for name, module in COMMANDS.items():
        assert main.commands[name].callback.__module__ == f"letters.cli.{module}", name
    listed = CliRunner().invoke(main, ["--help"]).output
    commands = listed[listed.index("Commands:") :].splitlines()[1:]
    assert [line.split()[0] for line in commands] == sorted(COMMANDS)
