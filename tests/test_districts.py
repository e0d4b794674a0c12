"""The House as it sits (45th Parliament) and the 343 districts, however a riding is written."""

from __future__ import annotations

import csv
import json
import re
import tomllib
from datetime import date

import pytest
from click.testing import CliRunner

from letters import load_directory, make_letter, make_sender
from letters.batch import run_batch
from letters.cli import main
from letters.directory import import_house, read_house
from letters.districts import (
    FRENCH_OF,
    H_WORDS,
    default_districts,
    fold,
    french_of,
    h_is_mute,
    official,
)
from letters.errors import DirectoryError, InputError
from letters.recipients import VacantSeat, stale_warning
from letters.resources import package_data

from .conftest import DAY, ROOT, SHARED, pdf_text, sender

DATA = SHARED / "data"
ROSTER = DATA / "house-of-commons-members-45th-2026-09-27.csv"
EMAILS = DATA / "house-of-commons-45th-emails-2026-01-22.json"
GENDERS = DATA / "house-of-commons-45th-gender-2025.csv"
DISTRICTS = DATA / "ca_federal_electoral_districts-2023.csv"
VACANT = {
    "Scarborough North",
    "Brantford—Brant South—Six Nations",
    "Rosemont—La Petite-Patrie",
    "Laurier—Sainte-Marie",
    "Saint-Hyacinthe—Bagot—Acton",
    "Yorkton—Melville",
}


def district_rows() -> list[dict]:
    with DISTRICTS.open(encoding="utf-8") as source:
        return list(csv.DictReader(source))


def variants(name: str) -> set[str]:
    """The ways people type a district's name: dashes, spaces, apostrophes, œ, accents, case."""
    plain = name.replace("œ", "oe").replace("Œ", "OE")
    return {
        name,
        name.replace("—", "–"),  # en dash
        name.replace("—", "-"),
        name.replace("—", " - "),
        re.sub(r"[—-]", " ", name),
        name.replace("'", "’"),
        name.replace("’", "'").replace("'", ""),
        plain,
        plain.upper(),
        name.lower(),
        fold(name),  # no accents, no punctuation, no spaces at all
    }


@pytest.fixture(scope="module")
def house():
    """The directory a fresh install has: the shipped PM, ministers and the 45th House."""
    return load_directory()


# --- The shipped data is the importer's output, dated by the source ---------------------------


def test_shipped_house_is_what_make_house_derives_from_the_sources(tmp_path):
    target = tmp_path / "house.toml"
    result = CliRunner().invoke(
        main,
        [
            "directory",
            "import",
            *map(str, (ROSTER, EMAILS, GENDERS)),
            "--districts",
            str(DISTRICTS),
        ],
        env={"LETTERS_DIRECTORY": str(target)},
    )
    assert result.exit_code == 0, result.output
    assert "337 MPs as of 2026-09-27" in result.output  # the roster's date, not today's
    assert "districts: 343, vacant seats: 6, renamed: 16" in result.output
    shipped = package_data("house.toml").read_text(encoding="utf-8")
    assert target.read_text(encoding="utf-8") == shipped


def test_every_email_comes_from_the_source_for_the_same_person_and_district(house):
    by_email = {}
    for entry in json.loads(EMAILS.read_text(encoding="utf-8")):
        by_email[entry["email"]] = entry
    mps = [r for r in house.recipients if r.role == "mp"]
    with_email = [r for r in mps if r.email]
    assert len(with_email) >= 330
    for mp in with_email:
        entry = by_email[mp.email]  # never derived from a name: it is in the source
        assert house.district(entry["ridingName"]) == mp.district
        assert entry["lastName"].split()[-1].casefold() == mp.last_name.split()[-1].casefold()


def test_a_seat_that_changed_hands_never_gets_the_former_members_email(house):
    # Nathaniel Erskine-Smith was elected in Beaches—East York; Tanveer Shahnawaz sits now.
    mp = house.mp_for("Beaches—East York")
    assert mp.full_name == "Tanveer Shahnawaz" and mp.email is None


