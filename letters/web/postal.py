"""A postal code as people type it: obvious slips corrected, the rest explained in one sentence.

`read_postal_code("t2t ob4")` gives `T2T 0B4` and says it corrected it; "T2T BB4" gives the
sentence "the 5th character should be a digit" rather than the whole postal-code rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import translatable

# A letter O typed for a zero, a capital I for a one: only where a digit belongs.
DIGIT_SLIPS = {"O": "0", "I": "1"}
NEVER = set("DFIOQU")
ORDINALS = (
    translatable("1st"),
    translatable("2nd"),
    translatable("3rd"),
    translatable("4th"),
    translatable("5th"),
    translatable("6th"),
)
# The province or territory of each first letter (Canada Post); X is NT or NU, so it says none.
FIRST_LETTER_PROVINCE = {
    "A": "NL", "B": "NS", "C": "PE", "E": "NB", "G": "QC", "H": "QC", "J": "QC", "K": "ON",
    "L": "ON", "M": "ON", "N": "ON", "P": "ON", "R": "MB", "S": "SK", "T": "AB", "V": "BC",
    "Y": "YT",
}  # fmt: skip


@dataclass(frozen=True)
class PostalReading:
    """The code as `A1A 1A1` when it can be read, whether slips were corrected, else why not."""

    code: str | None
    corrected: bool = False
    problem: str | None = None  # an English sentence for gettext, filled with `values`
    values: tuple[tuple[str, str], ...] = ()

    @property
    def province(self) -> str | None:
        return FIRST_LETTER_PROVINCE.get(self.code[0]) if self.code else None


def read_postal_code(text: str) -> PostalReading:
    compact = "".join(ch for ch in text.upper() if not ch.isspace() and ch != "-")
    if not compact:
        return PostalReading(None, problem=translatable("Enter your postal code, like K1A 0A6."))
    if len(compact) != 6:
        return PostalReading(
            None,
            problem=translatable("Check the postal code: it has 6 characters, like K1A 0A6."),
        )
    fixed = "".join(
        DIGIT_SLIPS.get(ch, ch) if position % 2 else ch for position, ch in enumerate(compact)
    )
    for position, ch in enumerate(fixed):
        wants_digit = position % 2 == 1
        if wants_digit and not ch.isdigit():
            return _bad(
                translatable("Check the postal code: the %(nth)s character should be a digit."),
                position,
            )
        if not wants_digit and not ("A" <= ch <= "Z"):
            return _bad(
                translatable("Check the postal code: the %(nth)s character should be a letter."),
                position,
            )
        if not wants_digit and ch in NEVER:
            return PostalReading(
                None,
                problem=translatable(
                    "Check the postal code: no postal code uses the letters D, F, I, O, Q or U."
                ),
            )
    if fixed[0] in "WZ":
        return PostalReading(
            None, problem=translatable("Check the postal code: none starts with W or Z.")
        )
    code = f"{fixed[:3]} {fixed[3:]}"
    return PostalReading(code, corrected=fixed != compact)


def _bad(sentence: str, position: int) -> PostalReading:
    return PostalReading(None, problem=sentence, values=(("nth", ORDINALS[position]),))
