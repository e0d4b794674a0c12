"""Review: one document for a human reviewer of a translation, as self-contained HTML or as PDF.

First a summary, then every message of the campaign, the letter template and the code in a
two-column table (English | translation) with its context, comments, status and the checks'
findings; then, for each kind of recipient (PM, minister, MP; woman, man, gender unknown), the
English and the translated letter side by side, page for page.

The PDF goes through the same WeasyPrint pipeline as the letters (LockedFetcher, our fonts): the
summary and tables are one WeasyPrint document whose last pages are blank two-page "sheets";
each letter is rendered exactly as it prints (letters.pdf.write_pdf) and its pages are laid onto
those sheets with pypdf, so the reviewer sees the real page breaks of both languages.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from babel.messages.catalog import Catalog, Message
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject
from weasyprint import HTML

from ..compose import Letter
from ..errors import InputError
from ..i18n import SOURCE_LANGUAGE
from ..pdf import SCHEME, LockedFetcher, write_pdf
from ..pipeline import Setting, letter_for
from ..recipients import Recipient
from ..render import render_html
from ..resources import templates_dir
from ..senders import make_sender
from . import catalog, proofing
from .checks import ERROR, Finding, check_catalog

GENDERS = (("f", "woman"), ("m", "man"), ("u", "gender unknown"))
# Invented people for the samples: a real office holder shown with the other gender ("Monsieur
# Heather McPherson") would read as a mistake. "u" gets a name worn by women and men alike.
SAMPLE_NAMES = {"f": ("Claire", "Bouchard"), "m": ("Marc", "Lavoie"), "u": ("Dominique", "Gagnon")}
ROLES = (("pm", "Prime Minister"), ("minister", "Minister"), ("mp", "Member of Parliament"))
# A two-page sheet (points): two US-letter pages side by side under a band for the label.
PAGE_W, PAGE_H = 612, 792
GAP, MARGIN, BAND = 20, 10, 60
SHEET_W, SHEET_H = 2 * PAGE_W + GAP + 2 * MARGIN, PAGE_H + BAND + 20


@dataclass(frozen=True)
class Form:
    """One form of a message: the only one, or one of its plural forms with the numbers it is
    used for ("n = 1", "n = 2, 3, 4, …"), as the language's plural rule chooses it."""

    label: str  # "" for a message without plural forms
    text: str


def plural_labels(plural_expr: str, count: int) -> tuple[str, ...]:
    """For each plural form of a language, the numbers that select it: "n = 0, 1" and
    "n = 2, 3, 4, …" in French, from the catalog's own Plural-Forms rule."""
    choose = gettext.c2py(plural_expr)
    numbers: list[list[int]] = [[] for _ in range(count)]
    for n in range(1000001):
        form = choose(n)
        if 0 <= form < count and len(numbers[form]) < 4:
            numbers[form].append(n)
        if n > 200 and all(numbers):  # every form seen (Polish needs 22, French's "many" 10⁶)
            break
    return tuple(
        "n = " + ", ".join(map(str, found[:3])) + (", …" if len(found) > 3 else "")
        for found in numbers
    )


def forms(text: str | tuple | list, labels: tuple[str, ...]) -> tuple[Form, ...]:
    """A message's text as the reviewer reads it: one form, or each plural form labelled."""
    if isinstance(text, str):
        return (Form("", text),)
    return tuple(Form(label, form) for label, form in zip(labels, text, strict=False))


@dataclass(frozen=True)
class Row:
    """One message as the reviewer sees it."""

    source: Message  # the English, from a fresh extract (locations, context, comments)
    translation: str | tuple[str, ...]
    status: str  # translated, fuzzy, untranslated
    findings: tuple[Finding, ...]  # the translation's: checks and proofreading
    english_findings: tuple[Finding, ...] = ()  # the English's proofreading (spelling)
    english_forms: tuple[Form, ...] = ()  # the English, each plural form labelled
    translation_forms: tuple[Form, ...] = ()  # the translation, each plural form labelled

    @property
    def locations(self) -> list[str]:
        return [f"{name}:{line}" if line else name for name, line in self.source.locations]

    @property
    def comments(self) -> list[str]:
        return [*self.source.auto_comments]

    @property
    def worst(self) -> str:
        if any(f.severity == ERROR for f in self.findings):
            return "error"
        return "warning" if self.findings else ""


