"""Sending: the .eml draft read back with email.parser, and the #10 envelope's exact lines."""

from __future__ import annotations

import io
from dataclasses import replace
from email import policy
from email.parser import BytesParser

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from letters import Language, compose
from letters.cli import main
from letters.envelope import canada_post_line
from letters.sending import Draft, email_message

from ..conftest import DAY, sender

WRITE = [
    "write", "--campaign", "end-ice-contracts", "--date", "2026-02-01",
    "--name", "Heather Lim", "--street", "10234 82 Avenue NW", "--city", "Edmonton",
    "--province", "AB", "--postal-code", "T6E 1Z8", "--email", "heather.lim@example.ca",
]  # fmt: skip


def parse(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# --- email drafts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "greeting", "sentence"),
    [
        ("en", "Dear Ms. McPherson:", "I have attached my letter “"),
        ("fr", "Madame la Députée,", "J’ai joint ma lettre intitulée «\u00a0"),
    ],
)
def test_write_format_eml_is_a_draft_with_the_pdf_attached(tmp_path, lang, greeting, sentence):
    out = tmp_path / "letter.eml"
    result = run(
        *WRITE, "--to", "mp:Edmonton Strathcona", "--lang", lang, "--format", "eml", "-o", out
    )
    assert result.exit_code == 0, result.output
    message = parse(out.read_bytes())
    assert message["From"].addresses[0].addr_spec == "heather.lim@example.ca"
    assert message["From"].addresses[0].display_name == "Heather Lim"
    assert message["To"].addresses[0].addr_spec == "Heather.McPherson@parl.gc.ca"
    assert message["To"].addresses[0].display_name == "Heather McPherson"
    subject = "Ending Canadian contracts" if lang == "en" else "Fin des contrats"
    assert str(message["Subject"]).startswith(subject)
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert plain.startswith(greeting) and sentence in plain
    assert f'lang="{lang}-CA"' in html and sentence in html
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert (
        attachment.get_filename()
        == {
            "en": "letter-to-heather-mcpherson-from-heather-lim.pdf",
            "fr": "lettre-a-heather-mcpherson-de-heather-lim.pdf",
        }[lang]
    )
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(pdf)).pages) >= 1


def test_eml_needs_the_senders_email(tmp_path):
    args = [a for a in WRITE if a not in ("--email", "heather.lim@example.ca")]
    out = tmp_path / "x.eml"
    result = run(*args, "--to", "pm", "--lang", "en", "--format", "eml", "-o", out)
    assert result.exit_code == 2 and "--email" in result.output and not out.exists()


