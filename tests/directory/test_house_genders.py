"""Gender from the Library of Parliament's record, joined by mp_id; an import adds to the House."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from letters.directory import import_house, read_house
from letters.districts import shipped_house_path

from ..conftest import SHARED

DATA = SHARED / "data"
ROSTER = DATA / "house-of-commons-members-45th-2026-09-27.csv"
EMAILS = DATA / "house-of-commons-45th-emails-2026-01-22.json"
GENDERS = DATA / "house-of-commons-45th-gender-2025.csv"
DISTRICTS = DATA / "ca_federal_electoral_districts-2023.csv"


def small_gender_file(folder: Path, name: str = "genders-2025-08-18.csv", rows: int = 21) -> Path:
    """The first rows of the real gender file, under a dated name of its own."""
    with GENDERS.open(encoding="utf-8") as source:
        lines = source.read().splitlines()
    path = folder / name
    path.write_text("\n".join(lines[: rows + 1]) + "\n", encoding="utf-8")
    return path


def test_a_small_gender_file_adds_to_the_shipped_house_instead_of_replacing_it(tmp_path):
    shipped = read_house(shipped_house_path())
    target = tmp_path / "house.toml"
    genders = small_gender_file(tmp_path)
    house = import_house([genders], target)
    assert len(house.members) == len(shipped.members) == 337
    assert len(house.vacant) == 6
    # The House is as of its roster's date; the gender file keeps its own date in the sources.
    assert house.as_of == shipped.as_of == date(2026, 9, 27)
    assert "genders-2025-08-18.csv (2025-08-18)" in house.sources
    first = next(csv.DictReader(genders.open(encoding="utf-8")))
    member = next(m for m in house.members if m.mp_id == first["mp_id"])
    assert member.gender == first["gender"]


def test_the_whole_house_keeps_the_rosters_date_with_a_dated_gender_file(tmp_path):
    genders = small_gender_file(tmp_path, "genders-2027-01-01.csv", rows=5)
    target = tmp_path / "house.toml"
    house = import_house([ROSTER, EMAILS, genders], target, districts=DISTRICTS, replace_all=True)
    assert house.as_of == date(2026, 9, 27)
    assert len(house.members) == 337
    assert read_house(target).as_of == date(2026, 9, 27)


def test_the_shipped_house_has_a_gender_for_every_member_the_record_covers():
    house = read_house(shipped_house_path())
    with GENDERS.open(encoding="utf-8") as record:
        recorded = {row["mp_id"]: row["gender"] for row in csv.DictReader(record)}
    assert {m.mp_id: m.gender for m in house.members if m.mp_id in recorded} == recorded
    unknown = {m.full_name for m in house.members if m.gender == "u"}
    assert len(recorded) == 332 and len(unknown) == 5
    assert (
        "Doly Begum" in unknown and "house-of-commons-45th-gender-2025.csv (2025)" in house.sources
    )


def test_a_gender_given_by_the_organiser_wins_over_the_record(tmp_path):
    given = tmp_path / "ours.csv"
    given.write_text("riding,name,gender\nVancouver Centre,Hedy Fry,m\n", encoding="utf-8")
    target = tmp_path / "house.toml"
    import_house([given], target, day=date(2026, 10, 1))
    house = import_house([GENDERS], target)
    assert next(m for m in house.members if m.full_name == "Hedy Fry").gender == "m"


def test_recipients_and_directory_show_name_the_members_with_no_gender_on_record():
    from click.testing import CliRunner

    from letters.cli import main

    for args in (["recipients"], ["recipients", "--role", "mp"], ["directory", "show"]):
        output = CliRunner().invoke(main, args).output
        assert "No gender on record for 5 of 337 MPs" in output, args
        for name in ("Doly Begum", "Danielle Martin", "Braeden Caley", "Daniel Gobeil"):
            assert name in output, (args, name)
    minister = CliRunner().invoke(main, ["recipients", "--role", "minister"]).output
    assert "No gender on record" not in minister
    one = CliRunner().invoke(main, ["recipients", "--search", "scarborough southwest"]).output
    assert "No gender on record for 1 of 1 MPs" in one and "Doly Begum" in one
    assert (
        "No gender on record"
        not in CliRunner().invoke(main, ["recipients", "--search", "york centre"]).output
    )


def test_recipients_says_which_mps_are_written_to_as_office_holders():
    from click.testing import CliRunner

    from letters.cli import main

    output = CliRunner().invoke(main, ["recipients", "--search", "halifax west"]).output
    assert "MP for Halifax West—Peggy’s Cove (Minister of Immigration" in output
    nepean = CliRunner().invoke(main, ["recipients", "--search", "nepean"]).output
    assert "MP for Nepean (Prime Minister)" in nepean
