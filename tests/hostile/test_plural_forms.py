"""A translator's Plural-Forms header is data: `i18n check` and `compile` read it with a strict
grammar and refuse what could break or corrupt a letter, and at run time a compiled catalog with
such a header is refused for its language on one line, never run and never a 500."""

from __future__ import annotations

import re
import shutil
import struct

import pytest
from babel.messages.mofile import read_mo
from click.testing import CliRunner

from letters.cli import main
from letters.i18n import languages, translations
from letters.plurals import PluralFormsError, plural_rule
from letters.resources import locales_dir
from letters.web import create_app

from ..test_cli import BASE
from .corpus import NOT_BABELS, PLURAL_FORMS

GOOD = "nplurals=2; plural=(n > 1);"
HOSTILE = {**PLURAL_FORMS, "not Babel's": NOT_BABELS}


@pytest.fixture
def locales(tmp_path, monkeypatch):
    folder = tmp_path / "locales"
    shutil.copytree(locales_dir(), folder)
    monkeypatch.setenv("LETTERS_LOCALES", str(folder))
    monkeypatch.chdir(tmp_path)
    return folder / "fr" / "LC_MESSAGES"


def set_po_header(po, header: str) -> None:
    text = po.read_text(encoding="utf-8")
    quoted = header.replace('"', '\\"')
    po.write_text(text.replace(f'"Plural-Forms: {GOOD}\\n"', f'"Plural-Forms: {quoted}\\n"'))
    assert quoted in po.read_text(encoding="utf-8")


def set_mo_header(mo, header: str) -> None:
    """Rewrite the compiled catalog with another header, as if compiled elsewhere, past our
    checks (gettext's .mo layout, as Python's Tools/i18n/msgfmt.py writes it)."""
    with mo.open("rb") as source:
        catalog = read_mo(source)
    entries = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else "\0".join(message.id)
        key = f"{message.context}\x04{key}" if message.context else key
        value = message.string
        entries[key.encode()] = (value if isinstance(value, str) else "\0".join(value)).encode()
    entries[b""] = f"Content-Type: text/plain; charset=utf-8\nPlural-Forms: {header}\n".encode()
    keys = sorted(entries)
    ids = strs = b""
    table = []
    for key in keys:
        table.append((len(ids), len(key), len(strs), len(entries[key])))
        ids += key + b"\0"
        strs += entries[key] + b"\0"
    start = 7 * 4 + 16 * len(keys)
    offsets = [x for o1, l1, _, _ in table for x in (l1, o1 + start)]
    offsets += [x for _, _, o2, l2 in table for x in (l2, o2 + start + len(ids))]
    head = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 28, 28 + 8 * len(keys), 0, 0)
    mo.write_bytes(head + struct.pack(f"{len(offsets)}i", *offsets) + ids + strs)


@pytest.mark.parametrize(("header", "named"), HOSTILE.values(), ids=HOSTILE.keys())
def test_check_and_compile_refuse_a_hostile_plural_forms(locales, header, named):
    set_po_header(locales / "messages.po", header)
    before = (locales / "messages.mo").read_bytes()
    check = CliRunner().invoke(main, ["i18n", "check", "--locale", "fr"])
    assert check.exit_code in (1, 2), check.output
    assert "Plural-Forms" in check.output and named in check.output
    assert "Traceback" not in check.output
    for force in ([], ["--force"]):  # --force leaves messages out, never the header
        compiled = CliRunner().invoke(main, ["i18n", "compile", "--locale", "fr", *force])
        assert compiled.exit_code == 2, compiled.output
        assert compiled.output.count("\n") == 1 and "Plural-Forms" in compiled.output
        assert (locales / "messages.mo").read_bytes() == before


def test_a_reviewed_exception_lets_the_shipped_header_through():
    """Babel 2.19 gives French three forms; the shipped two-form header is a reviewed exception."""
    assert plural_rule(GOOD, "fr").index(1) == 0
    result = CliRunner().invoke(main, ["i18n", "check", "--locale", "fr"])
    assert "plural-forms]" not in result.output


@pytest.mark.parametrize(("header", "named"), PLURAL_FORMS.values(), ids=PLURAL_FORMS.keys())
def test_a_compiled_catalog_with_a_hostile_header_is_refused_for_its_language(
    locales, tmp_path, header, named
):
    set_mo_header(locales / "messages.mo", header)
    assert languages() == ("en",)
    with pytest.raises(PluralFormsError, match=re.escape(named)):
        translations("fr")
    out = tmp_path / "letter.pdf"
    result = CliRunner().invoke(main, [*BASE, "--to", "pm", "--lang", "fr", "-o", out])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and named in result.output
    assert not out.exists()
    english = CliRunner().invoke(main, [*BASE, "--to", "pm", "--lang", "en", "--format", "text"])
    assert english.exit_code == 0, english.output


def test_the_page_without_its_refused_language_is_english_and_never_a_500(locales, caplog):
    set_mo_header(locales / "messages.mo", "nplurals=2; plural=n%0;")
    app = create_app("end-ice-contracts", processes=1)
    try:
        client = app.test_client()
        french = client.get("/fr/", headers={"Accept-Language": "fr-CA"})
        assert french.status_code == 404
        assert "X-Content-Type-Options" in french.headers
        english = client.get("/en/")
        assert english.status_code == 200
        assert 'hreflang="fr"' not in english.get_data(as_text=True)
        assert client.get("/", headers={"Accept-Language": "fr"}).location.endswith("/en/")
        refused = [r.getMessage() for r in caplog.records if "not offered" in r.getMessage()]
        assert len(refused) == 1 and "divides by zero" in refused[0] and "\n" not in refused[0]
    finally:
        app.extensions["letters"].workers.close()


def test_a_batch_reports_each_row_in_the_refused_language_and_writes_the_others(locales, tmp_path):
    set_mo_header(locales / "messages.mo", "nplurals=2; plural=(n>1)?7:0;")
    (tmp_path / "s.csv").write_text(
        "name,street,city,province,postal code,language\n"
        "Heather Lim,10234 82 Avenue NW,Edmonton,AB,T6E 1Z8,en\n"
        "Jeanne Roy,1 rue Main,Gatineau,QC,J8X 1A1,fr\n"
    )
    result = CliRunner().invoke(
        main,
        [
            "batch", "--campaign", "end-ice-contracts", "--input", str(tmp_path / "s.csv"),
            "--to", "pm", "--dry-run", "--out", str(tmp_path / "out"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 with letters + 1 with errors" in result.output
    errors = (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8-sig")
    assert "language 'fr' is refused" in errors and "gives form 7 for n = 2" in errors
