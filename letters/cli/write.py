"""`letters write`, `letters campaigns`, `letters recipients`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..campaign import available_campaigns, campaign_ids
from ..districts import fold
from ..errors import InputError, LettersError
from ..i18n import SOURCE_LANGUAGE, campaign_languages, catalog_refusal, languages, plain
from ..output import default_path, shown, write_atomic
from ..pipeline import Setting, letter_bytes, make_letter, untranslated_summary
from ..recipients import ROLES, directory_dates, load_directory, no_gender_on_record
from ..senders import make_sender
from . import main
from .options import (
    campaign_option,
    lookup_url_option,
    parse_date,
    passphrase_options,
    read_input,
    warn_if_stale,
)

REQUIRED = {
    "to": "Recipient (pm, minister:<portfolio>, mp for your own MP, mp:<riding>)",
    "lang": "Language",
    "name": "Your full name",
    "street": "Street address",
    "city": "City",
    "province": "Province or territory",
    "postal_code": "Postal code",
}


def _fill_missing(values: dict) -> None:
    """Prompt for missing required fields on a terminal; otherwise fail naming the option."""
    for key, label in REQUIRED.items():
        if values.get(key):
            continue
        option = "--" + key.replace("_", "-")
        if not sys.stdin.isatty():
            raise InputError("is required", field=key, fix=f"pass {option}")
        answer = click.prompt(label)
        values[key] = (answer,) if key == "street" else answer


@main.command(
    epilog="""\b
Examples:
  letters write --campaign end-ice-contracts --to pm --lang en \\
    --name "Jane Doe" --street "10234 82 Avenue NW" --city Edmonton \\
    --province AB --postal-code "T6E 1Z8" --riding "Edmonton Strathcona"
  letters write … --to minister:foreign-affairs --lang fr --demand export-permits
  letters write … --to mp:"Edmonton Strathcona" --note-file my-paragraph.txt
  letters write … --to mp --riding "Edmonton Strathcona"    # your own MP
  letters write … --to mp --lookup represent                # your MP from your postal code
  letters write … --format text          # print the letter in the terminal
  letters write … --typed-signature --envelope
  letters write … --signature signature.png --sign-with me.p12 --format eml
