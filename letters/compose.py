"""Compose: every decision about a letter (forms of address, demands, lines) made in one place.

The result is a `Letter` of plain, already-translated strings; templates only place them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from .campaign import HOLDER_CONTEXT, OFFICE, ROLE_CONTEXTS, Campaign, Demand, Text
from .districts import french_of, riding_phrase
from .envelope import Envelope, canada_post_city_line, canada_post_line, fits_envelope
from .errors import DirectoryError, InputError, translatable
from .i18n import Language, MessageRef, mark
from .recipients import Directory, Office, Recipient
from .senders import Sender
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
    demands: tuple[DemandText, ...]  # campaign texts carry *…* (italics): render with `emphasis`
    note_paragraphs: tuple[str, ...]
    closing_request: str
    complimentary_close: str
    signature_png: bytes | None
    signer_name: str
    # Messages printed in English because the catalog lacks them (missing or fuzzy); the
    # pipeline refuses such a letter unless asked to allow an incomplete translation.
    untranslated: tuple[MessageRef, ...] = ()
    typed_signature: str | None = None  # the name, set in a script font (no image given)
    sender_email: str | None = None
    recipient_name: str = ""
    envelope: Envelope | None = None  # a #10 envelope page follows the letter when set
    # The delivery notation, printed above the inside address: "By email: …", "By email (…) and
    # by mail" (a letter printed with its envelope), "By mail"; None when neither applies.
    delivery: str | None = None
    # Who the letter is to, as a continuation page's header names them: the name line without
    # its post-nominals (« Le très honorable Mark Carney »).
    addressee: str = ""

    @property
    def demands_numbered(self) -> bool:
        """A single demand is a paragraph, not a list of one numbered "1."."""
        return len(self.demands) > 1


def compose(
    campaign: Campaign,
    sender: Sender,
    recipient: Recipient,
    *,
    day: date,
    lang: Language,
    wording: Wording = MAIN_WORDING,
    envelope: bool = False,
    offices: Directory | None = None,
) -> Letter:
    """Decide the whole letter from the campaign, the sender and the recipient.

    `wording` picks among the campaign's alternative wordings (see `letters.variants`); the
    default is the campaign's main text everywhere. With `envelope`, the letter carries the
    lines of a #10 envelope to print after it. `offices` is the directory that names the
    holders of the offices the campaign's text names ({pm}, {minister:<id>}).
    """
    require_gender(recipient)
    demands = chosen_demands(campaign, sender, recipient)
    count = len(demands)
    role = campaign.wording_for(letter_role(campaign, recipient, demands))
    # A fresh record of untranslated messages (this letter's only), with the campaign's catalog.
    lang = Language(lang.code, campaign.locales)
    letter = Letter(
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
        context=context_paragraphs(campaign, recipient, lang, offices),
        demands_intro=say(role.demands_intro or campaign.demands_intro, count, lang),
        demands=tuple(
            DemandText(
                d.id, lang.gettext(d.title), demand_text(campaign, d, recipient, wording, lang)
            )
            for d in demands
        ),
        note_paragraphs=note_paragraphs(sender.note),
        closing_request=say(
            _nth(role.closing_requests or campaign.closing_requests, wording.closing_request),
            count,
            lang,
        ),
        complimentary_close=complimentary_close(recipient, lang),
        signature_png=sender.signature_png,
        signer_name=sender.name,
        typed_signature=sender.name if sender.typed_signature else None,
        sender_email=sender.email,
        recipient_name=recipient.full_name,
        envelope=envelope_for(sender, recipient, lang) if envelope else None,
        delivery=delivery_notation(recipient, lang, by_mail=envelope),
        addressee=name_line(recipient, lang).split(",")[0],
    )
    return replace(letter, untranslated=tuple(dict.fromkeys(lang.untranslated)))


def delivery_notation(recipient: Recipient, lang: Language, *, by_mail: bool) -> str | None:
    """How the letter travels, said above the inside address as Canadian business letters do:
    by email when the directory knows an address, by mail too when it is printed with its
    envelope."""
    email = recipient.email
    if email and by_mail:
        # TRANSLATORS: the delivery notation above the inside address of a letter sent both ways.
        return lang.gettext("By email (%(email)s) and by mail", email=email)
    if email:
        # TRANSLATORS: the delivery notation above the inside address.
        return lang.gettext("By email: %(email)s", email=email)
    # TRANSLATORS: the delivery notation above the inside address of a letter sent by post only.
    return lang.gettext("By mail") if by_mail else None


def require_gender(recipient: Recipient) -> None:
    """The Prime Minister and a Right Honourable have no neutral form of address in French
    (« Le très honorable … député », « Monsieur le Premier Ministre »): refuse to guess."""
    if recipient.gender == "u" and (
        recipient.addressed_as == "pm" or recipient.honorific == "right-honourable"
    ):
        raise DirectoryError(
            f"{recipient.id} ({recipient.full_name}) has no gender in the directory",
            field="gender",
            fix=f'give gender = "f" or "m" for {recipient.id} in the directory: the forms of '
            "address of a Prime Minister or a Right Honourable have no neutral form",
        )


def say(text: Text, count: int, lang: Language) -> str:
    """A campaign text in the letter's language, agreeing with the number of demands."""
    if text.other is None:
        return lang.pgettext(text.context, text.one) if text.context else lang.gettext(text.one)
    return lang.npgettext(text.context, text.one, text.other, count)


