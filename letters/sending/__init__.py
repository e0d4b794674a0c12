"""Getting a letter to its recipient: the signature image, digital signing, the signer's
identity and the email draft.

Built on the pipeline: `signature` reads and cleans a handwritten signature image, `identity`
makes and opens a signer's certificate, `signing` signs and verifies a PDF with pyHanko,
`email_draft` writes the .eml that carries a letter. Used by `letters write`, `letters sign`,
`letters verify`, `letters email` (letters/cli/), the batch (a signature per supporter) and the
web page (a drawn signature, a mailto draft).
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
    "FIX": "signature",
    "MAX_BYTES": "signature",
    "prepare_signature": "signature",
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
