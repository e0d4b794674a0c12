"""Variants: which of the campaign's alternative wordings each supporter's letter uses.

Offices discount identical form letters, so a campaign may word its opening, each demand and its
closing request in several ways. The choice is derived from the supporter's identity (normalised
name and postal code) with SHA-256, never Python's salted `hash()`: the same supporter gets the
same letter on every run and in every process, while many supporters get many different letters.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .campaign import Campaign
from .senders import Sender, fold


@dataclass(frozen=True)
class Wording:
    """The index of the wording chosen for each part (0: the campaign's main text)."""

    opening: int = 0
    closing_request: int = 0
    demands: tuple[tuple[str, int], ...] = ()  # (demand id, index)

    def demand(self, demand_id: str) -> int:
        return dict(self.demands).get(demand_id, 0)


MAIN_WORDING = Wording()  # the campaign's main text everywhere


def supporter_identity(name: str, postal_code: str) -> str:
    """Who a supporter is, for variants and duplicates: `jeanne tremblay|J8X1A1`.

    Case, accents, punctuation spacing and the space in the postal code do not matter.
    """
    return f"{fold(name)}|{''.join(postal_code.upper().split())}"


def _pick(identity: str, part: str, count: int) -> int:
    if count <= 1:
        return 0
    digest = hashlib.sha256(f"{identity}\0{part}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % count


def choose_wording(campaign: Campaign, sender: Sender) -> Wording:
    """The stable choice of wordings for this sender's letters in this campaign."""
    identity = f"{campaign.id}\0{supporter_identity(sender.name, sender.postal_code)}"
    return Wording(
        opening=_pick(identity, "opening", len(campaign.openings)),
        closing_request=_pick(identity, "closing_request", len(campaign.closing_requests)),
        demands=tuple(
            (d.id, _pick(identity, f"demands.{d.id}", len(d.texts))) for d in campaign.demands
        ),
    )
