"""Proofreading: French grammar with Grammalecte, spelling with Hunspell, house usage rules.

`letters i18n check` compares a translation with its English; it cannot see a wrong agreement,
a typo or "center" in a Canadian letter. This module reads the words themselves, with tools made
for it:

- **Hunspell** (through Enchant, `pyenchant`) with Debian's `en_CA` and `fr_CA` dictionaries
  checks the spelling of every language that has a dictionary;
- **Grammalecte** (Debian's `grammalecte-cli`, its JSON output) checks French grammar. It runs as
  its own process under Debian's Python, so the venv never imports system packages;
- **usage rules** written in `letters/data/proofing.toml` catch what neither knows, such as
  « Madame le Ministre » (Canadian usage feminises the title).

What is checked: every English source string (templates, code, campaigns), every translated
msgstr, and the text of composed letters to every kind of recipient. Placeholders, markup and
code (`commands`, --options, file names) are masked first; names of people and places taken
from data, and a sender's personal note, are never checked. The Canadian settings (rules turned
off, words added) live in proofing.toml with a reason beside each; nothing is silenced here.

A tool or dictionary that is missing (pyenchant, the Enchant library, a Hunspell dictionary,
grammalecte-cli) stops the proofreading before it starts, with `ToolMissing`: what is missing
and how to install it. A proofread that quietly checked nothing would pass a typo. With
`skip_unavailable` the rest is proofread and `Proof.unchecked` says what was not. A language for
which no grammar checker exists at all (English) is not an error: it is noted in `unchecked`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import time
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path

from .. import tomlsafe
from ..campaign import campaign_ids, find_campaign
from ..errors import TranslationError
from ..i18n import SOURCE_LANGUAGE, campaign_languages, languages
from ..pipeline import Setting, letter_for
from ..resources import package_data
from ..senders import make_sender
from . import catalog
from .checks import ERROR, NAMED, POSITIONAL, TAG, WARNING, Finding

GRAMMALECTE = "grammalecte-cli"
# Grammalecte's rule types that are typography rather than grammar: a warning, not an error.
TYPOGRAPHIC = frozenset({"nbsp", "esp", "typo", "apos", "num", "unit", "maj", "notype"})
# {count}, and the campaign's office placeholders ({pm}, {minister:digital-innovation}).
BRACED = re.compile(r"\{(\w*)(?::[\w-]+)?\}")
ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
# Code in a message: `a command`, --an-option, a path, a file name, a URL or an email address.
CODE = re.compile(
    r"`[^`]*`|(?<!\w)--?[a-z][\w-]*|\S+@\S+\.\w+|\w+://\S+|\S*/\S+"
    r"|(?<!\w)[\w.-]*\.(?:toml|po|pot|mo|csv|xlsx|pdf|html|json|txt|png|j2|py|zip|eml)\b"
)
WORD = re.compile(r"[\w’'-]+")
ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)
POSSESSIVE = re.compile(r"['’]s$")


# -- settings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UsageRule:
    """A house rule from proofing.toml: a pattern that is wrong in Canadian usage."""

    id: str
    lang: str
    pattern: re.Pattern
    message: str
    suggestion: str
    # "one-demand": only in composed letters that carry a single demand, where a sentence
    # about "these measures" no longer agrees (Grammalecte reads one paragraph at a time).
    scope: str = ""


@dataclass(frozen=True)
class Settings:
    """proofing.toml: dictionaries, Grammalecte's rules and options off, words, usage rules."""

    dictionaries: dict[str, str]  # language -> Hunspell dictionary (en -> en_CA)
    grammar: dict[str, str]  # language -> grammar checker (fr -> grammalecte)
    rules_off: dict[str, str]  # Grammalecte rule id -> why it is off
    options_off: dict[str, str]  # Grammalecte option -> why it is off
    words: dict[str, dict[str, str]]  # "any" or a language -> word -> why it is correct
    usage: tuple[UsageRule, ...]

    def known_words(self, lang: str) -> frozenset[str]:
        return frozenset({**self.words.get("any", {}), **self.words.get(lang, {})})


@cache
def load_settings(path: Path | None = None) -> Settings:
    """The proofreading settings (default: letters/data/proofing.toml)."""
    path = path or package_data("proofing.toml")
    try:
        return _settings(tomlsafe.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, re.error, KeyError, TypeError, AttributeError) as error:
        raise TranslationError(
            f"cannot read {path.name}: {error}",
            field="proofing",
            fix=f"correct {path} (see docs/translating.md, Proofreading)",
        ) from error


