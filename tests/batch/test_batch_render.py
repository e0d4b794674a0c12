"""A real batch on two processes: per-letter PDFs, page numbering, print packs, manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from letters import Language, compose, letter_bytes, make_sender
from letters.batch import run_batch
from letters.variants import choose_wording

DAY = date(2026, 2, 1)
NOTE = "\n\n".join(["J’ai suivi ce dossier de près."] * 40)
# Row by row: the letters to minister:immigration are one page in English, two in French; a long
# personal note makes a three-page letter to the Prime Minister.
SUPPORTERS = f"""name,street,city,province,postal code,language,note
Ann Lee,1 Main St,Ottawa,ON,K1A 0B1,en,
Luc Roy,"12, rue Saint-Denis",Montréal,QC,H2X 1Y4,fr,"{NOTE}"
Mia Chan,5 Spring Garden Rd,Halifax,NS,B3H 4R2,en,
Zoé Dubé,"4, rue Water",St. John's,NL,A1A 1A1,fr,
"""
# A continuation page's header ends with its own number (no total, as letters do).
PAGE_OF = {"en": "— Page {}", "fr": "— Page {}"}


@pytest.fixture(scope="module")
def batch(tmp_path_factory, setting):
    folder = tmp_path_factory.mktemp("batch")
    source = folder / "supporters.csv"
    source.write_text(SUPPORTERS, encoding="utf-8")
    summary = run_batch(
        "end-ice-contracts",
        source,
        ["pm", "minister:immigration"],
        day=DAY,
        out=folder / "out",
        jobs=2,
        setting=setting,
    )
    manifest = list(
        csv.DictReader((summary.out / "manifest.csv").read_text("utf-8-sig").splitlines())
    )
    return summary, manifest


def test_one_letter_per_supporter_per_recipient(batch):
    summary, manifest = batch
    assert (summary.rows_read, summary.letter_rows, summary.letters) == (4, 4, 8)
    assert summary.written == 8 and summary.kept == 0
    assert [(m["row"], m["recipient"], m["language"]) for m in manifest[:4]] == [
        ("2", "pm", "en"),
        ("2", "minister:immigration", "en"),
        ("3", "pm", "fr"),
        ("3", "minister:immigration", "fr"),
    ]


def test_manifest_pages_and_hashes_match_the_files(batch):
    summary, manifest = batch
    for entry in manifest:
        content = (summary.out / entry["file"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert len(PdfReader(io.BytesIO(content)).pages) == int(entry["pages"])
        assert entry["status"] == "written"


def test_each_letter_counts_its_own_pages_in_a_mixed_batch(batch):
    summary, manifest = batch
    counts = {int(m["pages"]) for m in manifest}
    assert {1, 2, 3} <= counts, "the batch mixes one-, two- and three-page letters"
    for entry in manifest:
        pages = PdfReader(summary.out / entry["file"]).pages
        assert "Page" not in pages[0].extract_text()[:200] or len(pages) == 1
        for number, page in enumerate(pages[1:], start=2):
            expected = PAGE_OF[entry["language"]].format(number)
            assert expected in page.extract_text(), (entry["file"], number)


def test_batch_letter_is_byte_identical_to_the_single_letter(batch, setting):
    summary, manifest = batch
    sender = make_sender(
        name="Ann Lee",
        street=["1 Main St"],
        city="Ottawa",
        province="ON",
        postal_code="K1A 0B1",
        lang="en",
    )
    letter = compose(
        setting.campaign,
        sender,
        setting.directory.find("minister:immigration"),
        day=DAY,
        lang=Language("en"),
        wording=choose_wording(setting.campaign, sender),
        offices=setting.directory,
    )
    assert (summary.out / manifest[1]["file"]).read_bytes() == letter_bytes(letter)


def pack_text(summary, name):
    reader = PdfReader(summary.out / "packs" / name)
    return reader, [page.extract_text() for page in reader.pages]


def test_print_pack_has_a_bilingual_cover_then_letters_by_postal_code(batch):
    summary, manifest = batch
    assert sorted(p.name for p in summary.packs) == ["minister-immigration.pdf", "pm.pdf"]
    reader, texts = pack_text(summary, "pm.pdf")
    pm_letters = [m for m in manifest if m["recipient"] == "pm"]
    assert len(reader.pages) == 1 + sum(int(m["pages"]) for m in pm_letters)
    cover = texts[0]
    assert "Letters to Mark Carney" in cover and "Lettres adressées à Mark Carney" in cover
    assert "Number of letters: 4" in cover and "Nombre de lettres\u00a0: 4" in cover
    assert "Letters in English: 2" in cover and "Lettres en français\u00a0: 2" in cover
    assert "February 1, 2026" in cover and "1er février 2026" in cover
    firsts = [t.splitlines()[0] for t in texts[1:] if not re.search(r"— Page \d+", t)]
    assert firsts == ["Zoé Dubé", "Mia Chan", "Luc Roy", "Ann Lee"]  # A1A, B3H, H2X, K1A


def test_print_pack_keeps_each_letters_page_numbers(batch):
    summary, manifest = batch
    _, texts = pack_text(summary, "pm.pdf")
    found = [re.findall(r"— Page (\d+)", t) for t in texts[1:]]
    by_postal_code = ["Zoé Dubé", "Mia Chan", "Luc Roy", "Ann Lee"]  # A1A, B3H, H2X, K1A
    pages = {m["supporter"]: int(m["pages"]) for m in manifest if m["recipient"] == "pm"}
    expected = []
    for row in by_postal_code:  # a first page has no running header; later pages say "Page k"
        expected += [[]] + [[str(k)] for k in range(2, pages[row] + 1)]
    assert found == expected
    assert max(pages.values()) >= 3
