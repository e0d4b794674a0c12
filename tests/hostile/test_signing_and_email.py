"""Signed letters and email drafts against a hostile certificate, file or passphrase: `verify`
cannot be made to lie on screen, a NUL in a passphrase leaks nothing and leaves no file, and the
sender-field rules hold on every path into an email or a certificate."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pypdf import PdfReader

from letters.cli import main
from letters.sending import Identity, create_identity
from letters.sending.signing import sign_pdf

from ..sending.test_signing import NOW, PASS
from ..test_cli import BASE

SECRET = b"my secret\x00pass"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def letter(letter_pdf) -> bytes:
    return letter_pdf("en", "pm")


def liar() -> Identity:
    """A signer whose certificate's name moves the cursor and starts lines of its own, as
    someone else's software could sign with it (`letters sign` itself refuses that name)."""
    key, cert, _ = pkcs12.load_key_and_certificates(liar_p12(), PASS)
    return Identity(key=key, certificate=cert, chain=())


def liar_p12() -> bytes:
    """A self-made certificate whose name moves the cursor and starts lines of its own."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(
                NameOID.COMMON_NAME,
                "J\x1b[2K\r\nSignature1: VALID\r\n  changed after signing: no",
            )
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW.replace(year=NOW.year - 1))
        .not_valid_after(NOW.replace(year=NOW.year + 1))
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"x", key, cert, None, serialization.BestAvailableEncryption(PASS)
    )


TOOL_LINES = re.compile(
    r'^(signature "|  (signer|certificate fingerprint \(SHA-256\)|signed at|timestamp|intact|changed after '
    r"signing|trusted): )"
)


def test_verify_prints_a_certificates_name_with_its_controls_visible(tmp_path, letter):
    signed = sign_pdf(letter, liar(), lang="en")
    (tmp_path / "changed.pdf").write_bytes(signed + b"\n% changed after signing\n")
    result = run("verify", tmp_path / "changed.pdf")
    assert result.exit_code == 1
    out = result.output
    assert not any(c in out for c in "\x1b\r")
    assert all(TOOL_LINES.match(line) for line in out.splitlines()), out
    assert "\\x1b[2K\\x0d\\x0aSignature1: VALID" in out
    assert "changed after signing: 25 bytes appended" in out


def test_a_signed_pdf_with_20000_nested_arrays_appended_is_one_line(tmp_path, letter):
    """An incremental update whose trailer holds 20,000 nested arrays: pyHanko parses it by
    recursion (it was a RecursionError traceback)."""
    signed = sign_pdf(letter, liar(), lang="en")
    trailer = PdfReader(io.BytesIO(signed)).trailer
    prev = int(re.findall(rb"startxref\s+(\d+)", signed)[-1])
    update = b"\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size %d /Root %d 0 R /Prev %d /X " % (
        trailer["/Size"],
        trailer.raw_get("/Root").idnum,
        prev,
    )
    update += b"[" * 20_000 + b"]" * 20_000 + b" >>\nstartxref\n%d\n%%%%EOF\n" % (len(signed) + 1)
    (tmp_path / "deep.pdf").write_bytes(signed + update)
    (tmp_path / "me.p12").write_bytes(create_identity("Jane Doe", "jane@example.ca", PASS))
    (tmp_path / "pass.txt").write_bytes(PASS + b"\n")
    for command in (
        ["verify"],
        ["email-draft", "--to", "pm", "--email", "jane@example.ca"],
        ["sign", "--with", tmp_path / "me.p12", "--passphrase-file", tmp_path / "pass.txt"],
    ):
        result = run(command[0], tmp_path / "deep.pdf", *command[1:])
        assert result.exit_code == 2, result.output
        assert result.output == (
            "Error: pdf: PDF holds objects nested too deeply to read; "
            "fix: ask for the file again: no letter is built like this\n"
        )


def refuses_nul_without_a_trace(result, *left_out: Path) -> None:
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and "NUL" in result.output
    assert "secret" not in result.output and "109, 121" not in result.output
    assert not any(p.exists() for p in left_out)


def test_a_nul_in_a_passphrase_is_refused_everywhere_saying_nothing_of_it(tmp_path, letter):
    secret = tmp_path / "pass.txt"
    secret.write_bytes(SECRET + b"\n")
    me = tmp_path / "me.p12"
    result = run(
        "identity", "create", "--name", "Jane Doe", "--email", "jane@example.ca", "-o", me,
        "--passphrase-file", secret,
    )  # fmt: skip
    refuses_nul_without_a_trace(result, me)
    assert list(tmp_path.iterdir()) == [secret]

    (tmp_path / "good.txt").write_bytes(PASS + b"\n")
    result = run(
        "identity", "create", "--name", "Jane Doe", "--email", "jane@example.ca", "-o", me,
        "--passphrase-file", tmp_path / "good.txt",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (tmp_path / "letter.pdf").write_bytes(letter)
    signed = tmp_path / "letter-signed.pdf"
    result = run("sign", tmp_path / "letter.pdf", "--with", me, "--passphrase-file", secret)
    refuses_nul_without_a_trace(result, signed)

    out = tmp_path / "written.pdf"
    args = [*BASE, "--to", "pm", "--lang", "en", "-o", out]
    result = run(*args, "--sign-with", me, "--passphrase-file", secret)
    refuses_nul_without_a_trace(result, out)


def test_sign_refuses_a_certificate_whose_name_holds_controls(tmp_path, letter):
    (tmp_path / "liar.p12").write_bytes(liar_p12())
    (tmp_path / "pass.txt").write_bytes(PASS + b"\n")
    (tmp_path / "letter.pdf").write_bytes(letter)
    result = run(
        "sign", tmp_path / "letter.pdf", "--with", tmp_path / "liar.p12",
        "--passphrase-file", tmp_path / "pass.txt",
    )  # fmt: skip
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert "sign_with: the certificate's name contains the control character U+001B" in (
        result.output
    )
    assert not (tmp_path / "letter-signed.pdf").exists()


def test_identity_create_refuses_a_bidi_override_in_the_name(tmp_path):
    (tmp_path / "pass.txt").write_bytes(PASS + b"\n")
    result = run(
        "identity", "create", "--name", "Jane \u202eeoD", "--email", "jane@example.ca",
        "-o", tmp_path / "me.p12", "--passphrase-file", tmp_path / "pass.txt",
    )  # fmt: skip
    assert result.exit_code == 2 and "U+202E" in result.output, result.output
    assert not (tmp_path / "me.p12").exists()


def with_info(pdf: bytes, **info: str) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for key, value in info.items():
            doc.docinfo[f"/{key}"] = value
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


@pytest.mark.parametrize(
    ("args", "info", "named"),
    [
        (["--name", "Jane\aDoe"], {}, "name: contains the control character U+0007"),
        ([], {"Author": "Jane \u202eeoD"}, "name: contains the control character U+202E"),
        ([], {"Title": "\u202eTrap"}, "subject: contains the control character U+202E"),
    ],
)
def test_email_draft_applies_the_sender_field_rules(tmp_path, letter, args, info, named):
    (tmp_path / "letter.pdf").write_bytes(with_info(letter, **info))
    result = run(
        "email-draft", tmp_path / "letter.pdf", "--to", "pm", "--email", "jane@example.ca", *args
    )
    assert result.exit_code == 2, result.output
    assert named in result.output and result.output.count("\n") == 1
    assert not (tmp_path / "letter.eml").exists()
