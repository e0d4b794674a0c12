"""The batch goes through the same translation gate as `letters write`: a letter that would print
a missing or fuzzy message in English is reported (field `lang`, with its recipient) instead of
written, unless --allow-incomplete; the row's other letters are written."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from letters.cli import main

from ..conftest import ROOT, pdf_text

SUPPORTERS = """name,street,city,province,postal code,language
Ann Lee,1 Main St,Ottawa,ON,K1A 0B1,en
Luc Roy,"12, rue Saint-Denis",Montréal,QC,H2X 1Y4,fr
"""


@pytest.fixture(scope="module")
def fuzzy_french(tmp_path_factory) -> Path:
    """A copy of locales/ whose French "Subject: …" is fuzzy, so compiling leaves it out."""
    locales = tmp_path_factory.mktemp("fuzzy") / "locales"
    shutil.copytree(ROOT / "locales", locales)
    po = locales / "fr/LC_MESSAGES/messages.po"
    with po.open("rb") as source:
        catalog = read_po(source, locale="fr")
    catalog.get("Subject: %(subject)s").flags.add("fuzzy")
    with po.open("wb") as out:
        write_po(out, catalog, width=100)
    env = {"LETTERS_LOCALES": str(locales)}
    compiled = CliRunner().invoke(main, ["i18n", "compile", "--locale", "fr"], env=env)
    assert compiled.exit_code == 0, compiled.output
    return locales


def run(tmp_path: Path, locales: Path, *extra: str):
    source = tmp_path / "supporters.csv"
    source.write_text(SUPPORTERS, encoding="utf-8")
    out = tmp_path / "out"
    args = ["batch", "--input", str(source), "--to", "pm", "--date", "2026-02-01"]
    args += ["--out", str(out), "--jobs", "1", *extra]
    result = CliRunner().invoke(main, args, env={"LETTERS_LOCALES": str(locales)})
    assert result.exit_code == 0, result.output
    errors = list(csv.DictReader((out / "errors.csv").read_text("utf-8-sig").splitlines()))
    return out, errors


def test_a_french_row_with_a_fuzzy_message_is_a_row_error_naming_lang_and_the_fix(
    tmp_path, fuzzy_french
):
    out, errors = run(tmp_path, fuzzy_french)
    assert [(e["row"], e["field"], e["value"]) for e in errors] == [("3", "lang", "fr")]
    assert "Subject: %(subject)s" in errors[0]["problem"]
    assert "messages.po" in errors[0]["fix"] and "--allow-incomplete" in errors[0]["fix"]
    assert sorted(p.name for p in (out / "letters").iterdir()) == ["00002-pm-en.pdf"]


def test_allow_incomplete_prints_the_english_of_the_missing_message(tmp_path, fuzzy_french):
    out, errors = run(tmp_path, fuzzy_french, "--allow-incomplete")
    assert errors == []
    text = pdf_text((out / "letters/00003-pm-fr.pdf").read_bytes())
    assert "Subject:" in text and "Objet" not in text


def test_with_complete_catalogs_the_french_letter_is_written(tmp_path):
    out, errors = run(tmp_path, ROOT / "locales")
    assert errors == []
    assert "Objet" in pdf_text((out / "letters/00003-pm-fr.pdf").read_bytes())


def test_a_fuzzy_message_of_the_mps_letter_stops_that_letter_only(tmp_path):
    """The MP's own lead-in is fuzzy: the French supporter's letter to the PM is written, the one
    to the MP is reported with its recipient; the English supporter gets both."""
    campaigns = tmp_path / "campaigns"  # a copy of the campaign, with its own catalog
    shutil.copytree(ROOT / "campaigns" / "end-ice-contracts", campaigns / "end-ice-contracts")
    po = campaigns / "end-ice-contracts/locales/fr/LC_MESSAGES/campaign.po"
    with po.open("rb") as source:
        catalog = read_po(source, locale="fr")
    intro = next(
        m
        for m in catalog
        if m.context == "campaign text, letter to an MP" and not isinstance(m.id, str)
    )
    intro.flags.add("fuzzy")
    with po.open("wb") as out:
        write_po(out, catalog, width=100)
    env = {"LETTERS_CAMPAIGNS": str(campaigns)}
    compiled = ["i18n", "compile", "--campaign", str(campaigns / "end-ice-contracts")]
    assert CliRunner().invoke(main, [*compiled, "--locale", "fr"], env=env).exit_code == 0
    source = tmp_path / "supporters.csv"
    source.write_text(
        "name,street,city,province,postal code,language,riding\n"
        "Ann Lee,1 Main St,Edmonton,AB,T6E 1Z8,en,Edmonton Strathcona\n"
        "Luc Roy,1 Main St,Edmonton,AB,T6E 1Z9,fr,Edmonton Strathcona\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["batch", "--input", str(source), "--to", "pm", "--to", "mp", "--out", str(out)]
    args += ["--campaign", str(campaigns / "end-ice-contracts")]
    result = CliRunner().invoke(main, [*args, "--date", "2026-02-01", "--dry-run"], env=env)
    assert result.exit_code == 0, result.output
    assert "Rows read: 2 = 2 with letters + 0 with errors + 0 duplicates" in result.output
    errors = list(csv.DictReader((out / "errors.csv").read_text("utf-8-sig").splitlines()))
    assert [(e["row"], e["recipient"], e["field"]) for e in errors] == [
        ("3", "mp:edmonton-strathcona", "lang")
    ]
    manifest = list(csv.DictReader((out / "manifest.csv").read_text("utf-8-sig").splitlines()))
    assert [(m["row"], m["recipient"]) for m in manifest] == [
        ("2", "pm"),
        ("2", "mp:edmonton-strathcona"),
        ("3", "pm"),
    ]
