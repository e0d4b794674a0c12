"""`letters campaign new / check / preview`: an organiser's folder from nothing to a reviser's PDF."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from letters.cli import main
from letters.pipeline import Setting

from .conftest import pdf_text
from .test_campaign_folders import FRENCH, make_campaign, translate


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture(scope="module")
def starter(tmp_path_factory) -> Path:
    parent = tmp_path_factory.mktemp("starter")
    result = run("campaign", "new", "pharmacare-now", "--dir", str(parent))
    assert result.exit_code == 0, result.output
    return parent / "pharmacare-now"


@pytest.fixture(scope="module")
def translated(tmp_path_factory) -> Path:
    return make_campaign(tmp_path_factory.mktemp("done") / "libraries", french=FRENCH)


def test_new_writes_a_commented_starter_showing_every_tool(starter):
    text = (starter / "campaign.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    assert raw["id"] == "pharmacare-now"
    assert text.count("\n#") > 20  # commented
    assert "[roles.mp]" in text and "[demands.first-demand.roles.mp]" in text  # per role
    assert isinstance(raw["demands_intro"], dict) and set(raw["closing_request"]) == {
        "one",
        "other",
    }
    assert any(
        "{pm}" in p["text"] and p["to_holder"] for p in raw["context"] if isinstance(p, dict)
    )
    assert raw["opening_variants"] and raw["demands"]["first-demand"]["variants"]
    assert "*Access to Information Act*" in raw["demands"]["first-demand"]["text"]  # italics
    assert raw["demands"]["second-demand"]["recipients"] == ["mp"]
    for name in ("directory.toml", "proofing.toml", "locales/fr/LC_MESSAGES/campaign.po"):
        assert (starter / name).is_file()
    assert Setting.load(starter).campaign.id == "pharmacare-now"


def test_new_never_writes_over_a_folder(starter):
    before = (starter / "campaign.toml").read_bytes()
    result = run("campaign", "new", "pharmacare-now", "--dir", str(starter.parent))
    assert result.exit_code == 2 and "exists already" in result.output
    assert (starter / "campaign.toml").read_bytes() == before


def test_the_starter_passes_check_as_written_and_says_what_is_ready(starter):
    result = run("campaign", "check", str(starter))
    assert result.exit_code == 0, result.output
    assert "campaign.toml is valid" in result.output
    assert "en: the source language, ready" in result.output
    assert "fr: not ready: 0 of 16 messages translated and compiled, 16 to translate" in (
        result.output
    )
    assert "pm (Mark Carney): first-demand\n" in result.output
    assert "mp (each supporter’s own MP): first-demand, second-demand" in result.output
    assert "0 error(s), 0 warning(s); letters can be written in: en" in result.output
    strict = run("campaign", "check", str(starter), "--strict")
    assert strict.exit_code == 1  # French is not complete


def test_check_says_a_translated_campaign_is_ready_in_both_languages(translated):
    result = run("campaign", "check", str(translated), "--strict", "--no-proof")
    assert result.exit_code == 0, result.output
    assert "fr: complete, ready (11 messages)" in result.output
    assert "minister:health (Marjorie Michel, Minister of Health): fund" in result.output
    assert "mp (each supporter’s own MP): fund, motion" in result.output
    assert "letters can be written in: en, fr" in result.output


def test_check_fails_on_a_broken_translation_and_names_it(tmp_path):
    broken = {**FRENCH, "The program was announced by {minister:health}.": "Annoncé."}
    folder = make_campaign(tmp_path / "broken", french=None)
    translate(folder, broken, compile_mo=False)
    refused = run("i18n", "compile", "--campaign", str(folder))
    assert refused.exit_code == 2 and "would break a letter" in refused.output
    result = run("campaign", "check", str(folder), "--no-proof")
    assert result.exit_code == 1
    assert "error [placeholders] 'The program was announced by {minister:health}.'" in (
        result.output
    )
    assert "fr: not ready" in result.output


def test_check_of_a_misspelt_portfolio_is_one_line_naming_the_nearest(starter, tmp_path):
    folder = tmp_path / "typo"
    folder.mkdir()
    text = (starter / "campaign.toml").read_text(encoding="utf-8")
    (folder / "campaign.toml").write_text(
        text.replace('ministers = ["digital-innovation"]', 'ministers = ["digital-inovation"]')
    )
    result = run("campaign", "check", str(folder))
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "unknown portfolio 'digital-inovation'" in result.output
    assert "did you mean 'digital-innovation'?" in result.output


def test_preview_holds_every_recipient_kind_in_each_language(translated, tmp_path):
    out = tmp_path / "preview.pdf"
    result = run("campaign", "preview", str(translated), "-o", str(out), "--date", "2026-02-01")
    assert result.exit_code == 0, result.output
    content = out.read_bytes()
    text = pdf_text(content)
    assert "Preview: Keep the lights on" in text
    for salutation in (
        "Dear Prime Minister:",
        "Dear Minister:",
        "Dear Ms. Gagnon:",
        "Dear Mr. Gagnon:",
        "Dear Dominique Gagnon:",
        "Monsieur le Premier Ministre,",
        "Madame la Ministre,",
        "Madame la Députée,",
        "Monsieur le Député,",
        "Bonjour,",  # fr-CA.md, gender unknown: no name, no title
    ):
        assert salutation in text, salutation
    pdf = pikepdf.open(io.BytesIO(content))
    with pdf.open_outline() as outline:
        contents, *titles = [item.title for item in outline.root]
    assert contents == "Preview: Keep the lights on"
    # per language: PM (1 demand), the minister (1), three MPs × (one demand, both) = 8
    assert len(titles) == 16
    assert "Français: Minister of Health (Marjorie Michel), one demand: fund" in titles
    assert "English: an MP, gender unknown (Dominique Gagnon, " in titles[7]
    assert titles[7].endswith("all 2 demands: fund, motion")
    again = run("campaign", "preview", str(translated), "-o", str(out), "--date", "2026-02-01")
    assert again.exit_code == 0 and out.read_bytes() == content  # deterministic


def test_check_as_json_for_tools(translated):
    import json

    result = run("campaign", "check", str(translated), "--no-proof", "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["campaign"] == "libraries" and found["findings"] == []
    assert [(s["lang"], s["complete"]) for s in found["languages"]] == [("en", True), ("fr", True)]
    assert {"recipient": "mp (each supporter’s own MP)", "demands": ["fund", "motion"]} in (
        found["reach"]
    )
