"""A campaign is a folder an organiser keeps outside the package: found by path, by
LETTERS_CAMPAIGNS or as the current folder; with its own ministers, its own French, and strict
validation that names a typo's nearest key."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from letters.campaign import load_campaign
from letters.cli import main
from letters.errors import CampaignError, DirectoryError
from letters.pipeline import Setting
from letters.translation import catalog

from .conftest import ROOT

CAMPAIGN = """\
id = "{id}"
title = "Keep the lights on"
subject = "Keeping rural libraries open"
opening = "I am writing about the rural libraries of my region."
context = [
  {{ text = "The program was announced by {{minister:health}}.", to_holder = "You announced the program." }},
]
demands_intro = {{ one = "I ask you to take this step:", other = "I ask you to take these steps:" }}
closing_request = "I would welcome your reply."

[demands.fund]
title = "Fund the libraries"
text = "Fund every rural library for five years."
ministers = ["health"]

[demands.motion]
title = "Vote for the motion"
text = "Vote for the motion on rural libraries."
recipients = ["mp"]
"""
DIRECTORY = """\
as_of = 2026-11-25

[[recipients]]
role = "minister"
portfolio = "health"
title_en = "Minister of Health"
title_fr = "ministre de la Santé"
first_name = "Marjorie"
last_name = "Michel"
gender = "f"
riding = "Papineau"
"""
FRENCH = {
    "Keep the lights on": "Garder les lumières allumées",
    "Keeping rural libraries open": "Garder ouvertes les bibliothèques rurales",
    "I am writing about the rural libraries of my region.": (
        "Je vous écris au sujet des bibliothèques rurales de ma région."
    ),
    "The program was announced by {minister:health}.": (
        "Le programme a été annoncé par {minister:health}."
    ),
    "You announced the program.": "Vous avez annoncé le programme.",
    "I ask you to take this step:": (
        "Je vous demande de prendre cette mesure\u00a0:",
        "Je vous demande de prendre ces mesures\u00a0:",
    ),
    "I would welcome your reply.": "J’aimerais recevoir votre réponse.",
    "Fund the libraries": "Financer les bibliothèques",
    "Fund every rural library for five years.": (
        "Financer chaque bibliothèque rurale pendant cinq ans."
    ),
    "Vote for the motion": "Voter pour la motion",
    "Vote for the motion on rural libraries.": "Voter pour la motion sur les bibliothèques rurales.",
}
SENDER = [
    "--name", "Jeanne Tremblay", "--street", "123, rue Principale", "--city", "Gatineau",
    "--province", "QC", "--postal-code", "J8X 1A1", "--date", "2026-02-01", "--format", "text",
]  # fmt: skip


def make_campaign(folder: Path, campaign_id: str = "libraries", french=None) -> Path:
    """A campaign folder: campaign.toml, directory.toml, and (given `french`) its catalog."""
    folder.mkdir(parents=True)
    (folder / "campaign.toml").write_text(CAMPAIGN.format(id=campaign_id), encoding="utf-8")
    (folder / "directory.toml").write_text(DIRECTORY, encoding="utf-8")
    if french is not None:
        translate(folder, french)
    return folder


def translate(folder: Path, french: dict, compile_mo: bool = True) -> None:
    """As a translator does: extract, init, fill the msgstrs, compile (the campaign's own)."""
    where = ["--campaign", str(folder)]
    for command in (["extract"], ["init", "--locale", "fr"]):
        result = run("i18n", *command, *where)
        assert result.exit_code == 0, result.output
    po_path = folder / "locales/fr/LC_MESSAGES/campaign.po"
    with po_path.open("rb") as source:
        po = read_po(source, locale="fr")
    for message in po:
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            message.string = french[key]
    with po_path.open("wb") as out:
        write_po(out, po, width=100)
    if compile_mo:
        result = run("i18n", "compile", *where)
        assert result.exit_code == 0, result.output


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture(scope="module")
def libraries(tmp_path_factory) -> Path:
    return make_campaign(tmp_path_factory.mktemp("mine") / "libraries", french=FRENCH)


# -- found wherever the organiser keeps it --------------------------------------------------------


def test_campaign_path_writes_a_letter_in_its_own_french(libraries):
    result = run("write", "--campaign", str(libraries), "--to", "pm", "--lang", "fr", *SENDER)
    assert result.exit_code == 0, result.output
    assert "Objet\u00a0: Garder ouvertes les bibliothèques rurales" in result.output
    assert "Monsieur le Premier Ministre," in result.output  # the interface's, from the package
    assert "Financer chaque bibliothèque rurale" in result.output
    assert "motion" not in result.output  # a demand for MPs only


def test_letters_campaigns_search_path_finds_it_by_id(libraries):
    env = {"LETTERS_CAMPAIGNS": str(libraries.parent)}
    listed = run("campaigns", env=env)
    assert listed.exit_code == 0, listed.output
    assert "libraries: Keep the lights on" in listed.output
    assert "languages: en, fr" in listed.output
    assert "fund                 Fund the libraries  [pm, mp, minister:health]" in listed.output
    assert "motion               Vote for the motion  [mp]" in listed.output
    assert "end-ice-contracts:" in listed.output  # the shipped campaigns are still there
    result = run("write", "--campaign", "libraries", "--to", "mp:Gatineau", "--lang", "en",
                 *SENDER, env=env)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Vote for the motion on rural libraries." in result.output


def test_the_current_folder_is_the_campaign_when_none_is_named(libraries, monkeypatch):
    monkeypatch.chdir(libraries)
    result = run("write", "--to", "minister:health", "--lang", "fr", *SENDER)
    assert result.exit_code == 0, result.output
    assert "Madame la Ministre," in result.output
    assert "Vous avez annoncé le programme." in result.output  # to the holder, in French
    assert "bibliothèque rurale pendant cinq ans" in result.output


def test_an_unknown_campaign_names_the_search_path():
    result = run("write", "--campaign", "no-such-campaign", "--to", "pm", "--lang", "en", *SENDER)
    assert result.exit_code == 2
    assert "unknown campaign 'no-such-campaign'" in result.output
    assert "LETTERS_CAMPAIGNS" in result.output and "end-ice-contracts" in result.output


# -- its own ministers, its own catalog -----------------------------------------------------------


def test_the_campaigns_directory_adds_a_minister(libraries):
    listed = run("recipients", "--role", "minister", "--campaign", str(libraries))
    assert "minister:health" in listed.output and "Marjorie Michel" in listed.output
    assert "minister:health" not in run("recipients", "--role", "minister").output
    setting = Setting.load(libraries)
    letter_to = setting.directory.find("minister:health")
    assert letter_to.portfolio.title_fr == "ministre de la Santé" and letter_to.gender == "f"


def test_the_other_campaigns_office_is_named_in_running_text(libraries):
    result = run("write", "--campaign", str(libraries), "--to", "pm", "--lang", "fr", *SENDER)
    assert "Le programme a été annoncé par la ministre de la Santé." in result.output


def test_two_campaigns_never_share_a_translation(tmp_path, libraries):
    """The same English in two campaigns: each letter prints its own campaign's French."""
    other = {**FRENCH, "Fund the libraries": "Financer nos bibliothèques"}
    second = make_campaign(tmp_path / "second", "second", french=other)
    for folder, title in ((libraries, "Financer les bibliothèques"), (second, "Financer nos")):
        result = run("write", "--campaign", str(folder), "--to", "pm", "--lang", "fr", *SENDER)
        assert result.exit_code == 0, result.output
        assert title in result.output
    pot = (ROOT / "locales/messages.pot").read_text(encoding="utf-8")
    assert "Fund the libraries" not in pot and "campaign.toml" not in pot


def test_an_untranslated_campaign_refuses_french_naming_its_messages(tmp_path):
    folder = make_campaign(tmp_path / "new")
    result = run("write", "--campaign", str(folder), "--to", "pm", "--lang", "fr", *SENDER)
    assert result.exit_code == 2
    assert "not translated into 'fr'" in result.output and "'Keeping rural" in result.output
    assert "campaign.po" in result.output


def test_update_reports_a_changed_plural_as_readable_text(tmp_path):
    folder = make_campaign(tmp_path / "edited", french=FRENCH)
    path = folder / "campaign.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("take this step:", "take this one step:"), encoding="utf-8")
    assert run("i18n", "extract", "--campaign", str(folder)).exit_code == 0
    result = run("i18n", "update", "--campaign", str(folder))
    assert result.exit_code == 0, result.output
    assert "now fuzzy (the English changed): 'I ask you to take this one step:'" in result.output
    assert "('" not in result.output  # never a Python tuple
    po = catalog.load_po("fr", catalog.campaign_catalogs(folder))
    assert po.get(("I ask you to take this one step:", "I ask you to take these steps:")).fuzzy


# -- strict validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field", "nearest"),
    [
        ('closing_request = "', 'closing_requests = "', "closing_requests", "closing_request"),
        ('ministers = ["health"]', 'minister = ["health"]', "demands.fund.minister", "ministers"),
        ('ministers = ["health"]', 'ministers = ["helth"]', "demands.fund.ministers", "health"),
        ('recipients = ["mp"]', 'recipients = ["mps"]', "demands.motion.recipients", "mp"),
        ("[demands.motion]", "[demands.motion.role.mp]\ntext = 'x'\n[demands.motion]", "", ""),
    ],
)
def test_a_typo_is_an_error_naming_the_key_and_the_nearest_known_one(
    tmp_path, old, new, field, nearest
):
    folder = make_campaign(tmp_path / "typo")
    path = folder / "campaign.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CampaignError) as error:
        Setting.load(folder)
    if field:
        assert error.value.field == field
        assert f"did you mean {nearest!r}?" in error.value.fix
    else:
        assert "did you mean 'roles'?" in error.value.fix


