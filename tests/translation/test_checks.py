"""`letters i18n check`: each check sees a defect planted in a copy of the good French catalog."""

from __future__ import annotations

import json
import shutil

import pytest
from babel.messages.pofile import write_po
from click.testing import CliRunner

from letters.campaign import load_campaign
from letters.cli import main
from letters.translation import catalog, check_catalog, failing

CAMPAIGN = load_campaign("end-ice-contracts")
DEMANDS = {d.id: d for d in CAMPAIGN.demands}
TITLE = "Refuse export permits"
INTRO = CAMPAIGN.demands_intro.one  # a plural message: its forms are checked one by one
SUBJECT = "Subject: %(subject)s"
EMAIL = "By email: %(email)s"
PAGE = 'Page <span class="page"></span>'
STCA = DEMANDS["safe-third-country"].text
C233 = DEMANDS["bill-c-233"].text
PERMITS = DEMANDS["export-permits"].text  # *Export and Import Permits Act* in italics
CONTEXT_2 = CAMPAIGN.context[2]
CONTEXT_1 = CAMPAIGN.context[1]  # names {minister:digital-innovation}
POSTAGE = "Mail to a Member of Parliament (*Canada Post Corporation Act*, s.\u00a035(2))"
MP_ADDRESS = ("Ms. %(name)s, M.P.", "address line, woman MP")
MP_SALUTATION = ("Dear Ms. %(last_name)s:", "salutation, woman MP")


SHIPPED = catalog.campaign_catalogs("end-ice-contracts")


def together(first, second):
    """One catalog with the messages of both (the interface's and the campaign's own), so each
    check sees every kind of message in one place."""
    for message in second:
        if message.id:
            first[message.id] = message
    first.obsolete.update(second.obsolete)
    return first


@pytest.fixture(scope="session")
def template():
    return together(catalog.extract(), SHIPPED.extract())


@pytest.fixture
def french():
    """A fresh copy of the project's reviewed French: the interface's and the campaign's."""
    return together(catalog.load_po("fr"), catalog.load_po("fr", SHIPPED))


def findings_for(french, template, msgid, context=None):
    return [
        f
        for f in check_catalog(french, template, "fr.po", "fr")
        if f.msgid == msgid and f.context == context
    ]


def test_the_project_catalogs_pass_strict(french, template):
    assert check_catalog(french, template, "fr.po", "fr") == []


def plant(french, msgid, context, string):
    french.get(msgid, context).string = string


def replace_in(french, msgid, context, old, new):
    message = french.get(msgid, context)
    forms = (message.string,) if isinstance(message.string, str) else message.string
    assert any(old in f for f in forms), "the planted defect must change the good translation"
    changed = tuple(f.replace(old, new) for f in forms)
    message.string = changed[0] if isinstance(message.string, str) else changed


# (check, msgid, context, how to plant the defect)
PLANTED = [
    ("untranslated", TITLE, None, lambda fr: plant(fr, TITLE, None, "")),
    ("fuzzy", TITLE, None, lambda fr: fr.get(TITLE).flags.add("fuzzy")),
    ("untranslated", INTRO, None, lambda fr: plant(fr, INTRO, None, (fr.get(INTRO).string[0], ""))),
    ("placeholders", SUBJECT, None, lambda fr: replace_in(fr, SUBJECT, None, " %(subject)s", "")),
    ("placeholders", EMAIL, None, lambda fr: replace_in(fr, EMAIL, None, "(email)", "(courriel)")),
    (
        "placeholders",
        *MP_ADDRESS,
        lambda fr: replace_in(fr, *MP_ADDRESS, "Madame %(name)s", "Madame la députée"),
    ),
    (
        "placeholders",
        SUBJECT,
        None,
        lambda fr: replace_in(fr, SUBJECT, None, "%(subject)s", "%(subject)s, %(date)s"),
    ),
    ("markup", PAGE, None, lambda fr: replace_in(fr, PAGE, None, "Page ", "<b>Page</b> ")),
    ("markup", PAGE, None, lambda fr: replace_in(fr, PAGE, None, "Page ", "Page&nbsp;")),
    (
        "markup",
        PERMITS,
        None,
        lambda fr: replace_in(fr, PERMITS, None, "*Loi sur les licences", "Loi sur les licences"),
    ),
    ("markup", POSTAGE, None, lambda fr: replace_in(fr, POSTAGE, None, "*", "")),
    (
        "placeholders",
        CONTEXT_1,
        None,
        lambda fr: replace_in(fr, CONTEXT_1, None, "{minister:digital-innovation}", "le ministre"),
    ),
    ("numbers", STCA, None, lambda fr: replace_in(fr, STCA, None, "article 10", "article 11")),
    ("numbers", C233, None, lambda fr: replace_in(fr, C233, None, "C-233", "C-223")),
    ("numbers", POSTAGE, None, lambda fr: replace_in(fr, POSTAGE, None, "35(2)", "35(3)")),
    ("unchanged", CONTEXT_2, None, lambda fr: plant(fr, CONTEXT_2, None, CONTEXT_2)),
    (
        "whitespace",
        TITLE,
        None,
        lambda fr: replace_in(fr, TITLE, None, "exportation", "exportation "),
    ),
    ("punctuation", INTRO, None, lambda fr: replace_in(fr, INTRO, None, "\u00a0:", "")),
    ("capital", TITLE, None, lambda fr: replace_in(fr, TITLE, None, "Refuser", "refuser")),
    ("length", STCA, None, lambda fr: plant(fr, STCA, None, "Donner avis de la fin de l’Entente.")),
    ("typography", SUBJECT, None, lambda fr: replace_in(fr, SUBJECT, None, "\u00a0:", ":")),
    ("typography", SUBJECT, None, lambda fr: replace_in(fr, SUBJECT, None, "\u00a0:", " :")),
    ("typography", C233, None, lambda fr: replace_in(fr, C233, None, "«\u00a0", "«")),
    ("typography", C233, None, lambda fr: replace_in(fr, C233, None, "\u00a0»", "»")),
    (
        "typography",
        C233,
        None,
        lambda fr: replace_in(
            fr, C233, None, "«\u00a0Plus d’échappatoires\u00a0»", '"Plus d’échappatoires"'
        ),
    ),
    (
        "typography",
        INTRO,
        None,
        lambda fr: replace_in(fr, INTRO, None, "suivantes\u00a0:", "suivantes ; sans délai\u00a0:"),
    ),
    (
        "typography",
        STCA,
        None,
        lambda fr: replace_in(fr, STCA, None, "article 10", "article 10, soit 1 000 $ et 10%"),
    ),
    (
        "typography",
        STCA,
        None,
        lambda fr: replace_in(fr, STCA, None, "l’Entente.", "l’Entente le 1 février 2026."),
    ),
    ("terms", TITLE, None, lambda fr: plant(fr, TITLE, None, "Refuser les permis d’exportation")),
]


