"""Getting a letter to its recipient: the signature image, digital signing, the signer's
identity, the email draft, and sending by email (SMTP, confirmation tokens).

Built on the pipeline: `signature` reads and cleans a handwritten signature image, `identity`
makes and opens a signer's certificate, `signing` signs and verifies a PDF with pyHanko,
`email_draft` writes the .eml that carries a letter, `mail` sends letters through the
operator's mail server, `tokens` signs and checks the web page's confirmation codes. Used by
`letters write`, `letters sign`, `letters verify`, `letters email` (letters/cli/), the batch (a
signature per supporter, `letters send`) and the web page (a drawn signature, a mailto draft,
"Send it for me").
"""

from ..exports import lazy_exports

_EXPORTS = {
    "Draft": "email_draft",
    "address": "email_draft",
    "attachment_name": "email_draft",
    "email_message": "email_draft",
    "KEY_TYPES": "identity",
    "MAX_P12_BYTES": "identity",
    "Identity": "identity",
    "check_passphrase": "identity",
    "create_identity": "identity",
    "load_identity": "identity",
    "read_passphrase_file": "identity",
    "Answer": "mail",
    "MailServer": "mail",
    "Posting": "mail",
    "deliver": "mail",
    "office_message": "mail",
    "operator_address": "mail",
    "SpentIds": "tokens",
    "TokenKeys": "tokens",
    "TokenRefused": "tokens",
    "FIX": "signature",
    "MAX_BYTES": "signature",
    "prepare_signature": "signature",
    "prepare_photo": "signature",
    "PreparedSignature": "signature",
    "UPLOAD": "signature",
    "read_signature": "signature",
    "signature_from_folder": "signature",
    "SignatureReport": "signing",
    "pdf_info": "signing",
    "sign_pdf": "signing",
    "verify_pdf": "signing",
}
__all__ = sorted(_EXPORTS)


# Exports load their module on first use, so importing the package costs nothing: signing brings in pyHanko.
__getattr__ = lazy_exports(__name__, _EXPORTS)
