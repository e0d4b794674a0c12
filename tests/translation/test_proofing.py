"""`letters i18n proof`: planted defects in real copies of our catalog and campaign are caught;
our own texts, catalogs and composed letters have none; what cannot be checked is said.

Needs Debian's grammalecte-cli and Hunspell en_CA / fr_CA through Enchant (`make proof-deps`,
part of `make test`); without them these tests skip, saying why.
"""

from __future__ import annotations

import json
import shutil

import pytest
from babel.messages.pofile import write_po
from click.testing import CliRunner

from letters.cli import main
from letters.errors import TranslationError
from letters.translation import catalog, proofing
from letters.translation.proofing import Text, load_settings, proofread
from letters.translation.review import build_review

from ..conftest import DAY, ROOT

needs_tools = pytest.mark.skipif(
    shutil.which(proofing.GRAMMALECTE) is None
    or proofing._dictionary("en_CA") is None
    or proofing._dictionary("fr_CA") is None,
    reason="proofreading tools missing: make proof-deps (Debian grammalecte-cli, hunspell-en-ca, "
    "hunspell-fr-comprehensive, libenchant-2-2)",
)
pytestmark = needs_tools

# The default lead-in of the demands (ministers' letters), a plural message: one step, several.
INTRO = "I ask you to take the following step without delay:"
INTRO_FR = (
    "Je vous demande de prendre sans tarder la mesure suivante\u00a0:",
    "Je vous demande de prendre sans tarder les mesures suivantes\u00a0:",
)
MISSPELT = (INTRO_FR[0], "Je vous demande de prendre sans tarder les meusures suivantes\u00a0:")
SALUTATION_F = ("Dear Minister:", "salutation, woman minister")
C233_TITLE = "Support Bill C-233"


def rules(findings) -> set[str]:
    return {f.rule for f in findings}


@pytest.fixture(scope="module")
def project_proof():
    """The full proof `make test` runs: catalogs and every composed letter."""
    return proofread(proofing.project_texts())


@pytest.fixture
def locales_copy(tmp_path, monkeypatch):
    """A copy of locales/ and of the shipped campaigns that a test may break; LETTERS_LOCALES
    and LETTERS_CAMPAIGNS point the project at them."""
    copy = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", copy)
    monkeypatch.setenv("LETTERS_LOCALES", str(copy))
    shutil.copytree(ROOT / "campaigns", tmp_path / "campaigns")
    monkeypatch.setenv("LETTERS_CAMPAIGNS", str(tmp_path / "campaigns"))
    monkeypatch.setattr(catalog, "campaigns_dir", lambda: tmp_path / "campaigns")
    return copy


def plant(locales_copy, msgid: str, french: str | tuple, context: str | None = None) -> None:
    """Replace one French msgstr in the copied catalog that holds it (the interface's or the
    campaign's own), and compile it."""
    for catalogs in catalog.shipped_catalogs():
        po = catalog.load_po("fr", catalogs)
        if po.get(msgid, context) is None:
            continue
        po.get(msgid, context).string = french
        with catalogs.po_path("fr").open("wb") as out:
            write_po(out, po, width=catalog.WIDTH)
        catalog.compile_catalog("fr", catalogs=catalogs)
        return
    raise AssertionError(f"{msgid!r} is in no catalog")


def proof_cli(*args: str):
    return CliRunner().invoke(main, ["i18n", "proof", *args])


# -- our own texts --------------------------------------------------------------------------------


def test_our_catalogs_and_composed_letters_have_no_findings(project_proof):
    assert [f.line() for f in project_proof.findings] == []
    assert project_proof.unchecked == [
        "en: grammar not checked: no grammar checker for this language"
    ]


def test_composed_letters_cover_every_recipient_kind_demand_count_and_note():
    texts = proofing.letter_texts("end-ice-contracts", ["en", "fr"])
    kinds = {t.locations[0].split(":")[0] for t in texts}
    for lang in ("en", "fr"):
        for kind in ("pm-woman", "pm-man", "mp-woman", "mp-man", "mp-unknown"):
            for demands in ("one-demand", "all-demands"):
                for note in ("no-note", "with-note"):
                    assert f"{lang}/{kind}/{demands}/{note}" in kinds
        assert f"{lang}/minister-foreign-affairs/one-demand/no-note" in kinds
        assert f"{lang}/minister-procurement/all-demands/with-note" in kinds
        assert f"{lang}/minister-public-safety/one-demand/with-note" in kinds
        assert f"{lang}/minister-public-safety/all-demands/with-note" not in kinds  # it has one
    salutations = {t.text for t in texts if t.locations[0].endswith(":salutation")}
    assert {"Madame la Première Ministre,", "Monsieur le Député,"} <= salutations
    assert "Bonjour," in salutations  # gender unknown (fr-CA.md)
    # The sender's note is never read: its (deliberately) unknown word is in no text.
    assert not any("Xqzvtr" in t.text for t in texts)