def test_honorifics_and_gender_come_from_the_data(house):
    carney = house.mp_for("Nepean")
    assert (carney.honorific, carney.gender) == ("right-honourable", "m")  # gender: shipped entry
    assert house.mp_for("Papineau").honorific == "honourable"
    assert house.mp_for("Edmonton Manning").honorific is None
    # The roster has no gender: the Library of Parliament's record gives 332, none is guessed;
    # the five members elected in the 2026 by-elections have none on record.
    unknown = {r.full_name for r in house.recipients if r.role == "mp" and r.gender == "u"}
    assert unknown == {
        "Doly Begum",
        "Danielle Martin",
        "Braeden Caley",
        "Daniel Gobeil",
        "Tanveer Shahnawaz",
    }


def test_a_right_honourable_without_a_gender_is_an_error_naming_the_record(tmp_path):
    roster = tmp_path / "roster-2026-10-01.csv"
    roster.write_text(
        "name,honorific,riding,province\nAlex Martin,Right Hon.,Carleton,Ontario\n",
        encoding="utf-8",
    )
    with pytest.raises(DirectoryError, match="row 2: Alex Martin is a Right Honourable") as caught:
        import_house([roster], tmp_path / "house.toml", districts=DISTRICTS)
    assert caught.value.field == "gender" and not (tmp_path / "house.toml").exists()
    roster.write_text(
        "name,honorific,riding,province,gender\nAlex Martin,Right Hon.,Carleton,Ontario,f\n",
        encoding="utf-8",
    )
    members = import_house([roster], tmp_path / "house.toml", districts=DISTRICTS).members
    (alex,) = [m for m in members if m.riding == "Carleton"]
    assert (alex.gender, alex.honorific, alex.riding) == ("f", "right-honourable", "Carleton")


def test_directory_dates_are_the_datas_never_the_import_day(house):
    assert house.house_as_of == date(2026, 9, 27)
    output = CliRunner().invoke(main, ["recipients", "--search", "carleton"]).output
    assert "House of Commons as of 2026-09-27" in output
    assert "mp:carleton" in output and "Bruce Fanjoy" in output
    shown = CliRunner().invoke(main, ["directory", "show"]).output
    assert "337 MPs as of 2026-09-27" in shown and "vacant: Scarborough North" in shown


def test_stale_data_warns_once_in_one_line(tmp_path, house):
    assert stale_warning(house, date(2026, 12, 3)) is None  # 67 days
    message = stale_warning(house, date(2027, 2, 1))
    assert "127 days old" in message and "letters directory import" in message
    old = tmp_path / "house.toml"
    roster = tmp_path / "mps.csv"
    roster.write_text("riding,name\nCarleton,Bruce Fanjoy\n", encoding="utf-8")
    import_house([roster], old, districts=DISTRICTS, day=date(2025, 6, 1), replace_all=True)
    args = ["write", "--to", "mp:carleton", "--lang", "en", "--format", "text", "--name", "A B"]
    args += ["--street", "1 Main", "--city", "Ottawa", "--province", "ON", "--postal-code"]
    args += ["K1A 0A6", "--date", "2026-02-01"]
    result = CliRunner().invoke(main, args, env={"LETTERS_DIRECTORY": str(old)})
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "days old" in line]
    assert len(warnings) == 1 and "as of 2025-06-01" in warnings[0]


# --- The examples, in both languages -------------------------------------------------


@pytest.mark.parametrize(
    ("to", "name", "riding_en", "riding_fr"),
    [
        ("mp:carleton", "Bruce Fanjoy", "Carleton", "de Carleton"),
        ("mp:Battle River—Crowfoot", "Pierre Poilievre", "Battle River—Crowfoot", None),
        ("mp:papineau", "Marjorie Michel", "Papineau", "de Papineau"),
        ("mp:York Centre", "Roman Baber", "North York", "de North York"),
        ("mp:york-centre", "Roman Baber", "North York", "de North York"),
    ],
)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_letters_reach_the_sitting_member(setting, to, name, riding_en, riding_fr, lang):
    constituent = make_sender(
        name="Ann Lee",
        street=["1 Main St"],
        city="Ottawa",
        province="ON",
        postal_code="K1A 0A6",
        riding=to.partition(":")[2],
        lang=lang,
    )
    letter = make_letter(setting, constituent, to, DAY)
    assert name in letter.recipient_lines[0]
    if lang == "en":
        assert letter.opening.startswith(f"I live in the riding of {riding_en}. ")
    elif riding_fr:
        assert letter.opening.startswith(f"J’habite la circonscription {riding_fr}. ")


