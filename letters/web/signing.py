"""The three ways to sign on the page: draw (a PNG data URL), upload (a file), or type a name."""

from __future__ import annotations

import base64
import binascii

from ..errors import InputError, translatable
from ..senders import NAME_LIMIT
from ..sending import FIX, MAX_BYTES, prepare_signature

DATA_URL_PREFIX = "data:image/png;base64,"
MODES = ("draw", "upload", "typed")


def _not_an_image() -> InputError:
    return InputError(translatable("not a readable PNG or JPEG image"), field="signature", fix=FIX)


def from_data_url(value: str) -> bytes:
    """A drawn signature arrives as `data:image/png;base64,…`; anything else is refused."""
    if not value.startswith(DATA_URL_PREFIX) or len(value) > MAX_BYTES * 4 // 3 + 64:
        raise _not_an_image()
    try:
        data = base64.b64decode(value[len(DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _not_an_image() from exc
    return prepare_signature(data)


def to_data_url(png: bytes) -> str:
    return DATA_URL_PREFIX + base64.b64encode(png).decode("ascii")


def typed_name(name: str) -> str:
    """A typed signature: the name as the signer wants it on the signature line.

    The letter sets it in Dancing Script as real text (the core's typed signature, as with
    `letters write --typed-signature`), so the PDF carries the name, not a picture of it.
    """
    name = " ".join(name.split())
    if not name:
        raise InputError(
            translatable("is required"),
            field="signature_typed",
            fix=translatable("type your name as you sign it"),
        )
    if len(name) > NAME_LIMIT:
        raise InputError(
            translatable("is %(length)s characters long"),
            field="signature_typed",
            fix=translatable("shorten it to at most %(limit)s characters"),
            values={"length": len(name), "limit": NAME_LIMIT},
        )
    return name
