"""Sending letters by email through the operator's own mail server (SMTP).

A letter goes out *from the operator's address* (the campaign's, whose domain has SPF and DKIM
for that server), with the constituent as Reply-To, so the office's answer reaches them and no
mail server rejects a forged From. The PDF is attached as `letters write` makes it.

Mail servers refuse (5xx: permanent, never retried), fail for a while (4xx, greylisting
included: "451 4.7.1 try again later") and time out: `deliver` retries the last two a bounded
number of times with a doubling wait, then says so in an `Answer` the caller shows in plain words.
Nothing here writes a file or logs an address.
"""

from __future__ import annotations

import html
import os
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, make_msgid
from urllib.parse import unquote, urlsplit

from ..errors import InputError
from ..i18n import Language
from ..output import safe_name
from .email_draft import _one_line, address

PASSWORD_VARIABLE = "LETTERS_SMTP_PASSWORD"  # noqa: S105 (the variable's name)


@dataclass(frozen=True)
class MailServer:
    """Where mail goes out: `smtp://user@host:587` (STARTTLS when offered, required with a
    user) or `smtps://user@host:465` (TLS from the start). The password never sits in the URL:
    it comes from LETTERS_SMTP_PASSWORD, so it is not in shell history or `ps`."""

    host: str
    port: int
    tls: bool  # smtps: TLS from the first byte
    user: str | None = None
    password: str | None = None
    timeout: float = 20.0

    @classmethod
    def from_url(cls, url: str, *, timeout: float = 20.0) -> MailServer:
        parts = urlsplit(url or "")
        fix = "write it as smtp://user@mail.example.org:587 or smtps://user@mail.example.org:465"
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise InputError(f"not an SMTP URL: {url!r}", field="--smtp-url", fix=fix)
        if parts.password is not None:
            raise InputError(
                "the URL holds a password",
                field="--smtp-url",
                fix=f"remove it from the URL and set {PASSWORD_VARIABLE} instead",
            )
        try:
            port = parts.port or (465 if parts.scheme == "smtps" else 587)
        except ValueError as error:
            raise InputError(f"bad port in {url!r}", field="--smtp-url", fix=fix) from error
        user = unquote(parts.username) if parts.username else None
        password = os.environ.get(PASSWORD_VARIABLE) or None
        if user and not password:
            raise InputError(
                f"{PASSWORD_VARIABLE} is not set",
                field="--smtp-url",
                fix=f"export {PASSWORD_VARIABLE}=… with the password of {user}",
            )
        return cls(parts.hostname, port, parts.scheme == "smtps", user, password, timeout)

    def check(self) -> None:
        """Connect, greet and log in once, before a run: a server that cannot be reached (a
        wrong address, no network, nothing listening) is one line at once, not a retry per
        letter."""
        try:
            self.connect().quit()
        except (OSError, smtplib.SMTPException) as error:
            raise InputError(
                f"cannot reach the mail server {self.host}:{self.port} ({type(error).__name__})",
                field="--smtp-url",
                fix="check the server's address and port, and that it is running; then run the "
                "same command again",
            ) from error

    def connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.tls:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=context
            )
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        connection.ehlo()
        if not self.tls and connection.has_extn("starttls"):
            connection.starttls(context=context)
            connection.ehlo()
        elif not self.tls and self.user:
            connection.close()
            raise smtplib.SMTPNotSupportedError("no STARTTLS: the password would go in clear")
        if self.user:
            connection.login(self.user, self.password or "")
        return connection


def operator_address(text: str) -> Address:
    """`Campaign name <letters@example.org>` (--from) as a checked address."""
    found = getaddresses([text or ""])
    name, email = found[0] if len(found) == 1 else ("", "")
    if not email:
        raise InputError(
            f"not an address: {text!r}",
            field="--from",
            fix='write it as "Campaign name <letters@example.org>"',
        )
    return address(name, email, "--from")


@dataclass(frozen=True)
class Answer:
    """What the server said in the end: `sent` or not, its last reply, and how many tries."""

    sent: bool
    reply: str  # "250 2.0.0 Ok: queued as 4F2…", "550 5.1.1 unknown user", "timed out"
    permanent: bool = False  # refused for good (5xx): trying again will not help
    tries: int = 1


class _Refused(Exception):
    def __init__(self, code: int, reply: str) -> None:
        super().__init__(reply)  # the reply, its code first
        self.code = code


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return " ".join(f"{code} {text}".split())[:300]


def _transaction(server: MailServer, message: EmailMessage) -> str:
    """One SMTP transaction; the DATA reply as text, or _Refused with the refusing reply."""
    sender = message["Sender"] or message["From"]
    envelope_from = sender.addresses[0].addr_spec
    recipients = [
        a.addr_spec for header in ("To", "Cc") if message[header] for a in message[header].addresses
    ]
    with server.connect() as connection:
        code, text = connection.mail(envelope_from)
        if code != 250:
            raise _Refused(code, _reply(code, text))
        for recipient in recipients:
            code, text = connection.rcpt(recipient)
            if code not in (250, 251):
                raise _Refused(code, _reply(code, text))
        code, text = connection.data(message.as_bytes(policy=SMTP))
        if code != 250:
            raise _Refused(code, _reply(code, text))
        return _reply(code, text)


