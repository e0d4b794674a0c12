"""Both shipped campaigns go through `write`, `batch` and `serve`: the second one (pharmacare)
writes to a minister its own directory.toml adds and keeps one demand for MPs only."""

from __future__ import annotations

import csv
import re

import pytest
from click.testing import CliRunner

from letters.campaign import campaign_ids
from letters.cli import main
from letters.pipeline import Setting
from letters.web import create_app

from .conftest import ROOT, pdf_text

SENDER = [
    "--name", "Jeanne Tremblay", "--street", "123, rue Principale", "--city", "Gatineau",
    "--province", "QC", "--postal-code", "J8X 1A1", "--riding", "Hull—Aylmer",
    "--date", "2026-02-01",
]  # fmt: skip
# (campaign, a minister it writes to, a demand that minister receives, its French title)
CAMPAIGNS = [
    (
        "end-ice-contracts",
        "foreign-affairs",
        "export-permits",
        "Refuser les licences d’exportation",
    ),
    (
        "pharmacare",
        "health",
        "essential-medicines",
        "Des médicaments essentiels pour tout le monde",
    ),
]


def test_two_campaigns_are_shipped_each_with_its_own_french():
    assert {"end-ice-contracts", "pharmacare"} <= set(campaign_ids())
    for campaign_id, *_ in CAMPAIGNS:
        locales = ROOT / "campaigns" / campaign_id / "locales" / "fr" / "LC_MESSAGES"
        assert (locales / "campaign.po").is_file() and (locales / "campaign.mo").is_file()


def test_pharmacares_minister_comes_from_its_own_directory():
    setting = Setting.load("pharmacare")
    health = setting.directory.find("minister:health")
    assert (health.full_name, health.gender) == ("Marjorie Michel", "f")
    assert "health" not in Setting.load("end-ice-contracts").directory.portfolio_ids()
    assert setting.campaign.demand("committee-study").recipients == ("mp",)


@pytest.mark.parametrize(("campaign", "portfolio", "demand", "french_title"), CAMPAIGNS)
def test_write_to_the_minister_in_french(tmp_path, campaign, portfolio, demand, french_title):
    out = tmp_path / "letter.pdf"
    result = CliRunner().invoke(
        main,
        ["write", "--campaign", campaign, "--to", f"minister:{portfolio}", "--lang", "fr",
         *SENDER, "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert french_title in text and "Veuillez agréer, Madame la Ministre" in text


def test_pharmacares_demand_for_mps_reaches_mps_only(tmp_path):
    def letter(to: str) -> str:
        result = CliRunner().invoke(
            main,
            ["write", "--campaign", "pharmacare", "--to", to, "--lang", "fr", *SENDER,
             "--format", "text"],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        return result.output

    mp, pm = letter("mp:Hull—Aylmer"), letter("pm")
    assert "Une étude du Comité permanent de la santé" in mp
    assert "Comité permanent" not in pm
    assert "C’est maintenant la ministre de la Santé qui doit poursuivre ce travail." in pm
    minister = letter("minister:health")
    assert "C’est maintenant à vous qu’il revient de poursuivre ce travail." in minister
    refused = CliRunner().invoke(
        main,
        ["write", "--campaign", "pharmacare", "--to", "pm", "--lang", "en", *SENDER,
         "--demand", "committee-study", "--format", "text"],
    )  # fmt: skip
    assert refused.exit_code == 2
    assert "none of the chosen demands concerns pm" in refused.output
    assert "choose one of: every-province, essential-medicines" in refused.output


@pytest.mark.parametrize(("campaign", "portfolio", "demand", "french_title"), CAMPAIGNS)
def test_batch_writes_each_campaigns_letters(tmp_path, campaign, portfolio, demand, french_title):
    out = tmp_path / "out"
    args = ["batch", "--campaign", campaign, "--input", str(ROOT / "examples/supporters.csv")]
    args += ["--to", "pm", "--to", "mp", "--to", f"minister:{portfolio}", "--date", "2026-02-01"]
    result = CliRunner().invoke(main, [*args, "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    manifest = list(csv.DictReader((out / "manifest.csv").read_text("utf-8-sig").splitlines()))
    written = {row["file"] for row in manifest}
    assert any(f"minister-{portfolio}-fr" in name for name in written)
    french = next(out / name for name in sorted(written) if f"minister-{portfolio}-fr" in name)
    assert french_title in pdf_text(french.read_bytes())
    if campaign == "pharmacare":
        mp = next(out / n for n in sorted(written) if "-mp-" in n and n.endswith("-fr.pdf"))
        pm = next(out / n for n in sorted(written) if "-pm-fr" in n)
        assert "Comité permanent de la santé" in pdf_text(mp.read_bytes())
        assert "Comité permanent de la santé" not in pdf_text(pm.read_bytes())


@pytest.mark.parametrize(("campaign", "portfolio", "demand", "french_title"), CAMPAIGNS)
def test_serve_offers_each_campaign_in_french_and_writes_its_letter(
    campaign, portfolio, demand, french_title
):
    app = create_app(campaign, pdfs_per_minute=0, processes=1)
    try:
        client = app.test_client()
        html = client.get("/fr/").get_data(as_text=True)
        setting = app.extensions["letters"].setting
        title = setting.language("fr").gettext(setting.campaign.title)
        assert title != setting.campaign.title and f"<h1>{title}</h1>" in html
        # The letter form (and its token) is on the letter step: the MP found.
        step = client.get("/fr/?postal_code=J8X+1A1&riding=Hull%E2%80%94Aylmer")
        step = step.get_data(as_text=True)
        assert f'name="to" value="minister:{portfolio}"' in step  # the minister is offered
        token = re.search(r'name="csrf_token" value="([^"]+)"', step)[1]
        data = {
            "name": "Jeanne Tremblay",
            "street1": "123, rue Principale",
            "city": "Gatineau",
            "province": "QC",
            "postal_code": "J8X 1A1",
            "riding": "Hull—Aylmer",
            "to": f"minister:{portfolio}",
            "signature_mode": "typed",
            "demands_shown": "1",
            "demand": [demand],
            "letter_lang": "fr",
            "csrf_token": token,
            "action": "download",
        }
        response = client.post("/fr/", data=data, content_type="multipart/form-data")
        assert response.mimetype == "application/pdf", response.get_data(as_text=True)[:2000]
        assert french_title in pdf_text(response.data)
    finally:
        app.extensions["letters"].workers.close()


@pytest.mark.parametrize("campaign", [c for c, *_ in CAMPAIGNS])
def test_each_shipped_campaign_passes_check_strict_complete_in_both_languages(campaign):
    result = CliRunner().invoke(main, ["campaign", "check", campaign, "--strict"])
    assert result.exit_code == 0, result.output
    assert "fr: complete, ready" in result.output
    assert "letters can be written in: en, fr" in result.output
