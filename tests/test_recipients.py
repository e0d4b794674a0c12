"""The directory finds recipients: dated, never inventing an email, by riding or name however written."""

from __future__ import annotations

import pytest

from letters.errors import DirectoryError
from letters.recipients import load_directory


def test_default_directory_is_dated_and_never_invents_emails():
    directory = load_directory()
    assert directory.as_of.isoformat() == "2026-11-25"
    pm = directory.find("pm")
    assert (pm.full_name, pm.gender, pm.riding, pm.email) == (
        "Mark Carney",
        "m",
        "Nepean",
        "pm@pm.gc.ca",
    )
    ministers = {r.portfolio.id: r for r in directory.search("minister")}
    assert set(ministers) == {
        "foreign-affairs",
        "public-safety",
        "digital-innovation",
        "procurement",
        "immigration",
    }
    assert all(m.email is None for m in ministers.values())
    assert (
        ministers["immigration"].full_name == "Lena Metlege Diab"
        and ministers["immigration"].gender == "f"
    )


@pytest.mark.parametrize(
    "spec",
    [
        "mp:Edmonton Strathcona",
        "mp:edmonton-strathcona",
        "mp:EDMONTON  strathcona",
        "mp:Heather McPherson",
    ],
)
def test_mp_found_by_riding_or_name_however_written(spec):
    assert load_directory().find(spec).last_name == "McPherson"


def test_unknown_recipient_lists_the_choices():
    with pytest.raises(DirectoryError) as error:
        load_directory().find("minister:defence")
    assert "minister:foreign-affairs" in error.value.fix