def demand_role(recipient: Recipient, demand: Demand) -> str:
    """The role a demand is worded for: the recipient's, except for an MP in cabinet, to whom a
    demand of their own office is worded as to the office holder (they can act) and every other
    demand as to an MP (they press the government)."""
    if recipient.role != "mp" or recipient.office_held is None:
        return recipient.role
    if recipient.office_held == "pm" or recipient.portfolio.id in demand.ministers:
        return recipient.office_held
    return "mp"


def letter_role(campaign: Campaign, recipient: Recipient, demands: list[Demand]) -> str:
    """The role whose lead-in and closing request the letter uses: the one every demand is
    worded for, else (an MP in cabinet, demands of both kinds) "minister-mp" when the campaign
    words it, else "mp"."""
    roles = {demand_role(recipient, d) for d in demands} or {recipient.role}
    if len(roles) == 1:
        return roles.pop()
    return "minister-mp" if "minister-mp" in dict(campaign.roles) else "mp"


def demand_text(
    campaign: Campaign, demand: Demand, recipient: Recipient, wording: Wording, lang: Language
) -> str:
    """The demand as worded for the recipient's role (an MP presses the government), or as
    worded for everyone."""
    role = demand_role(recipient, demand)
    own = campaign.wording_for(role).demand(demand.id)
    index = wording.demand(demand.id)
    if own:
        return lang.pgettext(ROLE_CONTEXTS[role], _nth(own, index))
    return lang.gettext(_nth(demand.texts, index))


def context_paragraphs(
    campaign: Campaign, recipient: Recipient | None, lang: Language, offices: Directory | None
) -> tuple[str, ...]:
    """The context, said to the office it names in the second person ("which you announced")
    and naming that office by its title in the letter's language to everyone else (and on the
    campaign's page, where `recipient` is None)."""
    found = []
    for paragraph in campaign.paragraphs:
        office = paragraph.offices[0] if paragraph.offices else None
        if recipient is not None and office in recipient.offices:
            text = lang.pgettext(HOLDER_CONTEXT.format(office=office), paragraph.to_holder)
        else:
            text = lang.gettext(paragraph.text)
        found.append(name_offices(text, recipient, lang, offices))
    return tuple(found)


def name_offices(text: str, recipient: Recipient, lang: Language, offices: Directory | None) -> str:
    """Replace each {pm} / {minister:<id>} by the office's title in running text."""

    def title(match) -> str:
        office = match[1]
        holder = recipient if recipient is not None and office in recipient.offices else None
        if holder is None:
            if offices is None:
                raise DirectoryError(
                    f"the campaign names {{{office}}} but no directory was given to name it",
                    field="directory",
                    fix="pass the directory to compose (offices=...)",
                )
            holder = offices.find(office)
        return running_title(holder, lang)

    return OFFICE.sub(title, text)


