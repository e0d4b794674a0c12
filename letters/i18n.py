"""Languages: gettext catalogs, Babel dates, and what Babel lacks (French "1er", typography)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path

import babel
from babel import Locale
from babel.dates import format_date
from babel.support import NullTranslations, Translations
from markupsafe import Markup, escape

from .errors import InputError, TranslationError
from .plurals import PluralFormsError, plural_rule
from .resources import cached_text, keep_in_cache, locales_dir, templates_dir

SOURCE_LANGUAGE = "en"
DOMAIN = "messages"  # the interface's catalogs, in the package's locales/
CAMPAIGN_DOMAIN = "campaign"  # a campaign's own, in <campaign folder>/locales/
# The gettext functions the project marks its messages with, for Babel's extraction.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "mark": ((1, "c"), 2),
    "translatable": None,
    "tr": (2,),
}


def languages() -> tuple[str, ...]:
    """The languages a letter may be written in: English plus every compiled catalog present
    that is not refused (see `catalog_refusal`)."""
    found = sorted(p.parent.parent.name for p in locales_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return (
        SOURCE_LANGUAGE,
        *(lang for lang in found if lang != SOURCE_LANGUAGE and not catalog_refusal(lang)),
    )


def catalog_refusal(lang: str) -> TranslationError | None:
    """Why the compiled catalog for `lang` is refused (its Plural-Forms header), or None.

    A refused language is not offered (the web page, `languages()`); asking for it by name
    gives this error, on one line."""
    if lang == SOURCE_LANGUAGE:
        return None
    try:
        translations(lang)
    except PluralFormsError as error:
        return error
    except InputError:
        pass  # no catalog at all: the caller says which languages there are
    return None


def translations(lang: str) -> NullTranslations:
    """The compiled catalog for `lang` (English, the source, needs none)."""
    if lang == SOURCE_LANGUAGE:
        return NullTranslations()
    mo = locales_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        stamp = mo.stat().st_mtime_ns
    except OSError:
        stamp = None
    if stamp is None or lang != mo.parent.parent.name:  # no "../x" escapes either
        raise InputError(
            f"no catalog for language {lang!r}",
            field="lang",
            fix=f"use one of: {', '.join(languages())}",
        )
    loaded = _load(mo, stamp)
    if isinstance(loaded, PluralFormsError):
        raise loaded
    return loaded


def campaign_translations(lang: str, locales: Path) -> NullTranslations:
    """A campaign's compiled catalog for `lang` (empty when it has none yet: every campaign
    message is then untranslated, and a letter needing one is refused)."""
    if lang == SOURCE_LANGUAGE:
        return NullTranslations()
    mo = locales / lang / "LC_MESSAGES" / f"{CAMPAIGN_DOMAIN}.mo"
    try:
        stamp = mo.stat().st_mtime_ns
    except OSError:
        return NullTranslations()
    loaded = _load(mo, stamp, CAMPAIGN_DOMAIN)
    if isinstance(loaded, PluralFormsError):  # a translator's header is refused here too
        raise loaded
    return loaded


def campaign_languages(locales: Path) -> tuple[str, ...]:
    """The languages a campaign has compiled French (or other) for, besides English."""
    found = locales.glob(f"*/LC_MESSAGES/{CAMPAIGN_DOMAIN}.mo")
    return tuple(sorted(p.parent.parent.name for p in found))


@cache
def _load(mo: Path, mtime_ns: int, domain: str = DOMAIN) -> NullTranslations | PluralFormsError:
    """Read a .mo once; a recompiled catalog (new mtime) or another locales dir is read afresh.

    Its Plural-Forms header is checked first (letters.plurals) and the checked rule replaces
    the one gettext would run, so a translator's header is never executed. A refused catalog
    is remembered as its error, until it is compiled again."""
    data = mo.read_bytes()
    header = mo_plural_forms(data)
    try:
        rule = plural_rule(header, mo.parent.parent.name) if header is not None else None
        catalog = Translations(BytesIO(data), domain)
    except PluralFormsError as error:
        return error
    except (ValueError, SyntaxError, OverflowError, RecursionError) as error:  # gettext's parse
        return PluralFormsError(
            f"{mo} cannot be read ({type(error).__name__})",
            field=f"{mo.parent.parent.name} catalog",
            fix="compile the catalog again with `letters i18n compile`",
        )
    # No header (or one gettext found elsewhere): gettext's default rule, never the file's.
    catalog.plural = rule.index if rule is not None else lambda n: int(n != 1)
    return catalog


def mo_plural_forms(data: bytes) -> str | None:
    """The Plural-Forms value of a compiled catalog's header (the empty msgid's translation)."""
    magic = int.from_bytes(data[:4], "little")
    order = "little" if magic == 0x950412DE else "big" if magic == 0xDE120495 else None
    if order is None or len(data) < 28:
        return None
    count, originals, translated = (int.from_bytes(data[i : i + 4], order) for i in (8, 12, 16))
    # The header is the translation of the empty msgid, which sorts first.
    if count < 1 or int.from_bytes(data[originals : originals + 4], order) != 0:
        return None
    size, start = (int.from_bytes(data[translated + k : translated + k + 4], order) for k in (0, 4))
    for line in data[start : start + size].decode("utf-8", "replace").splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "plural-forms":
            return value.strip()
    return None


@dataclass(frozen=True)
class MessageRef:
    """One message of the catalogs, as a translator finds it: msgid and context."""

    msgid: str
    context: str | None = None

    def __str__(self) -> str:
        text = self.msgid if len(self.msgid) <= 60 else self.msgid[:57] + "…"
        return f"{text!r} ({self.context})" if self.context else repr(text)


def is_translated(catalog: NullTranslations, context: str | None, message: str) -> bool:
    """Whether the compiled catalog has a translation (fuzzy and empty ones are never compiled).

    `message` is the msgid (the singular of a plural message, stored as (msgid, form) keys)."""
    key = f"{context}\x04{message}" if context else message
    compiled = getattr(catalog, "_catalog", {})
    return key in compiled or (key, 0) in compiled


@dataclass(frozen=True)
class Language:
    """Everything language-specific a stage needs, passed explicitly."""

    code: str  # "en", "fr"
    # The campaign's own catalogs (its folder's locales/): looked up before the interface's.
    campaign_locales: Path | None = None
    # Messages looked up that the catalog lacks (missing or fuzzy), in order: the letter prints
    # their English, so the pipeline refuses it unless the caller allows an incomplete letter.
    untranslated: list[MessageRef] = field(default_factory=list, compare=False, repr=False)
    # The catalogs, found once (a letter's lookups then cost no file system calls; compose makes
    # a fresh Language per letter, so a recompiled catalog shows in the next letter).
    _catalogs: list[NullTranslations] = field(default_factory=list, compare=False, repr=False)

    @property
    def locale(self) -> Locale:
        return (
            Locale.parse(f"{self.code}_CA")
            if self.code in ("en", "fr")
            else Locale.parse(self.code)
        )

    @property
    def tag(self) -> str:
        """BCP 47 tag for the PDF and HTML (`en-CA`, `fr-CA`)."""
        return f"{self.code}-CA" if self.code in ("en", "fr") else self.code

    def gettext(self, message: str, **values: str) -> str:
        return self.lookup(None, message, values)

    def pgettext(self, context: str, message: str, **values: str) -> str:
        return self.lookup(context, message, values)

    def npgettext(
        self, context: str | None, one: str, other: str, count: int, **values: str
    ) -> str:
        """The plural form for `count` in this language (`one`/`other` are the English)."""
        catalog = self.catalog_of(context, one)
        if self.code == SOURCE_LANGUAGE:
            text = one if count == 1 else other
        elif catalog is not None:
            found = (
                catalog.unpgettext(context, one, other, count)
                if context
                else catalog.ungettext(one, other, count)
            )
            text = typography(found, self.code)
        else:
            self.untranslated.append(MessageRef(one, context))
            text = one if count == 1 else other
        return text % values if values else text

    def lookup(self, context: str | None, message: str, values: dict[str, str]) -> str:
        """Translate, or fall back to the English and record it in `untranslated`."""
        catalog = self.catalog_of(context, message)
        if self.code == SOURCE_LANGUAGE:
            text = message
        elif catalog is not None:
            found = catalog.upgettext(context, message) if context else catalog.ugettext(message)
            text = typography(found, self.code)
        else:
            self.untranslated.append(MessageRef(message, context))
            text = message
        return text % values if values else text

    def catalog_of(self, context: str | None, message: str) -> NullTranslations | None:
        """The catalog that translates a message: the campaign's, else the interface's."""
        if not self._catalogs:
            # translations() also refuses a language the interface lacks.
            self._catalogs.append(translations(self.code))
            if self.campaign_locales is not None and self.code != SOURCE_LANGUAGE:
                self._catalogs.insert(0, campaign_translations(self.code, self.campaign_locales))
        if self.code == SOURCE_LANGUAGE:
            return self._catalogs[0]
        return next((c for c in self._catalogs if is_translated(c, context, message)), None)

    def date_line(self, day: date) -> str:
        return long_date(day, self.code, capitalise=True)


def long_date(day: date, lang: str, capitalise: bool = False) -> str:
    """ "January 28, 2026"; "le 1er février 2026" (Babel writes "1": French wants "1er").

    What Babel's `format_date(day, "d MMMM y", locale="fr_CA")` and `"MMMM d, y"` in en_CA
    give, from the month names alone (`month_names`)."""
    if lang == "fr" and day.year > 0:
        text = f"{day.day} {month_names('fr_CA')[day.month - 1]} {day.year}"
        if day.day == 1:
            text = "1er" + text[1:]
        text = f"le {text}"
        return text[0].upper() + text[1:] if capitalise else text
    if lang == "en" and day.year > 0:
        return f"{month_names('en_CA')[day.month - 1]} {day.day}, {day.year}"
    return format_date(day, "long", locale=lang)


_month_names: dict[str, tuple[str, ...]] = {}


def month_names(locale: str) -> tuple[str, ...]:
    """Babel's wide month names for a locale (`MMMM`), kept in memory and in the user's cache
    by Babel's version: reading them loads the locale's data (root, fr, fr_CA: 17 ms of a
    letter's start, issue 27). A damaged cache entry is read from Babel again."""
    if locale in _month_names:
        return _month_names[locale]
    name = f"months/{locale}-{babel.__version__}.json"
    try:
        names = json.loads(cached_text(name) or "null")
    except ValueError:
        names = None
    if not (
        isinstance(names, list) and len(names) == 12 and all(isinstance(n, str) for n in names)
    ):
        wide = Locale.parse(locale).months["format"]["wide"]
        names = [wide[month] for month in range(1, 13)]
        keep_in_cache(name, json.dumps(names, ensure_ascii=False))
    _month_names[locale] = tuple(names)
    return _month_names[locale]


def mark(context: str, message: str) -> tuple[str, str]:
    """Mark a contextual message for extraction (`letters i18n extract`); translated later."""
    return context, message


NBSP = "\u00a0"

# The campaign's one piece of markup: *Title of a Statute* in italics. Translators keep the
# asterisks (`letters i18n check` flags a translation that drops or adds a pair).
EMPHASIS = re.compile(r"\*([^*\n]+)\*")


# Names and references that must not split at the end of a line, in both languages: a no-break
# hyphen (U+2011) inside « États-Unis » and a bill's number (C-233), a no-break space between
# "Article"/"article", "Bill", « projet de loi », "s."/« par. » and their number, and inside
# "1 million". Charis SIL has both characters.
NO_BREAK_HYPHEN, NO_BREAK_SPACE = "\u2011", "\u00a0"
KEEP_TOGETHER = (
    (re.compile(r"\b(États|Etats)-(Unis)\b"), rf"\1{NO_BREAK_HYPHEN}\2"),
    (re.compile(r"\b([A-Z])-(\d+)\b"), rf"\1{NO_BREAK_HYPHEN}\2"),
    (
        re.compile(
            r"\b(Articles?|articles?|Bill|bill|loi|s\.|ss\.|par\.|paragraphe|section)[ ](?=[A-Z]?[\d])"
        ),
        rf"\1{NO_BREAK_SPACE}",
    ),
    (re.compile(r"(\d)[ ](million|billion|milliards?|millions)\b"), rf"\1{NO_BREAK_SPACE}\2"),
)


def keep_together(text: str) -> str:
    """The text with no-break characters where a name or a reference must not split."""
    for pattern, replacement in KEEP_TOGETHER:
        text = pattern.sub(replacement, text)
    return text


def emphasis(text: str) -> Markup:
    """HTML for a campaign text: everything escaped, then only *…* becomes <em>…</em>; names and
    references that must not split are kept together (`keep_together`)."""
    parts = EMPHASIS.split(keep_together(text))  # plain, emphasised, plain, …
    return Markup("").join(
        Markup("<em>%s</em>") % part if index % 2 else escape(part)
        for index, part in enumerate(parts)
    )


def plain(text: str) -> str:
    """A campaign text without its markup, for plain text (the asterisks go, the words stay)."""
    return EMPHASIS.sub(r"\1", text)


@lru_cache(maxsize=4096)  # a batch types the same few hundred messages for every letter
def typography(text: str, lang: str) -> str:
    """Canadian French spacing: no-break space before ":" "»" "$" "%" and after "«";
    none before ";" "!" "?" (Translation Bureau usage, which differs from France's)."""
    if lang != "fr":
        return text
    text = re.sub(r"[ \u00a0\u202f]*([;!?])", r"\1", text)
    text = re.sub(r"[ \u00a0\u202f]*(:)(?=\s|$)", NBSP + r"\1", text)
    text = re.sub(r"[ \u00a0\u202f]*»", NBSP + "»", text)
    text = re.sub(r"(?<=\d)[ \u00a0\u202f]*([$%])(?!\()", NBSP + r"\1", text)
    text = re.sub(r"«[ \u00a0\u202f]*", "«" + NBSP, text)
    return text


def starts_with_vowel_sound(name: str) -> bool:
    """Whether French elides "de" before this name (d'Edmonton; de Halifax, h aspiré-safe)."""
    return bool(re.match(r"[AEIOUYÀÂÉÈÊËÎÏÔÖÙÛÜaeiouyàâéèêëîïôöùûü]", name))


# The templates a letter is printed from (templates/): not the web page's, the review's or the
# batch's cover sheet, whose messages a letter never prints.
LETTER_TEMPLATES = ("letter.html.j2", "letter.txt.j2", "partials/*.j2")
ENVELOPE_TEMPLATES = ("envelope.html.j2",)


def template_messages(
    patterns: tuple[str, ...] = LETTER_TEMPLATES,
) -> tuple[tuple[str | None, str], ...]:
    """(context, msgid) of every message the templates matching `patterns` print (by default,
    the letter's).

    Babel's extractor takes ~150 ms over the templates, which every `letters write` would pay:
    the answer is kept in memory and in the user's cache (`cache_dir()`), keyed by a hash of
    the templates' contents, so an edited template is read afresh and the package's own folder
    (read-only in an installed wheel) is never written to."""
    root = templates_dir()
    files = sorted({path for pattern in patterns for path in root.glob(pattern)})
    # In this process, a template unchanged since last time (same mtime and size) is not read
    # again: the batch asks once a letter.
    stamp = (
        patterns,
        tuple((path, path.stat().st_mtime_ns, path.stat().st_size) for path in files),
    )
    found = _remembered.get(stamp)
    if found is None:
        found = _remembered[stamp] = _cached_messages(
            root, patterns, _templates_key(root, files, patterns)
        )
    return found


_remembered: dict[tuple, tuple[tuple[str | None, str], ...]] = {}


def _templates_key(root: Path, files: list[Path], patterns: tuple[str, ...]) -> str:
    """A digest of what the extraction depends on: the name and bytes of every template the
    patterns match, the patterns, the keywords and Babel's version."""
    digest = hashlib.sha256(repr((patterns, KEYWORDS, babel.__version__)).encode())
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _cached_messages(
    root: Path, patterns: tuple[str, ...], key: str
) -> tuple[tuple[str | None, str], ...]:
    name = f"template-messages/{key}.json"
    try:
        return tuple((context, message) for context, message in json.loads(cached_text(name)))
    except (TypeError, ValueError):
        pass  # not cached yet (None), or damaged: extract again
    found = _extract_messages(root, patterns)
    keep_in_cache(name, json.dumps(found))
    return found


def _extract_messages(root: Path, patterns: tuple[str, ...]) -> tuple[tuple[str | None, str], ...]:
    from babel.messages.extract import extract_from_dir  # 50 ms of imports, rarely needed

    options = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
    found = extract_from_dir(
        str(root),
        [(pattern, "jinja2") for pattern in patterns],
        dict.fromkeys(patterns, options),
        KEYWORDS,
    )
    return tuple(dict.fromkeys((context, message) for _, _, message, _, context in found))
