"""`letters campaign check`: every check on one campaign, and what is ready.

Strict validation first (unknown keys, ministers, office placeholders, plurals: loading the
campaign raises on the first problem), then the translation checks of the campaign's own
catalogs, then proofreading of its English, its translations and its composed letters. The
result says which languages are complete (compiled, nothing missing or fuzzy) and which
recipients the demands reach.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..campaign import Campaign
from ..i18n import (
    SOURCE_LANGUAGE,
    campaign_translations,
    is_translated,
    languages,
)
from ..output import shown
from ..pipeline import Setting
from ..translation import catalog, proofing
from ..translation.checks import Finding, check_catalog

# Findings that say a message is not translated yet: work in progress, reported as a language's
# progress rather than as problems.
PROGRESS = frozenset({"untranslated", "fuzzy"})


@dataclass(frozen=True)
class LanguageState:
    """How far one language of the campaign has got."""

    lang: str
    total: int
    translated: int  # translated and compiled: what a letter can print
    in_po: int  # translated in the PO file, compiled or not
    fuzzy: int
    interface: bool  # the interface (forms of address, the template) exists in this language

    @property
    def complete(self) -> bool:
        return self.interface and self.translated == self.total

    def describe(self) -> str:
        if self.lang == SOURCE_LANGUAGE:
            return "en: the source language, ready"
        if not self.interface:
            return f"{self.lang}: not ready: letters has no interface catalog in this language"
        if self.complete:
            return f"{self.lang}: complete, ready ({self.total} messages)"
        todo = self.total - self.in_po
        parts = [f"{self.translated} of {self.total} messages translated and compiled"]
        if self.fuzzy:
            parts.append(f"{self.fuzzy} fuzzy")
        if todo - self.fuzzy > 0:
            parts.append(f"{todo - self.fuzzy} to translate")
        if self.in_po > self.translated:
            parts.append("run `letters i18n compile --campaign …`")
        return f"{self.lang}: not ready: {', '.join(parts)}"


@dataclass(frozen=True)
class Reach:
    """One recipient and the demands their letter carries."""

    recipient: str  # "pm (Mark Carney)", "minister:health (…, Minister of Health)", "mp (…)"
    demands: tuple[str, ...]


@dataclass(frozen=True)
class Readiness:
    campaign: Campaign
    languages: tuple[LanguageState, ...]
    reach: tuple[Reach, ...]
    findings: tuple[Finding, ...] = ()
    unchecked: tuple[str, ...] = field(default=())

    def problems(self, strict: bool = False) -> list[Finding]:
        """What fails the check: errors, and with `strict` warnings too."""
        return [f for f in self.findings if f.severity == "error" or strict]

    def ready(self, strict: bool = False) -> bool:
        complete = all(state.complete for state in self.languages) or not strict
        return complete and not self.problems(strict)


def check_campaign(
    ref: str | Path, *, proof: bool = True, skip_unavailable: bool = False
) -> Readiness:
    """Load (strictly), check the translations, proofread; say what is ready. A missing
    proofreading tool stops it (proofing.ToolMissing) unless `skip_unavailable`."""
    setting = Setting.load(ref)
    campaign = setting.campaign
    catalogs = catalog.campaign_catalogs(campaign.folder)
    template = catalogs.extract()
    states = [LanguageState(SOURCE_LANGUAGE, len(template), len(template), len(template), 0, True)]
    findings: list[Finding] = []
    texts = proofing.source_texts(template, str(shown(catalogs.pot_path())))
    for lang in catalogs.languages():
        po = catalog.load_po(lang, catalogs)
        path = catalogs.po_path(lang)
        found = check_catalog(po, template, shown(path), lang)
        findings += [f for f in found if f.check not in PROGRESS]
        compiled = campaign_translations(lang, campaign.locales)
        ids = [(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in template if m.id]
        states.append(
            LanguageState(
                lang,
                total=len(ids),
                translated=sum(is_translated(compiled, c, i) for c, i in ids),
                in_po=sum(
                    catalog.status(po.get(m.id, m.context)) != "untranslated"
                    for m in template
                    if m.id
                ),
                fuzzy=sum(1 for f in found if f.check == "fuzzy"),
                interface=lang in languages(),
            )
        )
        texts += proofing.translation_texts(po, template, str(shown(path)), lang)
    unchecked: list[str] = []
    if proof:
        written = [s.lang for s in states if s.complete]
        texts += proofing.letter_texts(str(campaign.folder), written)
        result = proofing.proofread(
            texts,
            proofing.with_campaign_words([campaign.folder]),
            skip_unavailable=skip_unavailable,
        )
        findings += result.findings
        unchecked = list(result.unchecked)
    return Readiness(campaign, tuple(states), reach(setting), tuple(findings), tuple(unchecked))


def reach(setting: Setting) -> tuple[Reach, ...]:
    """Who the demands reach: the PM, each minister named, each supporter's MP."""
    campaign, directory = setting.campaign, setting.directory
    pm = directory.find("pm")
    found = [Reach(f"pm ({pm.full_name})", _ids(campaign, "pm"))]
    for portfolio in campaign.portfolios():
        minister = directory.find(f"minister:{portfolio}")
        found.append(
            Reach(
                f"{minister.id} ({minister.full_name}, {minister.portfolio.title_en})",
                _ids(campaign, "minister", portfolio),
            )
        )
    found.append(Reach("mp (each supporter’s own MP)", _ids(campaign, "mp")))
    return tuple(found)


def _ids(campaign: Campaign, role: str, portfolio: str | None = None) -> tuple[str, ...]:
    return tuple(d.id for d in campaign.demands if d.reaches(role, portfolio))
