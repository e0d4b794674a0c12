"""PDF: HTML to PDF bytes with WeasyPrint, through a fetcher that serves only our own assets."""

from __future__ import annotations

import hashlib
from functools import cache

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .compose import Letter
from .resources import templates_dir

SCHEME = "letters:"
ASSET_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".css": "text/css", ".png": "image/png"}


class LockedFetcher(URLFetcher):
    """Serve `letters:fonts/…`, `letters:letter.css` and `letters:signature.png`; refuse the rest.

    No file:, no http(s):, no data: and nothing outside templates/, so user text that somehow
    became a URL could fetch nothing (WeasyPrint calls this for every stylesheet, image,
    font and attachment).
    """

    def __init__(self, signature_png: bytes | None = None) -> None:
        super().__init__(allowed_protocols=())
        self._signature_png = signature_png

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if not url.startswith(SCHEME):
            raise ValueError(f"refused to fetch {url[:80]!r}: only letters: assets are served")
        name = url[len(SCHEME) :]
        if name == "signature.png" and self._signature_png is not None:
            return URLFetcherResponse(url, self._signature_png, {"Content-Type": "image/png"})
        return URLFetcherResponse(url, _asset(name), {"Content-Type": _content_type(name)})


@cache
def _asset(name: str) -> bytes:
    root = templates_dir().resolve()
    path = (root / name).resolve()
    suffix = path.suffix.lower()
    if root not in path.parents or suffix not in ASSET_TYPES or not path.is_file():
        raise ValueError(f"refused to fetch letters:{name[:80]!r}: not one of our assets")
    return path.read_bytes()


def _content_type(name: str) -> str:
    return ASSET_TYPES[name[name.rfind(".") :].lower()]


@cache
def _stylesheet() -> tuple[CSS, FontConfiguration]:
    """Parse the print stylesheet once per process; fonts load through the same locked fetcher."""
    fonts = FontConfiguration()
    css = CSS(
        string=_asset("letter.css").decode("utf-8"),
        url_fetcher=LockedFetcher(),
        font_config=fonts,
        base_url=SCHEME,
    )
    return css, fonts


def pdf_identifier(html: str) -> bytes:
    """A stable PDF /ID derived from the content, so the same letter gives the same bytes."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")


def document(html: str, letter: Letter):
    """Lay out one letter (or, in batch, many) and return WeasyPrint's Document."""
    css, fonts = _stylesheet()
    return HTML(
        string=html, url_fetcher=LockedFetcher(letter.signature_png), base_url=SCHEME
    ).render(stylesheets=[css], font_config=fonts, pdf_variant="pdf/ua-1", pdf_tags=True)


def write_pdf(html: str, letter: Letter) -> bytes:
    """Render the letter's HTML to a tagged (PDF/UA-1), deterministic PDF."""
    return document_pdf(document(html, letter), html)


def document_pdf(laid_out, html: str) -> bytes:
    """The PDF bytes of a laid-out Document (batch keeps the page count, then writes)."""
    return laid_out.write_pdf(
        pdf_variant="pdf/ua-1", pdf_identifier=pdf_identifier(html), attachments=[]
    )