def running_title(holder: Recipient, lang: Language) -> str:
    """ "the Minister of Foreign Affairs" / « la ministre des Affaires étrangères »."""
    if holder.addressed_as == "pm":
        return form("office", "pm", holder, lang)
    title = holder.portfolio.title_fr if lang.code == "fr" else holder.portfolio.title_en
    return form("office", "minister", holder, lang, title=title)


def envelope_for(sender: Sender, recipient: Recipient, lang: Language) -> Envelope:
    """The envelope in Canada Post's format, in the letter's language (names as in the letter)."""
    return_lines = (
        *(canada_post_line(x) for x in (sender.name, *sender.street)),
        canada_post_city_line(sender.city, sender.province.code, sender.postal_code),
    )
    office = recipient.office
    address_lines = [canada_post_line(name_line(recipient, lang))]
    title = role_title(recipient, lang)
    # Canada Post drops the punctuation, so a title with a comma ("…, Refugees and Citizenship")
    # would read ambiguously, and a long one wraps: such a title is left off (name and address
    # reach the office).
    if title and fits_envelope(title):
        address_lines.append(canada_post_line(title))
    address_lines += [
        canada_post_line(office_lines(office, lang)[0]),
        canada_post_city_line(office.city, office.province.code, office.postal_code),
    ]
    free = recipient.member_of_parliament
    return Envelope(
        return_lines=tuple(return_lines),
        address_lines=tuple(address_lines),
        postage_free=free,
        postage_notice=lang.gettext("POSTAGE FREE") if free else None,
        # TRANSLATORS: small print under it. Keep the asterisks: the Act's title is set in
        # italics. The space in "s. 35(2)" is a no-break space (keep one in French: « par. 35(2) »).
        postage_source=lang.gettext(
            "Mail to a Member of Parliament (*Canada Post Corporation Act*, s.\u00a035(2))"
        )
        if free
        else None,
    )


def _nth(texts: tuple[str, ...], index: int) -> str:
    """The chosen wording; an index from an older campaign file wraps rather than fails."""
    return texts[index % len(texts)]


