"""`letters signature prepare`, `letters identity create`, `letters sign`, `letters verify`,
`letters email-draft`: signing a letter and getting it out of the constituent's computer."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..compose import salutation
from ..errors import InputError, visible
from ..i18n import Language, languages
from ..output import safe_name, write_atomic
from ..recipients import load_directory
from ..sending import (
    KEY_TYPES,
    MAX_P12_BYTES,
    Draft,
    Identity,
    check_passphrase,
    create_identity,
    email_message,
    load_identity,
    prepare_photo,
    read_passphrase_file,
)
from . import main
from .options import passphrase_options, read_input

if TYPE_CHECKING:
    from ..sending import SignatureReport

# pyHanko takes a third of a second to import: the signing commands import it when they run.
MAX_PDF_BYTES = 50 * 1024 * 1024


def passphrase(file: str | None, env: str | None, *, confirm: bool = False) -> bytes:
    """From --passphrase-file, --passphrase-env or, on a terminal, a hidden prompt."""
    if file and env:
        raise InputError(
            "give --passphrase-file or --passphrase-env, not both",
            field="passphrase",
            fix="drop one of them",
        )
    if file:
        return check_passphrase(read_passphrase_file(file))
    if env:
        if env not in os.environ:
            raise InputError(
                f"environment variable {env} is not set",
                field="passphrase_env",
                fix=f"export {env}=… first, or leave the option out to be asked",
            )
        return os.environ[env].encode("utf-8")
    if not sys.stdin.isatty():
        raise InputError(
            "is required",
            field="passphrase",
            fix="run on a terminal to be asked, or pass --passphrase-file or --passphrase-env",
        )
    text = click.prompt(
        "Passphrase",
        hide_input=True,
        confirmation_prompt="Repeat the passphrase" if confirm else False,
    )
    return text.encode("utf-8")


def open_identity(path: str, passphrase_file: str | None, passphrase_env: str | None) -> Identity:
    data = read_input(path, "sign_with", MAX_P12_BYTES)
    return load_identity(data, passphrase(passphrase_file, passphrase_env))


def refuse_existing(path: Path, field: str) -> None:
    if path.exists():
        raise InputError(
            f"{path} already exists", field=field, fix="choose another file name, or move it away"
        )


# --- letters signature prepare --------------------------------------------------------------


@main.group(
    epilog="\b\nExample:\n  letters signature prepare phone-photo.jpg -o ~/letters/signature.png"
)
def signature() -> None:
    """Your handwritten signature, as an image the letters can use."""


@signature.command(
    "prepare",
    epilog="\b\nExample:\n  letters signature prepare phone-photo.jpg -o signature.png",
)
@click.argument("image", type=click.Path(dir_okay=False))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), required=True, help="The PNG to write."
)
def signature_prepare(image, output) -> None:
    """Clean a photo or scan of your signature once, check it, and reuse it with --signature.

    Takes a phone's photo as it is (PNG or JPEG, up to 25 MB and 50 megapixels). The paper
    turns transparent, the image is cut to the ink and scaled to the signature box, and
    everything the camera recorded (GPS position, device, date) is removed.
    """
    prepared = prepare_photo(image)
    write_atomic(Path(output), prepared.png)
    # The path as the user typed it (Path() would drop a leading "./"), so it can be pasted back.
    for line in prepared_lines(prepared, image, output):
        click.echo(line)
    click.echo(f"Open it to check it, then use it with: letters write … --signature {output}")


def prepared_lines(prepared, image: str, output: str) -> list[str]:
    """What `signature prepare` did, a step a line."""
    width, height = prepared.size
    lines = [f"{output}: {width}×{height} pixels, transparent background, no metadata"]
    stored = "×".join(map(str, prepared.original))
    size = prepared.file_size
    weight = f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(size // 1024, 1)} kB"
    source = f"  from {image}: a {stored} {prepared.kind} of {weight}"
    if prepared.decoded != prepared.original:
        source += f", read at {'×'.join(map(str, prepared.decoded))} to keep memory small"
    lines.append(source)
    if prepared.turned:
        lines.append("  turned upright, as the camera recorded it was held")
    lines.append(
        f"  paper made transparent, cut to the ink: {'×'.join(map(str, prepared.ink))} pixels"
    )
    if prepared.size != prepared.ink:
        lines.append("  scaled down to the signature box (6 cm × 1.6 cm at 300 dpi)")
    removed = ", ".join(prepared.removed) if prepared.removed else "none was there"
    lines.append(f"  metadata removed: {removed}")
    return lines


# --- letters identity create ----------------------------------------------------------------


@main.group(
    epilog='\b\nExample:\n  letters identity create --name "Jane Doe" -o ~/letters/jane.p12'
)
def identity() -> None:
    """Your personal certificate for digital signatures."""


@identity.command(
    "create",
    epilog="""\b
