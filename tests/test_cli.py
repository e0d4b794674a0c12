"""The real CLI: CliRunner for behaviour, one subprocess for the installed entry point."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from letters.cli import main

from .conftest import pdf_text

BASE = [
    "write",
    "--campaign",
    "end-ice-contracts",
    "--date",
    "2026-02-01",
    "--name",
    "Heather Lim",
    "--street",
    "10234 82 Avenue NW",
    "--city",
    "Edmonton",
    "--province",
    "AB",
    "--postal-code",
    "T6E 1Z8",
]


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run `letters …` in an empty folder; return (result, files written under it)."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, input: str | None = None):
        result = CliRunner().invoke(main, list(args), input=input)
        files = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
        return result, files

    return invoke


def test_write_puts_the_pdf_in_the_default_place_and_prints_its_path(run):
    result, files = run(*BASE, "--to", "pm", "--lang", "fr")
    assert result.exit_code == 0, result.output
    expected = Path("output/end-ice-contracts/pm-fr-heather-lim.pdf")
    assert files == [expected]
    assert result.output.strip().endswith(str(expected))
    assert "Monsieur le Premier Ministre," in pdf_text(expected.read_bytes())


def test_write_text_format_prints_the_letter(run):
    result, files = run(*BASE, "--to", "minister:immigration", "--lang", "fr", "--format", "text")
    assert result.exit_code == 0 and files == []
    assert "Madame la Ministre," in result.output
    assert "Mettre fin à l’Entente sur les tiers pays sûrs" in result.output


def test_write_html_format_writes_the_html_for_weasyprint(run):
    result, files = run(
        *BASE, "--to", "pm", "--lang", "en", "--format", "html", "-o", "letter.html"
    )
    assert result.exit_code == 0 and files == [Path("letter.html")]
    html = Path("letter.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and 'lang="en-CA"' in html


def test_write_chosen_demands_with_note_file_and_signature(run, tmp_path, signature_png):
    (tmp_path / "note.txt").write_text(
        "I teach in Mill Woods.\n\nMy students ask about this.", "utf-8"
    )
    (tmp_path / "sig.png").write_bytes(signature_png)
    result, _ = run(
        *BASE,
        "--to",
        "mp:edmonton-strathcona",
        "--lang",
        "en",
        "--demand",
        "field-offices",
        "--demand",
        "export-permits",
        "--note-file",
        "note.txt",
        "--signature",
        "sig.png",
        "-o",
        "out.pdf",
    )
    assert result.exit_code == 0, result.output
    text = pdf_text(Path("out.pdf").read_bytes()).replace("\n", " ")
    assert text.index("Close ICE field offices") < text.index("Refuse export permits")
    assert "End the Safe Third Country Agreement" not in text
    assert "I teach in Mill Woods." in text and "My students ask about this." in text
    assert len(PdfReader("out.pdf").pages[-1].images) == 1


def test_missing_field_without_terminal_is_an_error(run):
    result, files = run(*BASE[:-2], "--to", "pm", "--lang", "en", input="")
    assert result.exit_code == 2 and files == []
    assert "postal_code" in result.output and "--postal-code" in result.output


def big_png(pixels: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (pixels, pixels)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--postal-code", "D1A 1A1"], "postal_code"),
        (["--postal-code", "K1A0A"], "postal_code"),
        (["--postal-code", "12345"], "postal_code"),
        (["--province", "Ontarion"], "province"),
        (["--demand", "free-lunch"], "demand"),
        (["--campaign", "no-such-campaign"], "campaign"),
        (["--to", "minister:defence"], "to"),
        (["--to", "senator:someone"], "to"),
        (["--to", "mp:Nowhere Special"], "to"),
        (["--note", "x" * 2001], "note"),
        (["--signature", "fake.png"], "signature"),
        (["--signature", "huge.png"], "signature"),
        (["--signature", "giant.png"], "signature"),
        (["--date", "2026-13-01"], "date"),
        (["--lang", "de"], "lang"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_file(run, tmp_path, args, field):
    (tmp_path / "fake.png").write_bytes(b"GIF89a not a png")
    (tmp_path / "huge.png").write_bytes(b"\x89PNG" + b"\0" * (2 * 1024 * 1024 + 1))
    (tmp_path / "giant.png").write_bytes(big_png(3300))  # 10.9 megapixels, a small file
    options = dict(zip(BASE[1::2], BASE[2::2], strict=False))
    options |= {"--to": "pm", "--lang": "en"}
    extra = []
    for flag, value in zip(args[::2], args[1::2], strict=True):
        if flag in ("--demand", "--signature", "--note"):
            extra += [flag, value]
        else:
            options[flag] = value
    argv = ["write", *[x for pair in options.items() for x in pair], *extra]
    before = {p for p in tmp_path.rglob("*")}
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert len(message.splitlines()) == 1 and field in message and "fix:" in message
    assert {p for p in tmp_path.rglob("*")} == before


HOSTILE = [
    '<img src="file:///etc/passwd">',
    "{{ 7*7 }}",
    '</p><link rel="attachment" href="file:///etc/hostname">',
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_prints_literally_and_fetches_nothing(run, hostile):
    result, _ = run(
        *BASE[:6],
        hostile,
        *BASE[7:],
        "--to",
        "pm",
        "--lang",
        "en",
        "--note",
        hostile,
        "--street",
        hostile,
        "-o",
        "out.pdf",
    )
    assert result.exit_code == 0, result.output
    content = Path("out.pdf").read_bytes()
    lines = pdf_text(content).splitlines()
    assert lines[:3] == [hostile, "10234 82 Avenue NW", hostile]  # name and streets, as typed
    assert hostile in lines  # the personal paragraph, printed as written
    assert "49" not in pdf_text(content)
    reader = PdfReader("out.pdf")
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert b"/EmbeddedFile" not in content and b"/FileAttachment" not in content
    assert not any(page.images for page in reader.pages)  # nothing fetched, no image drawn


def test_campaigns_lists_demand_ids(run):
    result, _ = run("campaigns")
    assert result.exit_code == 0
    assert "end-ice-contracts" in result.output
    for demand in ("export-permits", "bill-c-233", "safe-third-country"):
        assert demand in result.output


def test_recipients_lists_and_filters(run):
    result, _ = run("recipients", "--role", "minister")
    assert result.exit_code == 0
    assert "minister:foreign-affairs" in result.output and "pm" not in result.output.split()
    result, _ = run("recipients", "--search", "strathcona")
    assert "mp:edmonton-strathcona" in result.output and "minister:" not in result.output


def every_command(group=main, path=()):
    """Every command and group under `letters`, as the words you would type."""
    import click

    yield path
    if isinstance(group, click.Group):
        context = click.Context(group)  # `main` loads a command's module when asked for it
        for name in sorted(group.list_commands(context)):
            yield from every_command(group.get_command(context, name), (*path, name))


def test_every_command_has_help_with_a_real_example(run):
    """An "Example(s):" heading followed by a `letters …` line for this very command."""
    missing = []
    for command in every_command():
        result, _ = run(*command, "--help")
        assert result.exit_code == 0, command
        lines = result.output.splitlines()
        heading = [i for i, line in enumerate(lines) if line.strip() in ("Example:", "Examples:")]
        typed = " ".join(("letters", *command))
        if not heading or not any(
            line.strip().startswith(typed) for line in lines[heading[0] + 1 :]
        ):
            missing.append(" ".join(command) or "letters")
    assert not missing, f"no example in --help: {missing}"


def test_installed_entry_point_and_python_dash_m(tmp_path):
    letters = Path(sys.executable).with_name("letters")
    for argv in ([str(letters), "--version"], [sys.executable, "-m", "letters", "--version"]):
        out = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=tmp_path)
        assert "letters, version" in out.stdout
    out = subprocess.run(
        [str(letters), *BASE, "--to", "pm", "--lang", "fr", "-o", "x.pdf"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )
    assert out.returncode == 0, out.stderr
    assert "Le 1er février 2026" in pdf_text((tmp_path / "x.pdf").read_bytes())


def test_missing_fields_are_asked_for_on_a_terminal(tmp_path):
    """Run under a pseudo-terminal, as a person would: the missing postal code is prompted for."""
    import os
    import pty

    letters = Path(sys.executable).with_name("letters")
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [str(letters), *BASE[:-2], "--to", "pm", "--lang", "en", "-o", "x.pdf"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=tmp_path,
    )
    os.close(slave)
    os.write(master, b"T6E 1Z8\n")
    assert proc.wait(timeout=60) == 0
    output = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.close(master)
    assert b"Postal code:" in output
    assert "Edmonton AB  T6E 1Z8" in pdf_text((tmp_path / "x.pdf").read_bytes())


def test_written_letter_is_an_ordinary_readable_file(run):
    result, files = run(*BASE, "--to", "pm", "--lang", "en", "-o", "x.pdf")
    assert result.exit_code == 0
    assert Path("x.pdf").stat().st_mode & 0o777 == 0o644


def test_recipients_lists_the_pm_the_ministers_then_every_mp_by_riding(run):
    result, _ = run("recipients")
    ids = [line.split()[0] for line in result.output.splitlines()[1:]]
    assert ids[0] == "pm" and all(i.startswith("minister:") for i in ids[1:6])
    mps = [line for line in result.output.splitlines()[1:] if line.startswith("mp:")]
    ridings = [line.split(" MP for ", 1)[1].rsplit("  <", 1)[0] for line in mps]
    from letters.districts import fold

    assert ridings == sorted(ridings, key=fold)
    assert len(mps) > 300 and "Edmonton Strathcona" in ridings


# --- `--to mp`: your own MP; another riding's MP only on purpose --------------------------------


def test_write_to_mp_finds_the_member_from_the_riding(run):
    result, _ = run(
        *BASE, "--to", "mp", "--lang", "en", "--riding", "edmonton strathcona", "--format", "text"
    )
    assert result.exit_code == 0, result.output
    assert "Dear Ms. McPherson:" in result.output
    assert "I live in the riding of Edmonton Strathcona." in result.output


def test_write_to_mp_finds_the_member_from_the_postal_code_with_the_lookup(run):
    from .directory.test_lookup import serve_represent

    with serve_represent() as represent:
        result, _ = run(
            *BASE,
            *("--to", "mp", "--lang", "fr", "--lookup", "represent", "--lookup-url", represent),
            *("--format", "text"),
        )
    assert result.exit_code == 0, result.output
    assert "Madame la Députée," in result.output
    assert "J’habite la circonscription d’Edmonton Strathcona." in result.output


def test_write_to_mp_without_riding_or_lookup_says_which_to_give(run):
    result, files = run(*BASE, "--to", "mp", "--lang", "en")
    assert result.exit_code == 2 and files == []
    assert result.output.strip().splitlines() == [
        "Error: riding: --to mp needs your riding to find your MP; fix: give --riding "
        '"Your riding", or --lookup represent to find it from your postal code '
        "(Open North's Represent, over the internet)"
    ]


def test_write_to_mp_whose_postal_code_touches_two_ridings_asks_for_the_riding(run):
    from .directory.test_lookup import serve_represent

    args = [a if a != "T6E 1Z8" else "J8X 1A1" for a in BASE]
    args[args.index("AB")] = "QC"
    with serve_represent() as represent:
        result, files = run(
            *args, "--to", "mp", "--lang", "fr", "--lookup", "represent", "--lookup-url", represent
        )
    assert result.exit_code == 2 and files == []
    assert "J8X 1A1 touches 2 ridings: Gatineau, Hull—Aylmer" in result.output
    assert "fix: give --riding with the one your address is in" in result.output


def test_write_to_another_ridings_mp_is_refused_naming_both(run):
    result, files = run(
        *BASE, "--to", "mp:halifax", "--lang", "en", "--riding", "Edmonton Strathcona"
    )
    assert result.exit_code == 2 and files == []
    (line,) = result.output.strip().splitlines()
    assert "is the MP for Halifax, but --riding says you live in Edmonton Strathcona" in line
    assert "--not-my-mp" in line


def test_write_to_another_ridings_mp_on_purpose_leaves_out_the_riding(run):
    result, _ = run(
        *BASE,
        *("--to", "mp:halifax", "--lang", "en", "--riding", "Edmonton Strathcona"),
        *("--not-my-mp", "--format", "text"),
    )
    assert result.exit_code == 0, result.output
    assert "MP for Halifax" in run("recipients", "--search", "halifax")[0].output
    assert "I live in the riding of" not in result.output
    assert "Edmonton Strathcona" not in result.output
