"""Drawing a line of text into the PDF: WeasyPrint's own, with a faster path for plain glyphs.

Writing a letter is mostly WeasyPrint drawing its text (`draw.text.draw_first_line`), and a
third of that is a Python loop that reads each glyph of each line from Pango one C field at a
time (docs/performance.md, "`letters batch`, third round"). For a run of ordinary outline
glyphs, `draw_first_line` below reads the run's glyphs in one `struct` unpack and writes the
same operators, in the same order, with the same arithmetic: the PDF is byte for byte the one
WeasyPrint writes (tests/test_drawing.py compares them over letters in both languages, notes in
other scripts, envelopes and signatures). Anything else (an ellipsis, right-to-left text, an
empty, missing or raised glyph, a colour, bitmap or SVG font) is drawn by WeasyPrint's own
function, untouched.

It mirrors WeasyPrint 70.0's function, so it is installed on that version only (`install`);
on any other, WeasyPrint draws every line itself and letters are only slower.
"""

from __future__ import annotations

import struct
from weakref import WeakKeyDictionary

import weasyprint
from weasyprint.draw import text as weasyprint_text
from weasyprint.text.ffi import FROM_UNITS, ffi, pango

MIRRORED_VERSION = "70.0"
WEASYPRINTS = weasyprint_text.draw_first_line

# PangoGlyphInfo: glyph (guint32); geometry: width, x_offset, y_offset (gint32); attributes.
_GLYPH = struct.Struct("=IiiiI")
_GLYPH_SIZE = ffi.sizeof("PangoGlyphInfo")
_EMPTY, _UNKNOWN = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG
# Pango before 1.48.2 reports sizes in the wrong unit (WeasyPrint's workaround for Pango #530).
_PANGO_SIZES = pango.pango_version() >= 14802
# A document's fonts (WeasyPrint makes new ones for each PDF it writes) → size → fragments.
_FRAGMENTS: WeakKeyDictionary = WeakKeyDictionary()


def _plain_runs(stream, first_line) -> list | None:
    """The line's runs as (item, Pango font, font, size, glyphs, glyph string), or None if
    any of them needs WeasyPrint's own drawing. Fonts are added in WeasyPrint's order."""
    runs = []
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item, run = run.data, run.next
        pango_font = glyph_item.item.analysis.font
        font, font_size = stream.add_font(pango_font)
        if font.svg or font.png or font.colr or font.bitmap or glyph_item.item.analysis.level % 2:
            return None
        glyph_string = glyph_item.glyphs
        count = glyph_string.num_glyphs
        glyphs = list(_GLYPH.iter_unpack(ffi.buffer(glyph_string.glyphs, count * _GLYPH_SIZE)))
        if any(g[0] == _EMPTY or g[0] & _UNKNOWN or g[3] for g in glyphs):
            return None
        runs.append((glyph_item, pango_font, font, font_size, glyphs, glyph_string))
    return runs


def _fragments(font, font_size) -> dict:
    """The operators already written for (glyph, advance, offset) in this font at this size:
    a letter draws the same few dozen glyphs over and over."""
    return _FRAGMENTS.setdefault(font, {}).setdefault(font_size, {})


def _fragment(stream, pango_font, font, font_size, glyph_id, width, x_offset) -> str:
    """One glyph's operators: its offset, its number, its kerning, as WeasyPrint writes them
    (the same arithmetic, in the same order, so the same digits)."""
    widths = font.widths
    fragment = ""
    offset = x_offset / font_size
    if offset:
        fragment += f">{-offset}<"
    fragment += f"{glyph_id:04x}"
    if glyph_id in widths:
        logical_width = widths[glyph_id]
    else:
        pango.pango_font_get_glyph_extents(
            pango_font, glyph_id, stream.ink_rect, stream.logical_rect
        )
        logical_width = widths[glyph_id] = round(
            stream.logical_rect.width * 1000 * FROM_UNITS / font_size
        )
    kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
    if kerning:
        fragment += f">{int(kerning)}<"
    return fragment


def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """Draw `textbox`'s line as `weasyprint.draw.text.draw_first_line` does (same signature,
    same result), reading plain glyph runs in bulk."""
    if text_overflow == "ellipsis" or block_ellipsis != "none":
        return WEASYPRINTS(stream, textbox, text_overflow, block_ellipsis, matrix)
    if not textbox.text.strip() or textbox.style["font_size"] < 1e-6:
        return []
    layout = textbox.pango_layout
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
    first_line, _ = layout.get_first_line()
    runs = _plain_runs(stream, first_line)
    if runs is None:
        return WEASYPRINTS(stream, textbox, text_overflow, block_ellipsis, matrix)

    stream.set_text_matrix(*matrix.values)
    previous_pango_font, string, utf8_text = None, "", None
    for glyph_item, pango_font, font, font_size, glyphs, glyph_string in runs:
        if not _PANGO_SIZES:
            font_size = textbox.style["font_size"]
        if pango_font != previous_pango_font:
            previous_pango_font = pango_font
            if string:
                stream.show_text(string)
            string = ""
            stream.set_font_size(font.hash, font_size)
        to_unicode, clusters = font.to_unicode, None
        known = _fragments(font, font_size)
        parts = ["<"]
        last = len(glyphs) - 1
        for i, glyph in enumerate(glyphs):
            key = glyph[:3]
            fragment = known.get(key)
            if fragment is None:  # a glyph seen before in this font is in its text map already
                glyph_id = glyph[0]
                if glyph_id not in to_unicode:  # the text it stands for (copy and search)
                    if clusters is None:
                        clusters = ffi.unpack(glyph_string.log_clusters, len(glyphs))
                    start = glyph_item.item.offset + clusters[i]
                    end = glyph_item.item.offset + (
                        glyph_item.item.length if i == last else clusters[i + 1]
                    )
                    utf8_text = utf8_text or layout.text.encode()
                    to_unicode[glyph_id] = utf8_text[start:end].decode()
                fragment = known[key] = _fragment(stream, pango_font, font, font_size, *key)
            parts.append(fragment)
        string += "".join(parts)
        string = string[:-1] if string[-1] == "<" else string + ">"
    stream.show_text(string)
    return []


def install() -> bool:
    """Draw plain lines with `draw_first_line` (WeasyPrint 70.0 only); True if installed."""
    if weasyprint.__version__ != MIRRORED_VERSION:
        return False
    weasyprint_text.draw_first_line = draw_first_line
    return True
