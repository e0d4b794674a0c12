"""Real PDFs, read back with pypdf: what a recipient's office would see."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from letters import letter_bytes, make_letter
from letters.i18n import keep_together, plain

from .conftest import DAY, pdf_pages, pdf_text, sender

CASES = {
    ("en", "pm"): [
        "The Right Honourable Mark Carney, P.C., M.P.",
        "Prime Minister of Canada",
        "80 Wellington Street",
        "Ottawa ON  K1A 0A2",
        "By email: pm@pm.gc.ca",
        "Dear Prime Minister:",
        "February 1, 2026",
        "Yours sincerely,",
    ],
    ("fr", "pm"): [
        "Le très honorable Mark Carney, C.P., député",
        "Premier ministre du Canada",
        "80, rue Wellington",
        "Ottawa (Ontario)  K1A 0A2",
        "Par courriel\u00a0: pm@pm.gc.ca",
        "Monsieur le Premier Ministre,",
        "Le 1er février 2026",
        "Veuillez agréer, Monsieur le Premier Ministre, l’expression de ma haute considération.",
    ],
    ("en", "minister:foreign-affairs"): [
        "The Honourable Anita Anand, P.C., M.P.",
        "Minister of Foreign Affairs",
        "House of Commons",
        "Ottawa ON  K1A 0A6",
        "Dear Minister:",
    ],
    ("fr", "minister:foreign-affairs"): [
        "L’honorable Anita Anand, C.P., députée",
        "Ministre des Affaires étrangères",
        "Chambre des communes",
        "Ottawa (Ontario)  K1A 0A6",
        "Madame la Ministre,",
        "Veuillez agréer, Madame la Ministre, l’expression de ma haute considération.",
    ],
    ("en", "mp:Edmonton Strathcona"): [
        "Ms. Heather McPherson, M.P.",
        "House of Commons",
        "Ottawa ON  K1A 0A6",
        "By email: Heather.McPherson@parl.gc.ca",
        "Dear Ms. McPherson:",
    ],
    ("fr", "mp:Edmonton Strathcona"): [
        "Madame Heather McPherson, députée",
        "Chambre des communes",
        "Madame la Députée,",
        "Veuillez agréer, Madame la Députée, l’expression de mes sentiments distingués.",
    ],
}
SENDER_BLOCK = {
    "en": ["Heather Lim", "10234 82 Avenue NW", "Edmonton AB  T6E 1Z8"],
    "fr": ["Heather Lim", "10234 82 Avenue NW", "Edmonton (Alberta)  T6E 1Z8"],
}


def flat(text: str) -> str:
    """Join the lines a PDF wraps, keeping every other character (two spaces, no-break spaces)."""
    return text.replace("\n", " ")


@pytest.mark.parametrize(("lang", "to"), sorted(CASES))
def test_letter_pdf_reads_back(letter_pdf, setting, lang, to):
    content = letter_pdf(lang, to)
    text = pdf_text(content)
    lines = text.splitlines()
    for expected in CASES[lang, to] + SENDER_BLOCK[lang]:
        assert expected in lines or expected in flat(text), expected
    letter = make_letter(setting, sender(lang), to, DAY)
    # As printed: the markup gone, names and numbers kept together ("Bill C‑233").
    positions = [flat(text).find(keep_together(plain(d.title))) for d in letter.demands]
    assert -1 not in positions and positions == sorted(positions), "every demand, in order"
    # Seven demands (PM, MP) or Foreign Affairs' three need two pages.
    assert pdf_pages(content) == 2


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_one_demand_letter_fits_on_one_page(letter_pdf, lang):
    content = letter_pdf(lang, "minister:immigration")
    assert pdf_pages(content) == 1
    assert "Page 1" not in pdf_text(content)


@pytest.mark.parametrize(
    ("lang", "footer"),
    [
        ("en", "The Right Honourable Mark Carney — February 1, 2026 — Page 2"),
        ("fr", "Le très honorable Mark Carney — Le 1er février 2026 — Page 2"),
    ],
)
def test_second_page_names_the_addressee_the_date_and_the_page(letter_pdf, lang, footer):
    """A continuation page is headed with the addressee, the date and the page number (no
    total: the Translation Bureau's usage for letters)."""
    reader = PdfReader(io.BytesIO(letter_pdf(lang, "pm")))
    assert len(reader.pages) == 2
    assert footer in reader.pages[1].extract_text()
    assert "Page 1" not in reader.pages[0].extract_text()


def test_pdf_is_tagged_titled_and_in_the_letters_language(letter_pdf):
    reader = PdfReader(io.BytesIO(letter_pdf("fr", "pm")))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr-CA"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title.startswith("Fin des contrats et de la coopération entre le Canada")


def test_fonts_are_embedded(letter_pdf):
    reader = PdfReader(io.BytesIO(letter_pdf("en", "pm")))
    fonts = [f for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    descriptors = [
        f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts
    ]
    assert descriptors and all("/FontFile2" in d or "/FontFile3" in d for d in descriptors)
    assert all("Charis-SIL" in d["/FontName"] for d in descriptors)


def test_metadata_holds_no_email_and_no_local_path(setting):
    letter = make_letter(setting, sender("en", email="heather.lim@example.ca"), "pm", DAY)
    content = letter_bytes(letter)
    reader = PdfReader(io.BytesIO(content))
    metadata = " ".join(str(v) for v in reader.metadata.values())
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    for where in (metadata, xmp):
        assert (
            "@" not in where
            and "/work" not in where
            and "/home" not in where
            and "file:" not in where
        )
    assert "heather.lim@example.ca" in pdf_text(content)  # the letter itself shows it


def test_same_inputs_and_date_give_identical_bytes(setting):
    first = letter_bytes(make_letter(setting, sender("fr"), "pm", DAY))
    again = letter_bytes(make_letter(setting, sender("fr"), "pm", DAY))
    assert first == again
    other_day = letter_bytes(make_letter(setting, sender("fr"), "pm", DAY.replace(day=2)))
    assert other_day != first


def test_signature_image_is_placed(setting, signature_png):
    from PIL import Image

    from letters.sending import prepare_signature

    prepared = prepare_signature(signature_png)
    letter = make_letter(setting, sender("en", signature_png=prepared), "pm", DAY)
    reader = PdfReader(io.BytesIO(letter_bytes(letter)))
    images = {img.name: img for page in reader.pages for img in page.images}
    assert len(images) == 1
    (image,) = images.values()
    # The prepared image, trimmed to the ink (the 300 × 100 paper around it is gone).
    assert image.image.size == Image.open(io.BytesIO(prepared)).size == (291, 73)


def test_french_first_of_the_month_is_superscript_in_print(setting):
    html = letter_bytes(make_letter(setting, sender("fr"), "pm", DAY), "html").decode("utf-8")
    assert '<p class="date">Le 1<sup>er</sup> février 2026</p>' in html


FONTTOOLS_RUN = """
import logging, sys, time
import weasyprint.pdf.fonts

weasyprint.pdf.fonts.harfbuzz_subset = None  # as on a machine without libharfbuzz-subset0
from letters import Setting, letter_bytes, make_letter
from tests.conftest import DAY, sender

seen = []
logging.getLogger("weasyprint").addHandler(logging.Handler())
logging.getLogger("weasyprint").handlers[-1].emit = lambda record: seen.append(record.getMessage())
setting = Setting.load("end-ice-contracts")
first = letter_bytes(make_letter(setting, sender("fr"), "pm", DAY))
time.sleep(1.1)  # fontTools' timestamps have one-second steps
again = letter_bytes(make_letter(setting, sender("fr"), "pm", DAY))
assert any("Using fontTools" in line for line in seen), seen
sys.stdout.write("identical" if first == again else "different")
"""


def test_identical_bytes_when_fonttools_subsets_the_fonts(tmp_path):
    """Without HarfBuzz's subsetter, fontTools would stamp each font with the time of the run."""
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    result = subprocess.run(
        [sys.executable, "-c", FONTTOOLS_RUN],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == "identical"


def test_the_file_identifier_is_the_contents_and_the_file_is_well_formed(setting):
    """letters adds the /ID itself (pydyf would serialise the whole file twice for it): the
    trailer carries it, qpdf finds nothing to repair, and the file reads strictly."""
    import pikepdf

    from letters.pdf import pdf_identifier
    from letters.render import render_html

    letter = make_letter(setting, sender("fr"), "pm", DAY)
    content = letter_bytes(letter)
    expected = pdf_identifier(render_html(letter)).decode()
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert [str(part) for part in pdf.trailer.ID] == [expected, expected]
        assert pdf.check_pdf_syntax() == []
    assert len(PdfReader(io.BytesIO(content), strict=True).pages) == pdf_pages(content)


def test_an_unexpected_file_end_is_left_to_weasyprint():
    from letters.pdf import with_identifier

    assert with_identifier(b"%PDF-1.7\n...trailer\n<<>>\nstartxref\n9\n%%EOF\n", b"ab") is None
    already = b"%PDF-1.7\n1 0 obj\n<</Type /XRef/ID [(x) (x)]>>\nstartxref\n9\n%%EOF\n"
    assert with_identifier(already, b"ab") is None


def test_streams_are_deflated_at_zlibs_default_level(setting):
    """pydyf asks zlib for level 9 on every stream; letters gives it level 6 (`FLATE_LEVEL`), a
    third of the time for 1 % more bytes. The second byte of a zlib stream records the level:
    0x9C for the default, 0xDA for the maximum."""
    import pikepdf

    content = letter_bytes(make_letter(setting, sender("fr"), "pm", DAY))
    with pikepdf.open(io.BytesIO(content)) as pdf:
        headers = {
            bytes(item.read_raw_bytes()[:2])
            for item in pdf.objects
            if isinstance(item, pikepdf.Stream) and item.get("/Filter") == "/FlateDecode"
        }
        assert pdf.check_pdf_syntax() == []
    assert headers == {b"\x78\x9c"}
