"""`letters i18n …`: the translators' workflow (extract, init, update, check, proof, compile, stats,
review)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from ..campaign import campaign_ids
from ..errors import InputError
from ..output import safe_name, shown, write_atomic
from ..translation import catalog, check_catalog, failing, proofing, summary
from . import main
from .options import parse_date

LOCALE_HELP = "Only this language (default: every catalog's languages)."
CAMPAIGN_HELP = (
    "This campaign's own catalogs: an id or a folder (repeatable). Default: the interface's "
    "catalogs (locales/) and every shipped campaign's."
)
INTERFACE_HELP = "The interface's catalogs (locales/: templates and code); with --campaign, both."
# Proofreading refuses to run without its tools (a proof that checked nothing would pass a
# typo); this flag proofreads what this machine can and lists the rest as "not checked".
skip_unavailable_option = click.option(
    "--skip-unavailable",
    is_flag=True,
    help="Proofread what this machine can when a tool or dictionary is missing (listed as"
    " `not checked`), instead of stopping with exit 2.",
)


def _sets(campaigns: tuple[str, ...], interface: bool = False) -> tuple[catalog.Catalogs, ...]:
    """The catalogs a command works on. LETTERS_LOCALES (a copy of the interface's catalogs)
    means the interface's alone unless --campaign says otherwise."""
    if not campaigns and not interface:
        if os.environ.get("LETTERS_LOCALES"):
            return (catalog.interface_catalogs(),)
        return catalog.shipped_catalogs()
    own = tuple(catalog.campaign_catalogs(c) for c in campaigns)
    return (catalog.interface_catalogs(), *own) if interface else own


def _locales(locales: tuple[str, ...], catalogs: catalog.Catalogs) -> tuple[str, ...]:
    return locales or catalogs.languages()


def _all_languages(locales, campaigns, interface=False) -> set[str]:
    """Every language the catalogs a command reads are in (what proofreading needs tools for)."""
    return {lang for c in _sets(campaigns, interface) for lang in _locales(locales, c)}


@main.group(
    "i18n",
    epilog="""\b
Examples:
  letters i18n stats
  letters i18n check --locale fr --strict
""",
)
def i18n_group() -> None:
    """Keep the translations in step with the English.

    \b
    Two kinds of catalog: the interface's (locales/: the letter template's and the code's
    messages) and each campaign's own (<campaign>/locales/: its campaign.toml's messages).
    Without --campaign, a command works on the interface's and every shipped campaign's.

    \b
    After an edit to a campaign, a template or the code:
      letters i18n extract && letters i18n update    # new/changed English into each PO file
      (translate in the PO file; remove "fuzzy" once checked)
      letters i18n check --locale fr                  # what is missing or suspicious
      letters i18n proof --locale fr                  # spelling and French grammar
      letters i18n compile                            # the .mo files the letters read
    Your own campaign: the same with --campaign PATH (e.g. --campaign ./pharmacare).

    LETTERS_LOCALES=<dir> works on another copy of the interface's locales/ (and on it
    alone, unless --campaign names campaigns too).
    """


def catalogs_options(command):
    """--campaign and --interface: which catalogs a command works on."""
    command = click.option("--interface", is_flag=True, help=INTERFACE_HELP)(command)
    return click.option("--campaign", "campaigns", multiple=True, help=CAMPAIGN_HELP)(command)


@i18n_group.command(
    epilog="""\b
Examples:
  letters i18n extract                                   # every catalog's .pot
  letters i18n extract --campaign pharmacare             # one campaign's
"""
)
@catalogs_options
def extract(campaigns, interface) -> None:
    """Write each .pot: locales/messages.pot (templates, code), <campaign>/locales/campaign.pot."""
    for catalogs in _sets(campaigns, interface):
        click.echo(str(shown(catalog.write_pot(catalogs.extract(), catalogs=catalogs))))


@i18n_group.command(
    epilog="""\b
Examples:
  letters i18n extract && letters i18n update
  letters i18n update --locale fr --campaign end-ice-contracts
"""
)
@catalogs_options
@click.option("--locale", "locales", multiple=True, help=LOCALE_HELP)
def update(campaigns, interface, locales) -> None:
    """Merge new English messages into each PO file; changed ones become fuzzy."""
    for catalogs in _sets(campaigns, interface):
        template = catalogs.extract()
        for lang in _locales(locales, catalogs):
            result = catalog.update(lang, template, catalogs)
            state = "updated" if result.changed else "unchanged"
            click.echo(f"{shown(result.path)}: {state}")
            for ref in result.fuzzy:
                click.echo(f"  now fuzzy (the English changed): {ref}")
            for ref in result.obsolete:
                click.echo(f"  obsolete (kept as #~): {ref}")


@i18n_group.command(
    epilog="""\b
Example:
  letters i18n init --locale es      # after `letters i18n extract`
"""
)
@catalogs_options
@click.option("--locale", "lang", required=True, help="Language code, e.g. es, de, pt_BR.")
def init(campaigns, interface, lang) -> None:
    """Start the catalogs of a new language (<locales>/<lang>/LC_MESSAGES/<domain>.po)."""
    for catalogs in _sets(campaigns, interface):
        click.echo(str(shown(catalog.init(lang, catalogs.extract(), catalogs))))


@i18n_group.command(
    "compile",
    epilog="""\b
Examples:
  letters i18n compile
  letters i18n compile --locale fr
""",
)
@catalogs_options
@click.option("--locale", "locales", multiple=True, help=LOCALE_HELP)
@click.option(
    "--force", is_flag=True, help="Compile despite errors, leaving the broken messages out."
)
def compile_(campaigns, interface, locales, force) -> None:
    """Compile each PO file to the .mo that letters read.

    A catalog with a message that would break a letter (a placeholder, tag, markup character or
    format that differs from the English) is refused, exit 2. Messages not translated yet and fuzzy ones
    are work in progress: they are left out, and a letter that needs one refuses to print.
    """
    for catalogs in _sets(campaigns, interface):
        template = catalogs.extract()
        for lang in _locales(locales, catalogs):
            mo, left_out = catalog.compile_catalog(lang, force=force, catalogs=catalogs)
            click.echo(str(shown(mo)))
            for finding in left_out:
                click.echo(f"left out: {finding.line()}", err=True)
            count = next(c for c in catalog.stats(lang, template, catalogs) if c.source == "all")
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
@catalogs_options
@click.option("--locale", "locales", multiple=True, help=LOCALE_HELP)
@click.option("--strict", is_flag=True, help="Fail on warnings too (CI uses this).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--proof", is_flag=True, help="Proofread too (spelling, French grammar): `letters i18n proof`."
)
@skip_unavailable_option
def check(campaigns, interface, locales, strict, fmt, proof, skip_unavailable) -> None:
    """Find missing, fuzzy and suspicious translations; exit 1 if any fails.

    Errors (untranslated, fuzzy, placeholders, markup…) always fail; warnings (numbers,
    typography, agreed terms…) fail with --strict. With --proof, the proofreading findings of
    `letters i18n proof` (catalogs and composed letters) are added; a missing proofreading
    tool stops the run (exit 2) unless --skip-unavailable.
    """
    if proof and not skip_unavailable:  # before the checks' work, not after it
        proofing.require_tools(("en", *_all_languages(locales, campaigns, interface)))
    findings = []
    for catalogs in _sets(campaigns, interface):
        template = catalogs.extract()
        for lang in _locales(locales, catalogs):
            po = catalog.load_po(lang, catalogs)
            findings += check_catalog(po, template, shown(catalogs.po_path(lang)), lang)
    unchecked: list[str] = []
    if proof:
        result = proofing.proofread(
            proofing.project_texts(locales, campaigns or None),
            proofing.with_campaign_words(campaigns or campaign_ids()),
            skip_unavailable=skip_unavailable,
        )
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
@skip_unavailable_option
def proof_(locales, campaigns, no_letters, strict, fmt, skip_unavailable) -> None:
    """Proofread: spelling (Hunspell en_CA, fr_CA) and French grammar (Grammalecte).

    \b
    Reads every English source string (templates, code, campaigns), every translation, and
    the letters as `compose` writes them to each kind of recipient (PM, each minister, an MP
    who is a woman, a man or of unknown gender; one demand and all; with and without a note,
    whose words are the sender's and are not checked). Placeholders and markup are masked.
    Words and rules: letters/data/proofing.toml (each with its reason). Exit 1 on an error;
    exit 2 when a tool or dictionary is missing (the line says what to install), unless
    --skip-unavailable.
    """
    if not skip_unavailable:  # before extracting and composing: say it at once
        proofing.require_tools(("en", *_all_languages(locales, campaigns)))
    result = proofing.proofread(
        proofing.project_texts(locales, campaigns or None, letters=not no_letters),
        proofing.with_campaign_words(campaigns or campaign_ids()),
        skip_unavailable=skip_unavailable,
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
@catalogs_options
@click.option("--locale", "locales", multiple=True, help=LOCALE_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def stats(campaigns, interface, locales, fmt) -> None:
    """Per language and source: translated, fuzzy and untranslated messages."""
    counts = []
    for catalogs in _sets(campaigns, interface):
        template = catalogs.extract()
        name = catalogs.campaign or "interface"
        for lang in _locales(locales, catalogs):
            counts += [(name, c) for c in catalog.stats(lang, template, catalogs)]
    if fmt == "json":
        rows = [
            {"catalog": name, **c.__dict__, "percent": round(c.percent, 1)} for name, c in counts
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    width = max([len("catalog"), *(len(name) for name, _ in counts)]) + 2
    click.echo(
        f"{'catalog':<{width}}{'locale':<7}{'source':<17}{'total':>6}{'done':>6}{'fuzzy':>6}"
        f"{'todo':>6}{'%':>7}"
    )
    for name, c in counts:
        click.echo(
            f"{name:<{width}}{c.locale:<7}{c.source:<17}{c.total:>6}{c.translated:>6}"
            f"{c.fuzzy:>6}{c.untranslated:>6}{c.percent:>6.1f}%"
        )


@i18n_group.command()
@click.option("--campaign", "campaign_id", required=True, help="Campaign id or folder.")
@click.option("--locale", "lang", required=True, help="The translation to review, e.g. fr.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="review.pdf or review.html (default: output/review/<campaign>-<locale>.pdf).",
)
@click.option("--date", "day", help="Date of the sample letters, YYYY-MM-DD (default: today).")
@skip_unavailable_option
def review(campaign_id, lang, output, day, skip_unavailable) -> None:
    """A document for a human reviewer: every message English | translation, then the letters.

    \b
    Example:
      letters i18n review --campaign end-ice-contracts --locale fr -o review.pdf
    """
    from ..translation import review_html, review_pdf  # WeasyPrint only when asked for

    name = safe_name(Path(campaign_id).resolve().name)  # an id, or a campaign's folder
    path = Path(output or f"output/review/{name}-{lang}.pdf")
    if path.suffix not in (".pdf", ".html"):
        raise InputError(
            f"cannot write {path.name}", field="output", fix="end the name in .pdf or .html"
        )
    when = parse_date(day)
    content = (
        review_pdf(campaign_id, lang, when, skip_unavailable)
        if path.suffix == ".pdf"
        else review_html(campaign_id, lang, when, skip_unavailable).encode("utf-8")
    )
    click.echo(str(write_atomic(path, content)))
