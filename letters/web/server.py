"""waitress, set up for a public page: limits against slow and oversized clients, and our own
error pages (with our security headers) for what waitress refuses before the app sees it.

What holds here, on one process, is listed in docs/serve.md ("Slow and oversized clients"),
with what belongs to a reverse proxy in front (per-client connection caps, TLS, buffering).
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass

from flask import Flask, g, render_template
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from ..i18n import languages
from .app import MAX_REQUEST_BYTES


@dataclass(frozen=True)
class ServeLimits:
    """What one client may hold of the server. The defaults suit a page on a small machine."""

    # Open connections in all; waitress's default (100) fell to 110 drip-fed sockets.
    connection_limit: int = 500
    # A connection that sends nothing for this long between requests is closed.
    channel_timeout: float = 30.0
    # How often idle connections are looked for (waitress's default: every 30 s).
    cleanup_interval: float = 5.0
    # A request's line and headers must arrive within this many seconds of its first byte: a
    # client sending one header line every 2 s is cut off instead of holding a slot.
    request_deadline: float = 20.0
    # Its body then has as long again plus a second for every `min_body_rate` bytes it
    # declares: a phone on a slow 3G link (about 80 kB/s up) sends a 2 MB signature in time,
    # a body dripped a byte at a time is cut off.
    min_body_rate: int = 16 * 1024
    # The request line and headers (a browser sends about 2 kB; waitress allows 256 kB).
    max_header_bytes: int = 32 * 1024
    # Bodies up to this reach the page, which answers anything over 3 MB with its 413 page.
    max_body_bytes: int = MAX_REQUEST_BYTES + 64 * 1024
    # The rest of a body refused as too large is read and dropped, up to this much, so the
    # client reads the 413 page instead of a connection reset.
    drain_bytes: int = 32 * 1024 * 1024
    drain_seconds: float = 15.0


def make_server(
    app: Flask, host: str, port: int, threads: int, limits: ServeLimits = ServeLimits()
):
    """A waitress server for `app` with `limits`, its channels and its error pages ours."""
    pages = error_pages(app)
    server = create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="letters",
        connection_limit=limits.connection_limit,
        channel_timeout=limits.channel_timeout,
        cleanup_interval=limits.cleanup_interval,
        max_request_header_size=limits.max_header_bytes,
        max_request_body_size=limits.max_body_bytes,
        asyncore_use_poll=True,  # select() stops at 1,024 descriptors
    )
    channel = type("Channel", (LettersChannel,), {"limits": limits, "pages": pages})
    listeners = [server] if isinstance(server, BaseWSGIServer) else list(server.map.values())
    for listener in listeners:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = channel
    return server


def error_pages(app: Flask) -> dict[tuple[int, str], tuple[str, list, bytes]]:
    """The page's own error pages for what waitress answers itself (413 a body too large, 431
    headers too large, 400 a request it cannot parse), in each language, with the headers every
    page of ours carries (Content-Security-Policy, nosniff…)."""
    pages = {}
    for lang in languages():
        for code in (400, 413, 431):
            with app.test_request_context(f"/{lang}/"):
                app.preprocess_request()
                g.lang = lang
                response = app.make_response((render_template("error.html.j2", code=code), code))
                response = app.process_response(response)
                headers = [
                    (name, value)
                    for name, value in response.headers.items()
                    if name.lower() not in ("content-length", "connection", "set-cookie")
                ]
                pages[code, lang] = (response.status, headers, response.get_data())
    return pages


class LettersParser(HTTPRequestParser):
    def received(self, data: bytes) -> int:
        consumed = super().received(data)
        if self.error is not None:
            return len(data)  # what follows is the refused request, never a request of its own
        return consumed


class LettersErrorTask(ErrorTask):
    """Waitress's own refusals, answered with the page's error page in the client's language."""

    def execute(self) -> None:
        error = self.request.error
        page = self.channel.pages.get((error.code, _language(self.request)))
        if page is None:
            super().execute()
            return
        status, headers, body = page
        self.status = status
        self.response_headers.extend(headers)
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


def _language(request: HTTPRequestParser) -> str:
    """The language of the page asked for (/fr/…), else the browser's first choice."""
    offered = languages()
    asked = (getattr(request, "path", "") or "/").strip("/").split("/")[0]  # none if unparsed
    if asked in offered:
        return asked
    headers = getattr(request, "headers", None) or {}
    accept = parse_accept_header(headers.get("ACCEPT_LANGUAGE", ""), LanguageAccept)
    return accept.best_match(offered, default=offered[0])


class LettersChannel(HTTPChannel):
    """A connection with a deadline for each request, and a lingering close after a refused
    request (the rest of what the client sends is read and dropped, bounded) so the client
    reads our error page instead of a connection reset."""

    parser_class = LettersParser
    error_task_class = LettersErrorTask
    limits: ServeLimits
    pages: dict

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._request_started: float | None = None
        self._refused: float | None = None  # when waitress refused a request (413, 431, 400)
        self._dropped = 0

    def received(self, data: bytes) -> bool:
        now = time.monotonic()
        if self._refused is not None:
            self._dropped += len(data)
            if (
                self._dropped > self.limits.drain_bytes
                or now - self._refused > self.limits.drain_seconds
            ):
                self.will_close = True
            return True
        if self._request_started is None:
            self._request_started = now
        elif now - self._request_started > self._deadline():
            self.will_close = True  # headers or body dripped in for too long
            return False
        before = self.request
        result = super().received(data)
        if any(r.error is not None for r in self.requests):
            self._refused = now
        if self.request is None:
            self._request_started = None
        elif self.request is not before:
            self._request_started = now
        return result

    def _deadline(self) -> float:
        """Seconds the request in progress may take from its first byte."""
        request = self.request
        if request is None or not request.headers_finished:
            return self.limits.request_deadline
        size = request.content_length if not request.chunked else self.limits.max_body_bytes
        return 2 * self.limits.request_deadline + size / self.limits.min_body_rate

    def readable(self) -> bool:
        if self._refused is not None and not self.will_close and not self.total_outbufs_len:
            return True  # keep reading the refused body while the page is on its way
        return super().readable()

    def handle_read(self) -> None:
        if self._refused is None:
            super().handle_read()
            return
        try:
            data = self.recv(self.adj.recv_bytes)
        except OSError:
            self.handle_close()
            return
        if not data:  # the client has read the page and closed
            self.handle_close()
            return
        self.last_activity = time.time()
        self.received(data)

    def handle_write(self) -> None:
        if self._refused is not None and self.close_when_flushed:
            self._flush_exception(self._flush_some)
            if not self.total_outbufs_len:
                # The page is sent: say so (FIN) but keep reading, so the unread body does
                # not turn the close into a reset that loses the page.
                self.close_when_flushed = False
                try:
                    self.socket.shutdown(socket.SHUT_WR)
                except OSError:
                    self.will_close = True
            if self.will_close:
                self.handle_close()
            return
        super().handle_write()
