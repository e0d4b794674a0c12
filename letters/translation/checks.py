"""Checks a translator runs on a catalog: what is missing, stale or suspicious in each message.

Each check is a small function over one message's English and translation; `check_catalog`
runs them all and returns `Finding`s (plain data the CLI prints as text or JSON and the review
document highlights). Errors break a letter (a placeholder or tag that differs, a message that
is missing); warnings are what a reviewer should look at (numbers, typography, agreed terms).

A message may relax a check when its comments say so: a line `allow: placeholders, punctuation`
in the source's TRANSLATORS comment (or a translator comment `# allow: …` in the PO file). The
French salutations, for instance, leave out the English name placeholders on purpose.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from .. import tomlsafe
from ..i18n import MessageRef
from ..plurals import PluralFormsError, babel_difference, plural_rule
from ..resources import package_data

ERROR, WARNING = "error", "warning"
SEVERITY = {
    "untranslated": ERROR,
    "fuzzy": ERROR,
    "obsolete": ERROR,
    "placeholders": ERROR,
    "markup": ERROR,
    "characters": ERROR,
    "format": ERROR,
    "plural-forms": ERROR,
    "numbers": WARNING,
    "unchanged": WARNING,
    "whitespace": WARNING,
    "punctuation": WARNING,
    "capital": WARNING,
    "length": WARNING,
    "typography": WARNING,
    "terms": WARNING,
}
# The errors that stop `letters i18n compile`: a message with one would break or corrupt a
# letter. Untranslated, fuzzy and obsolete messages are work in progress: compile leaves them out
# and a letter that needs one refuses to print (the translation gate).
STOPS_COMPILE = frozenset({"placeholders", "markup", "characters", "format", "plural-forms"})
UNFINISHED = frozenset({"untranslated", "fuzzy", "obsolete"})
# Checks an `allow:` comment can relax. Markup never: a translation is text, and only markup the
# English has is kept as markup when a letter is rendered (letters.render.text_gettext).
RELAXABLE = frozenset(SEVERITY) - {
    "untranslated",
    "fuzzy",
    "obsolete",
    "markup",
    "characters",
    "format",
    "plural-forms",  # only a reviewed exception in letters/data/plural_forms.toml
}
# What starts a tag, an entity or an attribute value: a translation has no more of each than
# its English. Typographic quotes (« » “ ” ’) are what a translation uses instead.
MARKUP_CHARACTERS = "<&\"'"
# Translation length / English length for messages of LONG characters or more.
LONG = 40
RATIO = (0.7, 2.0)
UNCHANGED_MIN = 25

NAMED = re.compile(r"%\((\w+)\)[#0+-]?\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
POSITIONAL = re.compile(r"%[#0+-]?\d*(?:\.\d+)?[sdif]")
BRACED = re.compile(r"\{([\w:-]+)\}")  # also a campaign's office: {minister:foreign-affairs}
EMPHASIS = re.compile(r"\*[^*\n]+\*")  # a campaign's italics: *Title of an Act*
TAG = re.compile(r"</?[A-Za-z][^<>]*>")
ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
NUMBER = re.compile(r"\d+(?:[,.\u00a0\u202f ]\d{3})*(?:\.\d+)?")
ABBREVIATION = re.compile(r"(?:\b(?:[A-Z]\.){1,4}|\b(?:Mr|Ms|Mrs|Dr|St|Inc|Ltd|Jr|Sr)\.)$")
FINAL = ".:;!?,…"
NBSPS = "\u00a0\u202f"
MONTHS_FR = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"


@dataclass(frozen=True)
class Finding:
    """One problem in one message of one catalog."""

    catalog: str  # path of the PO file
    msgid: str
    context: str | None
    locations: tuple[str, ...]  # campaigns/…/campaign.toml:demands.x.text, letters/compose.py:180
    check: str
    severity: str
    detail: str
    # Proofreading (letters.translation.proofing) names the tool's rule and its suggested corrections.
    rule: str = ""
    suggestions: tuple[str, ...] = ()

    @property
    def message_label(self) -> str:
        return str(MessageRef(self.msgid, self.context))

    def line(self) -> str:
        where = self.locations[0] if self.locations else "(no location)"
        if not self.rule:
            return f"{self.catalog}: {where}: {self.severity} [{self.check}] {self.message_label}: {self.detail}"
        more = f" (and {len(self.locations) - 1} more)" if len(self.locations) > 1 else ""
        fixes = f"; suggested: {' | '.join(self.suggestions)}" if self.suggestions else ""
        return (
            f"{self.catalog}: {where}{more}: {self.severity} [{self.check} {self.rule}] "
            f"{self.message_label}: {self.detail}{fixes}"
        )

    def as_dict(self) -> dict:
        return asdict(self)


# -- the checks: (english, translation, lang) -> details ------------------------------------------


def placeholders(english: str, translation: str, lang: str, allowed: frozenset) -> list[str]:
    def found(text: str) -> Counter:
        text = text.replace("%%", "")
        return Counter(
            [f"%({n})s" for n in NAMED.findall(text)]
            + [m.group(0) for m in POSITIONAL.finditer(NAMED.sub("", text))]
            + [f"{{{n}}}" for n in BRACED.findall(text)]
        )

    source, target = found(english), found(translation)
    missing, extra = list((source - target).elements()), list((target - source).elements())
    if "placeholders" in allowed:  # a named placeholder may be left out, never invented
        missing = [p for p in missing if not p.startswith(("%(", "{"))]
    if missing and extra:
        return [f"renamed: {', '.join(missing)} became {', '.join(extra)}"]
    problems = []
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if extra:
        problems.append(f"not in the English: {', '.join(extra)}")
    return problems


def markup(english: str, translation: str, lang: str) -> list[str]:
    def found(text: str) -> Counter:
        italics = ["*…*"] * len(EMPHASIS.findall(text))
        return Counter(TAG.findall(text) + ENTITY.findall(text) + italics)

    source, target = found(english), found(translation)
    extra, missing = target - source, source - target
    problems = []
    if extra:
        problems.append(
            f"markup not in the English (printed as text, never as markup): {', '.join(extra.elements())}"
        )
    if missing:
        problems.append(f"markup of the English missing: {', '.join(missing.elements())}")
    return problems


def markup_characters(english: str, translation: str, lang: str) -> list[str]:
    """Every `<`, `&` or straight quote the English lacks: an unclosed tag (`<a href=x`), an
    entity or an attribute opened in a translation, which the complete-tag check cannot see."""
    extra = [
        f"{char!r} ×{translation.count(char) - english.count(char)}"
        for char in MARKUP_CHARACTERS
        if translation.count(char) > english.count(char)
    ]
    if not extra:
        return []
    return [
        f"characters not in the English: {', '.join(extra)} (translations are text; use « » "
        "or ’ for quotes, « et » for &)"
    ]


def _numbers(text: str) -> Counter:
    return Counter(re.sub(r"[,\u00a0\u202f ]", "", n) for n in NUMBER.findall(_plain(text)))


def numbers(english: str, translation: str, lang: str) -> list[str]:
    missing = _numbers(english) - _numbers(translation)
    extra = _numbers(translation) - _numbers(english)
    problems = []
    if missing:
        problems.append(f"numbers of the English missing: {', '.join(missing.elements())}")
    if extra:
        problems.append(f"numbers not in the English: {', '.join(extra.elements())}")
    return problems


def unchanged(english: str, translation: str, lang: str) -> list[str]:
    if translation == english and len(english) >= UNCHANGED_MIN:
        return ["the translation is the English, unchanged"]
    return []


def whitespace(english: str, translation: str, lang: str) -> list[str]:
    problems = []
    if _lead(english) != _lead(translation):
        problems.append("leading whitespace differs from the English")
    if _trail(english) != _trail(translation):
        problems.append("trailing whitespace differs from the English")
    return problems


def _lead(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


def _trail(text: str) -> str:
    return text[len(text.rstrip()) :]


def _final(text: str) -> str:
    text = text.rstrip().rstrip("»”\"')]" + NBSPS).rstrip()
    return text[-1] if text and text[-1] in FINAL else ""


def punctuation(english: str, translation: str, lang: str) -> list[str]:
    if ABBREVIATION.search(english.rstrip()):
        return []  # "M.P." ends with an abbreviation's period, not a sentence's
    source, target = _final(english), _final(translation)
    if source != target:
        return [
            f"ends with {source or 'no punctuation'!r}, the translation with {target or 'none'!r}"
        ]
    return []


def _first_letter(text: str) -> str:
    text = _plain(text).lstrip(" «“\"'(¡¿" + NBSPS)
    return text[:1]


def capital(english: str, translation: str, lang: str) -> list[str]:
    source, target = _first_letter(english), _first_letter(translation)
    if source.isalpha() and target.isalpha() and source.isupper() != target.isupper():
        case = "a capital" if source.isupper() else "a lower-case letter"
        return [f"the English starts with {case}, the translation does not"]
    return []


def length(english: str, translation: str, lang: str) -> list[str]:
    if len(english) < LONG:
        return []
    ratio = len(translation) / len(english)
    if not RATIO[0] <= ratio <= RATIO[1]:
        return [
            f"{ratio:.2f} times the English length (usually {RATIO[0]}–{RATIO[1]}): cut or padded?"
        ]
    return []


def typography(english: str, translation: str, lang: str) -> list[str]:
    """Canadian French (Translation Bureau) spacing and quotes; other languages: none yet."""
    if not lang.startswith("fr"):
        return []
    text = _plain(translation)
    rules = [
        (r"(?<![\u00a0\u202f]):(?=\s|$)", 'a no-break space (U+00A0 or U+202F) goes before ":"'),
        (r"(?<![\u00a0\u202f])»", 'a no-break space goes before "»"'),
        (r"«(?![\u00a0\u202f])", 'a no-break space goes after "«"'),
        (r"[ \u00a0\u202f][;!?]", 'no space before ";", "!" or "?" in Canadian usage'),
        (r'"', "straight quotes: use « » (inner quotes “ ”)"),
        (r"\d(?: |)[$%]", 'a no-break space goes between a number and "$" or "%"'),
        (rf"\b1[ \u00a0\u202f]+(?:{MONTHS_FR})\b", 'the first day of the month is "1er"'),
    ]
    return [why for pattern, why in rules if re.search(pattern, text)]


@cache
def terms(path: Path | None = None) -> tuple[dict, ...]:
    """The agreed protocol terms (letters/data/terms.toml)."""
    path = path or package_data("terms.toml")
    return tuple(tomlsafe.loads(path.read_text(encoding="utf-8"))["term"])


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("’", "'").casefold()
    return re.sub(rf"[\s{NBSPS}]+", " ", text)


def agreed_terms(english: str, translation: str, lang: str) -> list[str]:
    base = lang.split("_")[0]
    problems = []
    for term in terms():
        accepted = term.get(base)
        if not accepted:
            continue
        used = [e for e in term["en"] if re.search(rf"\b{re.escape(e)}\b", english, re.IGNORECASE)]
        if used and not any(_fold(f) in _fold(translation) for f in accepted):
            problems.append(f"{used[0]!r} is translated {' or '.join(map(repr, accepted))}")
    return problems


def _plain(text: str) -> str:
    """The words of a message: placeholders stand as a word (so "%(x)s;" is no space before
    ";"), tags and entities are gone."""
    text = NAMED.sub("x", text.replace("%%", "%"))
    text = BRACED.sub("x", text)
    return EMPHASIS.sub(lambda m: m[0][1:-1], ENTITY.sub("", TAG.sub("", text)))


CONTENT_CHECKS: dict[str, Callable[[str, str, str], list[str]]] = {
    "markup": markup,
    "characters": markup_characters,
    "numbers": numbers,
    "unchanged": unchanged,
    "whitespace": whitespace,
    "punctuation": punctuation,
    "capital": capital,
    "length": length,
    "typography": typography,
    "terms": agreed_terms,
}


# -- running them ---------------------------------------------------------------------------------


def allowed_checks(*messages: Message | None) -> frozenset[str]:
    """Checks relaxed by an `allow: a, b` line in the message's comments (source or PO)."""
    names: set[str] = set()
    for message in messages:
        if message is None:
            continue
        for comment in [*message.auto_comments, *message.user_comments]:
            for match in re.finditer(r"allow:\s*([\w\s,-]+)", comment):
                names.update(n.strip() for n in match.group(1).split(","))
    return frozenset(names) & RELAXABLE


