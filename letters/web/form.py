"""Read the page's form into a composed Letter, or into problems that name the field and the fix.

Every check is the library's own (make_sender, prepare_signature, compose); this module only
maps form fields onto it and translates the messages into the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from babel.numbers import format_decimal
from werkzeug.datastructures import FileStorage, ImmutableMultiDict

from ..compose import Letter
from ..errors import InputError, LettersError, fill, translatable
from ..i18n import Language, languages, translations, typography
from ..people import Sender, VacantSeat, make_sender, normalise_postal_code
from ..pipeline import Setting, make_letter
from ..sending import MAX_BYTES, address, prepare_signature
from . import signing
from .lookup import LookupUnavailable
from .ridings import Riding, find_riding

TEXT_FIELDS = (
    "name",
    "street1",
    "street2",
    "city",
    "province",
    "postal_code",
    "email",
    "riding",
    "note",
    "signature_typed",
)

LABELS = {
    "name": translatable("Full name"),
    "street1": translatable("Street address"),
    "street2": translatable("Street address, line 2 (optional)"),
    "city": translatable("City or town"),
    "province": translatable("Province or territory"),
    "postal_code": translatable("Postal code"),
    "email": translatable("Email (optional)"),
    "riding": translatable("Your federal riding"),
    "note": translatable("Your own paragraph (optional)"),
    "demand": translatable("Demands"),
    "to": translatable("Recipient"),
    "letter_lang": translatable("Language of the letter"),
    "signature": translatable("Signature"),
    "signature_typed": translatable("Your name, as you sign it"),
    "form": translatable("Form"),
}

REQUIRED = {
    "name": translatable("enter your name as you sign letters"),
    "street1": translatable("enter your street address"),
    "city": translatable("enter your city or town"),
    "province": translatable("choose your province or territory"),
    "postal_code": translatable("enter your postal code, for example K1A 0A6"),
}

# The library names fields as the CLI does; the page's inputs are named a little differently.
FIELD_INPUTS = {"street": "street1", "lang": "letter_lang", "form": "letter-form"}

# Valid stand-ins let make_sender report every bad field, not only the first (see read_sender).
STAND_INS = {
    "name": "A",
    "street": ["A"],
    "city": "A",
    "province": "ON",
    "postal_code": "K1A 0A6",
    "email": None,
    "riding": None,
    "note": None,
}


def tr(lang: str, message: str) -> str:
    """Translate one of our messages into the page's language, with its typography."""
    return typography(translations(lang).ugettext(message), lang)


def label(lang: str, name: str) -> str:
    """A field's label in the page's language."""
    return tr(lang, LABELS[name])


@dataclass(frozen=True)
class Problem:
    """One error as the page shows it: the input it links to, its label, what is wrong, the fix."""

    input_id: str
    label: str
    message: str
    fix: str | None


def problem(error: LettersError, lang: str, input_id: str | None = None) -> Problem:
    """A library error in the page's language: the same message and fix as the CLI's."""
    name = FIELD_INPUTS.get(error.field or "form", error.field or "form")

    def number(value: int) -> str:
        return format_decimal(value, locale=Language(lang).locale)

    return Problem(
        input_id=input_id or name,
        label=label(lang, name if name in LABELS else "form"),
        message=fill(tr(lang, error.template), error.values, number),
        fix=fill(tr(lang, error.fix_template), error.values, number)
        if error.fix_template
        else None,
    )


@dataclass
class Reading:
    """What one form post gave: the letter when all is well, else the problems."""

    lang: str
    values: dict[str, str]
    demands: tuple[str, ...]
    to: str
    mode: str
    letter_lang: str
    envelope: bool = False  # add a #10 envelope page after the letter
    signature_png: bytes | None = None
    typed_signature: str | None = None  # the name as typed, set in Dancing Script by the letter
    problems: list[Problem] = field(default_factory=list)
    letter: Letter | None = None


