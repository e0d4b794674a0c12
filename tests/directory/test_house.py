"""The whole House: imports from the House's own files, riding names however written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from letters import Setting, load_directory, make_letter
from letters.cli import main
from letters.directory import import_house, read_house
from letters.districts import shipped_house_path
from letters.errors import DirectoryError

from ..conftest import DAY, SHARED, sender

DATA = SHARED / "data"
XML = DATA / "house-of-commons-members-44th.xml"
JSON = DATA / "house-of-commons-legislators-44th.json"
DISTRICTS = DATA / "ca_federal_electoral_districts-2023.csv"
IMPORT_DAY = date(2026, 3, 1)
# The 44th House's only Right Honourable: the export does not say his gender, so it is given.
TRUDEAU = "riding,name,gender\nPapineau,Justin Trudeau,m\n"


@pytest.fixture(scope="session")
def house_file(tmp_path_factory) -> Path:
    """The real 44th-Parliament House, imported once: XML, then JSON, then the districts."""
    folder = tmp_path_factory.mktemp("house")
    genders = folder / "genders.csv"
    genders.write_text(TRUDEAU, encoding="utf-8")
    target = folder / "house.toml"
    import_house([XML, JSON, genders], target, districts=DISTRICTS, day=IMPORT_DAY)
    return target


@pytest.fixture
def house(house_file, monkeypatch):
    monkeypatch.setenv("LETTERS_DIRECTORY", str(house_file))
    return load_directory()


def write_csv(tmp_path: Path, text: str, name: str = "mps.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_real_house_import_has_every_member_with_their_email_and_no_guessed_gender(house_file):
    imported = read_house(house_file)
    assert len(imported.members) == 337
    assert all(m.email and m.email.endswith("@parl.gc.ca") for m in imported.members)
    # The export carries no Mr./Ms.: genders come only from the CSV given and the shipped
    # directories' entries for the same people (the Library of Parliament's record), never from
    # a first name.
    known = {m.full_name: m.gender for m in imported.members if m.gender != "u"}
    assert known["Justin Trudeau"] == "m" and known["Heather McPherson"] == "f"
    shipped = {m.full_name: m.gender for m in read_house(shipped_house_path()).members}
    assert all(shipped.get(name, gender) == gender for name, gender in known.items())
    assert set(known) - set(shipped) == {"Justin Trudeau"}
    assert imported.as_of == IMPORT_DAY
    assert len(imported.sources) == 4


def test_load_directory_is_the_default_plus_the_imported_house(house):
    assert len([r for r in house.recipients if r.role == "mp"]) == 337
    assert house.find("pm").full_name == "Mark Carney"
    # The shipped default, curated, wins for the ridings it lists: her gender is kept.
    assert house.mp_for("Edmonton Strathcona").gender == "f"


def test_privy_councillor_mps_keep_their_honorific(house):
    fergus = house.mp_for("Hull—Aylmer")
    assert (fergus.full_name, fergus.honorific, fergus.privy_councillor) == (
        "Greg Fergus",
        "honourable",
        True,
    )
    assert house.mp_for("Edmonton Manning").honorific is None


@pytest.mark.parametrize(
    "written",
    [
        "Parry Sound—Muskoka",  # em dash, as the House writes it
        "Parry Sound–Muskoka",  # en dash
        "Parry Sound-Muskoka",
        "Parry Sound--Muskoka",
        "  parry   sound -  MUSKOKA ",
    ],
)
def test_riding_dashes_spaces_and_case_do_not_matter(house, written):
    assert house.mp_for(written).full_name == "Scott Aitchison"


@pytest.mark.parametrize(
    "written",
    ["Toronto—St. Paul's", "Toronto—St. Paul’s", "toronto-st pauls", "TORONTO ST. PAUL’S"],
)
def test_riding_apostrophes_typographic_straight_or_none(house, written):
    assert house.mp_for(written).riding == "Toronto—St. Paul’s"


@pytest.mark.parametrize(
    "written", ["La Pointe-de-l'Île", "la pointe de l ile", "LA POINTE-DE-L’ILE"]
)
def test_riding_accents_or_none(house, written):
    assert house.mp_for(written).riding == "La Pointe-de-l’Île"


@pytest.mark.parametrize(
    ("french", "english"),
    [
        ("Kingston et les Îles", "Kingston and the Islands"),
        ("Ottawa-Ouest—Nepean", "Ottawa West—Nepean"),
        ("nova-centre", "Central Nova"),
    ],
)
def test_french_riding_names_find_the_mp(house, french, english):
    assert house.mp_for(french).riding == english


def test_unknown_riding_is_a_row_error_suggesting_the_closest(house):
    with pytest.raises(DirectoryError) as caught:
        house.mp_for("Edmonton Stratchona", row=7)
    error = caught.value
    assert (error.field, error.row) == ("riding", 7)
    assert "did you mean Edmonton Strathcona" in error.fix


def test_riding_of_the_2023_order_with_a_stray_space_matches(tmp_path, monkeypatch):
    # The districts file writes "Rivière-du-Loup— Kataskomiq" with a stray space.
    mps = write_csv(
        tmp_path,
        "riding,name\nCôte-du-Sud—Rivière-du-Loup—Kataskomiq—Témiscouata,Bernard Généreux\n",
    )
    target = tmp_path / "house.toml"
    import_house([mps], target, districts=DISTRICTS, day=IMPORT_DAY)
    monkeypatch.setenv("LETTERS_DIRECTORY", str(target))
    directory = load_directory()
    written = "Côte-du-Sud—Rivière-du-Loup— Kataskomiq—Témiscouata"
    assert directory.mp_for(written).last_name == "Généreux"
    assert directory.find("mp:cote-du-sud--riviere-du-loup--kataskomiq--temiscouata")


def test_ambiguous_riding_or_name_lists_the_candidates(tmp_path, monkeypatch):
    mps = write_csv(tmp_path, "riding,name\nNorth Place,Alex Martin\nSouth Place,Alex Martin\n")
    target = tmp_path / "house.toml"
    import_house([mps], target, day=IMPORT_DAY)
    monkeypatch.setenv("LETTERS_DIRECTORY", str(target))
    with pytest.raises(DirectoryError, match="ambiguous: mp:north-place, mp:south-place"):
        load_directory().mp_for("Alex Martin", row=3)


def test_csv_import_merges_gender_and_email_into_the_same_person(tmp_path, house_file):
    target = tmp_path / "house.toml"
    target.write_bytes(house_file.read_bytes())
    extra = write_csv(
        tmp_path,
        "Circonscription;Nom;Genre;Courriel\n"
        "Parry Sound—Muskoka;Scott Aitchison;homme;\n"
        "Hull-Aylmer;Jeanne Nouvelle;F;\n",
    )
    merged = import_house([extra], target, day=date(2026, 4, 1))
    by_riding = {m.riding: m for m in merged.members}
    aitchison = by_riding["Parry Sound—Muskoka"]
    assert (aitchison.gender, aitchison.email.lower()) == ("m", "scott.aitchison@parl.gc.ca")
    # A different person replaces the riding's MP (a by-election), and no email is invented.
    newcomer = by_riding["Hull—Aylmer"]
    assert (newcomer.first_name, newcomer.gender, newcomer.email) == ("Jeanne", "f", None)
    # A partial file keeps its own date; the House stays as of its roster's.
    assert merged.as_of == IMPORT_DAY and len(merged.members) == 337
    assert "mps.csv (2026-04-01)" in merged.sources


def test_honorific_may_give_gender_when_the_source_says_so(tmp_path):
    xml = tmp_path / "members.xml"
    xml.write_text(
        "<ArrayOfMemberOfParliament><MemberOfParliament>"
        "<PersonShortHonorific>Ms.</PersonShortHonorific>"
        "<PersonOfficialFirstName>Ada</PersonOfficialFirstName>"
        "<PersonOfficialLastName>Lovelace</PersonOfficialLastName>"
        "<ConstituencyName>Somewhere</ConstituencyName>"
        "<ConstituencyProvinceTerritoryName>Ontario</ConstituencyProvinceTerritoryName>"
        "<ToDateTime /></MemberOfParliament>"
        "<MemberOfParliament><PersonShortHonorific />"
        "<PersonOfficialFirstName>Old</PersonOfficialFirstName>"
        "<PersonOfficialLastName>Member</PersonOfficialLastName>"
        "<ConstituencyName>Elsewhere</ConstituencyName>"
        "<ToDateTime>2022-01-01T00:00:00</ToDateTime></MemberOfParliament>"
        "</ArrayOfMemberOfParliament>",
        encoding="utf-8",
    )
    # A partial file adds to the House shipped with letters.
    members = import_house([xml], tmp_path / "house.toml", day=IMPORT_DAY).members
    (ada,) = [m for m in members if m.last_name == "Lovelace"]
    assert len(members) == 338
    assert (ada.gender, ada.honorific, ada.province) == ("f", None, "ON")


def test_letter_to_an_mp_with_no_gender_on_record_follows_fr_ca(tmp_path, monkeypatch):
    mps = write_csv(tmp_path, "riding,name,email\nHull—Aylmer,Alex Nouveau,\n")
    target = tmp_path / "house.toml"
    import_house([mps], target, day=IMPORT_DAY)
    monkeypatch.setenv("LETTERS_DIRECTORY", str(target))
    setting = Setting.load("end-ice-contracts", load_directory())
    constituent = {"riding": "Hull—Aylmer", "postal_code": "J9H 1A1"}
    letter = make_letter(setting, sender("fr", **constituent), "mp:hull--aylmer", DAY)
    # fr-CA.md, "gender unknown" (Canadian Heritage): no courtesy title, no office.
    assert letter.salutation == "Bonjour,"
    assert letter.recipient_lines[:2] == ("Alex Nouveau", "Chambre des communes")
    assert (
        letter.complimentary_close == "Veuillez agréer l’expression de mes sentiments distingués."
    )
    english = make_letter(setting, sender("en", **constituent), "mp:Hull-Aylmer", DAY)
    assert english.salutation == "Dear Alex Nouveau:"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("<html><body>not the house</body></html>", "not the House of Commons' Members XML"),
        ("<ArrayOfMemberOfParliament><oops>", "not well-formed XML"),
        ("[1, 2", "not valid JSON"),
        ('[{"firstName": "A"}]', "not a legislators JSON"),
        ("name,email\nA B,a@b.ca\n", "needs a riding column"),
        ("riding,name,email\nX,A B,not-an-email\n", "invalid email"),
        ("riding,name\nX,Madonna\n", "needs a riding, a first name and a last name"),
        ("riding,name,province\nX,Ann Lee,Atlantis\n", "row 2: unknown province"),
    ],
)
def test_bad_source_files_are_refused_and_leave_the_directory_unchanged(
    tmp_path, house_file, content, problem
):
    target = tmp_path / "house.toml"
    target.write_bytes(house_file.read_bytes())
    bad = write_csv(tmp_path, content, "bad.txt")
    with pytest.raises(DirectoryError, match=problem):
        import_house([bad], target, day=IMPORT_DAY)
    assert target.read_bytes() == house_file.read_bytes()


def test_cli_imports_shows_and_replaces(tmp_path, monkeypatch):
    target = tmp_path / "dir" / "house.toml"
    monkeypatch.setenv("LETTERS_DIRECTORY", str(target))
    runner = CliRunner()
    result = runner.invoke(main, ["directory", "show"])
    assert "No imported directory" in result.output
    assert "using the House shipped with letters" in result.output
    assert "337 MPs as of 2026-09-27" in result.output
    args = ["directory", "import", str(XML), "--districts", str(DISTRICTS), "--as-of", "2026-03-01"]
    result = runner.invoke(main, args)
    # The 44th House's Right Honourable needs a gender the export does not give: one line.
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert "member 306: Justin Trudeau is a Right Honourable" in result.output
    result = runner.invoke(main, [*args, str(write_csv(tmp_path, TRUDEAU, "genders.csv"))])
    assert result.exit_code == 0, result.output
    assert "337 MPs as of 2026-03-01" in result.output and "with email: 0" in result.output
    mps = write_csv(tmp_path, "riding,name,gender\nNowhere,Ann Lee,f\n")
    result = runner.invoke(main, ["directory", "import", str(mps), "--replace"])
    # A source that does not say its date needs one: never the day of the import.
    assert result.exit_code == 2 and "mps.csv does not say what date" in result.output
    result = runner.invoke(
        main, ["directory", "import", str(mps), "--replace", "--as-of", "2026-11-30"]
    )
    assert "1 MPs as of 2026-11-30" in result.output and "gender known: 1" in result.output
    assert "1 MPs" in runner.invoke(main, ["directory", "show"]).output


def test_cli_bad_file_is_one_line_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.setenv("LETTERS_DIRECTORY", str(tmp_path / "house.toml"))
    bad = write_csv(tmp_path, "riding,name,gender\nX,Ann Lee,maybe\n")
    result = CliRunner().invoke(main, ["directory", "import", str(bad)])
    assert result.exit_code == 2
    assert "row 2: gender" in result.output and "unknown gender 'maybe'" in result.output
    assert not (tmp_path / "house.toml").exists()
