"""Compose: every decision about a letter (forms of address, demands, lines) made in one place.

The result is a `Letter` of plain, already-translated strings; templates only place them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .campaign import Campaign, Demand
from .errors import InputError
from .i18n import Language, mark, starts_with_vowel_sound
from .people import Office, Recipient, Sender
from .variants import MAIN_WORDING, Wording


@dataclass(frozen=True)
class DemandText:
    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Letter:
    campaign_id: str
    lang: str
    lang_tag: str  # "en-CA", "fr-CA": the PDF's language
    sender_name: str
    sender_lines: tuple[str, ...]
    date_line: str
    recipient_id: str
    recipient_lines: tuple[str, ...]
    recipient_email: str | None
    subject: str
    salutation: str
    opening: str
    context: tuple[str, ...]
    demands_intro: str
    demands: tuple[DemandText, ...]
    note_paragraphs: tuple[str, ...]
    closing_request: str
    complimentary_close: str
    signature_png: bytes | None
    signer_name: str


def compose(
    campaign: Campaign,
    sender: Sender,
    recipient: Recipient,
    *,
    day: date,
    lang: Language,
    wording: Wording = MAIN_WORDING,
) -> Letter:
    """Decide the whole letter from the campaign, the sender and the recipient.

    `wording` picks among the campaign's alternative wordings (see `letters.variants`); the
    default is the campaign's main text everywhere.
    """
    demands = chosen_demands(campaign, sender, recipient)
    return Letter(
        campaign_id=campaign.id,
        lang=lang.code,
        lang_tag=lang.tag,
        sender_name=sender.name,
        sender_lines=sender_lines(sender, lang),
        date_line=lang.date_line(day),
        recipient_id=recipient.id,
        recipient_lines=recipient_lines(recipient, lang),
        recipient_email=recipient.email,
        subject=lang.gettext(campaign.subject),
        salutation=salutation(recipient, lang),
        opening=opening(campaign, sender, lang, wording.opening),
        context=tuple(lang.gettext(p) for p in campaign.context),
        demands_intro=lang.gettext(campaign.demands_intro),
        demands=tuple(
            DemandText(
                d.id, lang.gettext(d.title), lang.gettext(_nth(d.texts, wording.demand(d.id)))
            )
            for d in demands
        ),
        note_paragraphs=note_paragraphs(sender.note),
        closing_request=lang.gettext(_nth(campaign.closing_requests, wording.closing_request)),
        complimentary_close=complimentary_close(recipient, lang),
        signature_png=sender.signature_png,
        signer_name=sender.name,
    )


def _nth(texts: tuple[str, ...], index: int) -> str:
    """The chosen wording; an index from an older campaign file wraps rather than fails."""
    return texts[index % len(texts)]


def chosen_demands(campaign: Campaign, sender: Sender, recipient: Recipient) -> list[Demand]:
    """The sender's demands in the sender's order (default: all, in campaign order).

    A minister receives only the demands of their portfolio; the PM and MPs receive all.
    """
    demands = [campaign.demand(i) for i in sender.demand_ids] or list(campaign.demands)
    if recipient.role != "minister":
        return demands
    portfolio = recipient.portfolio.id
    mine = [d for d in demands if portfolio in d.ministers]
    if not mine:
        concerned = ", ".join(d.id for d in campaign.demands if portfolio in d.ministers)
        raise InputError(
            f"none of the chosen demands concerns {recipient.id}",
            field="demand",
            fix=f"choose one of: {concerned}, or write to pm" if concerned else "write to pm",
        )
    return mine


def city_line(city: str, office_province, postal_code: str, lang: Language) -> str:
    """ "Ottawa ON  K1A 0A2" / "Ottawa (Ontario)  K1A 0A2": two spaces before the postal code."""
    if lang.code == "fr":
        return f"{city} ({office_province.name_fr})  {postal_code}"
    return f"{city} {office_province.code}  {postal_code}"


def sender_lines(sender: Sender, lang: Language) -> tuple[str, ...]:
    """The sender's own address, printed as entered; only the province is localised."""
    lines = [
        sender.name,
        *sender.street,
        city_line(sender.city, sender.province, sender.postal_code, lang),
    ]
    lines += [x for x in (sender.email, sender.phone) if x]
    return tuple(lines)


def office_lines(office: Office, lang: Language) -> list[str]:
    street = office.street_fr if lang.code == "fr" else office.street_en
    organisation = office.organisation_fr if lang.code == "fr" else office.organisation_en
    # An office with a street (the PMO) is known by it; one without is "House of Commons".
    first = [street] if street else [organisation]
    return [*first, city_line(office.city, office.province, office.postal_code, lang)]


def recipient_lines(recipient: Recipient, lang: Language) -> tuple[str, ...]:
    lines = [name_line(recipient, lang)]
    title = role_title(recipient, lang)
    if title:
        lines.append(title)
    return tuple(lines + office_lines(recipient.office, lang))


def _gendered(
    recipient: Recipient, lang: Language, forms: dict[str, tuple[str, str]], **values: str
) -> str:
    context, message = forms[recipient.gender]
    return lang.pgettext(context, message, **values)


