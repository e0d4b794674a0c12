"""TOML files read through the cache give what tomllib gives, afresh when the file changes."""

from __future__ import annotations

import tomllib

import pytest

import letters.toml_cache
from letters.resources import package_data
from letters.toml_cache import read_toml


@pytest.fixture(autouse=True)
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LETTERS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(letters.toml_cache, "_remembered", {})


def test_the_shipped_house_reads_as_tomllib_reads_it_first_and_from_the_cache():
    house = package_data("house.toml")
    expected = tomllib.loads(house.read_text(encoding="utf-8"))
    assert read_toml(house) == expected
    letters.toml_cache._remembered.clear()  # a new process: from the file in the cache
    assert read_toml(house) == expected
    assert read_toml(house) is not read_toml(house)  # each caller its own copy


def test_dates_and_times_come_back_as_dates_and_times(tmp_path):
    source = tmp_path / "x.toml"
    source.write_text(
        "as_of = 2026-09-27\nat = 2026-09-27T10:00:00-04:00\nlocal = 2026-09-27T10:00:00\n"
        't = 07:32:00\n[[t2]]\nname = "a"\n',
        encoding="utf-8",
    )
    expected = tomllib.loads(source.read_text(encoding="utf-8"))
    read_toml(source)
    letters.toml_cache._remembered.clear()
    assert read_toml(source) == expected


def test_an_edited_file_is_parsed_again_and_errors_are_tomllibs(tmp_path, monkeypatch):
    source = tmp_path / "x.toml"
    source.write_text("a = 1\n", encoding="utf-8")
    assert read_toml(source) == {"a": 1}
    source.write_text("a = 2\n", encoding="utf-8")
    assert read_toml(source) == {"a": 2}
    source.write_text("a = \n", encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError):
        read_toml(source)
    source.write_bytes(b"a = '\xff'\n")
    with pytest.raises(UnicodeDecodeError):
        read_toml(source)


def test_a_damaged_cache_entry_is_parsed_again(tmp_path):
    source = tmp_path / "x.toml"
    source.write_text("a = 1\n", encoding="utf-8")
    read_toml(source)
    [entry] = (tmp_path / "cache" / "toml").glob("*.json")
    entry.write_text("{half", encoding="utf-8")
    letters.toml_cache._remembered.clear()
    assert read_toml(source) == {"a": 1}


def test_tomlsafes_limits_hold_through_the_cache(tmp_path):
    from letters.tomlsafe import TomlLimitError

    source = tmp_path / "deep.toml"
    source.write_text("a = " + "[" * 100 + "]" * 100 + "\n", encoding="utf-8")
    with pytest.raises(TomlLimitError):
        read_toml(source)
