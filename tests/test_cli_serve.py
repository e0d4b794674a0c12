"""`letters serve` as a command: its options, its refusals, and the real server over plain HTTP."""

from __future__ import annotations

import http.cookiejar
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from letters.cli import main

from .browser import FORM
from .conftest import pdf_text


def test_serve_help_shows_runnable_examples():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "letters serve --campaign end-ice-contracts --port 8080" in result.output
    assert "--host" in result.output and "127.0.0.1" in result.output


def test_lookup_url_that_is_not_http_is_refused_in_one_line():
    result = CliRunner().invoke(main, ["serve", "--lookup-url", "ftp://127.0.0.1/"])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "lookup" in result.output and "fix: give an http(s) URL" in result.output


def test_unknown_campaign_is_refused_in_one_line():
    result = CliRunner().invoke(main, ["serve", "--campaign", "no-such-campaign"])
    assert result.exit_code == 2 and "unknown campaign" in result.output


def test_a_taken_port_is_one_line_naming_port_and_exit_2():
    """Not waitress's 30-line traceback: the real command, in a process, on a port in use."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        letters = Path(sys.executable).with_name("letters")
        result = subprocess.run(
            [letters, "serve", "--port", str(port), "--workers", "1"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert f"--port: port {port} on 127.0.0.1 is already in use" in lines[0]
    assert "fix: choose another, e.g. --port" in lines[0]
    assert "Serving" not in result.stdout


def test_plain_http_form_post_with_the_csrf_token_gets_the_pdf(served):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{served}/fr/?postal_code=T6E1Z8&riding=Edmonton+Strathcona").read()
    page = page.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    fields = {**FORM["fr"], "postal_code": "T6E 1Z8", "province": "AB", "csrf_token": token}
    fields.update(action="download", to="pm")
    body = urllib.parse.urlencode({**fields, "demand": "field-offices"}).encode()
    with opener.open(f"{served}/fr/", data=body) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        pdf = response.read()
    assert "Monsieur le Premier Ministre," in pdf_text(pdf)


def test_serve_help_says_represent_is_the_default_and_how_to_turn_it_off():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert "[default: https://represent.opennorth.ca]" in result.output
    assert "--no-lookup" in result.output
    assert "needs the letters.directory.lookup module" not in result.output


def test_plain_serve_finds_the_mp_by_postal_code_and_says_when_it_cannot():
    """The real command: with no option the page offers "Find my MP" (no riding list up front);
    an unreachable service is said on the page (the log: tests/test_web.py)."""
    from .browser import running_server

    def first_page(*options: str) -> str:
        with running_server("--workers", "1", *options) as url:
            return urllib.request.urlopen(f"{url}/en/").read().decode()

    assert 'id="riding"' not in first_page()  # Represent, by default
    assert 'id="riding"' in first_page("--no-lookup")

    with running_server("--workers", "1", "--lookup-url", "http://represent.invalid") as url:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

        def opened(address: str, data: bytes | None = None) -> tuple[str, str]:
            """The address answered (after any redirect) and the page; a 422 is a page too."""
            try:
                answer = opener.open(address, data=data)
            except urllib.error.HTTPError as refused:  # 422: the page, with the problem listed
                answer = refused
            return answer.geturl(), answer.read().decode()

        # "Find my MP" is a GET form: the step is the address /en/?postal_code=...
        assert re.search(r'<form id="find-form"[^>]*method="get"', opened(f"{url}/en/")[1])
        _, page = opened(f"{url}/en/?postal_code=T6E+1Z8")
        # A post without JavaScript (the token is on the letter step) is redirected there.
        _, letter = opened(f"{url}/en/?postal_code=T6E1Z8&riding=Edmonton+Strathcona")
        token = re.search(r'name="csrf_token" value="([^"]+)"', letter)[1]
        body = urllib.parse.urlencode(
            {"csrf_token": token, "postal_code": "T6E 1Z8", "action": "find"}
        ).encode()
        address, posted = opened(f"{url}/en/", body)
        assert address == f"{url}/en/?postal_code=T6E+1Z8"  # the 303, followed
    for shown in (page, posted):
        assert (
            "We could not reach the postal-code service just now: "
            "choose your riding from the list." in shown
        )
        assert 'id="riding"' in shown