Example:
  letters identity create --name "Jane Doe" --email jane@example.ca -o jane.p12
""",
)
@click.option("--name", required=True, help="Your name, as the signature will show it.")
@click.option("--email", required=True, help="Your email address.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), required=True, help="The .p12 file."
)
@click.option(
    "--key",
    "key_type",
    type=click.Choice(KEY_TYPES),
    default="ec",
    show_default=True,
    help="ECDSA P-256 (ec) or RSA 3072 (rsa).",
)
@passphrase_options
def identity_create(name, email, output, key_type, passphrase_file, passphrase_env) -> None:
    """Make a self-signed certificate and key (valid 2 years), protected by a passphrase.

    A self-signed signature proves the letter was not changed after this key signed it. It does
    not prove who you are: anyone can make a certificate with any name. See the README.
    """
    path = Path(output)
    refuse_existing(path, "output")
    secret = passphrase(passphrase_file, passphrase_env, confirm=True)
    p12 = create_identity(name, email, secret, key_type=key_type)
    write_atomic(path, p12)
    os.chmod(path, 0o600)
    click.echo(str(path))
    click.echo(f"Fingerprint (SHA-256): {load_identity(p12, secret).fingerprint}")
    click.echo("Keep the file and its passphrase private; give the fingerprint to whoever checks.")


# --- letters sign ---------------------------------------------------------------------------


@main.command(
    epilog="""\b
Examples:
  letters sign output/end-ice-contracts/pm-en-jane-doe.pdf --with jane.p12
  letters sign letter.pdf --with jane.p12 --passphrase-env LETTERS_PASSPHRASE -o signed.pdf
"""
)
@click.argument("pdf", type=click.Path(dir_okay=False))
@click.option(
    "--with",
    "identity_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Your identity (.p12), e.g. from `letters identity create`.",
)
@passphrase_options
@click.option("--timestamp-url", help="An RFC 3161 timestamp server, for a trusted signing time.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Where to write the signed PDF (default: <name>-signed.pdf beside it).",
)
def sign(pdf, identity_path, passphrase_file, passphrase_env, timestamp_url, output) -> None:
    """Digitally sign a letter written earlier (PAdES), with a stamp on the signature line."""
    from ..sending import pdf_info, sign_pdf

    content = read_input(pdf, "pdf", MAX_PDF_BYTES)
    who = open_identity(identity_path, passphrase_file, passphrase_env)
    signed = sign_pdf(content, who, lang=pdf_info(content).lang, timestamp_url=timestamp_url)
    source = Path(pdf)
    path = Path(output) if output else source.with_name(f"{source.stem}-signed.pdf")
    click.echo(str(write_atomic(path, signed)))


# --- letters verify -------------------------------------------------------------------------


def describe(report: SignatureReport, trust_given: bool) -> list[str]:
    when = report.signing_time.strftime("%Y-%m-%d %H:%M:%S %Z") if report.signing_time else "?"
    # The field's name, the signer and what changed come from the file: printed with their
    # controls made visible, so a name cannot move the cursor or start a line of its own.
    lines = [
        f'signature "{visible(report.field)}": {"VALID" if report.valid else "INVALID"}',
        f"  signer: {visible(report.signer)}",
        f"  certificate fingerprint (SHA-256): {report.fingerprint}",
        f"  signed at: {when} (the signer's own clock)",
    ]
    if report.timestamp_time:
        lines.append(
            f"  timestamp: {report.timestamp_time:%Y-%m-%d %H:%M:%S %Z} (from a timestamp server)"
        )
    lines.append(f"  intact: {'yes' if report.intact else 'NO, the signed content was altered'}")
    changed = report.changed_after or (
        "no" if report.intact else "yes, inside the signed part (see intact)"
    )
    lines.append(f"  changed after signing: {visible(changed)}")
    if report.trusted:
        trusted = "yes, the certificate chains to a --trust certificate"
    elif report.self_signed:
        trusted = (
            "self-signed (proves the letter is unchanged since this key signed it, "
            "not who holds the key)"
        )
    else:
        trusted = "no, issued by an authority you did not give with --trust"
    if not trust_given and not report.self_signed:
        trusted = "not checked (give the authority's certificate with --trust)"
    lines.append(f"  trusted: {trusted}")
    return lines


@main.command(
    epilog="""\b
