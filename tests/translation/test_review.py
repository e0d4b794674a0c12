"""`letters i18n review`: the reviewer's document, as PDF (read back with pypdf) and as HTML.

Its layout does not depend on the proofreading tools, so these run with --skip-unavailable (on a
machine with the tools, as `make test` sets up, that changes nothing; test_proofing covers the
findings shown in the review, test_proofing_tools a review without its tools)."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner
from pypdf import PdfReader

from letters.cli import main
from letters.translation import catalog
from letters.translation.review import SHEET_H, SHEET_W, review_html

from ..conftest import DAY, ROOT


def words(text: str) -> str:
    """Text with every run of spaces, no-break spaces and line breaks made one space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


@pytest.fixture(scope="session")
def review_pdf_path(tmp_path_factory):
    """The command `make review` runs (tools or not), once for the session."""
    path = tmp_path_factory.mktemp("review") / "end-ice-contracts-fr.pdf"
    result = CliRunner().invoke(
        main,
        ["i18n", "review", "--campaign", "end-ice-contracts", "--locale", "fr",
         "--date", DAY.isoformat(), "-o", str(path), "--skip-unavailable"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="session")
def review_reader(review_pdf_path):
    return PdfReader(io.BytesIO(review_pdf_path.read_bytes()))


@pytest.fixture(scope="session")
def review_texts(review_reader) -> list[str]:
    """The text of each page, whitespace runs made one space (read once: pypdf is slow)."""
    return [words(page.extract_text()) for page in review_reader.pages]


def test_review_pdf_holds_both_languages_of_every_demand(review_texts, setting):
    text = " ".join(review_texts)
    french = catalog.load_po("fr", catalog.campaign_catalogs("end-ice-contracts"))
    for demand in setting.campaign.demands:
        for english in (demand.title, demand.text):
            assert words(english) in text
            assert words(french.get(english).string) in text


def test_review_pdf_starts_with_a_summary(review_texts):
    first = review_texts[0]
    assert "Translation review: End Canada’s contracts with United States Immigration" in first
    own = catalog.load_po("fr", catalog.campaign_catalogs("end-ice-contracts"))
    count = sum(1 for po in (own, catalog.load_po("fr")) for message in po if message.id)
    assert f"Messages {count} Translated {count}" in first
    assert "None: every check passes." in first


def test_review_pdf_lays_the_letters_side_by_side_page_for_page(review_reader, review_texts):
    sheets = [
        text
        for page, text in zip(review_reader.pages, review_texts, strict=True)
        if (float(page.mediabox.width), float(page.mediabox.height)) == (SHEET_W, SHEET_H)
    ]
    assert len(sheets) >= 8  # eight recipient kinds (no Prime Minister of unknown gender)
    assert sheets[0].startswith("Prime Minister, woman · page 1")
    assert "Dear Prime Minister:" in sheets[0] and "Madame la Première Ministre," in sheets[0]
    unknown_mp = next(s for s in sheets if s.startswith("Member of Parliament, gender unknown"))
    assert "Dear Dominique Gagnon:" in unknown_mp and "Bonjour, " in unknown_mp
    assert "Dominique Gagnon Chambre des communes" in unknown_mp  # fr-CA: no title, no office
    assert "député ou députée" not in unknown_mp
    assert not any("Heather McPherson" in sheet or "Carney" in sheet for sheet in sheets)


def test_review_html_is_self_contained_and_shows_both_letters():
    html = review_html("end-ice-contracts", "fr", DAY, skip_unavailable=True)
    assert not re.search(r"(src|href)=\"(letters:|https?:|file:|//)", html)
    assert not re.search(r"url\(\s*[\"']?letters:", html)
    assert "<link" not in html and "url(" not in html.split("</style>", 1)[1]
    assert html.count('<iframe sandbox=""') == 16  # 8 recipient kinds × 2 languages
    assert "Veuillez agréer, Madame la Députée" in html  # inside an escaped srcdoc


@pytest.fixture
def fuzzy_and_broken(tmp_path, monkeypatch):
    """Copies of locales/ and of the campaign whose French has one fuzzy message (the
    campaign's) and one broken placeholder (the interface's)."""
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    shutil.copytree(ROOT / "campaigns/end-ice-contracts", tmp_path / "end-ice-contracts")
    monkeypatch.setenv("LETTERS_LOCALES", str(locales))
    monkeypatch.setenv("LETTERS_CAMPAIGNS", str(tmp_path))
    for catalogs, change in (
        (catalog.campaign_catalogs("end-ice-contracts"), "fuzzy"),
        (catalog.interface_catalogs(), "broken"),
    ):
        po_path = catalogs.po_path("fr")
        with po_path.open("rb") as source:
            po = read_po(source, locale="fr")
        if change == "fuzzy":
            po.get("Refuse export permits").flags.add("fuzzy")
        else:
            po.get("Subject: %(subject)s").string = "Objet\u00a0: %(sujet)s"
        with po_path.open("wb") as out:
            write_po(out, po, width=100)
        catalog.compile_catalog("fr", force=True, catalogs=catalogs)


def test_review_highlights_findings_and_counts_english_fallbacks(fuzzy_and_broken):
    html = review_html("end-ice-contracts", "fr", DAY, skip_unavailable=True)
    assert (
        '<div class="finding error">error [placeholders] renamed: %(subject)s became %(sujet)s'
        in html
    )
    assert '<span class="status fuzzy">fuzzy</span>' in html
    assert 'Fuzzy (English changed, to check)</th><td class="bad">1</td>' in html
    # Every sample letter prints the subject line, so every one has it in English.
    assert html.count("message(s) printed in English") == 8


def test_review_refuses_an_unknown_output_type(tmp_path):
    result = CliRunner().invoke(
        main,
        ["i18n", "review", "--campaign", "end-ice-contracts", "--locale", "fr", "-o",
         str(tmp_path / "review.docx")],
    )  # fmt: skip
    assert result.exit_code == 2 and "end the name in .pdf or .html" in result.output
    assert not (tmp_path / "review.docx").exists()


def test_review_pdf_shows_each_plural_form_labelled_never_a_python_tuple(review_texts):
    """A message said for one demand and for several reads as its forms, each under the numbers
    it is used for (French: n = 0, 1 | n = 2, 3, 4, …), never as ('…', '…')."""
    text = " ".join(review_texts)
    assert "('" not in text and "', '" not in text
    english = "n = 1 I ask you to take the following step without delay:"
    english += " n = 0, 2, 3, … I ask you to take the following steps without delay:"
    french = "n = 0, 1 Je vous demande de prendre sans tarder la mesure suivante :"
    french += " n = 2, 3, 4, … Je vous demande de prendre sans tarder les mesures suivantes :"
    assert english in text and french in text
    # The campaign's own one/several messages and the interface's (the letter template's).
    extracted = [
        *catalog.campaign_catalogs("end-ice-contracts").extract(),
        *catalog.interface_catalogs().extract(),
    ]
    plurals = [m for m in extracted if m.id and not isinstance(m.id, str)]
    assert len(plurals) >= 7 and text.count("n = 0, 1 ") == len(plurals)
