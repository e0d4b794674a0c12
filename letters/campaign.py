"""Campaigns are data: a TOML file an organiser can edit, validated into plain data classes."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import CampaignError
from .resources import campaigns_dir

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
TEXT_FIELDS = ("title", "subject", "opening", "demands_intro", "closing_request")
VARIANT_FIELDS = ("opening_variants", "closing_request_variants")


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
    context: tuple[str, ...]
    demands_intro: str
    demands: tuple[Demand, ...]
    closing_request: str
    path: Path
    opening_variants: tuple[str, ...] = ()
    closing_request_variants: tuple[str, ...] = ()
    demands_intro_one: str | None = None  # the lead-in when a letter carries a single demand

    @property
    def openings(self) -> tuple[str, ...]:
        """Every wording of the opening: the opening first, then its variants."""
        return (self.opening, *self.opening_variants)

    @property
    def closing_requests(self) -> tuple[str, ...]:
        return (self.closing_request, *self.closing_request_variants)

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
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
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
    context = raw.get("context", [])
    if not isinstance(context, list) or not all(isinstance(c, str) and c.strip() for c in context):
        raise CampaignError(
            f"{path.name}: 'context' must be a list of paragraphs",
            field="context",
            fix='write context = ["first paragraph", "second paragraph"]',
        )
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
    if "demands_intro_one" in raw:
        variants["demands_intro_one"] = _require_text(raw, "demands_intro_one", path)
    return Campaign(
        id=campaign_id,
        context=tuple(" ".join(c.split()) for c in context),
        demands=demands,
        path=path,
        **texts,
        **variants,
    )


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
    return Demand(
        id=demand_id,
        title=_require_text(body, "title", path, where),
        text=_require_text(body, "text", path, where),
        ministers=tuple(ministers),
        variants=_variants(body, "variants", path, where),
    )
