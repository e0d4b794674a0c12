"""Letters read as if written for their recipient: read back from the PDF, for the Prime Minister,
every minister and an MP (woman, man, gender unknown), one demand and all demands, with and without
a personal note, in both languages."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from letters import letter_bytes
from letters.i18n import emphasis, keep_together, plain
from letters.pipeline import letter_for

from .conftest import DAY, sender

NOTE = {
    "en": "I teach in Mill Woods; my students ask me about this.",
    "fr": "J’enseigne à Mill Woods; mes élèves m’en parlent.",
}
MINISTERS = (
    "minister:foreign-affairs",
    "minister:public-safety",
    "minister:digital-innovation",
    "minister:procurement",
    "minister:immigration",
)
RECIPIENTS = ("pm", *MINISTERS, "mp:f", "mp:m", "mp:u")

# What each rule looks for, in each language (whitespace normalised).
ONE = {
    "en": ("take the following step without delay:", "take this step today"),
    "fr": ("la mesure suivante\u00a0:", "prendre cette mesure"),
}
MANY = {
    "en": ("take the following steps without delay:", "each of these steps"),
    "fr": ("les mesures suivantes\u00a0:", "chacune de ces mesures"),
}
MP_LEAD_IN = {
    "en": "I ask you to press the government",
    "fr": "Je vous demande de presser le gouvernement",
}
PM_LEAD_IN = {"en": "I respectfully urge you", "fr": "Je vous prie instamment"}
TO_HOLDER = {
    "en": "which you announced in December 2025",
    "fr": "que vous avez annoncé en décembre 2025",
}
TO_OTHERS = {
    "en": "announced in December 2025 by the Minister of Artificial Intelligence and Digital Innovation",
    "fr": "annoncé en décembre 2025 par le ministre de l’Intelligence artificielle et de l’Innovation numérique",
}
YOUR_AUTHORITY = {"en": "give you clear authority", "fr": "vous donnent clairement le pouvoir"}
GOVERNMENT_AUTHORITY = {
    "en": "give the government clear authority",
    "fr": "donnent clairement au gouvernement le pouvoir",
}
ACTS = {
    "en": ("Arms Trade Treaty", "Export and Import Permits Act"),
    "fr": (
        "Traité sur le commerce des armes",
        "Loi sur les licences d’exportation et d’importation",
    ),
}


def recipient_for(setting, key):
    if key.startswith("mp:"):
        mp = setting.directory.find("mp:edmonton-strathcona")
        return replace(mp, gender=key[3:])
    return setting.directory.find(key)


def demand_ids(setting, recipient, count):
    ids = [
        d.id
        for d in setting.campaign.demands
        if recipient.role != "minister" or recipient.portfolio.id in d.ministers
    ]
    return ids[:1] if count == "one" else ids


def read(content: bytes) -> tuple[str, set[str]]:
    """The letter pages' text (whitespace runs made one space) and the words set in italics."""
    reader = PdfReader(io.BytesIO(content))
    italic: list[str] = []

    def visit(text, cm, tm, font, size):
        if font and "Italic" in str(font.get("/BaseFont", "")):
            italic.append(text)

    pages = [page.extract_text(visitor_text=visit) for page in reader.pages]
    return " ".join(" ".join(p.split(" ")) for p in pages), set(" ".join(italic).split())


def words(text: str) -> str:
    return re.sub(r"[ \n]+", " ", text)


def cases():
    for lang in ("en", "fr"):
        for key in RECIPIENTS:
            for count in ("one", "all"):
                # Every recipient, count and language appears with a note and without one.
                note = (count == "all") == (lang == "en")
                yield pytest.param(
                    lang,
                    key,
                    count,
                    note,
                    id=f"{lang}-{key}-{count}-{'note' if note else 'no-note'}",
                )


@pytest.fixture(scope="module")
def read_letter(setting):
    cache: dict = {}

    def render(lang, key, count, note):
        if (lang, key, count, note) not in cache:
            recipient = recipient_for(setting, key)
            who = sender(
                lang,
                demand_ids=demand_ids(setting, recipient, count),
                note=NOTE[lang] if note else None,
            )
            letter = letter_for(setting, who, recipient, DAY)
            content = letter_bytes(letter)
            cache[lang, key, count, note] = (letter, *read(content), content)
        return cache[lang, key, count, note]

    return render