def deliver(
    server: MailServer,
    message: EmailMessage,
    *,
    tries: int = 3,
    backoff: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Answer:
    """Send `message`, retrying a temporary failure (4xx, greylisting, a timeout, a dropped
    connection) up to `tries` times, waiting `backoff`, then twice that, and so on."""
    reply = ""
    for attempt in range(1, tries + 1):
        try:
            return Answer(True, _transaction(server, message), tries=attempt)
        except _Refused as refused:
            reply = str(refused)
            if refused.code >= 500:
                return Answer(False, reply, permanent=True, tries=attempt)
        except smtplib.SMTPResponseException as error:  # e.g. a 421 or 554 greeting, a bad login
            reply = _reply(error.smtp_code, error.smtp_error)
            if error.smtp_code >= 500:
                return Answer(False, reply, permanent=True, tries=attempt)
        except TimeoutError:
            reply = "timed out"
        except smtplib.SMTPNotSupportedError as error:  # no STARTTLS for a password: say so
            return Answer(False, str(error), permanent=True, tries=attempt)
        except smtplib.SMTPServerDisconnected as error:  # smtplib wraps a timeout in a reply
            reply = "timed out" if "timed out" in str(error) else "connection lost"
        except (smtplib.SMTPException, OSError) as error:
            reply = type(error).__name__  # never the message: it can quote an address
        if attempt < tries:
            sleep(backoff * 2 ** (attempt - 1))
    return Answer(False, reply, tries=tries)


# --- The messages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Posting:
    """One letter on its way by email: who signed it, to which office, about what, in which
    language; `reply_to` is the constituent's address when they gave one."""

    sender_name: str
    reply_to: str | None
    to_name: str
    to_email: str
    subject: str
    lang: str
    greeting: str = ""


def _new_message(operator: Address, subject: str) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    message["From"] = operator
    message["Subject"] = _one_line(subject)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=operator.domain)
    return message


def _bodies(message: EmailMessage, paragraphs: list[str], lang: str) -> None:
    text = "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    markup = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    message.add_alternative(
        f'<!doctype html><html lang="{html.escape(Language(lang).tag)}"><body>{markup}</body></html>',
        subtype="html",
        charset="utf-8",
        cte="quoted-printable",
    )


def _attach(message: EmailMessage, pdf: bytes, filename: str) -> None:
    message.add_attachment(
        pdf,
        maintype="application",
        subtype="pdf",
        filename=safe_name(filename.removesuffix(".pdf")) + ".pdf",
    )


def office_message(posting: Posting, pdf: bytes, filename: str, operator: Address) -> EmailMessage:
    """The letter to the office, in the letter's language, from the operator, Reply-To the
    constituent, the PDF attached."""
    lang = Language(posting.lang)
    message = _new_message(operator, posting.subject)
    message["To"] = address(posting.to_name, posting.to_email, "to")
    if posting.reply_to:
        message["Reply-To"] = address(posting.sender_name, posting.reply_to, "email")
    answer = (
        lang.gettext(
            "%(service)s sent this letter for %(name)s. Reply to this email to answer them.",
            service=operator.display_name or operator.addr_spec,
            name=posting.sender_name,
        )
        if posting.reply_to
        else lang.gettext(
            "%(service)s sent this letter for %(name)s. Their postal address is on the letter.",
            service=operator.display_name or operator.addr_spec,
            name=posting.sender_name,
        )
    )
    _bodies(
        message,
        [
            posting.greeting,
            lang.gettext(
                "I have attached my letter “%(subject)s.”",
                subject=" ".join(posting.subject.split()),
            ),
            lang.gettext("Thank you for reading it."),
            posting.sender_name,
            "—",
            answer,
        ],
        posting.lang,
    )
    _attach(message, pdf, filename)
    return message


def copy_message(
    posting: Posting, pdf: bytes, filename: str, operator: Address, page_lang: str
) -> EmailMessage:
    """The constituent's copy of what went to the office, in the page's language."""
    lang = Language(page_lang)
    message = _new_message(
        operator,
        lang.gettext("Copy of your letter: %(subject)s", subject=" ".join(posting.subject.split())),
    )
    message["To"] = address(posting.sender_name, posting.reply_to or "", "email")
    _bodies(
        message,
        [
            lang.gettext(
                "Your letter went to %(office)s (%(address)s) today. It is attached.",
                office=posting.to_name,
                address=posting.to_email,
            ),
            lang.gettext("Their answer will come to this address."),
            operator.display_name or operator.addr_spec,
        ],
        page_lang,
    )
    _attach(message, pdf, filename)
    return message


def confirmation_message(
    operator: Address, to_email: str, code: str, office: str, page_lang: str, hours: int
) -> EmailMessage:
    """The code a person types into the page to confirm that the letter may go out."""
    lang = Language(page_lang)
    message = _new_message(
        operator, lang.gettext("Your code to send your letter: %(code)s", code=code)
    )
    message["To"] = address("", to_email, "email")
    _bodies(
        message,
        [
            lang.gettext("Your code is %(code)s.", code=code),
            lang.gettext(
                # TRANSLATORS: hours is always 24 or more.
                "Type it into the page where you wrote your letter to %(office)s, within "
                "%(hours)s hours. The letter then goes out by email, and a copy comes to you.",
                office=office,
                hours=str(hours),
            ),
            lang.gettext("If you did not ask for this, ignore this email: nothing will be sent."),
            operator.display_name or operator.addr_spec,
        ],
        page_lang,
    )
    return message
