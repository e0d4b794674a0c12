"""`letters send OUT`: email a batch's letters to their offices, once each (docs/sending.md)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError
from . import main


@main.command(
    epilog="""\b
Examples:
  letters send output/end-ice-contracts/supporters-2026-02-01 --input supporters.csv \\
    --consent-column "Send for me" --from "End ICE Contracts <letters@example.org>" --dry-run
  LETTERS_SMTP_PASSWORD=… letters send output/end-ice-contracts/supporters-2026-02-01 \\
    --input supporters.csv --consent-column "Send for me" \\
    --from "End ICE Contracts <letters@example.org>" \\
    --smtp-url smtps://letters@mail.example.org:465 --per-minute 20
"""
)
@click.argument("out", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--input",
    "input_path",
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The supporters' file the batch was made from (for the consent and email columns).",
)
@click.option(
    "--consent-column",
    required=True,
    help="Column where a supporter agreed to have the letter sent for them; only yes/oui rows go.",
)
@click.option(
    "--from",
    "from_address",
    required=True,
    help='The organiser\'s address letters go out from: "Campaign <letters@example.org>".',
)
@click.option(
    "--smtp-url",
    help="Outgoing mail server, smtp://user@host:587 or smtps://user@host:465 (the password "
    "from LETTERS_SMTP_PASSWORD); not needed with --dry-run.",
)
@click.option(
    "--per-minute",
    default=20.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Messages a minute at most.",
)
@click.option("--dry-run", is_flag=True, help="Show what would go where; send nothing.")
@click.option(
    "--resend-interrupted",
    is_flag=True,
    help="Send again letters a killed run was sending (the server may have them; same Message-ID).",
)
@click.option("--encoding", default="utf-8", show_default=True, help="CSV encoding, e.g. cp1252.")
def send(
    out,
    input_path,
    consent_column,
    from_address,
    smtp_url,
    per_minute,
    dry_run,
    resend_interrupted,
    encoding,
):
    """Email every letter of a batch folder to its office, from your address, once.

    Each supporter is the Reply-To of their letter when the file gives their email. A ledger,
    OUT/sent.csv, records every Message-ID and the server's answer: run it again after a stop
    and it sends only what is not recorded as sent.
    """
    from ..batch.mailing import plan_mailing, run_mailing
    from ..sending.mail import MailServer, operator_address

    operator = operator_address(from_address)
    if not dry_run and not smtp_url:
        raise InputError(
            "is required to send",
            field="--smtp-url",
            fix="give the outgoing mail server, e.g. --smtp-url smtps://letters@mail.example.org:465,"
            " or pass --dry-run",
        )
    server = MailServer.from_url(smtp_url) if smtp_url else None
    mailing = plan_mailing(out, input_path, consent_column, encoding=encoding)
    if dry_run:
        for outgoing in mailing.outgoing:
            posting = outgoing.posting
            reply = f", Reply-To {posting.reply_to}" if posting.reply_to else ""
            click.echo(f"{outgoing.file} -> {posting.to_name} <{posting.to_email}>{reply}")
    else:

        def progress(outgoing, answer) -> None:
            word = "sent" if answer.sent else "NOT sent"
            click.echo(f"{outgoing.file} -> {outgoing.posting.to_email}: {word} ({answer.reply})")

        if mailing.outgoing:
            server.check()
        run_mailing(
            mailing,
            server,
            operator,
            per_minute=per_minute,
            resend_interrupted=resend_interrupted,
            progress=progress,
        )
    for line in summary_lines(mailing, dry_run, resend_interrupted):
        click.echo(line)
    if mailing.refused:
        raise click.exceptions.Exit(1)


def summary_lines(mailing, dry_run: bool, resend_interrupted: bool) -> list[str]:
    waiting = len(mailing.outgoing) - (0 if resend_interrupted else len(mailing.interrupted))
    lines = [
        f"Would send: {waiting} (dry run: nothing sent)"
        if dry_run
        else f"Sent: {len(mailing.sent)} now, {len(mailing.already_sent)} before (in sent.csv)",
    ]
    if dry_run and mailing.already_sent:
        lines.append(f"Already sent: {len(mailing.already_sent)} (in sent.csv)")
    if mailing.refused:
        lines.append(
            f"Not sent: {len(mailing.refused)} (the server's answers are in sent.csv);"
            " run the same command again to retry them"
        )
    if mailing.interrupted and not resend_interrupted:
        lines.append(
            f"Interrupted: {_letters(len(mailing.interrupted))} being sent when a run stopped;"
            " the server may have them. Check its log for these Message-IDs, then pass"
            " --resend-interrupted to send the others:"
        )
        lines += [f"  {file}  {message_id}" for file, message_id in mailing.interrupted]
    if mailing.no_consent:
        rows = ", ".join(str(r) for r in sorted(set(mailing.no_consent)))
        lines.append(f"Not sent, no consent: {_letters(len(mailing.no_consent))} (rows {rows})")
    if mailing.by_post:
        lines.append(
            f"By post: {_letters(len(mailing.by_post))} to offices with no email address known;"
            f" they stay in the print packs ({mailing.out}/packs):"
        )
        seen: dict[str, list] = {}
        for letter in mailing.by_post:
            seen.setdefault(letter.recipient, [letter.address, 0])[1] += 1
        for recipient, (address, count) in seen.items():
            lines.append(f"  {recipient} ({count}): " + ", ".join(address))
    lines.append(f"Ledger: {mailing.ledger}")
    return lines


def _letters(count: int) -> str:
    return f"{count} letter" if count == 1 else f"{count} letters"