def test_opening_variant_misspelt_is_an_error_not_a_silent_drop(tmp_path):
    folder = make_campaign(tmp_path / "variants")
    path = folder / "campaign.toml"
    text = path.read_text(encoding="utf-8").replace(
        "context = [", 'opening_variant = ["I write about our libraries."]\ncontext = [', 1
    )
    path.write_text(text, encoding="utf-8")
    result = run("write", "--campaign", str(folder), "--to", "pm", "--lang", "en", *SENDER)
    assert result.exit_code == 2
    assert "unknown key 'opening_variant'" in result.output
    assert "did you mean 'opening_variants'?" in result.output


def test_a_typo_in_the_campaigns_directory_names_the_nearest_key(tmp_path):
    folder = make_campaign(tmp_path / "typo")
    (folder / "directory.toml").write_text(DIRECTORY.replace("title_fr", "titel_fr"))
    with pytest.raises(DirectoryError) as error:
        Setting.load(folder)
    assert error.value.field == "recipients.1.titel_fr"
    assert "did you mean 'title_fr'?" in error.value.fix


def test_a_campaign_without_its_minister_names_the_fix(tmp_path):
    folder = make_campaign(tmp_path / "nominister")
    (folder / "directory.toml").unlink()
    with pytest.raises(CampaignError) as error:
        Setting.load(folder)
    assert "unknown portfolio 'health'" in str(error.value)
    assert "directory.toml" in error.value.fix


