"""The pipeline end to end, for callers (CLI, batch, web) that want a finished letter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .campaign import Campaign, find_campaign, load_campaign
from .compose import Letter, compose
from .districts import fold
from .errors import InputError, TranslationError
from .i18n import (
    ENVELOPE_TEMPLATES,
    LETTER_TEMPLATES,
    SOURCE_LANGUAGE,
    Language,
    MessageRef,
    campaign_languages,
    is_translated,
    languages,
    template_messages,
    translations,
)
from .recipients import Directory, Recipient, load_directory, with_campaign_ministers
from .render import render_envelope, render_html, render_text
from .senders import Sender
from .variants import MAIN_WORDING, Wording

SHOWN_UNTRANSLATED = 5  # an unfinished catalog's messages named in one line; stats has the rest


@dataclass(frozen=True)
class Setting:
    """What every letter of a run shares: the campaign and the directory, loaded once."""

    campaign: Campaign
    directory: Directory  # with the ministers the campaign's own directory.toml adds

    @classmethod
    def load(cls, campaign: str | Path, directory: Directory | None = None) -> Setting:
        """A campaign by id or folder (`campaign.find_campaign`), with its own ministers."""
        path = find_campaign(campaign)
        directory = with_campaign_ministers(
            directory or load_directory(), path.parent / "directory.toml"
        )
        return cls(load_campaign(path, directory.portfolio_ids()), directory)

    def language(self, code: str) -> Language:
        """The language with this campaign's own catalog before the interface's."""
        return Language(code, self.campaign.locales)

    def letter_languages(self) -> tuple[str, ...]:
        """The languages this campaign's letters can be written in: English, and each language
        that both the interface and the campaign have compiled."""
        own = campaign_languages(self.campaign.locales)
        return tuple(code for code in languages() if code == SOURCE_LANGUAGE or code in own)


def make_letter(
    setting: Setting,
    sender: Sender,
    to: str,
    day: date,
    *,
    allow_incomplete: bool = False,
    envelope: bool = False,
    riding_of: RidingOf | None = None,
    not_my_mp: bool = False,
) -> Letter:
    """Compose the sender's letter to `to` (`pm`, `minister:<portfolio>`, `mp:<riding or name>`,
    or `mp`, the sender's own: see `route`).

    A letter is never printed with a missing or fuzzy translation: TranslationError names the
    messages. With `allow_incomplete`, their English is printed and listed in `untranslated`.
    With `envelope`, a #10 envelope page follows the letter in its PDF.
    """
    recipient, sender = route(setting, sender, to, riding_of=riding_of, not_my_mp=not_my_mp)
    return letter_for(
        setting, sender, recipient, day, allow_incomplete=allow_incomplete, envelope=envelope
    )


# (postal code, row=None) -> the riding's name (the batch's and `write --lookup`'s Represent).
RidingOf = Callable[..., str]


def route(
    setting: Setting,
    sender: Sender,
    to: str,
    *,
    riding_of: RidingOf | None = None,
    not_my_mp: bool = False,
) -> tuple[Recipient, Sender]:
    """The recipient `to` names, and the sender as the letter to them presents them.

    `mp` is the sender's own MP: by their riding, else by their postal code through
    `riding_of`. An MP of another riding than the sender's is refused unless `not_my_mp`
    says it is deliberate; the letter then does not say which riding the sender lives in,
    since it is not the MP's.
    """
    if to.strip().lower() == "mp":
        return _own_mp(setting, sender, riding_of)
    recipient = setting.directory.find(to)
    if recipient.role != "mp" or not sender.riding or _same_riding(recipient, sender):
        return recipient, sender
    if not not_my_mp:
        raise InputError(
            f"{recipient.id} ({recipient.full_name}) is the MP for {recipient.riding}, but "
            f"--riding says you live in {sender.riding}",
            field="to",
            fix="write to your own MP with --to mp, or add --not-my-mp to write to this MP on "
            "purpose (the letter then does not name your riding)",
        )
    return recipient, replace(sender, riding=None, district=None)


def _same_riding(recipient: Recipient, sender: Sender) -> bool:
    if recipient.district and sender.district:
        return recipient.district.code == sender.district.code
    return fold(recipient.riding or "") == fold(sender.riding or "")


def _own_mp(
    setting: Setting, sender: Sender, riding_of: RidingOf | None
) -> tuple[Recipient, Sender]:
    riding = sender.riding
    if not riding and riding_of is not None:
        riding = riding_of(sender.postal_code)
        district = setting.directory.district(riding)
        sender = replace(sender, riding=district.name_en if district else riding, district=district)
    if not riding:
        raise InputError(
            "--to mp needs your riding to find your MP",
            field="riding",
            fix='give --riding "Your riding", or --lookup represent to find it from your '
            "postal code (Open North's Represent, over the internet)",
        )
    return setting.directory.mp_for(riding, field_name="riding"), sender


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
        lang=setting.language(sender.lang),
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
            fix=f"translate them in the interface's catalog (locales/{letter.lang}/LC_MESSAGES/"
            f"messages.po) or the campaign's own (locales/{letter.lang}/LC_MESSAGES/campaign.po "
            "in its folder) and run `letters i18n compile` (`letters campaign check` lists "
            "them), or pass --allow-incomplete to print them in English",
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
