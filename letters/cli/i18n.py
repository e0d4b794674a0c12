"""`letters i18n …`: the translators' workflow (extract, init, update, check, proof, compile, stats,
review)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import InputError
from ..i18n import MessageRef
from ..output import write_atomic
from ..translation import catalog, check_catalog, failing, proofing, summary
from . import main
from .options import parse_date, shown_path

LOCALE_HELP = "Only this language (default: every catalog in locales/)."


def _locales(locales: tuple[str, ...]) -> tuple[str, ...]:
    return locales or catalog.po_languages()


@main.group(
    "i18n",
    epilog="""\b
Examples:
  letters i18n stats
  letters i18n check --locale fr --strict
""",
)
def i18n_group() -> None:
    """Keep the translations in locales/ in step with the English.

    \b
    After an edit to a campaign, a template or the code:
      letters i18n extract && letters i18n update    # new/changed English into each PO file
      (translate in the PO file; remove "fuzzy" once checked)
      letters i18n check --locale fr                  # what is missing or suspicious
      letters i18n proof --locale fr                  # spelling and French grammar
      letters i18n compile                            # the .mo files the letters read

    LETTERS_LOCALES=<dir> works on another copy of locales/.
    """


@i18n_group.command(epilog="\b\nExample:\n  letters i18n extract      # -> locales/messages.pot")
def extract() -> None:
    """Write locales/messages.pot from the templates, the code and the campaigns."""
    click.echo(str(catalog.write_pot(catalog.extract())))


@i18n_group.command(
    epilog="""\b
Examples:
  letters i18n extract && letters i18n update
  letters i18n update --locale fr
"""
)
@click.option("--locale", "locales", multiple=True, help=LOCALE_HELP)
def update(locales) -> None:
    """Merge new English messages into each PO file; changed ones become fuzzy."""
    template = catalog.extract()
    for lang in _locales(locales):
        result = catalog.update(lang, template)
        state = "updated" if result.changed else "unchanged"
        click.echo(f"{shown_path(result.path)}: {state}")
        for msgid in result.fuzzy:
            click.echo(f"  now fuzzy (the English changed): {MessageRef(msgid)}")
        for msgid in result.obsolete:
            click.echo(f"  obsolete (kept as #~): {MessageRef(msgid)}")


@i18n_group.command(
    epilog="""\b
Example:
  letters i18n init --locale es      # after `letters i18n extract`
"""
)
@click.option("--locale", "lang", required=True, help="Language code, e.g. es, de, pt_BR.")
def init(lang) -> None:
    """Start the catalog of a new language (locales/<lang>/LC_MESSAGES/messages.po)."""
    click.echo(str(catalog.init(lang, catalog.extract())))


@i18n_group.command(
    "compile",
    epilog="""\b
Examples:
  letters i18n compile
  letters i18n compile --locale fr
""",
)
@click.option("--locale", "locales", multiple=True, help=LOCALE_HELP)
@click.option(
    "--force", is_flag=True, help="Compile despite errors, leaving the broken messages out."
)
def compile_(locales, force) -> None:
    """Compile each PO file to the .mo that letters read.

    A catalog with a message that would break a letter (a placeholder, tag, markup character or
    format that differs from the English) is refused, exit 2. Messages not translated yet and fuzzy ones
    are work in progress: they are left out, and a letter that needs one refuses to print.
    """
    template = catalog.extract()
    for lang in _locales(locales):
        mo, left_out = catalog.compile_catalog(lang, force=force)
        click.echo(str(mo))
        for finding in left_out:
            click.echo(f"left out: {finding.line()}", err=True)
        count = next(c for c in catalog.stats(lang, template) if c.source == "all")
        if count.translated < count.total:
            click.echo(
                f"{lang}: {count.translated} of {count.total} messages translated; the "
                f"{count.total - count.translated} untranslated or fuzzy are left out "
                f"(`letters i18n check --locale {lang}` lists them)",
                err=True,
            )


@i18n_group.command(
    epilog="""\b
Examples:
  letters i18n check --locale fr
  letters i18n check --locale fr --strict --proof     # as make test runs it
  letters i18n check --format json > findings.json
