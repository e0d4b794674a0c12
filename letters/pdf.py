"""PDF: HTML to PDF bytes with WeasyPrint, through a fetcher that serves only our own assets."""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import sys
import tempfile
import zlib
from functools import cache
from pathlib import Path

from .compose import Letter
from .native import remembered_library_lookups
from .resources import templates_dir

with remembered_library_lookups():  # WeasyPrint's import looks up its native libraries
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse
import pydyf  # WeasyPrint's PDF writer

from . import drawing

# Plain lines of text drawn in bulk: the same bytes, a fifth less time to write a letter.
drawing.install()

SCHEME = "letters:"

# Without libharfbuzz-subset, WeasyPrint subsets fonts with fontTools, which stamps each font's
# `head.modified` with the time of the run unless SOURCE_DATE_EPOCH is set
# (fontTools.misc.timeTools.timestampNow, after https://reproducible-builds.org/specs/source-date-epoch/).
# A fixed value, set for the whole process (the letter's date would differ between threads),
# keeps the same letter the same bytes with either subsetter, whatever the caller's environment.
FONT_EPOCH = "0"
os.environ["SOURCE_DATE_EPOCH"] = FONT_EPOCH
# pydyf 0.13 deflates every stream at zlib's level 9 (`Stream.data`, `zlib.compressobj(level=9)`)
# and offers no setting. On a letter's streams (page contents, font subsets, the object stream)
# level 9 takes 4.7 ms a letter and level 6, zlib's default, 1.7 ms for 1 % more bytes (28.1
# against 27.8 kB before the object stream; docs/performance.md): pydyf sees this module as its
# `zlib`, which compresses at FLATE_LEVEL whatever level is asked for. Still plain Flate: any
# reader decodes it, and the same letter still gives the same bytes.
FLATE_LEVEL = 6


class _Flate:
    compress = staticmethod(zlib.compress)  # pydyf's ASCII85 streams: zlib's default level

    @staticmethod
    def compressobj(level: int = FLATE_LEVEL, *args, **kwargs):
        return zlib.compressobj(FLATE_LEVEL, *args, **kwargs)


pydyf.zlib = _Flate
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


# WeasyPrint copies each @font-face into a `weasyprint-*` temporary folder and removes it only
# when the FontConfiguration is garbage-collected, which a cached one in a worker process never
# is. Ours carry the process id, are removed when the process ends (multiprocessing runs its
# finalizers in workers, atexit in the main process), and a later process removes those whose
# process is gone (killed).
FONT_FOLDER_PREFIX = "weasyprint-letters-"


def font_folder() -> Path:
    """A fresh folder for this process's font copies, removed when the process exits."""
    sweep_font_folders()
    folder = Path(tempfile.mkdtemp(prefix=f"{FONT_FOLDER_PREFIX}{os.getpid()}-"))
    _when_this_process_ends(shutil.rmtree, folder, True)
    return folder


def _when_this_process_ends(function, *args) -> None:
    """Run `function(*args)` when this process ends, and not in a child forked from it.

    A multiprocessing worker leaves through `os._exit`, past atexit: there multiprocessing's
    own finalizers run. A process that never imported multiprocessing is none of its workers,
    and atexit does: importing multiprocessing only for this cost `letters write` 4 ms."""
    if "multiprocessing" in sys.modules:
        from multiprocessing.util import Finalize

        Finalize(None, function, args=args, exitpriority=0)
        return
    owner = os.getpid()
    atexit.register(lambda: os.getpid() == owner and function(*args))


