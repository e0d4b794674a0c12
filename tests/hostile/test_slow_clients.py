"""Slow and oversized clients against the real waitress server (letters.web.server), on
127.0.0.1 only: drip-fed sockets do not stop the page, a body over 3 MB gets the page's own 413
in the client's language with our headers (never a reset or waitress's plain text), and a soak
shows an ordinary constituent's PDF arriving while heavy posts, a hostile lookup answer and slow
sockets are in flight."""

from __future__ import annotations

import contextlib
import http.client
import io
import random
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlencode

import pytest
from PIL import Image

from letters.web import create_app
from letters.web.server import ServeLimits, make_server

from ..browser import running_server
from ..test_web import FIELDS
from .servers import serve

SLOW_SOCKETS = 150  # more than waitress's default connection limit (100)


@contextlib.contextmanager
def serving(limits: ServeLimits | None = None, **options):
    """The page behind `make_server` on 127.0.0.1 and a free port, in this process (for limits
    a test can wait out)."""
    app = create_app("end-ice-contracts", **{"processes": 1, "pdfs_per_minute": 0, **options})
    server = make_server(app, "127.0.0.1", 0, 8, limits or ServeLimits())
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.effective_port
    finally:
        server.close()
        server.task_dispatcher.shutdown()
        app.extensions["letters"].workers.close()


class Client:
    """A browser-like client: one cookie jar, the form's CSRF token."""

    def __init__(self, port: int) -> None:
        self.port, self.cookie = port, ""

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=90)
        try:
            conn.request(
                method, path, body=body, headers={"Cookie": self.cookie, **(headers or {})}
            )
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";")[0]
        return response, data

    def token(self, lang: str = "en") -> str:
        """The token of the letter form, on the letter step (the riding chosen: no lookup)."""
        step = f"/{lang}/?searched=T6E+1Z8&postal_code=T6E+1Z8&riding=Edmonton+Strathcona"
        _, html = self.request("GET", step)
        return re.search(rb'name="csrf_token" value="([^"]+)"', html)[1].decode()

    def post(self, fields: dict, lang: str = "en", files: dict | None = None):
        """Post the form as a browser does, following a 303 to the step's address."""
        fields = {"csrf_token": self.token(lang), **fields}
        if not files:
            body = urlencode(fields, doseq=True).encode()
            kind = "application/x-www-form-urlencoded"
        else:
            body, kind = multipart(fields, files)
        response, data = self.request("POST", f"/{lang}/", body, {"Content-Type": kind})
        if response.status == 303:  # POST-redirect-GET
            return self.request("GET", response.getheader("Location"))
        return response, data


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = "letters-test-boundary"
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode()
            )
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: image/png\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    return b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def drip(port: int, count: int) -> list[socket.socket]:
    """`count` connections that have each sent a request line and one header, and no more."""
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sockets.append(sock)
    return sockets


def closed_by_server(sock: socket.socket) -> bool:
    sock.settimeout(0.5)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


ORDINARY = {**FIELDS, "letter_lang": "en", "demand": ["export-permits", "field-offices"]}


@pytest.fixture(scope="module")
def served_port():
    """The real `letters serve` (a subprocess), as a constituent reaches it."""
    with running_server("--pdfs-per-minute", "0", "--workers", "1") as url:
        yield int(url.rsplit(":", 1)[1])


def test_a_normal_request_and_a_pdf_are_answered_while_slow_sockets_are_open(served_port):
    slow = drip(served_port, SLOW_SOCKETS)
    try:
        started = time.monotonic()
        response, html = Client(served_port).request("GET", "/en/")
        assert response.status == 200 and b'id="postal_code"' in html  # the first step
        assert time.monotonic() - started < 5
        response, pdf = Client(served_port).post({**ORDINARY, "action": "download"})
        assert response.status == 200 and pdf.startswith(b"%PDF-")
    finally:
        for sock in slow:
            sock.close()


def test_slow_sockets_are_closed_at_the_request_deadline():
    limits = ServeLimits(request_deadline=3, channel_timeout=5, cleanup_interval=1)
    with serving(limits) as port:
        slow = drip(port, SLOW_SOCKETS)
        try:
            for _ in range(5):  # each sends one more header line a second: still too slow
                time.sleep(1)
                for sock in slow:
                    with contextlib.suppress(OSError):
                        sock.sendall(b"X-Drip: 1\r\n")
            assert sum(closed_by_server(sock) for sock in slow) == SLOW_SOCKETS
        finally:
            for sock in slow:
                sock.close()


