"""A letter's date reads as Babel writes it, from month names kept in the user's cache."""

from __future__ import annotations

import json
from datetime import date, timedelta

import babel
import pytest
from babel.dates import format_date

import letters.i18n
from letters.i18n import long_date


@pytest.fixture(autouse=True)
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LETTERS_CACHE", str(tmp_path))
    monkeypatch.setattr(letters.i18n, "_month_names", {})


def every_day(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


@pytest.mark.parametrize("year", [2026, 2028])
def test_every_day_of_a_year_reads_as_babel_writes_it_in_both_languages(year):
    for day in every_day(year):
        french = format_date(day, "d MMMM y", locale="fr_CA")
        french = "1er" + french[1:] if day.day == 1 else french
        assert long_date(day, "fr") == f"le {french}"
        assert long_date(day, "fr", capitalise=True) == f"Le {french}"
        assert long_date(day, "en") == format_date(day, "MMMM d, y", locale="en_CA")
    assert long_date(date(2026, 2, 1), "fr") == "le 1er février 2026"


def test_the_month_names_come_from_the_cache_in_the_next_process_and_a_damaged_one_is_redone(
    tmp_path,
):
    long_date(date(2026, 3, 4), "fr")
    entry = tmp_path / "months" / f"fr_CA-{babel.__version__}.json"
    assert json.loads(entry.read_text())[2] == "mars"
    entry.write_text(json.dumps(["x"] * 12))  # the next process reads what the cache holds
    letters.i18n._month_names.clear()
    assert long_date(date(2026, 3, 4), "fr") == "le 4 x 2026"
    for damage in ("{not json", json.dumps(["x"] * 11), json.dumps([1] * 12)):
        entry.write_text(damage)
        letters.i18n._month_names.clear()
        assert long_date(date(2026, 3, 4), "fr") == "le 4 mars 2026"
