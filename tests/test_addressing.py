"""Every member of the House addressed as a reviser would, in both languages: the letter, the
envelope, the cover sheet and the email draft. The expected forms are written out here from
../shared/fr-CA.md and the Library of Parliament's gender record, not taken from the code."""

from __future__ import annotations

import csv
import email
import io
from collections import Counter
from email import policy

import pytest
from markupsafe import escape
from pypdf import PdfReader

from letters import letter_bytes
from letters.batch.packs import cover, cover_pdf
from letters.compose import compose
from letters.directory import read_house
from letters.districts import shipped_house_path
from letters.envelope import canada_post_line
from letters.i18n import Language
from letters.render import render_html
from letters.sending.email_draft import Draft, body_text, email_message

from .conftest import DAY, SHARED, sender

GENDERS = SHARED / "data" / "house-of-commons-45th-gender-2025.csv"

# fr-CA.md, "Forms of address": (name line, appel, salutation) by office and gender.
FRENCH = {
    ("mp", "f"): (
        "Madame {name}, députée",
        "Madame la Députée,",
        "Veuillez agréer, Madame la Députée, l’expression de mes sentiments distingués.",
    ),
    ("mp", "m"): (
        "Monsieur {name}, député",
        "Monsieur le Député,",
        "Veuillez agréer, Monsieur le Député, l’expression de mes sentiments distingués.",
    ),
    ("mp", "u"): (
        "{name}",
        "Bonjour,",
        "Veuillez agréer l’expression de mes sentiments distingués.",
    ),
    ("minister", "f"): (
        "L’honorable {name}, C.P., députée",
        "Madame la Ministre,",
        "Veuillez agréer, Madame la Ministre, l’expression de ma haute considération.",
    ),
    ("minister", "m"): (
        "L’honorable {name}, C.P., député",
        "Monsieur le Ministre,",
        "Veuillez agréer, Monsieur le Ministre, l’expression de ma haute considération.",
    ),
    ("pm", "m"): (
        "Le très honorable {name}, C.P., député",
        "Monsieur le Premier Ministre,",
        "Veuillez agréer, Monsieur le Premier Ministre, l’expression de ma haute considération.",
    ),
}
ENGLISH = {
    ("mp", "f"): ("Ms. {name}, M.P.", "Dear Ms. {last}:"),
    ("mp", "m"): ("Mr. {name}, M.P.", "Dear Mr. {last}:"),
    ("mp", "u"): ("{name}, M.P.", "Dear {first} {last}:"),
    ("minister", "f"): ("The Honourable {name}, P.C., M.P.", "Dear Minister:"),
    ("minister", "m"): ("The Honourable {name}, P.C., M.P.", "Dear Minister:"),
    ("pm", "m"): ("The Right Honourable {name}, P.C., M.P.", "Dear Prime Minister:"),
}
# A privy councillor who is not in cabinet keeps "The Honourable" and is greeted as an MP.
HONOURABLE = {"en": "The Honourable {name}, P.C., M.P.", "f": "L’honorable {name}, C.P., députée"}


def recorded_genders() -> dict[str, str]:
    """District code -> gender, from the Library of Parliament's record (joined by mp_id)."""
    with GENDERS.open(encoding="utf-8") as record:
        by_id = {row["mp_id"]: row["gender"] for row in csv.DictReader(record)}
    house = read_house(shipped_house_path())
    return {m.district: by_id.get(m.mp_id, "u") for m in house.members}


def expected(recipient, gender: str, lang: str) -> tuple[str, str, str | None, str | None]:
    """(first address line, salutation, title line, complimentary close) as fr-CA.md says."""
    office = recipient.office_held or "mp"
    name = recipient.full_name
    values = {"name": name, "first": recipient.first_name, "last": recipient.last_name}
    title = None
    if office == "minister":
        title = recipient.portfolio.title_fr if lang == "fr" else recipient.portfolio.title_en
        title = title[0].upper() + title[1:]
    elif office == "pm":
        title = "Premier ministre du Canada" if lang == "fr" else "Prime Minister of Canada"
    if lang == "fr":
        line, appel, close = FRENCH[office, gender]
        if office == "mp" and recipient.honorific == "honourable":
            line = "L’honorable {name}, C.P., " + ("députée" if gender == "f" else "député")
        return line.format(**values), appel, title, close
    line, appel = ENGLISH[office, gender]
    if office == "mp" and recipient.honorific == "honourable":
        line = HONOURABLE["en"]
    return line.format(**values), appel.format(**values), title, "Yours sincerely,"


