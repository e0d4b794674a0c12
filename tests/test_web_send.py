""" "Send it for me" on the page, through Flask's test client, against a real mail server
(aiosmtpd on 127.0.0.1): the code, the confirmation, the letter and the copy, and every refusal."""

from __future__ import annotations

import re
import time
from datetime import date
from html import unescape

import pytest
from click.testing import CliRunner

from letters.cli import main
from letters.sending.mail import MailServer, operator_address
from letters.sending.tokens import LIFETIME, TokenKeys, issue, peek
from letters.web import create_app
from letters.web.send import Sending

from .mailserver import mail_server
from .test_web import FIELDS, post
from .test_web import token as page_token

OPERATOR = "End ICE Contracts <letters@example.org>"
ME = "heather.lim@example.ca"
OFFICE = {"pm": "pm@pm.gc.ca"}


@pytest.fixture(scope="module")
def server():
    with mail_server() as found:
        yield found


@pytest.fixture(scope="module")
def sending(server):
    return Sending(
        MailServer.from_url(server[1], timeout=2), operator_address(OPERATOR), backoff=0.05
    )


@pytest.fixture(scope="module")
def app(sending):
    app = create_app("end-ice-contracts", pdfs_per_minute=0, processes=1, sending=sending)
    yield app
    app.extensions["letters"].workers.close()


@pytest.fixture
def mailbox(server, sending):
    mailbox = server[0]
    mailbox.messages.clear()
    mailbox.refuse, mailbox.greylist, mailbox.stall, mailbox.attempts = False, 0, 0.0, 0
    sending.codes.per_minute = 0  # the code limit has its own test
    return mailbox


@pytest.fixture
def client(app):
    return app.test_client()


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def ask_code(client, mailbox, lang="en", **changes):
    """Press "Send it for me": the page's token and the code from the email."""
    response = post(client, lang, "send_code", email=ME, **changes)
    assert response.status_code == 200, text(response)
    token = re.search(r'name="send_token" value="([^"]+)"', response.get_data(as_text=True))[1]
    (mail,) = mailbox.to(ME)
    code = re.search(r"\b(\d{6})\b", mail.get_body(("plain",)).get_content())[1]
    mailbox.messages.clear()
    mailbox.attempts = 0
    return token, code, response, mail


def confirm(client, token, code, lang="en", **changes):
    return post(client, lang, "send_confirm", email=ME, send_token=token, send_code=code, **changes)


