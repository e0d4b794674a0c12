"""Identities: a personal certificate and key in a passphrase-protected PKCS#12 file (.p12).

`create_identity` makes a self-signed one for constituents who have none; `load_identity` opens
any .p12 (self-signed or issued by a certificate authority) and checks it can sign today.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from ..errors import InputError
from ..senders import EMAIL, refuse_controls

KEY_TYPES = ("rsa", "ec")
VALIDITY = timedelta(days=730)
MIN_PASSPHRASE = 8
MAX_P12_BYTES = 1024 * 1024
# id-kp-documentSigning (RFC 9336): the certificate is meant for signing documents.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")


@dataclass(frozen=True)
class Identity:
    """A private key and its certificate chain, ready to sign."""

    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate.public_bytes(serialization.Encoding.DER))

    @property
    def name(self) -> str:
        names = self.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.certificate.subject.rfc4514_string()


def check_passphrase(passphrase: bytes) -> bytes:
    """Refuse a passphrase the PKCS#12 code cannot take, saying nothing of what it holds.

    OpenSSL reads a passphrase as a C string: a NUL byte in it made `cryptography` panic with the
    passphrase's bytes in the message, in the terminal and in CI logs.
    """
    if b"\0" in passphrase:
        raise InputError(
            "contains a NUL (zero) byte, which a .p12 passphrase cannot hold",
            field="passphrase",
            fix="write the passphrase as one line of plain text (a text editor, not a binary file)",
        )
    return passphrase


def create_identity(
    name: str,
    email: str,
    passphrase: bytes,
    *,
    key_type: str = "ec",
    now: datetime | None = None,
) -> bytes:
    """A self-signed signing certificate (2 years) and its new key, as encrypted PKCS#12 bytes.

    ECDSA P-256 by default (small, fast); RSA 3072 for software that wants RSA.
    """
    # The sender-field rules: a name or address in a certificate is shown by every PDF reader
    # and by `letters verify`, so no control or bidi override may hide or reorder it.
    refuse_controls(name, "name", None)
    refuse_controls(email, "email", None)
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise InputError("is required (at most 120 characters)", field="name", fix="give your name")
    if not EMAIL.match(email or ""):
        raise InputError(
            f"invalid email {email!r}", field="email", fix="write it as name@example.ca"
        )
    check_passphrase(passphrase)
    if len(passphrase) < MIN_PASSPHRASE:
        raise InputError(
            f"is shorter than {MIN_PASSPHRASE} characters",
            field="passphrase",
            fix="choose a longer passphrase (a few words are easy to remember)",
        )
    if key_type not in KEY_TYPES:
        raise InputError(f"unknown key type {key_type!r}", field="key", fix="use rsa or ec")
    key = (
        ec.generate_private_key(ec.SECP256R1())
        if key_type == "ec"
        else rsa.generate_private_key(public_exponent=65537, key_size=3072)
    )
    start = (now or datetime.now(UTC)).replace(microsecond=0)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, email),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start - timedelta(minutes=5))
        .not_valid_after(start + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
            critical=False,
        )
        .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        name.encode("utf-8"),
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(passphrase),
    )


def load_identity(
    data: bytes, passphrase: bytes | None, *, now: datetime | None = None
) -> Identity:
    """Open a .p12 file; refuse it (one clear line) if it cannot sign a letter today."""
    fix_file = (
        "give the .p12 file made by `letters identity create` or by your certificate authority"
    )
    if len(data) > MAX_P12_BYTES:
        raise InputError("file is too large to be an identity", field="sign_with", fix=fix_file)
    check_passphrase(passphrase or b"")
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(data, passphrase or None)
    except (ValueError, TypeError) as exc:
        raise InputError(
            "wrong passphrase, or not a PKCS#12 (.p12) file",
            field="passphrase",
            fix="check the passphrase; " + fix_file,
        ) from exc
    if key is None:
        raise InputError(
            "the identity file holds no private key (only certificates)",
            field="sign_with",
            fix="export the certificate WITH its private key, or " + fix_file[5:],
        )
    if certificate is None:
        raise InputError("the identity file holds no certificate", field="sign_with", fix=fix_file)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise InputError(
            "only RSA and ECDSA keys can sign",
            field="sign_with",
            fix="use an RSA or ECDSA identity",
        )
    when = now or datetime.now(UTC)
    if certificate.not_valid_after_utc < when:
        raise InputError(
            f"the certificate expired on {certificate.not_valid_after_utc:%Y-%m-%d}",
            field="sign_with",
            fix="renew it, or make a new one with `letters identity create`",
        )
    if certificate.not_valid_before_utc > when:
        raise InputError(
            f"the certificate is valid only from {certificate.not_valid_before_utc:%Y-%m-%d}",
            field="sign_with",
            fix="check your computer's clock",
        )
    identity = Identity(key=key, certificate=certificate, chain=tuple(extra or ()))
    try:  # the name is printed in the letter's stamp: the sender-field rules hold for it too
        refuse_controls(identity.name, "sign_with", None)
    except InputError as error:
        raise InputError(
            f"the certificate's name {error.message}",
            field="sign_with",
            fix="use a certificate whose name is plain text, e.g. one from "
            "`letters identity create`",
        ) from error
    return identity


def fingerprint(certificate_der: bytes) -> str:
    """SHA-256 of the certificate, as AB:CD:…: what a recipient compares by phone or in person."""
    digest = hashlib.sha256(certificate_der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def read_passphrase_file(path: str) -> bytes:
    """The first line of a file (for scripts and tests), without its line ending."""
    try:
        with open(path, "rb") as file:
            line = file.read(4096).splitlines()
    except OSError as exc:
        raise InputError(
            f"{path}: cannot read", field="passphrase_file", fix="give a readable file"
        ) from exc
    return line[0] if line else b""
