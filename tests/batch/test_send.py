"""`letters send OUT` against a real mail server (aiosmtpd on 127.0.0.1): consent, Reply-To,
the ledger, the pace, a killed run resumed with nothing sent twice, refusals and greylisting."""

from __future__ import annotations

import csv
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from letters.batch import run_batch
from letters.batch.mailing import plan_mailing, run_mailing
from letters.cli import main
from letters.sending.mail import MailServer, operator_address

from ..mailserver import mail_server

ROOT = Path(__file__).resolve().parents[2]
OPERATOR = "End ICE Contracts <letters@example.org>"
# row 2 Heather Lim (en, email, yes), 3 Jeanne Tremblay (fr, email, yes), 4 Marc-André Gagnon
# (fr, no email, yes), 5 Priya Sharma (en, email, no)
CONSENT = {2: "yes", 3: "Oui", 4: "x", 5: "no"}


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[Path, Path]:
    """A batch of four supporters to the PM and a minister (who has no email address)."""
    folder = tmp_path_factory.mktemp("send")
    lines = (ROOT / "examples" / "supporters.csv").read_text(encoding="utf-8").splitlines()[:5]
    rows = list(csv.reader(lines))
    rows[0].append("Send it for me")
    for number, row in enumerate(rows[1:], 2):
        row.append(CONSENT[number])
    supporters = folder / "supporters.csv"
    with supporters.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    out = folder / "out"
    summary = run_batch(
        "end-ice-contracts",
        supporters,
        ["pm", "minister:foreign-affairs"],
        day=date(2026, 2, 1),
        out=out,
        jobs=1,
    )
    assert summary.written == 8
    return supporters, out


@pytest.fixture
def out(batch, tmp_path) -> Path:
    """A fresh copy of the batch folder (each test has its own ledger)."""
    copy = tmp_path / "out"
    subprocess.run(["cp", "-a", str(batch[1]), str(copy)], check=True)
    return copy


@pytest.fixture
def server():
    with mail_server() as found:
        yield found


def send(out: Path, supporters: Path, *extra: str):
    return CliRunner().invoke(
        main,
        [
            "send", str(out), "--input", str(supporters), "--consent-column", "send it for me",
            "--from", OPERATOR, "--per-minute", "6000", *extra,
        ],
    )  # fmt: skip


def ledger(out: Path) -> list[dict[str, str]]:
    with (out / "sent.csv").open(encoding="utf-8-sig", newline="") as source:
        return list(csv.DictReader(source))


def test_dry_run_shows_what_would_go_where_and_sends_nothing(batch, out, server):
    result = send(out, batch[0], "--dry-run")
    assert result.exit_code == 0, result.output
    assert (
        "letters/00002-pm-en.pdf -> Mark Carney <pm@pm.gc.ca>, Reply-To heather.lim@example.ca"
        in result.output
    )
    assert "letters/00004-pm-fr.pdf -> Mark Carney <pm@pm.gc.ca>\n" in result.output  # no email
    assert "Would send: 3 (dry run: nothing sent)" in result.output
    assert "Not sent, no consent: 1 letter (rows 5)" in result.output
    assert "By post: 4 letters to offices with no email address known" in result.output
    assert (
        "minister:foreign-affairs (4): The Honourable Anita Anand, P.C., M.P., Minister of "
        "Foreign Affairs, House of Commons, Ottawa ON  K1A 0A6"
    ) in result.output
    assert not (out / "sent.csv").exists() and server[0].messages == []