def sweep_font_folders(root: Path | None = None) -> None:
    """Remove font folders left by processes that no longer run (a killed batch or server)."""
    root = Path(root or tempfile.gettempdir())
    for folder in root.glob(f"{FONT_FOLDER_PREFIX}*"):
        pid = folder.name[len(FONT_FOLDER_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _own_fonts() -> FontConfiguration:
    """A FontConfiguration whose @font-face copies go to this process's own folder
    (`font_folder`): WeasyPrint's own would leave its `weasyprint-*` folder behind in a batch
    worker, whose exit runs no garbage collection."""
    fonts = FontConfiguration()
    fonts._folder = font_folder()  # noqa: SLF001 (WeasyPrint 70 makes it lazily, see above)
    return fonts


@cache
def _stylesheet() -> tuple[CSS, FontConfiguration]:
    """Parse the print stylesheet once per process; fonts load through the same locked fetcher."""
    fonts = _own_fonts()
    css = CSS(
        string=_asset("letter.css").decode("utf-8"),
        url_fetcher=LockedFetcher(),
        font_config=fonts,
        base_url=SCHEME,
    )
    return css, fonts


@cache
def font_configuration() -> FontConfiguration:
    """Fonts for our other documents (a print pack's cover sheet), once per process."""
    return _own_fonts()


def preload() -> None:
    """Parse the stylesheet and load the fonts now: a batch worker does it as it starts, while
    the rows are still being planned, not on its first letter."""
    _stylesheet()


def pdf_identifier(html: str) -> bytes:
    """A stable PDF /ID derived from the content, so the same letter gives the same bytes."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")


def document(html: str, letter: Letter, envelope_html: str | None = None):
    """Lay out one letter (or, in batch, many) and return WeasyPrint's Document.

    An envelope (`render_envelope`) is laid out as its own document (its own page size, no
    running header, not counted in the letter's "Page 1 of 2") and its page appended last.
    """
    css, fonts = _stylesheet()

    def lay_out(source: str):
        return HTML(
            string=source, url_fetcher=LockedFetcher(letter.signature_png), base_url=SCHEME
        ).render(stylesheets=[css], font_config=fonts, pdf_variant="pdf/ua-1", pdf_tags=True)

    laid_out = lay_out(html)
    if envelope_html is not None:
        laid_out = laid_out.copy(laid_out.pages + lay_out(envelope_html).pages)
    return laid_out


def write_pdf(html: str, letter: Letter, envelope_html: str | None = None) -> bytes:
    """Render the letter's HTML (and its envelope's, if any) to a tagged (PDF/UA-1),
    deterministic PDF."""
    return document_pdf(document(html, letter, envelope_html), html + (envelope_html or ""))


def document_pdf(laid_out, html: str) -> bytes:
    """The PDF bytes of a laid-out Document (batch keeps the page count, then writes).

    `html` is what was laid out (the letter's HTML, then its envelope's): it fixes the /ID.
    """
    identifier = pdf_identifier(html)
    content = laid_out.write_pdf(pdf_variant="pdf/ua-1", attachments=[])
    with_id = with_identifier(content, identifier)
    if with_id is None:  # not the file layout pydyf 0.13 writes: let it add the /ID itself
        return laid_out.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=identifier, attachments=[])
    return with_id


# The dictionary of the cross-reference stream, the last object of a compressed PDF: its offset
# is the one after `startxref`.
XREF_STREAM = re.compile(rb"\d+ 0 obj\n<</Type /XRef")
STARTXREF = re.compile(rb"startxref\n(\d+)\n%%EOF\n?\Z")


def with_identifier(content: bytes, identifier: bytes) -> bytes | None:
    """The PDF with `/ID [(identifier) (identifier)]` in its trailer, or None if its end is not
    the cross-reference stream this expects.

    Given `pdf_identifier`, pydyf (0.13) serialises and compresses every object a second time,
    to hash them for the /ID's second string: a quarter of writing a letter (7.8 of 34 ms, see
    docs/performance.md). Both strings are the content's identifier here, as in a file that was
    never modified. Inserting into the last object's dictionary moves no offset the
    cross-reference stream or `startxref` records: they point at or before its start.
    """
    end = STARTXREF.search(content)
    if not end or b"/ID [" in content[int(end[1]) :]:
        return None
    start = int(end[1])
    found = XREF_STREAM.match(content, start)
    if not found:
        return None
    literal = b"(" + identifier + b")"  # hex digits: nothing to escape
    return (
        content[: found.end()]
        + b"/ID [" + literal + b" " + literal + b"]"
        + content[found.end() :]
    )  # fmt: skip
