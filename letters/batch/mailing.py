"""`letters send OUT`: a batch's letters by email to their offices, each once, at a steady pace.

The batch folder says which letter goes to whom (manifest.csv); the supporters' file says who
agreed to have their letter sent for them (the consent column) and where an office may answer
them (the email column, as Reply-To). Letters go from the organiser's address.

Never twice: `sent.csv`, the ledger, gets a `sending` line (with the Message-ID) before each
message and a `sent`, `refused` or `failed` line after it, each flushed to disk before the next
step. A rerun skips what is `sent`, tries `refused` and `failed` again, and does not resend a
letter whose last line is `sending` (the run stopped between the two lines: the server may have
it) unless asked to, with the same Message-ID.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from pathlib import Path

import pikepdf

from ..compose import recipient_lines, salutation
from ..errors import InputError, LettersError
from ..i18n import Language
from ..recipients import Directory, load_directory
from ..senders import header_key
from ..sending.mail import Answer, MailServer, Posting, deliver, office_message
from .reports import safe_cell
from .supporters import open_supporters

LEDGER = "sent.csv"
LEDGER_HEADER = ("file", "recipient", "message_id", "time", "status", "answer")
CONSENT_YES = {"yes", "y", "oui", "o", "true", "vrai", "1", "x", "✓", "✔", "agreed", "accepte"}


@dataclass(frozen=True)
class Outgoing:
    """One letter to email: its file, its office and the supporter it is from."""

    row: int
    file: str
    posting: Posting


@dataclass(frozen=True)
class ByPost:
    """A letter whose office has no known email address: it stays in the print pack."""

    row: int
    file: str
    recipient: str
    address: tuple[str, ...]


@dataclass
class Mailing:
    """What `letters send` will do, and, after a run, what it did."""

    out: Path
    outgoing: list[Outgoing] = field(default_factory=list)
    by_post: list[ByPost] = field(default_factory=list)
    no_consent: list[int] = field(default_factory=list)  # rows
    already_sent: list[str] = field(default_factory=list)  # files
    interrupted: list[tuple[str, str]] = field(default_factory=list)  # (file, Message-ID)
    sent: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file, server's answer)

    @property
    def ledger(self) -> Path:
        return self.out / LEDGER


class Ledger:
    """sent.csv: one line before and one after each message, flushed and synced."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def last(self) -> dict[str, tuple[str, str]]:
        """Each file's last status and Message-ID (a line cut short by a kill is ignored)."""
        if not self.path.is_file():
            return {}
        found: dict[str, tuple[str, str]] = {}
        with self.path.open(encoding="utf-8-sig", newline="") as source:
            for cells in csv.reader(source):
                if len(cells) == len(LEDGER_HEADER) and cells[4] in (
                    "sending",
                    "sent",
                    "refused",
                    "failed",
                ):
                    found[cells[0]] = (cells[4], cells[2])
        return found

    def record(self, file: str, recipient: str, message_id: str, status: str, answer: str) -> None:
        new = not self.path.exists()
        line = io.StringIO()
        writer = csv.writer(line, lineterminator="\r\n")
        if new:
            writer.writerow(LEDGER_HEADER)
        when = datetime.now(UTC).isoformat(timespec="seconds")
        writer.writerow([safe_cell(v) for v in (file, recipient, message_id, when, status, answer)])
        with self.path.open("a", encoding="utf-8-sig" if new else "utf-8", newline="") as out:
            out.write(line.getvalue())
            out.flush()
            os.fsync(out.fileno())


def _manifest(out: Path) -> list[dict[str, str]]:
    path = out / "manifest.csv"
    if not path.is_file():
        raise InputError(
            f"{out} has no manifest.csv",
            field="OUT",
            fix="give the folder `letters batch` wrote (its Manifest: line)",
        )
    with path.open(encoding="utf-8-sig", newline="") as source:
        return [r for r in csv.DictReader(source) if r.get("status") == "written"]


def _supporters(path: Path, consent_column: str, encoding: str) -> dict[int, tuple[bool, str]]:
    """Each row's consent and email, from the organiser's file."""
    headers = open_supporters(path, encoding=encoding)
    found = [
        h
        for h in (*headers.columns, *headers.ignored)
        if header_key(h) == header_key(consent_column)
    ]
    if not found:
        raise InputError(
            f"{path.name} has no column {consent_column!r}",
            field="--consent-column",
            fix="name the column where supporters agreed to have their letter sent; headers found: "
            + ", ".join((*headers.columns, *headers.ignored)),
        )
    rows = open_supporters(path, encoding=encoding, mapping={found[0]: "consent"})
    return {
        row.row: (
            row.fields.get("consent", "").strip().casefold() in CONSENT_YES,
            row.fields.get("email", "").strip(),
        )
        for row in rows
    }