def with_campaign_words(campaigns: Iterable[str | Path], base: Settings | None = None) -> Settings:
    """The settings plus each campaign's own words: the `[words.any]`, `[words.en]`,
    `[words.fr]`… tables of its folder's proofing.toml (names of its people, places, bills)."""
    settings = base or load_settings()
    words = {lang: dict(found) for lang, found in settings.words.items()}
    for ref in campaigns:
        path = find_campaign(ref).parent / "proofing.toml"
        if not path.is_file():
            continue
        try:
            raw = tomlsafe.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise TranslationError(
                f"cannot read {path}: {error}", field="proofing", fix="fix the TOML syntax"
            ) from error
        if set(raw) - {"words"} or not all(
            isinstance(t, dict) for t in raw.get("words", {}).values()
        ):
            raise TranslationError(
                f"{path}: a campaign's proofing.toml holds only [words.<lang>] tables",
                field="proofing",
                fix='write [words.any] (or en, fr) with one line a word: Word = "why it is right"',
            )
        for lang, found in raw.get("words", {}).items():
            words.setdefault(lang, {}).update(found)
    return replace(settings, words=words)


def _settings(raw: dict) -> Settings:
    grammalecte = raw.get("grammalecte", {})
    return Settings(
        dictionaries={k: v["dictionary"] for k, v in raw["languages"].items() if "dictionary" in v},
        grammar={k: v["grammar"] for k, v in raw["languages"].items() if "grammar" in v},
        rules_off=dict(grammalecte.get("rules_off", {})),
        options_off=dict(grammalecte.get("options_off", {})),
        words={lang: dict(words) for lang, words in raw.get("words", {}).items()},
        usage=tuple(
            UsageRule(
                rule["id"],
                rule["lang"],
                re.compile(rule["pattern"]),
                rule["message"],
                rule.get("suggestion", ""),
                rule.get("letters", ""),
            )
            for rule in raw.get("usage", [])
        ),
    )


# -- what is proofread ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """One text to proofread, where it comes from, and the words it takes from data."""

    lang: str
    text: str
    catalog: str  # the PO file, the template (locales/messages.pot), "letter <campaign>"
    msgid: str
    context: str | None = None
    locations: tuple[str, ...] = ()
    names: frozenset[str] = frozenset()  # people and places from data: not spell-checked


class ToolMissing(TranslationError):
    """A proofreading tool this machine lacks: the run would check less than it says."""


@dataclass(frozen=True)
class Unavailable:
    """One check this machine cannot run, and how to make it possible."""

    lang: str
    check: str  # "spelling", "grammar"
    problem: str  # "pyenchant is not installed"
    install: str  # "pip install pyenchant"

    def __str__(self) -> str:
        return f"{self.lang}: {self.check} not checked: {self.problem} ({self.install})"


@dataclass(frozen=True)
class Proof:
    """The findings, and what could not be checked (a missing tool, a language without one)."""

    findings: list[Finding] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    seconds: float = 0.0
    texts: int = 0


# What a placeholder stands for when the grammar is read: a number for a count, else a surname
# (a consonant, so French "de %(name)s" stays "de"; different ones, so two in a row are no
# repetition).
NUMERIC = re.compile(r"count|limit|number|total|part|page|^n$")
STAND_INS = ("Martin", "Tremblay", "Gagnon", "Roy", "Bouchard", "Gauthier", "Morin", "Lavoie")
EMPTY_ELEMENT = re.compile(r"<(\w+)[^<>]*></\1>")


def mask(text: str, words: bool = True) -> str:
    """The words of a message as a reader sees them. Placeholders become a stand-in (a number
    or a surname; with `words=False`, a space), an empty element (a page number) a number,
    other tags and entities nothing; line breaks a space."""
    stand_ins = iter(STAND_INS * 4)

    def stand_in(match: re.Match) -> str:
        if not words:
            return " "
        name = match.group(1) if match.re.groups else ""
        if match.group(0)[-1] in "dif" or NUMERIC.search(name or ""):
            return "3"
        return next(stand_ins, "Martin")

    text = text.replace("%%", "%")
    text = NAMED.sub(stand_in, text)
    text = POSITIONAL.sub(stand_in, text)
    text = BRACED.sub(stand_in, text)
    text = EMPTY_ELEMENT.sub("3" if words else " ", text)
    text = ENTITY.sub(" ", TAG.sub("", text))
    return " ".join(text.splitlines())


