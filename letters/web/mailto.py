"""A `mailto:` link that opens the constituent's own mail program with the letter in it.

RFC 6068: the address, then `subject` and `body`, percent-encoded as UTF-8, line breaks as
%0D%0A. How long a link a mail program takes varies: Outlook for Windows and the Windows shell
cut a link past about 2,000 characters (the old 2,083 of Internet Explorer), while the mail apps
of iOS and Android, Gmail's web handler and Thunderbird take tens of thousands. So the main link
carries the whole letter only when the whole link fits in SAFE_LENGTH characters; otherwise it
carries a short body that points to the PDF to attach, and a second link offers the whole letter
for the mail programs that take it (up to LONG_LENGTH). See docs/serve.md for the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from ..compose import Letter
from ..i18n import Language, plain

SAFE_LENGTH = 2000
LONG_LENGTH = 32_000


def letter_text(letter: Letter) -> str:
    """The letter as plain text, from the salutation to the sender's address."""
    demands = [f"{n}. {plain(d.title)}. {plain(d.text)}" for n, d in enumerate(letter.demands, 1)]
    parts = [
        letter.salutation,
        letter.opening,
        *letter.context,
        letter.demands_intro,
        "\n".join(demands),
        *letter.note_paragraphs,
        letter.closing_request,
        letter.complimentary_close,
        "\n".join([letter.signer_name, *letter.sender_lines[1:]]),
    ]
    return "\n\n".join(part for part in parts if part)


def short_text(letter: Letter) -> str:
    """A few lines that point to the attached PDF, for the mail programs that cut long links."""
    lang = Language(letter.lang)
    return "\n\n".join(
        [
            letter.salutation,
            lang.gettext(
                "Please find attached my letter “%(subject)s”.",
                subject=" ".join(letter.subject.split()),
            ),
            lang.gettext("Thank you for reading it."),
            "\n".join([letter.signer_name, *letter.sender_lines[1:]]),
        ]
    )


def mailto(address: str, subject: str, body: str) -> str:
    body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return (
        f"mailto:{quote(address, safe='@')}"
        f"?subject={quote(' '.join(subject.split()), safe='')}&body={quote(body, safe='')}"
    )


@dataclass(frozen=True)
class MailtoLinks:
    """`href` works in every mail program; `whole` (when set) carries the whole letter."""

    href: str
    complete: bool  # `href` carries the whole letter
    whole: str | None = None


def mailto_links(letter: Letter) -> MailtoLinks | None:
    """The links to write the email, or None when the recipient's address is not known."""
    if not letter.recipient_email:
        return None
    whole = mailto(letter.recipient_email, letter.subject, letter_text(letter))
    if len(whole) <= SAFE_LENGTH:
        return MailtoLinks(whole, complete=True)
    short = mailto(letter.recipient_email, letter.subject, short_text(letter))
    return MailtoLinks(short, complete=False, whole=whole if len(whole) <= LONG_LENGTH else None)