@pytest.mark.parametrize(("lang", "key", "count", "note"), list(cases()))
def test_letter_reads_right_for_its_recipient(read_letter, lang, key, count, note):
    letter, raw, italic, _ = read_letter(lang, key, count, note)
    text = words(raw)
    single = len(letter.demands) == 1
    agreeing, other = (ONE, MANY) if single else (MANY, ONE)
    # Agreement by count: lead-in and closing request, and a lone demand is not numbered.
    for phrase in agreeing[lang]:
        assert phrase in text, phrase
    for phrase in other[lang]:
        assert phrase not in text, phrase
    assert bool(re.search(r"(?:^|\s)1\.(?:\s|$)", raw)) is not single
    # An MP presses the government; the government is asked to act.
    is_mp = key.startswith("mp:")
    assert (MP_LEAD_IN[lang] in text) is is_mp
    assert (PM_LEAD_IN[lang] in text) is (key == "pm")
    if "export-permits" in {d.id for d in letter.demands}:
        # The Act gives the power to the Minister of Foreign Affairs: "you" to her alone.
        hers = key == "minister:foreign-affairs"
        assert (GOVERNMENT_AUTHORITY[lang] in text) is not hers
        assert (YOUR_AUTHORITY[lang] in text) is hers
    # The office that acted is "you" in its own letter, named by its title in everyone else's.
    holder = key == "minister:digital-innovation"
    assert (TO_HOLDER[lang] in text) is holder
    assert (TO_OTHERS[lang] in text) is not holder
    # Titles of statutes and treaties are set in the italic font; the markup never shows.
    assert "*" not in text
    assert set(ACTS[lang][0].split()) <= italic
    if "export-permits" in {d.id for d in letter.demands}:
        assert set(ACTS[lang][1].split()) <= italic
    assert (NOTE[lang] in text) is note


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_mp_of_unknown_gender_is_addressed_as_fr_ca_says(read_letter, lang):
    letter, raw, _, _ = read_letter(lang, "mp:u", "all", lang == "en")
    text = words(raw)
    if lang == "en":
        assert "Heather McPherson, M.P." in text and "Dear Heather McPherson:" in text
    else:
        assert "Heather McPherson Chambre des communes" in text
        assert "Bonjour, " in text and "député ou députée" not in text
        assert "Veuillez agréer l’expression de mes sentiments distingués." in text
        assert "Madame" not in text and "Monsieur" not in text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_one_demand_letter_to_a_minister_never_leaves_the_closing_alone(read_letter, lang):
    for minister in MINISTERS:
        letter, _, _, content = read_letter(lang, minister, "one", lang == "fr")
        pages = [p.extract_text() for p in PdfReader(io.BytesIO(content)).pages]
        if len(pages) > 1:
            last = words(pages[-1])
            for header in (letter.addressee, letter.date_line):  # the running header
                last = last.replace(header, "")
            last = re.sub(r"— *— Page \d+", "", last)
            start = " ".join(letter.closing_request.split()[:4])
            before = last.split(start, 1)[0]
            assert start in last and len(before.split()) >= 5, f"{minister}: closing alone"


def test_campaign_markup_is_escaped_and_only_asterisks_become_italics():
    html = str(emphasis("Under the *Act <b>&</b> Co* & <script>x</script>"))
    assert html == (
        "Under the <em>Act &lt;b&gt;&amp;&lt;/b&gt; Co</em> &amp; &lt;script&gt;x&lt;/script&gt;"
    )
    assert plain("the *Arms Trade Treaty*.") == "the Arms Trade Treaty."


def test_cover_sheet_raises_the_french_first_of_the_month(setting):
    from collections import Counter
    from datetime import date

    from letters.batch.packs import cover
    from letters.render import environment

    sheet = cover(setting.campaign, setting.directory.find("pm"), Counter(fr=2), date(2026, 3, 1))
    html = environment("en").get_template("cover.html.j2").render(cover=sheet)
    assert "Date\u00a0: 1<sup>er</sup> mars 2026" in html


def test_web_preview_styles_the_letter_as_the_pdf_prints_it():
    """Two spaces before the postal code survive (pre-wrap) and the sender block is on the left."""
    css = (Path(__file__).resolve().parent.parent / "letters/web/static/letters.css").read_text()
    rules = dict(re.findall(r"(\.letter[^{]*)\{([^}]*)\}", css))
    assert "white-space: pre-wrap" in rules[".letter .line "]
    assert not any("text-align: right" in body for sel, body in rules.items() if "sender" in sel)


# Every kind of recipient a one-demand letter goes to, and the demand it carries.
ONE_DEMAND = (
    ("pm", "field-offices"),
    ("pm", "safe-third-country"),
    *((m, None) for m in MINISTERS),
    ("mp:f", "field-offices"),
    ("mp:m", "export-permits"),
    ("mp:u", "safe-third-country"),
    ("mp:Halifax West", "safe-third-country"),  # a minister written to as an MP
    ("mp:Halifax West", "field-offices"),
)
# Sender blocks of different lengths move where page 1 ends.
SENDER_BLOCKS = (
    {},
    {
        "street": ["Apt 4", "10234 82 Avenue NW"],
        "email": "h.lim@example.ca",
        "phone": "780 555 0100",
    },
)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_one_demand_letter_never_leaves_its_lead_in_at_the_foot_of_a_page(setting, lang):
    """Read from the PDF's pages: the page that holds the lead-in holds its demand too."""
    checked = 0
    for key, demand in ONE_DEMAND:
        if key.startswith("mp:") and len(key) > 4:
            recipient = setting.directory.find(key)
        else:
            recipient = recipient_for(setting, key)
        demands = [demand] if demand else demand_ids(setting, recipient, "one")
        for block in SENDER_BLOCKS:
            letter = letter_for(setting, sender(lang, demand_ids=demands, **block), recipient, DAY)
            assert len(letter.demands) == 1
            reader = PdfReader(io.BytesIO(letter_bytes(letter)))
            pages = [words(p.extract_text()) for p in reader.pages]
            lead_in = words(keep_together(letter.demands_intro))
            title = keep_together(plain(letter.demands[0].title))
            (page,) = [p for p in pages if lead_in in p]
            assert title in page.split(lead_in, 1)[1], f"{key} {demand} {lang}: lead-in alone"
            checked += 1
    assert checked == len(ONE_DEMAND) * len(SENDER_BLOCKS)
