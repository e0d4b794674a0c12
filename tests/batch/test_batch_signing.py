"""Organisers (issue 6, section 4): a `signature` column naming images inside --signatures only,
and --envelopes for print packs with envelope pages. Batch never signs digitally."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from letters.cli import main
from letters.sending import prepare_signature

from ..sending.test_sending import NOTICE

# Row 2 signs with an image inside the folder; rows 3-5 try to leave it; row 6 has no signature.
SUPPORTERS = """name,street,city,province,postal code,language,signature
Heather Lim,10234 82 Avenue NW,Edmonton,AB,T6E 1Z8,en,team/heather.jpg
Bad Dots,1 Main St,Ottawa,ON,K1A 0B1,en,../outside.png
Bad Absolute,1 Main St,Ottawa,ON,K1A 0B1,en,/etc/passwd
Bad Link,1 Main St,Ottawa,ON,K1A 0B1,en,escape.png
Mia Chan,5 Spring Garden Rd,Halifax,NS,B3H 4R2,en,
"""
MARKER = b"EXIF-SECRET-GPS-49.2827"
PM_ENVELOPE = ["THE RIGHT HONOURABLE MARK CARNEY PC MP", "PRIME MINISTER OF CANADA"]
PM_ENVELOPE += ["80 WELLINGTON STREET", "OTTAWA ON  K1A 0A2"]
RETURN = ["HEATHER LIM", "10234 82 AVENUE NW", "EDMONTON AB  T6E 1Z8"]


def read_csv(path: Path) -> list[dict]:
    return list(csv.DictReader(path.read_text("utf-8-sig").splitlines()))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("signing")
    signatures = root / "signatures"
    (signatures / "team").mkdir(parents=True)
    image = Image.new("RGB", (400, 120), "white")
    for x in range(20, 380):
        for dy in range(4):
            image.putpixel((x, 60 + (x % 40) // 2 + dy), (10, 10, 80))
    jpeg = io.BytesIO()
    image.save(jpeg, format="JPEG", comment=MARKER)
    (signatures / "team/heather.jpg").write_bytes(jpeg.getvalue())
    (root / "outside.png").write_bytes(jpeg.getvalue())
    (signatures / "escape.png").symlink_to(root / "outside.png")
    (root / "supporters.csv").write_text(SUPPORTERS, encoding="utf-8")
    return root


def batch(folder: Path, out: str, *extra: str):
    args = ["batch", "--input", str(folder / "supporters.csv"), "--to", "pm"]
    args += ["--date", "2026-02-01", "--out", str(folder / out), "--jobs", "1", *extra]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return folder / out, result.output


@pytest.fixture(scope="module")
def signed(folder):
    return batch(folder, "signed", "--signatures", str(folder / "signatures"), "--envelopes")


def test_signature_names_leaving_the_folder_are_row_errors(signed):
    out, _ = signed
    errors = read_csv(out / "errors.csv")
    assert [(e["row"], e["field"]) for e in errors] == [
        ("3", "signature"),
        ("4", "signature"),
        ("5", "signature"),
    ]
    assert "../outside.png" in errors[0]["value"] and "/etc/passwd" in errors[1]["value"]
    assert "leads outside" in errors[2]["problem"]
    assert sorted(p.name for p in (out / "letters").iterdir()) == [
        "00002-pm-en.pdf",
        "00006-pm-en.pdf",
    ]


def test_a_valid_signature_puts_the_re_encoded_image_in_that_rows_letter(signed, folder):
    out, _ = signed
    pdf = (out / "letters/00002-pm-en.pdf").read_bytes()
    images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert len({image.name for image in images}) == 1  # the pages share one image
    expected = Image.open(
        io.BytesIO(prepare_signature((folder / "signatures/team/heather.jpg").read_bytes()))
    )
    assert images[0].image.size == expected.size
    assert MARKER not in pdf  # the JPEG's comment did not travel: the image was re-encoded
    unsigned = (out / "letters/00006-pm-en.pdf").read_bytes()
    assert not any(page.images for page in PdfReader(io.BytesIO(unsigned)).pages)


def test_envelopes_add_a_last_page_in_canada_post_format(signed):
    out, _ = signed
    reader = PdfReader(out / "letters/00002-pm-en.pdf")
    page = reader.pages[-1]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
        (684, 297), abs=0.5
    )
    lines = page.extract_text().splitlines()
    assert lines[:3] == RETURN and lines[3] == NOTICE["en"]
    assert lines[-4:] == PM_ENVELOPE
    manifest = {m["file"]: m for m in read_csv(out / "manifest.csv") if m["file"]}
    assert manifest["letters/00002-pm-en.pdf"]["pages"] == str(len(reader.pages))
    pack = PdfReader(out / "packs/pm.pdf")
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pack.pages]
    assert sizes.count((684, 297)) == 2  # one envelope per letter in the print pack


def test_a_signature_cell_without_a_signatures_folder_is_a_row_error(folder):
    out, _ = batch(folder, "unsigned", "--dry-run")
    errors = read_csv(out / "errors.csv")
    assert [e["row"] for e in errors] == ["2", "3", "4", "5"]
    assert {e["field"] for e in errors} == {"signature"}
    assert all("--signatures DIR" in e["fix"] for e in errors)


def test_turning_envelopes_off_rewrites_the_letters(signed, folder):
    out, _ = batch(folder, "toggle", "--signatures", str(folder / "signatures"), "--envelopes")
    _, output = batch(folder, "toggle", "--signatures", str(folder / "signatures"))
    assert "(2 written, 0 already done and kept)" in output
    assert (
        len(PdfReader(out / "letters/00002-pm-en.pdf").pages)
        == len(PdfReader(folder / "signed/letters/00002-pm-en.pdf").pages) - 1
    )
