"""Digital signatures (PAdES) with pyHanko: sign a finished letter, verify a signed one.

Signing appends an incremental update to the letter's bytes, so the letter itself (tagged,
deterministic) is kept byte for byte; only the appended signature (field, stamp, CMS, time)
differs between two signings. The visible stamp goes on the signature line, which the letter
marks with the named destination `signature-line` (templates/partials/signature.html.j2).
"""

from __future__ import annotations

import asyncio
import io
import logging
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter, append_signature_field
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStamp, TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ..errors import InputError
from ..i18n import Language, long_date
from ..resources import templates_dir
from .identity import Identity, fingerprint

# Quiet the libraries' own warnings (fontTools on Graphite tables, pyHanko on self-signed
# certificates): our reports say what matters, on one line.
for _name in ("pyhanko", "pyhanko_certvalidator", "fontTools"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False

ANCHOR = "signature-line"
CM = 72 / 2.54
STAMP_WIDTH = 8 * CM  # templates/letter.css: .digital-signature
STAMP_HEIGHT = 1.6 * CM
TIMESTAMP_TIMEOUT = 20


class UnreadablePdf(InputError):
    """Not a PDF, or a PDF pyHanko cannot parse: `letters verify` exits 2 on it."""


def _reader(pdf: bytes) -> PdfFileReader:
    if not pdf.startswith(b"%PDF-"):
        raise UnreadablePdf("file is not a PDF", field="pdf", fix="give a PDF letter")
    try:
        return PdfFileReader(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise UnreadablePdf(
            "PDF is damaged or unreadable", field="pdf", fix="write the letter again"
        ) from exc


# ---------------------------------------------------------------------------------------------
# The visible stamp: "Digitally signed by … on …" in the letter's language, in Charis SIL.


def stamp_text(signer: str, when: datetime, lang: str) -> str:
    """The stamp's words; the time is the real signing time, in UTC."""
    when = when.astimezone(UTC)
    time = f"{when.hour} h {when.minute:02d}" if lang == "fr" else f"{when:%H:%M}"
    # TRANSLATORS: %(date)s is a full date; in French it already starts with "le".
    return Language(lang).gettext(
        "Digitally signed by %(signer)s\non %(date)s at %(time)s (UTC)",
        signer=signer,
        date=long_date(when.date(), lang),
        time=time,
    )


# Latin (with Vietnamese and the other Extended Additional letters), punctuation and the euro.
STAMP_UNICODES = [*range(0x20, 0x250), *range(0x1E00, 0x1F00), *range(0x2000, 0x2070), 0x20AC]
STAMP_FONT_SIZE = 8


@cache
def _stamp_font() -> bytes:
    """Charis SIL cut to the Latin letters and scaled to 1000 units per em.

    pyHanko writes glyph widths as if every font had 1000 units per em; Charis has 2048, which
    spreads the stamp's letters out. Scaling the (subset) font fixes that; it takes about half
    a second, once per process, and only when signing.
    """
    font = TTFont(str(templates_dir() / "fonts" / "CharisSIL-Regular.ttf"))
    options = subset.Options()
    options.layout_features = ["*"]
    options.drop_tables += ["Silf", "Sill", "Glat", "Gloc", "Feat", "Silt"]
    options.name_IDs = ["*"]
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=STAMP_UNICODES)
    cutter.subset(font)
    scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class _StampFont(GlyphAccumulatorFactory):
    """pyHanko's OpenType font factory, fed from memory instead of a file path."""

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_stamp_font()),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )


class _LetterStampStyle(TextStampStyle):
    """A text stamp whose words come from `stamp_text` (pyHanko only knows strftime)."""

    def create_stamp(self, writer, box, text_params: dict) -> TextStamp:
        when = datetime.strptime(text_params["ts"], "%Y-%m-%dT%H:%M:%S%z")
        params = {"text": stamp_text(text_params["signer"], when, text_params["lang"])}
        return TextStamp(writer=writer, style=self, box=box, text_params=params)