# -- spelling: Hunspell through Enchant -----------------------------------------------------------


def _enchant():
    """pyenchant, or the reason it cannot load (not installed, or no Enchant C library)."""
    try:
        import enchant
    except ImportError as error:
        if getattr(error, "name", None) == "enchant":
            return "pyenchant is not installed"
        return f"the Enchant library cannot be loaded ({error})"
    except OSError as error:  # PYENCHANT_LIBRARY_PATH names a file that is not the library
        return f"the Enchant library cannot be loaded ({error})"
    return enchant


def _dictionary(tag: str):
    """Enchant's Hunspell dictionary for `tag`, or None. Debian orders Aspell first for English;
    we ask for Hunspell by name, so every language uses the same engine and dictionaries."""
    enchant = _enchant()
    if isinstance(enchant, str):
        return None
    broker = enchant.Broker()
    broker.set_ordering(tag, "hunspell")
    if not broker.dict_exists(tag):
        return None
    found = broker.request_dict(tag)
    return found if found.provider.name == "hunspell" else None


# Where Debian packages a language's Hunspell dictionary, when the name is not hunspell-<lang>.
HUNSPELL_PACKAGES = {"en": "hunspell-en-ca", "fr": "hunspell-fr-comprehensive"}
GRAMMALECTE_PACKAGES = "grammalecte-cli python3-grammalecte"


def _speller(lang: str, settings: Settings):
    """(dictionary, None), or (None, Unavailable) saying what to install."""
    tag = settings.dictionaries.get(lang, f"{lang}_CA")
    enchant = _enchant()
    if isinstance(enchant, str):
        install = "pip install pyenchant; apt-get install libenchant-2-2"
        return None, Unavailable(lang, "spelling", enchant, install)
    dictionary = _dictionary(tag) or (
        _dictionary(lang) if lang not in settings.dictionaries else None
    )
    if dictionary is None:
        package = HUNSPELL_PACKAGES.get(lang, f"hunspell-{lang.replace('_', '-').lower()}")
        problem = f"no Hunspell dictionary {tag!r} through Enchant"
        return None, Unavailable(lang, "spelling", problem, f"apt-get install {package}")
    return dictionary, None


def unavailable(langs: Iterable[str], settings: Settings | None = None) -> list[Unavailable]:
    """The checks of these languages that this machine cannot run (a tool or a dictionary is
    missing). A language with no grammar checker configured is not among them: there is
    nothing to install."""
    settings = settings or load_settings()
    missing = []
    for lang in dict.fromkeys(langs):
        missing += [u for u in (_speller(lang, settings)[1],) if u]
        if settings.grammar.get(lang) and shutil.which(GRAMMALECTE) is None:
            missing.append(
                Unavailable(
                    lang,
                    "grammar",
                    f"{GRAMMALECTE} not found",
                    f"apt-get install {GRAMMALECTE_PACKAGES}",
                )
            )
    return missing


def require_tools(langs: Iterable[str], settings: Settings | None = None) -> None:
    """Raise ToolMissing, in one line, when a check of these languages cannot run."""
    missing = unavailable(langs, settings)
    if not missing:
        return
    langs_of: dict[tuple[str, str], list[str]] = {}
    for u in missing:  # a library missing for every language is said once
        langs_of.setdefault((u.check, u.problem), []).append(u.lang)
    what = [f"{check} ({', '.join(langs)}): {why}" for (check, why), langs in langs_of.items()]
    installs = "; ".join(dict.fromkeys(u.install for u in missing))
    raise ToolMissing(
        "cannot proofread: " + "; ".join(what),
        field="proofing",
        fix=f"{installs} (on Debian, `make proof-deps` installs them all); or pass"
        " --skip-unavailable to proofread only what this machine can",
    )


def _correct(word: str, dictionary, known: frozenset[str]) -> bool:
    bare = POSSESSIVE.sub("", ELISION.sub("", word))
    if word in known or bare in known or dictionary.check(word) or dictionary.check(bare):
        return True
    parts = [p for p in re.split(r"[-’']", bare) if p]
    return len(parts) > 1 and all(p in known or dictionary.check(p) for p in parts)