# -- planted defects ------------------------------------------------------------------------------


def test_agreement_error_in_a_translation_is_caught(locales_copy):
    wrong = "Je vous demande de prendre sans tarder les mesure suivante\u00a0:"
    plant(locales_copy, INTRO, (wrong, INTRO_FR[1]))
    result = proof_cli("--format", "json")
    assert result.exit_code == 1
    found = [f for f in json.loads(result.stdout) if f["msgid"] == INTRO]
    assert any(f["rule"] == "fr-CA:accord-mesures" for f in found)
    finding = found[0]
    assert finding["catalog"].endswith("end-ice-contracts/locales/fr/LC_MESSAGES/campaign.po")
    assert "campaign.toml:demands_intro" in finding["locations"]
    assert finding["severity"] == "error" and finding["suggestions"]
    # …and in every composed French letter that carries one demand.
    letters = [f for f in json.loads(result.stdout) if f["catalog"] == "letter end-ice-contracts"]
    kind = "fr/minister-immigration/one-demand/no-note:demands_intro"
    assert any(kind in f["locations"] for f in letters)


def test_grammalecte_catches_agreement_grammalecte_can_read():
    text = Text("fr", "Ces entreprise travaillent pour l’ICE.", "t", "m")
    [finding] = proofread([text]).findings
    assert finding.check == "grammar" and finding.rule.startswith("g3__gn_ces")
    assert finding.suggestions == ("entreprises",)


def test_madame_le_ministre_in_a_translation_is_caught(locales_copy):
    plant(locales_copy, SALUTATION_F[0], "Madame le Ministre,", SALUTATION_F[1])
    result = proof_cli("--no-letters")
    assert result.exit_code == 1
    assert "[usage fr-CA:appel-feminin] 'Dear Minister:' (salutation, woman minister)" in (
        result.stdout
    )
    assert "suggested: Madame la …" in result.stdout


def test_conjugation_error_is_caught(locales_copy):
    plant(locales_copy, C233_TITLE, "Les députés appuie le projet de loi C-233")
    result = proof_cli("--no-letters", "--format", "json")
    found = [f for f in json.loads(result.stdout) if f["msgid"] == C233_TITLE]
    assert [(f["check"], f["suggestions"]) for f in found] == [("grammar", ["appuient"])]
    assert "Conjugaison" in found[0]["detail"]


def test_misspelt_french_word_is_caught(locales_copy):
    plant(locales_copy, INTRO, MISSPELT)
    result = proof_cli("--no-letters", "--format", "json")
    found = [f for f in json.loads(result.stdout) if f["msgid"] == INTRO]
    assert [(f["check"], f["rule"]) for f in found] == [("spelling", "hunspell:fr_CA")]
    assert "mesures" in found[0]["suggestions"]


@pytest.mark.parametrize(
    ("american", "canadian"), [("center", "centre"), ("honor", "honour"), ("defense", "defence")]
)
def test_american_spelling_in_campaign_text_is_caught(tmp_path, american, canadian):
    campaign = (ROOT / "campaigns/end-ice-contracts/campaign.toml").read_text(encoding="utf-8")
    text = "Cancel every federal government contract with a company"
    planted = f"Cancel every federal {american} contract with a company"
    root = tmp_path / "end-ice-contracts"
    root.mkdir()
    (root / "campaign.toml").write_text(campaign.replace(text, planted), encoding="utf-8")
    template = catalog.campaign_catalogs(root).extract()
    findings = proofread(proofing.source_texts(template)).findings
    [finding] = [f for f in findings if american in f.detail]
    assert finding.locations == ("campaign.toml:demands.federal-contracts.text",)
    assert finding.rule == "hunspell:en_CA" and canadian in finding.suggestions


# -- masking, notes, settings ---------------------------------------------------------------------


def test_placeholders_markup_and_code_cause_no_findings():
    texts = [
        Text("en", "Run `letters i18n compile` with --allow-incomplete on messages.po", "t", "a"),
        Text("en", 'Page <span class="page"></span> of <span class="pages"></span>', "t", "b"),
        Text("fr", "Partie %(part)s de %(parts)s, signée par %(signer)s le %(date)s", "t", "c"),
        Text("fr", "%(count)s caractères sur %(limit)s", "t", "d"),
        Text("fr", 'Page <span class="page"></span> de <span class="pages"></span>', "t", "e"),
        Text("en", "Dear {first_name} {last_name}: %s %d", "t", "f"),
    ]
    assert proofread(texts).findings == []


