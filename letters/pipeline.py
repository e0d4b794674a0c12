"""The pipeline end to end, for callers (CLI, batch, web) that want a finished letter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .campaign import Campaign, load_campaign
from .compose import Letter, compose
from .i18n import Language
from .pdf import write_pdf
from .people import Directory, Sender, load_directory
from .render import render_envelope, render_html, render_text


@dataclass(frozen=True)
class Setting:
    """What every letter of a run shares: the campaign and the directory, loaded once."""

    campaign: Campaign
    directory: Directory

    @classmethod
    def load(cls, campaign: str, directory: Directory | None = None) -> Setting:
        directory = directory or load_directory()
        return cls(load_campaign(campaign, directory.portfolio_ids()), directory)


def make_letter(
    setting: Setting, sender: Sender, to: str, day: date, *, envelope: bool = False
) -> Letter:
    """Compose the sender's letter to `to` (`pm`, `minister:<portfolio>`, `mp:<riding or name>`).

    With `envelope`, a #10 envelope page follows the letter in its PDF.
    """
    recipient = setting.directory.find(to)
    return compose(
        setting.campaign,
        sender,
        recipient,
        day=day,
        lang=Language(sender.lang),
        envelope=envelope,
    )


def letter_bytes(letter: Letter, fmt: str = "pdf") -> bytes:
    """The letter as PDF, HTML or plain text bytes."""
    if fmt == "pdf":
        envelope = render_envelope(letter) if letter.envelope else None
        return write_pdf(render_html(letter), letter, envelope_html=envelope)
    if fmt == "html":
        return render_html(letter).encode("utf-8")
    return render_text(letter).encode("utf-8")


def envelope_bytes(letter: Letter) -> bytes:
    """The letter's #10 envelope alone, as a one-page PDF (the letter needs `envelope=True`)."""
    return write_pdf(render_envelope(letter), letter)
