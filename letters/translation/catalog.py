"""Catalogs: extract English messages, then init, update, compile.

There are two kinds of catalog set (`Catalogs`): the interface's, in the package's `locales/`
(domain `messages`: the templates and the code), and each campaign's own, in its folder's
`locales/` (domain `campaign`: its campaign.toml only). A campaign's catalog holds only its own
messages, so two campaigns never share, or fuzzy-match, each other's translations.

Thin wrappers over Babel's own `extract`, `read_po`/`write_po` and `write_mo`. The interface's
extraction methods live in `babel.cfg` at the top of the repository, so `pybabel extract -F
babel.cfg` and `letters i18n extract` read the same sources the same way.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO, StringIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import denormalize, normalize, read_po, write_po

from .. import tomlsafe
from ..campaign import CAMPAIGN_FILE, HOLDER_CONTEXT, OFFICE, ROLE_CONTEXTS, find_campaign
from ..errors import CampaignError, InputError, TranslationError
from ..i18n import CAMPAIGN_DOMAIN, DOMAIN, KEYWORDS, SOURCE_LANGUAGE, MessageRef
from ..plurals import plural_rule
from ..resources import PACKAGE_DIR, campaigns_dir, data_root, locales_dir
from .checks import allowed_checks, blocking_findings

COMMENT_TAGS = ["TRANSLATORS:"]
CAMPAIGN_KEYS = (
    "title",
    "subject",
    "opening",
    "demands_intro",
    "demands_intro_one",
    "closing_request",
)
WIDTH = 100
# The interface's method map when babel.cfg is absent (an installed wheel): the same sources.
DEFAULT_MAPPING = """\
[jinja2: templates/**.j2]
extensions = jinja2.ext.i18n
trimmed = true

[python: letters/**.py]
"""
# A campaign's: its campaign.toml, nothing else.
CAMPAIGN_MAPPING = f"[letters_campaign: {CAMPAIGN_FILE}]\n"


class KeyPath(int):
    """A line number that prints as a TOML key path.

    Babel writes a location as `file:{lineno:d}`; this int formats as its key path instead, so
    the PO file says `campaign.toml:demands.export-permits.text` (where the text goes) both from
    `letters i18n extract` and from plain `pybabel extract`, without patching Babel.
    """

    key: str

    def __new__(cls, line: int, key: str) -> KeyPath:
        number = super().__new__(cls, line)
        number.key = key
        return number

    def __format__(self, spec: str) -> str:
        return self.key

    __str__ = __repr__ = lambda self: self.key  # noqa: E731


def extract_campaign(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extractor for campaign.toml: one message per text, its key path as its location.

    A TOML comment starting with a comment tag (`# TRANSLATORS: …`) on the lines just above a
    text becomes that message's translator comment. Registered as the `letters_campaign`
    babel.extractors entry point, so `pybabel extract` works too.
    """
    name = Path(getattr(fileobj, "name", "campaign.toml"))
    try:
        text = fileobj.read().decode("utf-8")
        raw = tomlsafe.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CampaignError(
            f"{name.parent.name}/{name.name}: {error}",
            field="campaign",
            fix="fix the file (UTF-8 TOML); `letters campaigns` lists what loads",
        ) from error
    lines = text.splitlines()

    def line_of(pattern: str, start: int = 0, stop_at_table: bool = False) -> int:
        """1-based number of the first line from `start` matching `pattern` (0: not found)."""
        for number, line in enumerate(lines[start:], start=start + 1):
            if stop_at_table and line.lstrip().startswith("["):
                break
            if re.match(pattern, line.strip()):
                return number
        return 0

    def line_of_value(value: str, fallback: int) -> int:
        probe = " ".join(value.split())[:40]
        for number, line in enumerate(lines, start=1):
            if probe in " ".join(line.split()).replace('\\"', '"'):
                return number
        return fallback

    def comments_above(number: int) -> list[str]:
        found: list[str] = []
        for line in reversed(lines[: max(number - 1, 0)]):
            stripped = line.strip()
            if not stripped.startswith("#"):
                break
            found.insert(0, stripped.lstrip("#").strip())
        for start, comment in enumerate(found):
            if any(comment.startswith(tag) for tag in comment_tags):
                return found[start:]
        return []

    def message(
        key: str, value: object, number: int, context: str | None = None
    ) -> Iterator[tuple]:
        """One message: a string, or { one, other } (a plural: ngettext), with a context."""
        comments = comments_above(number)
        if isinstance(value, dict) and isinstance(value.get("one"), str):
            forms = (" ".join(value["one"].split()), " ".join(str(value.get("other")).split()))
            if context:
                yield (KeyPath(number, key), "npgettext", (context, *forms), comments)
            else:
                yield (KeyPath(number, key), "ngettext", forms, comments)
        elif isinstance(value, str):
            text = " ".join(value.split())
            if context:
                yield (KeyPath(number, key), "pgettext", (context, text), comments)
            else:
                yield (KeyPath(number, key), None, text, comments)

    def variants(
        key: str, values: object, fallback: int, context: str | None = None
    ) -> Iterator[tuple]:
        for index, value in enumerate(values if isinstance(values, list) else []):
            probe = value.get("one", "") if isinstance(value, dict) else value
            if isinstance(probe, str):
                yield from message(f"{key}.{index}", value, line_of_value(probe, fallback), context)

    try:
        yield from _campaign_messages(raw, line_of, line_of_value, message, variants)
    except (AttributeError, TypeError) as error:  # a table where a text belongs, and so on
        raise CampaignError(
            f"{name.parent.name}/{name.name} does not have a campaign's shape ({error})",
            field="campaign",
            fix="compare it with campaigns/end-ice-contracts/campaign.toml",
        ) from error


def _campaign_messages(raw: dict, line_of, line_of_value, message, variants) -> Iterator[tuple]:
    for key in CAMPAIGN_KEYS:
        if key in raw:
            yield from message(key, raw[key], line_of(rf"{key}\s*=", stop_at_table=True))
        yield from variants(
            f"{key}_variants",
            raw.get(f"{key}_variants"),
            line_of(rf"{key}_variants\s*=", stop_at_table=True),
        )
    context_line = line_of(r"context\s*=", stop_at_table=True)
    for index, paragraph in enumerate(raw.get("context", [])):
        text = paragraph.get("text") if isinstance(paragraph, dict) else paragraph
        if not isinstance(text, str):
            continue
        yield from message(f"context.{index}", text, line_of_value(text, context_line))
        holder = paragraph.get("to_holder") if isinstance(paragraph, dict) else None
        offices = OFFICE.findall(text)
        if isinstance(holder, str) and offices:
            yield from message(
                f"context.{index}.to_holder",
                holder,
                line_of_value(holder, context_line),
                HOLDER_CONTEXT.format(office=offices[0]),
            )
    roles = raw.get("roles", {}) if isinstance(raw.get("roles"), dict) else {}
    for role, table in roles.items():
        if role not in ROLE_CONTEXTS or not isinstance(table, dict):
            continue
        start = line_of(rf"\[\s*roles\.{re.escape(role)}\s*\]")
        for key in ("demands_intro", "closing_request"):
            if key in table:
                yield from message(
                    f"roles.{role}.{key}",
                    table[key],
                    line_of(rf"{key}\s*=", start),
                    ROLE_CONTEXTS[role],
                )
        yield from variants(
            f"roles.{role}.closing_request_variants",
            table.get("closing_request_variants"),
            line_of(r"closing_request_variants\s*=", start),
            ROLE_CONTEXTS[role],
        )
    for demand_id, body in raw.get("demands", {}).items():
        table = line_of(rf"\[\s*demands\.\"?{re.escape(demand_id)}\"?\s*\]")
        for key in ("title", "text"):
            if isinstance(body.get(key), str):
                yield from message(
                    f"demands.{demand_id}.{key}", body[key], line_of(rf"{key}\s*=", table)
                )
        yield from variants(
            f"demands.{demand_id}.variants", body.get("variants"), line_of(r"variants\s*=", table)
        )
        for role, own in (body.get("roles") or {}).items():
            if role not in ROLE_CONTEXTS or not isinstance(own, dict):
                continue
            start = line_of(rf"\[\s*demands\.\"?{re.escape(demand_id)}\"?\.roles\.{role}\s*\]")
            if isinstance(own.get("text"), str):
                yield from message(
                    f"demands.{demand_id}.roles.{role}.text",
                    own["text"],
                    line_of(r"text\s*=", start),
                    ROLE_CONTEXTS[role],
                )
            yield from variants(
                f"demands.{demand_id}.roles.{role}.variants",
                own.get("variants"),
                line_of(r"variants\s*=", start),
                ROLE_CONTEXTS[role],
            )


@dataclass(frozen=True)
class Catalogs:
    """One set of catalogs: the interface's, or one campaign's (see the module's docstring)."""

    locales: Path  # holds <domain>.pot and <lang>/LC_MESSAGES/<domain>.po (and .mo)
    domain: str
    root: Path  # the folder the English is extracted from
    mapping: str  # Babel's method map (babel.cfg's format)
    campaign: str | None = None  # the campaign's id; None for the interface

    @property
    def name(self) -> str:
        return f"campaign {self.campaign}" if self.campaign else "interface"

    def pot_path(self) -> Path:
        return self.locales / f"{self.domain}.pot"

    def po_path(self, lang: str) -> Path:
        return self.locales / lang / "LC_MESSAGES" / f"{self.domain}.po"

    def languages(self) -> tuple[str, ...]:
        """Every language with a PO file, compiled or not (a new one has no .mo yet)."""
        found = self.locales.glob(f"*/LC_MESSAGES/{self.domain}.po")
        return tuple(sorted(p.parent.parent.name for p in found))

    def extract(self) -> Catalog:
        """Every English message of these catalogs' sources, as a template (the .pot)."""
        method_map, options_map = parse_mapping_cfg(StringIO(self.mapping), "babel.cfg")
        catalog = Catalog(project=self.campaign or "letters", charset="utf-8", fuzzy=False)
        for filename, lineno, message, comments, context in extract_from_dir(
            str(self.root),
            method_map,
            options_map,
            KEYWORDS,
            COMMENT_TAGS,
            strip_comment_tags=True,
        ):
            catalog.add(
                message, None, [(filename, lineno)], auto_comments=comments, context=context
            )
        return catalog

    def require_writable(self) -> None:
        """Refuse to write inside an installed package (site-packages): a translator works on
        a copy (`LETTERS_LOCALES`) or on a campaign folder of their own."""
        inside = self.locales.resolve().is_relative_to(PACKAGE_DIR)
        if inside:
            raise TranslationError(
                f"{self.locales} is part of the installed letters package",
                field="locale",
                fix="pass --campaign with your campaign's folder, or set LETTERS_LOCALES to a "
                "copy of the interface's catalogs",
            )


def interface_catalogs() -> Catalogs:
    """The interface's catalogs: the templates' and the code's messages (`LETTERS_LOCALES`)."""
    root = data_root()
    cfg = root / "babel.cfg"
    mapping = cfg.read_text(encoding="utf-8") if cfg.is_file() else DEFAULT_MAPPING
    return Catalogs(locales_dir(), DOMAIN, root, mapping)


def campaign_catalogs(ref: str | Path) -> Catalogs:
    """A campaign's own catalogs, by id or folder (`letters.campaign.find_campaign`)."""
    path = find_campaign(ref)
    if not path.is_file():
        raise CampaignError(f"{path}: no such file", field="campaign")
    folder = path.parent
    return Catalogs(
        folder / "locales", CAMPAIGN_DOMAIN, folder, CAMPAIGN_MAPPING, folder.resolve().name
    )


def shipped_catalogs() -> tuple[Catalogs, ...]:
    """The project's own: the interface's, then each shipped campaign's (a translator's
    `letters i18n …` without --campaign works on all of them)."""
    shipped = sorted(campaigns_dir().glob(f"*/{CAMPAIGN_FILE}"))
    return (interface_catalogs(), *(campaign_catalogs(p.parent) for p in shipped))


def extract(root: Path | None = None) -> Catalog:
    """Collect the interface's English messages (templates, code) into a template catalog."""
    catalogs = interface_catalogs()
    if root is not None:
        catalogs = Catalogs(catalogs.locales, DOMAIN, root, catalogs.mapping)
    return catalogs.extract()


def pot_path(catalogs: Catalogs | None = None) -> Path:
    return (catalogs or interface_catalogs()).pot_path()


def po_path(lang: str, catalogs: Catalogs | None = None) -> Path:
    return (catalogs or interface_catalogs()).po_path(lang)


def po_languages(catalogs: Catalogs | None = None) -> tuple[str, ...]:
    """Every language with a PO file, compiled or not (a new one has no .mo yet)."""
    return (catalogs or interface_catalogs()).languages()


def load_po(lang: str, catalogs: Catalogs | None = None) -> Catalog:
    catalogs = catalogs or interface_catalogs()
    path = catalogs.po_path(lang)
    if not path.is_file():
        where = f" --campaign {catalogs.root}" if catalogs.campaign else ""
        raise TranslationError(
            f"no catalog {path}",
            field="locale",
            fix=f"use one of: {', '.join(catalogs.languages()) or '(none)'}, or `letters i18n "
            f"init{where} --locale {lang}`",
        )
    data = path.read_bytes()
    header = po_plural_forms(data)
    if header is not None:
        plural_rule(header, lang)  # the strict grammar first: Babel would run int() and eval
    try:
        catalog = read_po(BytesIO(data), locale=lang, domain=catalogs.domain)
    except ValueError as error:
        raise TranslationError(
            f"{path}: the PO file cannot be read ({error})", field="locale", fix="fix the file"
        ) from error
    for message in catalog:
        _restore_previous_id(message)
    return catalog


def po_plural_forms(data: bytes) -> str | None:
    """The raw Plural-Forms value of a PO file's header, before Babel interprets it."""
    found = re.search(rb'^"Plural-Forms:((?:[^"\\\n]|\\[^n])*)(?:\\n)?"\s*$', data, re.MULTILINE)
    return denormalize(f'"{found[1].decode("utf-8", "replace")}"').strip() if found else None


def _restore_previous_id(message: Message) -> None:
    """Babel reads the old English of a fuzzy message (`#| msgid …`, `#| msgid_plural …`) as
    user comments; turn them back into `previous_id` (kept while fuzzy) so updates stay stable.

    The quoted pieces are read in order, so both our `#|` lines (each a whole PO string, as
    msgmerge writes them) and those of an older letters (Babel's, re-wrapped at spaces inside
    the quotes) read back. Every `#|` line is dropped from the user comments: a fragment left
    behind there would stay in the catalog for good as a stray translator comment.
    """
    previous = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
    if not previous:
        return
    message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
    joined = " ".join(previous)
    if message.fuzzy and joined.startswith("msgid "):
        forms = joined[6:].split(" msgid_plural ", 1)
        message.previous_id = [
            denormalize("\n".join(f'"{p}"' for p in re.findall(r'"((?:[^"\\]|\\.)*)"', form)))
            for form in forms
        ]


# Format flags GNU gettext checks strictly: its msgfmt --check (and Poedit, which runs it) refuses
# a translation that leaves out a named placeholder of a message not in plural form.
FORMAT_FLAGS = ("python-format", "python-brace-format")


def _mark_formats(catalog: Catalog) -> None:
    """A message whose translation may leave a placeholder out (`allow: placeholders`: the
    French appel names the office, « Monsieur le Député, », not Mr. Lavoie) is marked
    `no-python-format`, GNU's flag for a message msgfmt must not check as a format string.
    `letters i18n check` and `compile` still refuse a placeholder renamed or added there.

    Babel sets `python-format` on every message that looks like one, each time it reads or
    merges a catalog, so this is done here, where every PO and POT file is written."""
    for message in catalog:
        if message.id and "placeholders" in allowed_checks(message):
            for flag in FORMAT_FLAGS:
                if flag in message.flags:
                    message.flags.discard(flag)
                    message.flags.add(f"no-{flag}")
        for flag in FORMAT_FLAGS:  # a flag Babel added back on reading, beside its "no-" form
            if f"no-{flag}" in message.flags:
                message.flags.discard(flag)


def _po_bytes(catalog: Catalog, include_previous: bool = False, **options) -> bytes:
    _mark_formats(catalog)
    out = BytesIO()
    write_po(out, catalog, width=WIDTH, **options)
    if not include_previous:
        return out.getvalue()
    return _with_previous_ids(out.getvalue().decode("utf-8"), catalog, options).encode("utf-8")


def _previous_lines(message: Message) -> list[str]:
    """The old English of a fuzzy message as GNU gettext writes it: `#| msgid "…"`, each line a
    whole quoted string (`#| "…"` to continue), so msgfmt, msgmerge and Poedit read it."""
    keywords = ("msgid", "msgid_plural")
    return [
        f"#| {keyword} " + normalize(text, width=WIDTH - 3).replace("\n", "\n#| ")
        for keyword, text in zip(keywords, message.previous_id, strict=False)
    ]


def _with_previous_ids(po: str, catalog: Catalog, options: dict) -> str:
    """The PO text with the `#|` lines of each fuzzy message before its msgctxt/msgid.

    Babel's `include_previous` wraps these lines at spaces inside the quoted string, so GNU
    tools stop at the first one ("end-of-line within string") and Poedit cannot open the file.
    write_po writes one block per message, in the catalog's order, the header first, each
    ended by a blank line (a PO string never holds a raw line break), so block i is message i.
    """
    blocks = po.split("\n\n")
    messages = [m for m in catalog if m.id or not options.get("omit_header")]
    for number, message in enumerate(messages):
        if not message.previous_id:
            continue
        lines = blocks[number].split("\n")
        first = next(i for i, line in enumerate(lines) if line.startswith(("msgctxt ", "msgid ")))
        expected = "msgctxt " if message.context else "msgid "
        if not lines[first].startswith(expected):
            raise AssertionError(f"PO block {number} is not the message {message.id!r}")
        blocks[number] = "\n".join(lines[:first] + _previous_lines(message) + lines[first:])
    return "\n\n".join(blocks)


def messages_part(po: bytes) -> bytes:
    """A PO/POT file without its header entry (comments, `msgid ""`, metadata), which ends at
    the first blank line. The header says which Babel wrote the file and when; only what
    follows it is the catalog's content."""
    return po.split(b"\n\n", 1)[1] if b"\n\n" in po else b""


def _write_if_changed(path: Path, new: bytes) -> bool:
    """Write unless only the header would change: a newer Babel's `Generated-By` or a new date
    is not a change, and rewriting a tracked file for it would dirty every checkout."""
    if path.is_file() and messages_part(path.read_bytes()) == messages_part(new):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new)
    return True