def _subject(pdf: Path) -> str:
    """The letter's subject, as its PDF's title says it (in the letter's language)."""
    with pikepdf.open(pdf) as document:
        return str(document.docinfo.get("/Title", ""))


def plan_mailing(
    out: Path,
    supporters: Path,
    consent_column: str,
    *,
    encoding: str = "utf-8",
    directory: Directory | None = None,
) -> Mailing:
    """Which letters of the batch in `out` go by email, which by post, which not at all."""
    out = Path(out)
    directory = directory or load_directory()
    consent = _supporters(Path(supporters), consent_column, encoding)
    done = Ledger(out / LEDGER).last()
    mailing = Mailing(out)
    root = out.resolve()
    for entry in _manifest(out):
        row, file = int(entry["row"]), entry["file"]
        path = (out / file).resolve()
        if root not in path.parents or not path.is_file():
            raise InputError(
                f"{file} is missing", field="manifest.csv", row=row, fix="run `letters batch` again"
            )
        if hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            raise InputError(
                f"{file} changed after the batch wrote it",
                field="manifest.csv",
                row=row,
                fix="run `letters batch` again",
            )
        recipient = directory.find(entry["recipient"])
        lang = Language(entry["language"])
        if not recipient.email:
            mailing.by_post.append(
                ByPost(row, file, recipient.id, recipient_lines(recipient, lang))
            )
            continue
        agreed, email = consent.get(row, (False, ""))
        if not agreed:
            mailing.no_consent.append(row)
            continue
        status, message_id = done.get(file, ("", ""))
        if status == "sent":
            mailing.already_sent.append(file)
            continue
        if status == "sending":
            mailing.interrupted.append((file, message_id))
        posting = Posting(
            sender_name=entry["supporter"],
            reply_to=email or None,
            to_name=recipient.full_name,
            to_email=recipient.email,
            subject=_subject(path),
            lang=lang.code,
            greeting=salutation(recipient, lang),
        )
        mailing.outgoing.append(Outgoing(row, file, posting))
    return mailing


def run_mailing(
    mailing: Mailing,
    server: MailServer,
    operator: Address,
    *,
    per_minute: float = 20,
    tries: int = 3,
    backoff: float = 30.0,
    resend_interrupted: bool = False,
    progress: Callable[[Outgoing, Answer], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    give_up_after: int = 3,
) -> Mailing:
    """Send what `plan_mailing` found, at most `per_minute` messages a minute. After
    `give_up_after` letters in a row that the server failed (not refused: down, timing out),
    the run stops with MailServerFailing; the ledger keeps what was sent, and a rerun goes on."""
    ledger = Ledger(mailing.ledger)
    interrupted = dict(mailing.interrupted)
    interval = 60 / per_minute if per_minute > 0 else 0
    last = None
    failing = 0
    for outgoing in mailing.outgoing:
        message_id = interrupted.get(outgoing.file)
        if message_id and not resend_interrupted:
            continue
        if last is not None:
            sleep(max(0.0, last + interval - time.monotonic()))
        last = time.monotonic()
        message = office_message(
            outgoing.posting,
            (mailing.out / outgoing.file).read_bytes(),
            Path(outgoing.file).name,
            operator,
        )
        if message_id:  # the same message again: a receiver may recognise it
            message.replace_header("Message-ID", message_id)
        recipient = outgoing.posting.to_email
        ledger.record(outgoing.file, recipient, message["Message-ID"], "sending", "")
        answer = deliver(server, message, tries=tries, backoff=backoff, sleep=sleep)
        status = "sent" if answer.sent else ("refused" if answer.permanent else "failed")
        ledger.record(outgoing.file, recipient, message["Message-ID"], status, answer.reply)
        if answer.sent:
            mailing.sent.append(outgoing.file)
        else:
            mailing.refused.append((outgoing.file, answer.reply))
        if progress:
            progress(outgoing, answer)
        failing = 0 if answer.sent or answer.permanent else failing + 1
        if failing >= give_up_after:
            raise MailServerFailing(failing, answer.reply, len(mailing.sent))
    return mailing


class MailServerFailing(LettersError):
    """The server failed several letters in a row: stop, rather than retry every letter."""

    def __init__(self, letters: int, reply: str, sent: int) -> None:
        super().__init__(
            f"the mail server failed {letters} letters in a row (last answer: {reply}); "
            f"stopped after sending {sent}",
            field="--smtp-url",
            fix="check the mail server, then run the same command again: sent.csv keeps what "
            "was sent, and nothing goes twice",
        )