def start_reading(form: ImmutableMultiDict, lang: str) -> Reading:
    """The form's values as typed (cut to a sane length), for re-filling the page."""
    letter_lang = form.get("letter_lang", lang)
    return Reading(
        lang=lang,
        values={name: form.get(name, "")[:10_000] for name in TEXT_FIELDS},
        demands=tuple(form.getlist("demand")),
        to=form.get("to", "pm"),
        mode=form.get("signature_mode", "typed"),
        letter_lang=letter_lang if letter_lang in languages() else lang,
        envelope=form.get("envelope") == "1",
    )


def read_form(
    setting: Setting,
    ridings: tuple[Riding, ...],
    form: ImmutableMultiDict,
    upload: FileStorage | None,
    lang: str,
    day: date,
    lookup=None,
) -> Reading:
    reading = start_reading(form, lang)
    values = reading.values
    add = reading.problems.append
    for name, fix in REQUIRED.items():
        if not values[name].strip():
            add(Problem(name, label(lang, name), tr(lang, "is required"), tr(lang, fix)))
    riding = _riding(reading, ridings, lookup)
    sender = read_sender(reading, riding)
    _check_demands(setting, reading)
    recipient = _recipient(setting, reading, riding)
    reading.signature_png = _signature(reading, form.get("signature_drawn", ""), upload)
    if reading.problems or sender is None or recipient is None:
        return reading
    typed = reading.typed_signature is not None
    sender = replace(sender, signature_png=reading.signature_png, typed_signature=typed)
    try:
        letter = make_letter(setting, sender, recipient, day, envelope=reading.envelope)
        # The core types the sender's name; the page lets the signer type it as they sign it.
        reading.letter = (
            replace(letter, typed_signature=reading.typed_signature) if typed else letter
        )
    except LettersError as error:
        reading.problems.append(problem(error, lang, _input_of(error.field, setting)))
    return reading


def email_problems(letter: Letter, lang: str) -> list[Problem]:
    """Why this letter cannot go out as an email draft (no address on either side), if so."""
    problems = []
    if not letter.sender_email:
        problems.append(
            Problem(
                "email",
                label(lang, "email"),
                tr(lang, "is needed for an email draft"),
                tr(lang, "give your email address, or download the PDF"),
            )
        )
    else:
        try:
            address(letter.sender_name, letter.sender_email, "email")
        except InputError as error:  # the .eml's stricter rule (email-validator)
            problems.append(problem(error, lang))
    if not letter.recipient_email:
        problems.append(
            Problem(
                "to-" + letter.recipient_id.replace(":", "-"),
                label(lang, "to"),
                tr(lang, "has no known email address"),
                tr(lang, "download the PDF and mail it (add an envelope page: no stamp needed)"),
            )
        )
    return problems


def read_sender(reading: Reading, riding: Riding | None) -> Sender | None:
    """Run the library's validation; on each error, note it and retry with a valid stand-in."""
    v = reading.values
    fields = dict(
        name=v["name"],
        street=[v["street1"], v["street2"]],
        city=v["city"],
        province=v["province"],
        postal_code=v["postal_code"],
        email=v["email"],
        riding=riding.name(reading.letter_lang) if riding else None,
        note=v["note"],
    )
    missing = {p.input_id for p in reading.problems} & set(REQUIRED)
    for name in missing:
        key = "street" if name == "street1" else name
        fields[key] = STAND_INS[key]
    for _ in range(len(STAND_INS) + 1):
        try:
            sender = make_sender(**fields, lang=reading.letter_lang, demand_ids=reading.demands)
        except InputError as error:
            reading.problems.append(problem(error, reading.lang))
            if error.field not in STAND_INS or fields[error.field] == STAND_INS[error.field]:
                return None
            fields[error.field] = STAND_INS[error.field]
            missing.add(error.field)
            if error.field == "postal_code":  # the stand-in code must agree with the province
                fields["province"] = STAND_INS["province"]
            continue
        return None if missing else sender
    return None


