"""Every entry point over the hostile corpus: CLI fields, batch cells (CSV and XLSX), web fields,
translator strings, campaign text, .eml addresses."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner
from openpyxl import Workbook

from letters.batch.reports import safe_cell
from letters.cli import main
from letters.errors import InputError
from letters.resources import locales_dir
from letters.sending import Draft, email_message

from ..conftest import pdf_text
from ..test_cli import BASE
from .corpus import ADDRESSES, CONTROLS, FORMULAS, LITERALS, MARKUP, XLSX_CONTROLS

FIELDS = ["--name", "--street", "--city", "--note"]
HEADER = ["name", "street", "city", "province", "postal code", "language", "riding", "note"]
GOOD = [
    "Heather Lim",
    "10234 82 Avenue NW",
    "Edmonton",
    "AB",
    "T6E 1Z8",
    "en",
    "Edmonton Strathcona",
    "",
]


def write_text(*args: str):
    return CliRunner().invoke(
        main, [*BASE, "--to", "pm", "--lang", "en", "--format", "text", *args]
    )


def _replace(args: list[str], option: str, value: str) -> list[str]:
    if option in args:
        args = list(args)
        args[args.index(option) + 1] = value
        return args
    return [*args, option, value]


@pytest.mark.parametrize("option", FIELDS)
@pytest.mark.parametrize("kind", sorted(CONTROLS))
def test_cli_fields_refuse_control_characters_naming_them(option, kind):
    payload, named = CONTROLS[kind]
    args = _replace([*BASE, "--to", "pm", "--lang", "en", "--format", "text"], option, payload)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1
    assert f"{option[2:]}: contains the control character {named}" in result.output


def test_note_keeps_tabs_and_line_breaks():
    result = write_text("--note", "One.\tTwo.\n\nThree.\r\n")
    assert result.exit_code == 0, result.output
    assert "One.\tTwo." in result.output


@pytest.mark.parametrize("payload", LITERALS)
def test_cli_fields_print_markup_and_templates_literally(payload):
    result = write_text("--note", payload)
    assert result.exit_code == 0 and payload in result.output


def test_non_utf8_argument_is_one_line_exit_2():
    result = write_text("--name", "Jane\udcff")
    assert result.exit_code == 2 and "not UTF-8" in result.output


def batch(tmp_path: Path, path: Path):
    return CliRunner().invoke(
        main,
        [
            "batch",
            "--campaign",
            "end-ice-contracts",
            "--input",
            str(path),
            "--to",
            "mp",
            "--dry-run",
            "--out",
            str(tmp_path / "out"),
        ],
    )


def reports(tmp_path: Path, name: str) -> list[dict]:
    text = (tmp_path / "out" / name).read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_batch_csv_cells_refuse_controls_and_reports_never_carry_them(tmp_path):
    # Blank rows first: a NUL in the first 64 KB marks the file as binary; after them it is a cell.
    rows = [HEADER, GOOD, *[[""] * len(HEADER)] * 10_000]
    for column in (0, 1, 2, 7):
        for payload, _ in CONTROLS.values():
            row = list(GOOD)
            row[column] = payload
            rows.append(row)
    for formula in FORMULAS:
        rows.append([formula, *GOOD[1:]])
    path = tmp_path / "s.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    result = batch(tmp_path, path)
    assert result.exit_code == 0, result.output
    errors = reports(tmp_path, "errors.csv")
    assert len(errors) == 4 * len(CONTROLS)
    assert all("contains the control character U+" in e["problem"] for e in errors)
    raw = (tmp_path / "out" / "errors.csv").read_bytes() + (
        tmp_path / "out" / "manifest.csv"
    ).read_bytes()
    assert not any(
        ch in raw.decode("utf-8-sig")
        for payload, _ in CONTROLS.values()
        for ch in payload
        if ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F or ch in "\u202e\u202a\u2067"
    )
    names = {m["supporter"] for m in reports(tmp_path, "manifest.csv")}
    assert {"'" + " ".join(f.split()) for f in FORMULAS} <= names


def test_batch_xlsx_cells_refuse_controls(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for payload, _ in XLSX_CONTROLS.values():
        sheet.append([payload, *GOOD[1:]])
    path = tmp_path / "s.xlsx"
    book.save(path)
    result = batch(tmp_path, path)
    assert result.exit_code == 0, result.output
    problems = [e["problem"] for e in reports(tmp_path, "errors.csv")]
    assert len(problems) == len(XLSX_CONTROLS)
    assert all("control character" in p for p in problems)


@pytest.mark.parametrize("value", FORMULAS)
def test_reports_neutralise_hidden_and_full_width_formulas(value):
    assert safe_cell(value).startswith("'")


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("field", ["name", "street1", "city", "note"])
def test_web_fields_refuse_control_characters(app_client, field, lang):
    from ..test_web import post, summary

    words = {"en": "contains the control character", "fr": "contient le caractère de commande"}
    for payload, named in CONTROLS.values():
        response = post(app_client, lang=lang, **{field: payload})
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        # the page says it as a sentence: "Contains the control character U+001B: …"
        assert f"{words[lang]} {named}".lower() in html.lower()
        assert any(target == field for target, _ in summary(html))


@pytest.mark.parametrize("payload", LITERALS)
def test_web_fields_print_markup_literally(app_client, payload):
    from markupsafe import escape

    from ..test_web import post

    response = post(app_client, note=payload)
    assert response.status_code == 200
    assert str(escape(payload)) in response.get_data(as_text=True)


@pytest.fixture
def app_client():
    from letters.web.app import create_app

    return create_app(processes=1).test_client()


@pytest.mark.parametrize("address", ADDRESSES)
def test_eml_refuses_addresses_python_would_rewrite(address):
    draft = Draft("Jane", address, "MP", "mp@parl.gc.ca", "Subject", "Body", "en")
    with pytest.raises(InputError, match="invalid email"):
        email_message(draft, b"%PDF-", "letter.pdf")


# --- translator strings and campaign text --------------------------------------------------


@pytest.fixture
def french(tmp_path, monkeypatch):
    """A copy of the French catalog in a temporary locales folder (LETTERS_LOCALES)."""
    locales = tmp_path / "locales"
    shutil.copytree(locales_dir(), locales)
    monkeypatch.setenv("LETTERS_LOCALES", str(locales))
    monkeypatch.chdir(tmp_path)
    return locales / "fr" / "LC_MESSAGES" / "messages.po"


def poison(po: Path, msgid: str, payload: str, compile_mo: bool = False) -> None:
    with po.open("rb") as source:
        catalog = read_po(source)
    message = catalog[msgid]
    message.string = message.string + " " + payload
    with po.open("wb") as out:
        write_po(out, catalog)
    if compile_mo:  # as if compiled elsewhere, past our checks
        with po.with_suffix(".mo").open("wb") as out:
            write_mo(out, catalog)


def campaign_msgid() -> str:
    import tomllib

    from letters.resources import campaigns_dir

    raw = tomllib.loads((campaigns_dir() / "end-ice-contracts" / "campaign.toml").read_text())
    return " ".join(raw["title"].split())


@pytest.mark.parametrize("kind", sorted(MARKUP))
@pytest.mark.parametrize("source", ["template", "campaign"])
def test_check_and_compile_refuse_markup_a_translation_adds(french, kind, source, tmp_path):
    msgid = "Subject: %(subject)s" if source == "template" else campaign_msgid()
    where, po = [], french
    if source == "campaign":  # the campaign's own catalog, in a copy of its folder
        from letters.resources import campaigns_dir

        folder = tmp_path / "end-ice-contracts"
        shutil.copytree(campaigns_dir() / "end-ice-contracts", folder)
        where, po = ["--campaign", str(folder)], folder / "locales/fr/LC_MESSAGES/campaign.po"
    poison(po, msgid, MARKUP[kind])
    check = CliRunner().invoke(main, ["i18n", "check", *where, "--locale", "fr"])
    assert check.exit_code == 1
    assert "[characters]" in check.output or "[markup]" in check.output
    compiled = CliRunner().invoke(main, ["i18n", "compile", *where, "--locale", "fr"])
    assert compiled.exit_code == 2 and compiled.output.count("\n") == 1


@pytest.mark.parametrize("kind", sorted(MARKUP))
def test_a_compiled_hostile_translation_is_printed_as_text(french, kind):
    from pypdf import PdfReader

    poison(french, "Subject: %(subject)s", MARKUP[kind], compile_mo=True)
    poison(
        french,
        'Page <span class="page"></span>',
        MARKUP[kind],
        compile_mo=True,
    )
    result = CliRunner().invoke(main, [*BASE, "--to", "pm", "--lang", "fr", "--format", "html"])
    assert result.exit_code == 0, result.output
    html = Path(result.output.strip().splitlines()[-1]).read_text()
    assert any(e in html for e in ("&lt;", "&amp;", "&#34;", "&#39;"))
    assert "<link rel=attachment" not in html and "<a href=https" not in html
    assert '<span style="position' not in html
    pdf = CliRunner().invoke(main, [*BASE, "--to", "pm", "--lang", "fr", "-o", "x.pdf"])
    assert pdf.exit_code == 0
    reader = PdfReader("x.pdf")
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert all("/Annots" not in page for page in reader.pages)
    assert "Objet" in pdf_text(Path("x.pdf").read_bytes())


def test_malformed_campaign_toml_is_one_line_in_i18n(tmp_path, monkeypatch):
    import letters.translation.catalog as catalog_module

    root = tmp_path / "root"
    (root / "campaigns" / "bad").mkdir(parents=True)
    (root / "campaigns" / "bad" / "campaign.toml").write_text("title = [unclosed\n")
    (root / "babel.cfg").write_text("[letters_campaign: campaigns/**/campaign.toml]\n")
    shutil.copytree(locales_dir(), tmp_path / "locales")
    monkeypatch.setenv("LETTERS_LOCALES", str(tmp_path / "locales"))
    monkeypatch.setattr(catalog_module, "data_root", lambda: root)
    for command in (["extract"], ["check"], ["stats"]):
        result = CliRunner().invoke(main, ["i18n", *command])
        assert result.exit_code == 2, (command, result.output)
        assert result.output.count("\n") == 1 and "bad/campaign.toml" in result.output


@pytest.mark.parametrize("payload", LITERALS + list(MARKUP.values()))
def test_campaign_text_is_printed_as_text(tmp_path, monkeypatch, payload):
    """An organiser's campaign text is text too: markup in it is printed, never obeyed."""
    from letters.resources import campaigns_dir

    source = (campaigns_dir() / "end-ice-contracts" / "campaign.toml").read_text()
    marker = 'subject = "'  # printed in every letter, whatever the recipient's role
    hostile = source.replace(
        marker, marker + payload.replace("\\", "\\\\").replace('"', '\\"') + " ", 1
    )
    (tmp_path / "campaign.toml").write_text(hostile)
    monkeypatch.chdir(tmp_path)
    args = [*BASE, "--to", "pm", "--lang", "en", "--allow-incomplete"]
    args[args.index("end-ice-contracts")] = str(tmp_path / "campaign.toml")
    html = CliRunner().invoke(main, [*args, "--format", "html", "-o", "x.html"])
    assert html.exit_code == 0, html.output
    assert str(escape_text(payload)) in Path("x.html").read_text()
    text = CliRunner().invoke(main, [*args, "--format", "text"])
    assert payload in text.output