def _locations(message: Message | None) -> tuple[str, ...]:
    if message is None:
        return ()
    return tuple(f"{name}:{line}" if line else name for name, line in message.locations)


def message_findings(
    message: Message, lang: str, allowed: frozenset[str] = frozenset()
) -> Iterator[tuple[str, str]]:
    """(check, detail) for one translated message; the core every report is built on.

    A plural message is checked form by form: the first against the English singular, the
    others against the English plural.
    """
    for english, translation in _forms(message):
        for detail in placeholders(english, translation, lang, allowed):
            yield "placeholders", detail
        for name, check in CONTENT_CHECKS.items():
            if name not in allowed:
                for detail in check(english, translation, lang):
                    yield name, detail


def _forms(message: Message) -> list[tuple[str, str]]:
    if isinstance(message.id, str):
        return [(message.id, _singular(message.string))]
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    pairs = [(message.id[0 if index == 0 else 1], form) for index, form in enumerate(strings)]
    return list(dict.fromkeys(pair for pair in pairs if pair[1]))


def _singular(value) -> str:
    return value if isinstance(value, str) else value[0]


def check_catalog(
    catalog: Catalog, template: Catalog, path: Path | str, lang: str | None = None
) -> list[Finding]:
    """Every finding for a PO catalog against the English template (a fresh extract)."""
    lang = lang or str(catalog.locale)
    findings: list[Finding] = plural_forms(catalog, path, lang)

    def add(message: Message, template_message: Message | None, check: str, detail: str):
        findings.append(
            Finding(
                catalog=str(path),
                msgid=_singular(message.id),
                context=message.context,
                locations=_locations(template_message) or _locations(message),
                check=check,
                severity=SEVERITY[check],
                detail=detail,
            )
        )

    for source in template:
        if not source.id:
            continue
        key = source.id if source.context is None else (source.id, source.context)
        message = catalog.get(source.id, source.context)
        if message is None:
            if key in catalog.obsolete or source.id in catalog.obsolete:
                add(
                    source,
                    source,
                    "obsolete",
                    "marked obsolete (#~) but used again: `letters i18n update` restores it",
                )
            else:
                add(source, source, "untranslated", "not in the catalog: run `letters i18n update`")
            continue
        if not _singular(message.string):
            add(message, source, "untranslated", "no translation yet")
            continue
        if not isinstance(message.string, str) and not all(message.string):
            add(message, source, "untranslated", "a plural form (msgstr[n]) is empty")
            continue
        if message.fuzzy:
            add(message, source, "fuzzy", "marked fuzzy: the English changed; check and unmark")
            continue
        for check, detail in message_findings(message, lang, allowed_checks(source, message)):
            add(message, source, check, detail)
    return findings


