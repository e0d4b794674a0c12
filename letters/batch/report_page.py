"""report.html: the organiser's report as one self-contained, bilingual page.

No script and nothing to fetch: the stylesheet is inline and the charts are SVG images in
`data:` URLs. The charts are drawn by pygal (static SVG, from Kozea, WeasyPrint's makers); an
SVG shown through `<img>` can neither run a script nor load anything, and pygal's own script
element (its tooltips' configuration) is taken out before the SVG is written. Every name on the
page (offices, ridings, provinces) comes from the directory and the district data, and Jinja2
escapes it; pygal writes the chart's text through an XML serialiser, which escapes it too.

The page holds the report in English and in French; `report.html#fr` (or the link at its top)
shows the French, with CSS alone (`:target`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date, datetime

import pygal
from babel.dates import format_datetime, format_timedelta
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from ..errors import translatable
from ..i18n import Language, long_date, mark
from ..render import environment
from ..resources import templates_dir
from ..senders import PROVINCES
from ..version import __version__
from .report import REPORT_LANGUAGES, UNKNOWN, Office, Report, Tally
from .similarity import CONDITIONS, LINE

TOP_RIDINGS = 10
PROVINCE_NAMES = {p.code: p for p in PROVINCES}

# The field errors.csv names, as the page names the cause.
CAUSES = {
    "name": translatable("Name missing or unreadable"),
    "street": translatable("Street address missing"),
    "city": translatable("City missing"),
    "province": translatable("Province not recognized"),
    "postal_code": translatable("Postal code invalid or not in the province"),
    "email": translatable("Email address invalid"),
    "phone": translatable("Phone number invalid"),
    "lang": translatable("Language not available, or the letter not fully translated"),
    "language": translatable("Language not available, or the letter not fully translated"),
    "riding": translatable("Riding missing, unknown or vacant"),
    "demand": translatable("Demand not in the campaign"),
    "demands": translatable("Demand not in the campaign"),
    "note": translatable("Personal paragraph too long"),
    "signature": translatable("Signature image missing or refused"),
    "gender": translatable("Office holder’s form of address unknown"),
}
CONDITION_LABELS = {
    "neither": translatable("Campaign’s main text only, no personal paragraphs"),
    "without_notes": translatable("With the variants, no personal paragraphs"),
    "without_variants": translatable("With the personal paragraphs, no variants"),
    "as_sent": translatable("As sent: variants and personal paragraphs"),
}
# The office of a Prime Minister or an MP, as a table cell; French agrees with the holder.
OFFICE_WORDS = {
    ("pm", "f"): mark("office of a woman", "Prime Minister"),
    ("pm", "m"): mark("office of a man", "Prime Minister"),
    ("pm", "u"): mark("office, gender unknown", "Prime Minister"),
    ("mp", "f"): mark("office of a woman", "MP"),
    ("mp", "m"): mark("office of a man", "MP"),
    ("mp", "u"): mark("office, gender unknown", "MP"),
}
KIND_LABELS = {
    "pm": translatable("Prime Minister"),
    "minister": translatable("Ministers"),
    "mp": translatable("MPs"),
}


class Words:
    """Numbers, dates and our own words in one language."""

    def __init__(self, lang: str) -> None:
        self.language = Language(lang)
        self.locale = self.language.locale
        self.lang = lang

    def gettext(self, message: str, **values) -> str:
        return self.language.gettext(message, **values)

    def number(self, value: int | float | None) -> str:
        return "—" if value is None else format_decimal(value, locale=self.locale)

    def share(self, part: int | None, whole: int) -> str:
        if part is None or not whole:
            return "—"
        return format_percent(part / whole, locale=self.locale)

    def similarity(self, value: float | None) -> str:
        return "—" if value is None else format_decimal(value, format="0.00", locale=self.locale)

    def rate(self, value: float | None) -> str:
        return "—" if value is None else format_decimal(value, format="0.0", locale=self.locale)

    def duration(self, seconds: float | None) -> str:
        if seconds is None:
            return "—"
        exact = format_decimal(seconds, format="0.0", locale=self.locale)
        if seconds < 60:
            return self.gettext("%(seconds)s s", seconds=exact)
        about = format_timedelta(seconds, locale=self.locale, threshold=1.1)
        return self.gettext("%(about)s (%(seconds)s s)", about=about, seconds=exact)

    def day(self, iso: str | None) -> str:
        """ "February 1, 2026", « 1er février 2026 » (a table's value: no « le »)."""
        if not iso:
            return "—"
        return long_date(date.fromisoformat(iso), self.lang).removeprefix("le ")

    def moment(self, iso: str | None) -> str:
        if not iso:
            return "—"
        when = datetime.fromisoformat(iso)
        return format_datetime(when, "medium", tzinfo=when.tzinfo, locale=self.locale) + " UTC"

    def unknown(self) -> str:
        # TRANSLATORS: a riding or a province the supporters' sheet did not give (in French,
        # « circonscription » and « province » are both feminine).
        return self.gettext("Unknown")

    def language_name(self, code: str) -> str:
        """ "English", "French" in English; « anglais », « français » in French, capitalised."""
        from babel import Locale

        try:
            name = Locale.parse(code).get_display_name(self.locale) or code
        except (ValueError, LookupError):
            name = code
        return name[:1].upper() + name[1:]

    def province(self, code: str) -> str:
        province = PROVINCE_NAMES.get(code)
        if province is None:
            return self.unknown()
        return province.name_fr if self.lang == "fr" else province.name_en

    def riding(self, report: Report, code: str) -> str:
        names = report.districts.get(code)
        if not names:
            return self.unknown() if code == UNKNOWN else code
        return names[1] if self.lang == "fr" else names[0]

    def office(self, office: Office) -> str:
        if office.kind == "minister":
            title = office.title_fr if self.lang == "fr" else office.title_en
            return title[:1].upper() + title[1:]
        gender = office.gender if office.gender in ("f", "m") else "u"
        return self.language.pgettext(*OFFICE_WORDS[office.kind, gender])


def _languages(report: Report, words: Words, tally: Tally) -> list[str]:
    return [words.number(tally.languages.get(code, 0)) for code in report.languages]


def _place_rows(report: Report, words: Words, tallies, name: Callable[[str], str]) -> list[dict]:
    return [
        {
            "name": name(t.key),
            "letters": words.number(t.letters),
            "languages": _languages(report, words, t),
            "kinds": [words.number(t.kinds.get(kind, 0)) for kind in report.kinds],
            "notes": words.share(t.notes, t.letters),
        }
        for t in tallies
    ]


def _office_rows(report: Report, words: Words) -> list[dict]:
    rows = []
    for office in report.offices:
        likeness = office.likeness or {}
        sent, neither = likeness.get("as_sent", {}), likeness.get("neither", {})
        rows.append(
            {
                "name": office.name,
                "office": words.office(office),
                "riding": words.riding(report, office.riding),
                "province": words.province(office.province),
                "letters": words.number(office.tally.letters),
                "languages": _languages(report, words, office.tally),
                "notes": words.share(office.tally.notes, office.tally.letters),
                "highest": words.similarity(sent.get("highest")),
                "median": words.similarity(sent.get("median")),
                "above": words.number(sent.get("above_line")) if sent else "—",
                "above_plain": words.number(neither.get("above_line")) if neither else "—",
            }
        )
    return rows


def bar_chart(title: str, labels: list[str], values: list[int], words: Words) -> str:
    """A horizontal bar chart as a `data:` URL of a static SVG with no script."""
    style = pygal.style.Style(
        background="white",
        plot_background="white",
        foreground="#1a1a1a",
        foreground_strong="#1a1a1a",
        foreground_subtle="#595959",
        colors=("#1f5f99",),
        font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        title_font_size=18,
        label_font_size=15,
        major_label_font_size=15,
        value_font_size=15,
        value_colors=("#1a1a1a",),
    )
    chart = pygal.HorizontalBar(
        style=style,
        title=title,
        show_legend=False,
        print_values=True,
        width=560,
        height=80 + 34 * len(labels),
        js=[],
        no_prefix=True,
        truncate_label=-1,
        show_x_labels=False,
        show_x_guides=False,
        print_values_position="top",
        value_formatter=words.number,
        margin=20,
    )
    # pygal draws the first bar at the bottom: reversed, the largest is on top.
    chart.x_labels = labels[::-1]
    chart.add(title, values[::-1])
    chart.add_xml_filter(_without_script)
    svg = chart.render()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _without_script(root):
    """pygal always writes a <script> with its tooltips' configuration: drop it, and refuse an
    SVG that would still carry a script, an event handler or a link."""
    for parent in root.iter():
        for child in list(parent):
            if str(child.tag).rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    for element in root.iter():
        tag = str(element.tag).rsplit("}", 1)[-1].lower()
        names = [str(name).rsplit("}", 1)[-1].lower() for name in element.attrib]
        if tag in ("script", "foreignobject", "a") or any(
            n.startswith("on") or n == "href" for n in names
        ):
            raise ValueError(f"the chart's SVG carries <{tag}> or an event handler or link")
    return root


def _causes(report: Report, words: Words) -> list[tuple[str, str]]:
    """Problems by cause, most rows first; two fields with one meaning are one cause."""
    rows: dict[str, int] = {}
    for cause in report.causes:
        label = words.gettext(CAUSES[cause.field]) if cause.field in CAUSES else cause.field
        rows[label] = rows.get(label, 0) + cause.rows
    ranked = sorted(rows.items(), key=lambda item: (-item[1], item[0]))
    return [(label, words.number(count)) for label, count in ranked]


def _charts(report: Report, words: Words) -> list[dict]:
    charts = []
    provinces = [t for t in report.provinces if t.key != UNKNOWN]
    if provinces:
        charts.append(
            {
                "src": bar_chart(
                    words.gettext("Letters per province or territory"),
                    [words.province(t.key) for t in provinces],
                    [t.letters for t in provinces],
                    words,
                ),
                "alt": words.gettext(
                    "Bar chart of the letters per province or territory; the table below gives "
                    "the numbers."
                ),
            }
        )
    ridings = [t for t in report.ridings if t.key != UNKNOWN][:TOP_RIDINGS]
    if ridings:
        charts.append(
            {
                "src": bar_chart(
                    words.gettext("The ridings with the most letters"),
                    [words.riding(report, t.key) for t in ridings],
                    [t.letters for t in ridings],
                    words,
                ),
                "alt": words.gettext(
                    "Bar chart of the %(count)s ridings with the most letters; the table below "
                    "gives every riding.",
                    count=words.number(len(ridings)),
                ),
            }
        )
    return charts


def page_view(report: Report, lang: str) -> dict:
    """Everything the page shows in one language, decided and formatted here."""
    words = Words(lang)
    with_letters = report.letters
    similarity = report.similarity or {}
    run = [
        (
            words.gettext("Campaign"),
            report.campaign_title.get(lang) or "—",
        ),
        (words.gettext("Date on the letters"), words.day(report.day)),
        (words.gettext("Run started"), words.moment(report.started)),
        (words.gettext("Time taken"), words.duration(report.seconds)),
        (words.gettext("Letters written in this run"), words.number(report.written)),
        (words.gettext("Letters already done and kept"), words.number(report.kept)),
        (words.gettext("Letters per second"), words.rate(report.letters_per_second)),
        (words.gettext("Similarity measured in"), words.duration(report.similarity_seconds)),
        (words.gettext("Directory as of"), words.day(report.directory_as_of)),
        (
            words.gettext("House of Commons as of"),
            words.day(report.house_as_of or report.directory_as_of),
        ),
    ]
    above = similarity.get("as_sent", {}).get("above_line")
    headline = [
        (words.gettext("Letters"), words.number(report.letters)),
        (words.gettext("Rows read"), words.number(report.rows_read)),
        (words.gettext("Rows not used"), words.number(report.rows_not_used)),
        (words.gettext("With a personal paragraph"), words.share(report.notes, with_letters)),
        (
            words.gettext("Above %(line)s similarity", line=words.similarity(LINE)),
            words.share(above, with_letters) if above is not None else "—",
        ),
    ]
    return {
        "lang": lang,
        "tag": words.language.tag,
        "title": words.gettext("Campaign report"),
        "campaign": report.campaign_title.get(lang, ""),
        "dry_run": report.dry_run,
        "recorded": report.recorded,
        "headline": headline,
        "run": run,
        "languages": [words.language_name(code) for code in report.languages],
        "kinds": [words.gettext(KIND_LABELS[kind]) for kind in report.kinds],
        "offices": _office_rows(report, words),
        "provinces": _place_rows(report, words, report.provinces, words.province),
        "ridings": _place_rows(
            report, words, report.ridings, lambda code: words.riding(report, code)
        ),
        "charts": _charts(report, words),
        "causes": _causes(report, words),
        "duplicates": words.number(report.duplicate_rows),
        "error_rows": words.number(report.error_rows),
        "partial_rows": words.number(report.partial_rows) if report.partial_rows else "",
        "rows_not_used": words.number(report.rows_not_used),
        "measured": bool(similarity),
        "line": words.similarity(LINE),
        "conditions": [
            (
                words.gettext(CONDITION_LABELS[condition]),
                words.number(similarity[condition]["above_line"]),
                words.share(similarity[condition]["above_line"], similarity[condition]["letters"]),
                words.similarity(similarity[condition].get("median")),
            )
            for condition in reversed(CONDITIONS)
            if condition in similarity
        ],
        "version": __version__,
    }


def report_html(report: Report) -> bytes:
    """The page: the report in each language, English shown first."""
    views = {lang: page_view(report, lang) for lang in REPORT_LANGUAGES}
    sections = {
        lang: Markup(  # noqa: S704 (rendered by an autoescaping Jinja2 environment)
            environment(lang).get_template("report-language.html.j2").render(view=view)
        )
        for lang, view in views.items()
    }
    css = (templates_dir() / "report.css").read_text(encoding="utf-8")
    page = (
        environment("en")
        .get_template("report.html.j2")
        .render(
            sections=sections,
            css=Markup(css),  # noqa: S704 (our own stylesheet)
            titles=[view["title"] for view in views.values()],
        )
    )
    return page.encode("utf-8")


__all__ = ["bar_chart", "page_view", "report_html"]
