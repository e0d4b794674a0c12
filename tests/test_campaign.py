"""A campaign is data: the shipped one is complete, and a broken file says where and how to fix."""

from __future__ import annotations

import pytest

from letters.campaign import load_campaign
from letters.errors import CampaignError
from letters.recipients import load_directory

PORTFOLIOS = load_directory().portfolio_ids()


def test_shipped_campaign_has_the_seven_demands_with_ministers():
    campaign = load_campaign("end-ice-contracts", PORTFOLIOS)
    assert [d.id for d in campaign.demands] == [
        "export-permits",
        "bill-c-233",
        "end-subsidies",
        "ban-contracts",
        "federal-contracts",
        "field-offices",
        "safe-third-country",
    ]
    assert all(d.ministers for d in campaign.demands)
    assert campaign.demand("export-permits").ministers == ("foreign-affairs",)
    assert 2 <= len(campaign.context) <= 3


def test_campaign_speaks_as_a_constituent_not_an_mp():
    campaign = load_campaign("end-ice-contracts", PORTFOLIOS)
    words = " ".join(
        [campaign.opening, *campaign.context, *(d.text for d in campaign.demands)]
    ).lower()
    assert "my riding" not in words
    assert "urge you" in campaign.wording_for("pm").demands_intro.one.lower()
    for fact in (
        "Roshel",
        "Brampton",
        "JSI",
        "$1 million",
        "GardaWorld",
        "Jim Pattison Group",
        "Hootsuite",
    ):
        assert fact in " ".join([*campaign.context, *(d.text for d in campaign.demands)])


GOOD = """
id = "x"
title = "T"
subject = "S"
opening = "O"
demands_intro = "I"
closing_request = "C"
[demands.one]
title = "One"
text = "Do one."
ministers = ["foreign-affairs"]
"""


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda s: s.replace('subject = "S"\n', ""), "subject"),
        (lambda s: s.replace('"foreign-affairs"', '"defence"'), "demands.one.ministers"),
        (lambda s: s.replace('text = "Do one."\n', ""), "demands.one.text"),
        (lambda s: s.replace('id = "x"', 'id = "X Y"'), "id"),
        (lambda s: s + "oops", "campaign"),
        (lambda s: s.replace('"I"', '{ one = "I" }'), "demands_intro"),
        (lambda s: s.replace('"C"', '{ one = "C", many = "Cs" }'), "closing_request.many"),
        (lambda s: s.replace('opening = "O"', 'opening = "O {pm}"'), "opening"),
        (lambda s: s + '[roles.senator]\ndemands_intro = "I"\n', "roles.senator"),
        (lambda s: s + '[roles.mp]\nopening = "O"\n', "roles.mp.opening"),
        (lambda s: s.replace('text = "Do one."', 'text = "Ask {pm}."'), "demands.one.1"),
        (
            lambda s: s.replace("[demands", 'context = ["By {minister:defence}."]\n[demands'),
            "context.0",
        ),
        (
            lambda s: s.replace("[demands", 'context = ["Announced by {pm}."]\n[demands'),
            "context.0.to_holder",
        ),
        (
            lambda s: s.replace(
                "[demands",
                'context = [{ text = "By {pm}.", to_holder = "By {pm}, you." }]\n[demands',
            ),
            "context.0.to_holder",
        ),
    ],
)
def test_invalid_campaign_names_file_key_and_fix(tmp_path, change, key):
    path = tmp_path / "campaign.toml"
    path.write_text(change(GOOD), encoding="utf-8")
    with pytest.raises(CampaignError) as error:
        load_campaign(path, PORTFOLIOS)
    assert error.value.field == key and error.value.fix
    assert "campaign.toml" in str(error.value)


def test_good_campaign_file_loads(tmp_path):
    path = tmp_path / "campaign.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_campaign(path, PORTFOLIOS).demand("one").title == "One"


RICH = (
    GOOD.replace('"I"', '{ one = "Take this step:", other = "Take these steps:" }').replace(
        "[demands",
        'context = ["Plain.", { text = "Announced by {minister:foreign-affairs}.", '
        'to_holder = "You announced it." }]\n'
        '[roles.mp]\ndemands_intro = { one = "Press for this step:", other = "Press for these:" }\n'
        "[demands",
    )
    + '[demands.one.roles.mp]\ntext = "Press the government to do one."\n'
)


def test_campaign_gives_per_role_plural_and_office_wording(tmp_path):
    path = tmp_path / "campaign.toml"
    path.write_text(RICH, encoding="utf-8")
    campaign = load_campaign(path, PORTFOLIOS)
    assert campaign.demands_intro.english(1) == "Take this step:"
    assert campaign.demands_intro.english(2) == "Take these steps:"
    assert campaign.closing_request.english(2) == "C"  # a plain string: the same for any count
    mp = campaign.wording_for("mp")
    assert mp.demands_intro.context == "campaign text, letter to an MP"
    assert mp.demand("one") == ("Press the government to do one.",)
    assert campaign.wording_for("pm").demands_intro is None  # the default applies
    assert campaign.paragraphs[1].offices == ("minister:foreign-affairs",)
    assert campaign.context == ("Plain.", "Announced by {minister:foreign-affairs}.")


def test_older_demands_intro_one_is_the_singular(tmp_path):
    path = tmp_path / "campaign.toml"
    path.write_text(
        GOOD.replace('demands_intro = "I"', 'demands_intro = "Is"\ndemands_intro_one = "I"')
    )
    intro = load_campaign(path, PORTFOLIOS).demands_intro
    assert (intro.english(1), intro.english(3)) == ("I", "Is")
