"""A hostile or overwhelmed lookup service: no redirects, a total deadline, no waiting under a
lock, and a spent budget told at once on the web page."""

from __future__ import annotations

import contextlib
import functools
import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest

from letters.directory import BudgetSpent, RidingLookup
from letters.errors import InputError

from ..directory.test_lookup import Represent, serve_represent
from .servers import serve

ASKED: list[str] = []


class Hostile(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        ASKED.append(self.path)
        code = self.path.strip("/").split("/")[-1]
        if code == "T6E1Z8":  # redirect elsewhere
            self.send_response(302)
            self.send_header("Location", "ftp://evil.example/x")
            self.end_headers()
        elif code == "T6E1Z9":
            self.send_response(301)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_address[1]}/x/")
            self.end_headers()
        else:  # drip one byte every 0.1 s, for ever
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            with contextlib.suppress(OSError):
                for _ in range(100):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.1)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def hostile():
    with serve(Hostile) as url:
        yield url


@pytest.mark.parametrize(
    ("code", "target"), [("T6E 1Z8", "ftp://evil.example/x"), ("T6E 1Z9", "/x/")]
)
def test_redirects_are_not_followed_and_named(hostile, tmp_path, code, target):
    ASKED.clear()
    with (
        RidingLookup(tmp_path / "c.sqlite", base_url=hostile) as lookup,
        pytest.raises(InputError, match="redirected to .*" + target) as caught,
    ):
        lookup.riding(code)
    assert [f"/postcodes/{code.replace(' ', '')}/"] == ASKED
    assert "--lookup-url" in caught.value.fix  # the address is wrong, not the postal code


def test_a_dripping_answer_is_cut_off_at_the_total_deadline(hostile, tmp_path):
    with RidingLookup(tmp_path / "c.sqlite", base_url=hostile, timeout=0.5) as lookup:
        started = time.perf_counter()
        with pytest.raises(InputError, match="did not answer within 0.5 s: timed out"):
            lookup.riding("K1A 0A6")
    assert time.perf_counter() - started < 1.5


def test_a_spent_budget_is_refused_at_once_when_not_waiting(tmp_path):
    with (
        serve_represent() as url,
        RidingLookup(tmp_path / "c.sqlite", base_url=url, per_minute=1, wait=False) as lookup,
    ):
        lookup.riding("T6E 1Z8")
        started = time.perf_counter()
        with pytest.raises(BudgetSpent):
            lookup.riding("K1A 0A6")
        assert time.perf_counter() - started < 0.2
        assert lookup.riding("T6E 1Z8") == "Edmonton Strathcona"  # cached: no budget needed


def test_a_slow_lookup_does_not_hold_up_another_thread(tmp_path):
    with (
        serve_represent() as url,
        RidingLookup(tmp_path / "c.sqlite", base_url=url, timeout=2) as lookup,
    ):
        lookup.riding("T6E 1Z8")

        def ask_slowly():
            with contextlib.suppress(InputError):
                lookup.riding("X0A 0H0")

        slow = threading.Thread(target=ask_slowly)
        slow.start()
        time.sleep(0.1)
        started = time.perf_counter()
        assert lookup.riding("T6E 1Z8") == "Edmonton Strathcona"
        assert time.perf_counter() - started < 0.2
        slow.join()


def _post(client, postal_code):
    from ..test_web import post

    # "Find my MP": the page's step that asks the lookup (a preview asks it again only for
    # the code already searched)
    return post(client, "en", "find", riding="", to="mp", postal_code=postal_code)


def test_web_previews_that_ask_the_lookup_are_rate_limited_and_offer_the_list():
    from letters.web.app import create_app

    with serve_represent() as url:
        app = create_app(lookup_url=url, processes=1, pdfs_per_minute=1, burst=1)
        client = app.test_client()
        assert "Dear Ms. McPherson:" in _post(client, "T6E 1Z8").get_data(as_text=True)
        started = time.perf_counter()
        response = _post(client, "K1A 0A6")
        html = response.get_data(as_text=True)
        assert time.perf_counter() - started < 1
        assert response.status_code == 422
        assert "Too many people are looking up postal codes right now" in html
        assert 'id="riding-list"' in html
        hits = Represent.hits["K1A0A6"]
        _post(client, "K1A 0A6")
        assert Represent.hits["K1A0A6"] == hits  # refused before asking
        # a code already known costs nothing
        assert "Dear Ms. McPherson:" in _post(client, "T6E 1Z8").get_data(as_text=True)


def test_web_page_says_at_once_when_the_servers_budget_is_spent(monkeypatch):
    from letters.web import lookup as web_lookup
    from letters.web.app import create_app

    monkeypatch.setattr(web_lookup, "RidingLookup", functools.partial(RidingLookup, per_minute=1))
    with serve_represent() as url:
        client = create_app(lookup_url=url, processes=1, pdfs_per_minute=0).test_client()
        _post(client, "T6E 1Z8")
        started = time.perf_counter()
        html = _post(client, "K1A 0A6").get_data(as_text=True)
        assert time.perf_counter() - started < 1
        assert "Too many people are looking up postal codes right now" in html


@pytest.mark.parametrize("secure", [False, True])
def test_secure_cookie_setting(secure):
    from letters.web.app import create_app

    client = create_app(processes=1, secure_cookie=secure).test_client()
    # the letter form's step carries the anti-forgery token
    page = "/en/?postal_code=T6E1Z8&riding=Edmonton+Strathcona"
    cookie = client.get(page).headers.get("Set-Cookie", "")
    assert "letters_csrf=" in cookie
    assert ("Secure" in cookie) is secure
