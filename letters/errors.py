"""One error hierarchy: every failure a user can fix names the field, the row and the fix."""

from __future__ import annotations


class LettersError(Exception):
    """A problem the user can fix; the CLI prints it on one line and exits with status 2."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        row: int | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.row = row
        self.fix = fix

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