def misspelt(text: str, dictionary, known: frozenset[str], names=frozenset()) -> Iterator[str]:
    """The words Hunspell does not know, in order (each once)."""
    seen = set()
    text = CODE.sub(" ", mask(text, words=False))
    for phrase in (k for k in known if " " in k):  # a name of several words, as a whole
        text = text.replace(phrase, " ")
    for match in WORD.finditer(text):
        word = match.group(0).strip("-’'")
        if not word or any(c.isdigit() or c == "_" for c in word) or word in seen:
            continue
        seen.add(word)
        if word not in names and not _correct(word, dictionary, known):
            yield word


# -- grammar: Grammalecte's command line ----------------------------------------------------------


def grammalecte(paragraphs: list[str], settings: Settings) -> list[list[dict]]:
    """Grammalecte's grammar errors for each paragraph (one process for all of them).

    Its JSON numbers paragraphs from 1, one a line; its spelling errors are left to Hunspell.
    """
    command = shutil.which(GRAMMALECTE)
    if command is None:
        raise FileNotFoundError(GRAMMALECTE)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as f:
        f.write("\n".join(" ".join(p.splitlines()) for p in paragraphs) + "\n")
    args = [command, "-f", f.name, "-j", "-ctx"]
    if settings.rules_off:
        args += ["-roff", *settings.rules_off]
    if settings.options_off:
        args += ["-off", *settings.options_off]
    try:
        done = subprocess.run(args, capture_output=True, text=True, check=True, timeout=600)
    except subprocess.CalledProcessError as error:
        last = (error.stderr or "").strip().splitlines()[-1:] or ["no message"]
        raise TranslationError(
            f"{GRAMMALECTE} failed: {last[0]}",
            field="grammar",
            fix="check the rule ids and options in proofing.toml (grammalecte-cli -lo lists options)",
        ) from error
    finally:
        Path(f.name).unlink()
    errors: list[list[dict]] = [[] for _ in paragraphs]
    for paragraph in json.loads(done.stdout)["data"]:
        index = paragraph["iParagraph"] - 1
        if 0 <= index < len(paragraphs):
            # Grammalecte 2.1 applies -roff to its regex rules only, not to its graph rules
            # (the g0__…g3__ ids; gc_engine.parseGraph never reads the ignored set): the rules
            # turned off in proofing.toml are left out here too, by the id it reports.
            errors[index] = [
                e for e in paragraph["lGrammarErrors"] if e["sRuleId"] not in settings.rules_off
            ]
    return errors


# -- running it -----------------------------------------------------------------------------------


def _finding(text: Text, check: str, severity: str, rule: str, detail: str, suggestions) -> Finding:
    return Finding(
        catalog=text.catalog,
        msgid=text.msgid,
        context=text.context,
        locations=text.locations,
        check=check,
        severity=severity,
        detail=detail,
        rule=rule,
        suggestions=tuple(suggestions)[:5],
    )


def _merge(texts: Iterable[Text]) -> list[Text]:
    """One Text per distinct text, with every location it appears in."""
    merged: dict[tuple, Text] = {}
    for text in texts:
        key = (text.lang, text.text, text.catalog, text.msgid, text.context)
        if key in merged:
            seen = merged[key]
            merged[key] = replace(
                seen,
                locations=tuple(dict.fromkeys(seen.locations + text.locations)),
                names=seen.names | text.names,
            )
        else:
            merged[key] = text
    return list(merged.values())


def proofread(
    texts: Iterable[Text], settings: Settings | None = None, skip_unavailable: bool = False
) -> Proof:
    """Spelling, grammar and usage findings for the texts; what could not be checked.

    By default: the project's settings plus the words of every campaign found (each
    campaign's own proofing.toml). A missing tool raises ToolMissing before any work, unless
    `skip_unavailable`: then what can be checked is, and `unchecked` lists the rest with how to
    install it."""
    started = time.perf_counter()
    settings = settings or with_campaign_words(campaign_ids())
    texts = _merge(texts)
    if not skip_unavailable:
        require_tools((t.lang for t in texts), settings)
    findings: list[Finding] = []
    unchecked: list[str] = []
    for lang in dict.fromkeys(t.lang for t in texts):
        mine = [t for t in texts if t.lang == lang]
        findings += _spelling(mine, lang, settings, unchecked)
        findings += _usage(mine, lang, settings)
        findings += _grammar(mine, lang, settings, unchecked)
    return Proof(findings, unchecked, time.perf_counter() - started, len(texts))


