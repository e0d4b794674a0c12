"""letters: personalised, bilingual letters from Canadian constituents, as print-ready PDFs.

The few names a caller needs; each stage lives in its own module (see docs/architecture.md).
"""

from .campaign import Campaign, Demand, load_campaign
from .compose import Letter, compose
from .errors import LettersError
from .i18n import Language, languages
from .pipeline import Setting, letter_bytes, make_letter
from .recipients import Directory, Recipient, load_directory
from .senders import Sender, make_sender
from .version import __version__

__all__ = [
    "Campaign",
    "Demand",
    "Directory",
    "Language",
    "Letter",
    "LettersError",
    "Recipient",
    "Sender",
    "Setting",
    "compose",
    "languages",
    "letter_bytes",
    "load_campaign",
    "load_directory",
    "make_letter",
    "make_sender",
    "__version__",
]
