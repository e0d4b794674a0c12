"""Signature images: cleaned, trimmed and re-encoded; bad images refused on one line."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw
from pypdf import PdfReader

from letters.cli import main
from letters.errors import InputError
from letters.sending.signature import BOX_PIXELS, prepare_signature, signature_from_folder

from ..conftest import DAY, sender

MARKER = "LETTERS-SECRET-MARKER-43.6532N"


def ink_on_paper(size=(900, 300), paper=(205, 203, 198), mode="RGB") -> Image.Image:
    """A phone photo of a signature: greyish paper, one wide dark stroke and a dot."""
    image = Image.new("RGB", size, paper)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.line([(w // 6, h // 2), (w * 5 // 6, h // 2 + 10)], fill=(20, 25, 60), width=9)
    draw.ellipse([(w * 5 // 6 + 20, h // 2 - 8), (w * 5 // 6 + 36, h // 2 + 8)], fill=(20, 25, 60))
    return image.convert(mode) if mode != "RGB" else image


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def photo_with_metadata(orientation: int = 6) -> bytes:
    """A JPEG with GPS, a description carrying MARKER, and an EXIF orientation."""
    image = ink_on_paper()
    exif = Image.Exif()
    exif[0x010E] = MARKER  # ImageDescription
    exif[0x0112] = orientation
    exif.get_ifd(0x8825)[2] = (43.0, 39.0, 11.52)  # GPSLatitude
    exif.get_ifd(0x8825)[1] = "N"
    return encoded(image, "JPEG", exif=exif.tobytes(), quality=90)


def open_png(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size (a decompression bomb's shape)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def error_of(data: bytes) -> str:
    with pytest.raises(InputError) as caught:
        prepare_signature(data, row=3)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("row 3: signature: ")
    return message


def test_photo_metadata_is_dropped_and_orientation_applied():
    data = photo_with_metadata(orientation=6)
    assert MARKER.encode() in data  # the control: the marker really is in the photo
    png = prepare_signature(data)
    assert MARKER.encode() not in png
    image = open_png(png)
    assert not image.info.get("exif") and not image.getexif()
    assert set(image.info) <= {"dpi"}, image.info
    # The stroke is horizontal as stored; orientation 6 turns it upright (taller than wide).
    assert image.height > image.width


def test_paper_becomes_transparent_and_image_is_trimmed_to_the_ink():
    image = open_png(prepare_signature(encoded(ink_on_paper(), "JPEG", quality=92)))
    assert image.mode == "RGBA"
    alpha = image.getchannel("A")
    assert alpha.getpixel((0, 0)) == 0  # paper
    assert max(alpha.get_flattened_data()) == 255  # ink
    # 900 × 300 photo, ink about 620 × 30: trimmed, so much wider than tall, within the box.
    assert image.width <= BOX_PIXELS[0] and image.height <= BOX_PIXELS[1]
    assert image.width > 8 * image.height


def test_large_signature_is_scaled_down_to_the_box():
    image = open_png(prepare_signature(encoded(ink_on_paper((3000, 1000)), "PNG")))
    assert image.width == BOX_PIXELS[0] or image.height == BOX_PIXELS[1]


def test_png_text_chunks_are_dropped():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", MARKER)
    data = encoded(ink_on_paper(), "PNG", pnginfo=info)
    assert MARKER.encode() in data
    assert MARKER.encode() not in prepare_signature(data)


def test_original_bytes_never_reach_the_pdf(setting):
    from letters import letter_bytes, make_letter

    data = photo_with_metadata()
    letter = make_letter(setting, sender("en", signature_png=prepare_signature(data)), "pm", DAY)
    pdf = letter_bytes(letter, "pdf")
    reader = PdfReader(io.BytesIO(pdf))
    streams = [pdf]
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: BLE001 numbering has gaps
            continue
        if hasattr(obj, "get_data"):
            streams.append(obj.get_data())
    images = [s for s in streams if len(s) > 10_000]
    assert images, "the signature image should be in the PDF"
    assert not any(MARKER.encode() in s for s in streams)


def test_cmyk_jpeg_is_converted():
    cmyk = Image.new("CMYK", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(cmyk).line([(50, 100), (550, 110)], fill=(0, 0, 0, 255), width=9)
    image = open_png(prepare_signature(encoded(cmyk, "JPEG", quality=95)))
    opaque = [p for p in image.get_flattened_data() if p[3] == 255]
    assert opaque and max(max(p[:3]) for p in opaque) < 90  # dark ink, not inverted paper
    assert image.getpixel((0, 0))[3] == 0


def test_16_bit_png_is_scaled_to_8_bits():
    deep = Image.new("I;16", (600, 200), 65535)
    ImageDraw.Draw(deep).line([(50, 100), (550, 110)], fill=0, width=9)
    data = encoded(deep, "PNG")
    assert Image.open(io.BytesIO(data)).mode.startswith("I;16")  # really 16-bit
    image = open_png(prepare_signature(data))
    assert image.width > 8 * image.height
    assert max(a for *_, a in image.get_flattened_data()) == 255


def test_truncated_image_is_refused():
    data = encoded(ink_on_paper(), "PNG")
    assert "truncated or damaged" in error_of(data[: len(data) // 2])


def test_png_that_is_really_a_zip_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("signature.png", encoded(ink_on_paper(), "PNG"))
    assert "ZIP archive, not a PNG or JPEG" in error_of(out.getvalue())


def test_svg_is_refused():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'
    assert "SVG is not accepted" in error_of(svg)


@pytest.mark.parametrize(("width", "height"), [(20000, 20000), (4000, 3000)])
def test_too_many_pixels_is_refused_before_decoding(width, height):
    assert "larger than 10 megapixels" in error_of(png_header_only(width, height))


def test_animated_png_is_refused():
    frames = [ink_on_paper(), ink_on_paper(paper=(255, 255, 255))]
    data = encoded(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=100)
    assert Image.open(io.BytesIO(data)).n_frames == 2
    assert "animated" in error_of(data)


def test_blank_image_is_refused():
    assert "no ink found" in error_of(encoded(Image.new("RGB", (300, 100), "white"), "PNG"))


def test_image_over_2_mb_is_refused():
    assert "MB" in error_of(b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024))


# --- signature_from_folder (batch's `signature` column) -------------------------------------


@pytest.fixture
def signatures(tmp_path):
    folder = tmp_path / "signatures"
    (folder / "team").mkdir(parents=True)
    png = encoded(ink_on_paper(), "PNG")
    (folder / "jane.png").write_bytes(png)
    (folder / "team" / "amir.png").write_bytes(png)
    (tmp_path / "outside.png").write_bytes(png)
    (folder / "escape.png").symlink_to(tmp_path / "outside.png")
    (folder / "inside-link.png").symlink_to(folder / "jane.png")
    return folder


@pytest.mark.parametrize("name", ["jane.png", "team/amir.png", "inside-link.png"])
def test_signature_from_folder_reads_files_inside(signatures, name):
    assert open_png(signature_from_folder(signatures, name, row=2)).mode == "RGBA"


@pytest.mark.parametrize(
    "name", ["../outside.png", "team/../../outside.png", "escape.png", "", "/etc/passwd"]
)
def test_signature_from_folder_refuses_paths_outside(signatures, name):
    with pytest.raises(InputError) as caught:
        signature_from_folder(signatures, name, row=7)
    assert str(caught.value).startswith("row 7: signature: ")


def test_signature_from_folder_refuses_absolute_path_even_inside(signatures):
    with pytest.raises(InputError, match="not a file name inside"):
        signature_from_folder(signatures, str(signatures / "jane.png"))


# --- CLI ------------------------------------------------------------------------------------


def test_cli_signature_prepare_writes_a_clean_png(tmp_path):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(photo_with_metadata())
    out = tmp_path / "signature.png"
    result = CliRunner().invoke(main, ["signature", "prepare", str(photo), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "transparent background, no metadata" in result.output
    assert MARKER.encode() not in out.read_bytes()


def test_cli_signature_prepare_prints_the_path_as_given(tmp_path, monkeypatch):
    (tmp_path / "photo.jpg").write_bytes(photo_with_metadata())
    monkeypatch.chdir(tmp_path)
    args = ["signature", "prepare", "photo.jpg", "-o", "./my-signature.png"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("./my-signature.png: ")
    assert result.output.endswith("--signature ./my-signature.png\n")
    assert (tmp_path / "my-signature.png").is_file()


def test_cli_signature_prepare_bad_image_one_line_no_file(tmp_path):
    fake = tmp_path / "signature.png"
    fake.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    out = tmp_path / "clean.png"
    result = CliRunner().invoke(main, ["signature", "prepare", str(fake), "-o", str(out)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "ZIP archive" in result.output
    assert not out.exists()


# --- typed signature ------------------------------------------------------------------------


def test_typed_signature_sets_the_name_in_dancing_script(letter_pdf):
    pdf = letter_pdf("fr", "pm", typed_signature=True)
    reader = PdfReader(io.BytesIO(pdf))
    last = reader.pages[-1]
    fonts = {str(f["/BaseFont"]) for f in last["/Resources"]["/Font"].values()}
    assert any("Dancing-Script" in f for f in fonts), fonts
    assert last.extract_text().count("Heather Lim") >= 2  # typed, printed name
    plain = PdfReader(io.BytesIO(letter_pdf("fr", "pm"))).pages[-1]
    assert not any(
        "Dancing-Script" in str(f["/BaseFont"]) for f in plain["/Resources"]["/Font"].values()
    )


def test_typed_signature_and_image_together_are_refused():
    with pytest.raises(InputError, match="not both"):
        sender("en", typed_signature=True, signature_png=b"png")


# --- phone photos: `signature prepare` takes them, a letter takes only what it prepared -------


def phone_photo(size=(4032, 3024), quality=92) -> bytes:
    """A 12-megapixel phone photo (4032×3024, over 2 MB: paper has grain), with GPS."""
    width, height = size
    grain = Image.effect_noise(size, 40).point(lambda v: 170 + v // 6)
    image = Image.merge("RGB", (grain, grain, grain))
    draw = ImageDraw.Draw(image)
    draw.line(
        [(width // 4, height // 2), (width // 2, height * 5 // 12), (width * 3 // 4, height // 2)],
        fill=(20, 25, 60),
        width=width // 150,
    )
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (43.0, 39.0, 11.52)
    return encoded(image, "JPEG", quality=quality, exif=exif.tobytes())


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    path = tmp_path_factory.mktemp("photo") / "IMG_2041.jpg"
    path.write_bytes(phone_photo())
    assert path.stat().st_size > 2 * 1024 * 1024
    return path


def test_cli_signature_prepare_takes_a_phone_photo_and_says_what_it_did(photo, tmp_path):
    out = tmp_path / "signature.png"
    result = CliRunner().invoke(main, ["signature", "prepare", str(photo), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{out}: ") and "no metadata" in lines[0]
    size = photo.stat().st_size / 1048576
    assert f"  from {photo}: a 4032×3024 JPEG of {size:.1f} MB, read at 2016×1512" in lines[1]
    assert "  paper made transparent, cut to the ink: " in result.output
    assert "  scaled down to the signature box (6 cm × 1.6 cm at 300 dpi)" in lines
    assert "  metadata removed: EXIF (camera, date), GPS position" in lines
    image = open_png(out.read_bytes())
    assert image.width == BOX_PIXELS[0] and b"PhoneMaker" not in out.read_bytes()


def test_a_48_megapixel_jpeg_is_decoded_scaled_down_by_its_dct():
    """Constant memory: only about WORKING_PIXELS are ever decoded, whatever the photo."""
    from letters.sending.signature import PHOTO, WORKING_PIXELS, prepare

    prepared = prepare(phone_photo((8000, 6000), quality=60), limits=PHOTO)
    assert prepared.original == (8000, 6000)
    assert prepared.decoded[0] * prepared.decoded[1] <= WORKING_PIXELS
    assert prepared.size[0] == BOX_PIXELS[0]


def test_prepare_keeps_the_decompression_bomb_limits():
    from letters.sending.signature import PHOTO, prepare

    for width, height in [(8000, 7000), (20000, 20000)]:
        with pytest.raises(InputError, match="larger than 50 megapixels"):
            prepare(png_header_only(width, height), limits=PHOTO)
    with pytest.raises(InputError, match="more than 25 MB"):
        prepare(b"\xff\xd8\xff" + b"\x00" * (25 * 1024 * 1024), limits=PHOTO)


def test_write_signature_refuses_a_phone_photo_and_says_how_to_prepare_it(photo, tmp_path):
    args = ["write", "--campaign", "end-ice-contracts", "--to", "pm", "--lang", "en"]
    args += ["--name", "Jane Doe", "--street", "1 Main", "--city", "Edmonton"]
    args += ["--province", "AB", "--postal-code", "T6E 1Z8", "--signature", str(photo)]
    args += ["-o", str(tmp_path / "letter.pdf")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and not (tmp_path / "letter.pdf").exists()
    (line,) = result.output.splitlines()
    assert "more than 2 MB" in line
    assert (
        "fix: prepare the photo once with `letters signature prepare` (it takes phone photos), "
        "then give the PNG it writes" in line
    )