def _stamp_style() -> TextStampStyle:
    return _LetterStampStyle(
        stamp_text="%(text)s",
        timestamp_format="%Y-%m-%dT%H:%M:%S%z",
        text_box_style=TextBoxStyle(
            font=_StampFont("CharisSIL-Regular.ttf", STAMP_FONT_SIZE),
            font_size=STAMP_FONT_SIZE,
            leading=STAMP_FONT_SIZE + 2,
        ),
        border_width=1,
        background=None,
    )


# ---------------------------------------------------------------------------------------------
# Signing


class _UrllibTimeStamper(TimeStamper):
    """RFC 3161 over HTTP(S) with the standard library (pyHanko's own client needs `requests`)."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        def post() -> bytes:
            # sign_pdf accepts only http(s) URLs.
            request = urllib.request.Request(  # noqa: S310
                self.url,
                data=req.dump(),
                headers={"Content-Type": "application/timestamp-query"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=TIMESTAMP_TIMEOUT) as response:  # noqa: S310
                    if response.headers.get("Content-Type") != "application/timestamp-reply":
                        raise TimestampRequestError("the server's answer is not a timestamp")
                    return response.read(1024 * 1024)
            except (OSError, urllib.error.URLError) as exc:
                raise TimestampRequestError(f"cannot reach the timestamp server: {exc}") from exc

        return tsp.TimeStampResp.load(await asyncio.to_thread(post))


def _signer(identity: Identity) -> SimpleSigner:
    der = serialization.Encoding.DER
    certificate = asn1_x509.Certificate.load(identity.certificate.public_bytes(der))
    key = asn1_keys.PrivateKeyInfo.load(
        identity.key.private_bytes(
            der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    chain = [asn1_x509.Certificate.load(c.public_bytes(der)) for c in identity.chain]
    return SimpleSigner(
        signing_cert=certificate,
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([certificate, *chain]),
    )


def _page_index(reader: PdfFileReader, page_ref) -> int | None:
    """The number of the page a destination points to, whatever the shape of the page tree."""
    for index in range(int(reader.root["/Pages"]["/Count"])):
        if reader.find_page_for_modification(index)[0].idnum == page_ref.idnum:
            return index
    return None


def stamp_box(reader: PdfFileReader) -> tuple[int, tuple[float, float, float, float]]:
    """Where the stamp goes: the letter's signature line, else the last page's lower left."""
    try:
        names = reader.root["/Names"]["/Dests"]["/Names"]
        for i in range(0, len(names) - 1, 2):
            if str(names[i]) == ANCHOR:
                destination = names[i + 1]
                x, y = destination[2], destination[3]
                index = _page_index(reader, destination.raw_get(0))
                if index is not None:
                    x, y = float(x), float(y)
                    return index, (x, y - STAMP_HEIGHT, x + STAMP_WIDTH, y)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        pass
    last = reader.root["/Pages"]["/Count"] - 1
    return last, (2 * CM, 2 * CM, 2 * CM + STAMP_WIDTH, 2 * CM + STAMP_HEIGHT)


def stamp_alt(signer: str, lang: str) -> str:
    """The stamp's alternative text, for screen readers (PDF/UA: every annotation has one)."""
    return Language(lang).gettext("Digital signature of %(signer)s", signer=signer)


