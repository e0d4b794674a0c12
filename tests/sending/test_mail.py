"""The library under "Send it for me" and `letters send`: the mail server's URL, the operator's
address, delivery against aiosmtpd, and the confirmation tokens with their keys and used ids."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from letters.cli import main
from letters.errors import InputError
from letters.sending.mail import (
    PASSWORD_VARIABLE,
    MailServer,
    Posting,
    deliver,
    office_message,
    operator_address,
)
from letters.sending.tokens import (
    LIFETIME,
    SpentIds,
    TokenKeys,
    TokenRefused,
    check,
    issue,
)

from ..mailserver import mail_server

OPERATOR = operator_address("End ICE Contracts <letters@example.org>")
POSTING = Posting(
    "Heather Lim", "heather.lim@example.ca", "Mark Carney", "pm@pm.gc.ca", "Subject", "en"
)


def test_smtp_urls_and_where_the_password_comes_from(monkeypatch):
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    assert MailServer.from_url("smtps://mail.example.org") == MailServer(
        "mail.example.org", 465, True
    )
    assert MailServer.from_url("smtp://mail.example.org").port == 587
    with pytest.raises(InputError, match="LETTERS_SMTP_PASSWORD is not set"):
        MailServer.from_url("smtp://letters@mail.example.org:587")
    monkeypatch.setenv(PASSWORD_VARIABLE, "s3cret")
    server = MailServer.from_url("smtp://letters%40example.org@mail.example.org:2525")
    assert (server.user, server.password, server.port) == ("letters@example.org", "s3cret", 2525)
    with pytest.raises(InputError, match="the URL holds a password"):
        MailServer.from_url("smtps://letters:s3cret@mail.example.org")
    for bad in ("http://mail.example.org", "mail.example.org", "smtp://", "smtp://h:99999"):
        with pytest.raises(InputError, match="--smtp-url"):
            MailServer.from_url(bad)


@pytest.mark.parametrize(
    "bad", ["", "letters", "A <not an address>", "a@b.c, d@e.f", "X <a@b\nBcc: c@d.e>"]
)
def test_the_operator_address_must_be_one_address(bad):
    with pytest.raises(InputError, match="--from"):
        operator_address(bad)


def test_a_name_cannot_add_a_header():
    posting = Posting(
        "Lim\r\nBcc: victim@example.com",
        "h@example.ca",
        "Mark Carney",
        "pm@pm.gc.ca",
        "S\nX-Evil: 1",
        "en",
    )
    message = office_message(posting, b"%PDF-1.7", "letter.pdf", OPERATOR)
    raw = message.as_bytes()
    assert b"\nBcc:" not in raw and b"\nX-Evil:" not in raw


def test_a_password_is_never_sent_without_encryption(monkeypatch):
    monkeypatch.setenv(PASSWORD_VARIABLE, "s3cret")
    with mail_server() as (mailbox, url):
        server = MailServer.from_url(url.replace("//", "//letters@"), timeout=2)
        answer = deliver(server, office_message(POSTING, b"%PDF", "l.pdf", OPERATOR), backoff=0)
    assert not answer.sent and answer.permanent and "STARTTLS" in answer.reply
    assert mailbox.messages == []


def test_an_unreachable_server_is_retried_then_reported():
    waits: list[float] = []
    server = MailServer("127.0.0.1", 9, False, timeout=1)  # discard port: nothing listens
    answer = deliver(
        server, office_message(POSTING, b"%PDF", "l.pdf", OPERATOR), sleep=waits.append
    )
    assert (answer.sent, answer.permanent, answer.tries) == (False, False, 3)
    assert waits == [2.0, 4.0]


def token(keys=None, **changes):
    values = {"email": "h@example.ca", "digest": "d" * 64, "day": "2026-02-01", **changes}
    return issue(keys or KEYS, **values)


KEYS = TokenKeys.generate()


def refusal(tok, code, spent=None, keys=None, **changes) -> str:
    values = {"email": "h@example.ca", "digest": "d" * 64, **changes}
    with pytest.raises(TokenRefused) as refused:
        check(keys or KEYS, tok, code=code, spent=spent or SpentIds(), **values)
    return refused.value.reason


def test_the_code_is_not_in_the_token_and_confirms_it_once():
    tok, code = token()
    assert code not in tok and len(code) == 6 and code.isdigit()
    spent = SpentIds()
    assert check(
        KEYS,
        tok,
        code=f" {code[:3]} {code[3:]} ",
        email="H@example.ca",
        digest="d" * 64,
        spent=spent,
    )
    assert refusal(tok, code, spent) == "used"


def test_every_way_a_token_goes_wrong_has_its_reason():
    tok, code = token()
    assert refusal(tok, "000000" if code != "000000" else "111111") == "wrong-code"
    assert refusal(tok, code, digest="e" * 64) == "changed"
    assert refusal(tok, code, email="other@example.ca") == "changed"
    assert refusal(tok, code, keys=TokenKeys.generate()) == "other-server"
    assert refusal("", code) == "malformed" and refusal("a.b", code) == "malformed"
    old, old_code = issue(
        KEYS, email="h@example.ca", digest="d" * 64, day="2026-02-01", now=time.time() - LIFETIME
    )
    assert refusal(old, old_code) == "expired"


def test_keys_rotate_the_first_signs_and_every_one_verifies(tmp_path):
    old, new = "aa" * 32, "bb" * 32
    (tmp_path / "old").write_text(old + "\n")
    (tmp_path / "both").write_text(f"{new}\n{old}\n")
    (tmp_path / "new").write_text(new + "\n")
    before = TokenKeys.from_file(tmp_path / "old")
    tok, code = token(before)
    rotated = TokenKeys.from_file(tmp_path / "both")
    assert check(rotated, tok, code=code, email="h@example.ca", digest="d" * 64, spent=SpentIds())
    assert refusal(tok, code, keys=TokenKeys.from_file(tmp_path / "new")) == "other-server"
    (tmp_path / "short").write_text("abcd\n")
    with pytest.raises(InputError, match="line 1 is not a key of 32 bytes"):
        TokenKeys.from_file(tmp_path / "short")


def test_the_used_set_is_bounded_and_never_lets_a_code_work_twice():
    spent = SpentIds(limit=3)
    now = time.time()
    for number in range(5):
        assert spent.spend(f"id{number}", int(now) + 100 + number, now=now)
    assert len(spent) <= 3
    assert not spent.spend("id0", int(now) + 100, now=now)  # dropped, yet refused (the floor)
    assert not spent.spend("id4", int(now) + 104, now=now)  # still held
    spent.release("id4")
    assert spent.spend("id4", int(now) + 104, now=now)  # a failed send gives it back


def test_serve_refuses_from_without_a_mail_server():
    result = CliRunner().invoke(main, ["serve", "--from", "Campaign <letters@example.org>"])
    assert (
        result.exit_code == 2
        and "--smtp-url: is needed for --from and --token-keys" in result.output
    )
    result = CliRunner().invoke(main, ["serve", "--smtp-url", "smtps://mail.example.org"])
    assert result.exit_code == 2 and "--from: is required with --smtp-url" in result.output