def write_pot(catalog: Catalog, path: Path | None = None, catalogs: Catalogs | None = None) -> Path:
    catalogs = catalogs or interface_catalogs()
    if path is None:
        catalogs.require_writable()
    path = path or catalogs.pot_path()
    _write_if_changed(path, _po_bytes(catalog, sort_output=False, omit_header=False))
    return path


@dataclass(frozen=True)
class Updated:
    path: Path
    changed: bool
    fuzzy: tuple[MessageRef, ...]  # messages that became fuzzy in this update
    obsolete: tuple[MessageRef, ...]  # messages no longer used, kept as #~


def message_ref(message: Message) -> MessageRef:
    """A message as people read it: its English (the singular of a plural), and its context."""
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return MessageRef(msgid, message.context)


def update(lang: str, template: Catalog, catalogs: Catalogs | None = None) -> Updated:
    """Merge new messages; changed ones become fuzzy; vanished ones stay as obsolete (#~).

    A catalog whose messages did not change is left byte for byte as it was (not even the
    header moves: dates, Babel's version), so `extract` + `update` on a clean checkout dirties
    nothing, whichever Babel is installed.
    """
    catalogs = catalogs or interface_catalogs()
    catalogs.require_writable()
    path = catalogs.po_path(lang)
    catalog = load_po(lang, catalogs)
    was_fuzzy = {(m.id, m.context) for m in catalog if m.id and m.fuzzy}
    previous = {(m.id, m.context): m.previous_id for m in catalog if m.previous_id}
    for key, message in list(catalog.obsolete.items()):  # used again (a reverted edit): revive
        if template.get(message.id, message.context) is not None:
            del catalog.obsolete[key]
            catalog[message.id] = message
    catalog.update(template, update_header_comment=False)
    for message in catalog:  # Babel forgets the old English of a message already fuzzy
        if message.fuzzy and not message.previous_id:
            message.previous_id = previous.get((message.id, message.context), [])
    changed = _write_if_changed(path, _po_bytes(catalog, include_previous=True))
    fuzzy = tuple(
        message_ref(m) for m in catalog if m.id and m.fuzzy and (m.id, m.context) not in was_fuzzy
    )
    obsolete = tuple(message_ref(m) for m in catalog.obsolete.values())
    return Updated(path, changed, fuzzy, obsolete)