def _tagged_field(pdf: bytes, name: str, page: int, box, alt: str) -> bytes:
    """Add the empty signature field, tagged for PDF/UA, in its own update before signing.

    PDF/UA wants every annotation in the structure tree (a Form element pointing at the widget)
    with alternative text; pyHanko adds the widget but does not tag it. Done in an update of its
    own, this comes before the signature, which then covers it.
    """
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    append_signature_field(writer, SigFieldSpec(sig_field_name=name, on_page=page, box=box))
    field_ref = writer.root["/AcroForm"]["/Fields"].raw_get(-1)
    field = field_ref.get_object()
    field["/TU"] = generic.TextStringObject(alt)
    field["/Contents"] = generic.TextStringObject(alt)
    if "/StructTreeRoot" in writer.root:
        page_ref = writer.find_page_for_modification(page)[0]
        _tag_widget(writer, writer.root["/StructTreeRoot"], field, field_ref, page_ref)
    writer.update_container(field)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _tag_widget(writer, tree, field, field_ref, page_ref) -> None:
    """Hang a Form structure element for the widget under the document's top element."""
    parent_tree = tree["/ParentTree"]
    numbers = parent_tree["/Nums"]
    key = (
        int(tree.get("/ParentTreeNextKey", 0))
        or max((int(numbers[i]) for i in range(0, len(numbers), 2)), default=-1) + 1
    )
    top_ref = tree["/K"].raw_get(0) if isinstance(tree["/K"], generic.ArrayObject) else None
    top_ref = top_ref or tree.raw_get("/K")
    top = top_ref.get_object()
    form = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/StructElem"),
            generic.NameObject("/S"): generic.NameObject("/Form"),
            generic.NameObject("/P"): top_ref,
            generic.NameObject("/Pg"): page_ref,
            generic.NameObject("/Alt"): field["/TU"],
            generic.NameObject("/K"): generic.DictionaryObject(
                {
                    generic.NameObject("/Type"): generic.NameObject("/OBJR"),
                    generic.NameObject("/Obj"): field_ref,
                    generic.NameObject("/Pg"): page_ref,
                }
            ),
        }
    )
    form_ref = writer.add_object(form)
    kids = top["/K"]
    if not isinstance(kids, generic.ArrayObject):
        kids = top["/K"] = generic.ArrayObject([top.raw_get("/K")])
    kids.append(form_ref)
    numbers.extend([generic.NumberObject(key), form_ref])
    tree["/ParentTreeNextKey"] = generic.NumberObject(key + 1)
    field["/StructParent"] = generic.NumberObject(key)
    for container in (top, parent_tree, tree):
        writer.update_container(container)


def _refuse_signed(reader: PdfFileReader) -> None:
    """One constituent, one signature: a second stamp would cover the first on the line."""
    if reader.embedded_signatures:
        raise InputError(
            "the letter is already digitally signed",
            field="pdf",
            fix="sign the unsigned letter, or keep the signed one as it is",
        )


def sign_pdf(
    pdf: bytes, identity: Identity, *, lang: str, timestamp_url: str | None = None
) -> bytes:
    """Sign a finished letter (PAdES B-B; B-T with a timestamp server) with a visible stamp.

    Call it last: anything written into the PDF afterwards shows up as a change after signing.
    """
    with _not_too_deep():
        return _sign(pdf, identity, lang, timestamp_url)


def _sign(pdf: bytes, identity: Identity, lang: str, timestamp_url: str | None) -> bytes:
    reader = _reader(pdf)
    if reader.encrypted:
        raise InputError("PDF is encrypted", field="pdf", fix="give an unencrypted letter")
    timestamper = None
    if timestamp_url:
        if not timestamp_url.startswith(("http://", "https://")):
            raise InputError(
                f"{timestamp_url!r} is not an http(s) URL",
                field="timestamp_url",
                fix="give the URL of an RFC 3161 timestamp server, e.g. http://timestamp.example",
            )
        timestamper = _UrllibTimeStamper(timestamp_url)
    _refuse_signed(reader)
    page, box = stamp_box(reader)
    name = "Signature1"
    alt = stamp_alt(identity.name, lang)
    writer = IncrementalPdfFileWriter(io.BytesIO(_tagged_field(pdf, name, page, box, alt)))
    signer = PdfSigner(
        PdfSignatureMetadata(
            field_name=name,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            name=identity.name,
        ),
        signer=_signer(identity),
        timestamper=timestamper,
        stamp_style=_stamp_style(),
    )
    output = io.BytesIO()
    try:
        signer.sign_pdf(
            writer,
            existing_fields_only=True,
            output=output,
            appearance_text_params={"lang": lang},
        )
    except TimestampRequestError as exc:
        raise InputError(
            f"timestamp failed: {exc}",
            field="timestamp_url",
            fix="check the URL, or sign without --timestamp-url",
        ) from exc
    except SigningError as exc:
        raise InputError(
            f"cannot sign: {exc}", field="sign_with", fix="check the identity"
        ) from exc
    return output.getvalue()


@dataclass(frozen=True)
class PdfInfo:
    """What a letter's PDF says about itself (WeasyPrint writes these from the HTML head)."""

    title: str
    author: str
    lang: str  # "en", "fr"


def pdf_info(pdf: bytes) -> PdfInfo:
    """Title, author and language of a PDF (English when it does not say)."""
    with _not_too_deep():
        return _info(pdf)