def test_the_shipped_campaigns_load_by_path_as_by_id():
    by_id = load_campaign("end-ice-contracts")
    assert load_campaign(ROOT / "campaigns/end-ice-contracts") == by_id
    assert by_id.locales == ROOT / "campaigns/end-ice-contracts/locales"


# -- which campaign when none is named; a broken one among others ---------------------------------


def test_with_none_named_the_organisers_only_campaign_is_used(libraries, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not a campaign folder
    env = {"LETTERS_CAMPAIGNS": str(libraries.parent)}
    result = run("write", "--to", "pm", "--lang", "en", *SENDER, env=env)
    assert result.exit_code == 0, result.output
    assert "Keeping rural libraries open" in result.output
    make_campaign(tmp_path / "mine" / "second", "second")
    both = {"LETTERS_CAMPAIGNS": f"{libraries.parent}:{tmp_path / 'mine'}"}
    refused = run("write", "--to", "pm", "--lang", "en", *SENDER, env=both)
    assert refused.exit_code == 2 and "pass --campaign" in refused.output
    assert "libraries" in refused.output and "second" in refused.output


def test_with_none_of_the_organisers_own_the_projects_first_campaign_is_used(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("write", "--to", "pm", "--lang", "en", *SENDER)
    assert result.exit_code == 0, result.output
    assert "Immigration and Customs Enforcement" in result.output


def test_a_broken_campaign_is_named_and_the_others_still_listed(tmp_path):
    folder = make_campaign(tmp_path / "campaigns" / "broken", "broken")
    (folder / "campaign.toml").write_text('id = "broken"\ntitel = "x"\n', encoding="utf-8")
    result = run("campaigns", env={"LETTERS_CAMPAIGNS": str(tmp_path / "campaigns")})
    assert result.exit_code == 2
    assert "broken: cannot be used: titel: campaign.toml: unknown key 'titel'" in result.output
    assert "did you mean 'title'?" in result.output
    assert "pharmacare: Universal pharmacare" in result.output


def test_a_new_campaigns_message_is_never_matched_to_anothers_french(tmp_path):
    """Babel fuzzy-matches a new message to a close old one: only within the same campaign."""
    shipped = load_campaign("end-ice-contracts")
    folder = make_campaign(tmp_path / "similar", "similar")
    path = folder / "campaign.toml"
    text = path.read_text(encoding="utf-8")
    close = shipped.demand("field-offices").title.replace("ICE", "CBP")  # one word apart
    path.write_text(text.replace("Fund the libraries", close), encoding="utf-8")
    for command in (["extract"], ["init", "--locale", "fr"], ["update"]):
        assert run("i18n", *command, "--campaign", str(folder)).exit_code == 0
    po = catalog.load_po("fr", catalog.campaign_catalogs(folder))
    message = po.get(close)
    assert message is not None and message.string == "" and not message.fuzzy
    assert {catalog.status(m) for m in po if m.id} == {"untranslated"}


def test_the_web_page_offers_only_the_languages_the_campaign_is_translated_into(tmp_path):
    import re

    from letters.web import create_app

    from .conftest import pdf_text

    app = create_app(str(make_campaign(tmp_path / "english-only")), pdfs_per_minute=0, processes=1)
    try:
        client = app.test_client()
        # The page itself is in French; the letter form is on the letter step (the MP found).
        step = "/fr/?postal_code=J8X+1A1&riding=Hull%E2%80%94Aylmer"
        html = client.get(step).get_data(as_text=True)
        data = {
            "name": "Jeanne Tremblay", "street1": "123, rue Principale", "city": "Gatineau",
            "province": "QC", "postal_code": "J8X 1A1", "riding": "Hull—Aylmer", "to": "pm",
            "signature_mode": "typed", "demands_shown": "1", "demand": ["fund"],
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html)[1],
        }  # fmt: skip
        shown = client.post("/fr/", data={**data, "action": "preview"}, follow_redirects=True)
        assert shown.status_code == 200 and "Dear Prime Minister:" in shown.text
        select = re.search(r'<select[^>]*name="letter_lang".*?</select>', shown.text, re.S)[0]
        assert 'value="en"' in select and 'value="fr"' not in select
        pdf = client.post("/fr/", data={**data, "action": "download"})
        assert pdf.mimetype == "application/pdf"
        assert "Dear Prime Minister:" in pdf_text(pdf.data)  # in English, not refused
    finally:
        app.extensions["letters"].workers.close()
