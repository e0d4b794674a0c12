"""The pipeline end to end, for callers (CLI, batch, web) that want a finished letter."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from .campaign import Campaign, load_campaign
from .compose import Letter, compose
from .errors import TranslationError
from .i18n import (
    ENVELOPE_TEMPLATES,
    LETTER_TEMPLATES,
    SOURCE_LANGUAGE,
    Language,
    MessageRef,
    is_translated,
    template_messages,
    translations,
)
from .recipients import Directory, Recipient, load_directory
from .render import render_envelope, render_html, render_text
from .senders import Sender
from .variants import MAIN_WORDING, Wording

SHOWN_UNTRANSLATED = 5  # an unfinished catalog's messages named in one line; stats has the rest


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
    setting: Setting,
    sender: Sender,
    to: str,
    day: date,
    *,
    allow_incomplete: bool = False,
    envelope: bool = False,
) -> Letter:
    """Compose the sender's letter to `to` (`pm`, `minister:<portfolio>`, `mp:<riding or name>`).

    A letter is never printed with a missing or fuzzy translation: TranslationError names the
    messages. With `allow_incomplete`, their English is printed and listed in `untranslated`.
    With `envelope`, a #10 envelope page follows the letter in its PDF.
    """
    recipient = setting.directory.find(to)
    return letter_for(
        setting, sender, recipient, day, allow_incomplete=allow_incomplete, envelope=envelope
    )


def letter_for(
    setting: Setting,
    sender: Sender,
    recipient: Recipient,
    day: date,
    *,
    allow_incomplete: bool = False,
    envelope: bool = False,
    wording: Wording = MAIN_WORDING,
) -> Letter:
    """The same, to a Recipient already in hand (the review's woman/man/unknown variants, the
    batch's routed rows, each with its supporter's wording)."""
    letter = compose(
        setting.campaign,
        sender,
        recipient,
        day=day,
        lang=Language(sender.lang),
        wording=wording,
        envelope=envelope,
        offices=setting.directory,
    )
    return require_translated(letter, allow_incomplete=allow_incomplete)


def require_translated(letter: Letter, *, allow_incomplete: bool = False) -> Letter:
    """Add the template's untranslated messages to the letter's; refuse any unless allowed."""
    missing = list(letter.untranslated)
    if letter.lang != SOURCE_LANGUAGE:
        catalog = translations(letter.lang)
        printed = LETTER_TEMPLATES + (ENVELOPE_TEMPLATES if letter.envelope else ())
        missing += [
            MessageRef(message, context)
            for context, message in template_messages(printed)
            if not is_translated(catalog, context, message)
        ]
    letter = replace(letter, untranslated=tuple(dict.fromkeys(missing)))
    if letter.untranslated and not allow_incomplete:
        raise TranslationError(
            untranslated_summary(letter),
            field="lang",
            fix=f"translate them in locales/{letter.lang}/LC_MESSAGES/messages.po and run "
            "`letters i18n compile` (see `letters i18n check`), or pass --allow-incomplete "
            "to print them in English",
        )
    return letter


def untranslated_summary(letter: Letter, shown: int = SHOWN_UNTRANSLATED) -> str:
    """How many of the messages this letter prints are not translated, and the first few:
    one line, however unfinished the catalog."""
    count = len(letter.untranslated)
    names = "; ".join(str(m) for m in letter.untranslated[:shown])
    more = f" and {count - shown} more" if count > shown else ""
    are = "message of this letter is" if count == 1 else "messages of this letter are"
    return f"{count} {are} not translated into {letter.lang!r} (missing or fuzzy): {names}{more}"


def letter_bytes(letter: Letter, fmt: str = "pdf") -> bytes:
    """The letter as PDF, HTML or plain text bytes."""
    if fmt == "pdf":
        # Imported here: WeasyPrint takes ~0.4 s to import, which `letters campaigns`,
        # `--help` and text output should not pay.
        from .pdf import write_pdf

        envelope = render_envelope(letter) if letter.envelope else None
        return write_pdf(render_html(letter), letter, envelope_html=envelope)
    if fmt == "html":
        return render_html(letter).encode("utf-8")
    return render_text(letter).encode("utf-8")


def envelope_bytes(letter: Letter) -> bytes:
    """The letter's #10 envelope alone, as a one-page PDF (the letter needs `envelope=True`)."""
    from .pdf import write_pdf

    return write_pdf(render_envelope(letter), letter)