def test_each_letter_goes_once_to_its_office_with_the_supporter_as_reply_to(batch, out, server):
    mailbox, url = server
    result = send(out, batch[0], "--smtp-url", url)
    assert result.exit_code == 0, result.output
    assert "Sent: 3 now, 0 before (in sent.csv)" in result.output
    assert len(mailbox.messages) == 3
    assert all(r.recipients == ["pm@pm.gc.ca"] for r in mailbox.messages)
    by_file = {row["file"]: row for row in ledger(out) if row["status"] == "sent"}
    for received in mailbox.messages:
        message = received.message
        assert message["From"] == OPERATOR and received.envelope_from == "letters@example.org"
        (attachment,) = list(message.iter_attachments())
        file = next(f for f, row in by_file.items() if row["message_id"] == message["Message-ID"])
        assert attachment.get_content() == (out / file).read_bytes()  # the batch's own bytes
        assert by_file[file]["answer"].startswith("250")
    heather, jeanne, marc = (m.message for m in mailbox.messages)
    assert heather["Reply-To"] == "Heather Lim <heather.lim@example.ca>"
    assert heather["Subject"].startswith("Ending Canadian contracts")
    assert jeanne["Subject"].startswith(
        "Fin des contrats et de la coopération"
    )  # the letter's language
    assert "J’ai joint ma lettre" in jeanne.get_body(("plain",)).get_content()
    assert marc["Reply-To"] is None  # no email in the file: the letter carries the address
    again = send(out, batch[0], "--smtp-url", url)
    assert "Sent: 0 now, 3 before (in sent.csv)" in again.output
    assert len(mailbox.messages) == 3
    statuses = [row["status"] for row in ledger(out)]
    assert statuses == ["sending", "sent"] * 3  # before and after each
    written = (out / "sent.csv").read_text(encoding="utf-8-sig")
    assert "example.ca" not in written and "Heather" not in written  # no supporter's data


def test_the_pace_follows_per_minute(batch, out, server):
    mailbox, url = server
    waits: list[float] = []
    mailing = plan_mailing(out, batch[0], "Send it for me")
    run_mailing(
        mailing, MailServer.from_url(url), operator_address(OPERATOR), per_minute=120,
        sleep=waits.append,
    )  # fmt: skip
    assert len(waits) == 2 and all(0 < wait <= 0.5 for wait in waits)  # 60 / 120 s apart