@dataclass(frozen=True)
class Pair:
    """The English and the translated letter to one kind of recipient."""

    label: str
    english: Letter
    translated: Letter
    findings: tuple[Finding, ...] = ()  # proofreading of both letters' text (not the note)
    names: frozenset[str] = frozenset()  # the recipient's and the riding's: not spell-checked


@dataclass(frozen=True)
class Review:
    campaign_id: str
    campaign_title: str
    lang: str
    day: date
    groups: dict[str, list[Row]]
    findings: tuple[Finding, ...]
    pairs: tuple[Pair, ...]
    unchecked: tuple[str, ...] = ()  # what proofreading could not check (a missing tool)

    def count(self, status: str | None = None) -> int:
        return sum(1 for rows in self.groups.values() for r in rows if status in (None, r.status))

    def by_check(self) -> list[tuple[str, str, int]]:
        counts: dict[tuple[str, str], int] = {}
        for f in self.findings:
            counts[f.check, f.severity] = counts.get((f.check, f.severity), 0) + 1
        return sorted(((c, s, n) for (c, s), n in counts.items()), key=lambda x: (x[1], x[0]))


def build_review(
    campaign_id: str, lang: str, day: date | None = None, skip_unavailable: bool = False
) -> Review:
    """Gather everything the review shows; no rendering yet. Its proofreading needs its tools
    (proofing.ToolMissing) unless `skip_unavailable`: the summary then lists what was not
    proofread."""
    if lang == SOURCE_LANGUAGE:
        raise InputError(
            "English is the source", field="locale", fix="review a translation, e.g. fr"
        )
    day = day or date.today()
    setting = Setting.load(campaign_id)
    # The campaign's own catalog, then the interface's (the letter template's and the code's).
    sets = (catalog.campaign_catalogs(setting.campaign.folder), catalog.interface_catalogs())
    loaded = []
    findings: list = []
    texts: list = []
    for catalogs in sets:
        template = catalogs.extract()
        path = catalogs.po_path(lang)
        po = catalog.load_po(lang, catalogs) if path.is_file() else Catalog(locale=lang)
        findings += check_catalog(po, template, path, lang)
        texts += proofing.source_texts(template)  # one label: the review shows them as English
        texts += proofing.translation_texts(po, template, str(path), lang)
        loaded.append((template, po))
    pairs = _pairs(setting, lang, day)
    proof = proofing.proofread(
        texts + [text for pair in pairs for text in _pair_texts(pair)],
        proofing.with_campaign_words([setting.campaign.folder]),
        skip_unavailable=skip_unavailable,
    )
    english = [f for f in proof.findings if f.catalog == proofing.TEMPLATE_LABEL]
    paths = {str(catalogs.po_path(lang)) for catalogs in sets}
    findings += [f for f in proof.findings if f.catalog in paths]
    groups: dict[str, list[Row]] = {source: [] for source in catalog.SOURCES}
    for template, po in loaded:
        english_labels = plural_labels(template.plural_expr, template.num_plurals)
        translation_labels = plural_labels(po.plural_expr, po.num_plurals)
        for message in template:
            if not message.id:
                continue
            translated = po.get(message.id, message.context)
            key = (_msgid(message), message.context)
            mine = tuple(f for f in findings if (f.msgid, f.context) == key)
            text = translated.string if translated else ""
            groups[catalog.source_of(message)].append(
                Row(
                    message,
                    text,
                    catalog.status(translated),
                    mine,
                    tuple(f for f in english if (f.msgid, f.context) == key),
                    forms(message.id, english_labels),
                    forms(text, translation_labels) if any(text) else (),
                )
            )
    shown = {(_msgid(r.source), r.source.context) for rows in groups.values() for r in rows}
    return Review(
        campaign_id=setting.campaign.id,
        campaign_title=setting.campaign.title,
        lang=lang,
        day=day,
        groups=groups,
        findings=tuple(f for f in [*findings, *english] if (f.msgid, f.context) in shown),
        pairs=tuple(
            replace(pair, findings=tuple(f for f in proof.findings if f.catalog == pair.label))
            for pair in pairs
        ),
        unchecked=tuple(proof.unchecked),
    )


