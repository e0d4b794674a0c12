"""Campaigns are data: a TOML file an organiser can edit, validated into plain data classes."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import tomlsafe
from .errors import CampaignError
from .resources import campaigns_dir

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
TEXT_FIELDS = ("title", "subject", "opening")
VARIANT_FIELDS = ("opening_variants",)
ROLES = ("pm", "minister", "mp")
# The message context of a text worded for one role: each role's wording is its own message, so
# a translator can word it for that office (« Je vous prie instamment » to the Prime Minister).
ROLE_CONTEXTS = {
    "pm": "campaign text, letter to the Prime Minister",
    "minister": "campaign text, letter to a minister",
    "mp": "campaign text, letter to an MP",
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
    ministers: tuple[str, ...]  # portfolio ids; the Prime Minister receives every demand
    variants: tuple[str, ...] = ()  # alternative wordings of `text` (see letters/variants.py)

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


def campaign_ids() -> list[str]:
    root = campaigns_dir()
    return sorted(p.parent.name for p in root.glob("*/campaign.toml"))


def default_campaign_id() -> str | None:
    """The campaign to use when none is named: the only one installed, if there is only one."""
    ids = campaign_ids()
    return ids[0] if len(ids) == 1 else None


def load_campaign(ref: str | Path, known_portfolios: frozenset[str] | None = None) -> Campaign:
    """Load a campaign by id (from the shipped `campaigns/`) or by path to its campaign.toml.

    `known_portfolios`, when given, checks that every minister a demand names exists.
    """
    path = Path(ref)
    if path.suffix != ".toml":
        if not ID_PATTERN.match(str(ref)):
            raise CampaignError(
                f"unknown campaign {str(ref)!r}",
                field="campaign",
                fix=f"use one of: {', '.join(campaign_ids())}",
            )
        path = campaigns_dir() / str(ref) / "campaign.toml"
        if not path.is_file():
            raise CampaignError(
                f"unknown campaign {str(ref)!r}",
                field="campaign",
                fix=f"use one of: {', '.join(campaign_ids()) or '(none installed)'}",
            )
    try:
        raw = tomlsafe.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CampaignError(f"{path}: no such file", field="campaign") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError(
            f"{path.name}: {exc}", field="campaign", fix="fix the TOML syntax"
        ) from exc
    return _parse(raw, path, known_portfolios)


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
        elif isinstance(item, dict) and set(item) <= {"text", "to_holder"}:
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
    if not isinstance(tables, dict) or not set(tables) <= set(ROLES):
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
        if not isinstance(table, dict) or not set(table) <= {
            "demands_intro",
            "closing_request",
            "closing_request_variants",
        }:
            raise CampaignError(
                f"{path.name}: [roles.{role}] holds unknown keys",
                field=f"roles.{role}",
                fix="use demands_intro, closing_request and closing_request_variants",
            )
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
            if not isinstance(body, dict) or not set(body) <= {"text", "variants"}:
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
    ministers = body.get("ministers", [])
    if not isinstance(ministers, list) or not all(isinstance(m, str) for m in ministers):
        raise CampaignError(
            f"{path.name}: {where}ministers must be a list of portfolio ids",
            field=f"{where}ministers",
            fix='write ministers = ["foreign-affairs"]',
        )
    if known_portfolios is not None:
        for portfolio in ministers:
            if portfolio not in known_portfolios:
                raise CampaignError(
                    f"{path.name}: {where}ministers names unknown recipient {portfolio!r}",
                    field=f"{where}ministers",
                    fix=f"use portfolio ids from `letters recipients`: {', '.join(sorted(known_portfolios))}",
                )
    demand = Demand(
        id=demand_id,
        title=_require_text(body, "title", path, where),
        text=_require_text(body, "text", path, where),
        ministers=tuple(ministers),
        variants=_variants(body, "variants", path, where),
    )
    for index, words in enumerate((demand.title, *demand.texts)):
        _no_office(words, f"{where}{index}", path)
    return demand
