"""`letters campaign preview`: every kind of letter a campaign writes, in each language, in one
PDF: the document an organiser hands a reviser before the batch runs.

The letters are the real ones (the pipeline's compose, render and pdf stages), from a sample
constituent: to the Prime Minister, to each minister the demands name (their holders, by name),
and to an MP of each form of address (a woman, a man, gender unknown); each with one demand and
with all the recipient receives. A contents page lists them with their page numbers, and the
PDF's bookmarks lead to each. A message not translated yet prints in English, and the contents
say how many.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pikepdf
from jinja2 import Environment, select_autoescape
from weasyprint import HTML

from ..compose import Letter
from ..i18n import SOURCE_LANGUAGE, languages, long_date
from ..pdf import SCHEME, LockedFetcher
from ..pipeline import Setting, letter_bytes, letter_for
from ..recipients import Recipient
from ..senders import make_sender
from ..translation import catalog

LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
# Sample MPs, one a form of address: their names are made up, never a sitting member's.
SAMPLE_MPS = (("f", "woman", "Anne", "Gagnon"), ("m", "man", "Marc", "Gagnon"))
SAMPLE_MPS += (("u", "gender unknown", "Dominique", "Gagnon"),)

COVER = """<!doctype html>
<html lang="en-CA"><head><meta charset="utf-8"><title>Preview: {{ title }}</title><style>
@font-face { font-family: "Charis SIL"; src: url("letters:fonts/CharisSIL-Regular.ttf"); }
@font-face { font-family: "Charis SIL"; font-weight: bold; src: url("letters:fonts/CharisSIL-Bold.ttf"); }
@page { size: letter; margin: 2cm 2.2cm; }
body { font-family: "Charis SIL", serif; font-size: 10.5pt; line-height: 1.35; }
h1 { font-size: 15pt; margin: 0 0 .3em; }
p { margin: .3em 0; }
table { border-collapse: collapse; width: 100%; margin-top: 1em; }
th, td { text-align: left; padding: .15em .4em; border-bottom: .5pt solid #999; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; }
</style></head><body>
<h1>Preview: {{ title }}</h1>
<p>Campaign <strong>{{ campaign_id }}</strong>, letters dated {{ day }}, from a sample constituent.
Every kind of letter the campaign writes, in {{ languages }}: to the Prime Minister, to each
minister the demands name, and to an MP of each form of address; each with one demand and with
all the recipient receives.</p>
{% if untranslated %}<p><strong>Not translated yet:</strong> {{ untranslated }} letter(s) print
some messages in English (see the last column); “letters campaign check” lists them.</p>{% endif %}
<table><thead><tr><th>Page</th><th>Language</th><th>To</th><th>Demands</th><th>In English</th>
</tr></thead>
{% for entry in entries %}<tr><td class="n">{{ entry.page }}</td><td>{{ entry.language }}</td>
<td>{{ entry.recipient }}</td><td>{{ entry.demands }}</td>
<td class="n">{{ entry.untranslated or "" }}</td></tr>
{% endfor %}</table></body></html>
"""


@dataclass(frozen=True)
class Entry:
    """One letter of the preview, as the contents list it."""

    language: str
    recipient: str
    demands: str
    untranslated: int
    page: int = 0


def recipients(setting: Setting) -> list[tuple[str, Recipient]]:
    """(label, recipient): the PM, each minister named by the demands, an MP of each form."""
    directory = setting.directory
    pm = directory.find("pm")
    found = [(f"the Prime Minister ({pm.full_name})", pm)]
    for portfolio in setting.campaign.portfolios():
        minister = directory.find(f"minister:{portfolio}")
        found.append((f"{minister.portfolio.title_en} ({minister.full_name})", minister))
    mp = directory.search("mp")[0]
    for gender, name, first, last in SAMPLE_MPS:
        sample = replace(mp, gender=gender, first_name=first, last_name=last, email=None)
        found.append((f"an MP, {name} ({first} {last}, {mp.riding})", sample))
    return found


def preview_letters(setting: Setting, day: date) -> list[tuple[Entry, Letter]]:
    """Every letter of the preview, in order: language, then recipient, one demand then all."""
    # Every language the campaign has a catalog for, finished or not: a reviser sees what a
    # letter would print today (messages not translated yet in English, counted).
    own = catalog.campaign_catalogs(setting.campaign.folder).languages()
    langs = [SOURCE_LANGUAGE, *(lang for lang in own if lang in languages())]
    found = []
    for lang in langs:
        for label, recipient in recipients(setting):
            portfolio = recipient.portfolio.id if recipient.portfolio else None
            mine = [d.id for d in setting.campaign.demands if d.reaches(recipient.role, portfolio)]
            if not mine:
                continue
            for chosen in dict.fromkeys((tuple(mine[:1]), tuple(mine))):
                letter = letter_for(
                    setting, _sender(recipient, lang, chosen), recipient, day, allow_incomplete=True
                )
                count = "one demand" if len(chosen) == 1 else f"all {len(chosen)} demands"
                entry = Entry(
                    LANGUAGE_NAMES.get(lang, lang),
                    label,
                    f"{count}: {', '.join(chosen)}",
                    len(letter.untranslated),
                )
                found.append((entry, letter))
    return found


def _sender(recipient: Recipient, lang: str, demands: tuple[str, ...]):
    """A sample constituent; to an MP, from the MP's riding."""
    return make_sender(
        name="Jeanne Tremblay",
        street=["123, rue Principale"],
        city="Gatineau",
        province="QC",
        postal_code="J8X 1A1",
        riding=recipient.riding if recipient.role == "mp" else "Hull—Aylmer",
        email="jeanne.tremblay@example.ca",
        lang=lang,
        demand_ids=demands,
    )


def preview_pdf(ref: str | Path, day: date | None = None) -> bytes:
    """The preview: a contents page, then every letter, with a bookmark each."""
    setting = Setting.load(ref)
    day = day or date.today()
    letters = preview_letters(setting, day)
    pdfs = [pikepdf.open(io.BytesIO(letter_bytes(letter, "pdf"))) for _, letter in letters]
    entries = [entry for entry, _ in letters]
    lengths = [len(pdf.pages) for pdf in pdfs]
    cover = _cover(setting, day, entries, lengths, first=2)
    contents = len(pikepdf.open(io.BytesIO(cover)).pages)
    if contents > 1:  # a long contents list: the letters start after all of its pages
        cover = _cover(setting, day, entries, lengths, first=contents + 1)
    out = pikepdf.open(io.BytesIO(cover))
    with out.open_outline() as outline:
        for entry, pdf in zip(entries, pdfs, strict=True):
            start = len(out.pages)
            out.pages.extend(pdf.pages)
            title = f"{entry.language}: {entry.recipient}, {entry.demands}"
            outline.root.append(pikepdf.OutlineItem(title, start))
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True)
    return buffer.getvalue()


def _cover(
    setting: Setting, day: date, entries: list[Entry], lengths: list[int], first: int
) -> bytes:
    """The contents page(s): each letter with the page it starts on (`first` for the first)."""
    numbered, page = [], first
    for entry, length in zip(entries, lengths, strict=True):
        numbered.append(replace(entry, page=page))
        page += length
    html = (
        Environment(autoescape=select_autoescape(default_for_string=True))
        .from_string(COVER)
        .render(
            title=setting.campaign.title,
            campaign_id=setting.campaign.id,
            day=long_date(day, "en"),
            languages=" and ".join(dict.fromkeys(entry.language for entry in entries)),
            entries=numbered,
            untranslated=sum(1 for entry in entries if entry.untranslated),
        )
    )
    return HTML(string=html, url_fetcher=LockedFetcher(), base_url=SCHEME).write_pdf()