def init(lang: str, template: Catalog, catalogs: Catalogs | None = None) -> Path:
    """Start a catalog for a new language: header, plural forms from Babel's locale data."""
    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError) as exc:
        raise InputError(
            f"unknown locale {lang!r}", field="locale", fix="use a code such as es, de, pt_BR"
        ) from exc
    if lang == SOURCE_LANGUAGE:
        raise InputError(
            "English is the source language", field="locale", fix="pick another language"
        )
    catalogs = catalogs or interface_catalogs()
    catalogs.require_writable()
    path = catalogs.po_path(lang)
    if path.exists():
        raise InputError(
            f"{path} exists already",
            field="locale",
            fix=f"run `letters i18n update --locale {lang}` to bring it up to date",
        )
    catalog = Catalog(
        locale=locale,
        domain=catalogs.domain,
        project=catalogs.campaign or "letters",
        charset="utf-8",
        fuzzy=False,
        language_team=f"{locale.english_name} <LL@li.org>",
        creation_date=template.creation_date,
        revision_date=now(),
    )
    interface = interface_catalogs()
    if catalogs.campaign and interface.po_path(lang).is_file():
        # One plural rule per language: the campaign counts demands as the interface does.
        catalog.mime_headers = [("Plural-Forms", load_po(lang, interface).plural_forms)]
    for message in template:
        if message.id:
            catalog[message.id] = _blank(message)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_po_bytes(catalog))
    return path