"""
)
@click.option("--locale", "locales", multiple=True, help=LOCALE_HELP)
@click.option("--strict", is_flag=True, help="Fail on warnings too (CI uses this).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--proof", is_flag=True, help="Proofread too (spelling, French grammar): `letters i18n proof`."
)
def check(locales, strict, fmt, proof) -> None:
    """Find missing, fuzzy and suspicious translations; exit 1 if any fails.

    Errors (untranslated, fuzzy, placeholders, markup…) always fail; warnings (numbers,
    typography, agreed terms…) fail with --strict. With --proof, the proofreading findings of
    `letters i18n proof` (catalogs and composed letters) are added.
    """
    template = catalog.extract()
    findings = []
    for lang in _locales(locales):
        po = catalog.load_po(lang)
        findings += check_catalog(po, template, shown_path(catalog.po_path(lang)), lang)
    unchecked: list[str] = []
    if proof:
        result = proofing.proofread(proofing.project_texts(locales))
        findings += result.findings
        unchecked = result.unchecked
    _report(findings, unchecked, strict, fmt)


def _report(findings, unchecked: list[str], strict: bool, fmt: str) -> None:
    """Print findings as text lines or JSON; exit 1 if any fails."""
    if fmt == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            click.echo(finding.line())
    for note in unchecked:
        click.echo(f"not checked: {note}", err=True)
    if fmt != "json":
        click.echo(summary(findings, strict), err=True)
    if failing(findings, strict):
        raise SystemExit(1)


@i18n_group.command(
    "proof",
    epilog="""\b
Examples:
  letters i18n proof
  letters i18n proof --locale fr --no-letters     # the catalog only
""",
)
@click.option("--locale", "locales", multiple=True, help=LOCALE_HELP)
@click.option("--campaign", "campaigns", multiple=True, help="Only this campaign's letters.")
@click.option("--no-letters", is_flag=True, help="Only the catalogs, not the composed letters.")
@click.option("--strict", is_flag=True, help="Fail on warnings (typography) too.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def proof_(locales, campaigns, no_letters, strict, fmt) -> None:
    """Proofread: spelling (Hunspell en_CA, fr_CA) and French grammar (Grammalecte).

    \b
    Reads every English source string (templates, code, campaigns), every translation, and
    the letters as `compose` writes them to each kind of recipient (PM, each minister, an MP
    who is a woman, a man or of unknown gender; one demand and all; with and without a note,
    whose words are the sender's and are not checked). Placeholders and markup are masked.
    Words and rules: letters/data/proofing.toml (each with its reason). Exit 1 on an error.
    """
    result = proofing.proofread(
        proofing.project_texts(locales, campaigns or None, letters=not no_letters)
    )
    _report(result.findings, result.unchecked, strict, fmt)
    if fmt == "text":
        click.echo(f"{result.texts} texts proofread in {result.seconds:.1f} s", err=True)


@i18n_group.command(
    epilog="""\b
Examples:
  letters i18n stats
  letters i18n stats --locale fr --format json
"""
)
@click.option("--locale", "locales", multiple=True, help=LOCALE_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def stats(locales, fmt) -> None:
    """Per language and source: translated, fuzzy and untranslated messages."""
    template = catalog.extract()
    counts = [c for lang in _locales(locales) for c in catalog.stats(lang, template)]
    if fmt == "json":
        rows = [{**c.__dict__, "percent": round(c.percent, 1)} for c in counts]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'locale':<7}{'source':<17}{'total':>6}{'done':>6}{'fuzzy':>6}{'todo':>6}{'%':>7}")
    for c in counts:
        click.echo(
            f"{c.locale:<7}{c.source:<17}{c.total:>6}{c.translated:>6}{c.fuzzy:>6}"
            f"{c.untranslated:>6}{c.percent:>6.1f}%"
        )


@i18n_group.command()
@click.option("--campaign", "campaign_id", required=True, help="Campaign id.")
@click.option("--locale", "lang", required=True, help="The translation to review, e.g. fr.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="review.pdf or review.html (default: output/review/<campaign>-<locale>.pdf).",
)
@click.option("--date", "day", help="Date of the sample letters, YYYY-MM-DD (default: today).")
def review(campaign_id, lang, output, day) -> None:
    """A document for a human reviewer: every message English | translation, then the letters.

    \b
    Example:
      letters i18n review --campaign end-ice-contracts --locale fr -o review.pdf
    """
    from ..translation import review_html, review_pdf  # WeasyPrint only when asked for

    path = Path(output or f"output/review/{campaign_id}-{lang}.pdf")
    if path.suffix not in (".pdf", ".html"):
        raise InputError(
            f"cannot write {path.name}", field="output", fix="end the name in .pdf or .html"
        )
    when = parse_date(day)
    content = (
        review_pdf(campaign_id, lang, when)
        if path.suffix == ".pdf"
        else review_html(campaign_id, lang, when).encode("utf-8")
    )
    click.echo(str(write_atomic(path, content)))
