"""Read the page's form into a composed Letter, or into problems a person can read.

Every check on the letter is the library's own (make_sender, prepare_signature, compose); this
module maps form fields onto it, finds the recipient from the postal code, and says what is wrong
in one plain sentence per field, in the page's language.

A post is read in one of two ways. A *draft* (finding the MP, updating the letter, switching the
language) composes the letter with the page's placeholders for what is not typed yet ("Your
name"), so the letter is in view from the start; only what is typed wrongly is an error. A
*final* post (download, email) needs every field.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from babel.lists import format_list
from babel.numbers import format_decimal
from werkzeug.datastructures import FileStorage, ImmutableMultiDict

from ..compose import Letter
from ..errors import DirectoryError, InputError, LettersError, fill, translatable
from ..i18n import SOURCE_LANGUAGE, Language, languages, translations, typography
from ..pipeline import Setting, make_letter
from ..recipients import Recipient, VacantSeat
from ..senders import POSTAL_PROVINCES, PROVINCES, Sender, make_sender
from ..sending import MAX_BYTES, UPLOAD, address, prepare_signature
from . import signing
from .lookup import Lookup, LookupBusy, LookupNotFound, LookupUnavailable, LookupUnreachable
from .postal import PostalReading, read_postal_code
from .ridings import Riding, find_riding, ridings_starting, suggest_ridings

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
FINAL_ACTIONS = ("download", "email")
# What the form can hold: about 30 fields and one checkbox a demand. A post with more values
# (`demand=x` 120,000 times) is refused whole; repeated demand ids count once.
MAX_FORM_VALUES = 200
MAX_DEMAND_IDS = 50

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

# What to do about an empty required field: one sentence each.
REQUIRED = {
    "name": translatable("Enter your name as you sign letters."),
    "street1": translatable("Enter your street address."),
    "city": translatable("Enter your city or town."),
    "province": translatable("Choose your province or territory."),
}

# What a draft letter shows for what is not typed yet, in the letter's language.
PLACEHOLDERS = {
    "name": translatable("Your name"),
    "street": translatable("Your street address"),
    "city": translatable("Your city or town"),
}

# The library names fields as the CLI does; the page's inputs are named a little differently.
FIELD_INPUTS = {"street": "street1", "lang": "letter_lang", "form": "letter-form"}

# Elections Canada's own search: a riding from a street address, when the postal code is not known.
ELECTIONS_CANADA = {
    "en": "https://www.elections.ca/Scripts/vis/FindED?L=e&PAGEID=20",
    "fr": "https://www.elections.ca/Scripts/vis/FindED?L=f&PAGEID=20",
}

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


@dataclass(frozen=True)
class Problem:
    """One error as the page shows it: the input it links to and one sentence saying what to do.

    Beside the field the sentence stands alone; the list at the top links it to the field.
    """

    input_id: str
    sentence: str
    link: tuple[str, str] | None = None  # (address, words): shown beside the field only


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def problem(error: LettersError, lang: str, input_id: str | None = None) -> Problem:
    """A library error in the page's language, as one sentence: what is wrong, then the fix."""
    name = FIELD_INPUTS.get(error.field or "form", error.field or "form")

    def number(value: int) -> str:
        return format_decimal(value, locale=Language(lang).locale)

    message = fill(tr(lang, error.template), error.values, number)
    if error.fix_template:
        fix = fill(tr(lang, error.fix_template), error.values, number)
        sentence = tr(lang, "%(problem)s: %(fix)s.") % {"problem": _capital(message), "fix": fix}
    else:
        sentence = _capital(message) + "."
    return Problem(input_id=input_id or name, sentence=sentence)


@dataclass(frozen=True)
class RidingChoice:
    """A riding the constituent may be in, and its MP (None: vacant, or unknown to the page)."""

    riding: Riding
    mp: Recipient | None
    vacancy: VacantSeat | None = None  # the seat is known to be vacant (the House's data)


@dataclass
class Reading:
    """What one form post gave: the letter (maybe a draft) when it can be composed, the problems,
    and what the postal code found."""

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
    draft: bool = True  # the letter shows placeholders, or is not ready to send yet
    strict: bool = False  # what is missing is an error (a download, or after a refused one)
    postal_corrected: bool = False
    searched: bool = False  # the postal code was looked up (or the list was searched)
    searched_code: str = ""  # the postal code the shown answer is for
    riding: RidingChoice | None = None  # the riding in use
    candidates: tuple[RidingChoice, ...] = ()  # the postal code's area touches these
    suggestions: tuple[str, ...] = ()  # ridings starting with what was typed, or close to it

    def add(self, input_id: str, sentence: str) -> None:
        """Note a problem, once per field: the first sentence about a field is the one shown."""
        if all(p.input_id != input_id for p in self.problems):
            self.problems.append(Problem(input_id, sentence))

    @property
    def ready(self) -> bool:
        """The letter can be sent as it is: composed, with nothing missing or wrong."""
        return self.letter is not None and not self.draft

    @property
    def nudge(self) -> bool:
        """Ready, but without a sentence of the sender's own (issue 26: offices weigh it)."""
        return self.ready and not self.values["note"].strip()

    @property
    def found(self) -> bool:
        """Whether the page has moved past the postal code (a recipient can be shown)."""
        return self.searched or bool(self.values["riding"]) or self.letter is not None