def _msgid(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _pair_texts(pair: Pair) -> list[proofing.Text]:
    """The text of both letters, as proofreading reads a composed letter (no sender's note)."""
    return [
        proofing.Text(
            letter.lang, text, pair.label, text, None, (f"{letter.lang}:{name}",), pair.names
        )
        for letter in (pair.english, pair.translated)
        for name, text in proofing.letter_segments(letter)
    ]


def _recipients(setting: Setting) -> list[tuple[str, Recipient]]:
    """PM, the campaign's first minister and an MP, each as a woman, a man and gender unknown."""
    directory = setting.directory
    portfolios = setting.campaign.portfolios()
    bases = {
        "pm": directory.find("pm"),
        "minister": directory.find(f"minister:{portfolios[0]}") if portfolios else None,
        "mp": directory.search("mp")[0],
    }
    found = []
    for role, role_name in ROLES:
        if bases[role] is None:
            continue
        for gender, gender_name in GENDERS:
            if gender == "u" and role == "pm":
                continue  # no neutral form of address: compose refuses (see require_gender)
            first, last = SAMPLE_NAMES[gender]
            sample = replace(
                bases[role],
                gender=gender,
                first_name=first,
                last_name=last,
                email=f"{first}.{last}@example.ca".lower() if bases[role].email else None,
            )
            found.append((f"{role_name}, {gender_name}", sample))
    return found


def _sample_riding(recipient: Recipient) -> str:
    return recipient.riding if recipient.role == "mp" else "Hull—Aylmer"


def _sample_sender(recipient: Recipient, lang: str):
    """A sample constituent; to an MP from the MP's riding (whose name may elide "de")."""
    return make_sender(
        name="Jeanne Tremblay",
        street=["123, rue Principale"],
        city="Gatineau",
        province="QC",
        postal_code="J8X 1A1",
        riding=_sample_riding(recipient),
        email="jeanne.tremblay@example.ca",
        lang=lang,
    )


def _pairs(setting: Setting, lang: str, day: date) -> list[Pair]:
    """Both letters to each recipient kind; untranslated messages print in English, listed."""
    return [
        Pair(
            label,
            *(
                letter_for(
                    setting, _sample_sender(recipient, code), recipient, day, allow_incomplete=True
                )
                for code in (SOURCE_LANGUAGE, lang)
            ),
            names=proofing.data_names(recipient, _sample_riding(recipient)),
        )
        for label, recipient in _recipients(setting)
    ]


# -- rendering ------------------------------------------------------------------------------------


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _css(name: str) -> str:
    return (templates_dir() / name).read_text(encoding="utf-8")


def _letter_srcdoc(letter: Letter) -> str:
    """A letter as a standalone page for an iframe: its HTML with the print CSS inlined."""
    css = "\n".join(
        line for line in _css("letter.css").splitlines() if not line.startswith("@font-face")
    )
    return render_html(letter).replace("</head>", f"<style>{css}</style>\n</head>", 1)


def _render(review: Review, mode: str, sheets=(), fonts: str = "") -> str:
    return (
        _environment()
        .get_template("review.html.j2")
        .render(
            review=review,
            mode=mode,
            css=fonts + "\n" + _css("review.css"),
            sources=catalog.SOURCES,
            srcdoc=_letter_srcdoc,
            sheets=sheets,
            sheet={
                "w": SHEET_W,
                "h": SHEET_H,
                "band": BAND,
                "margin": MARGIN,
                "gap": GAP,
                "page_w": PAGE_W,
                "page_h": PAGE_H,
            },
        )
    )


def review_html(
    campaign_id: str, lang: str, day: date | None = None, skip_unavailable: bool = False
) -> str:
    """The review as one self-contained HTML file (letters in sandboxed iframes, no fetches)."""
    return _render(build_review(campaign_id, lang, day, skip_unavailable), "html")


@dataclass(frozen=True)
class Sheet:
    """One landscape sheet of the PDF: page `page` of both letters to one recipient kind."""

    label: str
    page: int
    pages: tuple[int, int]  # page counts: English, translation
    untranslated: int


def review_pdf(
    campaign_id: str, lang: str, day: date | None = None, skip_unavailable: bool = False
) -> bytes:
    """The review as PDF: WeasyPrint for the tables and sheets, the real letter pages laid on."""
    review = build_review(campaign_id, lang, day, skip_unavailable)
    letters = [
        [PdfReader(io.BytesIO(write_pdf(render_html(letter), letter))).pages for letter in pair]
        for pair in ((p.english, p.translated) for p in review.pairs)
    ]
    sheets = [
        Sheet(pair.label, page + 1, (len(en), len(tr)), len(pair.translated.untranslated))
        for pair, (en, tr) in zip(review.pairs, letters, strict=True)
        for page in range(max(len(en), len(tr)))
    ]
    fonts = [line for line in _css("letter.css").splitlines() if line.startswith("@font-face")]
    html = _render(review, "pdf", sheets, "\n".join(fonts))
    base = HTML(string=html, url_fetcher=LockedFetcher(), base_url=SCHEME).write_pdf()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(base)))
    sheet = len(writer.pages) - len(sheets)
    for sides in letters:
        for page in range(max(len(pages) for pages in sides)):
            placed = [
                (pages[page], MARGIN + column * (PAGE_W + GAP), SHEET_H - BAND - PAGE_H)
                for column, pages in enumerate(sides)
                if page < len(pages)
            ]
            _lay_pages(writer, writer.pages[sheet], placed)
            sheet += 1
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _lay_pages(writer: PdfWriter, sheet, placed: list[tuple[PageObject, float, float]]) -> None:
    """Draw whole pages onto a sheet as Form XObjects (the n-up technique of pdfjam).

    pypdf's merge_transformed_page re-parses every content stream (about 0.3 s a page); a Form
    XObject reuses the page's stream as is, so laying 36 pages takes a fraction of a second.
    """
    # WeasyPrint shares one resource dictionary between pages: give this sheet its own.
    resources = DictionaryObject(sheet[NameObject("/Resources")].get_object())
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    resources[NameObject("/XObject")] = xobjects
    sheet[NameObject("/Resources")] = resources
    draw = []
    for number, (page, x, y) in enumerate(placed):
        name = NameObject(f"/LetterPage{number}")
        xobjects[name] = _form(writer, page)
        draw.append(f"q 1 0 0 1 {x} {y} cm {name} Do Q")
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    after.set_data(("\nQ\n" + "\n".join(draw) + "\n").encode("ascii"))
    contents = sheet.raw_get("/Contents")
    old = (
        list(contents.get_object())
        if isinstance(contents.get_object(), ArrayObject)
        else [contents]
    )
    sheet[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(before), *old, writer._add_object(after)]
    )


def _form(writer: PdfWriter, page: PageObject):
    """One page of another PDF as a Form XObject owned by `writer`."""
    contents = page["/Contents"].get_object()
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    form = DecodedStreamObject()
    form.set_data(b"\n".join(stream.get_object().get_data() for stream in streams))
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(page.mediabox),
            NameObject("/Resources"): page["/Resources"].clone(writer),
        }
    )
    return writer._add_object(form.flate_encode())
