"""The catalog workflow: extract, update (fuzzy, obsolete), compile, stats; and the translation gate."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from letters import load_campaign, make_letter
from letters.cli import main
from letters.errors import TranslationError
from letters.i18n import MessageRef
from letters.pipeline import Setting
from letters.translation import catalog

from ..conftest import DAY, ROOT, sender

DEMAND = "campaigns/end-ice-contracts/campaign.toml"
CAMPAIGN_PO = "end-ice-contracts/locales/fr/LC_MESSAGES/campaign.po"
OLD_TEXT = (
    "Cancel every federal government contract with a company that holds a contract with ICE or DHS."
)
NEW_TEXT = "Cancel every federal contract with companies that hold contracts with ICE, DHS or CBP."
FRENCH_OLD = (
    "Annuler tout contrat du gouvernement fédéral conclu avec une entreprise liée par contrat à "
    "l’ICE ou au DHS."
)
POT_DATE = re.compile(rb'^"POT-Creation-Date: .*\\n"\n', re.MULTILINE)


@pytest.fixture
def source_copy(tmp_path, locales_copy) -> Path:
    """A copy of everything extraction reads, for tests that edit the English."""
    for name in ("templates", "letters"):
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "_shipped")
        )
    shutil.copy(ROOT / "babel.cfg", tmp_path)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_extract_and_update_on_clean_checkout_change_nothing_but_the_pot_date(locales_copy):
    assert run("i18n", "extract").exit_code == 0
    result = run("i18n", "update")
    assert result.exit_code == 0 and "unchanged" in result.output and "updated" not in result.output
    for name in ("fr/LC_MESSAGES/messages.po", "messages.pot"):  # not even the header moved
        assert (locales_copy / name).read_bytes() == (ROOT / "locales" / name).read_bytes()
    for name in (CAMPAIGN_PO, "end-ice-contracts/locales/campaign.pot"):
        copy = locales_copy.parent / "campaigns" / name
        assert copy.read_bytes() == (ROOT / "campaigns" / name).read_bytes()


def test_a_header_only_difference_is_not_a_change(locales_copy):
    """Another Babel release writes another `Generated-By`: update neither reports nor writes it."""
    po = locales_copy / "fr/LC_MESSAGES/messages.po"
    pot = locales_copy / "messages.pot"
    for path in (po, pot):
        text = path.read_bytes()
        path.write_bytes(re.sub(rb"Generated-By: Babel [^\\]*", b"Generated-By: Babel 0.0.1", text))
    stamped = po.read_bytes(), pot.read_bytes()
    assert run("i18n", "extract").exit_code == 0
    result = run("i18n", "update")
    assert result.exit_code == 0 and "unchanged" in result.output and "updated" not in result.output
    assert (po.read_bytes(), pot.read_bytes()) == stamped


def test_pot_locates_campaign_messages_by_key_path_and_keeps_contexts_and_comments():
    own = (ROOT / "campaigns/end-ice-contracts/locales/campaign.pot").read_text(encoding="utf-8")
    assert "#: campaign.toml:demands.export-permits.text\n" in own
    pot = (ROOT / "locales/messages.pot").read_text(encoding="utf-8")
    assert "campaign.toml" not in pot  # the interface's catalog holds no campaign's words
    assert "#. allow: placeholders, punctuation\n#: letters/compose.py:" in pot
    assert 'msgctxt "salutation, woman MP"\nmsgid "Dear Ms. %(last_name)s:"' in pot


def test_pybabel_extract_with_the_shipped_mapping_gives_the_same_messages(tmp_path):
    pot = tmp_path / "pybabel.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [
            pybabel,
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "mark:1c,2",
            "-k",
            "translatable",
            "-k",
            "tr:2",
            "-c",
            "TRANSLATORS:",
            "--strip-comments",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    theirs = pot.read_text(encoding="utf-8")
    assert "campaign.toml" not in theirs
    with pot.open("rb") as source:
        from_pybabel = read_po(source)
    ours = catalog.extract()
    assert [(m.id, m.context, " ".join(m.auto_comments)) for m in from_pybabel if m.id] == [
        (m.id, m.context, " ".join(m.auto_comments)) for m in ours if m.id
    ]


def edit_campaign(root: Path, old: str, new: str) -> Path:
    path = root / DEMAND
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_changed_english_demand_makes_french_fuzzy_and_the_letter_refuses(
    source_copy, campaign_copy, setting
):
    path = edit_campaign(source_copy, OLD_TEXT, NEW_TEXT)
    result = catalog.update("fr", campaign_copy.extract(), campaign_copy)
    assert result.changed and result.fuzzy == (MessageRef(NEW_TEXT),)
    po = catalog.load_po("fr", campaign_copy)
    message = po.get(NEW_TEXT)
    assert message.fuzzy and message.string == FRENCH_OLD and message.previous_id == [OLD_TEXT]
    assert not catalog.update("fr", campaign_copy.extract(), campaign_copy).changed  # stable
    catalog.compile_catalog("fr", catalogs=campaign_copy)

    edited = Setting(load_campaign(path, setting.directory.portfolio_ids()), setting.directory)
    with pytest.raises(TranslationError) as refused:
        make_letter(edited, sender("fr"), "pm", DAY)
    assert "Cancel every federal contract" in str(refused.value)
    assert "--allow-incomplete" in str(refused.value)

    letter = make_letter(edited, sender("fr"), "pm", DAY, allow_incomplete=True)
    federal = next(d for d in letter.demands if d.id == "federal-contracts")
    assert federal.text == NEW_TEXT  # the English, never the stale French
    assert [m.msgid for m in letter.untranslated] == [NEW_TEXT]
    assert letter.salutation == "Monsieur le Premier Ministre,"


def test_update_keeps_a_vanished_message_as_obsolete_and_revives_it_when_used_again(
    source_copy, campaign_copy
):
    path = source_copy / DEMAND
    text = path.read_text(encoding="utf-8")
    start = text.index("[demands.field-offices]")
    path.write_text(text[:start] + text[text.index("[demands.safe-third-country]") :], "utf-8")
    result = catalog.update("fr", campaign_copy.extract(), campaign_copy)
    assert MessageRef("Close ICE field offices in Canada") in result.obsolete
    text = campaign_copy.po_path("fr").read_text(encoding="utf-8")
    assert (
        '#~ msgid "Close ICE field offices in Canada"\n#~ msgstr "Fermer les bureaux de l’ICE au Canada"'
        in text
    )

    path.write_text((ROOT / DEMAND).read_text(encoding="utf-8"), "utf-8")  # the edit undone
    revived = catalog.update("fr", campaign_copy.extract(), campaign_copy)
    assert revived.obsolete == ()
    message = catalog.load_po("fr", campaign_copy).get("Close ICE field offices in Canada")
    assert message.string == "Fermer les bureaux de l’ICE au Canada" and not message.fuzzy
    po = (ROOT / "campaigns" / CAMPAIGN_PO).read_bytes()
    mine = campaign_copy.po_path("fr").read_bytes()
    assert catalog.messages_part(mine) == catalog.messages_part(po)


def plant_in_po(locales: Path, msgid: str, string: str, context: str | None = None) -> None:
    path = locales / "fr/LC_MESSAGES/messages.po"
    with path.open("rb") as source:
        po = read_po(source, locale="fr")
    po.get(msgid, context).string = string
    with path.open("wb") as out:
        write_po(out, po, width=100)


def test_compile_refuses_a_catalog_with_errors_unless_forced(locales_copy):
    plant_in_po(locales_copy, "Subject: %(subject)s", "Objet\u00a0: %(sujet)s")
    mo = locales_copy / "fr/LC_MESSAGES/messages.mo"
    before = mo.read_bytes()
    refused = run("i18n", "compile", "--locale", "fr")
    assert refused.exit_code == 2
    assert "placeholders" in refused.output and "Subject: %(subject)s" in refused.output
    assert "1 message(s) that would break a letter" in refused.output
    assert "letters i18n check --locale fr" in refused.output
    checked = run("i18n", "check", "--locale", "fr")
    assert "0 of the errors stop" not in checked.output and "of the errors stop" in checked.output
    assert mo.read_bytes() == before

    forced = run("i18n", "compile", "--locale", "fr", "--force")
    assert forced.exit_code == 0, forced.output
    with mo.open("rb") as source:
        compiled = read_mo(source)
    assert compiled.get("Subject: %(subject)s") is None  # left out: letters then refuse it
    assert compiled.get("POSTAGE FREE").string == "EN FRANCHISE POSTALE"


def test_compiled_catalog_leaves_out_fuzzy_messages(campaign_copy):
    path = campaign_copy.po_path("fr")
    with path.open("rb") as source:
        po = read_po(source, locale="fr")
    po.get("Refuse export permits").flags.add("fuzzy")
    with path.open("wb") as out:
        write_po(out, po, width=100)
    catalog.compile_catalog("fr", catalogs=campaign_copy)
    with path.with_suffix(".mo").open("rb") as source:
        assert read_mo(source).get("Refuse export permits") is None


def test_stats_count_per_source(locales_copy, campaign_copy):
    plant_in_po(locales_copy, "Dear Minister:", "", context="salutation, man minister")
    where = ["--interface", "--campaign", str(campaign_copy.root)]
    result = run("i18n", "stats", *where, "--locale", "fr")
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines()[1:]]
    assert [row[0] for row in rows] == ["interface"] * 3 + ["end-ice-contracts"] * 2
    counts = [[int(x) for x in row[-5:-1]] for row in rows]
    # the interface: letter template, code, all; the campaign's own: campaign, all
    sources = [" ".join(row[2:-5]) for row in rows]
    assert sources == ["letter template", "code", "all", "campaign", "all"]
    assert [row[3] for row in counts] == [0, 1, 1, 0, 0]  # the one planted untranslated message
    assert counts[2] == [sum(column) for column in zip(*counts[:2], strict=True)]
    assert counts[3] == counts[4]
    rows = [row[-5:] for row in rows]
    for (total, translated, fuzzy, untranslated), row in zip(counts, rows, strict=True):
        assert total == translated + fuzzy + untranslated
        assert row[4] == f"{100 * translated / total:.1f}%"


def test_campaign_extractor_gives_key_paths_and_translator_comments():
    toml = (
        'id = "x"\ntitle = "A title"\n# An organiser\'s note, not for translators.\n'
        '# TRANSLATORS: "bill" is a bill before Parliament.\n'
        '#   Keep its number.\nsubject = """Support\n   Bill C-1"""\n'
        'context = ["First.", "Second."]\n'
        '[demands.one]\ntitle = "One"\ntext = "Do one thing."\n'
    )
    found = list(catalog.extract_campaign(io.BytesIO(toml.encode()), {}, ["TRANSLATORS:"], {}))
    assert [(f"{line}", message, comments) for line, _, message, comments in found] == [
        ("title", "A title", []),
        (
            "subject",
            "Support Bill C-1",
            ['TRANSLATORS: "bill" is a bill before Parliament.', "Keep its number."],
        ),
        ("context.0", "First.", []),
        ("context.1", "Second.", []),
        ("demands.one.title", "One", []),
        ("demands.one.text", "Do one thing.", []),
    ]


def test_campaign_extractor_gives_plurals_and_a_context_per_role_and_office():
    toml = (
        'id = "x"\ndemands_intro = { one = "Take this step:", other = "Take these steps:" }\n'
        'context = [{ text = "By {pm}.", to_holder = "By you." }]\n'
        '[roles.mp]\nclosing_request = { one = "Press for it.", other = "Press for them." }\n'
        '[demands.one]\ntitle = "One"\ntext = "Do it."\n'
        '[demands.one.roles.mp]\ntext = "Ask them to do it."\n'
    )
    found = list(catalog.extract_campaign(io.BytesIO(toml.encode()), {}, ["TRANSLATORS:"], {}))
    assert [(f"{line}", keyword, message) for line, keyword, message, _ in found] == [
        ("demands_intro", "ngettext", ("Take this step:", "Take these steps:")),
        ("context.0", None, "By {pm}."),
        (
            "context.0.to_holder",
            "pgettext",
            ("campaign text, paragraph said to the holder of pm (second person)", "By you."),
        ),
        (
            "roles.mp.closing_request",
            "npgettext",
            ("campaign text, letter to an MP", "Press for it.", "Press for them."),
        ),
        ("demands.one.title", None, "One"),
        ("demands.one.text", None, "Do it."),
        (
            "demands.one.roles.mp.text",
            "pgettext",
            ("campaign text, letter to an MP", "Ask them to do it."),
        ),
    ]


def test_the_shipped_pot_has_each_roles_text_as_its_own_plural_message():
    template = catalog.campaign_catalogs("end-ice-contracts").extract()
    mp = template.get(
        "I ask you to press the government, in the House, in committee and with the "
        "ministers concerned, to take the following step without delay:",
        "campaign text, letter to an MP",
    )
    assert mp is not None and mp.pluralizable
    assert template.get(mp.id, "campaign text, letter to the Prime Minister") is None


def test_a_long_old_english_survives_updates_without_stray_comments(campaign_copy):
    """Babel re-wraps a long `#| msgid` at spaces inside its quotes; read back naively, the pieces
    became translator comments (`# company`, `# "`) that stayed in the catalog for good."""
    french = catalog.load_po("fr", campaign_copy)
    message = french.get("Refuse export permits")
    old = " ".join(["A long English text that Babel wraps inside its quoted pieces."] * 4)
    message.flags.add("fuzzy")
    message.previous_id = [old]
    for _ in range(3):
        campaign_copy.po_path("fr").write_bytes(catalog._po_bytes(french, include_previous=True))
        french = catalog.load_po("fr", campaign_copy)
    message = french.get("Refuse export permits")
    assert message.previous_id == [old]
    assert all(
        not comment.strip() or comment.startswith("allow:")
        for m in french
        for comment in m.user_comments
    )


def test_update_names_a_fuzzy_one_several_message_by_its_msgid_not_a_tuple(campaign_copy):
    path = campaign_copy.po_path("fr")
    text = path.read_text(encoding="utf-8")
    new = "I ask you to take the following step without delay:"
    old = "I ask you to take the next step without delay:"
    assert f'msgid "{new}"' in text
    path.write_text(text.replace(f'msgid "{new}"', f'msgid "{old}"', 1), encoding="utf-8")
    result = run("i18n", "update", "--campaign", str(campaign_copy.root), "--locale", "fr")
    assert result.exit_code == 0, result.output
    assert f"  now fuzzy (the English changed): '{new}'" in result.output
    assert "('" not in result.output