@pytest.mark.parametrize(("size", "lang"), [(5_000_000, "fr"), (20_000_000, "en")])
def test_a_body_over_3_mb_gets_the_pages_own_413_in_the_clients_language(served_port, size, lang):
    client = Client(served_port)
    body = b"note=" + b"x" * size
    response, html = client.request(
        "POST", f"/{lang}/", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status == 413
    assert response.getheader("Content-Security-Policy", "").startswith("default-src 'self'")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    page = html.decode()
    assert f'lang="{lang}' in page and "generated by" not in page
    assert ("trop volumineux" if lang == "fr" else "What you sent is too large") in page
    assert client.request("GET", f"/{lang}/")[0].status == 200  # the server is still there


# -- the soak ------------------------------------------------------------------------------------


class DrippingDeepAnswer(BaseHTTPRequestHandler):
    """A lookup service whose answer, nested 200,000 deep, takes two seconds to arrive."""

    def do_GET(self):  # noqa: N802
        body = b"[" * 200_000 + b"]" * 200_000
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            for start in range(0, len(body), len(body) // 20):
                self.wfile.write(body[start : start + len(body) // 20])
                self.wfile.flush()
                time.sleep(0.1)

    def log_message(self, *args):
        pass


def heavy_signature() -> bytes:
    """About the heaviest upload the page takes: 9 megapixels of noise, about 1.8 MB (the cap is 2 MB)."""
    rng = random.Random(23)
    image = Image.new("L", (3000, 3000), 255)
    image.putdata([255 if rng.random() < 0.7 else 0 for _ in range(3000 * 3000)])
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    assert len(out.getvalue()) < 2 * 1024 * 1024, len(out.getvalue())
    return out.getvalue()


def test_soak_an_ordinary_pdf_arrives_while_heavy_posts_a_hostile_lookup_and_slow_sockets_run():
    signature = heavy_signature()
    results: dict[str, object] = {}

    def run(name, call):
        started = time.monotonic()
        try:
            response, body = call()
            results[name] = (response.status, body[:5], time.monotonic() - started)
        except Exception as error:  # noqa: BLE001 - recorded and asserted on below
            results[name] = (type(error).__name__, b"", time.monotonic() - started)

    with serve(DrippingDeepAnswer) as lookup_url, running_server(
        "--pdfs-per-minute", "0", "--workers", "2", "--lookup-url", lookup_url
    ) as url:  # fmt: skip
        port = int(url.rsplit(":", 1)[1])
        slow = drip(port, SLOW_SOCKETS)
        heavy = {**ORDINARY, "action": "download", "signature_mode": "upload"}
        flood = {**ORDINARY, "action": "download", "demand": ["export-permits"] * 3000}
        find = {**ORDINARY, "action": "find", "postal_code": "K0A 1K0", "riding": ""}
        calls = {
            "heavy 1": lambda: Client(port).post(
                heavy, files={"signature_file": ("s.png", signature)}
            ),
            "heavy 2": lambda: Client(port).post(
                heavy, files={"signature_file": ("s.png", signature)}
            ),
            "3,000 repeats": lambda: Client(port).post(flood),
            "hostile lookup": lambda: Client(port).post(find),
        }
        threads = [threading.Thread(target=run, args=item) for item in calls.items()]
        for thread in threads:
            thread.start()
        time.sleep(0.5)  # all in flight
        run("ordinary", lambda: Client(port).post({**ORDINARY, "action": "download"}))
        for thread in threads:
            thread.join(120)
        for sock in slow:
            sock.close()
    status, start, seconds = results["ordinary"]
    assert (status, start) == (200, b"%PDF-"), results
    assert seconds < 60, results
    assert results["3,000 repeats"][0] == 413, results
    assert results["hostile lookup"][0] in (200, 422), results  # the riding list, not a 500
    assert all(results[f"heavy {n}"][0] in (200, 422, 503) for n in (1, 2)), results
    print({name: f"{value[0]} in {value[2]:.1f} s" for name, value in results.items()})


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET /fr/ HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40_000 + b"\r\n\r\n", b"431"),
        (b"GARBAGE\r\n\r\n", b"400"),
    ],
)
def test_what_waitress_refuses_itself_gets_our_page_not_a_reset(served_port, raw, status):
    with socket.create_connection(("127.0.0.1", served_port), timeout=10) as sock:
        sock.sendall(raw)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0].split(b" ")[1] == status
    assert b"Content-Security-Policy: default-src 'self'" in head
    assert b"<!doctype html>" in body.lower() and b"generated by waitress" not in body


def test_a_slow_but_steady_body_arrives_and_a_dripped_one_is_cut_off():
    """The body's deadline grows with its declared size (a phone on 3G sends a 2 MB signature
    in time); a body dripped a byte at a time is closed."""
    limits = ServeLimits(request_deadline=1, min_body_rate=16 * 1024, cleanup_interval=1)
    with serving(limits) as port:
        steady = b"note=" + b"x" * (48 * 1024 - 5)  # deadline 2 s + 3 s; sent in about 2 s
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(
                b"POST /en/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: %d\r\n\r\n" % len(steady)
            )
            for start in range(0, len(steady), 4096):
                sock.sendall(steady[start : start + 4096])
                time.sleep(0.15)
            answer = sock.recv(100)
        assert answer.startswith(b"HTTP/1.1 400"), answer  # answered: the form, no token
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(
                b"POST /en/ HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
            )
            started = time.monotonic()
            with contextlib.suppress(OSError):
                while time.monotonic() - started < 8:
                    sock.sendall(b"x")
                    time.sleep(0.3)
            assert closed_by_server(sock)
            assert time.monotonic() - started < 6
