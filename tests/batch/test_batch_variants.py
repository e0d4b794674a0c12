"""Variants: each supporter gets a stable choice of wordings; many supporters, many letters."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from letters import Language, compose
from letters.campaign import load_campaign
from letters.errors import CampaignError
from letters.translation.catalog import extract_campaign
from letters.variants import MAIN_WORDING, Wording, choose_wording, supporter_identity

from ..conftest import DAY, sender

POSTAL_CODES = ["T6E 1Z8", "K1A 0B1", "H2X 1Y4", "V5K 0A1", "B3H 4R2"]


def letter_text(setting, who, lang="en", to="pm", wording=None):
    letter = compose(
        setting.campaign,
        who,
        setting.directory.find(to),
        day=DAY,
        lang=Language(lang),
        wording=wording or choose_wording(setting.campaign, who),
        offices=setting.directory,
    )
    return (letter.opening, tuple(d.text for d in letter.demands), letter.closing_request)


def test_same_supporter_gets_the_same_wording_however_typed(setting):
    a = sender(name="Hélène Côté", postal_code="T6E 1Z8")
    b = sender(name="  HELENE   cote ", postal_code="t6e1z8")
    assert supporter_identity(a.name, a.postal_code) == supporter_identity(b.name, b.postal_code)
    assert choose_wording(setting.campaign, a) == choose_wording(setting.campaign, b)
    assert letter_text(setting, a) == letter_text(setting, b)


def test_a_hundred_supporters_get_many_different_letters(setting):
    texts = {
        letter_text(setting, sender(name=f"Supporter {n}", postal_code=POSTAL_CODES[n % 5]))
        for n in range(100)
    }
    assert len(texts) >= 80
    openings = {t[0] for t in texts}
    assert len(openings) == len(setting.campaign.openings)


def test_every_wording_is_used_for_every_part(setting):
    wordings = [
        choose_wording(setting.campaign, sender(name=f"S {n}", postal_code="K1A 0B1"))
        for n in range(60)
    ]
    assert {w.opening for w in wordings} == {0, 1, 2}
    assert {w.closing_request for w in wordings} == {0, 1, 2}
    for demand in setting.campaign.demands:
        assert {w.demand(demand.id) for w in wordings} == set(range(len(demand.texts)))


def test_main_wording_is_the_campaigns_text(setting):
    opening, demands, closing = letter_text(setting, sender(riding=None), wording=MAIN_WORDING)
    assert opening == setting.campaign.opening
    assert demands == tuple(d.text for d in setting.campaign.demands)
    assert closing == setting.campaign.closing_request.english(len(demands))


@pytest.mark.parametrize("index", [1, 2])
def test_french_letters_use_translated_variants(setting, index):
    wording = Wording(
        opening=index,
        closing_request=index,
        demands=tuple((d.id, 1) for d in setting.campaign.demands),
    )
    english = letter_text(setting, sender(riding=None), "en", wording=wording)
    french = letter_text(setting, sender("fr", riding=None), "fr", wording=wording)
    assert english[0] == setting.campaign.openings[index]
    catalog = setting.language("fr")
    for en, fr in zip((english[0], *english[1]), (french[0], *french[1]), strict=True):
        assert fr != en, "every variant has a French translation"
        assert fr == catalog.gettext(en)
    closing = setting.campaign.closing_requests[index]
    assert english[2] == closing.other
    assert french[2] == catalog.npgettext(None, closing.one, closing.other, len(english[1]))
    assert french[2] != english[2]
    assert french[0].startswith(("Je demande", "L’Immigration"))


def test_variants_are_extracted_for_translators():
    path = load_campaign("end-ice-contracts").path
    messages = list(extract_campaign(io.BytesIO(path.read_bytes()), [], [], {}))
    keys = {format(m[0]) for m in messages}  # the location prints as the TOML key path
    assert {"opening_variants.0", "closing_request_variants.1"} <= keys
    assert "demands.export-permits.variants.0" in keys
    assert all(m[0] > 0 for m in messages), "each message points at its line"


CAMPAIGN = """id = "t"
title = "T"
subject = "S"
opening = "Open."
demands_intro = "Intro:"
closing_request = "Close."
{extra}
[demands.one]
title = "One"
text = "Do one."
{demand_extra}
"""


def campaign_file(tmp_path: Path, extra: str = "", demand_extra: str = "") -> Path:
    path = tmp_path / "campaign.toml"
    path.write_text(CAMPAIGN.format(extra=extra, demand_extra=demand_extra), encoding="utf-8")
    return path


def test_campaign_without_variants_still_loads(tmp_path):
    campaign = load_campaign(campaign_file(tmp_path))
    assert campaign.openings == ("Open.",) and campaign.demands[0].texts == ("Do one.",)
    assert replace(campaign, opening_variants=("Hi.",)).openings == ("Open.", "Hi.")


@pytest.mark.parametrize(
    "extra, demand_extra, field",
    [
        ('opening_variants = "Hi."', "", "opening_variants"),
        ('opening_variants = ["Hi.", " "]', "", "opening_variants"),
        ('closing_request_variants = ["Bye.", "Bye."]', "", "closing_request_variants"),
        ("", "variants = [1]", "demands.one.variants"),
    ],
)
def test_bad_variants_are_refused_naming_the_field(tmp_path, extra, demand_extra, field):
    with pytest.raises(CampaignError) as refused:
        load_campaign(campaign_file(tmp_path, extra, demand_extra))
    assert refused.value.field == field and refused.value.fix
