"""Campaigns are data: a folder an organiser keeps (campaign.toml, its own catalogs, optionally
its own ministers and words), validated strictly into plain data classes."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import tomlsafe
from .errors import CampaignError
from .resources import campaign_search_path, campaigns_dir

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
TEXT_FIELDS = ("title", "subject", "opening")
VARIANT_FIELDS = ("opening_variants",)
# "minister-mp": a minister written to as the sender's MP, in a letter whose demands are some of
# their portfolio (worded as to the minister) and some not (worded as to an MP): its lead-in
# and closing request say both (letters.compose.letter_role).
ROLES = ("pm", "minister", "mp", "minister-mp")
# The file that makes a folder a campaign (its catalogs: `letters.i18n.CAMPAIGN_DOMAIN`).
CAMPAIGN_FILE = "campaign.toml"
# Every key a campaign file may hold, where it may hold it: anything else is a typo.
TOP_KEYS = (
    "id",
    "title",
    "subject",
    "opening",
    "opening_variants",
    "context",
    "demands_intro",
    "demands_intro_one",
    "closing_request",
    "closing_request_variants",
    "roles",
    "demands",
)
DEMAND_KEYS = ("title", "text", "ministers", "recipients", "variants", "roles")
ROLE_KEYS = ("demands_intro", "closing_request", "closing_request_variants")
DEMAND_ROLE_KEYS = ("text", "variants")
PARAGRAPH_KEYS = ("text", "to_holder")
COUNTED_KEYS = ("one", "other")
# The project's first campaign: used when several are shipped, none is named and the organiser
# has none of their own (see `default_campaign_id`).
DEFAULT_CAMPAIGN = "end-ice-contracts"
# Who receives a demand besides the ministers it names: by default the PM and MPs.
DEMAND_RECIPIENTS = ("pm", "mp")
# The message context of a text worded for one role: each role's wording is its own message, so
# a translator can word it for that office (« Je vous prie instamment » to the Prime Minister).
ROLE_CONTEXTS = {
    "pm": "campaign text, letter to the Prime Minister",
    "minister": "campaign text, letter to a minister",
    "mp": "campaign text, letter to an MP",
    "minister-mp": "campaign text, letter to a minister as the sender's MP, demands of the "
    "portfolio and others",
}
# An office named in a campaign text: {pm} or {minister:<portfolio>}. The composer writes it as
# the office's title in the letter's language, or, to the office's holder, uses the paragraph's
# `to_holder` wording (second person).
OFFICE = re.compile(r"\{(pm|minister:[a-z0-9][a-z0-9-]*)\}")
HOLDER_CONTEXT = "campaign text, paragraph said to the holder of {office} (second person)"


@dataclass(frozen=True)
class Text:
    """A campaign text that may refer to the demands: `one` for a single demand, `other` for
    several (gettext plural forms: a language with other plural rules translates both)."""

    one: str
    other: str | None = None  # None: the same words whatever the number of demands
    context: str | None = None  # the message context (set for a role's own wording)

    def english(self, count: int) -> str:
        return self.other if self.other is not None and count != 1 else self.one


@dataclass(frozen=True)
class Paragraph:
    """A context paragraph; `to_holder` says it to the holder of the office `text` names."""

    text: str
    to_holder: str | None = None

    @property
    def offices(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(OFFICE.findall(self.text)))


@dataclass(frozen=True)
class RoleWording:
    """What the campaign says differently to one role (pm, minister, mp); None: the default."""

    demands_intro: Text | None = None
    closing_requests: tuple[Text, ...] = ()
    demand_texts: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (demand id, wordings)

    def demand(self, demand_id: str) -> tuple[str, ...]:
        return dict(self.demand_texts).get(demand_id, ())


@dataclass(frozen=True)
class Demand:
    id: str
    title: str
    text: str
    ministers: tuple[str, ...]  # portfolio ids of the ministers responsible
    variants: tuple[str, ...] = ()  # alternative wordings of `text` (see letters/variants.py)
    recipients: tuple[str, ...] = DEMAND_RECIPIENTS  # pm and/or mp: a demand for MPs only

    def reaches(self, role: str, portfolio: str | None = None) -> bool:
        """Whether a letter to this role (a minister: of this portfolio) carries the demand."""
        if role == "minister":
            return portfolio in self.ministers
        return role in self.recipients

    @property
    def texts(self) -> tuple[str, ...]:
        """Every wording of the demand: the text first, then its variants."""
        return (self.text, *self.variants)


@dataclass(frozen=True)
class Campaign:
    id: str
    title: str
    subject: str
    opening: str
    context: tuple[str, ...]  # the paragraphs as said to everyone (office placeholders kept)
    demands_intro: Text
    demands: tuple[Demand, ...]
    closing_requests: tuple[Text, ...]  # the closing request first, then its variants
    path: Path
    opening_variants: tuple[str, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()  # the context with each paragraph's `to_holder`
    roles: tuple[tuple[str, RoleWording], ...] = ()  # (role, its own wording)

    @property
    def openings(self) -> tuple[str, ...]:
        """Every wording of the opening: the opening first, then its variants."""
        return (self.opening, *self.opening_variants)

    @property
    def closing_request(self) -> Text:
        return self.closing_requests[0]

    def wording_for(self, role: str) -> RoleWording:
        """The role's own wording (empty when the campaign words nothing differently for it)."""
        return dict(self.roles).get(role, RoleWording())

    def demand(self, demand_id: str) -> Demand:
        for demand in self.demands:
            if demand.id == demand_id:
                return demand
        known = ", ".join(d.id for d in self.demands)
        raise CampaignError(
            f"unknown demand {demand_id!r}", field="demand", fix=f"use one of: {known}"
        )

    def portfolios(self) -> tuple[str, ...]:
        """The portfolio ids this campaign writes to, in order of first mention."""
        seen: dict[str, None] = {}
        for demand in self.demands:
            seen.update(dict.fromkeys(demand.ministers))
        return tuple(seen)

    @property
    def folder(self) -> Path:
        """The campaign's folder: campaign.toml, locales/, and optionally directory.toml and
        proofing.toml."""
        return self.path.parent

    @property
    def locales(self) -> Path:
        """The campaign's own catalogs: locales/<lang>/LC_MESSAGES/campaign.po (and .mo)."""
        return self.folder / "locales"