def start_reading(
    form: ImmutableMultiDict, lang: str, offered: tuple[str, ...] | None = None
) -> Reading:
    """The form's values as typed (cut to a sane length), for re-filling the page. The letter's
    language is one of `offered` (the campaign's: `Setting.letter_languages`), by default the
    page's, else English."""
    offered = offered or languages()
    default = lang if lang in offered else SOURCE_LANGUAGE
    letter_lang = form.get("letter_lang", default)
    riding = next((r for r in form.getlist("riding") if r.strip()), "")
    values = {name: form.get(name, "")[:10_000] for name in TEXT_FIELDS}
    values["riding"] = (form.get("riding_pick") or riding)[:10_000]
    return Reading(
        lang=lang,
        values=values,
        demands=tuple(dict.fromkeys(form.getlist("demand")))[:MAX_DEMAND_IDS],
        to=form.get("to", "mp"),
        mode=form.get("signature_mode", "typed"),
        letter_lang=letter_lang if letter_lang in offered else default,
        envelope=form.get("envelope") == "1",
        searched=bool(form.get("searched")),
        searched_code=form.get("searched", "")[:10],
    )


def read_form(
    setting: Setting,
    ridings: tuple[Riding, ...],
    form: ImmutableMultiDict,
    upload: FileStorage | None,
    lang: str,
    day: date,
    lookup: Lookup | None = None,
    *,
    action: str = "preview",
) -> Reading:
    reading = start_reading(form, lang, setting.letter_languages())
    final = action in FINAL_ACTIONS
    # After a refused download the page keeps asking for what is missing until it is there.
    strict = reading.strict = final or form.get("checked") == "1"
    reading.draft = not final
    postal = _postal_code(reading)
    if (
        lookup is not None
        and postal.code
        and reading.searched_code
        and postal.code != reading.searched_code.upper()
    ):
        action = "find"  # a new postal code is looked up, whichever button sent it
    if action == "find" and postal.code:
        new_code = lookup is not None and postal.code != reading.searched_code
        if new_code and not form.get("riding_pick"):
            reading.values["riding"] = ""  # a new postal code: find its riding afresh
        reading.to = "mp"
        reading.searched = True
    if "demands_shown" not in form and "demand" not in form:  # the first screen: all of them
        reading.demands = tuple(d.id for d in setting.campaign.demands)
    _find_riding(setting, reading, ridings, lookup, postal, searching=action == "find")
    missing = _missing(reading, strict)
    sender = read_sender(reading, missing, postal)
    _check_demands(setting, reading)
    recipient = _recipient(setting, reading, strict)
    reading.signature_png = _signature(reading, form.get("signature_drawn", ""), upload, strict)
    if sender is None or recipient is None or (final and reading.problems):
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
    reading.draft = bool(missing) or bool(reading.problems)
    return reading


def _postal_code(reading: Reading) -> PostalReading:
    """Read the postal code, correcting the obvious slips (O for 0, lower case, no space)."""
    postal = read_postal_code(reading.values["postal_code"])
    if postal.code:
        reading.postal_corrected = postal.code != reading.values["postal_code"].strip()
        reading.values["postal_code"] = postal.code
        if not reading.values["province"] and postal.province:
            reading.values["province"] = postal.province
    elif postal.problem:
        values = {k: tr(reading.lang, v) for k, v in postal.values}
        reading.add("postal_code", tr(reading.lang, postal.problem) % values)
    return postal


def _missing(reading: Reading, final: bool) -> set[str]:
    """The required fields left empty: errors in a final post, placeholders in a draft."""
    missing = {name for name in REQUIRED if not reading.values[name].strip()}
    if final:
        for name in REQUIRED:
            if name in missing:
                reading.add(name, tr(reading.lang, REQUIRED[name]))
    return missing


def email_problems(letter: Letter, lang: str) -> list[Problem]:
    """Why this letter cannot go out as an email draft (no address on either side), if so."""
    problems = []
    if not letter.sender_email:
        problems.append(Problem("email", tr(lang, "Give your email address for an email draft.")))
    else:
        try:
            address(letter.sender_name, letter.sender_email, "email")
        except InputError as error:  # the .eml's stricter rule (email-validator)
            problems.append(problem(error, lang))
    if not letter.recipient_email:
        problems.append(
            Problem(
                "to-" + letter.recipient_id.replace(":", "-"),
                tr(
                    lang,
                    "No email address is known for this recipient: download the PDF and "
                    "mail it, postage-free.",
                ),
            )
        )
    return problems


