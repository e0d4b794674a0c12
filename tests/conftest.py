"""Shared fixtures: the real campaign, the shipped directory, real senders, PDFs read back."""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from letters import Setting, letter_bytes, make_letter, make_sender
from letters.senders import POSTAL_PROVINCES

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the checkout; LETTERS_SHARED points elsewhere (a git worktree, CI).
SHARED = Path(os.environ.get("LETTERS_SHARED") or ROOT.parent / "shared")
DAY = date(2026, 2, 1)

SENDER_FIELDS = dict(
    name="Heather Lim",
    street=["10234 82 Avenue NW"],
    city="Edmonton",
    province="AB",
    postal_code="T6E 1Z8",
    riding="Edmonton Strathcona",
)


@pytest.fixture(scope="session")
def setting() -> Setting:
    return Setting.load("end-ice-contracts")


@pytest.fixture
def sender_fields() -> dict:
    return dict(SENDER_FIELDS)


def province_of(postal_code: str) -> str:
    """The province a postal code is in (its first letter): test rows must agree with it."""
    return POSTAL_PROVINCES[postal_code.strip()[0].upper()][0]


def sender(lang: str = "en", **changes):
    if "postal_code" in changes and "province" not in changes:
        changes["province"] = province_of(changes["postal_code"])
    return make_sender(**{**SENDER_FIELDS, "lang": lang, **changes})


def pdf_text(content: bytes) -> str:
    """All the text of a PDF, pages joined, whitespace runs (but not no-break spaces) kept."""
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


@pytest.fixture(scope="session")
def letter_pdf(setting):
    """Render (and cache) the PDF of a letter: (lang, to, **sender changes) -> bytes."""
    cache: dict = {}

    def render(lang: str, to: str, **changes) -> bytes:
        key = (lang, to, tuple(sorted(changes.items())))
        if key not in cache:
            letter = make_letter(setting, sender(lang, **changes), to, DAY)
            cache[key] = letter_bytes(letter, "pdf")
        return cache[key]

    return render


@pytest.fixture(scope="session")
def signature_png() -> bytes:
    """A small real PNG: dark ink strokes on white paper."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 100), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(10, 70), (80, 20), (150, 80), (290, 30)], fill="navy", width=5)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def no_imported_directory(tmp_path_factory, monkeypatch):
    """Tests see the shipped directory only, unless they import one (`letters directory import`
    writes to $LETTERS_DIRECTORY, else ./directory/house.toml, which a developer may have)."""
    monkeypatch.setenv("LETTERS_DIRECTORY", str(tmp_path_factory.getbasetemp() / "no-house.toml"))
    # Nor does the suite fill the developer's own cache (`letters.resources.cache_dir`).
    monkeypatch.setenv("LETTERS_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(scope="session")
def served():
    """The real `letters serve` (waitress + PDF workers) on 127.0.0.1 and a free port."""
    from .browser import running_server

    with running_server("--pdfs-per-minute", "0", "--workers", "1", "--no-lookup") as url:
        yield url