@pytest.mark.parametrize(
    ("check", "msgid", "context", "defect"),
    PLANTED,
    ids=[f"{i}-{p[0]}" for i, p in enumerate(PLANTED)],
)
def test_check_reports_planted_defect(french, template, check, msgid, context, defect):
    defect(french)
    found = findings_for(french, template, msgid, context)
    assert check in {f.check for f in found}, found
    finding = next(f for f in found if f.check == check)
    assert finding.catalog == "fr.po" and finding.locations and finding.detail


def test_obsolete_message_still_used_is_reported(french, template):
    message = french.get(TITLE)
    french.delete(TITLE)
    french.obsolete[TITLE] = message
    (finding,) = findings_for(french, template, TITLE)
    assert finding.check == "obsolete" and finding.severity == "error"


def test_campaign_message_is_located_by_key_path(french, template):
    plant(french, TITLE, None, "")
    (finding,) = findings_for(french, template, TITLE)
    assert finding.locations == ("campaign.toml:demands.export-permits.title",)


def test_salutation_may_drop_placeholders_because_its_comment_allows_it(french, template):
    assert french.get(*MP_SALUTATION).string == "Madame la Députée,"
    assert "allow: placeholders, punctuation" in template.get(*MP_SALUTATION).auto_comments
    assert findings_for(french, template, *MP_SALUTATION) == []


def test_allowed_placeholder_may_be_dropped_but_not_renamed(french, template):
    plant(french, *MP_SALUTATION, "Madame %(nom)s,")
    (finding,) = findings_for(french, template, *MP_SALUTATION)
    assert finding.check == "placeholders" and "%(nom)s" in finding.detail


def test_translator_comment_in_po_relaxes_a_warning(french, template):
    replace_in(french, INTRO, None, "\u00a0:", "")
    french.get(INTRO).user_comments.append("allow: punctuation")
    assert findings_for(french, template, INTRO) == []


def test_strict_fails_on_warnings_only_when_asked(french, template):
    replace_in(french, TITLE, None, "Refuser", "refuser")
    findings = check_catalog(french, template, "fr.po", "fr")
    assert [f.severity for f in findings] == ["warning"]
    assert failing(findings) == [] and failing(findings, strict=True) == findings


@pytest.fixture
def planted_locales(tmp_path):
    """A copy of the campaign's folder whose French has an uncapitalised title."""
    folder = tmp_path / "end-ice-contracts"
    shutil.copytree(SHIPPED.root, folder)
    own = catalog.campaign_catalogs(folder)
    french = catalog.load_po("fr", own)
    replace_in(french, TITLE, None, "Refuser", "refuser")
    with own.po_path("fr").open("wb") as out:
        write_po(out, french, width=100)
    return folder


def test_cli_check_exits_1_on_warning_with_strict_and_names_message(planted_locales):
    runner = CliRunner()
    where = ["--campaign", str(planted_locales)]
    relaxed = runner.invoke(main, ["i18n", "check", *where, "--locale", "fr"])
    assert relaxed.exit_code == 0, relaxed.output
    strict = runner.invoke(main, ["i18n", "check", *where, "--locale", "fr", "--strict"])
    assert strict.exit_code == 1
    assert "[capital] 'Refuse export permits'" in strict.output
    assert "campaign.toml:demands.export-permits.title" in strict.output


def test_cli_check_json_lists_findings(planted_locales):
    result = CliRunner().invoke(
        main, ["i18n", "check", "--campaign", str(planted_locales), "--format", "json"]
    )
    (finding,) = json.loads(result.output)
    assert finding["check"] == "capital" and finding["msgid"] == TITLE
    assert finding["catalog"].endswith("fr/LC_MESSAGES/campaign.po")
