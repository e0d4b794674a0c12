"""Signature images: a phone photo or scan of a signature, made safe and clean for the PDF.

Pillow opens the image under limits; only the re-drawn pixels come out (fresh PNG, no metadata,
paper made transparent, trimmed to the ink), so nothing the camera recorded (GPS, device, ICC
profile, text chunks) and no trailing payload of the original file can reach the letter.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFile, ImageOps

from ..errors import InputError, translatable

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 10_000_000
# Each side too, not only their product: a 1 × 10,000,000 strip passes the megapixel cap in
# 19 KB and took 485 MB to prepare (eight at once took the page to 2.9 GB).
MAX_SIDE = 5000
FORMATS = ("JPEG", "PNG")
FIX = translatable("give a PNG or JPEG image of at most 2 MB and 10 megapixels")


@dataclass(frozen=True)
class Limits:
    """How large an image may be, and what to do about one that is larger."""

    max_bytes: int
    max_pixels: int
    fix: str


# An image that goes straight into a letter (`write --signature`, a batch's signatures): small,
# and the fix for a phone photo is to prepare it once.
IN_A_LETTER = Limits(
    MAX_BYTES,
    MAX_PIXELS,
    translatable(
        "prepare the photo once with `letters signature prepare` (it takes phone photos), "
        "then give the PNG it writes"
    ),
)
# The web page's upload: the person has no command line; the pad needs no file at all.
UPLOAD = Limits(
    MAX_BYTES,
    MAX_PIXELS,
    translatable(
        "crop the photo to your signature (at most 2 MB and 10 megapixels), "
        "or draw your signature on the pad"
    ),
)
# `letters signature prepare`: what phones write (a 48-megapixel sensor, a 20 MB JPEG). Pillow's
# decompression-bomb check (89 megapixels) stays on; a JPEG is decoded scaled down by its own
# DCT (Pillow's draft mode) to about WORKING_PIXELS, so its memory does not grow with the photo.
PHOTO = Limits(
    25 * 1024 * 1024,
    50_000_000,
    translatable("give a PNG or JPEG image of at most 25 MB and 50 megapixels"),
)
WORKING_PIXELS = 4_000_000

# The signature box of templates/letter.css (6 cm × 1.6 cm) at 300 dpi: sharp in print, small.
BOX_PIXELS = (709, 189)
# Paper is whatever most pixels look like; ink is clearly darker. Between the two, alpha ramps so
# that pen strokes keep their anti-aliased edges.
PAPER_MARGIN = 25
INK_RAMP = 60
INK_ALPHA = 32  # alpha above which a pixel counts as ink when trimming
PADDING = 4

_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
}
_NOT_IMAGES = {
    b"PK\x03\x04": translatable("file is a ZIP archive, not a PNG or JPEG"),
    b"%PDF": translatable("file is a PDF document, not a PNG or JPEG"),
    b"GIF8": translatable("file is a GIF image, not a PNG or JPEG"),
    b"RIFF": translatable("file is a WebP or other RIFF file, not a PNG or JPEG"),
    b"II*\x00": translatable("file is a TIFF image, not a PNG or JPEG"),
    b"MM\x00*": translatable("file is a TIFF image, not a PNG or JPEG"),
}


def _sniff(data: bytes, row: int | None) -> str:
    """Name the real format from the first bytes, whatever the file name says."""
    for magic, name in _SIGNATURES.items():
        if data.startswith(magic):
            return name
    for magic, what in _NOT_IMAGES.items():
        if data.startswith(magic):
            raise InputError(what, field="signature", row=row, fix=FIX)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in head:
        raise InputError(
            translatable("SVG is not accepted (it can carry scripts and links)"),
            field="signature",
            row=row,
            fix=translatable("export it as PNG, or photograph your signature"),
        )
    raise InputError(
        translatable("not a readable PNG or JPEG image"), field="signature", row=row, fix=FIX
    )


def _too_large(size: int, limits: Limits, row: int | None) -> InputError:
    return InputError(
        translatable("image is %(size)s MB, more than %(limit)s MB"),
        field="signature",
        row=row,
        fix=limits.fix,
        values={"size": f"{size / 1048576:.1f}", "limit": limits.max_bytes // 1048576},
    )


def _open(data: bytes, row: int | None, limits: Limits) -> tuple[Image.Image, tuple[int, int]]:
    """Open and decode under limits: bytes, then the header's size, then the pixels. Returns
    the image and its size as stored.

    An image over WORKING_PIXELS is decoded smaller: a JPEG by its DCT scaling (only the
    reduced pixels are ever in memory), a PNG reduced right after decoding.
    """
    if len(data) > limits.max_bytes:
        raise _too_large(len(data), limits, row)
    kind = _sniff(data, row)
    too_big = InputError(
        translatable("image is larger than %(megapixels)s megapixels"),
        field="signature",
        row=row,
        fix=limits.fix,
        values={"megapixels": limits.max_pixels // 1_000_000},
    )
    # WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES on import; a signature must be whole.
    tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[kind])
            original = image.size
            if image.width * image.height > limits.max_pixels:
                raise too_big
            if max(image.width, image.height) > MAX_SIDE:
                raise InputError(
                    translatable("image is %(width)s × %(height)s pixels"),
                    field="signature",
                    row=row,
                    fix=translatable("give an image of at most %(side)s pixels a side"),
                    values={"width": image.width, "height": image.height, "side": MAX_SIDE},
                )
            if getattr(image, "n_frames", 1) > 1:
                raise InputError(
                    translatable("image is animated"),
                    field="signature",
                    row=row,
                    fix=translatable("give a still PNG or JPEG"),
                )
            scale = _scale(image)
            if scale > 1 and kind == "JPEG":
                image.draft(None, (image.width // scale, image.height // scale))
            image.load()
            if scale > 1 and kind != "JPEG":
                info, image = image.info, image.reduce(scale)
                image.info = info  # the EXIF orientation and what metadata there was
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_big from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise InputError(
            translatable("%(kind)s image is truncated or damaged"),
            field="signature",
            row=row,
            fix=translatable("save or export the image again"),
            values={"kind": kind},
        ) from exc
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
    return image, original


def _rgba(image: Image.Image) -> Image.Image:
    """Any PNG/JPEG mode as 8-bit RGBA on white (16-bit grey scaled down, CMYK converted)."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    rgba = image.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, rgba)