def _blank(message: Message) -> Message:
    return Message(
        message.id,
        "" if isinstance(message.id, str) else ("",) * len(message.id),
        locations=message.locations,
        flags=message.flags,
        auto_comments=message.auto_comments,
        context=message.context,
    )


def compile_catalog(
    lang: str, force: bool = False, catalogs: Catalogs | None = None
) -> tuple[Path, tuple]:
    """Compile the PO file to the .mo the letters read; fuzzy and empty entries are left out.

    A message with an error (a placeholder or tag that differs from the English, a Babel format
    error) would break or corrupt a letter, so the catalog is refused. With `force`, the rest is
    compiled and those messages are left out too: a letter needing them then refuses to print.
    Returns the .mo path and the findings that were left out.
    """
    catalogs = catalogs or interface_catalogs()
    catalogs.require_writable()
    catalog = load_po(lang, catalogs)
    errors = blocking_findings(catalog, catalogs.po_path(lang))
    header = [f for f in errors if f.check == "plural-forms"]
    if header:  # a whole catalog's forms: --force cannot leave it out
        raise TranslationError(
            f"{catalogs.po_path(lang)}: Plural-Forms {header[0].detail}",
            field="locale",
            fix=f"run `letters i18n check --locale {lang}` and fix the header",
        )
    if errors and not force:
        names = "; ".join(f"{f.check}: {f.message_label}" for f in errors[:5])
        more = f" and {len(errors) - 5} more" if len(errors) > 5 else ""
        raise TranslationError(
            f"{catalogs.po_path(lang)} has {len({(f.msgid, f.context) for f in errors})} message(s) that "
            f"would break a letter: {names}{more}",
            field="locale",
            fix=f"run `letters i18n check --locale {lang}` and fix them, or pass --force to leave those messages out",
        )
    for finding in errors:
        catalog.delete(finding.msgid, finding.context)
    mo = catalogs.po_path(lang).with_suffix(".mo")
    out = BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    if not mo.is_file() or mo.read_bytes() != out.getvalue():
        # A reader (a batch, the web page) never sees a half-written catalog.
        partial = mo.with_name(f".{mo.name}.partial")
        partial.write_bytes(out.getvalue())
        partial.replace(mo)
    return mo, tuple(errors)