def _info(pdf: bytes) -> PdfInfo:
    reader = _reader(pdf)
    info = reader.trailer_view.get("/Info", generic.DictionaryObject())
    info = info.get_object() if isinstance(info, generic.IndirectObject) else info
    tag = str(reader.root.get("/Lang", "en"))
    return PdfInfo(
        title=str(info.get("/Title", "")),
        author=str(info.get("/Author", "")),
        lang=tag.split("-")[0].lower() or "en",
    )


# ---------------------------------------------------------------------------------------------
# Verifying


@dataclass(frozen=True)
class SignatureReport:
    """What `letters verify` says about one signature."""

    field: str
    signer: str
    signing_time: datetime | None
    timestamp_time: datetime | None
    intact: bool  # the signed bytes are those the signer signed, and the maths checks out
    changed_after: str | None  # None, or what was changed after signing
    self_signed: bool
    trusted: bool  # chains to a --trust certificate
    fingerprint: str = ""  # SHA-256 of the signer's certificate

    @property
    def valid(self) -> bool:
        return self.intact and self.changed_after is None


def _changes(reader: PdfFileReader, size: int, signature, status) -> str | None:
    """What was added to the file after the signed bytes, or None when nothing was.

    "Unchanged" means the signature covers the whole file, byte for byte. Anything after it is
    a change, whatever pyHanko's modification policy would tolerate (a form filled in, a second
    signature field, long-term-validation data): any of them can paint over the letter.
    """
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return None
    if status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        return "the signature does not cover its whole revision"
    signed = signature.signed_revision
    if reader.xrefs.total_revisions - 1 <= signed:
        _, len1, _, len2 = signature.byte_range
        extra = size - (len1 + len2 + len(signature.pkcs7_content) * 2 + 2)
        return f"{extra} bytes appended after the signed end of file"
    try:
        added = _added_since(reader, signed)
    except (PdfError, KeyError, TypeError, ValueError, AttributeError, IndexError):
        added = []
    later = reader.xrefs.total_revisions - 1 - signed
    updates = f"{later} update{'s' if later > 1 else ''} after signing"
    return f"{updates}: {'; '.join(added)}" if added else updates


def _added_since(reader: PdfFileReader, revision: int) -> list[str]:
    """The visible things the later revisions add: fields, annotations, page content."""
    before, now = reader.get_historical_root(revision), reader.root
    rewritten = {
        ref
        for later in range(revision + 1, reader.xrefs.total_revisions)
        for ref in reader.xrefs.explicit_refs_in_revision(later)
    }
    added = [f"form field {name!r}" for name in sorted(_fields(now) - _fields(before))]
    old_pages, new_pages = _pages(before), _pages(now)
    if len(old_pages) != len(new_pages):
        added.append(f"page count {len(old_pages)} -> {len(new_pages)}")
    for number, (old, new) in enumerate(zip(old_pages, new_pages, strict=False), 1):
        for subtype in _new_annotations(old, new):
            added.append(f"{subtype} annotation on page {number}")
        if _content_refs(old) != _content_refs(new) or _content_refs(new) & rewritten:
            added.append(f"content of page {number}")
    if not added and rewritten:
        added.append(f"{len(rewritten)} PDF object(s) added or rewritten")
    return added


def _fields(root) -> set[str]:
    names: set[str] = set()

    def walk(fields, prefix: str, depth: int = 0) -> None:
        for field in fields or ():
            field = field.get_object()
            name = f"{prefix}{field.get('/T', '')}"
            names.add(name)
            if "/Kids" in field and depth < 16:
                walk(field["/Kids"], f"{name}.", depth + 1)

    if "/AcroForm" in root:
        walk(root["/AcroForm"].get("/Fields"), "")
    return names


def _pages(root) -> list:
    pages: list = []

    def walk(node, depth: int = 0) -> None:
        if "/Kids" in node and depth < 32:
            for kid in node["/Kids"]:
                walk(kid.get_object(), depth + 1)
        else:
            pages.append(node)

    walk(root["/Pages"])
    return pages


def _raw(dictionary, key: str):
    return dictionary.raw_get(key) if key in dictionary else None