"""
)
@campaign_option
@click.option(
    "--to",
    help="pm, minister:<portfolio id>, mp (your own MP, from --riding or --lookup) or "
    "mp:<riding or name>.",
)
@click.option("--lang", help="Language of the letter: " + ", ".join(languages()) + ".")
@click.option("--name", help="Your full name, as you sign.")
@click.option("--street", multiple=True, help="Street address line (give it twice for two lines).")
@click.option("--city")
@click.option("--province", help="Code (ON) or name, in English or French.")
@click.option("--postal-code", help="Canadian postal code, e.g. K1A 0A6.")
@click.option("--email", help="Your email (optional; printed under your address).")
@click.option("--phone", help="Your phone number (optional).")
@click.option(
    "--riding",
    help="Your federal riding (optional; named in the opening; --to mp writes to its MP).",
)
@click.option(
    "--lookup",
    type=click.Choice(["represent"]),
    help="With --to mp and no --riding: find your riding from your postal code "
    "(Open North's Represent, over the internet).",
)
@lookup_url_option
@click.option(
    "--not-my-mp",
    is_flag=True,
    help="Write on purpose to the MP of a riding that is not yours (--to mp:<riding>); the "
    "letter then does not name your riding.",
)
@click.option("--note", help="A personal paragraph (at most 2,000 characters), printed as written.")
@click.option(
    "--note-file",
    type=click.Path(dir_okay=False),
    help="Read the personal paragraph from a UTF-8 file.",
)
@click.option(
    "--demand", "demands", multiple=True, help="A demand id to include, in order (default: all)."
)
@click.option(
    "--signature", type=click.Path(dir_okay=False), help="PNG or JPEG image of your signature."
)
@click.option(
    "--typed-signature",
    is_flag=True,
    help="No image? Set your name on the signature line in a handwriting-style font.",
)
@click.option("--envelope", is_flag=True, help="Add a #10 envelope page after the letter.")
@click.option(
    "--sign-with",
    type=click.Path(dir_okay=False),
    help="Digitally sign the PDF with your identity (.p12; see `letters identity create`).",
)
@passphrase_options
@click.option("--timestamp-url", help="With --sign-with: an RFC 3161 timestamp server.")
@click.option("--date", "day", help="Date of the letter, YYYY-MM-DD (default: today).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "eml", "html", "text"]),
    default="pdf",
    show_default=True,
    help="eml: an email draft with the PDF attached, for your mail program.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Where to write the file.")
@click.option(
    "--allow-incomplete",
    is_flag=True,
    help="Print the English of messages not yet translated (missing or fuzzy) instead of refusing.",
)
def write(
    campaign_id,
    fmt,
    output,
    note_file,
    signature,
    typed_signature,
    envelope,
    sign_with,
    passphrase_file,
    passphrase_env,
    timestamp_url,
    day,
    demands,
    allow_incomplete,
    lookup,
    lookup_url,
    not_my_mp,
    **fields,
) -> None:
    """Write one letter from you to the Prime Minister, a minister or your MP.

    The letter goes to output/<campaign>/<recipient>-<lang>-<name>.pdf unless -o says
    otherwise; the path is printed. Missing fields are asked for on a terminal.
    """
    if not campaign_id:
        raise InputError(
            "is required",
            field="campaign",
            fix=f"pass --campaign, one of: {', '.join(campaign_ids())}",
        )
    _fill_missing(fields)
    if refusal := catalog_refusal(fields["lang"]):
        raise refusal  # its catalog's Plural-Forms is unsafe: say why, on one line
    if fields["lang"] not in languages():
        raise InputError(
            f"unknown language {fields['lang']!r}",
            field="lang",
            fix=f"use one of: {', '.join(languages())}",
        )
    if note_file:
        if fields.get("note"):
            raise InputError(
                "give --note or --note-file, not both", field="note", fix="drop one of them"
            )
        try:
            fields["note"] = read_input(note_file, "note", 64 * 1024).decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(
                f"{note_file} is not UTF-8 text (byte 0x{error.object[error.start]:02x} "
                f"at offset {error.start})",
                field="note",
                fix="save the note as UTF-8 text",
            ) from error
    if (sign_with or envelope) and fmt not in ("pdf", "eml"):
        raise InputError(
            f"--sign-with and --envelope need a PDF, not --format {fmt}",
            field="format",
            fix="use --format pdf or --format eml",
        )
    if timestamp_url and not sign_with:
        raise InputError(
            "--timestamp-url needs --sign-with", field="timestamp_url", fix="add --sign-with"
        )
    # Each option's machinery is imported when the option is given (Pillow, x509, pyHanko,
    # email_validator): a plain letter does not wait for them (tests/test_cli_imports.py).
    signature_png = None
    if signature:
        from ..sending import read_signature

        signature_png = read_signature(signature)
    identity = None
    if sign_with:
        from .signing import open_identity

        # Open the identity first: a wrong passphrase must fail before anything is written.
        identity = open_identity(sign_with, passphrase_file, passphrase_env)
    when = parse_date(day)
    to = fields.pop("to")
    sender = make_sender(
        **fields,
        demand_ids=demands,
        signature_png=signature_png,
        typed_signature=typed_signature,
    )
    setting = Setting.load(campaign_id)
    warn_if_stale(setting.directory)
    letter = make_letter(
        setting,
        sender,
        to,
        when,
        allow_incomplete=allow_incomplete,
        envelope=envelope,
        riding_of=_riding_of(lookup_url) if lookup else None,
        not_my_mp=not_my_mp,
    )
    if letter.untranslated:
        click.echo(
            f"warning: {untranslated_summary(letter)}; they are printed in English "
            f"(`letters i18n stats --locale {letter.lang}` counts what is left to translate)",
            err=True,
        )
    draft = None
    if fmt == "eml":
        from ..sending import Draft

        draft = Draft.from_letter(letter)
    content = letter_bytes(letter, "pdf" if fmt == "eml" else fmt)
    if identity:
        from ..sending import sign_pdf  # pyHanko: imported only when signing

        # Last of all: any change to the PDF after this would show as a change after signing.
        content = sign_pdf(content, identity, lang=letter.lang, timestamp_url=timestamp_url)
    if draft:
        from ..sending import attachment_name, email_message

        content = email_message(draft, content, attachment_name(letter))
    if fmt == "text" and not output:
        click.echo(content.decode("utf-8"), nl=False)
        return
    suffix = {"pdf": "pdf", "eml": "eml", "html": "html", "text": "txt"}[fmt]
    path = (
        Path(output)
        if output
        else default_path(
            Path("output"),
            setting.campaign.id,
            letter.recipient_id,
            letter.lang,
            sender.name,
            suffix,
        )
    )
    write_atomic(path, content)
    click.echo(str(path if output else shown(path)))


def _riding_of(url: str):
    """Represent's answer for `--to mp --lookup represent`, its errors with this command's fix
    (the batch's "add a riding column" is not one here)."""
    from ..directory import RidingNotFound, represent_lookup

    riding = represent_lookup(base_url=url)

    def riding_of(postal_code: str, row: int | None = None) -> str:
        try:
            return riding(postal_code, row=row)
        except RidingNotFound as error:
            fix = (
                'give --riding "Your riding" (elections.ca finds it from your postal code), '
                "or try again later"
                if error.transient
                else 'check the postal code, or give --riding "Your riding"'
            )
            raise InputError(error.message, field="riding", fix=fix) from error
        except InputError as error:  # the code's area touches several ridings: never guess
            if error.field != "riding":
                raise
            raise InputError(
                error.message, field="riding", fix="give --riding with the one your address is in"
            ) from error

    return riding_of


@main.command(epilog="\b\nExample:\n  letters campaigns")
def campaigns() -> None:
    """List the campaigns found, their languages and their demands with who receives each.

    Campaigns are found in LETTERS_CAMPAIGNS (folders separated by ":"), in the current folder
    and among those shipped with letters; `letters campaign new ID` makes one.
    """
    broken = False
    for campaign_id, path in sorted(available_campaigns().items()):
        try:
            setting = Setting.load(path)
        except LettersError as error:
            click.echo(f"{campaign_id}: cannot be used: {error}")
            broken = True
            continue
        campaign = setting.campaign
        langs = ", ".join((SOURCE_LANGUAGE, *campaign_languages(campaign.locales)))
        click.echo(f"{campaign.id}: {campaign.title}")
        click.echo(f"  in {shown(campaign.folder)}; languages: {langs}")
        for demand in campaign.demands:
            reached = [*demand.recipients, *(f"minister:{m}" for m in demand.ministers)]
            click.echo(f"  {demand.id:<20} {plain(demand.title)}  [{', '.join(reached)}]")
    if broken:
        raise SystemExit(2)


@main.command(
    epilog="""\b
Examples:
  letters recipients
  letters recipients --role minister
  letters recipients --search strathcona
"""
)
@click.option("--role", type=click.Choice(ROLES), help="Only this role.")
@click.option(
    "--search", help="Only recipients whose name, riding or portfolio contains this text."
)
@click.option(
    "--campaign",
    "campaign_ref",
    help="With the ministers this campaign's own directory.toml adds (an id or a folder).",
)
def recipients(role, search, campaign_ref) -> None:
    """List the directory: who can receive a letter, with the id to pass to --to."""
    directory = Setting.load(campaign_ref).directory if campaign_ref else load_directory()
    click.echo(directory_dates(directory))
    # The PM and ministers in the directory's order, then every MP by riding: the shipped file's
    # few MPs are not listed ahead of the House's.
    found = directory.search(role, search)
    found.sort(key=lambda r: (r.role == "mp", fold(r.riding or "") if r.role == "mp" else ""))
    for recipient in found:
        office = recipient.portfolio.title_en if recipient.portfolio else "Prime Minister"
        what = office if recipient.role != "mp" else f"MP for {recipient.riding}"
        if recipient.role == "mp" and recipient.office_held:  # written to as a minister
            what += f" ({office})"
        email = recipient.email or "(no email known)"
        click.echo(f"{recipient.id:<32} {recipient.full_name:<24} {what}  <{email}>")
    # The MPs listed with no gender on record (all of the House's when nothing narrows the list).
    mps = [r for r in found if r.role == "mp"]
    unknown = [f"{r.full_name} ({r.id})" for r in mps if r.gender == "u"]
    note = no_gender_on_record(unknown, len(mps))
    if note:
        click.echo(note)