def source_of(message: Message) -> str:
    """Where a message appears: the campaign, the letter template, or the code."""
    files = [filename for filename, _ in message.locations]
    if any(f.startswith("campaigns/") or f == CAMPAIGN_FILE for f in files):
        return "campaign"
    if any(f.startswith("templates/") for f in files):
        return "letter template"
    return "code"


SOURCES = ("campaign", "letter template", "code")


def status(message: Message | None) -> str:
    """translated, fuzzy or untranslated (missing from the catalog counts as untranslated)."""
    if message is None or not (
        message.string if isinstance(message.string, str) else all(message.string)
    ):
        return "untranslated"
    return "fuzzy" if message.fuzzy else "translated"


@dataclass(frozen=True)
class Count:
    """How far one locale's translation of one source of messages has got."""

    locale: str
    source: str
    total: int
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def stats(lang: str, template: Catalog, catalogs: Catalogs | None = None) -> list[Count]:
    """Per source (campaign, letter template, code) and in all: translated/fuzzy/untranslated."""
    catalog = load_po(lang, catalogs)
    tally = {source: Counter() for source in (*SOURCES, "all")}
    for message in template:
        if message.id:
            state = status(catalog.get(message.id, message.context))
            tally[source_of(message)][state] += 1
            tally["all"][state] += 1
    return [
        Count(lang, source, c.total(), c["translated"], c["fuzzy"], c["untranslated"])
        for source, c in tally.items()
        if c.total() or source == "all"
    ]


def now() -> datetime:
    return datetime.now().astimezone()