def _refs(array) -> list:
    if array is None:
        return []
    items = array.get_object()
    if not isinstance(items, generic.ArrayObject):
        return [array.reference] if isinstance(array, generic.IndirectObject) else []
    return [items.raw_get(i) for i in range(len(items))]


def _new_annotations(old, new) -> list[str]:
    before = {getattr(ref, "reference", ref) for ref in _refs(_raw(old, "/Annots"))}
    subtypes = []
    for ref in _refs(_raw(new, "/Annots")):
        if getattr(ref, "reference", ref) not in before:
            annotation = ref.get_object() if hasattr(ref, "get_object") else ref
            subtypes.append(str(annotation.get("/Subtype", "/unknown")).lstrip("/"))
    return subtypes


def _content_refs(page) -> set:
    contents = _raw(page, "/Contents")
    if isinstance(contents, generic.IndirectObject):
        target = contents.get_object()
        refs = {contents.reference}
        if isinstance(target, generic.ArrayObject):
            refs |= {getattr(r, "reference", r) for r in _refs(contents)}
        return refs
    return {getattr(r, "reference", r) for r in _refs(contents)}


def verify_pdf(pdf: bytes, trust: tuple[bytes, ...] = ()) -> list[SignatureReport]:
    """Check every signature of a PDF (offline: nothing is fetched from the network)."""
    with _not_too_deep():
        return _verify(pdf, trust)


@contextmanager
def _not_too_deep():
    """pyHanko parses nested arrays and dictionaries by recursion: 20,000 `[` appended to a
    signed file ended `verify` in a RecursionError. Such a file is unreadable, on one line."""
    try:
        yield
    except RecursionError as exc:
        raise UnreadablePdf(
            "PDF holds objects nested too deeply to read",
            field="pdf",
            fix="ask for the file again: no letter is built like this",
        ) from exc


def _verify(pdf: bytes, trust: tuple[bytes, ...]) -> list[SignatureReport]:
    reader = _reader(pdf)
    try:
        signatures = reader.embedded_signatures
    except (PdfError, KeyError, TypeError, ValueError) as exc:
        raise UnreadablePdf(
            "PDF signatures are unreadable", field="pdf", fix="ask for the file again"
        ) from exc
    if not signatures:
        raise UnreadablePdf("PDF has no digital signature", field="pdf", fix="sign it first")
    roots = [_certificate(c) for c in trust]
    reports = []
    for signature in signatures:
        context = ValidationContext(
            trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
        )
        try:
            status = validate_pdf_signature(signature, signer_validation_context=context)
        except Exception:  # noqa: BLE001 pyHanko raises many kinds on a mangled CMS object
            reports.append(_broken(signature))
            continue
        cert = status.signing_cert
        reports.append(
            SignatureReport(
                field=signature.field_name,
                signer=_who(cert),
                signing_time=status.signer_reported_dt,
                timestamp_time=status.timestamp_validity.timestamp
                if status.timestamp_validity
                else None,
                intact=bool(status.intact and status.valid),
                changed_after=_changes(reader, len(pdf), signature, status),
                self_signed=cert.self_signed != "no",
                trusted=bool(status.trusted) and bool(roots),
                fingerprint=fingerprint(cert.dump()),
            )
        )
    return reports


def _who(cert: asn1_x509.Certificate) -> str:
    """ "Jane Doe <jane@example.ca>", from the certificate's subject."""
    subject = cert.subject.native
    name = subject.get("common_name") or cert.subject.human_friendly
    email = subject.get("email_address")
    return f"{name} <{email}>" if email else str(name)


def _broken(signature) -> SignatureReport:
    cert = signature.signer_cert
    return SignatureReport(
        field=signature.field_name,
        signer=_who(cert) if cert else "unknown",
        signing_time=signature.self_reported_timestamp,
        timestamp_time=None,
        intact=False,
        changed_after="the signature itself is damaged",
        self_signed=bool(cert) and cert.self_signed != "no",
        trusted=False,
    )


def _certificate(data: bytes) -> asn1_x509.Certificate:
    from asn1crypto import pem

    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    try:
        return asn1_x509.Certificate.load(data)
    except ValueError as exc:
        raise InputError(
            "not a certificate (PEM or DER)", field="trust", fix="give the CA's certificate"
        ) from exc
