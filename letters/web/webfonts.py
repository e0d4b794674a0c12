"""The page's fonts, subset to the characters a Canadian letter uses and served as WOFF2.

The PDF embeds the full fonts from templates/fonts (WeasyPrint subsets them itself); the page
only shows the preview, so it needs Latin, Latin-1, Latin Extended-A (Œ, œ) and the general
punctuation (’ « » — … and the no-break spaces). `make webfonts` rewrites
letters/web/static/fonts/ from templates/fonts with fontTools.
"""

from __future__ import annotations

from pathlib import Path

# Basic Latin, Latin-1, Latin Extended-A, general punctuation, €, ligatures ﬁ ﬂ.
UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    *range(0x2000, 0x2070),
    0x20AC,
    *range(0xFB00, 0xFB07),
]
FONTS = {
    "CharisSIL-Regular.ttf": "charis-regular.woff2",
    "CharisSIL-Bold.ttf": "charis-bold.woff2",
    "CharisSIL-Italic.ttf": "charis-italic.woff2",
    "DancingScript-Regular.otf": "dancing-script.woff2",
}


def write_webfonts(source: Path, target: Path) -> list[Path]:
    """Subset each font in FONTS from `source` into a WOFF2 in `target`; returns the files."""
    from fontTools import subset

    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, web_name in FONTS.items():
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["*"]  # keep kerning, ligatures and superscripts (1er)
        options.name_IDs = ["*"]  # keep the OFL licence and copyright in the name table
        options.notdef_outline = True
        font = subset.load_font(str(source / name), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=UNICODES)
        subsetter.subset(font)
        subset.save_font(font, str(target / web_name), options)
        written.append(target / web_name)
    for licence in source.glob("*.copyright"):  # the OFL travels with the fonts
        (target / licence.name).write_bytes(licence.read_bytes())
    return written


if __name__ == "__main__":
    from ..resources import templates_dir

    target = Path(__file__).parent / "static" / "fonts"
    for path in write_webfonts(templates_dir() / "fonts", target):
        print(f"{path}: {path.stat().st_size:,} bytes")
