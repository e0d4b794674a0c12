"""Adding a language end to end, in a temporary copy of locales/ and of the campaign's folder
(docs/translating.md, "A new language")."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from letters import languages
from letters.cli import main

from ..conftest import ROOT

SPANISH = {
    "Refuse export permits": "Denegar los permisos de exportación",
    "Subject: %(subject)s": "Asunto: %(subject)s",
}
WRITE = [
    "write", "--campaign", "end-ice-contracts", "--to", "minister:foreign-affairs",
    "--lang", "es", "--demand", "export-permits", "--date", "2026-02-01",
    "--name", "Ana Ruiz", "--street", "10234 82 Avenue NW", "--city", "Edmonton",
    "--province", "AB", "--postal-code", "T6E 1Z8", "--format", "text",
]  # fmt: skip


def both(locales: Path) -> dict[str, str]:
    """The environment: the interface's catalogs and the campaign's folder, both copies."""
    return {"LETTERS_LOCALES": str(locales), "LETTERS_CAMPAIGNS": str(locales.parent)}


@pytest.fixture(scope="module")
def spanish_locales(tmp_path_factory) -> Path:
    """locales/ and the campaign copied, then `letters i18n init --locale es` for both, one
    string of each translated, compiled."""
    locales = tmp_path_factory.mktemp("es") / "locales"
    shutil.copytree(ROOT / "locales", locales)
    shutil.copytree(ROOT / "campaigns/end-ice-contracts", locales.parent / "end-ice-contracts")
    env = both(locales)
    runner = CliRunner()
    assert "es" not in languages()
    which = ["--interface", "--campaign", "end-ice-contracts"]  # found via LETTERS_CAMPAIGNS

    init = runner.invoke(main, ["i18n", "init", *which, "--locale", "es"], env=env)
    assert init.exit_code == 0, init.output
    own = locales.parent / "end-ice-contracts/locales/es/LC_MESSAGES/campaign.po"
    for po in (locales / "es/LC_MESSAGES/messages.po", own):
        text = po.read_text(encoding="utf-8")
        plural_forms = Catalog(locale="es").plural_forms  # Babel's own CLDR data decides
        assert '"Language: es\\n"' in text and f'"Plural-Forms: {plural_forms}\\n"' in text

        with po.open("rb") as source:
            catalog = read_po(source, locale="es")
        strings = [m.string for m in catalog if m.id]
        blank = [s if isinstance(s, str) else "".join(s) for s in strings]
        assert not any(blank)  # plural messages start with one empty form per Spanish plural
        for msgid, string in SPANISH.items():
            if catalog.get(msgid):
                catalog.get(msgid).string = string
        with po.open("wb") as out:
            write_po(out, catalog, width=100)

    compiled = runner.invoke(main, ["i18n", "compile", *which, "--locale", "es"], env=env)
    assert compiled.exit_code == 0, compiled.output
    assert "es: 1 of " in compiled.output and own.with_suffix(".mo").is_file()
    return locales


def test_check_says_which_errors_stop_compile_and_which_do_not(spanish_locales):
    """A half-translated catalog is work in progress: check fails it, compile does not refuse it,
    and check's summary says so, so that the README, check and compile tell one story."""
    env = both(spanish_locales)
    result = CliRunner().invoke(main, ["i18n", "check", "--interface", "--locale", "es"], env=env)
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert "0 of the errors stop `letters i18n compile`" in last
    assert "not translated yet or fuzzy, which compile leaves out" in last


def test_new_language_is_offered_once_compiled(spanish_locales, monkeypatch):
    monkeypatch.setenv("LETTERS_LOCALES", str(spanish_locales))
    assert languages() == ("en", "es", "fr")


def test_init_refuses_an_existing_catalog(spanish_locales):
    result = CliRunner().invoke(
        main, ["i18n", "init", "--interface", "--locale", "es"], env=both(spanish_locales)
    )
    assert result.exit_code == 2 and "exists already" in result.output


def test_incomplete_spanish_letter_is_refused_naming_the_messages(spanish_locales):
    result = CliRunner().invoke(main, WRITE, env=both(spanish_locales))
    assert result.exit_code == 2
    assert "not translated into 'es'" in result.output
    assert "'Dear Minister:' (salutation, woman minister)" in result.output
    assert "Refuse export permits" not in result.output  # translated, so not named


def test_allow_incomplete_prints_spanish_where_translated_english_elsewhere(spanish_locales):
    env = {**os.environ, **both(spanish_locales)}
    letters = Path(sys.executable).with_name("letters")
    done = subprocess.run(
        [letters, *WRITE, "--allow-incomplete"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    letter = done.stdout
    assert "1 de febrero de 2026" in letter  # the date, from Babel's Spanish locale data
    assert "Denegar los permisos de exportación." in letter
    assert "Asunto: Ending Canadian contracts" in letter
    assert "Dear Minister:" in letter and "Yours sincerely," in letter
    assert "are printed in English" in done.stderr and "'Dear Minister:'" in done.stderr
    assert "Denegar" not in done.stderr


def test_allow_incomplete_counts_only_what_the_letter_prints(spanish_locales):
    """Not the web page's messages ("Skip to the main content", "Find my MP"): how many the
    letter prints, the first five, and where to see the rest, on one short line."""
    env = {"LETTERS_LOCALES": str(spanish_locales)}
    result = CliRunner().invoke(main, [*WRITE, "--allow-incomplete"], env=env)
    assert result.exit_code == 0, result.output
    (warning,) = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert "Skip to the main content" not in warning and "Find my MP" not in warning
    count = int(warning.removeprefix("warning: ").split()[0])
    assert 5 < count < 40
    assert "messages of this letter are not translated into 'es' (missing or fuzzy)" in warning
    assert f"and {count - 5} more; they are printed in English" in warning
    assert "`letters i18n stats --locale es`" in warning
    assert len(warning) < 600
