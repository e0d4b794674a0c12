"""Batch planning and reports: every row accounted for, safe names, safe CSV, duplicates, dry run.

These run with --dry-run (or plan only): routing and validation without rendering, so they are
fast. Rendering, print packs and resuming are in test_batch_render.py and test_batch_resume.py.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from letters import Language, compose
from letters.batch.engine import letter_file, plan_letters, resolve_targets, run_batch
from letters.batch.reports import safe_cell
from letters.batch.supporters import SupporterRow
from letters.cli import main
from letters.errors import InputError, LettersError
from letters.output import inside

DAY = date(2026, 2, 1)
HEADER = "name,street,city,province,postal code,email,language,riding,note,demands\n"
GOOD = "Heather Lim,10234 82 Avenue NW,Edmonton,AB,T6E 1Z8,,en,Edmonton Strathcona,,\n"
LONG_NOTE = "x" * 2100

# Row numbers are what the organiser sees in a spreadsheet: the header is row 1, and a quoted
# note with line breaks is still one row (its record spans several lines of the file).
EVERY_KIND = (
    HEADER
    + GOOD  # 2
    + 'Jeanne Tremblay,"123, rue Principale",Edmonton,AB,T6E 1Z9,,fr,Edmonton—Strathcona,'
    '"Un mot.\n\nUn autre.",\n'  # 3 (lines 3-5)
    + ",1 Main St,Edmonton,AB,T6E 1Z8,,en,Edmonton Strathcona,,\n"  # 4 name missing
    + "Bad Postal,1 Main St,Edmonton,AB,Q1Q 1Q1,,en,Edmonton Strathcona,,\n"  # 5
    + "Bad Province,1 Main St,Edmonton,Albertaa,T6E 1Z8,,en,Edmonton Strathcona,,\n"  # 6
    + "Bad Email,1 Main St,Edmonton,AB,T6E 1Z8,not-an-email,en,Edmonton Strathcona,,\n"  # 7
    + "Bad Language,1 Main St,Edmonton,AB,T6E 1Z8,,klingon,Edmonton Strathcona,,\n"  # 8
    + "Unknown Riding,1 Main St,Edmonton,AB,T6E 1Z8,,en,Gotham Centre,,\n"  # 9
    + "No Riding,1 Main St,Edmonton,AB,T6E 1Z8,,en,,,\n"  # 10
    + "Bad Demand,1 Main St,Edmonton,AB,T6E 1Z8,,en,Edmonton Strathcona,,free-pizza\n"  # 11
    + f"Long Note,1 Main St,Edmonton,AB,T6E 1Z8,,en,Edmonton Strathcona,{LONG_NOTE},\n"  # 12
    + "HEATHER  LIM,10234 82 Avenue NW,Edmonton,AB,t6e1z8,,en,Edmonton Strathcona,,\n"  # 13
    + ",,,,,,,,,\n"  # 14: blank, not a supporter
    + '"=HYPERLINK(""http://x.example"")",1 Main St,Edmonton,AB,T6E 2A1,,en,'
    "Edmonton Strathcona,,\n"  # 15
    + "No Street,,Edmonton,AB,T6E 1Z8,,en,Edmonton Strathcona,,\n"  # 16
    + "Vacant Seat,1 rue Rachel Est,Montréal,QC,H2J 2H3,,fr,Laurier—Sainte-Marie,,\n"  # 17
)
BAD_ROWS = {4: "name", 5: "postal_code", 6: "province", 7: "email", 8: "language"}
BAD_ROWS |= {9: "riding", 10: "riding", 11: "demand", 12: "note", 16: "street", 17: "riding"}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def read_csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "reports start with a BOM so Excel reads UTF-8"
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


@pytest.fixture(scope="module")
def dry_run(tmp_path_factory, setting):
    folder = tmp_path_factory.mktemp("dry")
    source = write(folder / "supporters.csv", EVERY_KIND)
    summary = run_batch(
        "end-ice-contracts",
        source,
        ["pm", "mp"],
        day=DAY,
        out=folder / "out",
        dry_run=True,
        setting=setting,
    )
    return summary


def test_every_row_is_accounted_for(dry_run):
    assert dry_run.rows_read == 15
    assert (dry_run.letter_rows, dry_run.error_rows, dry_run.duplicate_rows) == (5, 9, 1)
    assert dry_run.partial_rows == 2  # row 10 (no riding) and 17 (a vacant seat): PM only
    assert (dry_run.letters, dry_run.unwritten) == (8, 20)
    assert dry_run.accounted


def test_every_row_and_recipient_is_written_or_reported_once(dry_run):
    manifest = read_csv(dry_run.out / "manifest.csv")
    written = {
        (m["row"], "mp" if m["recipient"].startswith("mp") else m["recipient"])
        for m in manifest
        if m["status"] == "planned"
    }
    reported = [
        (e["row"], r.split(":")[0])
        for e in read_csv(dry_run.out / "errors.csv")
        for r in e["recipient"].split("; ")
    ]
    duplicates = {m["row"] for m in manifest if m["status"].startswith("duplicate")}
    rows = {str(n) for n in range(2, 18)} - {"14"} - duplicates  # 14 is blank
    assert len(reported) == len(set(reported)) and not written & set(reported)
    assert written | set(reported) == {(row, to) for row in rows for to in ("pm", "mp")}


def test_a_vacant_seat_or_no_riding_stops_only_the_letter_to_the_mp(dry_run):
    manifest = read_csv(dry_run.out / "manifest.csv")
    errors = read_csv(dry_run.out / "errors.csv")
    for row in ("10", "17"):
        assert [m["recipient"] for m in manifest if m["row"] == row] == ["pm"]
        assert [(e["recipient"], e["field"]) for e in errors if e["row"] == row] == [
            ("mp", "riding")
        ]
    [vacant] = [e for e in errors if e["row"] == "17"]
    assert "vacant" in vacant["problem"] and "Prime Minister" in vacant["fix"]


def test_a_problem_with_the_row_itself_names_every_recipient(dry_run):
    errors = {e["row"]: e for e in read_csv(dry_run.out / "errors.csv")}
    assert errors["5"]["recipient"] == "pm; mp" and errors["5"]["field"] == "postal_code"
    # The riding is printed in every letter ("I live in the riding of …"): a riding that does
    # not exist is the row's own problem, not only the MP's.
    assert errors["9"]["recipient"] == "pm; mp" and errors["9"]["field"] == "riding"


def test_each_bad_row_is_reported_with_its_spreadsheet_line_field_and_fix(dry_run):
    errors = read_csv(dry_run.out / "errors.csv")
    assert {int(e["row"]): e["field"] for e in errors} == BAD_ROWS
    assert all(e["problem"] and e["fix"] and e["recipient"] for e in errors)
    by_row = {int(e["row"]): e for e in errors}
    assert by_row[5]["value"] == "Q1Q 1Q1"
    assert by_row[9]["value"] == "Gotham Centre"
    assert "--lookup" in by_row[10]["fix"]
    assert len(by_row[12]["value"]) <= 200


def test_duplicate_is_written_once_and_reported(dry_run):
    manifest = read_csv(dry_run.out / "manifest.csv")
    duplicates = [m for m in manifest if m["status"].startswith("duplicate")]
    assert [(d["row"], d["status"]) for d in duplicates] == [("13", "duplicate of row 2")]
    assert sum(1 for m in manifest if m["file"].startswith("letters/00002-")) == 2
    assert not any(m["file"].startswith("letters/00013-") for m in manifest)


def test_dry_run_plans_letters_and_renders_nothing(dry_run):
    manifest = read_csv(dry_run.out / "manifest.csv")
    planned = [m for m in manifest if m["status"] == "planned"]
    assert [m["file"] for m in planned[:2]] == [
        "letters/00002-pm-en.pdf",
        "letters/00002-mp-edmonton-strathcona-en.pdf",
    ]
    assert {m["file"] for m in planned} >= {"letters/00003-pm-fr.pdf"}
    assert not (dry_run.out / "letters").exists()
    assert not (dry_run.out / "packs").exists()
    assert dry_run.written == 0


def test_reports_neutralise_formulas(dry_run):
    manifest = read_csv(dry_run.out / "manifest.csv")
    names = [m["supporter"] for m in manifest if m["row"] == "15"]
    assert names and all(n == '\'=HYPERLINK("http://x.example")' for n in names)


@pytest.mark.parametrize("value", ["=1+1", "+1 613", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_neutralised(value):
    assert safe_cell(value) == "'" + value


def test_plain_values_are_kept():
    assert safe_cell("Jeanne d’Arc") == "Jeanne d’Arc"
    assert safe_cell(12) == "12"


@pytest.mark.parametrize(
    "recipient, lang",
    [
        ("mp:../../etc/passwd", "en"),
        ("pm", "../fr"),
        ("mp:" + "x" * 500, "en"),
        ("mp:CON/..", "fr"),
    ],
)
def test_letter_file_names_are_safe(tmp_path, recipient, lang):
    name = letter_file(12, recipient, lang)
    folder, _, file = name.partition("/")
    assert folder == "letters" and "/" not in file and "\\" not in file
    assert ".." not in file and len(file) <= 140
    assert file.startswith("00012-") and file.endswith(".pdf")
    assert inside(tmp_path, Path(name)).parent == (tmp_path / "letters").resolve()


def test_file_names_do_not_depend_on_what_the_supporter_typed(setting):
    rows = [
        SupporterRow(
            2,
            {
                "name": "../../Evil/..\\Name",
                "street": "1 Main St",
                "city": "Edmonton",
                "province": "AB",
                "postal_code": "T6E 1Z8",
                "riding": "Edmonton Strathcona",
                "language": "fr",
            },
        )
    ]
    plan = plan_letters(setting, rows, resolve_targets(setting, ["pm", "mp"]), DAY)
    assert [p.file for p in plan.letters] == [
        "letters/00002-pm-fr.pdf",
        "letters/00002-mp-edmonton-strathcona-fr.pdf",
    ]


def test_minister_without_a_chosen_demand_is_a_row_error(setting):
    row = SupporterRow(
        4,
        {
            "name": "Ann Lee",
            "street": "1 Main St",
            "city": "Edmonton",
            "province": "AB",
            "postal_code": "T6E 1Z8",
            "demands": "export-permits",
        },
    )
    plan = plan_letters(setting, [row], resolve_targets(setting, ["minister:immigration"]), DAY)
    assert plan.letters == [] and plan.error_rows == 1
    assert plan.errors[0].field == "demand" and "safe-third-country" in plan.errors[0].fix


def test_strict_stops_at_the_first_bad_row(setting, tmp_path):
    source = write(tmp_path / "s.csv", EVERY_KIND)
    with pytest.raises(InputError) as stopped:
        run_batch(
            "end-ice-contracts",
            source,
            ["pm"],
            day=DAY,
            out=tmp_path / "out",
            strict=True,
            setting=setting,
        )
    assert stopped.value.row == 4
    assert [e["row"] for e in read_csv(tmp_path / "out" / "errors.csv")] == ["4"]
    assert not (tmp_path / "out" / "letters").exists()


def test_unknown_recipient_stops_before_any_work(setting, tmp_path):
    source = write(tmp_path / "s.csv", HEADER + GOOD)
    with pytest.raises(LettersError) as stopped:
        run_batch("end-ice-contracts", source, ["minister:nope"], day=DAY, out=tmp_path / "o")
    assert "minister:nope" in str(stopped.value)
    assert not (tmp_path / "o").exists()


# --- The CLI -------------------------------------------------------------------------------


def invoke(*args: str):
    return CliRunner().invoke(main, ["batch", "--campaign", "end-ice-contracts", *args])


def test_cli_dry_run_prints_the_summary(tmp_path):
    source = write(tmp_path / "s.csv", EVERY_KIND)
    out = tmp_path / "out"
    result = invoke(
        "--input", str(source), "--to", "pm", "--to", "mp", "--out", str(out), "--dry-run"
    )
    assert result.exit_code == 0, result.output
    assert "Rows read: 15 = 5 with letters + 9 with errors + 1 duplicates" in result.output
    assert "Letters planned: 8 (dry run: nothing rendered)" in result.output
    assert (
        "Not written: 20 letter(s), 2 of them from rows with letters; errors.csv names each"
        " recipient and the fix" in result.output
    )
    assert "Ignored columns" not in result.output


NO_LANGUAGE = "name,street,city,province,postal code,language\n" + (
    "Ann Lee,1 Main St,Edmonton,AB,T6E 1Z8,\nBo Chan,2 Main St,Edmonton,AB,T6E 1Z8,en\n"
)


@pytest.mark.parametrize("lang, first", [(None, "en"), ("fr", "fr"), ("en", "en")])
def test_cli_lang_is_the_language_of_rows_without_one(tmp_path, lang, first):
    source = write(tmp_path / "s.csv", NO_LANGUAGE)
    out = tmp_path / "out"
    chosen = ["--lang", lang] if lang else []
    result = invoke("--input", str(source), "--to", "pm", "--out", str(out), "--dry-run", *chosen)
    assert result.exit_code == 0, result.output
    manifest = read_csv(out / "manifest.csv")
    assert [(m["row"], m["language"], m["file"]) for m in manifest] == [
        ("2", first, f"letters/00002-pm-{first}.pdf"),
        ("3", "en", "letters/00003-pm-en.pdf"),  # a row's own language wins
    ]


def test_cli_lang_help_says_the_default_and_an_unknown_one_is_refused(tmp_path):
    help_text = " ".join(invoke("--help").output.split())
    assert "a row whose language cell is empty" in help_text and "[default: en]" in help_text
    source = write(tmp_path / "s.csv", NO_LANGUAGE)
    result = invoke(
        "--input", str(source), "--to", "pm", "--out", str(tmp_path / "o"), "--lang", "xx"
    )
    assert result.exit_code == 2
    assert result.output.startswith("Error: lang: unknown language 'xx'; fix: use one of: en, fr")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "content, expected",
    [
        ("", "is empty"),
        ("street,city\n1 Main,Ottawa\n", "missing column"),
        (HEADER, "no supporters"),
    ],
)
def test_cli_file_level_problem_is_one_line_and_exit_2(tmp_path, content, expected):
    source = write(tmp_path / "s.csv", content)
    result = invoke("--input", str(source), "--to", "pm", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert expected in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_cli_wrong_encoding_suggests_cp1252(tmp_path):
    source = tmp_path / "s.csv"
    source.write_bytes((HEADER + GOOD.replace("Heather", "Hélène")).encode("cp1252"))
    result = invoke("--input", str(source), "--to", "pm", "--dry-run", "--out", str(tmp_path))
    assert result.exit_code == 2 and "--encoding cp1252" in result.output


def test_cli_strict_names_the_row(tmp_path):
    source = write(tmp_path / "s.csv", EVERY_KIND)
    result = invoke("--input", str(source), "--to", "pm", "--strict", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and result.output.startswith("Error: row 4: name")


@pytest.fixture
def represent(monkeypatch, tmp_path):
    """A stand-in for Represent on 127.0.0.1: one code in Edmonton Strathcona, one unknown."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    member = {
        "elected_office": "MP",
        "representative_set_name": "House of Commons",
        "district_name": "Edmonton Strathcona",
    }
    answers = {"/postcodes/T6E1Z8/": (200, {"representatives_centroid": [member]})}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status, body = answers.get(self.path, (404, {"error": "Not found"}))
            content = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("LETTERS_DIRECTORY", str(tmp_path / "directory" / "house.toml"))
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_cli_routes_to_the_mp_by_postal_code_with_lookup(tmp_path, represent):
    source = write(
        tmp_path / "s.csv",
        "name,street,city,province,postal code\n"
        "Ann Lee,1 Main St,Edmonton,AB,T6E 1Z8\n"
        "Bo Chan,2 Main St,Edmonton,AB,T5A 1B7\n",
    )
    out = tmp_path / "out"
    common = ["--input", str(source), "--to", "mp", "--out", str(out), "--dry-run"]
    without = invoke(*common)
    assert "Rows read: 2 = 0 with letters + 2 with errors" in without.output
    result = invoke(*common, "--lookup", "represent", "--lookup-url", represent)
    assert result.exit_code == 0, result.output
    assert "Rows read: 2 = 1 with letters + 1 with errors + 0 duplicates" in result.output
    manifest = read_csv(out / "manifest.csv")
    assert [(m["row"], m["recipient"]) for m in manifest] == [("2", "mp:edmonton-strathcona")]
    [error] = read_csv(out / "errors.csv")
    assert (error["row"], error["field"]) == ("3", "riding")
    assert error["fix"] == "check the postal code, or add a riding column"  # the lookup answered
    assert (tmp_path / "directory" / "represent.sqlite").is_file()