def _spelling(texts: list[Text], lang: str, settings: Settings, unchecked: list[str]):
    dictionary, missing = _speller(lang, settings)
    if dictionary is None:
        unchecked.append(str(missing))
        return []
    known = settings.known_words(lang)
    return [
        _finding(
            t,
            "spelling",
            ERROR,
            f"hunspell:{dictionary.tag}",
            f"unknown word {word!r}",
            dictionary.suggest(word),
        )
        for t in texts
        for word in misspelt(t.text, dictionary, known, t.names)
    ]


def _usage(texts: list[Text], lang: str, settings: Settings) -> list[Finding]:
    findings = []
    for rule in (r for r in settings.usage if r.lang == lang):
        for text in texts:
            if rule.scope:  # only where the text appears in letters of that kind
                where = tuple(x for x in text.locations if f"/{rule.scope}/" in x)
                if not where:
                    continue
                text = replace(text, locations=where)
            findings += [
                _finding(
                    text,
                    "usage",
                    ERROR,
                    rule.id,
                    f"{match.group(0)!r}: {rule.message}",
                    [rule.suggestion] if rule.suggestion else [],
                )
                for match in rule.pattern.finditer(mask(text.text))
            ]
    return findings


def _grammar(texts: list[Text], lang: str, settings: Settings, unchecked: list[str]):
    checker = settings.grammar.get(lang)
    if checker is None:
        unchecked.append(f"{lang}: grammar not checked: no grammar checker for this language")
        return []
    try:
        results = grammalecte([mask(t.text) for t in texts], settings)
    except FileNotFoundError:
        missing = Unavailable(
            lang, "grammar", f"{GRAMMALECTE} not found", f"apt-get install {GRAMMALECTE_PACKAGES}"
        )
        unchecked.append(str(missing))
        return []
    findings = []
    for text, errors in zip(texts, results, strict=True):
        for error in errors:
            severity = WARNING if error.get("sType") in TYPOGRAPHIC else ERROR
            detail = f"{error.get('sUnderlined', '')!r}: {error['sMessage']}"
            findings.append(
                _finding(
                    text,
                    "grammar",
                    severity,
                    error["sRuleId"],
                    detail,
                    error.get("aSuggestions", []),
                )
            )
    return findings


# -- the project's texts --------------------------------------------------------------------------

TEMPLATE_LABEL = "locales/messages.pot"
LETTER_DAY = date(2026, 2, 1)  # the first of a month: the French date line prints "1er"
SAMPLE_NOTE = "Xqzvtr wrote this paragraph herself."  # the sender's own words: never checked


def _forms(value) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _locations(message) -> tuple[str, ...]:
    return tuple(f"{name}:{line}" if line else name for name, line in message.locations)


def source_texts(template, label: str = TEMPLATE_LABEL) -> list[Text]:
    """Every English source string of a fresh extract (the interface's, or a campaign's: then
    `label` names its .pot)."""
    return [
        Text(SOURCE_LANGUAGE, form, label, _forms(m.id)[0], m.context, _locations(m))
        for m in template
        if m.id
        for form in _forms(m.id)
    ]


def translation_texts(po, template, path: str, lang: str) -> list[Text]:
    """Every translated msgstr of a catalog that the template still uses (fuzzy ones too:
    a translator fixing one wants to see its grammar)."""
    texts = []
    for source in template:
        message = po.get(source.id, source.context) if source.id else None
        if message is None:
            continue
        for form in _forms(message.string):
            if form:
                texts.append(
                    Text(lang, form, path, _forms(source.id)[0], source.context, _locations(source))
                )
    return texts


def data_names(recipient, riding: str | None) -> frozenset[str]:
    """The words of a letter that come from data (the recipient's name, the riding, the office's
    city), which the spelling check leaves alone: names are checked where they are kept."""
    values = (recipient.full_name, riding, recipient.office.city)
    return frozenset(w.strip("-’'") for v in values if v for w in WORD.findall(v))