def written_pdf(tmp_path, lang: str) -> bytes:
    """The same letter through `letters write`."""
    out = tmp_path / "written.pdf"
    result = CliRunner().invoke(
        main,
        [
            "write", "--campaign", "end-ice-contracts", "--to", "pm", "--lang", lang,
            "--name", FIELDS["name"], "--street", FIELDS["street1"], "--city", FIELDS["city"],
            "--province", "AB", "--postal-code", "T6E 1Z8", "--riding", FIELDS["riding"],
            "--email", ME, "--demand", "export-permits", "--demand", "field-offices",
            "--typed-signature", "--date", date.today().isoformat(), "-o", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_without_a_mail_server_the_page_has_no_send_step(tmp_path):
    plain = create_app("end-ice-contracts", pdfs_per_minute=0, processes=1)
    try:
        client = plain.test_client()
        html = post(client, "en", "preview", email=ME).get_data(as_text=True)
        assert 'id="download"' in html and "send-for-me" not in html
        assert client.get("/status", follow_redirects=True).status_code == 404
    finally:
        plain.extensions["letters"].workers.close()


@pytest.mark.parametrize(
    ("lang", "subject", "sent"),
    [
        ("en", "Ending Canadian contracts", "Your letter was sent to Mark Carney (pm@pm.gc.ca)."),
        (
            "fr",
            "Fin des contrats et de la coopération",
            "Votre lettre a été envoyée à Mark Carney (pm@pm.gc.ca).",
        ),
    ],
)
def test_the_code_confirms_and_the_letter_goes_to_the_office_with_a_copy(
    client, mailbox, tmp_path, lang, subject, sent
):
    token, code, page, confirmation = ask_code(client, mailbox, lang)
    assert confirmation["From"] == OPERATOR and confirmation["To"] == ME
    assert code in confirmation["Subject"] and code not in page.get_data(as_text=True)
    assert "Heather Lim" not in confirmation.get_body(("plain",)).get_content()  # no letter in it
    response = confirm(client, token, code, lang)
    assert response.status_code == 200, text(response)
    assert sent in text(response)
    (office,) = mailbox.to(OFFICE["pm"])
    assert office["From"] == OPERATOR
    assert office["Reply-To"] == f"Heather Lim <{ME}>"
    assert office["To"] == f"Mark Carney <{OFFICE['pm']}>"
    assert office["Subject"].startswith(subject)
    assert re.fullmatch(r"<[^@>]+@example\.org>", office["Message-ID"])
    (attachment,) = list(office.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == written_pdf(tmp_path, lang)
    (copy,) = mailbox.to(ME)
    assert list(copy.iter_attachments())[0].get_content() == attachment.get_content()
    assert copy["Message-ID"] != office["Message-ID"]


def test_a_used_code_is_refused_in_plain_words(client, mailbox):
    token, code, _page, _mail = ask_code(client, mailbox)
    assert confirm(client, token, code).status_code == 200
    again = confirm(client, token, code)
    assert again.status_code == 409
    assert "This code has already been used" in text(again)
    assert len(mailbox.to(OFFICE["pm"])) == 1


def test_a_wrong_code_keeps_the_code_field_and_five_wrong_codes_spend_it(client, mailbox):
    token, code, _page, _mail = ask_code(client, mailbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        response = confirm(client, token, wrong)
        assert response.status_code == 400 and "That is not the code we sent" in text(response)
        assert 'id="send_code"' in response.get_data(as_text=True)
    assert "already been used, or typed wrongly" in text(confirm(client, token, wrong))
    assert "already been used" in text(confirm(client, token, code))
    assert mailbox.to(OFFICE["pm"]) == []


def test_a_tampered_token_is_refused(client, mailbox):
    token, code, _page, _mail = ask_code(client, mailbox)
    body, mac = token.split(".")
    pending = peek(token)
    forged = body.replace(body[5], "A" if body[5] != "A" else "B", 1) + "." + mac
    for bad in (forged, token[:-3] + "AAA", "not a token"):
        response = confirm(client, bad, code)
        assert response.status_code in (400, 409), text(response)
        assert "Your letter was sent" not in text(response)
    assert pending is not None and mailbox.to(OFFICE["pm"]) == []


def test_a_changed_letter_or_address_is_refused(client, mailbox):
    token, code, _page, _mail = ask_code(client, mailbox)
    response = confirm(client, token, code, note="A sentence added after the code.")
    assert response.status_code == 409
    assert "Your letter or your email address changed after we sent the code" in text(response)
    other = post(
        client, "en", "send_confirm", email="someone@example.ca", send_token=token, send_code=code
    )
    assert "changed after we sent the code" in text(other)
    assert mailbox.to(OFFICE["pm"]) == []


def test_an_expired_code_and_another_servers_code_are_refused(client, mailbox, sending):
    token, _code, _page, _mail = ask_code(client, mailbox)
    pending = peek(token)
    old, old_code = issue(
        sending.keys,
        email=ME,
        digest=pending.digest,
        day=pending.day,
        now=time.time() - LIFETIME - 1,
    )
    response = confirm(client, old, old_code)
    assert response.status_code == 409 and "This code has expired" in text(response)
    foreign, foreign_code = issue(
        TokenKeys.generate(), email=ME, digest=pending.digest, day=pending.day
    )
    response = confirm(client, foreign, foreign_code)
    assert "made by another server" in text(response)
    assert mailbox.to(OFFICE["pm"]) == []


def test_a_page_without_the_letter_says_so_and_offers_to_start_again(client, mailbox):
    token, code, _page, _mail = ask_code(client, mailbox)
    response = client.post(
        "/en/",
        data={
            "csrf_token": page_token(client),  # a real token: only the letter is missing
            "action": "send_confirm",
            "send_token": token,
            "send_code": code,
        },
    )
    assert response.status_code == 409
    assert "This page does not hold your letter" in text(response)
    assert 'id="postal_code"' in response.get_data(as_text=True)  # the first step, to start again
    assert mailbox.to(OFFICE["pm"]) == []


def test_a_refusing_server_is_told_plainly_and_download_offered(client, mailbox, sending):
    token, code, _page, _mail = ask_code(client, mailbox)
    before = dict(sending.counts)
    mailbox.refuse = True
    response = confirm(client, token, code)
    assert response.status_code == 502
    assert "The mail server refused your letter, so it was not sent." in text(response)
    assert 'id="download"' in response.get_data(as_text=True)
    assert mailbox.attempts == 1  # a 5xx is not retried
    assert sending.counts["refused"] == before["refused"] + 1


def test_a_server_that_times_out_is_tried_a_bounded_number_of_times(client, mailbox, sending):
    token, code, _page, _mail = ask_code(client, mailbox)
    mailbox.stall = 3  # the client waits 2 s
    started = time.monotonic()
    response = confirm(client, token, code)
    assert response.status_code == 503
    assert "the mail server did not answer after several tries. Nothing was sent." in text(response)
    assert mailbox.attempts == 3 and time.monotonic() - started < 15
    mailbox.stall, mailbox.attempts = 0, 0
    time.sleep(3.5)  # the stalled answers come back to closed connections
    mailbox.messages.clear()
    retry = confirm(client, token, code)  # nothing went out: the same code works
    assert "Your letter was sent" in text(retry), text(retry)


def test_greylisting_is_retried_with_backoff_until_accepted(client, mailbox):
    token, code, _page, _mail = ask_code(client, mailbox)
    mailbox.greylist, mailbox.attempts = 2, 0
    response = confirm(client, token, code)
    assert "Your letter was sent" in text(response)
    assert mailbox.attempts == 4  # 451, 451, 250 for the letter, 250 for the copy
    assert len(mailbox.to(OFFICE["pm"])) == 1


def test_status_shows_counts_to_the_operator_alone(client, mailbox, sending):
    assert client.get("/status").status_code == 404
    assert client.get("/status", headers={"Authorization": "Bearer wrong"}).status_code == 404
    token, code, _page, _mail = ask_code(client, mailbox)
    confirm(client, token, code)
    answer = client.get("/status", headers={"Authorization": f"Bearer {sending.status_token}"})
    counts = answer.get_json()["delivery"]
    assert counts["codes sent"] >= 1 and counts["sent"] >= 1 and counts["confirmed"] >= 1
    assert set(counts) == {
        "codes sent",
        "confirmed",
        "sent",
        "refused",
        "failed",
        "expired",
        "copies sent",
    }
    assert ME not in answer.get_data(as_text=True)


def test_codes_are_rate_limited_per_client(client, mailbox, sending):
    sending.codes.per_minute = 2
    statuses = [post(client, "en", "send_code", email=ME).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[-1] == 429