def _ink_alpha(image: Image.Image) -> Image.Image:
    """Alpha from darkness: paper (median brightness) becomes transparent, ink opaque."""
    grey = image.convert("L")
    histogram = grey.histogram()
    half, seen, paper = grey.width * grey.height / 2, 0, 255
    for level, count in enumerate(histogram):
        seen += count
        if seen >= half:
            paper = level
            break
    high = max(paper - PAPER_MARGIN, 1)
    low = max(high - INK_RAMP, 0)
    span = max(high - low, 1)
    return grey.point(lambda v: 0 if v >= high else 255 if v <= low else (high - v) * 255 // span)


def _scale(image: Image.Image) -> int:
    """The whole-number reduction that brings the image to about WORKING_PIXELS (1: none)."""
    pixels = image.width * image.height
    return 1 if pixels <= WORKING_PIXELS else math.ceil(math.sqrt(pixels / WORKING_PIXELS))


@dataclass(frozen=True)
class PreparedSignature:
    """A cleaned signature and what was done to get it (`letters signature prepare` says it)."""

    png: bytes
    kind: str  # "JPEG" or "PNG", from the file's first bytes
    file_size: int  # bytes
    original: tuple[int, int]  # as stored in the file
    decoded: tuple[int, int]  # as read (smaller for a large photo)
    turned: bool  # the camera's orientation was applied
    ink: tuple[int, int]  # the ink's box, cut from the decoded image
    size: tuple[int, int]  # the PNG's
    removed: tuple[str, ...]  # the kinds of metadata the file carried, none of which is kept


def prepare_signature(
    data: bytes, row: int | None = None, *, limits: Limits = IN_A_LETTER
) -> bytes:
    """Check a signature image and return fresh PNG bytes ready for the signature box.

    EXIF orientation is applied, then every metadata field dropped; near-white paper turns
    transparent, the image is trimmed to the ink and scaled down to fit the signature box.
    """
    return prepare(data, row, limits=limits).png


def prepare(
    data: bytes, row: int | None = None, *, limits: Limits = IN_A_LETTER
) -> PreparedSignature:
    """`prepare_signature`, with what it did (PreparedSignature)."""
    opened, original = _open(data, row, limits)
    removed = _metadata(opened)
    orientation = opened.getexif().get(0x0112, 1)
    decoded = opened.size
    image = ImageOps.exif_transpose(opened)
    image = _rgba(image)
    alpha = _ink_alpha(image)
    box = alpha.point(lambda a: 255 if a > INK_ALPHA else 0).getbbox()
    if box is None:
        raise InputError(
            translatable("no ink found: the image looks blank"),
            field="signature",
            row=row,
            fix=translatable("sign in dark ink on white paper and photograph it in good light"),
        )
    left, top, right, bottom = box
    box = (
        max(left - PADDING, 0),
        max(top - PADDING, 0),
        min(right + PADDING, image.width),
        min(bottom + PADDING, image.height),
    )
    image.putalpha(alpha)
    image = image.crop(box)
    ink = image.size
    image.thumbnail(BOX_PIXELS, Image.Resampling.LANCZOS)
    # A new image from raw pixels: no info dict, so no EXIF, ICC, text chunk or GPS can follow.
    clean = Image.frombytes("RGBA", image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=False)
    return PreparedSignature(
        png=out.getvalue(),
        kind=_sniff(data, row),
        file_size=len(data),
        original=original,
        decoded=decoded,
        turned=orientation not in (None, 1),
        ink=ink,
        size=clean.size,
        removed=removed,
    )


# Pillow's own notes about the encoding, not metadata a person or camera wrote.
_ENCODING_INFO = {"dpi", "jfif", "jfif_version", "jfif_unit", "jfif_density", "progressive"}
_ENCODING_INFO |= {"progression", "adobe", "adobe_transform", "gamma", "aspect"}


def _metadata(image: Image.Image) -> tuple[str, ...]:
    """The kinds of metadata the file carries, in words: none of them is kept."""
    exif = image.getexif()
    found = []
    if exif:
        found.append("EXIF (camera, date)")
        if exif.get_ifd(0x8825):
            found.append("GPS position")
    if image.info.get("icc_profile"):
        found.append("ICC profile")
    if set(image.info) - _ENCODING_INFO - {"exif", "icc_profile"}:
        found.append("text and other chunks")
    return tuple(found)


def read_signature(
    path: str | Path, row: int | None = None, *, limits: Limits = IN_A_LETTER
) -> bytes:
    """Read an image file (at most `limits.max_bytes`) and prepare it."""
    return prepare_signature(_read(path, row, limits), row, limits=limits)


def prepare_photo(path: str | Path) -> PreparedSignature:
    """A phone photo or scan of a signature (up to PHOTO's limits), prepared for every letter
    to come, with what was done to it."""
    return prepare(_read(path, None, PHOTO), limits=PHOTO)


def _read(path: str | Path, row: int | None, limits: Limits) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise InputError(
            translatable("%(path)s: no such file"),
            field="signature",
            row=row,
            fix=translatable("give the path of an image file"),
            values={"path": str(path)},
        )
    if file.stat().st_size > limits.max_bytes:
        raise _too_large(file.stat().st_size, limits, row)
    return file.read_bytes()


def signature_from_folder(folder: str | Path, name: str, row: int | None = None) -> bytes:
    """The prepared signature named `name` (a batch row's `signature` column) inside `folder`.

    Refuses absolute paths, `..` and symbolic links that lead outside the folder: an organiser's
    spreadsheet must not be able to read any other file on the machine.
    """
    fix = translatable("name an image file inside the --signatures folder, e.g. jane-doe.png")
    relative = Path(name.strip())
    if not name.strip() or relative.is_absolute() or relative.drive or ".." in relative.parts:
        raise InputError(
            translatable("%(name)s is not a file name inside the signatures folder"),
            field="signature",
            row=row,
            fix=fix,
            values={"name": repr(name)},
        )
    root = Path(folder).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise InputError(
            translatable("%(name)s leads outside the signatures folder"),
            field="signature",
            row=row,
            fix=fix,
            values={"name": repr(name)},
        )
    return read_signature(path, row=row)