def read_sender(reading: Reading, missing: set[str], postal: PostalReading) -> Sender | None:
    """Run the library's validation; on each error, note it and retry with a valid stand-in.

    A draft fills the empty required fields with the page's placeholders, in the letter's
    language, so the letter can be shown before the constituent has typed their address.
    """
    v = reading.values
    riding = reading.riding.riding if reading.riding else None
    fields = dict(
        name=v["name"],
        street=[v["street1"], v["street2"]],
        city=v["city"],
        province=v["province"],
        postal_code=postal.code or "",
        email=v["email"],
        riding=riding.name(reading.letter_lang) if riding else None,
        note=v["note"],
    )
    placeholders = {
        "name": tr(reading.letter_lang, PLACEHOLDERS["name"]),
        "street": [tr(reading.letter_lang, PLACEHOLDERS["street"])],
        "city": tr(reading.letter_lang, PLACEHOLDERS["city"]),
        # X is NT or NU: the first that agrees with the code, so the draft shows no error
        "province": postal.province or POSTAL_PROVINCES.get((postal.code or "K")[:1], ("ON",))[0],
    }
    broken = {"postal_code"} if postal.code is None else set()
    if postal.code and v["province"] and _wrong_province(reading, postal.code):
        fields["province"] = placeholders["province"]
        broken.add("province")
    for name in missing:
        key = "street" if name == "street1" else name
        fields[key] = placeholders[key]
    if "postal_code" in broken:
        fields["postal_code"] = STAND_INS["postal_code"]
    for _ in range(len(STAND_INS) + 1):
        try:
            sender = make_sender(**fields, lang=reading.letter_lang, demand_ids=reading.demands)
        except InputError as error:
            input_id = FIELD_INPUTS.get(error.field or "", error.field or "form")
            reading.add(input_id, problem(error, reading.lang).sentence)
            if error.field not in STAND_INS or fields[error.field] == STAND_INS[error.field]:
                return None
            fields[error.field] = STAND_INS[error.field]
            broken.add(error.field)
            if error.field == "postal_code":  # the stand-in code must agree with the province
                fields["province"] = STAND_INS["province"]
            continue
        return None if broken else sender
    return None


def _province_names(codes: tuple[str, ...] | list[str], lang: str) -> str:
    names = [p.name_fr if lang == "fr" else p.name_en for p in PROVINCES if p.code in codes]
    return format_list(names, style="or", locale=Language(lang).locale)


def _wrong_province(reading: Reading, postal_code: str) -> bool:
    """A province the postal code is not in: marked on the province (the code found the MP),
    both named, and how they disagree said; the library's own check then never fires."""
    expected = POSTAL_PROVINCES.get(postal_code[:1], ())
    chosen = reading.values["province"]
    if not expected or chosen in expected or chosen not in {p.code for p in PROVINCES}:
        return False
    reading.add(
        "province",
        tr(
            reading.lang,
            "Check the province: postal code %(code)s is in %(expected)s, not %(chosen)s. "
            "Choose %(expected)s, or correct the postal code.",
        )
        % {
            "code": postal_code,
            "expected": _province_names(expected, reading.lang),
            "chosen": _province_names([chosen], reading.lang),
        },
    )
    return True