def available_campaigns() -> dict[str, Path]:
    """id -> campaign.toml of every campaign on the search path (`campaign_search_path`); the
    first folder of an id wins, so an organiser's copy shadows a shipped campaign."""
    found: dict[str, Path] = {}
    for folder in campaign_search_path():
        candidates = [folder / CAMPAIGN_FILE]
        if folder.is_dir():
            candidates += sorted(folder.glob(f"*/{CAMPAIGN_FILE}"))
        for path in candidates:
            if path.is_file() and ID_PATTERN.match(path.parent.resolve().name):
                found.setdefault(path.parent.resolve().name, path)
    return found


def campaign_ids() -> list[str]:
    return sorted(available_campaigns())


def default_campaign_id() -> str | None:
    """The campaign to use when none is named: the current folder when it is a campaign; else
    the organiser's own (LETTERS_CAMPAIGNS, the current folder's) if there is exactly one; else,
    with none of their own, the only shipped one, or the project's first (`DEFAULT_CAMPAIGN`),
    so that `letters write` and `letters serve` work out of the box. None: name one."""
    if (Path.cwd() / CAMPAIGN_FILE).is_file():
        return "."
    shipped = campaigns_dir().resolve()
    found = available_campaigns()
    own = [i for i, path in found.items() if path.parent.resolve().parent != shipped]
    if own:
        return own[0] if len(own) == 1 else None
    if len(found) == 1:
        return next(iter(found))
    return DEFAULT_CAMPAIGN if DEFAULT_CAMPAIGN in found else None


