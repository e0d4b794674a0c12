""" "Send it for me": the page emails the letter for the constituent once they confirm.

Only with `letters serve --smtp-url … --from …`. The design keeps nothing on the server: the
page holds the letter (as it already does between every step), the server emails a 6-digit code
and gives the page a signed token (letters.sending.tokens) binding the address, the letter's
digest and the expiry; the person types the code into the same page, which posts the letter, the
token and the code together. A link would carry the token to whichever browser opens the email
(often another device, or a mail scanner that follows links and would spend it); a code is typed
where the letter is.

Delivery is counted, never logged with an address: codes sent, confirmed, sent, refused by the
server, failed (no answer after the retries), expired; `/status` shows the counts to whoever
has the operator's token.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
from dataclasses import asdict, dataclass, field
from datetime import date
from email.headerregistry import Address

from flask import Flask, Response, abort, g, jsonify, request

from ..compose import Letter
from ..errors import InputError, translatable
from ..sending.email_draft import address, attachment_name
from ..sending.mail import (
    MailServer,
    Posting,
    confirmation_message,
    copy_message,
    deliver,
    office_message,
)
from ..sending.tokens import LIFETIME, SpentIds, TokenKeys, TokenRefused, check, issue, peek
from .form import Problem, Reading, tr
from .limits import TokenBucket

log = logging.getLogger("letters.web")

SEND_ACTIONS = ("send_code", "send_confirm")
EVENTS = ("codes sent", "confirmed", "sent", "refused", "failed", "expired", "copies sent")


@dataclass
class Sending:
    """The operator's mail settings and what the page keeps about sending: counts and spent ids."""

    server: MailServer
    operator: Address
    keys: TokenKeys = field(default_factory=TokenKeys.generate)
    status_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    tries: int = 3
    backoff: float = 2.0
    spent: SpentIds = field(default_factory=SpentIds)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EVENTS, 0))
    codes: TokenBucket = field(default_factory=lambda: TokenBucket(2, 3))  # per client
    # and for the whole server: the page cannot be made to flood anyone's mailbox with codes
    all_codes: TokenBucket = field(default_factory=lambda: TokenBucket(60, 60))
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, event: str) -> None:
        with self._lock:
            self.counts[event] += 1
            total = self.counts[event]
        log.info("delivery: %s (%d so far)", event, total)

    def deliver(self, message):
        return deliver(self.server, message, tries=self.tries, backoff=self.backoff)


@dataclass(frozen=True)
class SendState:
    """What the send step shows: `offer`, `code-sent`, `sent`, `failed`, `refused`, `no-letter`."""

    step: str = "offer"
    message: str = ""
    token: str = ""
    email: str = ""