@pytest.fixture(scope="module")
def members(setting):
    genders = recorded_genders()
    found = [r for r in setting.directory.recipients if r.role == "mp"]
    assert len(found) == 337
    return [(r, genders[r.district.code]) for r in found]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_member_gets_the_forms_of_address_fr_ca_gives(setting, members, lang):
    language = Language(lang)
    writer = sender(lang, email="heather.lim@example.ca")
    counts = Counter()
    for recipient, gender in members:
        line, appel, title, close = expected(recipient, gender, lang)
        letter = compose(
            setting.campaign,
            writer,
            recipient,
            day=DAY,
            lang=language,
            envelope=True,
            offices=setting.directory,
        )
        house = "Chambre des communes" if lang == "fr" else "House of Commons"
        block = (line, *([title] if title else []), house)
        where = f"{recipient.id} ({lang})"
        # The letter: address block, appel, salutation, and as the HTML for the PDF places them.
        assert letter.recipient_lines[: len(block)] == block, where
        assert (letter.salutation, letter.complimentary_close) == (appel, close), where
        html = render_html(letter)
        assert all(str(escape(x)) in html for x in (*block, appel)), where
        # The envelope: the same name line, in Canada Post's capitals.
        assert letter.envelope.address_lines[0] == canada_post_line(line), where
        # The cover sheet of a print pack, in this language's section.
        sheet = cover(setting.campaign, recipient, Counter({lang: 1}), DAY)
        section = next(s for s in sheet.sections if s.lang_tag == language.tag)
        assert section.recipient_lines[: len(block)] == block, where
        # The email draft opens with the appel (a member with no email known gets none).
        if recipient.email:
            assert body_text(Draft.from_letter(letter)).startswith(appel + "\n\n"), where
        counts[recipient.office_held or gender] += 1
    # 332 members with a gender on record, 5 without; six in cabinet among the MPs.
    assert counts["u"] == 5
    assert counts["minister"] == 5 and counts["pm"] == 1
    assert counts["f"] + counts["m"] == 337 - 5 - 6


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize(
    "to",
    [
        "mp:Scarborough Southwest",  # Doly Begum: no gender on record
        "mp:Halifax West",  # Lena Metlege Diab: Minister of Immigration
        "mp:Nepean",  # Mark Carney: the Prime Minister
        "mp:Edmonton Strathcona",  # a woman MP
        "mp:Carleton",  # a man MP
    ],
)
def test_printed_letter_envelope_cover_and_eml_read_back(setting, members, lang, to):
    """The same forms, read back from the PDF's first and last (envelope) pages, the cover
    sheet's PDF and the .eml's body."""
    recipient = setting.directory.find(to)
    gender = dict((r.id, g) for r, g in members)[recipient.id]
    line, appel, title, close = expected(recipient, gender, lang)
    from letters import make_letter

    # The sample sender lives in Edmonton Strathcona: to any other MP, on purpose.
    letter = make_letter(
        setting,
        sender(lang, email="heather.lim@example.ca"),
        to,
        DAY,
        envelope=True,
        not_my_mp=recipient.riding != "Edmonton Strathcona",
    )
    pages = PdfReader(io.BytesIO(letter_bytes(letter, "pdf"))).pages
    first, envelope = pages[0].extract_text(), pages[-1].extract_text()
    text = "\n".join(p.extract_text() for p in pages[:-1])
    block = "\n".join((line, *([title] if title else [])))
    assert block in first and appel in first and close in text
    assert canada_post_line(line) in envelope
    sheet = cover_pdf(cover(setting.campaign, recipient, Counter({lang: 1}), DAY))
    assert block in "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(sheet)).pages)
    if recipient.email:
        draft = Draft.from_letter(letter)
        message = email.message_from_bytes(
            email_message(draft, b"%PDF-1.7", "letter.pdf"), policy=policy.default
        )
        assert message.get_body(("plain",)).get_content().startswith(appel)
        assert recipient.full_name in str(message["To"])
