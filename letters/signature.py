"""Signature images: validated under limits and re-encoded as PNG before they reach WeasyPrint."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

from .errors import InputError, translatable

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 10_000_000
FORMATS = {"PNG", "JPEG"}
FIX = translatable("give a PNG or JPEG image of at most 2 MB and 10 megapixels")


def prepare_signature(data: bytes, row: int | None = None) -> bytes:
    """Check a signature image and return fresh PNG bytes (no metadata, EXIF orientation applied).

    The original bytes never go into the PDF: only the re-encoded pixels do.
    """
    if len(data) > MAX_BYTES:
        raise InputError(
            translatable("image is %(size)s MB"),
            field="signature",
            row=row,
            fix=FIX,
            values={"size": f"{len(data) / 1048576:.1f}"},
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=sorted(FORMATS))
            if image.width * image.height > MAX_PIXELS:
                raise InputError(
                    translatable("image is %(width)s×%(height)s pixels"),
                    field="signature",
                    row=row,
                    fix=FIX,
                    values={"width": image.width, "height": image.height},
                )
            image.load()
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow refuses very large images before it reads their size back to us.
        raise InputError(
            translatable("image is larger than %(megapixels)s megapixels"),
            field="signature",
            row=row,
            fix=FIX,
            values={"megapixels": MAX_PIXELS // 1_000_000},
        ) from exc
    except (
        OSError,
        ValueError,
        SyntaxError,
    ) as exc:
        raise InputError(
            translatable("not a readable PNG or JPEG image"), field="signature", row=row, fix=FIX
        ) from exc
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGBA")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