Examples:
  letters verify signed.pdf
  letters verify signed.pdf --trust my-organisation-ca.pem
\b
Exit status: 0 every signature valid, 1 a signature invalid or the letter changed
after signing (or, with --trust, a signer not trusted), 2 not a PDF, no signature, unreadable.
"""
)
@click.argument("pdf", type=click.Path(dir_okay=False))
@click.option(
    "--trust",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="A certificate (PEM or DER) to trust as an issuer; give it several times for several.",
)
@click.pass_context
def verify(ctx, pdf, trust) -> None:
    """Check a signed letter: who signed, when, and whether anything changed since."""
    from ..sending import verify_pdf

    content = read_input(pdf, "pdf", MAX_PDF_BYTES)
    roots = tuple(read_input(t, "trust", 1024 * 1024) for t in trust)
    reports = verify_pdf(content, roots)
    ok = True
    for report in reports:
        for line in describe(report, bool(roots)):
            click.echo(line)
        ok = ok and report.valid and (report.trusted or not roots)
    ctx.exit(0 if ok else 1)


# --- letters email-draft --------------------------------------------------------------------


@main.command(
    "email-draft",
    epilog="""\b
Example:
  letters email-draft signed.pdf --to mp:"Edmonton Strathcona" --email jane@example.ca
""",
)
@click.argument("pdf", type=click.Path(dir_okay=False))
@click.option("--to", "to", required=True, help="The recipient, as for `letters write --to`.")
@click.option("--email", required=True, help="Your email address (the From: of the message).")
@click.option("--name", help="Your name (default: the letter's author).")
@click.option("--lang", help="Language of the message (default: the letter's).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="The .eml file to write.")
def email_draft(pdf, to, email, name, lang, output) -> None:
    """Write an email (.eml) with the letter attached; open it in your mail program and send it."""
    from ..sending import pdf_info

    content = read_input(pdf, "pdf", MAX_PDF_BYTES)
    info = pdf_info(content)
    lang = lang or info.lang
    if lang not in languages():
        raise InputError(f"unknown language {lang!r}", field="lang", fix="use en or fr")
    recipient = load_directory().find(to)
    if not recipient.email:
        raise InputError(
            f"no email address is known for {recipient.id}",
            field="to",
            fix="print the letter and mail it, or write to another recipient",
        )
    draft = Draft(
        from_name=name or info.author,
        from_email=email,
        to_name=recipient.full_name,
        to_email=recipient.email,
        subject=info.title,
        lang=lang,
        greeting=salutation(recipient, Language(lang)),
    )
    source = Path(pdf)
    message = email_message(draft, content, safe_name(source.stem) + ".pdf")
    path = Path(output) if output else source.with_suffix(".eml")
    click.echo(str(write_atomic(path, message)))