def letter_digest(letter: Letter) -> str:
    """The letter as composed, every field and the signature's pixels, as one sha256."""
    encoded = json.dumps(asdict(letter), default=bytes.hex, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def letter_day(form) -> date:
    """The date of the letter a code was sent for (the same letter after midnight), else today."""
    pending = peek(form.get("send_token", "")) if form.get("action") == "send_confirm" else None
    try:
        return date.fromisoformat(pending.day) if pending else date.today()
    except ValueError:
        return date.today()


def register(app: Flask, sending: Sending) -> None:
    """The send step's page state and the operator's `/status`."""

    @app.context_processor
    def send_context() -> dict:
        state = g.get("send_state")
        if state is None and request.method == "POST" and request.form.get("send_token"):
            # an edit after the code was sent: keep the code field (a changed letter is refused)
            pending = peek(request.form["send_token"])
            state = SendState(
                "code-sent",
                token=request.form["send_token"],
                email=pending.email if pending else "",
            )
        return {
            "send_for_me": state or SendState(),
            "send_from": sending.operator.display_name or sending.operator.addr_spec,
            # a live-preview refresh redraws the step: what was typed stays
            "send_code_typed": request.form.get("send_code", "") if state is None else "",
        }

    @app.get("/status")
    def status() -> Response:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        given = given or request.args.get("token", "")
        if not hmac.compare_digest(given.encode(), sending.status_token.encode()):
            abort(404)
        with sending._lock:
            counts = dict(sending.counts)
        return jsonify({"delivery": counts, "spent ids in memory": len(sending.spent)})


def send_step(sending: Sending, reading: Reading, action: str, render, render_pdf) -> tuple:
    """The response to "Send it for me" (`send_code`) or "Confirm and send" (`send_confirm`).

    `render(reading)` draws the page; `render_pdf(letter)` makes the PDF (the page's workers).
    """
    lang = reading.lang
    letter = reading.letter
    lost = action == "send_confirm" and not reading.values.get("name")
    if letter is None and (lost or not reading.problems):
        # The code came back to a page without the letter (another device, a closed tab).
        reading.problems.insert(
            0,
            Problem(
                "postal_code",
                tr(
                    lang,
                    "This page does not hold your letter, so the code cannot send it. A code "
                    "works only on the page where you wrote the letter, in the same browser. "
                    "Start again here: write the letter, then ask for a new code.",
                ),
            ),
        )
        return render(reading), 409
    problems = _problems(reading)
    if problems:
        reading.problems.extend(p for p in problems if p not in reading.problems)
        return render(reading), 422
    if action == "send_code":
        return _send_code(sending, reading, render)
    return _confirm(sending, reading, render, render_pdf)


def _problems(reading: Reading) -> list[Problem]:
    lang, letter = reading.lang, reading.letter
    if reading.problems or letter is None:
        return reading.problems
    if not letter.recipient_email:
        return [
            Problem(
                "to-" + letter.recipient_id.replace(":", "-"),  # the recipient's choice
                tr(
                    lang,
                    "No email address is known for this recipient: download the PDF and "
                    "mail it, postage-free.",
                ),
            )
        ]
    if not letter.sender_email:
        return [
            Problem("email", tr(lang, "Give your email address: the code to confirm goes there."))
        ]
    try:
        address(letter.sender_name, letter.sender_email, "email")
    except InputError:
        return [
            Problem("email", tr(lang, "Check your email address: write it as name@example.ca."))
        ]
    return []


def _send_code(sending: Sending, reading: Reading, render) -> tuple:
    letter = reading.letter
    if sending.codes.take(request.remote_addr or "?") or sending.all_codes.take("all"):
        reading.add(
            "send-for-me",
            tr(
                reading.lang,
                "You asked for several codes in a short time: wait a minute, then ask again.",
            ),
        )
        return render(reading), 429
    token, code = issue(
        sending.keys,
        email=letter.sender_email,
        digest=letter_digest(letter),
        day=letter_day(request.form).isoformat(),
    )
    message = confirmation_message(
        sending.operator,
        letter.sender_email,
        code,
        letter.recipient_name,
        reading.lang,
        LIFETIME // 3600,
    )
    answer = sending.deliver(message)
    if not answer.sent:
        sending.count("refused" if answer.permanent else "failed")
        g.send_state = SendState("failed", _failure(reading.lang, answer.permanent, code_step=True))
        return render(reading), 503
    sending.count("codes sent")
    g.send_state = SendState("code-sent", token=token, email=letter.sender_email)
    return render(reading), 200


def _confirm(sending: Sending, reading: Reading, render, render_pdf) -> tuple:
    lang, letter = reading.lang, reading.letter
    token = request.form.get("send_token", "")
    try:
        pending = check(
            sending.keys,
            token,
            code=request.form.get("send_code", ""),
            email=letter.sender_email,
            digest=letter_digest(letter),
            spent=sending.spent,
        )
    except TokenRefused as refused:
        if refused.reason == "expired":
            sending.count("expired")
        keep = refused.reason == "wrong-code"
        g.send_state = SendState(
            "code-sent" if keep else "refused",
            _refusal(lang, refused.reason),
            token=token if keep else "",
            email=letter.sender_email,
        )
        return render(reading), 400 if keep else 409
    sending.count("confirmed")
    try:
        pdf = render_pdf(letter)
    except Exception:  # the workers' time limit: nothing went out, the code can be used again
        sending.spent.release(pending.id)
        sending.count("failed")
        g.send_state = SendState("failed", _failure(lang, False))
        return render(reading), 503
    posting = posting_for(letter)
    name = attachment_name(letter)
    answer = sending.deliver(office_message(posting, pdf, name, sending.operator))
    if not answer.sent:
        sending.spent.release(pending.id)
        sending.count("refused" if answer.permanent else "failed")
        g.send_state = SendState("failed", _failure(lang, answer.permanent))
        return render(reading), 502 if answer.permanent else 503
    sending.count("sent")
    if sending.deliver(copy_message(posting, pdf, name, sending.operator, lang)).sent:
        sending.count("copies sent")
    g.send_state = SendState(
        "sent",
        tr(lang, "Your letter was sent to %(office)s (%(address)s). A copy is on its way to you.")
        % {"office": letter.recipient_name, "address": letter.recipient_email},
    )
    return render(reading), 200


def posting_for(letter: Letter) -> Posting:
    return Posting(
        sender_name=letter.sender_name,
        reply_to=letter.sender_email,
        to_name=letter.recipient_name,
        to_email=letter.recipient_email or "",
        subject=letter.subject,
        lang=letter.lang,
        greeting=letter.salutation,
    )


def _refusal(lang: str, reason: str) -> str:
    sentences = {  # translatable(): extracted for translators, translated by tr()
        "wrong-code": translatable(
            "That is not the code we sent. Check the email and type the 6 digits again."
        ),
        "expired": translatable(
            "This code has expired: codes work for 24 hours. Ask for a new one."
        ),
        "used": translatable(
            "This code has already been used, or typed wrongly too many times. Ask for a new one."
        ),
        "changed": translatable(
            "Your letter or your email address changed after we sent the code. Ask for a "
            "new code for the letter as it is now."
        ),
        "other-server": translatable(
            "This code was made by another server, or before this one restarted. Ask for a new one."
        ),
        "malformed": translatable(
            "This code cannot be read: the page was changed. Ask for a new one."
        ),
    }
    return tr(lang, sentences[reason])


def _failure(lang: str, permanent: bool, code_step: bool = False) -> str:
    if code_step:
        return tr(
            lang,
            "We could not send you a code: the mail server did not take it. Download the PDF "
            "and send it yourself, or try again later.",
        )
    if permanent:
        return tr(
            lang,
            "The mail server refused your letter, so it was not sent. Download the PDF and "
            "send it yourself.",
        )
    return tr(
        lang,
        "We could not send your letter: the mail server did not answer after several tries. "
        "Nothing was sent. Download the PDF and send it yourself, or try again later with the "
        "same code.",
    )
