"""Digital signatures: identities, PAdES signing with a visible stamp, verification, tampering."""

from __future__ import annotations

import io
import sys
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pypdf import PdfReader

from letters.cli import main
from letters.errors import InputError
from letters.sending import create_identity, load_identity
from letters.sending.signing import STAMP_HEIGHT, STAMP_WIDTH, sign_pdf, stamp_text, verify_pdf

PASS = b"correct horse battery"
NOW = datetime.now(UTC)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(subject, issuer, key, issuer_key, *, ca=False, start=None, days=365, eku=None):
    start = start or NOW - timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _p12(key, cert, chain=()) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        b"test", key, cert, list(chain) or None, serialization.BestAvailableEncryption(PASS)
    )


@pytest.fixture(scope="session")
def pki():
    """A CA, a constituent certified by it, an expired one, and a TSA: built in the test run."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("Test Civic CA", "Test Civic CA", ca_key, ca_key, ca=True, days=3650)
    user_key = ec.generate_private_key(ec.SECP256R1())
    user = _certificate("Jeanne Tremblay", "Test Civic CA", user_key, ca_key)
    old_key = ec.generate_private_key(ec.SECP256R1())
    expired = _certificate(
        "Old Cert", "Test Civic CA", old_key, ca_key, start=NOW - timedelta(days=800), days=730
    )
    tsa_key = rsa.generate_private_key(
        public_exponent=65537, key_size=2048
    )  # pyHanko's is RSA-only
    tsa = _certificate(
        "Test TSA", "Test Civic CA", tsa_key, ca_key, eku=[ExtendedKeyUsageOID.TIME_STAMPING]
    )
    pem = serialization.Encoding.PEM
    return {
        "ca_pem": ca.public_bytes(pem),
        "user_p12": _p12(user_key, user, [ca]),
        "expired_p12": _p12(old_key, expired, [ca]),
        "certs_only_p12": pkcs12.serialize_key_and_certificates(
            b"test", None, None, [user, ca], serialization.BestAvailableEncryption(PASS)
        ),
        "self_p12": create_identity("Heather Lim", "heather@example.ca", PASS),
        "tsa": (tsa_key, tsa, ca),
    }


@pytest.fixture(scope="session")
def unsigned(letter_pdf):
    return letter_pdf("fr", "mp:edmonton-strathcona")


@pytest.fixture(scope="session")
def signed(pki, unsigned):
    return sign_pdf(unsigned, load_identity(pki["user_p12"], PASS), lang="fr")


@pytest.fixture
def files(tmp_path, pki, unsigned, signed):
    (tmp_path / "pass.txt").write_bytes(PASS + b"\n")
    (tmp_path / "wrong.txt").write_bytes(b"not the passphrase\n")
    for name in ("user_p12", "expired_p12", "certs_only_p12", "self_p12"):
        (tmp_path / f"{name[:-4]}.p12").write_bytes(pki[name])
    (tmp_path / "ca.pem").write_bytes(pki["ca_pem"])
    (tmp_path / "letter.pdf").write_bytes(unsigned)
    (tmp_path / "signed.pdf").write_bytes(signed)
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# --- identities -----------------------------------------------------------------------------


@pytest.mark.parametrize(("key_type", "size"), [("ec", 256), ("rsa", 3072)])
def test_created_identity_is_a_two_year_signing_certificate(key_type, size):
    identity = load_identity(
        create_identity("Jane Doe", "jane@example.ca", PASS, key_type=key_type), PASS
    )
    cert = identity.certificate
    assert identity.name == "Jane Doe"
    assert cert.public_key().key_size == size
    assert cert.issuer == cert.subject  # self-signed
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert timedelta(days=729) < lifetime < timedelta(days=731)


def test_identity_create_cli_writes_a_private_p12_and_refuses_to_overwrite(tmp_path):
    (tmp_path / "pass.txt").write_bytes(PASS + b"\n")
    out = tmp_path / "me.p12"
    args = ["identity", "create", "--name", "Jane Doe", "--email", "jane@example.ca", "-o", out]
    result = run(*args, "--passphrase-file", tmp_path / "pass.txt")
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o077 == 0
    identity = load_identity(out.read_bytes(), PASS)
    assert identity.name == "Jane Doe"
    assert f"Fingerprint (SHA-256): {identity.fingerprint}" in result.output
    assert len(identity.fingerprint) == 95
    again = run(*args, "--passphrase-file", tmp_path / "pass.txt")
    assert again.exit_code == 2 and "already exists" in again.output


def test_identity_create_refuses_a_short_passphrase(tmp_path):
    (tmp_path / "pass.txt").write_bytes(b"short\n")
    out = tmp_path / "me.p12"
    result = run(
        "identity", "create", "--name", "J", "--email", "j@example.ca", "-o", out,
        "--passphrase-file", tmp_path / "pass.txt",
    )  # fmt: skip
    assert result.exit_code == 2 and "passphrase" in result.output and not out.exists()


def test_identity_create_without_terminal_or_file_says_how(tmp_path):
    result = run(
        "identity", "create", "--name", "J", "--email", "j@example.ca", "-o", tmp_path / "x.p12"
    )
    assert result.exit_code == 2 and "--passphrase-file or --passphrase-env" in result.output


def test_identity_create_takes_the_passphrase_env_its_error_suggests(tmp_path, monkeypatch):
    monkeypatch.setenv("JANE_PASSPHRASE", PASS.decode())
    out = tmp_path / "me.p12"
    result = run(
        "identity", "create", "--name", "Jane Doe", "--email", "jane@example.ca", "-o", out,
        "--passphrase-env", "JANE_PASSPHRASE",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert load_identity(out.read_bytes(), PASS).name == "Jane Doe"


# --- signing --------------------------------------------------------------------------------


def test_signed_letter_keeps_the_letter_bytes_and_stays_tagged(unsigned, signed):
    assert signed.startswith(unsigned)  # incremental update: the letter itself is untouched
    root = PdfReader(io.BytesIO(signed)).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert str(root["/Lang"]) == "fr-CA"


def test_signature_widget_is_tagged_with_alternative_text(signed):
    """PDF/UA: the widget is in the structure tree (Form + OBJR) and has alternative text."""
    reader = PdfReader(io.BytesIO(signed))
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    (widget_ref,) = [
        a
        for page in reader.pages
        for a in page.get("/Annots", ())
        if a.get_object().get("/FT") == "/Sig"
    ]
    widget = widget_ref.get_object()
    assert widget["/Contents"] == widget["/TU"] == "Signature numérique de Jeanne Tremblay"
    numbers = tree["/ParentTree"].get_object()["/Nums"]
    parents = dict(zip(numbers[::2], numbers[1::2], strict=True))
    form = parents[widget["/StructParent"]].get_object()
    assert form["/S"] == "/Form" and form["/Alt"] == widget["/Contents"]
    assert form["/K"]["/Type"] == "/OBJR"
    assert form["/K"].raw_get("/Obj").idnum == widget_ref.idnum
    assert form in [k.get_object() for k in tree["/K"][0].get_object()["/K"]]
    assert int(tree["/ParentTreeNextKey"]) == max(parents) + 1


def test_stamp_sits_on_the_signature_line(unsigned, signed):
    before = PdfReader(io.BytesIO(unsigned))
    page_ref, _, x, y = before.trailer["/Root"]["/Names"]["/Dests"]["/Names"][1][:4]
    reader = PdfReader(io.BytesIO(signed))
    widgets = [
        (number, a.get_object())
        for number, page in enumerate(reader.pages)
        for a in page.get("/Annots", ())
        if a.get_object().get("/FT") == "/Sig"
    ]
    assert len(widgets) == 1
    number, widget = widgets[0]
    assert reader.pages[number].indirect_reference.idnum == page_ref.idnum
    rect = [float(v) for v in widget["/Rect"]]
    expected = [float(x), float(y) - STAMP_HEIGHT, float(x) + STAMP_WIDTH, float(y)]
    assert rect == pytest.approx(expected, abs=0.01)
    assert "/AP" in widget


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Digitally signed by Heather Lim\non February 1, 2026 at 09:05 (UTC)"),
        ("fr", "Signé numériquement par Heather Lim\nle 1er février 2026 à 9 h 05 (UTC)"),
    ],
)
def test_stamp_words_in_the_letter_language(lang, text):
    assert stamp_text("Heather Lim", datetime(2026, 2, 1, 9, 5, tzinfo=UTC), lang) == text


def test_two_signings_differ_only_after_the_letter(pki, unsigned):
    identity = load_identity(pki["self_p12"], PASS)
    first, second = (sign_pdf(unsigned, identity, lang="fr") for _ in range(2))
    assert first[: len(unsigned)] == second[: len(unsigned)] == unsigned


def test_verify_valid_and_trusted_with_the_ca(files):
    result = run("verify", files / "signed.pdf", "--trust", files / "ca.pem")
    assert result.exit_code == 0, result.output
    assert 'signature "Signature1": VALID' in result.output
    assert "signer: Jeanne Tremblay" in result.output
    assert "intact: yes" in result.output
    assert "changed after signing: no" in result.output
    assert "trusted: yes" in result.output


def test_verify_without_trust_reports_but_accepts(files):
    result = run("verify", files / "signed.pdf")
    assert result.exit_code == 0, result.output
    assert "trusted: not checked" in result.output


def test_self_signed_is_reported_as_such_not_as_an_error(files):
    signed = run("sign", files / "letter.pdf", "--with", files / "self.p12",
                 "--passphrase-file", files / "pass.txt", "-o", files / "self-signed.pdf")  # fmt: skip
    assert signed.exit_code == 0, signed.output
    result = run("verify", files / "self-signed.pdf")
    assert result.exit_code == 0, result.output
    assert "signer: Heather Lim <heather@example.ca>" in result.output
    fingerprint = load_identity((files / "self.p12").read_bytes(), PASS).fingerprint
    assert f"certificate fingerprint (SHA-256): {fingerprint}" in result.output
    assert "trusted: self-signed" in result.output


def test_self_signed_against_a_trust_list_exits_1(files):
    run("sign", files / "letter.pdf", "--with", files / "self.p12",
        "--passphrase-file", files / "pass.txt", "-o", files / "self-signed.pdf")  # fmt: skip
    result = run("verify", files / "self-signed.pdf", "--trust", files / "ca.pem")
    assert result.exit_code == 1 and "intact: yes" in result.output


def test_flipping_one_signed_byte_is_reported(files, unsigned, signed):
    stream = signed.index(b"stream\n", 1000) + 20  # inside the first page's compressed content
    assert stream < len(unsigned)
    tampered = bytearray(signed)
    tampered[stream] ^= 0x01
    (files / "tampered.pdf").write_bytes(bytes(tampered))
    result = run("verify", files / "tampered.pdf")
    assert result.exit_code == 1
    assert "INVALID" in result.output and "intact: NO" in result.output
    # The change is inside the signed bytes: it was made after signing, and verify says so.
    assert "changed after signing: no" not in result.output
    assert "changed after signing: yes, inside the signed part" in result.output


def test_incremental_update_after_signing_is_reported(files, signed):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0]
    page_ref = writer.root["/Pages"]["/Kids"].raw_get(0)
    contents = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 30 Tf (PAID) Tj ET"))
    page["/Contents"] = generic.ArrayObject([page.raw_get("/Contents"), contents])
    writer.update_container(page)
    writer.mark_update(page_ref)
    out = io.BytesIO()
    writer.write(out)
    (files / "updated.pdf").write_bytes(out.getvalue())
    reports = verify_pdf(out.getvalue())
    assert reports[0].intact and reports[0].changed_after
    result = run("verify", files / "updated.pdf")
    assert result.exit_code == 1
    assert "intact: yes" in result.output
    assert "changed after signing: 1 update after signing: content of page 1" in result.output


def _incremental(signed: bytes, change) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _unsigned_signature_field(writer) -> None:
    """The attack: an empty signature field whose appearance paints a box over page 1."""
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    append_signature_field(
        writer,
        SigFieldSpec(
            sig_field_name="Overlay",
            on_page=0,
            box=(50, 400, 550, 700),
            empty_field_appearance=True,
        ),
    )


def _free_text(writer) -> None:
    from pyhanko.pdf_utils import generic

    page_ref = writer.root["/Pages"]["/Kids"].raw_get(0)
    page = page_ref.get_object()
    note = writer.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
                generic.NameObject("/Rect"): generic.ArrayObject(
                    [generic.NumberObject(n) for n in (50, 50, 300, 100)]
                ),
                generic.NameObject("/Contents"): generic.TextStringObject("PAID"),
                generic.NameObject("/DA"): generic.TextStringObject("/Helv 12 Tf 0 g"),
            }
        )
    )
    annots = page.get("/Annots", generic.ArrayObject())
    page["/Annots"] = (
        generic.ArrayObject([*annots, note]) if annots else generic.ArrayObject([note])
    )
    writer.update_container(page)
    writer.mark_update(page_ref)


def _metadata_only(writer) -> None:
    from pyhanko.pdf_utils import generic

    info = writer.add_object(
        generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject("x")})
    )
    writer.trailer["/Info"] = info


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (_unsigned_signature_field, "form field 'Overlay'; Widget annotation on page 1"),
        (_free_text, "FreeText annotation on page 1"),
        (_metadata_only, "1 update after signing"),
    ],
    ids=["unsigned-signature-field", "free-text", "any-new-revision"],
)
def test_any_revision_after_signing_is_a_change_named_in_verify(files, signed, change, named):
    (files / "changed.pdf").write_bytes(_incremental(signed, change))
    result = run("verify", files / "changed.pdf")
    assert result.exit_code == 1, result.output
    assert "intact: yes" in result.output
    assert named in result.output
    assert "changed after signing: no" not in result.output


def test_bytes_appended_after_eof_are_a_change(files, signed):
    (files / "tail.pdf").write_bytes(signed + b"\n% anything at all\n")
    result = run("verify", files / "tail.pdf")
    assert result.exit_code == 1
    assert "bytes appended after the signed end of file" in result.output


def test_a_letter_rewritten_by_pikepdf_is_not_valid(files, signed):
    import pikepdf

    with pikepdf.open(io.BytesIO(signed)) as pdf:
        pdf.pages[0].Annots = pdf.make_indirect(
            pikepdf.Array(
                [
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Square, Rect=[0, 0, 600, 800]
                    )
                ]
            )
        )
        out = io.BytesIO()
        pdf.save(out)
    (files / "rewritten.pdf").write_bytes(out.getvalue())
    result = run("verify", files / "rewritten.pdf")
    assert result.exit_code == 1
    assert "VALID" not in result.output.replace("INVALID", "")


def test_a_signed_letter_as_signed_is_unchanged(files):
    result = run("verify", files / "signed.pdf")
    assert "changed after signing: no" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a pdf", "not a PDF"), (None, "no digital signature")],
)
def test_verify_exit_2_for_not_a_pdf_or_unsigned(files, content, message):
    path = files / "letter.pdf"
    if content is not None:
        path.write_bytes(content)
    result = run("verify", path)
    assert result.exit_code == 2 and message in result.output
    assert result.output.count("\n") == 1


WRITE = [
    "write", "--campaign", "end-ice-contracts", "--date", "2026-02-01", "--to", "pm",
    "--lang", "en", "--name", "Heather Lim", "--street", "10234 82 Avenue NW",
    "--city", "Edmonton", "--province", "AB", "--postal-code", "T6E 1Z8",
]  # fmt: skip


@pytest.mark.parametrize(
    ("identity", "passphrase", "message"),
    [
        ("user", "wrong.txt", "wrong passphrase"),
        ("expired", "pass.txt", "certificate expired on"),
        ("certs_only", "pass.txt", "holds no private key"),
    ],
)
@pytest.mark.parametrize("command", ["write", "sign"])
def test_unusable_identity_one_line_exit_2_no_output(files, command, identity, passphrase, message):
    out = files / "out.pdf"
    common = ["--passphrase-file", files / passphrase, "-o", out]
    if command == "write":
        result = run(*WRITE, "--sign-with", files / f"{identity}.p12", *common)
    else:
        result = run("sign", files / "letter.pdf", "--with", files / f"{identity}.p12", *common)
    assert result.exit_code == 2
    assert message in result.output and result.output.count("\n") == 1
    assert not out.exists()


def test_write_sign_with_passphrase_env_signs_the_letter(files, monkeypatch):
    monkeypatch.setenv("LETTERS_TEST_PASSPHRASE", PASS.decode())
    out = files / "out.pdf"
    result = run(*WRITE, "--sign-with", files / "user.p12", "--passphrase-env",
                 "LETTERS_TEST_PASSPHRASE", "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    report = verify_pdf(out.read_bytes())[0]
    assert report.valid and report.signer.startswith("Jeanne Tremblay")


def test_signing_a_signed_letter_again_is_refused(pki, signed):
    with pytest.raises(InputError, match="already digitally signed"):
        sign_pdf(signed, load_identity(pki["user_p12"], PASS), lang="fr")


# --- RFC 3161 timestamp (PAdES B-T) from a server on 127.0.0.1 ------------------------------


@pytest.fixture
def tsa_url(pki):
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    key, cert, ca = pki["tsa"]
    der = serialization.Encoding.DER
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
        certs_to_embed=None,
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    server.shutdown()
    server.server_close()


def test_timestamp_url_adds_an_rfc3161_timestamp(files, tsa_url):
    out = files / "stamped.pdf"
    result = run("sign", files / "letter.pdf", "--with", files / "user.p12",
                 "--passphrase-file", files / "pass.txt", "--timestamp-url", tsa_url, "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    report = verify_pdf(out.read_bytes())[0]
    assert report.valid and report.timestamp_time is not None
    assert abs(report.timestamp_time - datetime.now(UTC)) < timedelta(minutes=5)
    shown = run("verify", out)
    assert "timestamp: " in shown.output and shown.exit_code == 0


def test_unreachable_timestamp_server_one_line_no_output(files):
    out = files / "stamped.pdf"
    result = run("sign", files / "letter.pdf", "--with", files / "user.p12",
                 "--passphrase-file", files / "pass.txt",
                 "--timestamp-url", "http://127.0.0.1:9/tsa", "-o", out)  # fmt: skip
    assert result.exit_code == 2 and "timestamp" in result.output and not out.exists()


def test_write_signed_eml_attaches_the_signed_letter(files):
    from email import policy
    from email.parser import BytesParser

    out = files / "letter.eml"
    result = run(*WRITE, "--email", "heather@example.ca", "--sign-with", files / "user.p12",
                 "--passphrase-file", files / "pass.txt", "--format", "eml", "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    message = BytesParser(policy=policy.default).parsebytes(out.read_bytes())
    (attachment,) = list(message.iter_attachments())
    assert verify_pdf(attachment.get_content())[0].valid


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--timestamp-url", "http://127.0.0.1:9/"], "--timestamp-url needs --sign-with"),
        (["--sign-with", "x.p12", "--format", "text"], "need a PDF"),
        (["--envelope", "--format", "html"], "need a PDF"),
    ],
)
def test_write_refuses_signing_options_that_cannot_apply(tmp_path, options, message):
    out = tmp_path / "out"
    result = run(*WRITE, *options, "-o", out)
    assert result.exit_code == 2 and message in result.output and not out.exists()


def test_identity_create_asks_the_passphrase_twice_on_a_terminal(tmp_path):
    """The real command on a pseudo-terminal, as a constituent types it."""
    import os
    import pty
    import shutil
    import time

    letters = shutil.which("letters") or str(Path(sys.executable).with_name("letters"))
    out = tmp_path / "me.p12"
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real CLI, on the terminal
        os.execv(letters, ["letters", "identity", "create", "--name", "Jane Doe",
                           "--email", "jane@example.ca", "-o", str(out)])  # fmt: skip
    seen = b""

    def answer(prompt: bytes, text: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while prompt not in seen and time.monotonic() < deadline:
            seen += os.read(fd, 1024)
        os.write(fd, text)

    answer(b"Passphrase:", PASS + b"\n")
    answer(b"Repeat the passphrase:", PASS + b"\n")
    while True:  # everything the terminal shows, up to the end
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    assert PASS not in seen and b"Fingerprint (SHA-256):" in seen  # hidden input: never echoed
    assert load_identity(out.read_bytes(), PASS).name == "Jane Doe"
