"""One error hierarchy: every failure a user can fix names the field, the row and the fix."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping

# Characters that move the cursor, hide or reorder text, or end a line on a terminal or in a
# log: controls (ESC, CR, LF, BEL…), format characters (bidi overrides, zero-width), line and
# paragraph separators, lone surrogates.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def visible(text: str, backslashes: bool = True) -> str:
    """Text from outside (a certificate's name, a PDF's metadata) safe to print on one line:
    every control or invisible character is shown as an escape (`\\x1b`, `\\u202e`), and a
    backslash as `\\\\` (unless `backslashes` is False), so what is printed cannot pass for what
    the tool itself prints."""
    out = []
    for char in text:
        if char == "\\" and backslashes:
            out.append("\\\\")
        elif unicodedata.category(char) in _HIDDEN_CATEGORIES:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def translatable(message: str) -> str:
    """Mark an English message or fix for extraction (`letters i18n extract`).

    The CLI prints it in English; a caller speaking another language (the web page) translates
    `error.template` / `error.fix_template` and fills in `error.values` itself.
    """
    return message


def english_number(value: int) -> str:
    return f"{value:,}"


def fill(
    template: str, values: Mapping[str, object], number: Callable[[int], str] = english_number
) -> str:
    """Fill `%(name)s` placeholders; integers are formatted for the reader's language."""
    if not values:
        return template
    return template % {
        key: number(value) if isinstance(value, int) else value for key, value in values.items()
    }


class LettersError(Exception):
    """A problem the user can fix; the CLI prints it on one line and exits with status 2."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        row: int | None = None,
        fix: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        self.values = dict(values or {})
        self.template = message
        self.fix_template = fix
        self.message = fill(message, self.values)
        super().__init__(self.message)
        self.field = field
        self.row = row
        self.fix = fill(fix, self.values) if fix else fix

    @property
    def cause(self) -> str:
        """What went wrong without what belongs to one row (its values): errors with the same
        cause are counted together (the batch's summary)."""
        text = re.sub(r"%\(\w+\)s", "…", self.template) if self.values else self.message
        return f"{self.field}: {text}" if self.field else text

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(self.field)
        text = f"{': '.join(where)}: {self.message}" if where else self.message
        return f"{text}; fix: {self.fix}" if self.fix else text


class CampaignError(LettersError):
    """A campaign file is missing, malformed or refers to something unknown."""


class InputError(LettersError):
    """A sender's field (name, postal code, note, signature…) is invalid."""


class DirectoryError(LettersError):
    """A recipient cannot be found, or the directory data is malformed."""


class TranslationError(LettersError):
    """A catalog is missing or incomplete for the letter's language."""
