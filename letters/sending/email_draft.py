"""Email drafts: an RFC 5322 message (.eml) with the letter attached, for any mail program.

Names, subjects and addresses go through Python's `email` header registry (policy SMTP), after
every run of whitespace, CR and LF included, is collapsed to one space: a name or subject can
never start a new header. The registry also *decodes* encoded words (`=?utf-8?q?…=0D=0A…?=`)
found in the value it is given, and would write the CR LF they hide as a real line break (tested
in tests/sending/test_sending.py): so an invisible WORD JOINER goes between "=" and "?", the value is no
longer an encoded word, and mail programs show it as typed.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP

from email_validator import EmailNotValidError, validate_email

from ..compose import Letter
from ..errors import InputError, translatable
from ..i18n import Language
from ..output import safe_name
from ..senders import refuse_controls


@dataclass(frozen=True)
class Draft:
    """Who writes to whom about what, in which language: all an email draft needs."""

    from_name: str
    from_email: str
    to_name: str
    to_email: str
    subject: str
    lang: str
    greeting: str  # first line of the body, e.g. the letter's salutation

    def __post_init__(self) -> None:
        # The sender-field rules hold on every path into an email (a letter, --name, a PDF's
        # /Author and /Title): no control or bidi override in a header or the body. Line breaks
        # are let through here because `_one_line` folds them into spaces.
        for value, field_name in ((self.from_name, "name"), (self.to_name, "to")):
            refuse_controls(value, field_name, None, allowed="\t\r\n")
        refuse_controls(self.subject, "subject", None, allowed="\t\r\n")

    @classmethod
    def from_letter(cls, letter: Letter) -> Draft:
        if not letter.sender_email:
            raise InputError(
                "is needed for an email draft", field="email", fix="pass --email you@example.ca"
            )
        if not letter.recipient_email:
            raise InputError(
                f"no email address is known for {letter.recipient_id}",
                field="to",
                fix="print the letter and mail it (see --envelope), or write to another recipient",
            )
        return cls(
            from_name=letter.sender_name,
            from_email=letter.sender_email,
            to_name=letter.recipient_name,
            to_email=letter.recipient_email,
            subject=letter.subject,
            lang=letter.lang,
            greeting=letter.salutation,
        )


WORD_JOINER = "\u2060"


def _one_line(text: str) -> str:
    """Header-safe text: one line, and no encoded-word opener for the header parser to decode."""
    return " ".join(text.split()).replace("=?", "=" + WORD_JOINER + "?")


def address(name: str, email: str, field: str) -> Address:
    """A validated address (email-validator, no DNS): what it refuses, or what Python's own
    parser would rewrite (`a@[127.0.0.1].x`, `a@b.c)`, a non-ASCII local part sent as raw
    8-bit), never reaches a header."""
    try:
        found = validate_email(
            email or "", check_deliverability=False, allow_smtputf8=False, allow_quoted_local=False
        )
        return Address(
            display_name=_one_line(name), username=found.local_part, domain=found.ascii_domain
        )
    except (EmailNotValidError, ValueError, IndexError) as exc:
        raise InputError(
            translatable("invalid email %(value)s"),
            field=field,
            fix=translatable("write it as name@example.ca"),
            values={"value": repr(email)},
        ) from exc


def attachment_name(letter: Letter) -> str:
    """The attachment's name in the letter's language, ASCII and safe in any mail program:
    `letter-to-heather-mcpherson-from-heather-lim.pdf`, `lettre-a-heather-mcpherson-de-….pdf`."""
    words = Language(letter.lang).pgettext(
        # TRANSLATORS: the name of the attached PDF, made ASCII with hyphens (lettre-a-…-de-…).
        "file name of the attached letter",
        "letter to %(recipient)s from %(sender)s",
        recipient=letter.recipient_name,
        sender=letter.sender_name,
    )
    return f"{safe_name(words)}.pdf"


def body_text(draft: Draft) -> str:
    lang = Language(draft.lang)
    return "\n\n".join(
        [
            " ".join(draft.greeting.split()),
            lang.gettext(
                # TRANSLATORS: English puts the period inside the closing quotes (The Canadian
                # Style); French puts it after the closing guillemet.
                "I have attached my letter “%(subject)s.”",
                subject=" ".join(draft.subject.split()),
            ),
            lang.gettext("Thank you for reading it."),
            " ".join(draft.from_name.split()),
        ]
    )


def email_message(draft: Draft, pdf: bytes, filename: str) -> bytes:
    """The draft as .eml bytes: plain text and HTML bodies, the PDF attached as `filename`."""
    message = EmailMessage(policy=SMTP)
    message["From"] = address(draft.from_name, draft.from_email, "email")
    message["To"] = address(draft.to_name, draft.to_email, "to")
    message["Subject"] = _one_line(draft.subject)
    # Opens as an unsent draft in Outlook; other mail programs ignore it.
    message["X-Unsent"] = "1"
    text = body_text(draft)
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    message.add_alternative(
        f'<!doctype html><html lang="{html.escape(Language(draft.lang).tag)}"><body>'
        f"{paragraphs}</body></html>",
        subtype="html",
        charset="utf-8",
        cte="quoted-printable",
    )
    message.add_attachment(
        pdf,
        maintype="application",
        subtype="pdf",
        filename=safe_name(filename.removesuffix(".pdf")) + ".pdf",
    )
    return message.as_bytes()