def test_poilievre_is_honourable_and_privy_councillor_in_both_languages(setting):
    constituent = {"riding": "Battle River—Crowfoot", "postal_code": "T0B 0A0"}
    english = make_letter(setting, sender("en", **constituent), "mp:battle river crowfoot", DAY)
    assert english.recipient_lines[0] == "The Honourable Pierre Poilievre, P.C., M.P."
    french = make_letter(setting, sender("fr", **constituent), "mp:Battle River–Crowfoot", DAY)
    assert french.recipient_lines[0].startswith("L’honorable Pierre Poilievre, C.P.")


@pytest.mark.parametrize("riding", sorted(VACANT))
def test_vacant_seat_is_its_own_error(house, riding):
    with pytest.raises(VacantSeat) as caught:
        house.mp_for(riding, row=9)
    error = caught.value
    assert (error.field, error.row) == ("riding", 9)
    assert "vacant" in error.message and "unknown" not in error.message
    assert "Prime Minister" in error.fix and "minister" in error.fix


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_cli_vacant_seat_is_one_line_exit_2(lang):
    args = ["write", "--to", "mp:Scarborough North", "--lang", lang, "--format", "text"]
    args += ["--name", "A B", "--street", "1 Main", "--city", "Toronto", "--province", "ON"]
    args += ["--postal-code", "M1V 1A1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "the seat for Scarborough North is vacant" in result.output
    assert "Prime Minister" in result.output


# --- All 343 districts, every language and spelling --------------------------------------------


def test_the_districts_are_the_343_of_the_2023_order_with_16_renames():
    districts = default_districts()
    assert len(districts) == 343
    assert len({d.code for d in districts}) == 343
    renamed = {d.former_en[0]: d.name_en for d in districts if d.former_en}
    assert len(renamed) == 16
    assert renamed["York Centre"] == "North York"
    assert renamed["Halifax West"] == "Halifax West—Peggy’s Cove"
    halifax = districts.find("Halifax-Ouest")
    assert halifax.name_fr == "Halifax-Ouest—Peggy’s Cove"
    # No two districts fold to the same key: any spelling finds exactly one.
    keys = [fold(name) for d in districts for name in {d.name_en, d.name_fr, *d.former_en}]
    owners = {}
    for d in districts:
        for name in {d.name_en, d.name_fr, *d.former_en, *d.former_fr}:
            assert owners.setdefault(fold(name), d.code) == d.code
    assert keys


def test_every_district_in_either_language_and_any_spelling_reaches_its_mp_or_the_vacancy(
    house,
):
    reached = vacant = 0
    for row in district_rows():
        for name in (row["name"], row["name_fr"]):
            for written in variants(name):
                try:
                    mp = house.mp_for(written)
                except VacantSeat as error:
                    assert error.district.name_en in VACANT, written
                    vacant += 1
                    continue
                assert mp.district.code == row["id"].split("ed:")[1][:5], written
                reached += 1
    assert vacant and reached
    assert len({row["id"] for row in district_rows()}) == 343


def test_the_en_dash_and_ligature_spelling_of_ville_marie():
    directory = load_directory()
    written = "Ville-Marie–Le Sud-Ouest–Île-des-Sœurs"
    assert directory.mp_for(written).riding == "Ville-Marie—Le Sud-Ouest—Île-des-Sœurs"
    assert directory.mp_for("ville marie le sud ouest ile des soeurs").full_name == "Marc Miller"


def test_french_of_every_district_follows_the_rules():
    """Every district's "de + name" in French: contracted or elided exactly as the rules say."""
    elided = contracted = 0
    for district in default_districts():
        name = district.name_fr
        phrase = french_of(name)
        assert phrase.endswith(name.split(" ", 1)[1] if name.startswith(("Le ", "Les ")) else name)
        assert not phrase.startswith(("de Le ", "de Les ", "de le ", "de les ", "d’Y", "d’Hu"))
        if name in FRENCH_OF["implied_article"] or name.startswith(("Le ", "Les ")):
            assert phrase.startswith(("du ", "des ")), name
            contracted += 1
        elif name[0] in "AEIOUÉÎ" and not name.startswith("University"):
            assert phrase == f"d’{name}", name
            elided += 1
        elif name.startswith("H"):
            assert name.split("-")[0].split("—")[0].split(" ")[0] in H_WORDS, name
            assert phrase == (f"d’{name}" if h_is_mute(name) else f"de {name}"), name
        else:
            assert phrase == f"de {name}", name
    assert elided > 30 and contracted >= 4


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("Yukon", "du Yukon"),
        ("Nunavut", "du Nunavut"),
        ("Territoires du Nord-Ouest", "des Territoires du Nord-Ouest"),
        ("Les Pays-d’en-Haut", "des Pays-d’en-Haut"),
        ("Ottawa-Centre", "d’Ottawa-Centre"),
        ("La Pointe-de-l’Île", "de La Pointe-de-l’Île"),
        ("La Prairie—Atateken", "de La Prairie—Atateken"),
        ("University—Rosedale", "de University—Rosedale"),
        ("Honoré-Mercier", "d’Honoré-Mercier"),
        ("Hull—Aylmer", "de Hull—Aylmer"),
        ("York-Centre", "de York-Centre"),
    ],
)
def test_french_contractions(name, phrase):
    assert french_of(name) == phrase