def escape_text(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


@pytest.mark.parametrize("address", ["a@b.c)", "jé@example.ca"])
def test_eml_addresses_refused_on_the_cli_and_the_page(tmp_path, monkeypatch, app_client, address):
    from ..test_web import post

    monkeypatch.chdir(tmp_path)
    args = [*BASE, "--to", "mp:Edmonton Strathcona", "--lang", "en", "--format", "eml"]
    result = CliRunner().invoke(main, [*args, "--email", address])
    assert result.exit_code == 2 and "invalid email" in result.output
    assert result.output.count("\n") == 1 and not list(tmp_path.rglob("*.eml"))
    response = post(
        app_client, action="email", email=address, to="mp", riding="Edmonton Strathcona"
    )
    assert response.status_code == 422
    assert "invalid email" in response.get_data(as_text=True).lower()  # "Invalid email …"


def test_non_utf8_bytes_in_a_real_argument_are_one_line_exit_2(tmp_path):
    import os
    import subprocess
    import sys

    args = [os.fsencode(a) for a in [*BASE, "--to", "pm", "--lang", "en", "--format", "text"]]
    args[args.index(b"--name") + 1] = b"Jane\xff"
    result = subprocess.run(
        [sys.executable.encode(), b"-m", b"letters", *args],
        cwd=tmp_path,
        capture_output=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        b"Error: name: contains bytes that are not UTF-8 text; fix: save or type it again as "
        b"UTF-8 text"
    ]