def test_personal_note_words_are_not_checked(setting):
    from letters.pipeline import letter_for
    from letters.senders import make_sender

    sender = make_sender(
        name="Jeanne Tremblay", street=["1 rue X"], city="Gatineau", province="QC",
        postal_code="J8X 1A1", lang="fr", note="Une erreure, des mesure suivante.",
    )  # fmt: skip
    letter = letter_for(setting, sender, setting.directory.find("pm"), DAY)
    segments = dict(proofing.letter_segments(letter))
    assert "erreure" not in " ".join(segments.values())
    assert letter.note_paragraphs == ("Une erreure, des mesure suivante.",)


def test_every_setting_gives_its_reason():
    settings = load_settings()
    assert settings.rules_off and all(len(why) > 40 for why in settings.rules_off.values())
    for words in settings.words.values():
        assert all(len(why) > 15 for why in words.values())
    assert {rule.id for rule in settings.usage} >= {"fr-CA:appel-feminin", "fr-CA:accord-mesures"}


def test_a_word_added_to_the_list_is_accepted(tmp_path):
    text = Text("en", "Roshel and Zqvbrand sell vehicles.", "t", "a")
    assert [f.detail for f in proofread([text]).findings] == ["unknown word 'Zqvbrand'"]
    custom = (proofing.package_data("proofing.toml").read_text(encoding="utf-8")).replace(
        "[words.en]\n", '[words.en]\nZqvbrand = "a test company"\n'
    )
    path = tmp_path / "proofing.toml"
    path.write_text(custom, encoding="utf-8")
    assert proofread([text], load_settings(path)).findings == []


# -- a language without a grammar checker; the CLI; the review ------------------------------------


def test_a_language_without_a_dictionary_is_an_error_unless_skipped():
    text = Text("xx", "Hola, ¿qué tal?", "t", "a")
    with pytest.raises(proofing.ToolMissing) as stopped:
        proofread([text])
    assert str(stopped.value) == (
        "proofing: cannot proofread: spelling (xx): no Hunspell dictionary 'xx_CA' through"
        " Enchant; fix: apt-get install hunspell-xx (on Debian, `make proof-deps` installs them"
        " all); or pass --skip-unavailable to proofread only what this machine can"
    )
    proof = proofread([text], skip_unavailable=True)
    assert proof.findings == []
    assert proof.unchecked == [
        "xx: spelling not checked: no Hunspell dictionary 'xx_CA' through Enchant"
        " (apt-get install hunspell-xx)",
        # No grammar checker exists for it: nothing to install, so a note, never an error.
        "xx: grammar not checked: no grammar checker for this language",
    ]


def test_check_proof_adds_proofreading_to_the_checks(locales_copy):
    plant(locales_copy, INTRO, MISSPELT)
    result = CliRunner().invoke(main, ["i18n", "check", "--strict", "--proof", "--locale", "fr"])
    assert result.exit_code == 1
    assert "[spelling hunspell:fr_CA]" in result.stdout
    assert "not checked: en: grammar not checked" in result.stderr


def test_review_shows_proofreading_beside_the_message(locales_copy):
    plant(locales_copy, INTRO, MISSPELT)
    review = build_review("end-ice-contracts", "fr", DAY)
    [row] = [
        r for rows in review.groups.values() for r in rows if INTRO in (r.source.id, r.source.id[0])
    ]
    assert [(f.check, f.rule) for f in row.findings] == [("spelling", "hunspell:fr_CA")]
    assert not row.english_findings
    assert any(f.check == "spelling" for p in review.pairs for f in p.findings)


def test_a_broken_settings_file_is_one_line_naming_the_file(tmp_path):
    path = tmp_path / "proofing.toml"
    path.write_text('[languages.fr]\ndictionary = "fr_CA"\n[[usage]]\nid = "x"\n', encoding="utf-8")
    with pytest.raises(TranslationError, match=r"cannot read proofing.toml: 'lang'"):
        load_settings(path)


def test_a_rule_for_one_demand_letters_reads_only_those(tmp_path):
    custom = proofing.package_data("proofing.toml").read_text(encoding="utf-8") + (
        '\n[[usage]]\nid = "test:count"\nlang = "en"\nletters = "one-demand"\n'
        'pattern = "\\\\bThese measures\\\\b"\nmessage = "one demand: this measure"\n'
    )
    path = tmp_path / "proofing.toml"
    path.write_text(custom, encoding="utf-8")
    texts = [
        Text("en", "These measures are urgent.", "letter c", "m", None, locations)
        for locations in [("en/pm-man/one-demand/no-note:closing_request",),
                          ("en/pm-man/all-demands/no-note:closing_request",)]
    ]  # fmt: skip
    findings = proofread(texts, load_settings(path)).findings
    [finding] = [f for f in findings if f.rule == "test:count"]
    assert finding.locations == ("en/pm-man/one-demand/no-note:closing_request",)
    # the shipped rule for one-demand letters reads the same way: only the one-demand letter
    assert {f.locations for f in findings if f.rule == "count:one-demand-en"} == {
        ("en/pm-man/one-demand/no-note:closing_request",)
    }
