""" "Send it for me" in Debian's headless Chromium against the real `letters serve` and a real
mail server (aiosmtpd on 127.0.0.1): the code comes by email, is typed into the page, and the
letter goes to the MP with a copy. Afterwards the server's working folder is empty and its log
holds no name, address or code."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .browser import (
    FORM,
    chromium,
    download_from_page,
    fill,
    find_mp,
    free_port,
    missing_browser,
    tap,
    wait_for_mailto,
)
from .directory.test_lookup import serve_represent
from .mailserver import mail_server

REASON = missing_browser()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")
ME = "heather.lim@example.ca"
MP = "Heather.McPherson@parl.gc.ca"
STATUS = "operator-only-token"


def serve(workdir, log, *options: str):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "letters", "serve", "--port", str(port), *options],
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "LETTERS_STATUS_TOKEN": STATUS, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("letters serve did not start") from None
            time.sleep(0.1)


def test_the_code_round_trip_sends_the_letter_and_leaves_nothing_personal(tmp_path):
    workdir, logs = tmp_path / "server", tmp_path / "logs"
    workdir.mkdir()
    logs.mkdir()
    with (
        mail_server() as (mailbox, smtp),
        serve_represent() as represent,
        (logs / "serve.log").open("wb") as log,
    ):
        process, base = serve(
            workdir, log, "--workers", "1", "--pdfs-per-minute", "0", "--lookup-url", represent,
            "--smtp-url", smtp, "--from", "End ICE Contracts <letters@example.org>",
        )  # fmt: skip
        try:
            with chromium(width=1280, height=900) as driver:
                driver.get(f"{base}/en/")
                find_mp(driver, "T6E 1Z8")
                fill(driver, {**FORM["en"], "email": ME})
                wait_for_mailto(driver)
                tap(driver, "send-for-me-button", navigates=True)
                deadline = time.monotonic() + 30
                while not mailbox.to(ME) and time.monotonic() < deadline:
                    time.sleep(0.1)
                (confirmation,) = mailbox.to(ME)
                code = re.search(r"\b(\d{6})\b", confirmation["Subject"])[1]
                page = driver.find_element("id", "send-for-me").text
                assert f"We sent a 6-digit code to {ME}" in page
                status, _type, pdf = download_from_page(driver)  # the page's Download, for later
                assert status == 200
                fill(driver, {"send_code": code})
                tap(driver, "send-confirm", navigates=True)
                result = driver.find_element("id", "send-result").text
            assert result == (
                f"Your letter was sent to Heather McPherson ({MP}). A copy is on its way to you."
            )
            (letter,) = mailbox.to(MP)
            assert letter["Reply-To"] == f"Heather Lim <{ME}>"
            assert letter["From"] == "End ICE Contracts <letters@example.org>"
            assert list(letter.iter_attachments())[0].get_content() == pdf
            assert len(mailbox.to(ME)) == 2  # the code, then the copy
            request = urllib.request.Request(
                f"{base}/status", headers={"Authorization": f"Bearer {STATUS}"}
            )
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (loopback)
                counts = json.load(answer)["delivery"]
            assert (counts["codes sent"], counts["confirmed"], counts["sent"]) == (1, 1, 1)
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert list(workdir.iterdir()) == []  # nothing written where the server runs
    text = (logs / "serve.log").read_text(encoding="utf-8")
    assert "delivery: sent (1 so far)" in text
    for personal in ("Heather Lim", "heather.lim", "10234", "T6E", "Edmonton", code, "Reply"):
        assert personal not in text, personal
