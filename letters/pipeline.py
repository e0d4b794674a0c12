"""The pipeline end to end, for callers (CLI, batch, web) that want a finished letter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .campaign import Campaign, load_campaign
from .compose import Letter, compose
from .i18n import Language
from .people import Directory, Sender, load_directory
from .render import render_html, render_text


@dataclass(frozen=True)
class Setting:
    """What every letter of a run shares: the campaign and the directory, loaded once."""

    campaign: Campaign
    directory: Directory

    @classmethod
    def load(cls, campaign: str, directory: Directory | None = None) -> Setting:
        directory = directory or load_directory()
        return cls(load_campaign(campaign, directory.portfolio_ids()), directory)


def make_letter(setting: Setting, sender: Sender, to: str, day: date) -> Letter:
    """Compose the sender's letter to `to` (`pm`, `minister:<portfolio>`, `mp:<riding or name>`)."""
    recipient = setting.directory.find(to)
    return compose(setting.campaign, sender, recipient, day=day, lang=Language(sender.lang))


def letter_bytes(letter: Letter, fmt: str = "pdf") -> bytes:
    """The letter as PDF, HTML or plain text bytes."""
    if fmt == "pdf":
        # Imported here: WeasyPrint takes ~0.4 s to import, which `letters campaigns`,
        # `--help` and text output should not pay.
        from .pdf import write_pdf

        return write_pdf(render_html(letter), letter)
    if fmt == "html":
        return render_html(letter).encode("utf-8")
    return render_text(letter).encode("utf-8")