def test_cli_unusable_out_folder_is_one_line_and_exit_2(tmp_path):
    source = write(tmp_path / "s.csv", HEADER + GOOD)
    blocker = write(tmp_path / "taken", "a file, not a folder")
    result = invoke("--input", str(source), "--to", "pm", "--out", str(blocker / "batch"))
    assert result.exit_code == 2 and result.output.startswith("Error: out: cannot create")


def test_cli_summary_counts_the_errors_by_cause_when_every_lookup_fails(tmp_path, monkeypatch):
    """Ten rows, no riding column, and Represent's name does not resolve: the summary says so,
    not only errors.csv (the rows after the third are not asked, and count with the same cause)."""
    monkeypatch.setenv("LETTERS_DIRECTORY", str(tmp_path / "directory" / "house.toml"))
    rows = "".join(f"Supporter {n},{n} Main St,Edmonton,AB,T6E 1Z{n}\n" for n in range(10))
    source = write(tmp_path / "s.csv", "name,street,city,province,postal code\n" + rows)
    unresolvable = "http://represent.invalid"  # RFC 6761: never resolves
    result = invoke(
        *("--input", str(source), "--to", "mp", "--out", str(tmp_path / "out"), "--dry-run"),
        *("--lookup", "represent", "--lookup-url", unresolvable),
    )
    assert result.exit_code == 0, result.output
    assert "Rows read: 10 = 0 with letters + 10 with errors" in result.output
    assert (
        "  10 rows: Represent cannot be reached: its name does not resolve (no network?)"
        in result.output.splitlines()
    )


