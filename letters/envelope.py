"""Envelope: a #10 envelope's lines in Canada Post's addressing format.

Canada Post (Canada Postal Guide, Addressing Guidelines): upper case, no punctuation, the province
or territory symbol, two spaces before the postal code, the return address in the upper left
corner, at most 40 characters a line. Mail to a member of the House of Commons (the Prime
Minister and ministers included), addressed in Canada, is free of postage under the Canada Post
Corporation Act, s. 35(2)(b) and (4) (Canada Post's "Mail to Members of Parliament"; a citizen's
letter is not the government's mail), so that notice goes where a stamp would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Punctuation Canada Post leaves out; hyphens and apostrophes stay (they belong to names such as
# SAINT-JEAN-SUR-RICHELIEU or L'HONORABLE).
_PUNCTUATION = re.compile(r"[.,;:!?()\"«»“”#]")


@dataclass(frozen=True)
class Envelope:
    return_lines: tuple[str, ...]
    address_lines: tuple[str, ...]
    postage_free: bool
    postage_notice: str | None  # e.g. "POSTAGE FREE", where the stamp goes
    postage_source: str | None  # the law that makes it free, in small print


def canada_post_line(text: str) -> str:
    """One address line as Canada Post wants it: upper case, no punctuation, single spaces."""
    return " ".join(_PUNCTUATION.sub("", text).upper().split())


def canada_post_city_line(city: str, province_code: str, postal_code: str) -> str:
    """ "OTTAWA ON  K1A 0A6": municipality, symbol, two spaces, postal code."""
    return f"{canada_post_line(city)} {province_code}  {postal_code}"


# Canada Post's addressing guidelines: at most 40 characters a line.
LINE_LENGTH = 40


def fits_envelope(line: str) -> bool:
    """Whether a line prints on one envelope line without losing its sense: short enough, and
    no comma that Canada Post's unpunctuated capitals would drop."""
    return "," not in line and len(canada_post_line(line)) <= LINE_LENGTH