def _find_riding(
    setting: Setting,
    reading: Reading,
    ridings: tuple[Riding, ...],
    lookup: Lookup | None,
    postal: PostalReading,
    *,
    searching: bool,
) -> None:
    """The riding in use: as chosen or typed, else every riding the postal code's area touches.

    One riding is the answer; several are a question for the constituent (never the centroid's
    MP); none, or no lookup service, leaves the searchable list.
    """
    text = reading.values["riding"].strip()
    if text:
        reading.searched = True
        riding = find_riding(ridings, text)
        if riding is None:
            starting = ridings_starting(ridings, text, reading.lang)
            reading.suggestions = starting or suggest_ridings(ridings, text, reading.lang)
            if len(starting) > 1:
                sentence = tr(reading.lang, "Choose your riding: which of these is it?")
            elif reading.suggestions:
                sentence = tr(reading.lang, "Check the riding: did you mean %(riding)s?") % {
                    "riding": reading.suggestions[0]
                }
            else:
                sentence = tr(reading.lang, "Choose your riding from the list.")
            reading.add("riding", sentence)
            return
        reading.riding = _choice(setting, riding)
        reading.values["riding"] = riding.name(reading.lang)
        return
    if lookup is None or postal.code is None or not (searching or reading.searched):
        return
    reading.searched = True
    try:
        found = lookup(postal.code)
    except LookupNotFound:
        reading.problems.append(
            Problem(
                "riding",
                tr(
                    reading.lang,
                    "Postal code %(code)s was not found. Check it, or find your riding from your "
                    "address at Elections Canada, then choose it from the list.",
                )
                % {"code": postal.code},
                (
                    ELECTIONS_CANADA.get(reading.lang, ELECTIONS_CANADA["en"]),
                    tr(reading.lang, "Find your riding at Elections Canada"),
                ),
            )
        )
        return
    except LookupUnreachable:  # the log says why; the person can go on with the list
        reading.add(
            "riding",
            tr(
                reading.lang,
                "We could not reach the postal-code service just now: "
                "choose your riding from the list.",
            ),
        )
        return
    except LookupBusy:  # this minute's lookups are spent: say so now, offer the list
        reading.add(
            "riding",
            tr(
                reading.lang,
                "Too many people are looking up postal codes right now: try again in a "
                "minute, or choose your riding from the list.",
            ),
        )
        return
    except LookupUnavailable:
        reading.add(
            "riding",
            tr(
                reading.lang,
                "The postal code lookup is not answering right now: choose your riding from "
                "the list, or try again later.",
            ),
        )
        return
    choices = tuple(
        _choice(setting, find_riding(ridings, name) or Riding(name, name)) for name in found
    )
    if len(choices) == 1:
        reading.riding = choices[0]
        reading.values["riding"] = choices[0].riding.name(reading.lang)
    else:
        reading.candidates = choices


def _choice(setting: Setting, riding: Riding) -> RidingChoice:
    for name in (riding.name_en, riding.name_fr):
        try:
            return RidingChoice(riding, setting.directory.mp_for(name))
        except VacantSeat as vacancy:
            return RidingChoice(riding, None, vacancy)
        except DirectoryError:
            continue
    return RidingChoice(riding, None)


def _check_demands(setting: Setting, reading: Reading) -> None:
    known = {d.id for d in setting.campaign.demands}
    reading.demands = tuple(d for d in reading.demands if d in known)
    if not reading.demands:
        reading.add(_input_of("demand", setting), tr(reading.lang, "Tick at least one demand."))


def _recipient(setting: Setting, reading: Reading, final: bool) -> str | None:
    """The directory id of the chosen recipient (`pm`, `minister:…`, `mp:…`), or None."""
    ministers = tuple(f"minister:{p}" for p in setting.campaign.portfolios())
    if reading.to not in ("pm", *ministers, "mp"):
        reading.to = "mp"
    if reading.to != "mp":
        return reading.to
    choice = reading.riding
    if choice is not None and choice.mp is not None:
        return choice.mp.id
    if choice is not None and choice.vacancy is not None:  # its own message, dated
        vacancy = choice.vacancy
        sentence = problem(vacancy, reading.lang, "riding").sentence
        reading.add(
            "riding", sentence.replace(vacancy.values["riding"], choice.riding.name(reading.lang))
        )
    elif choice is not None:
        reading.add(
            "riding",
            tr(
                reading.lang,
                "No member of Parliament is known for %(district)s: the seat may be vacant. "
                "Write to the Prime Minister or a minister instead.",
            )
            % {"district": choice.riding.name(reading.lang)},
        )
    elif reading.candidates:
        if final:
            reading.add("riding-pick-0", tr(reading.lang, "Choose the riding your address is in."))
    elif final or reading.searched:
        reading.add(
            "riding",
            tr(
                reading.lang,
                "Choose your riding from the list, or write to the Prime Minister or a minister.",
            ),
        )
    return None


def _signature(
    reading: Reading, drawn: str, upload: FileStorage | None, final: bool
) -> bytes | None:
    if reading.mode not in signing.MODES:
        reading.mode = "typed"
    try:
        if reading.mode == "draw" and not drawn and not final:
            reading.mode = "typed"  # nothing drawn yet: the draft signs with the name
        if reading.mode == "typed":
            text = reading.values["signature_typed"].strip() or reading.values["name"].strip()
            if not text:
                text = tr(reading.letter_lang, PLACEHOLDERS["name"])
            reading.typed_signature = signing.typed_name(text)
            return None
        if reading.mode == "upload" and upload is not None and upload.filename:
            return prepare_signature(upload.stream.read(MAX_BYTES + 1), limits=UPLOAD)
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
        input_id = {"draw": "signature-pad", "upload": "signature_file"}.get(
            reading.mode, "signature_typed"
        )
        reading.add(input_id, problem(error, reading.lang, input_id).sentence)
        return None


def _input_of(field_name: str | None, setting: Setting) -> str:
    if field_name == "demand":
        return f"demand-{setting.campaign.demands[0].id}"
    if field_name == "to":
        return "to-mp"
    return FIELD_INPUTS.get(field_name or "form", field_name or "form")