@pytest.mark.slow
def test_every_district_opens_the_letter_in_both_languages(setting):
    for district in default_districts():
        for lang, expected in (
            ("en", f"I live in the riding of {district.name_en}. "),
            ("fr", f"J’habite la circonscription {french_of(district.name_fr)}. "),
        ):
            letter = make_letter(setting, sender(lang, riding=district.name_fr), "pm", DAY)
            assert letter.opening.startswith(expected)


# --- Input that is checked --------------------------------------------------------------------


def test_postal_code_must_agree_with_the_province():
    with pytest.raises(InputError) as caught:
        sender("en", province="QC", postal_code="T6E 1Z8", row=4)
    error = caught.value
    assert (error.field, error.row) == ("postal_code", 4)
    assert "T6E 1Z8" in error.message and "QC" in error.message and "AB" in error.fix
    assert sender("en", province="NU", postal_code="X0A 0H0", riding=None).province.code == "NU"
    assert sender("en", province="NT", postal_code="X1A 3T1", riding=None).province.code == "NT"


def test_cli_postal_code_and_province_disagreeing_is_one_line_naming_both():
    args = ["write", "--to", "pm", "--lang", "en", "--format", "text", "--name", "A B"]
    args += ["--street", "1 Main", "--city", "Edmonton", "--province", "QC"]
    args += ["--postal-code", "T6E 1Z8"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert "postal_code: postal code T6E 1Z8 is not in province QC" in result.output


@pytest.mark.parametrize("typed", ["Edmonton Stratchona", "Blah blah nowhere"])
def test_unknown_riding_on_a_letter_to_the_pm_is_an_error_with_suggestions(typed):
    with pytest.raises(InputError) as caught:
        sender("en", riding=typed)
    assert caught.value.field == "riding" and typed in caught.value.message
    if typed == "Edmonton Stratchona":
        assert "Edmonton Strathcona" in caught.value.fix


def test_known_riding_is_printed_in_its_official_form(setting):
    letter = make_letter(setting, sender("en", riding="edmonton-strathcona"), "pm", DAY)
    assert letter.opening.startswith("I live in the riding of Edmonton Strathcona. ")
    french = make_letter(setting, sender("fr", riding="TORONTO ST PAULS"), "pm", DAY)
    assert french.opening.startswith("J’habite la circonscription de Toronto—St. Paul’s. ")


# --- The batch routes every supporter to the 2026 House -----------------------------------------


def test_batch_on_the_example_routes_every_riding_to_its_2026_mp(tmp_path, setting, house):
    summary = run_batch(
        "end-ice-contracts",
        ROOT / "examples" / "supporters.csv",
        ["mp"],
        day=DAY,
        out=tmp_path / "out",
        dry_run=True,
        setting=setting,
    )
    assert "House of Commons as of 2026-09-27" in summary.directory
    with (tmp_path / "out" / "manifest.csv").open(encoding="utf-8-sig") as source:
        manifest = [m for m in csv.DictReader(source) if m["status"] == "planned"]
    with (ROOT / "examples" / "supporters.csv").open(encoding="utf-8") as source:
        rows = {n: r for n, r in enumerate(csv.DictReader(source), start=2)}
    assert len(manifest) >= 20
    for entry in manifest:
        riding = rows[int(entry["row"])]["Riding"]
        assert entry["recipient"] == house.mp_for(riding).id
    with (tmp_path / "out" / "errors.csv").open(encoding="utf-8-sig") as source:
        errors = {int(e["row"]): e for e in csv.DictReader(source)}
    vacancy = next(e for e in errors.values() if "vacant" in e["problem"])
    assert rows[int(vacancy["row"])]["Riding"] == "Laurier—Sainte-Marie"
    assert "Prime Minister" in vacancy["fix"]


def test_batch_rows_in_any_spelling_and_a_renamed_district(tmp_path, setting):
    source = tmp_path / "s.csv"
    source.write_text(
        "name,street,city,province,postal code,language,riding\n"
        "A One,1 Rue,Montréal,QC,H3C 1A1,fr,Ville-Marie–Le Sud-Ouest–Île-des-Sœurs\n"
        "B Two,2 St,Toronto,ON,M3H 1A1,en,York Centre\n"
        "C Three,3 St,Toronto,ON,M1V 1A1,en,Scarborough North\n"
        "D Four,4 St,Toronto,QC,M1V 1A1,en,Scarborough North\n",
        encoding="utf-8",
    )
    run_batch(
        "end-ice-contracts",
        source,
        ["mp"],
        day=DAY,
        out=tmp_path / "o",
        dry_run=True,
        setting=setting,
    )
    with (tmp_path / "o" / "manifest.csv").open(encoding="utf-8-sig") as manifest:
        planned = {m["row"]: m["recipient"] for m in csv.DictReader(manifest)}
    assert planned["2"] == "mp:ville-marie-le-sud-ouest-ile-des-soeurs"
    assert planned["3"] == "mp:north-york"
    with (tmp_path / "o" / "errors.csv").open(encoding="utf-8-sig") as errors:
        problems = {e["row"]: (e["field"], e["problem"]) for e in csv.DictReader(errors)}
    assert problems["4"][0] == "riding" and "vacant" in problems["4"][1]
    assert problems["5"][0] == "postal_code" and "province QC" in problems["5"][1]


def test_a_partial_import_adds_to_the_shipped_house_and_keeps_its_own_date(tmp_path, monkeypatch):
    target = tmp_path / "house.toml"
    csv_file = tmp_path / "mps.csv"
    csv_file.write_text("riding,name,email\nCarleton,New Person,new@example.ca\n", "utf-8")
    house = import_house([csv_file], target, day=date(2026, 11, 1))
    assert len(house.members) == 337 and len(house.vacant) == 6
    assert house.as_of == date(2026, 9, 27) and len(read_house(target).districts) == 343
    assert house.sources[-1] == "mps.csv (2026-11-01)"
    monkeypatch.setenv("LETTERS_DIRECTORY", str(target))
    directory = load_directory()
    assert directory.mp_for("carleton").full_name == "New Person"
    assert directory.mp_for("Ville-Marie–Le Sud-Ouest–Île-des-Sœurs").full_name == "Marc Miller"
    assert directory.house_as_of == date(2026, 9, 27)
    raw = tomllib.loads(target.read_text(encoding="utf-8"))
    assert raw["as_of"] == date(2026, 9, 27)


def test_web_page_lists_every_district_and_names_the_vacancy(tmp_path):
    from letters.web import create_app

    from .test_web import post, summary

    app = create_app("end-ice-contracts", pdfs_per_minute=0, processes=1)
    try:
        client = app.test_client()
        page = client.get("/fr/").get_data(as_text=True)
        assert "Territoires du Nord-Ouest" in page and "Laurier—Sainte-Marie" in page
        assert "à jour au 27 septembre 2026" in page
        assert "September 27, 2026" in client.get("/en/").get_data(as_text=True)
        html = post(client, "en", to="mp", riding="Laurier—Sainte-Marie").get_data(as_text=True)
        problems = dict(summary(html))
        assert "vacant" in problems["riding"] and "Prime Minister" in problems["riding"]
        html = post(client, "fr", to="mp", riding="Laurier—Sainte-Marie").get_data(as_text=True)
        assert "siège vacant" in dict(summary(html))["riding"].lower()
        html = post(client, "en", province="QC").get_data(as_text=True)
        problems = dict(summary(html))
        # Issue 24: the province the postal code is not in is marked on the province.
        assert problems == {
            "province": "Check the province: postal code T6E 1Z8 is in Alberta, not Quebec. "
            "Choose Alberta, or correct the postal code."
        }
        html = post(client, "en", to="mp", riding="York Centre").get_data(as_text=True)
        assert "Roman Baber" in html
    finally:
        app.extensions["letters"].workers.close()


def test_a_partial_import_names_the_missing_member_not_the_same_district(tmp_path, monkeypatch):
    target = tmp_path / "house.toml"
    mps = tmp_path / "mps.csv"
    mps.write_text("riding,name\nCarleton,Bruce Fanjoy\n", encoding="utf-8")
    import_house([mps], target, day=date(2026, 11, 1), replace_all=True)
    monkeypatch.setenv("LETTERS_DIRECTORY", str(target))
    with pytest.raises(DirectoryError) as caught:
        load_directory().mp_for("Ville-Marie–Le Sud-Ouest–Île-des-Sœurs", row=5)
    error = caught.value
    assert "no member of Parliament is known for Ville-Marie—Le Sud-Ouest—Île-des-Sœurs" in str(
        error
    )
    assert "did you mean" not in str(error) and "letters directory import" in error.fix


@pytest.mark.parametrize(
    ("lang", "to", "riding", "recipient", "sentence"),
    [
        (
            "fr",
            "mp:York Centre",
            "york-centre",
            "Roman Baber",
            "J’habite la circonscription de North York.",
        ),
        (
            "en",
            "mp:York Centre",
            "York Centre",
            "Roman Baber",
            "I live in the riding of North York.",
        ),
        (
            "fr",
            "mp:Northwest Territories",
            "northwest territories",
            "Rebecca Alty",
            "J’habite la circonscription des Territoires du Nord-Ouest.",
        ),
        (
            "fr",
            "mp:les pays d'en haut",
            "Les Pays-d'en-Haut",
            "Tim Watchorn",
            "J’habite la circonscription des Pays-d’en-Haut.",
        ),
        (
            "fr",
            "mp:carleton",
            "Carleton",
            "Bruce Fanjoy",
            "J’habite la circonscription de Carleton.",
        ),
        ("en", "mp:papineau", "Papineau", "Marjorie Michel", "I live in the riding of Papineau."),
    ],
)
def test_the_pdf_names_the_member_and_the_riding_officially(
    letter_pdf, lang, to, riding, recipient, sentence
):
    province, postal_code = {
        "york-centre": ("ON", "M3H 1A1"),
        "York Centre": ("ON", "M3H 1A1"),
        "northwest territories": ("NT", "X1A 3T1"),
        "Les Pays-d'en-Haut": ("QC", "J0T 1A0"),
        "Carleton": ("ON", "K2S 1A1"),
        "Papineau": ("QC", "H2R 1A1"),
    }[riding]
    text = " ".join(
        pdf_text(
            letter_pdf(lang, to, riding=riding, province=province, postal_code=postal_code)
        ).split()
    )
    assert recipient in text
    assert sentence in text


# --- French riding names: the h, and the districts renamed in 2026 ----------------------------

H_DISTRICTS = {
    "Halifax": "d’Halifax",
    "Halifax-Ouest—Peggy’s Cove": "d’Halifax-Ouest—Peggy’s Cove",
    "Hochelaga—Rosemont-Est": "d’Hochelaga—Rosemont-Est",
    "Honoré-Mercier": "d’Honoré-Mercier",
    "Hull—Aylmer": "de Hull—Aylmer",
    "Haldimand—Norfolk": "de Haldimand—Norfolk",
    "Haliburton—Kawartha Lakes": "de Haliburton—Kawartha Lakes",
    "Hamilton-Centre": "de Hamilton-Centre",
    "Hamilton-Est—Stoney Creek": "de Hamilton-Est—Stoney Creek",
    "Hamilton Mountain": "de Hamilton Mountain",
    "Hamilton-Ouest—Ancaster—Dundas": "de Hamilton-Ouest—Ancaster—Dundas",
    "Hastings—Lennox and Addington—Tyendinaga": "de Hastings—Lennox and Addington—Tyendinaga",
    "Humber River—Black Creek": "de Humber River—Black Creek",
    "Huron—Bruce": "de Huron—Bruce",
}


def test_every_h_district_has_a_decision_with_its_source():
    found = {d.name_fr for d in default_districts() if d.name_fr.startswith("H")}
    assert found == set(H_DISTRICTS)
    for word, (h, source) in H_WORDS.items():
        assert h in ("mute", "aspirated") and len(source) > 20, word


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_h_district_opens_the_letter_as_a_reviser_writes_it(setting, lang):
    for district in (d for d in default_districts() if d.name_fr.startswith("H")):
        letter = make_letter(setting, sender(lang, riding=district.name_en), "pm", DAY)
        expected = (
            f"J’habite la circonscription {H_DISTRICTS[district.name_fr]}. "
            if lang == "fr"
            else f"I live in the riding of {district.name_en}. "
        )
        assert letter.opening.startswith(expected), district.name_fr


def renamed_rows() -> list[dict]:
    path = DATA / "districts-renamed-2026-fr-unofficial.csv"
    with path.open(encoding="utf-8") as source:
        return list(csv.DictReader(source))


def test_the_16_renamed_districts_have_their_french_name_and_its_source():
    districts = default_districts()
    rows = renamed_rows()
    assert len(rows) == 16
    for row in rows:
        district = districts.by_code(row["code"])
        assert fold(district.name_en) == fold(row["name_en"]), row["code"]
        # The French name found (unofficial), else the official (English) name as it stands.
        assert district.name_fr == official(row["name_fr"] or row["name_en"]), row["code"]
        assert district.name_fr_source, row["code"]
        assert ("unofficial" in district.name_fr_source) == bool(row["name_fr"]), row["code"]


@pytest.mark.parametrize(
    ("riding", "french", "english"),
    [
        ("New Brunswick Southwest", "de Nouveau-Brunswick-Sud-Ouest", "New Brunswick Southwest"),
        ("Saskatoon East", "de Saskatoon-Est", "Saskatoon East"),
        ("The Eastern Peninsulas", "des Péninsules-Est", "The Eastern Peninsulas"),
        ("York—South Simcoe", "de York—Simcoe-Sud", "York—South Simcoe"),
        ("Halifax West—Peggy's Cove", "d’Halifax-Ouest—Peggy’s Cove", "Halifax West—Peggy’s Cove"),
        ("Richmond—Arthabaska—des-Sources", "de Richmond—Arthabaska—des-Sources", None),
        ("Saskatoon—University", "de Saskatoon-Est", "Saskatoon East"),  # the former name
    ],
)
def test_renamed_districts_in_both_languages(setting, riding, french, english):
    fr = make_letter(setting, sender("fr", riding=riding), "pm", DAY)
    assert fr.opening.startswith(f"J’habite la circonscription {french}. ")
    en = make_letter(setting, sender("en", riding=riding), "pm", DAY)
    assert en.opening.startswith(f"I live in the riding of {english or riding}. ")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_renamed_district_opens_the_letter_in_its_language(setting, lang):
    districts = default_districts()
    for row in renamed_rows():
        district = districts.by_code(row["code"])
        letter = make_letter(setting, sender(lang, riding=district.name_en), "pm", DAY)
        name = french_of(district.name_fr) if lang == "fr" else district.name_en
        assert letter.opening.split(". ")[0].endswith(name), (row["code"], lang)
        if lang == "fr" and row["name_fr"] and row["name_fr"] != row["name_en"]:
            assert district.name_en not in letter.opening, row["code"]
