"""Forms of address, demands and lines, decided in compose (no PDF needed)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from letters import Language, compose, make_letter
from letters.errors import DirectoryError, InputError

from .conftest import DAY, sender

# Canadian protocol, exactly as the core-letter issue gives it.
FORMS = {
    ("en", "pm"): (
        "The Right Honourable Mark Carney, P.C., M.P.",
        "Prime Minister of Canada",
        "Dear Prime Minister:",
        "Yours sincerely,",
    ),
    ("fr", "pm"): (
        "Le très honorable Mark Carney, C.P., député",
        "Premier ministre du Canada",
        "Monsieur le Premier Ministre,",
        "Veuillez agréer, Monsieur le Premier Ministre, l’expression de ma haute considération.",
    ),
    ("en", "minister:foreign-affairs"): (
        "The Honourable Anita Anand, P.C., M.P.",
        "Minister of Foreign Affairs",
        "Dear Minister:",
        "Yours sincerely,",
    ),
    ("fr", "minister:foreign-affairs"): (
        "L’honorable Anita Anand, C.P., députée",
        "Ministre des Affaires étrangères",
        "Madame la Ministre,",
        "Veuillez agréer, Madame la Ministre, l’expression de ma haute considération.",
    ),
    ("en", "mp:edmonton-strathcona"): (
        "Ms. Heather McPherson, M.P.",
        "House of Commons",
        "Dear Ms. McPherson:",
        "Yours sincerely,",
    ),
    ("fr", "mp:edmonton-strathcona"): (
        "Madame Heather McPherson, députée",
        "Chambre des communes",
        "Madame la Députée,",
        "Veuillez agréer, Madame la Députée, l’expression de mes sentiments distingués.",
    ),
}


@pytest.mark.parametrize(("lang", "to"), sorted(FORMS))
def test_forms_of_address(setting, lang, to):
    letter = make_letter(setting, sender(lang), to, DAY)
    name_line, second_line, salutation, close = FORMS[lang, to]
    assert letter.recipient_lines[:2] == (name_line, second_line)
    assert letter.salutation == salutation
    assert letter.complimentary_close == close


@pytest.mark.parametrize(
    ("gender", "lang", "line", "salutation", "close"),
    [
        ("m", "en", "Mr. Heather McPherson, M.P.", "Dear Mr. McPherson:", "Yours sincerely,"),
        (
            "m",
            "fr",
            "Monsieur Heather McPherson, député",
            "Monsieur le Député,",
            "Veuillez agréer, Monsieur le Député, l’expression de mes sentiments distingués.",
        ),
        ("u", "en", "Heather McPherson, M.P.", "Dear Heather McPherson:", "Yours sincerely,"),
        (
            "u",
            "fr",
            "Heather McPherson",
            "Bonjour,",
            "Veuillez agréer l’expression de mes sentiments distingués.",
        ),
    ],
)
def test_mp_forms_by_gender(setting, gender, lang, line, salutation, close):
    mp = replace(setting.directory.find("mp:Edmonton Strathcona"), gender=gender)
    letter = compose(
        setting.campaign, sender(lang), mp, day=DAY, lang=Language(lang), offices=setting.directory
    )
    assert letter.recipient_lines[0] == line
    assert letter.salutation == salutation
    assert letter.complimentary_close == close


def test_french_mp_of_unknown_gender_reads_exactly_as_fr_ca_says(setting):
    """fr-CA.md, "gender unknown" (Canadian Heritage): « Prénom Nom » then « Chambre des
    communes », no courtesy title and no « député ou députée »; « Bonjour, »; the salutation
    without a title."""
    mp = replace(setting.directory.find("mp:Edmonton Strathcona"), gender="u")
    letter = compose(
        setting.campaign, sender("fr"), mp, day=DAY, lang=Language("fr"), offices=setting.directory
    )
    assert letter.recipient_lines == (
        "Heather McPherson",
        "Chambre des communes",
        "Ottawa (Ontario)  K1A 0A6",
    )
    assert letter.salutation == "Bonjour,"
    assert letter.complimentary_close == (
        "Veuillez agréer l’expression de mes sentiments distingués."
    )
    english = compose(
        setting.campaign, sender("en"), mp, day=DAY, lang=Language("en"), offices=setting.directory
    )
    assert english.salutation == "Dear Heather McPherson:"


# --- A minister written to as the sender's MP ------------------------------------------------

DIAB = "mp:Halifax West—Peggy’s Cove"


@pytest.mark.parametrize(
    ("lang", "lines", "salutation", "close"),
    [
        (
            "fr",
            (
                "L’honorable Lena Metlege Diab, C.P., députée",
                "Ministre de l’Immigration, des Réfugiés et de la Citoyenneté",
                "Chambre des communes",
            ),
            "Madame la Ministre,",
            "Veuillez agréer, Madame la Ministre, l’expression de ma haute considération.",
        ),
        (
            "en",
            (
                "The Honourable Lena Metlege Diab, P.C., M.P.",
                "Minister of Immigration, Refugees and Citizenship",
                "House of Commons",
            ),
            "Dear Minister:",
            "Yours sincerely,",
        ),
    ],
)
def test_a_minister_written_to_as_an_mp_is_addressed_as_a_minister(
    setting, lang, lines, salutation, close
):
    letter = make_letter(setting, sender(lang, riding="Halifax West"), DIAB, DAY)
    assert letter.recipient_lines[:3] == lines
    assert (letter.salutation, letter.complimentary_close) == (salutation, close)
    assert letter.demands[-1].id == "safe-third-country" and len(letter.demands) == 7


def test_a_ministers_own_demand_is_worded_to_the_minister_the_others_to_an_mp(setting):
    letter = make_letter(setting, sender("fr", riding="Halifax West"), DIAB, DAY)
    # Both kinds: the lead-in says which she acts on and which she presses for.
    assert letter.demands_intro.startswith("Je vous demande, à titre de ministre, de prendre")
    assert "les ministres concernés" not in letter.demands_intro
    texts = {d.id: d.text for d in letter.demands}
    assert texts["safe-third-country"] == (
        "Donner aux États-Unis l’avis de résiliation prévu à l’article 10 de l’Entente."
    )
    assert "donnent clairement au gouvernement le pouvoir" in texts["export-permits"]
    # Her demand alone: worded as to the minister, with the minister's lead-in.
    alone = make_letter(
        setting,
        sender("fr", riding="Halifax West", demand_ids=["safe-third-country"]),
        DIAB,
        DAY,
    )
    assert alone.demands_intro == "Je vous demande de prendre sans tarder la mesure suivante\u00a0:"
    english = make_letter(
        setting, sender("en", riding="Halifax West", demand_ids=["export-permits"]), DIAB, DAY
    )
    assert english.demands_intro.startswith("I ask you to press the government")
    assert "give the government clear authority" in english.demands[0].text


def test_the_foreign_minister_as_an_mp_is_given_the_power_in_the_second_person(setting):
    letter = make_letter(
        setting,
        sender("en", riding="Oakville East", demand_ids=["export-permits"]),
        "mp:Oakville East",
        DAY,
    )
    assert letter.salutation == "Dear Minister:"
    assert "give you clear authority" in letter.demands[0].text
    assert letter.demands_intro == "I ask you to take the following step without delay:"
    pm = make_letter(setting, sender("en", demand_ids=["export-permits"]), "pm", DAY)
    assert "give the government clear authority" in pm.demands[0].text


def test_a_minister_as_an_mp_is_told_of_their_own_announcement_in_the_second_person(setting):
    letter = make_letter(setting, sender("fr", riding="Toronto Centre"), "mp:Toronto Centre", DAY)
    assert letter.salutation == "Monsieur le Ministre,"
    assert any("que vous avez annoncé en décembre 2025" in p for p in letter.context)


@pytest.mark.parametrize(
    ("lang", "salutation", "title"),
    [
        ("fr", "Monsieur le Premier Ministre,", "Premier ministre du Canada"),
        ("en", "Dear Prime Minister:", "Prime Minister of Canada"),
    ],
)
def test_the_prime_minister_written_to_as_an_mp_is_addressed_as_prime_minister(
    setting, lang, salutation, title
):
    letter = make_letter(setting, sender(lang, riding="Nepean"), "mp:Nepean", DAY)
    assert letter.salutation == salutation and letter.recipient_lines[1] == title
    pm_letter = make_letter(setting, sender(lang, riding="Nepean"), "pm", DAY)
    assert letter.demands_intro == pm_letter.demands_intro


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        ("en", ("80 Wellington Street", "Ottawa ON  K1A 0A2")),
        ("fr", ("80, rue Wellington", "Ottawa (Ontario)  K1A 0A2")),
    ],
)
def test_prime_minister_office_address(setting, lang, lines):
    letter = make_letter(setting, sender(lang), "pm", DAY)
    assert letter.recipient_lines[-2:] == lines


def test_sender_street_printed_as_entered_and_province_localised(setting):
    letter = make_letter(setting, sender("fr", street=["10234 82 Avenue NW", "Apt 3"]), "pm", DAY)
    assert letter.sender_lines[:4] == (
        "Heather Lim",
        "10234 82 Avenue NW",
        "Apt 3",
        "Edmonton (Alberta)  T6E 1Z8",
    )


@pytest.mark.parametrize(
    ("lang", "day", "expected"),
    [
        ("en", "2026-01-28", "January 28, 2026"),
        ("fr", "2026-01-28", "Le 28 janvier 2026"),
        ("fr", "2026-02-01", "Le 1er février 2026"),
    ],
)
def test_date_line(lang, day, expected):
    from datetime import date

    assert Language(lang).date_line(date.fromisoformat(day)) == expected


def test_minister_receives_only_the_demands_of_the_portfolio(setting):
    letter = make_letter(setting, sender("en"), "minister:public-safety", DAY)
    assert [d.id for d in letter.demands] == ["field-offices"]


def test_chosen_demands_keep_the_senders_order(setting):
    chosen = ("safe-third-country", "export-permits")
    letter = make_letter(setting, sender("en", demand_ids=chosen), "pm", DAY)
    assert tuple(d.id for d in letter.demands) == chosen


def test_minister_with_none_of_the_chosen_demands_is_an_error(setting):
    with pytest.raises(InputError) as error:
        make_letter(
            setting, sender("en", demand_ids=["safe-third-country"]), "minister:public-safety", DAY
        )
    assert error.value.field == "demand" and "field-offices" in error.value.fix


@pytest.mark.parametrize(
    ("riding", "french", "english"),
    [
        ("Edmonton Strathcona", "d’Edmonton Strathcona", "Edmonton Strathcona"),
        ("hull aylmer", "de Hull—Aylmer", "Hull—Aylmer"),
        ("Northwest Territories", "des Territoires du Nord-Ouest", "Northwest Territories"),
        ("Ottawa Centre", "d’Ottawa-Centre", "Ottawa Centre"),
        ("ottawa-sud", "d’Ottawa-Sud", "Ottawa South"),
        ("yukon", "du Yukon", "Yukon"),
        ("Nunavut", "du Nunavut", "Nunavut"),
        ("Les Pays-d'en-Haut", "des Pays-d’en-Haut", "Les Pays-d’en-Haut"),
        ("la pointe de l ile", "de La Pointe-de-l’Île", "La Pointe-de-l’Île"),
        ("York Centre", "de North York", "North York"),  # renamed in 2026: the name now
    ],
)
def test_opening_names_the_riding_officially_in_the_letters_language(
    setting, riding, french, english
):
    letter = make_letter(setting, sender("fr", riding=riding), "pm", DAY)
    assert letter.opening.startswith(f"J’habite la circonscription {french}. ")
    letter = make_letter(setting, sender("en", riding=riding), "pm", DAY)
    assert letter.opening.startswith(f"I live in the riding of {english}. ")


def test_french_typography_in_our_words(setting):
    letter = make_letter(setting, sender("fr"), "pm", DAY)
    text = " ".join([letter.demands_intro, *letter.context, *(d.text for d in letter.demands)])
    assert "\u00a0:" in text and "d’un million de dollars" in text
    assert "«\u00a0Plus d’échappatoires\u00a0»" in text
    assert " ;" not in text and " :" not in text


@pytest.mark.parametrize(
    ("lang", "intro"),
    [
        ("en", "I ask you to take the following step without delay:"),
        ("fr", "Je vous demande de prendre sans tarder la mesure suivante\u00a0:"),
    ],
)
def test_single_demand_gets_a_singular_lead_in(setting, lang, intro):
    letter = make_letter(setting, sender(lang), "minister:immigration", DAY)
    assert len(letter.demands) == 1 and letter.demands_intro == intro
    several = make_letter(setting, sender(lang), "minister:foreign-affairs", DAY)
    assert len(several.demands) == 3 and several.demands_intro != intro


@pytest.mark.parametrize("to", ["pm", "right-honourable-mp"])
def test_prime_minister_or_right_honourable_of_unknown_gender_is_refused(setting, to):
    if to == "pm":
        recipient = replace(setting.directory.find("pm"), gender="u")
    else:
        mp = setting.directory.find("mp:edmonton-strathcona")
        recipient = replace(mp, gender="u", honorific="right-honourable")
    with pytest.raises(DirectoryError) as error:
        compose(setting.campaign, sender("fr"), recipient, day=DAY, lang=Language("fr"))
    assert error.value.field == "gender" and 'gender = "f" or "m"' in error.value.fix
    assert recipient.id in str(error.value)


def test_office_is_named_in_the_letters_language_and_by_the_holders_gender(setting):
    minister = setting.directory.find("minister:digital-innovation")
    for gender, article in (("m", "le"), ("f", "la"), ("u", "le ou la")):
        directory = replace(
            setting.directory,
            recipients=tuple(
                replace(r, gender=gender) if r.id == minister.id else r
                for r in setting.directory.recipients
            ),
        )
        letter = compose(
            setting.campaign,
            sender("fr"),
            setting.directory.find("pm"),
            day=DAY,
            lang=Language("fr"),
            offices=directory,
        )
        assert f"par {article} ministre de l’Intelligence artificielle" in letter.context[1]


def test_envelope_leaves_off_a_title_it_cannot_print_unambiguously(setting):
    for to, titled in (
        ("minister:foreign-affairs", True),
        ("minister:immigration", False),  # "…, Refugees and Citizenship" loses its comma
        ("minister:digital-innovation", False),  # longer than Canada Post's 40 characters
    ):
        letter = make_letter(setting, sender("en"), to, DAY, envelope=True)
        lines = letter.envelope.address_lines
        assert any(line.startswith("MINISTER OF") for line in lines) is titled, lines
        assert all(len(line) <= 40 for line in lines)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "Mail to a Member of Parliament (*Canada Post Corporation Act*, s.\u00a035(2))"),
        (
            "fr",
            "Courrier adressé à un député ou à une députée (*Loi sur la Société canadienne des postes*, par.\u00a035(2))",
        ),
    ],
)
def test_postage_notice_cites_mail_to_members_under_the_act(setting, lang, words):
    letter = make_letter(setting, sender(lang), "mp:edmonton-strathcona", DAY, envelope=True)
    assert letter.envelope.postage_source == words
    assert "Government Mail" not in words