def find_campaign(ref: str | Path) -> Path:
    """The campaign.toml a reference names: a folder or a campaign.toml (a path), or an id
    looked up along the search path."""
    path = Path(ref).expanduser()
    if path.name == CAMPAIGN_FILE or path.suffix == ".toml":
        return path
    if (path / CAMPAIGN_FILE).is_file():
        return path / CAMPAIGN_FILE
    text = str(ref)
    found = available_campaigns().get(text) if ID_PATTERN.match(text) else None
    if found is None:
        if path.is_dir():
            raise CampaignError(
                f"{text} holds no {CAMPAIGN_FILE}",
                field="campaign",
                fix="give a campaign folder, or make one with `letters campaign new ID`",
            )
        known = ", ".join(campaign_ids()) or "(none found)"
        raise CampaignError(
            f"unknown campaign {text!r}",
            field="campaign",
            fix=f"use one of: {known}, or a campaign folder's path "
            "(searched: LETTERS_CAMPAIGNS, the current folder, the shipped campaigns)",
        )
    return found


def load_campaign(ref: str | Path, known_portfolios: frozenset[str] | None = None) -> Campaign:
    """Load a campaign by id (along the search path) or by path to its folder or campaign.toml.

    `known_portfolios`, when given, checks that every minister a demand names exists.
    """
    path = find_campaign(ref)
    try:
        raw = tomlsafe.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CampaignError(f"{path}: no such file", field="campaign") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError(
            f"{path.name}: {exc}", field="campaign", fix="fix the TOML syntax"
        ) from exc
    return _parse(raw, path, known_portfolios)


