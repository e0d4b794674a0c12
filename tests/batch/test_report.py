"""The organiser's report: every number checked against manifest.csv, errors.csv and the input.

A real batch of examples/supporters.csv (rendered), and a dry run of 2,000 generated rows (the
same plan, manifest and report; rendering 4,000 letters would take minutes here).
"""

from __future__ import annotations

import base64
import csv
import json
import random
import re
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from letters.batch.engine import run_batch
from letters.batch.report import build_report, report_json
from letters.batch.report_page import report_html
from letters.cli import main
from letters.errors import LettersError
from letters.senders import POSTAL_PROVINCES, find_province

from ..conftest import DAY, ROOT

EXAMPLES = ROOT / "examples" / "supporters.csv"


def read_csv(path: Path) -> list[dict]:
    return list(csv.DictReader(path.read_bytes().decode("utf-8-sig").splitlines()))


def generated_supporters(path: Path, setting, count: int = 2000) -> Path:
    """`count` invented supporters across 120 ridings, one in three French, one in four with a
    paragraph of their own; about one in fifty rows has a problem and one in a hundred repeats
    an earlier supporter."""
    draw = random.Random(26)
    mps = sorted(
        (r for r in setting.directory.search("mp") if r.district), key=lambda r: r.district.code
    )[:120]
    first_letter = {code: letter for letter, codes in POSTAL_PROVINCES.items() for code in codes}
    rows = []
    for n in range(count):
        mp = draw.choice(mps)
        province = mp.district.province
        postal = f"{first_letter[province]}{draw.randint(0, 9)}A {draw.randint(0, 9)}B{n % 10}"
        row = [
            f"Supporter {n} {draw.choice(['Roy', 'Lee', 'Côté', 'Singh', 'Tremblay'])}",
            f"{n} Main Street",
            "Town",
            province,
            postal,
            "fr" if n % 3 == 0 else "en",
            mp.district.name_en,
            f"I live at number {n} and care about this because of my family." if n % 4 == 0 else "",
        ]
        if n % 50 == 7:
            row[4] = "D1A 1A1"  # never a postal code
        elif n % 50 == 19:
            row[6] = "Gotham Centre"
        elif n % 100 == 33 and rows:
            row = list(rows[n // 2])  # an earlier supporter again
        rows.append(row)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["name", "street", "city", "province", "postal code", "language", "riding", "note"]
        )
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def examples_batch(tmp_path_factory, setting):
    out = tmp_path_factory.mktemp("report") / "examples"
    summary = run_batch(
        "end-ice-contracts", EXAMPLES, ["pm", "mp"], day=DAY, out=out, jobs=2, setting=setting
    )
    return summary, EXAMPLES


@pytest.fixture(scope="module")
def generated_batch(tmp_path_factory, setting):
    folder = tmp_path_factory.mktemp("report-2000")
    source = generated_supporters(folder / "supporters.csv", setting)
    summary = run_batch(
        "end-ice-contracts",
        source,
        ["pm", "mp"],
        day=DAY,
        out=folder / "out",
        dry_run=True,
        setting=setting,
    )
    return summary, source


@pytest.fixture(params=["examples", "generated"])
def batch(request):
    return request.getfixturevalue(f"{request.param}_batch")


def expected_from_input(source: Path, setting) -> dict[int, tuple[str, str, bool]]:
    """Each spreadsheet row's riding code, province and personal paragraph, read here from the
    input itself (not from what the batch recorded)."""
    found = {}
    raw = source.read_text(encoding="utf-8-sig")
    for number, row in enumerate(csv.DictReader(raw.splitlines()), start=2):
        row = {k.lower(): v for k, v in row.items()}
        district = setting.directory.district(row.get("riding") or "")
        try:
            province = find_province(row["province"]).code
        except LettersError:  # an error row: it has no letter to count
            province = None
        found[number] = (district.code if district else "", province, bool(row["note"].strip()))
    return found


def test_every_number_in_the_report_comes_from_the_manifest_and_errors(batch, setting):
    summary, source = batch
    report = json.loads((summary.out / "report.json").read_text(encoding="utf-8"))
    manifest = read_csv(summary.out / "manifest.csv")
    errors = read_csv(summary.out / "errors.csv")
    letters = [m for m in manifest if m["status"] in ("written", "planned")]
    duplicates = {m["row"] for m in manifest if m["status"].startswith("duplicate")}
    rows = expected_from_input(source, setting)

    assert report["letters"] == len(letters) == summary.letters
    assert report["rows_read"] == summary.rows_read
    assert report["letter_rows"] == len({m["row"] for m in letters}) == summary.letter_rows
    problem_rows = {e["row"] for e in errors}
    letter_rows = {m["row"] for m in letters}
    assert report["error_rows"] == len(problem_rows - letter_rows) == summary.error_rows
    assert report["partial_rows"] == len(problem_rows & letter_rows) == summary.partial_rows
    assert report["duplicate_rows"] == len(duplicates) == summary.duplicate_rows
    assert report["rows_not_used"] == summary.error_rows + summary.duplicate_rows
    assert report["languages"] == dict(Counter(m["language"] for m in letters))
    assert report["kinds"] == dict(Counter(m["recipient"].split(":")[0] for m in letters))
    assert report["notes"] == sum(rows[int(m["row"])][2] for m in letters)

    offices = {o["id"]: o for o in report["offices"]}
    assert {k: o["tally"]["letters"] for k, o in offices.items()} == Counter(
        m["recipient"] for m in letters
    )
    for office_id, office in offices.items():
        mine = [m for m in letters if m["recipient"] == office_id]
        assert office["tally"]["languages"] == dict(Counter(m["language"] for m in mine))
        assert office["tally"]["notes"] == sum(rows[int(m["row"])][2] for m in mine)
        recipient = setting.directory.find(office_id)
        assert office["name"] == recipient.full_name
        if office["kind"] == "mp":
            assert office["riding"] == recipient.district.code
            assert office["province"] == recipient.district.province
        likeness = office["likeness"]["as_sent"]
        assert likeness["letters"] == len(mine)
        assert 0 <= likeness["above_line"] <= len(mine)

    for key, index in (("ridings", 0), ("provinces", 1)):
        expected = Counter(rows[int(m["row"])][index] for m in letters)
        assert {t["key"]: t["letters"] for t in report[key]} == expected
        for tally in report[key]:
            mine = [m for m in letters if rows[int(m["row"])][index] == tally["key"]]
            assert tally["languages"] == dict(Counter(m["language"] for m in mine))
            assert tally["kinds"] == dict(Counter(m["recipient"].split(":")[0] for m in mine))

    by_cause: dict[str, set] = {}
    for error in errors:
        by_cause.setdefault(error["field"], set()).add(error["row"])
    assert {c["field"]: c["rows"] for c in report["causes"]} == {
        k: len(v) for k, v in by_cause.items()
    }
    assert [c["rows"] for c in report["causes"]] == sorted(
        (c["rows"] for c in report["causes"]), reverse=True
    )
    totals = report["similarity"]["as_sent"]
    assert totals["letters"] == len(letters)
    assert totals["above_line"] == sum(
        o["likeness"]["as_sent"]["above_line"] for o in report["offices"]
    )


class Tables(HTMLParser):
    """The rows of every table of one language's part of the page, as lists of cell texts."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang, self.inside, self.depth = lang, False, 0
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and attrs.get("id") == self.lang:
            self.inside, self.depth = True, 0
        if not self.inside:
            return
        if tag == "div":
            self.depth += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "div":
            self.depth -= 1
            self.inside = self.depth > 0
        elif tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_shows_the_same_counts_in_each_language(batch, lang):
    summary, _ = batch
    report = json.loads((summary.out / "report.json").read_text(encoding="utf-8"))
    tables = Tables(lang)
    tables.feed((summary.out / "report.html").read_text(encoding="utf-8"))
    offices, provinces, ridings = tables.tables[:3]
    assert [(row[0], number(row[4])) for row in offices[1:]] == [
        (o["name"], o["tally"]["letters"]) for o in report["offices"]
    ]
    assert [number(row[1]) for row in provinces[1:]] == [t["letters"] for t in report["provinces"]]
    assert sum(number(row[1]) for row in ridings[1:]) == report["letters"]


def test_letters_report_rebuilds_the_same_report_from_the_folder(examples_batch, tmp_path):
    summary, _ = examples_batch
    copy = shutil.copytree(summary.out, tmp_path / "copy")
    before = {name: (copy / name).read_bytes() for name in ("report.json", "report.html")}
    (copy / "report.html").unlink()
    result = CliRunner().invoke(main, ["report", str(copy)])
    assert result.exit_code == 0, result.output
    assert f"Report: {copy / 'report.html'}" in result.output
    assert {name: (copy / name).read_bytes() for name in before} == before


def test_an_old_folder_without_a_record_is_reported_from_the_directory(examples_batch, tmp_path):
    summary, _ = examples_batch
    copy = shutil.copytree(summary.out, tmp_path / "old")
    (copy / ".run.json").unlink()
    result = CliRunner().invoke(main, ["report", str(copy)])
    assert result.exit_code == 0, result.output
    report = json.loads((copy / "report.json").read_text(encoding="utf-8"))
    assert report["recorded"] is False and report["similarity"] is None
    assert report["letters"] == summary.letters
    assert {o["id"]: o["name"] for o in report["offices"]}["pm"] == "Mark Carney"
    assert "before batches recorded their run" in (copy / "report.html").read_text("utf-8")


def test_letters_report_refuses_a_folder_that_is_not_a_batch(tmp_path):
    missing = tmp_path / "nowhere"
    result = CliRunner().invoke(main, ["report", str(missing)])
    assert result.exit_code == 2
    assert "holds no manifest.csv" in result.output and "fix:" in result.output
    assert not missing.exists()


def test_letters_report_never_writes_over_someone_elses_file(examples_batch, tmp_path):
    summary, _ = examples_batch
    folder = tmp_path / "theirs"
    folder.mkdir()
    shutil.copy(summary.out / "manifest.csv", folder)
    (folder / "report.html").write_text("my own notes", encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(folder)])
    assert result.exit_code == 2
    assert "report.html is in the way" in result.output
    assert (folder / "report.html").read_text(encoding="utf-8") == "my own notes"


def test_a_second_run_in_the_same_folder_owns_its_report(tmp_path, setting):
    """The report's files are recorded as the batch's own, so a rerun may replace them."""
    for _ in range(2):
        run_batch(
            "end-ice-contracts",
            EXAMPLES,
            ["pm"],
            day=DAY,
            out=tmp_path,
            dry_run=True,
            setting=setting,
            similarity_report=False,
        )
    written = (tmp_path / ".written").read_text(encoding="utf-8").split()
    assert {".run.json", "report.json", "report.html"} <= set(written)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["similarity"] is None and report["dry_run"] is True
    assert "Not measured for this run" in (tmp_path / "report.html").read_text("utf-8")


HOSTILE = '<script>alert(1)</script><img src="https://x.example/t.png">'


def test_the_page_has_no_script_and_escapes_every_name():
    facts = {
        "format": 1,
        "campaign": {"id": "x", "title": {"en": HOSTILE, "fr": HOSTILE}},
        "rows": {"2": ["99999", "ON", True]},
        "offices": {"mp:x": {"kind": "mp", "name": HOSTILE, "riding": "99999", "province": "ON"}},
        "districts": {"99999": [HOSTILE, HOSTILE, "ON"]},
    }
    manifest = [{"row": "2", "recipient": "mp:x", "language": "en", "status": "written"}]
    errors = [{"row": "3", "field": HOSTILE}]
    report = build_report(manifest, errors, facts)
    page = report_html(report).decode("utf-8")
    assert "<script" not in page and '<img src="https' not in page
    assert page.count("&lt;script&gt;") >= 4
    assert "default-src 'none'" in page  # the browser would refuse a script or a fetch anyway
    charts = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert len(charts) == 4  # per province and top ridings, in each language
    for chart in charts:
        svg = ElementTree.fromstring(base64.b64decode(chart))
        tags = {element.tag.rsplit("}", 1)[-1] for element in svg.iter()}
        attributes = {name.rsplit("}", 1)[-1] for e in svg.iter() for name in e.attrib}
        assert not tags & {"script", "a", "image", "foreignObject", "img"}
        assert "href" not in attributes and not any(a.startswith("on") for a in attributes)
        texts = [element.text for element in svg.iter() if element.text]
        assert HOSTILE in texts or "Ontario" in texts  # the name is text, nothing else
    assert json.loads(report_json(report))["offices"][0]["name"] == HOSTILE


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("to", ["pm", "mp:edmonton-strathcona", "minister:foreign-affairs"])
def test_the_similarity_reads_the_body_each_supporter_was_sent(setting, lang, to):
    """Bodies are composed for a sender with only what the body prints (riding, language,
    demands): the same paragraphs as the supporter's own letter, paragraph left out."""
    from letters.batch.report import _reader
    from letters.batch.similarity import body_paragraphs
    from letters.pipeline import letter_for
    from letters.variants import choose_wording

    from ..conftest import sender

    writer = sender(lang, note="Un mot à moi.", email="h@example.ca", demand_ids=("bill-c-233",))
    recipient = setting.directory.find(to)
    wording = choose_wording(setting.campaign, writer)
    real, read = (
        letter_for(setting, who, recipient, DAY, wording=wording)
        for who in (writer, _reader(writer))
    )
    assert body_paragraphs(read, note=False) == body_paragraphs(real, note=False)
    assert "Heather Lim" not in " ".join(body_paragraphs(real))