def chosen_demands(campaign: Campaign, sender: Sender, recipient: Recipient) -> list[Demand]:
    """The sender's demands in the sender's order (default: all, in campaign order).

    A minister receives only the demands of their portfolio; the PM and MPs the demands meant
    for them (by default every demand; a campaign may keep one for MPs only).
    """
    demands = [campaign.demand(i) for i in sender.demand_ids] or list(campaign.demands)
    portfolio = recipient.portfolio.id if recipient.portfolio else None
    mine = [d for d in demands if d.reaches(recipient.role, portfolio)]
    if not mine:
        concerned = ", ".join(
            d.id for d in campaign.demands if d.reaches(recipient.role, portfolio)
        )
        if recipient.role == "minister":
            fix = (
                translatable("choose one of: %(demands)s, or write to pm")
                if concerned
                else translatable("write to pm")
            )
        elif concerned:
            fix = translatable("choose one of: %(demands)s")
        else:
            fix = translatable("write to %(others)s instead")
        others = [
            *(role for role in ("pm", "mp") if any(d.reaches(role) for d in demands)),
            *(f"minister:{p}" for d in demands for p in d.ministers),
        ]
        raise InputError(
            translatable("none of the chosen demands concerns %(recipient)s"),
            field="demand",
            fix=fix,
            values={
                "recipient": recipient.id,
                "demands": concerned,
                "others": ", ".join(dict.fromkeys(others)),
            },
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


# Forms of address (Canadian protocol), one message per gender (f, m, u = unknown) so that
# translators see every variant; French genders them, English mostly does not. The Prime Minister
# and Right Honourables have no "u": there is no neutral protocol form (see require_gender).
# Unknown gender follows the Translation Bureau's inclusive-writing recommendation for
# correspondence: no courtesy title (Mr., Madame) and "Dear"/« Bonjour » + given name + last
# name; the office stays, as a complete doublet in French (« député ou députée »), which the
# Bureau prefers to truncated forms (« député·e », « député(e) »).
FORMS: dict[tuple[str, str], dict[str, tuple[str, str]]] = {
    ("name", "right-honourable"): {
        "m": mark(
            "address line, man privy councillor and MP", "The Right Honourable %(name)s, P.C., M.P."
        ),
        "f": mark(
            "address line, woman privy councillor and MP",
            "The Right Honourable %(name)s, P.C., M.P.",
        ),
    },
    ("name", "honourable"): {
        "m": mark("address line, man minister", "The Honourable %(name)s, P.C., M.P."),
        "f": mark("address line, woman minister", "The Honourable %(name)s, P.C., M.P."),
        "u": mark("address line, minister, gender unknown", "The Honourable %(name)s, P.C., M.P."),
    },
    ("name", "mp"): {
        "m": mark("address line, man MP", "Mr. %(name)s, M.P."),
        "f": mark("address line, woman MP", "Ms. %(name)s, M.P."),
        "u": mark("address line, MP, gender unknown", "%(name)s, M.P."),
    },
    # The office in running text, where the campaign names it ({pm}, {minister:<id>}).
    ("office", "pm"): {
        "m": mark("the office in running text, man prime minister", "the Prime Minister"),
        "f": mark("the office in running text, woman prime minister", "the Prime Minister"),
    },
    ("office", "minister"): {
        # TRANSLATORS: %(title)s is the portfolio in lower case: « ministre des Affaires étrangères ».
        "m": mark("the office in running text, man minister", "the %(title)s"),
        # TRANSLATORS: %(title)s is the portfolio in lower case: « ministre des Affaires étrangères ».
        "f": mark("the office in running text, woman minister", "the %(title)s"),
        # TRANSLATORS: %(title)s is the portfolio in lower case; gender unknown: a complete doublet.
        "u": mark("the office in running text, minister, gender unknown", "the %(title)s"),
    },
    ("title", "pm"): {
        "m": mark("title line, man prime minister", "Prime Minister of Canada"),
        "f": mark("title line, woman prime minister", "Prime Minister of Canada"),
    },
    ("salutation", "pm"): {
        # TRANSLATORS: the appel; French names the office and ends with a comma.
        # allow: punctuation
        "m": mark("salutation, man prime minister", "Dear Prime Minister:"),
        # TRANSLATORS: the appel; French names the office and ends with a comma.
        # allow: punctuation
        "f": mark("salutation, woman prime minister", "Dear Prime Minister:"),
    },
    ("salutation", "minister"): {
        # TRANSLATORS: the appel; French names the office and ends with a comma.
        # allow: punctuation
        "m": mark("salutation, man minister", "Dear Minister:"),
        # TRANSLATORS: the appel; French names the office and ends with a comma.
        # allow: punctuation
        "f": mark("salutation, woman minister", "Dear Minister:"),
        # TRANSLATORS: appel, gender unknown; Canadian Heritage recommends "Bonjour,".
        # allow: punctuation
        "u": mark("salutation, minister, gender unknown", "Dear Minister:"),
    },
    ("salutation", "mp"): {
        # TRANSLATORS: the appel; French names the office (not the person), ends with a comma.
        # allow: placeholders, punctuation
        "m": mark("salutation, man MP", "Dear Mr. %(last_name)s:"),
        # TRANSLATORS: the appel; French names the office (not the person), ends with a comma.
        # allow: placeholders, punctuation
        "f": mark("salutation, woman MP", "Dear Ms. %(last_name)s:"),
        # TRANSLATORS: appel, gender unknown; Canadian Heritage recommends "Bonjour,".
        # allow: placeholders, punctuation
        "u": mark("salutation, MP, gender unknown", "Dear %(first_name)s %(last_name)s:"),
    },
    # English closes every letter with "Yours sincerely,"; French repeats the appel in a formula.
    ("close", "pm"): {
        # TRANSLATORS: French closes with a full formula ending in a period.
        # allow: punctuation
        "m": mark("complimentary close, man prime minister", "Yours sincerely,"),
        # TRANSLATORS: French closes with a full formula ending in a period.
        # allow: punctuation
        "f": mark("complimentary close, woman prime minister", "Yours sincerely,"),
    },
    ("close", "minister"): {
        # TRANSLATORS: French closes with a full formula ending in a period.
        # allow: punctuation
        "m": mark("complimentary close, man minister", "Yours sincerely,"),
        # TRANSLATORS: French closes with a full formula ending in a period.
        # allow: punctuation
        "f": mark("complimentary close, woman minister", "Yours sincerely,"),
        # TRANSLATORS: French closes with a full formula ending in a period.
        # allow: punctuation
        "u": mark("complimentary close, minister, gender unknown", "Yours sincerely,"),
    },
    ("close", "mp"): {
        # TRANSLATORS: French closes with a full formula ending in a period.
        # allow: punctuation
        "m": mark("complimentary close, man MP", "Yours sincerely,"),
        # TRANSLATORS: French closes with a full formula ending in a period.
        # allow: punctuation
        "f": mark("complimentary close, woman MP", "Yours sincerely,"),
        # TRANSLATORS: French closes with a full formula ending in a period.
        # allow: punctuation
        "u": mark("complimentary close, MP, gender unknown", "Yours sincerely,"),
    },
}


def form(kind: str, key: str, recipient: Recipient, lang: Language, **values: str) -> str:
    """The recipient's form of address of this kind, in the letter's language."""
    context, message = FORMS[kind, key][recipient.gender]
    return lang.pgettext(context, message, **values)


def name_line(recipient: Recipient, lang: Language) -> str:
    """First line of the address block, with honorific and post-nominals."""
    return form("name", recipient.honorific or "mp", recipient, lang, name=recipient.full_name)


def role_title(recipient: Recipient, lang: Language) -> str | None:
    if recipient.addressed_as == "pm":
        return form("title", "pm", recipient, lang)
    if recipient.addressed_as == "minister":
        title = recipient.portfolio.title_fr if lang.code == "fr" else recipient.portfolio.title_en
        return title[0].upper() + title[1:]
    return None


def salutation(recipient: Recipient, lang: Language) -> str:
    return form(
        "salutation",
        recipient.addressed_as,
        recipient,
        lang,
        first_name=recipient.first_name,
        last_name=recipient.last_name,
    )


def complimentary_close(recipient: Recipient, lang: Language) -> str:
    return form("close", recipient.addressed_as, recipient, lang)


def opening(campaign: Campaign, sender: Sender, lang: Language, variant: int = 0) -> str:
    """The campaign's opening, after a sentence naming the sender's riding when known: its
    official name in the letter's language ("Ottawa Centre", « d’Ottawa-Centre »)."""
    text = lang.gettext(_nth(campaign.openings, variant))
    if not sender.riding:
        return text
    if sender.district:
        riding = riding_phrase(sender.district, lang.code)
    else:  # no districts data: the name as given
        riding = french_of(sender.riding) if lang.code == "fr" else sender.riding
    # TRANSLATORS: %(riding)s is the district's official name in the letter's language; in
    # French it already carries "de", contracted as a reviser would (du Yukon, des
    # Territoires du Nord-Ouest, d’Ottawa-Centre, de La Pointe-de-l’Île): « J’habite la
    # circonscription %(riding)s. » Rules: letters/districts.py, FRENCH_OF.
    sentence = lang.pgettext(
        "opening, names the sender's riding", "I live in the riding of %(riding)s.", riding=riding
    )
    return f"{sentence} {text}"


def note_paragraphs(note: str | None) -> tuple[str, ...]:
    """The personal paragraph as written, split where the sender left a blank line."""
    if not note:
        return ()
    blocks = [b.strip() for b in note.replace("\r\n", "\n").split("\n\n")]
    return tuple(b for b in blocks if b)