def nearest(word: str, known) -> str | None:
    """The known word closest to a typo, if any is close enough to be what was meant."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def _known_keys(table: dict, known: tuple[str, ...], path: Path, where: str = "") -> None:
    """Every key is one the campaign format knows: a typo is an error naming the nearest key."""
    for key in table:
        if key in known:
            continue
        close = nearest(key, known)
        raise CampaignError(
            f"{path.name}: unknown key {where + key!r}",
            field=f"{where}{key}",
            fix=(f"did you mean {close!r}? " if close else "")
            + f"keys here: {', '.join(known)} (see docs/campaigns.md)",
        )


def _require_text(raw: dict, key: str, path: Path, where: str = "") -> str:
    value = raw.get(key)
    name = f"{where}{key}"
    if not isinstance(value, str) or not value.strip():
        raise CampaignError(
            f"{path.name}: missing or empty {name!r}",
            field=name,
            fix=f'add {key} = "…" to {path}',
        )
    return " ".join(value.split())


def _parse(raw: dict, path: Path, known_portfolios: frozenset[str] | None) -> Campaign:
    _known_keys(raw, TOP_KEYS, path)
    campaign_id = raw.get("id")
    if not isinstance(campaign_id, str) or not ID_PATTERN.match(campaign_id):
        raise CampaignError(
            f"{path.name}: missing or invalid 'id'",
            field="id",
            fix="give a short id of lower-case letters, digits and hyphens",
        )
    texts = {key: _require_text(raw, key, path) for key in TEXT_FIELDS}
    raw_demands = raw.get("demands")
    if not isinstance(raw_demands, dict) or not raw_demands:
        raise CampaignError(
            f"{path.name}: no demands",
            field="demands",
            fix="add at least one [demands.<id>] table with title, text and ministers",
        )
    demands = tuple(
        _parse_demand(demand_id, body, path, known_portfolios)
        for demand_id, body in raw_demands.items()
    )
    variants = {key: _variants(raw, key, path) for key in VARIANT_FIELDS}
    for name, value in [
        *texts.items(),
        *(("opening_variants", v) for v in variants["opening_variants"]),
    ]:
        _no_office(value, name, path)
    intro = _counted(raw.get("demands_intro"), "demands_intro", path)
    if "demands_intro_one" in raw:  # the older spelling of the singular
        one = _require_text(raw, "demands_intro_one", path)
        intro = Text(one, intro.other or intro.one)
    closings = (
        _counted(raw.get("closing_request"), "closing_request", path),
        *_counted_list(raw, "closing_request_variants", path),
    )
    paragraphs = _paragraphs(raw.get("context", []), path, known_portfolios)
    return Campaign(
        id=campaign_id,
        context=tuple(p.text for p in paragraphs),
        paragraphs=paragraphs,
        demands=demands,
        demands_intro=intro,
        closing_requests=closings,
        roles=_roles(raw, raw_demands, demands, path),
        path=path,
        **texts,
        **variants,
    )


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _no_office(value: str, name: str, path: Path) -> None:
    if OFFICE.search(value):
        raise CampaignError(
            f"{path.name}: {name!r} names an office ({OFFICE.search(value)[0]})",
            field=name,
            fix="name offices only in context paragraphs, which give a `to_holder` wording",
        )


def _counted(value: object, name: str, path: Path, context: str | None = None) -> Text:
    """A text that may depend on the number of demands: "…" or { one = "…", other = "…" }."""
    if isinstance(value, dict):
        _known_keys(value, COUNTED_KEYS, path, f"{name}.")
    if isinstance(value, str) and value.strip():
        text = Text(_one_line(value), context=context)
    elif (
        isinstance(value, dict)
        and set(value) == {"one", "other"}
        and all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        text = Text(_one_line(value["one"]), _one_line(value["other"]), context)
    else:
        raise CampaignError(
            f"{path.name}: missing or invalid {name!r}",
            field=name,
            fix=f'write {name} = "…", or {name} = {{ one = "… step", other = "… steps" }} '
            "when it refers to the demands",
        )
    for words in (text.one, text.other or ""):
        _no_office(words, name, path)
    return text


def _counted_list(
    raw: dict, key: str, path: Path, context: str | None = None, where: str = ""
) -> tuple[Text, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise CampaignError(
            f"{path.name}: {where}{key!r} must be a list of alternative wordings",
            field=f"{where}{key}",
            fix=f'write {key} = ["first wording", "second wording"], or leave it out',
        )
    texts = tuple(_counted(v, f"{where}{key}.{i}", path, context) for i, v in enumerate(value))
    if len(set(texts)) != len(texts):
        raise CampaignError(
            f"{path.name}: {where}{key!r} repeats a wording",
            field=f"{where}{key}",
            fix="remove the repeated wording",
        )
    return texts


def _paragraphs(
    value: object, path: Path, known_portfolios: frozenset[str] | None
) -> tuple[Paragraph, ...]:
    """The context: each paragraph a string, or { text = "… {minister:x} …", to_holder = "…" }."""
    if not isinstance(value, list):
        value = None
    paragraphs = []
    for index, item in enumerate(value or []):
        name = f"context.{index}"
        if isinstance(item, str) and item.strip():
            paragraph = Paragraph(_one_line(item))
        elif isinstance(item, dict):
            _known_keys(item, PARAGRAPH_KEYS, path, f"{name}.")
            paragraph = Paragraph(
                _require_text(item, "text", path, f"{name}."),
                _require_text(item, "to_holder", path, f"{name}.") if "to_holder" in item else None,
            )
        else:
            value = None
            break
        offices = paragraph.offices
        if len(offices) > 1:
            raise CampaignError(
                f"{path.name}: {name} names {len(offices)} offices",
                field=name,
                fix="name one office a paragraph (split the paragraph)",
            )
        for office in offices:
            portfolio = office.partition(":")[2]
            if known_portfolios is not None and portfolio and portfolio not in known_portfolios:
                raise CampaignError(
                    f"{path.name}: {name} names unknown office {{{office}}}",
                    field=name,
                    fix=f"use {{pm}} or {{minister:<id>}} with an id from `letters recipients`: {', '.join(sorted(known_portfolios))}",
                )
            if paragraph.to_holder is None:
                raise CampaignError(
                    f"{path.name}: {name} names {{{office}}} but has no to_holder wording",
                    field=f"{name}.to_holder",
                    fix='write the paragraph as { text = "…", to_holder = "… (said to that office: you) …" }',
                )
            if office in OFFICE.findall(paragraph.to_holder):
                raise CampaignError(
                    f"{path.name}: {name}.to_holder names {{{office}}}, the office it is said to",
                    field=f"{name}.to_holder",
                    fix="say it in the second person (you) instead",
                )
        if not offices and paragraph.to_holder is not None:
            raise CampaignError(
                f"{path.name}: {name} has a to_holder wording but names no office",
                field=name,
                fix="name the office in its text ({pm} or {minister:<id>}), or drop to_holder",
            )
        paragraphs.append(paragraph)
    if value is None:
        raise CampaignError(
            f"{path.name}: 'context' must be a list of paragraphs",
            field="context",
            fix='write context = ["first paragraph", { text = "… {minister:x} …", to_holder = "… you …" }]',
        )
    return tuple(paragraphs)


def _roles(
    raw: dict, raw_demands: dict, demands: tuple[Demand, ...], path: Path
) -> tuple[tuple[str, RoleWording], ...]:
    """[roles.<role>] and [demands.<id>.roles.<role>]: what the campaign words for one role."""
    tables = raw.get("roles", {})
    if isinstance(tables, dict):
        _known_keys(tables, ROLES, path, "roles.")
    if not isinstance(tables, dict):
        raise CampaignError(
            f"{path.name}: [roles] must hold tables named {', '.join(ROLES)}",
            field="roles",
            fix="write [roles.mp] (or pm, minister) with demands_intro and closing_request",
        )
    found = []
    for role in ROLES:
        table = tables.get(role, {})
        where = f"roles.{role}."
        context = ROLE_CONTEXTS[role]
        if not isinstance(table, dict):
            raise CampaignError(
                f"{path.name}: roles.{role} must be a table",
                field=f"roles.{role}",
                fix=f"write [roles.{role}] with demands_intro and closing_request",
            )
        _known_keys(table, ROLE_KEYS, path, where)
        intro = (
            _counted(table["demands_intro"], f"{where}demands_intro", path, context)
            if "demands_intro" in table
            else None
        )
        closings = ()
        if "closing_request" in table:
            closings = (
                _counted(table["closing_request"], f"{where}closing_request", path, context),
                *_counted_list(table, "closing_request_variants", path, context, where),
            )
        texts = []
        for demand in demands:
            body = raw_demands[demand.id].get("roles", {}).get(role)
            if body is None:
                continue
            name = f"demands.{demand.id}.roles.{role}."
            if isinstance(body, dict):
                _known_keys(body, DEMAND_ROLE_KEYS, path, name)
            if not isinstance(body, dict):
                raise CampaignError(
                    f"{path.name}: [{name[:-1]}] must give text and, optionally, variants",
                    field=name[:-1],
                    fix='write text = "…" and variants = ["…"]',
                )
            wordings = (
                _require_text(body, "text", path, name),
                *_variants(body, "variants", path, name),
            )
            for index, words in enumerate(wordings):
                _no_office(words, f"{name}{index}", path)
            texts.append((demand.id, wordings))
        if intro or closings or texts:
            found.append((role, RoleWording(intro, closings, tuple(texts))))
    return tuple(found)


def _variants(raw: dict, key: str, path: Path, where: str = "") -> tuple[str, ...]:
    """Optional alternative wordings: a list of non-empty, distinct strings."""
    value = raw.get(key, [])
    name = f"{where}{key}"
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CampaignError(
            f"{path.name}: {name!r} must be a list of alternative wordings",
            field=name,
            fix=f'write {key} = ["first wording", "second wording"], or leave it out',
        )
    texts = tuple(" ".join(v.split()) for v in value)
    if len(set(texts)) != len(texts):
        raise CampaignError(
            f"{path.name}: {name!r} repeats a wording",
            field=name,
            fix="remove the repeated wording",
        )
    return texts


def _parse_demand(
    demand_id: str, body: object, path: Path, known_portfolios: frozenset[str] | None
) -> Demand:
    where = f"demands.{demand_id}."
    if not ID_PATTERN.match(demand_id) or not isinstance(body, dict):
        raise CampaignError(
            f"{path.name}: invalid demand {demand_id!r}",
            field=f"demands.{demand_id}",
            fix="use [demands.<id>] with an id of lower-case letters, digits and hyphens",
        )
    _known_keys(body, DEMAND_KEYS, path, where)
    roles = body.get("roles", {})
    if not isinstance(roles, dict):
        raise CampaignError(
            f"{path.name}: {where}roles must hold tables",
            field=f"{where}roles",
            fix=f"write [{where}roles.mp] with text (and variants)",
        )
    _known_keys(roles, ROLES, path, f"{where}roles.")
    ministers = _portfolios(body.get("ministers", []), path, where, known_portfolios)
    recipients = body.get("recipients", list(DEMAND_RECIPIENTS))
    if (
        not isinstance(recipients, list)
        or not all(isinstance(r, str) for r in recipients)
        or len(set(recipients)) != len(recipients)
    ):
        raise CampaignError(
            f"{path.name}: {where}recipients must be a list of roles",
            field=f"{where}recipients",
            fix='write recipients = ["mp"] for a demand for MPs only (default: ["pm", "mp"])',
        )
    for role in recipients:
        if role not in DEMAND_RECIPIENTS:
            close = nearest(role, DEMAND_RECIPIENTS)
            raise CampaignError(
                f"{path.name}: {where}recipients names unknown role {role!r}",
                field=f"{where}recipients",
                fix=(f"did you mean {close!r}? " if close else "")
                + "use pm and mp (ministers go in `ministers`)",
            )
    if not recipients and not ministers:
        raise CampaignError(
            f"{path.name}: demand {demand_id!r} reaches nobody",
            field=f"{where}recipients",
            fix='name its ministers, or give recipients = ["pm", "mp"]',
        )
    demand = Demand(
        id=demand_id,
        title=_require_text(body, "title", path, where),
        text=_require_text(body, "text", path, where),
        ministers=ministers,
        variants=_variants(body, "variants", path, where),
        recipients=tuple(r for r in DEMAND_RECIPIENTS if r in recipients),
    )
    for index, words in enumerate((demand.title, *demand.texts)):
        _no_office(words, f"{where}{index}", path)
    return demand


def _portfolios(
    value: object, path: Path, where: str, known_portfolios: frozenset[str] | None
) -> tuple[str, ...]:
    """A demand's `ministers`: portfolio ids, each one the directory knows (a typo names the
    nearest)."""
    if not isinstance(value, list) or not all(isinstance(m, str) for m in value):
        raise CampaignError(
            f"{path.name}: {where}ministers must be a list of portfolio ids",
            field=f"{where}ministers",
            fix='write ministers = ["foreign-affairs"]',
        )
    for portfolio in value:
        known = known_portfolios is None or portfolio in known_portfolios
        if ID_PATTERN.match(portfolio) and known:
            continue
        close = nearest(portfolio, known_portfolios or ())
        raise CampaignError(
            f"{path.name}: {where}ministers names unknown portfolio {portfolio!r}",
            field=f"{where}ministers",
            fix=(f"did you mean {close!r}? " if close else "")
            + "use a portfolio id from `letters recipients --role minister`"
            + (f" ({', '.join(sorted(known_portfolios))})" if known_portfolios else "")
            + ", or add the minister in the campaign's directory.toml",
        )
    if len(set(value)) != len(value):
        raise CampaignError(
            f"{path.name}: {where}ministers repeats a portfolio",
            field=f"{where}ministers",
            fix="name each minister once",
        )
    return tuple(value)
