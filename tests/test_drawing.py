"""Plain lines drawn in bulk (`letters.drawing`) give the very bytes WeasyPrint's own drawing
gives: the same letter, only written sooner."""

from __future__ import annotations

import pytest
import weasyprint
from weasyprint.draw import text as weasyprint_text

from letters import drawing, letter_bytes, make_letter
from letters import pdf as _installs_drawing  # noqa: F401 (letters.pdf installs it)

from .conftest import DAY, pdf_text, sender

# A sender's note, and a word of it the PDF must show.
NOTES = {
    "plain": (None, None),
    "accents and marks": ("Ça m’inquiète : « Où en est-on ? » Ǹgọ́zí, Đặng, naïve, ½.", "inquiète"),
    "right to left": ("My neighbour writes: שלום לכם and مرحبا بكم, in her words.", "neighbour"),
    # Text of a PDF with .notdef glyphs does not read back with pypdf, whoever draws them.
    "missing glyphs": ("My family's names: 王秀英 and 김민준.", None),
    "symbols": ("Twenty-two years here ☺ ♥ ✓ → ∞ — and counting.", "counting"),
}


def both_ways(monkeypatch, letter) -> tuple[bytes, bytes]:
    """(with our drawing, with WeasyPrint's own) for the same letter."""
    ours = letter_bytes(letter, "pdf")
    with monkeypatch.context() as patched:
        patched.setattr(weasyprint_text, "draw_first_line", drawing.WEASYPRINTS)
        theirs = letter_bytes(letter, "pdf")
    return ours, theirs


def test_installed_on_the_weasyprint_it_mirrors():
    assert weasyprint.__version__ == drawing.MIRRORED_VERSION
    assert weasyprint_text.draw_first_line is drawing.draw_first_line


@pytest.mark.parametrize("note", NOTES, ids=list(NOTES))
@pytest.mark.parametrize("lang, to", [("en", "pm"), ("fr", "mp:Edmonton Strathcona")])
def test_the_same_bytes_as_weasyprints_own_drawing(setting, monkeypatch, lang, to, note):
    text, shown = NOTES[note]
    letter = make_letter(setting, sender(lang, note=text), to, DAY)
    ours, theirs = both_ways(monkeypatch, letter)
    assert ours == theirs
    if shown:
        assert shown in pdf_text(ours)


def test_the_same_bytes_with_a_signature_and_an_envelope(setting, monkeypatch, signature_png):
    letter = make_letter(
        setting,
        sender("fr", signature_png=signature_png),
        "minister:foreign-affairs",
        DAY,
        envelope=True,
    )
    ours, theirs = both_ways(monkeypatch, letter)
    assert ours == theirs
    assert "Madame la Ministre" in pdf_text(ours)


def count_weasyprints(monkeypatch) -> list:
    calls = []
    own = drawing.WEASYPRINTS

    def counted(*args):
        calls.append(args[1].text)
        return own(*args)

    monkeypatch.setattr(drawing, "WEASYPRINTS", counted)
    return calls


def test_a_plain_letter_is_drawn_in_bulk(setting, monkeypatch):
    calls = count_weasyprints(monkeypatch)
    content = letter_bytes(make_letter(setting, sender("en"), "pm", DAY), "pdf")
    assert "Dear Prime Minister:" in pdf_text(content)
    assert calls == []


def test_right_to_left_and_missing_glyphs_are_drawn_by_weasyprint(setting, monkeypatch):
    calls = count_weasyprints(monkeypatch)
    note = NOTES["right to left"][0] + " " + NOTES["missing glyphs"][0]
    letter_bytes(make_letter(setting, sender("en", note=note), "pm", DAY), "pdf")
    assert any("שלום" in text or "مرحبا" in text for text in calls)
    assert any("王秀英" in text for text in calls)


def test_another_weasyprint_keeps_its_own_drawing(monkeypatch):
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    monkeypatch.setattr(weasyprint_text, "draw_first_line", drawing.WEASYPRINTS)
    assert drawing.install() is False
    assert weasyprint_text.draw_first_line is drawing.WEASYPRINTS