def _riding(reading: Reading, ridings: tuple[Riding, ...], lookup) -> Riding | None:
    text = reading.values["riding"].strip()
    if text:
        riding = find_riding(ridings, text)
        if riding is None:
            reading.problems.append(
                Problem(
                    "riding",
                    label(reading.lang, "riding"),
                    tr(reading.lang, "is not a federal riding this page knows"),
                    tr(reading.lang, "choose your riding from the list"),
                )
            )
        return riding
    if lookup is None:
        return None
    try:
        postal_code = normalise_postal_code(reading.values["postal_code"])
    except InputError:
        return None  # read_sender reports it
    try:
        found = lookup(postal_code)
    except LookupUnavailable:
        reading.problems.append(
            Problem(
                "riding",
                label(reading.lang, "riding"),
                tr(reading.lang, "cannot be found from the postal code right now"),
                tr(reading.lang, "choose your riding from the list"),
            )
        )
        return None
    return find_riding(ridings, found) if found else None


def _check_demands(setting: Setting, reading: Reading) -> None:
    known = {d.id for d in setting.campaign.demands}
    reading.demands = tuple(d for d in reading.demands if d in known)
    if not reading.demands:
        reading.problems.append(
            Problem(
                _input_of("demand", setting),
                label(reading.lang, "demand"),
                tr(reading.lang, "none is chosen"),
                tr(reading.lang, "tick at least one demand"),
            )
        )


def _recipient(setting: Setting, reading: Reading, riding: Riding | None) -> str | None:
    """The directory spec for the chosen recipient (`pm`, `minister:…`, `mp:<riding>`)."""
    ministers = tuple(f"minister:{p}" for p in setting.campaign.portfolios())
    choices = ("pm", *ministers, "mp")
    if reading.to not in choices:
        reading.to = "pm"
    if reading.to != "mp":
        return reading.to
    mp = None
    if riding is not None:
        try:
            mp = setting.directory.mp_for(riding.name_en)
        except VacantSeat as vacancy:
            error = problem(vacancy, reading.lang)
            name = riding.name(reading.lang)
            reading.problems.append(
                replace(
                    error, input_id="riding", message=error.message.replace(riding.name_en, name)
                )
            )
            return None
        except LettersError:
            mp = None
    if mp is None:
        reading.problems.append(
            Problem(
                "riding",
                label(reading.lang, "riding"),
                tr(reading.lang, "no member of Parliament is known for this riding"),
                tr(
                    reading.lang,
                    "choose your riding from the list, or write to the Prime Minister or a minister",
                ),
            )
        )
        return None
    return mp.id


def _signature(reading: Reading, drawn: str, upload: FileStorage | None) -> bytes | None:
    if reading.mode not in signing.MODES:
        reading.mode = "typed"
    try:
        if reading.mode == "typed":
            text = reading.values["signature_typed"].strip() or reading.values["name"].strip()
            if not text and reading.problems:
                return None  # the missing name is already reported; the signature would be it
            reading.typed_signature = signing.typed_name(text)
            return None
        if reading.mode == "upload" and upload is not None and upload.filename:
            return prepare_signature(upload.stream.read(MAX_BYTES + 1))
        if drawn:
            # A drawing, or the signature kept from the preview (uploads are kept the same way).
            return signing.from_data_url(drawn)
        raise InputError(
            translatable("is missing"),
            field="signature",
            fix=translatable("draw or upload your signature, or type your name instead")
            if reading.mode == "draw"
            else translatable("choose an image of your signature, or type your name instead"),
        )
    except InputError as error:
        input_id = {"draw": "mode-draw", "upload": "signature_file"}.get(
            reading.mode, "signature_typed"
        )
        reading.problems.append(problem(error, reading.lang, input_id))
        return None


def _input_of(field_name: str | None, setting: Setting) -> str:
    if field_name == "demand":
        return f"demand-{setting.campaign.demands[0].id}"
    if field_name == "to":
        return "to-pm"
    return FIELD_INPUTS.get(field_name or "form", field_name or "form")