def test_summary_names_the_top_causes_and_counts_the_rest():
    from letters.cli.batch import cause_lines

    causes = (("riding: a", 5), ("postal_code: b", 3), ("lang: c", 2), ("name: d", 1), ("e", 1))
    assert cause_lines(causes) == [
        "  5 rows: riding: a",
        "  3 rows: postal_code: b",
        "  2 rows: lang: c",
        "  2 more rows with 2 other causes (see errors.csv)",
    ]


# A supporter of Doly Begum's riding: she has no gender on record.
BEGUM_ROW = {
    "name": "Ann Lee",
    "street": "1 Main St",
    "city": "Toronto",
    "province": "ON",
    "postal_code": "M1N 1A1",
    "riding": "Scarborough Southwest",
}


@pytest.mark.parametrize(("given", "expected"), [("", "u"), ("f", "f"), ("homme", "m")])
def test_an_mp_gender_in_the_supporters_file_wins_over_the_directory(setting, given, expected):
    """Doly Begum has no gender on record: the organiser's column gives one."""
    fields = {**BEGUM_ROW, "language": "fr", "mp_gender": given}
    plan = plan_letters(setting, [SupporterRow(2, fields)], resolve_targets(setting, ["mp"]), DAY)
    (planned,) = plan.letters
    assert (planned.recipient.full_name, planned.recipient.gender) == ("Doly Begum", expected)
    letter = compose(
        setting.campaign,
        planned.sender,
        planned.recipient,
        day=DAY,
        lang=Language("fr"),
        offices=setting.directory,
    )
    salutation = {"u": "Bonjour,", "f": "Madame la Députée,", "m": "Monsieur le Député,"}
    assert letter.salutation == salutation[expected]


def test_an_unknown_mp_gender_is_a_row_error(setting):
    fields = {**BEGUM_ROW, "mp_gender": "x"}
    plan = plan_letters(setting, [SupporterRow(7, fields)], resolve_targets(setting, ["mp"]), DAY)
    assert plan.error_rows == 1
    assert (plan.errors[0].field, plan.errors[0].row) == ("mp_gender", 7)