def test_a_killed_run_resumes_and_sends_nothing_twice(batch, out, server):
    mailbox, url = server
    command = [
        sys.executable, "-m", "letters", "send", str(out), "--input", str(batch[0]),
        "--consent-column", "Send it for me", "--from", OPERATOR, "--smtp-url", url,
        "--per-minute", "40",  # 1.5 s apart: the kill lands between two messages
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while len(mailbox.messages) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert len(mailbox.messages) == 1
    result = send(out, batch[0], "--smtp-url", url)
    assert result.exit_code == 0, result.output
    assert "Sent: 2 now, 1 before (in sent.csv)" in result.output
    ids = [r.message["Message-ID"] for r in mailbox.messages]
    assert len(ids) == 3 and len(set(ids)) == 3
    files = {row["file"] for row in ledger(out) if row["status"] == "sent"}
    assert files == {
        "letters/00002-pm-en.pdf",
        "letters/00003-pm-fr.pdf",
        "letters/00004-pm-fr.pdf",
    }


def test_a_run_killed_during_a_message_lists_it_and_resends_it_only_when_asked(batch, out, server):
    mailbox, url = server
    mailbox.stall = 3  # the server holds the first message's answer
    command = [
        sys.executable, "-m", "letters", "send", str(out), "--input", str(batch[0]),
        "--consent-column", "Send it for me", "--from", OPERATOR, "--smtp-url", url,
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while mailbox.attempts < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    mailbox.stall = 0
    # The connection dropped before the server's answer: aiosmtpd dropped the message too, but
    # the sender cannot know that; a real server might have queued it.
    (interrupted,) = [row for row in ledger(out) if row["status"] == "sending"]
    result = send(out, batch[0], "--smtp-url", url)
    assert result.exit_code == 0, result.output
    assert "Interrupted: 1 letter being sent when a run stopped" in result.output
    assert f"{interrupted['file']}  {interrupted['message_id']}" in result.output
    assert len(mailbox.messages) == 2  # the two others, not the interrupted one
    result = send(out, batch[0], "--smtp-url", url, "--resend-interrupted")
    assert "Sent: 1 now, 2 before (in sent.csv)" in result.output
    assert mailbox.messages[-1].message["Message-ID"] == interrupted["message_id"]
    again = send(out, batch[0], "--smtp-url", url, "--resend-interrupted")
    assert "Sent: 0 now, 3 before" in again.output
    assert len({r.message["Message-ID"] for r in mailbox.messages}) == len(mailbox.messages) == 3


def test_a_refusing_server_is_recorded_and_a_rerun_retries(batch, out, server):
    mailbox, url = server
    mailbox.refuse = True
    result = send(out, batch[0], "--smtp-url", url)
    assert result.exit_code == 1
    assert "Not sent: 3 (the server's answers are in sent.csv)" in result.output
    assert {row["answer"] for row in ledger(out) if row["status"] == "refused"} == {
        "550 5.7.1 Message refused by policy"
    }
    assert mailbox.attempts == 3  # one each: a 5xx is not retried
    mailbox.refuse = False
    assert "Sent: 3 now, 0 before" in send(out, batch[0], "--smtp-url", url).output


def test_greylisting_and_timeouts_are_retried_with_backoff(batch, out, server):
    mailbox, url = server
    mailbox.greylist = 2
    waits: list[float] = []
    mailing = plan_mailing(out, batch[0], "Send it for me")
    run_mailing(
        mailing, MailServer.from_url(url, timeout=1), operator_address(OPERATOR), per_minute=6000,
        backoff=30, sleep=waits.append,
    )  # fmt: skip
    assert len(mailing.sent) == 3 and [w for w in waits if w >= 30] == [30, 60]
    mailbox.stall = 2
    out2 = out.parent / "again"
    subprocess.run(["cp", "-a", str(batch[1]), str(out2)], check=True)
    mailing = plan_mailing(out2, batch[0], "Send it for me")
    mailing.outgoing = mailing.outgoing[:1]
    run_mailing(
        mailing, MailServer.from_url(url, timeout=0.5), operator_address(OPERATOR), tries=2,
        backoff=0.1,
    )  # fmt: skip
    assert mailing.refused == [("letters/00002-pm-en.pdf", "timed out")]
    assert [row["status"] for row in ledger(out2)] == ["sending", "failed"]


def test_the_consent_column_is_required_and_must_exist(batch, out):
    result = CliRunner().invoke(
        main, ["send", str(out), "--input", str(batch[0]), "--from", OPERATOR]
    )
    assert result.exit_code == 2 and "--consent-column" in result.output
    result = send(out, batch[0], "--dry-run", "--consent-column", "Agreed")
    assert result.exit_code == 2
    assert "--consent-column: supporters.csv has no column 'Agreed'" in result.output


def test_a_mail_server_that_cannot_be_reached_is_one_line_before_anything(batch, out):
    """Nothing listens on the port: one line at once, exit 2, and no letter marked as sending."""
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    result = send(out, batch[0], "--smtp-url", f"smtp://127.0.0.1:{port}")
    assert time.monotonic() - started < 10
    assert result.exit_code == 2, result.output
    assert f"cannot reach the mail server 127.0.0.1:{port} (ConnectionRefusedError)" in (
        result.output
    )
    assert result.output.count("\n") == 1
    assert not (out / "sent.csv").exists() or ledger(out) == []


def test_a_server_failing_letter_after_letter_stops_the_run_and_a_rerun_goes_on(batch, out, server):
    """Greylisted for ever: the run stops after three letters in a row, not one try per letter;
    the rerun, once the server answers again, sends every letter once."""
    from letters.batch.mailing import MailServerFailing

    mailbox, url = server
    mailbox.greylist = 10_000
    mailing = plan_mailing(out, batch[0], "Send it for me")
    assert len(mailing.outgoing) >= 3
    with pytest.raises(MailServerFailing) as stopped:
        run_mailing(
            mailing, MailServer.from_url(url, timeout=1), operator_address(OPERATOR),
            per_minute=6000, tries=1, sleep=lambda _: None,
        )  # fmt: skip
    assert "failed 3 letters in a row" in str(stopped.value)
    mailbox.greylist = 0
    result = send(out, batch[0], "--smtp-url", url)
    assert result.exit_code == 0, result.output
    sent = [row for row in ledger(out) if row["status"] == "sent"]
    assert len(sent) == len({row["file"] for row in sent}) == len(mailing.outgoing)