HOSTILE = [
    "Eve\r\nBcc: victim@example.com",
    "Eve\nBcc: victim@example.com",
    "=?utf-8?q?Eve=0D=0ABcc=3A_victim=40example=2Ecom?=",
    "=?utf-8?b?RXZlDQpCY2M6IHZpY3RpbUBleGFtcGxlLmNvbQ==?=",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_header_injection_through_name_or_subject_is_impossible(hostile):
    draft = Draft(
        from_name=hostile,
        from_email="eve@example.ca",
        to_name=hostile,
        to_email="pm@pm.gc.ca",
        subject=f"Subject {hostile}",
        lang="en",
        greeting="Dear Prime Minister:",
    )
    message = parse(email_message(draft, b"%PDF-1.7 test", "letter.pdf"))
    assert message["Bcc"] is None and message.get_all("Bcc") is None
    headers = [name.lower() for name in message.keys()]  # noqa: SIM118
    assert headers == ["from", "to", "subject", "x-unsent", "mime-version", "content-type"]
    # Shown as typed (on one line): an encoded word is not decoded into a line break.
    flat = " ".join(hostile.split())
    shown = message["From"].addresses[0].display_name
    # (Python may fold a long encoded word with a space; the words themselves are kept.)
    assert shown.replace("\u2060", "").replace(" ", "") == flat.replace(" ", "")
    assert "\n" not in shown and "\r" not in shown
    assert message["From"].addresses[0].addr_spec == "eve@example.ca"
    assert len(message["To"].addresses) == 1
    assert message["To"].addresses[0].addr_spec == "pm@pm.gc.ca"
    subject = str(message["Subject"])
    assert subject.replace("\u2060", "").replace(" ", "") == f"Subject {flat}".replace(" ", "")
    assert "\n" not in subject and "\r" not in subject


def test_email_draft_command_from_a_written_pdf(tmp_path):
    pdf = tmp_path / "lettre.pdf"
    assert run(*WRITE, "--to", "pm", "--lang", "fr", "-o", pdf).exit_code == 0
    result = run("email-draft", pdf, "--to", "pm", "--email", "heather.lim@example.ca")
    assert result.exit_code == 0, result.output
    message = parse((tmp_path / "lettre.eml").read_bytes())
    assert message["To"].addresses[0].addr_spec == "pm@pm.gc.ca"
    assert message["From"].addresses[0].display_name == "Heather Lim"
    assert message.get_body(("plain",)).get_content().startswith("Monsieur le Premier Ministre,")
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content() == pdf.read_bytes()
    assert attachment.get_filename() == "lettre.pdf"


def test_email_draft_refuses_a_recipient_without_email(tmp_path):
    pdf = tmp_path / "letter.pdf"
    assert run(*WRITE, "--to", "minister:foreign-affairs", "--lang", "en", "-o", pdf).exit_code == 0
    result = run("email-draft", pdf, "--to", "minister:foreign-affairs", "--email", "h@example.ca")
    assert result.exit_code == 2 and "no email address is known" in result.output


# --- envelope -------------------------------------------------------------------------------

ENVELOPES = {
    ("en", "mp:edmonton-strathcona"): [
        "MS HEATHER MCPHERSON MP",
        "HOUSE OF COMMONS",
        "OTTAWA ON  K1A 0A6",
    ],
    ("fr", "mp:edmonton-strathcona"): [
        "MADAME HEATHER MCPHERSON DÉPUTÉE",
        "CHAMBRE DES COMMUNES",
        "OTTAWA ON  K1A 0A6",
    ],
    ("en", "pm"): [
        "THE RIGHT HONOURABLE MARK CARNEY PC MP",
        "PRIME MINISTER OF CANADA",
        "80 WELLINGTON STREET",
        "OTTAWA ON  K1A 0A2",
    ],
    ("fr", "pm"): [
        "LE TRÈS HONORABLE MARK CARNEY CP DÉPUTÉ",
        "PREMIER MINISTRE DU CANADA",
        "80 RUE WELLINGTON",
        "OTTAWA ON  K1A 0A2",
    ],
}
RETURN = ["HEATHER LIM", "10234 82 AVENUE NW", "EDMONTON AB  T6E 1Z8"]
NOTICE = {"en": "POSTAGE FREE", "fr": "EN FRANCHISE POSTALE"}


@pytest.fixture(scope="session")
def envelope_pdf(setting):
    from letters import letter_bytes, make_letter

    cache = {}

    def render(lang, to):
        if (lang, to) not in cache:
            letter = make_letter(setting, sender(lang), to, DAY, envelope=True)
            cache[lang, to] = letter_bytes(letter, "pdf")
        return cache[lang, to]

    return render


@pytest.mark.parametrize(("lang", "to"), sorted(ENVELOPES))
def test_envelope_page_lines_in_canada_post_format(envelope_pdf, letter_pdf, lang, to):
    pdf = envelope_pdf(lang, to)
    reader = PdfReader(io.BytesIO(pdf))
    letter_only = PdfReader(io.BytesIO(letter_pdf(lang, to)))
    assert len(reader.pages) == len(letter_only.pages) + 1
    page = reader.pages[-1]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (width, height) == pytest.approx((9.5 * 72, 4.125 * 72), abs=0.5)
    lines = page.extract_text().splitlines()
    assert lines[:3] == RETURN
    assert lines[3] == NOTICE[lang]
    assert lines[-len(ENVELOPES[lang, to]) :] == ENVELOPES[lang, to]
    # The letter's own pages do not count the envelope ("Page 2 of 2", not "of 3").
    assert reader.pages[1].extract_text() == letter_only.pages[1].extract_text()


def test_no_postage_notice_for_a_recipient_outside_parliament(setting):
    recipient = replace(setting.directory.find("pm"), member_of_parliament=False)
    letter = compose(
        setting.campaign,
        sender("en"),
        recipient,
        day=DAY,
        lang=Language("en"),
        envelope=True,
        offices=setting.directory,
    )
    assert not letter.envelope.postage_free and letter.envelope.postage_notice is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("123, rue Saint-Jean, app. 4", "123 RUE SAINT-JEAN APP 4"),
        ("St. John's", "ST JOHN'S"),
        ("  Ms.   Jane  Doe ", "MS JANE DOE"),
    ],
)
def test_canada_post_line(line, expected):
    assert canada_post_line(line) == expected


def test_write_envelope_cli(tmp_path):
    out = tmp_path / "with-envelope.pdf"
    result = run(*WRITE, "--to", "pm", "--lang", "en", "--envelope", "--typed-signature", "-o", out)
    assert result.exit_code == 0, result.output
    reader = PdfReader(out)
    assert "80 WELLINGTON STREET" in reader.pages[-1].extract_text()
    fonts = [str(f["/BaseFont"]) for f in reader.pages[-2]["/Resources"]["/Font"].values()]
    assert any("Dancing-Script" in f for f in fonts)
