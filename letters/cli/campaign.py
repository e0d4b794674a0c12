"""`letters campaign new / check / preview`: an organiser's own campaign folder."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..output import inside, safe_name, shown, write_atomic
from . import main
from .i18n import skip_unavailable_option
from .options import parse_date

CAMPAIGN_HELP = "The campaign: its folder, or an id (LETTERS_CAMPAIGNS, this folder, shipped)."


@main.group("campaign")
def campaign_group() -> None:
    """Make, check and preview a campaign folder of your own.

    \b
    A campaign is a folder: campaign.toml (the English), locales/ (its translations), and
    optionally directory.toml (ministers the shipped directory lacks) and proofing.toml (its
    own words). Keep it anywhere: name it with --campaign PATH, list its parent folder in
    LETTERS_CAMPAIGNS, or run letters inside it. See docs/campaigns.md.

    \b
    Examples:
      letters campaign new pharmacare-now
      letters campaign check pharmacare-now
      letters campaign preview pharmacare-now -o review.pdf
    """


@campaign_group.command(
    "new",
    epilog="""\b
Examples:
  letters campaign new pharmacare-now                # ./pharmacare-now/
  letters campaign new pharmacare-now --dir ~/campaigns
""",
)
@click.argument("campaign_id")
@click.option(
    "--dir",
    "parent",
    type=click.Path(file_okay=False),
    default=".",
    show_default="the current folder",
    help="Where to make the campaign's folder (named after its id).",
)
def new(campaign_id, parent) -> None:
    """Write a commented starter campaign folder, ready to edit, check and translate.

    It shows every tool a campaign has: text for one role, one/several demands, an office named
    with a `to_holder` wording, variants, italics and a demand for MPs only. It passes
    `letters campaign check` as written.
    """
    from ..organiser import new_campaign

    folder = Path(parent) / campaign_id
    for path in new_campaign(folder, campaign_id):
        click.echo(str(shown(path)))
    click.echo(
        f"Next: edit {shown(folder / 'campaign.toml')}, then "
        f"`letters campaign check {shown(folder)}` (docs/campaigns.md)",
        err=True,
    )


@campaign_group.command(
    "check",
    epilog="""\b
Examples:
  letters campaign check campaigns/pharmacare
  letters campaign check pharmacare-now --strict      # before a batch
  letters campaign check pharmacare-now --format json
""",
)
@click.argument("campaign")
@click.option("--strict", is_flag=True, help="Fail on warnings and on incomplete languages too.")
@click.option(
    "--no-proof", is_flag=True, help="Skip proofreading (spelling, French grammar) of its words."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@skip_unavailable_option
def check(campaign, strict, no_proof, fmt, skip_unavailable) -> None:
    """Check a campaign and say what is ready; exit 1 if anything fails.

    \b
    Strict validation (a misspelt key or portfolio names the nearest known one), the
    translation checks of its own catalogs, proofreading of its English, its translations and
    its letters. Then: which languages are complete, and which recipients the demands reach.
    A language not translated yet is not a failure (it is not ready); --strict makes it one.
    """
    from ..organiser import check_campaign

    result = check_campaign(campaign, proof=not no_proof, skip_unavailable=skip_unavailable)
    problems = result.problems(strict)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "campaign": result.campaign.id,
                    "folder": str(result.campaign.folder),
                    "languages": [
                        {**state.__dict__, "complete": state.complete} for state in result.languages
                    ],
                    "reach": [
                        {"recipient": r.recipient, "demands": r.demands} for r in result.reach
                    ],
                    "findings": [f.as_dict() for f in result.findings],
                    "not_checked": list(result.unchecked),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for finding in result.findings:
            click.echo(finding.line())
        for note in result.unchecked:
            click.echo(f"not checked: {note}", err=True)
        where = shown(result.campaign.folder)
        click.echo(f"Campaign {result.campaign.id}, in {where}: campaign.toml is valid")
        click.echo("Languages:")
        for state in result.languages:
            click.echo(f"  {state.describe()}")
        click.echo("Recipients the demands reach:")
        for reach in result.reach:
            click.echo(f"  {reach.recipient}: {', '.join(reach.demands) or '(none)'}")
        ready = [state.lang for state in result.languages if state.complete]
        errors = sum(1 for f in result.findings if f.severity == "error")
        warnings = len(result.findings) - errors
        click.echo(
            f"{errors} error(s), {warnings} warning(s); letters can be written in: "
            f"{', '.join(ready)}"
        )
    if problems or (strict and not all(s.complete for s in result.languages)):
        raise SystemExit(1)


@campaign_group.command(
    "preview",
    epilog="""\b
Examples:
  letters campaign preview campaigns/pharmacare -o output/pharmacare-preview.pdf
  letters campaign preview pharmacare-now --date 2026-02-01
""",
)
@click.argument("campaign")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="The PDF (default: output/<campaign>/preview-<date>.pdf).",
)
@click.option("--date", "day", help="Date of the letters, YYYY-MM-DD (default: today).")
def preview(campaign, output, day) -> None:
    """One PDF with every kind of letter the campaign writes, in each of its languages.

    \b
    To the Prime Minister, to each minister the demands name, and to an MP of each form of
    address (a woman, a man, gender unknown), each with one demand and with all; a contents
    page first, a bookmark per letter. Hand it to a reviser before the batch runs. A message
    not translated yet prints in English, and the contents say where.
    """
    from ..organiser import preview_pdf
    from ..pipeline import Setting

    when = parse_date(day)
    if output:
        path = Path(output)
    else:
        campaign_id = Setting.load(campaign).campaign.id
        path = inside(Path("output"), Path(safe_name(campaign_id)) / f"preview-{when}.pdf")
    click.echo(str(write_atomic(path, preview_pdf(campaign, when))))