def plural_forms(catalog: Catalog, path: Path | str, lang: str) -> list[Finding]:
    """The header's Plural-Forms: strict grammar, forms in range for n in 0…1000, at most 6
    forms, and Babel's rule for the language unless a reviewed exception allows it."""
    try:
        detail = babel_difference(plural_rule(catalog.plural_forms, lang), lang)
    except PluralFormsError as error:
        detail = error.message
    if not detail:
        return []
    where = ("(header) Plural-Forms",)
    return [Finding(str(path), "", None, where, "plural-forms", ERROR, detail)]


def blocking_findings(catalog: Catalog, path: Path | str) -> list[Finding]:
    """Errors that would break a letter if compiled: placeholders, markup, Babel's format check,
    the Plural-Forms header."""
    lang = str(catalog.locale)
    findings = plural_forms(catalog, path, lang)
    for message in catalog:
        if not message.id or not _singular(message.string) or message.fuzzy:
            continue
        allowed = allowed_checks(message)
        details = [
            (check, detail)
            for check, detail in message_findings(message, lang, allowed)
            if check in STOPS_COMPILE
        ]
        details += [("format", str(error)) for error in message.check(catalog)]
        for check, detail in details:
            findings.append(
                Finding(
                    str(path),
                    _singular(message.id),
                    message.context,
                    _locations(message),
                    check,
                    ERROR,
                    detail,
                )
            )
    return findings


def summary(findings: list[Finding], strict: bool = False) -> str:
    """The last line of `check`: how many problems, and which of them stop `compile`."""
    errors = sum(f.severity == ERROR for f in findings)
    stopping = sum(f.check in STOPS_COMPILE for f in findings)
    unfinished = sum(f.check in UNFINISHED for f in findings)
    return (
        f"{len(findings)} problem(s): {errors} error(s), {len(findings) - errors} "
        f"warning(s){' (strict)' if strict else ''}; {stopping} of the errors stop "
        f"`letters i18n compile` (placeholders, markup, characters, format, plural-forms), "
        f"{unfinished} are "
        "messages not translated yet or fuzzy, which compile leaves out"
    )


def failing(findings: list[Finding], strict: bool = False) -> list[Finding]:
    """The findings that fail a check run: errors, and warnings too when strict."""
    return [f for f in findings if strict or f.severity == ERROR]