def name_line(recipient: Recipient, lang: Language) -> str:
    """First line of the address block, with honorific and post-nominals (Canadian protocol)."""
    name = recipient.full_name
    if recipient.honorific == "right-honourable":
        return _gendered(
            recipient,
            lang,
            {
                "m": mark(
                    "address line, man privy councillor and MP",
                    "The Right Honourable %(name)s, P.C., M.P.",
                ),
                "f": mark(
                    "address line, woman privy councillor and MP",
                    "The Right Honourable %(name)s, P.C., M.P.",
                ),
                "u": mark(
                    "address line, privy councillor and MP, gender unknown",
                    "The Right Honourable %(name)s, P.C., M.P.",
                ),
            },
            name=name,
        )
    if recipient.honorific == "honourable":
        return _gendered(
            recipient,
            lang,
            {
                "m": mark("address line, man minister", "The Honourable %(name)s, P.C., M.P."),
                "f": mark("address line, woman minister", "The Honourable %(name)s, P.C., M.P."),
                "u": mark(
                    "address line, minister, gender unknown", "The Honourable %(name)s, P.C., M.P."
                ),
            },
            name=name,
        )
    return _gendered(
        recipient,
        lang,
        {
            "m": mark("address line, man MP", "Mr. %(name)s, M.P."),
            "f": mark("address line, woman MP", "Ms. %(name)s, M.P."),
            "u": mark("address line, MP, gender unknown", "%(name)s, M.P."),
        },
        name=name,
    )


def role_title(recipient: Recipient, lang: Language) -> str | None:
    if recipient.role == "pm":
        return _gendered(
            recipient,
            lang,
            {
                "m": mark("title line, man prime minister", "Prime Minister of Canada"),
                "f": mark("title line, woman prime minister", "Prime Minister of Canada"),
                "u": mark("title line, prime minister, gender unknown", "Prime Minister of Canada"),
            },
        )
    if recipient.role == "minister":
        title = recipient.portfolio.title_fr if lang.code == "fr" else recipient.portfolio.title_en
        return title[0].upper() + title[1:]
    return None


def salutation(recipient: Recipient, lang: Language) -> str:
    if recipient.role == "pm":
        return _gendered(
            recipient,
            lang,
            {
                "m": mark("salutation, man prime minister", "Dear Prime Minister:"),
                "f": mark("salutation, woman prime minister", "Dear Prime Minister:"),
                "u": mark("salutation, prime minister, gender unknown", "Dear Prime Minister:"),
            },
        )
    if recipient.role == "minister":
        return _gendered(
            recipient,
            lang,
            {
                "m": mark("salutation, man minister", "Dear Minister:"),
                "f": mark("salutation, woman minister", "Dear Minister:"),
                "u": mark("salutation, minister, gender unknown", "Dear Minister:"),
            },
        )
    return _gendered(
        recipient,
        lang,
        {
            "m": mark("salutation, man MP", "Dear Mr. %(last_name)s:"),
            "f": mark("salutation, woman MP", "Dear Ms. %(last_name)s:"),
            "u": mark("salutation, MP, gender unknown", "Dear %(first_name)s %(last_name)s:"),
        },
        first_name=recipient.first_name,
        last_name=recipient.last_name,
    )


def complimentary_close(recipient: Recipient, lang: Language) -> str:
    """English closes with "Yours sincerely,"; French with a full formula naming the title."""
    if recipient.role == "pm":
        return _gendered(
            recipient,
            lang,
            {
                "m": mark("complimentary close, man prime minister", "Yours sincerely,"),
                "f": mark("complimentary close, woman prime minister", "Yours sincerely,"),
                "u": mark(
                    "complimentary close, prime minister, gender unknown", "Yours sincerely,"
                ),
            },
        )
    if recipient.role == "minister":
        return _gendered(
            recipient,
            lang,
            {
                "m": mark("complimentary close, man minister", "Yours sincerely,"),
                "f": mark("complimentary close, woman minister", "Yours sincerely,"),
                "u": mark("complimentary close, minister, gender unknown", "Yours sincerely,"),
            },
        )
    return _gendered(
        recipient,
        lang,
        {
            "m": mark("complimentary close, man MP", "Yours sincerely,"),
            "f": mark("complimentary close, woman MP", "Yours sincerely,"),
            "u": mark("complimentary close, MP, gender unknown", "Yours sincerely,"),
        },
    )


def opening(campaign: Campaign, sender: Sender, lang: Language, variant: int = 0) -> str:
    """The campaign's opening, after a sentence naming the sender's riding when known."""
    text = lang.gettext(_nth(campaign.openings, variant))
    if not sender.riding:
        return text
    if starts_with_vowel_sound(sender.riding):
        # TRANSLATORS: French elides "de" before a vowel: "la circonscription d’Edmonton Strathcona".
        riding = lang.pgettext(
            "opening, riding name starts with a vowel",
            "I live in the riding of %(riding)s.",
            riding=sender.riding,
        )
    else:
        riding = lang.pgettext(
            "opening, riding name starts with a consonant",
            "I live in the riding of %(riding)s.",
            riding=sender.riding,
        )
    return f"{riding} {text}"


def note_paragraphs(note: str | None) -> tuple[str, ...]:
    """The personal paragraph as written, split where the sender left a blank line."""
    if not note:
        return ()
    blocks = [b.strip() for b in note.replace("\r\n", "\n").split("\n\n")]
    return tuple(b for b in blocks if b)