def letter_kinds(setting) -> list[tuple[str, object]]:
    """(label, Recipient): the PM as a woman and a man (a PM of unknown gender is refused: there
    is no neutral protocol form), an MP as a woman, a man and of unknown gender, and the
    minister of each portfolio the campaign writes to."""
    directory = setting.directory
    pm, mp = directory.find("pm"), directory.search("mp")[0]
    genders = (("f", "woman"), ("m", "man"), ("u", "unknown"))
    kinds = [(f"pm-{name}", replace(pm, gender=g)) for g, name in genders if g != "u"]
    kinds += [
        (f"minister-{p}", directory.find(f"minister:{p}")) for p in setting.campaign.portfolios()
    ]
    return kinds + [(f"mp-{name}", replace(mp, gender=g)) for g, name in genders]


def letter_segments(letter) -> Iterator[tuple[str, str]]:
    """(field, text) of a composed letter as printed, without the sender's own lines and note."""
    yield "date_line", letter.date_line
    for number, line in enumerate(letter.recipient_lines):
        yield f"recipient_lines.{number}", line
    yield "subject", letter.subject
    yield "salutation", letter.salutation
    yield "opening", letter.opening
    for number, paragraph in enumerate(letter.context):
        yield f"context.{number}", paragraph
    yield "demands_intro", letter.demands_intro
    for demand in letter.demands:
        yield f"demands.{demand.id}", f"{demand.title}. {demand.text}"
    yield "closing_request", letter.closing_request
    yield "complimentary_close", letter.complimentary_close


def letter_texts(campaign_id: str, langs: Iterable[str]) -> list[Text]:
    """The text `compose` produces for every recipient kind, one demand and all, with and
    without a personal note, in each language."""
    setting = Setting.load(campaign_id)
    texts = []
    for kind, recipient in letter_kinds(setting):
        mine = [
            d.id
            for d in setting.campaign.demands
            if recipient.role != "minister" or recipient.portfolio.id in d.ministers
        ]
        riding = recipient.riding if recipient.role == "mp" else "Hull—Aylmer"
        names = data_names(recipient, riding)
        for lang in langs:
            for chosen in (mine[:1], ()):  # one demand, and all of the recipient's
                for note in ("no-note", "with-note"):
                    sender = make_sender(
                        name="Jeanne Tremblay",
                        street=["123, rue Principale"],
                        city="Gatineau",
                        province="QC",
                        postal_code="J8X 1A1",
                        riding=riding,
                        lang=lang,
                        email="jeanne.tremblay@example.ca",
                        demand_ids=chosen,
                        note=SAMPLE_NOTE if note == "with-note" else None,
                    )
                    letter = letter_for(
                        setting, sender, recipient, LETTER_DAY, allow_incomplete=True
                    )
                    # Named by what the letter holds: a minister with one demand gets one.
                    demands = "one-demand" if len(letter.demands) == 1 else "all-demands"
                    where = f"{lang}/{kind}/{demands}/{note}"
                    texts += [
                        Text(
                            lang,
                            text,
                            f"letter {campaign_id}",
                            text,
                            None,
                            (f"{where}:{name}",),
                            names,
                        )
                        for name, text in letter_segments(letter)
                    ]
    return texts


def project_texts(
    langs: Iterable[str] | None = None, campaigns: Iterable[str] | None = None, letters=True
) -> list[Text]:
    """Everything `letters i18n proof` reads: the English sources, each catalog's translations,
    and (with `letters`) the composed letters of each campaign in English and each language."""
    sets = (
        (catalog.interface_catalogs(), *(catalog.campaign_catalogs(c) for c in campaigns))
        if campaigns
        else catalog.shipped_catalogs()
    )
    texts = []
    for catalogs in sets:
        template = catalogs.extract()
        label = str(_shown(catalogs.pot_path())) if catalogs.campaign else TEMPLATE_LABEL
        texts += source_texts(template, label)
        for lang in langs or catalogs.languages():
            if lang in catalogs.languages():
                texts += translation_texts(
                    catalog.load_po(lang, catalogs),
                    template,
                    str(_shown(catalogs.po_path(lang))),
                    lang,
                )
    if letters:
        for campaign_id in campaigns or campaign_ids():
            own = campaign_languages(find_campaign(campaign_id).parent / "locales")
            written = [
                lang
                for lang in (SOURCE_LANGUAGE, *(langs or own))
                if lang in languages() and (lang == SOURCE_LANGUAGE or lang in own)
            ]
            texts += letter_texts(campaign_id, written)
    return texts


def _shown(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
