"""Supporters' files: both formats, both encodings, headers in both languages, export shapes."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from openpyxl import Workbook

from letters.batch.supporters import (
    SupporterRow,
    open_supporters,
    parse_demands,
    parse_language,
    parse_mapping,
    supporter_to_sender_fields,
)
from letters.errors import InputError
from letters.senders import make_sender

EN_HEADER = "Name,Street,City,Province,Postal code,Email,Language,Riding,Note,Demands"
EN_ROW = (
    "Heather Lim,10234 82 Avenue NW,Edmonton,AB,T6E 1Z8,heather@example.ca,en,"
    'Edmonton Strathcona,"First line\nsecond line",export-permits; arms-embargo'
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def senders(path: Path, **options) -> list:
    return [make_sender(**supporter_to_sender_fields(r)) for r in open_supporters(path, **options)]


def test_utf8_csv_with_quoted_newline_gives_rows_as_the_organiser_numbers_them(tmp_path):
    text = f"{EN_HEADER}\n{EN_ROW}\n\nBob Smith,1 Main St,Ottawa,ON,K1A0A6,,,,,\n"
    rows = list(open_supporters(write(tmp_path / "s.csv", text)))
    # As a spreadsheet shows them: the header is row 1, the quoted cell with a line break keeps
    # Heather on row 2 (lines 2-3), the blank line is row 3, Bob is row 4 (line 5).
    assert [r.row for r in rows] == [2, 4]
    assert rows[0].fields["note"] == "First line\nsecond line"
    first = make_sender(**supporter_to_sender_fields(rows[0]))
    assert first.name == "Heather Lim"
    assert first.demand_ids == ("export-permits", "arms-embargo")
    assert first.lang == "en"
    assert make_sender(**supporter_to_sender_fields(rows[1])).postal_code == "K1A 0A6"


def test_utf8_bom_and_semicolons_from_french_excel(tmp_path):
    text = (
        "\ufeffPrénom;Nom de famille;Adresse;Adresse 2;Ville;Province;Code postal;Courriel;"
        "Téléphone;Langue;Circonscription;Message\r\n"
        'Jeanne;Tremblay;"123, rue Principale";app. 4;Gatineau;Québec;j8x 1a1;'
        "jeanne@example.ca;819-555-0199;Français;Hull—Aylmer;Merci\r\n"
    )
    source = open_supporters(write(tmp_path / "fr.csv", text))
    assert source.columns["Prénom"] == "first_name"
    (jeanne,) = senders(tmp_path / "fr.csv")
    assert jeanne.name == "Jeanne Tremblay"
    assert jeanne.street == ("123, rue Principale", "app. 4")
    assert (jeanne.province.code, jeanne.postal_code, jeanne.lang) == ("QC", "J8X 1A1", "fr")
    assert (jeanne.phone, jeanne.riding, jeanne.note) == ("819-555-0199", "Hull—Aylmer", "Merci")


def test_cp1252_file_reads_with_encoding_option(tmp_path):
    text = "Nom;Rue;Ville;Province;Code postal\nFrançois Bélanger;12, rue Saint-Jean;Québec;QC;G1R 1N8\n"
    path = write(tmp_path / "w.csv", text, "cp1252")
    (francois,) = senders(path, encoding="cp1252")
    assert francois.name == "François Bélanger"


def test_cp1252_read_as_utf8_names_the_line_and_suggests_cp1252(tmp_path):
    text = "Name,Street,City,Province,Postal code\nAnn Lee,1 Main,Ottawa,ON,K1A 0A6\n"
    text += "Zoë Côté,2 Main,Ottawa,ON,K1A 0A6\n"
    path = write(tmp_path / "w.csv", text, "cp1252")
    with pytest.raises(InputError) as caught:
        open_supporters(path)
    assert caught.value.row == 3
    assert "--encoding cp1252" in str(caught.value)


@pytest.mark.parametrize(
    "header",
    [
        "NAME, street ,CITY,Province,POSTAL  CODE",
        "name,street_address,city,province,postal_code",
        "Nom complet,Adresse,Ville,Province ou territoire,CodePostal",
        "Full Name,Address 1,Town,Province/Territory,Postcode",
    ],
)
def test_headers_match_whatever_the_case_accents_spaces_or_language(tmp_path, header):
    path = write(tmp_path / "h.csv", f"{header}\nAnn Lee,1 Main,Ottawa,ON,K1A 0A6\n")
    source = open_supporters(path)
    assert sorted(source.columns.values()) == [
        "city",
        "name",
        "postal_code",
        "province",
        "street",
    ]
    assert senders(path)[0].name == "Ann Lee"


def test_french_prenom_beside_nom_makes_nom_the_family_name(tmp_path):
    path = write(
        tmp_path / "p.csv",
        "Prénom,Nom,Adresse,Ville,Province,Code postal\nJeanne,Tremblay,1 rue A,Laval,QC,H7N 1A1\n",
    )
    assert open_supporters(path).columns["Nom"] == "last_name"
    assert senders(path)[0].name == "Jeanne Tremblay"


def test_action_network_export_loads_without_map(tmp_path):
    text = (
        "first_name,last_name,email,zip_code,can2_country,can2_county,can2_state_abbreviated,"
        "can2_phone,can2_user_address,can2_user_city,can2_subscription_status,can2_user_tags\n"
        "Amira,Haddad,amira@example.ca,M5V 2T6,CA,,ON,416-555-0101,200 Front St W,Toronto,"
        "subscribed,volunteer\n"
    )
    path = write(tmp_path / "an.csv", text)
    source = open_supporters(path)
    assert "can2_user_tags" in source.ignored and "email" not in source.ignored
    (amira,) = senders(path)
    assert (amira.name, amira.street, amira.city) == (
        "Amira Haddad",
        ("200 Front St W",),
        "Toronto",
    )
    assert (amira.province.code, amira.postal_code, amira.phone) == (
        "ON",
        "M5V 2T6",
        "416-555-0101",
    )


def test_nationbuilder_export_loads_without_map(tmp_path):
    text = (
        "nationbuilder_id,first_name,last_name,email,phone_number,mobile_number,primary_address1,"
        "primary_address2,primary_city,primary_state,primary_zip,primary_country_code,tag_list\n"
        "42,Liam,O’Brien,liam@example.ca,902-555-0123,,1 Spring Garden Rd,Unit 3,Halifax,NS,"
        "B3J 1A1,CA,donor\n"
    )
    path = write(tmp_path / "nb.csv", text)
    (liam,) = senders(path)
    assert liam.name == "Liam O’Brien"
    assert liam.street == ("1 Spring Garden Rd", "Unit 3")
    assert (liam.province.code, liam.postal_code, liam.phone) == ("NS", "B3J 1A1", "902-555-0123")
    assert open_supporters(path).ignored == (
        "nationbuilder_id",
        "mobile_number",
        "primary_country_code",
        "tag_list",
    )


def test_map_option_names_a_column_the_aliases_do_not_know(tmp_path):
    text = "Nom,Adresse postale,Ville,Province,Code postal,Adresse\nAnn Lee,1 Main,Ottawa,ON,K1A 0A6,x\n"
    path = write(tmp_path / "m.csv", text)
    mapping = parse_mapping(["Adresse postale=street", "adresse="])
    source = open_supporters(path, mapping=mapping)
    assert source.columns["Adresse postale"] == "street"
    assert "Adresse" in source.ignored
    assert senders(path, mapping=mapping)[0].street == ("1 Main",)


@pytest.mark.parametrize("bad", ["street", "Header=nowhere", "=street"])
def test_bad_map_option_is_refused_with_the_fields_listed(bad):
    with pytest.raises(InputError, match="postal_code"):
        parse_mapping([bad])


def test_map_of_a_column_not_in_the_file_lists_the_headers(tmp_path):
    path = write(tmp_path / "m.csv", "Name,Street,City,Province,Postal code\nA,1,B,ON,K1A 0A6\n")
    with pytest.raises(InputError, match="Postal code"):
        open_supporters(path, mapping={"Adresse postale": "street"})


def test_missing_required_column_names_it_and_the_headers_found(tmp_path):
    path = write(tmp_path / "m.csv", "Name,Street,City,Courriel\nAnn,1 Main,Ottawa,a@b.ca\n")
    with pytest.raises(InputError) as caught:
        open_supporters(path)
    message = str(caught.value)
    assert "missing column province, postal_code" in message
    assert "'Courriel'" in message and "--map" in message


def test_two_columns_for_one_field_is_refused(tmp_path):
    path = write(
        tmp_path / "d.csv", "Name,Nom,Street,City,Province,Postal code\nA,B,1,C,ON,K1A 0A6\n"
    )
    with pytest.raises(InputError, match="both give the name"):
        open_supporters(path)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is empty"),
        (b"\xef\xbb\xbf\r\n", "is empty"),
        (b"Name,Street,City,Province,Postal code\n", "no supporters"),
        (b"\nName,Street,City,Province,Postal code\nA,1,B,ON,K1A 0A6\n", "no header"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "binary"),
        ("Name\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_file_level_problems_are_one_clear_error(tmp_path, content, problem):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=problem):
        open_supporters(path)


def test_missing_file_and_fake_workbook_are_refused(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        open_supporters(tmp_path / "nowhere.csv")
    fake = write(tmp_path / "fake.xlsx", "Name,Street\n")
    with pytest.raises(InputError, match="not an Excel workbook"):
        open_supporters(fake)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with pytest.raises(InputError, match="cannot be read as an Excel workbook"):
        open_supporters(broken)


def test_xlsx_rows_keep_their_spreadsheet_line_numbers(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["Prénom", "Nom de famille", "Adresse", "Ville", "Province", "Code postal", "Groupe"]
    )
    sheet.append(
        ["Jeanne", "Tremblay", "123, rue Principale", "Gatineau", "QC", "J8X 1A1", 8195550199]
    )
    sheet.append([None] * 7)
    sheet.append(["Ann", "Lee", "1 Main St", "Ottawa", "Ontario", "K1A 0A6", None])
    book.save(tmp_path / "s.xlsx")
    source = open_supporters(tmp_path / "s.xlsx")
    assert source.ignored == ("Groupe",)
    rows = list(source)
    assert [r.row for r in rows] == [2, 4]
    assert make_sender(**supporter_to_sender_fields(rows[1])).province.code == "ON"


def test_xlsx_numbers_read_as_written(tmp_path):
    book = Workbook()
    book.active.append(["Name", "Street", "City", "Province", "Postal code", "Phone"])
    book.active.append(["Ann Lee", 12.0, "Ottawa", "ON", "K1A 0A6", 6135550100])
    book.save(tmp_path / "n.xlsx")
    (row,) = open_supporters(tmp_path / "n.xlsx")
    assert (row.fields["street"], row.fields["phone"]) == ("12", "6135550100")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("fr", "fr"),
        ("FR", "fr"),
        ("français", "fr"),
        ("Francais", "fr"),
        ("French", "fr"),
        ("FR-CA", "fr"),
        ("fr_CA", "fr"),
        ("en", "en"),
        ("English", "en"),
        ("anglais", "en"),
        ("en-CA", "en"),
        ("", None),
    ],
)
def test_language_however_written(value, code):
    assert parse_language(value) == code


def test_unknown_language_is_a_row_error():
    row = SupporterRow(7, {"name": "A", "language": "Klingon"})
    with pytest.raises(InputError) as caught:
        supporter_to_sender_fields(row)
    assert (caught.value.field, caught.value.row) == ("language", 7)


def test_demands_split_on_commas_semicolons_or_bars():
    assert parse_demands(" a , b;c|d ;; ") == ("a", "b", "c", "d")


def test_row_problems_reach_make_sender_with_the_row(tmp_path):
    path = write(tmp_path / "r.csv", "Name,Street,City,Province,Postal code\nA,1 Main,B,ON,12345\n")
    (row,) = open_supporters(path)
    with pytest.raises(InputError) as caught:
        make_sender(**supporter_to_sender_fields(row))
    assert (caught.value.field, caught.value.row) == ("postal_code", 2)


def _peak_reading(path: Path) -> int:
    tracemalloc.start()
    try:
        count = sum(1 for _ in open_supporters(path))
        return tracemalloc.get_traced_memory()[1], count
    finally:
        tracemalloc.stop()


def test_rows_stream_so_memory_does_not_grow_with_the_file(tmp_path):
    row = 'Ann Lee,1 Main St,Ottawa,ON,K1A 0A6,"a note, with a comma"\n'
    header = "Name,Street,City,Province,Postal code,Note\n"
    small, large = tmp_path / "5k.csv", tmp_path / "50k.csv"
    small.write_text(header + row * 5_000, encoding="utf-8")
    large.write_text(header + row * 50_000, encoding="utf-8")
    (small_peak, small_count), (large_peak, large_count) = (
        _peak_reading(small),
        _peak_reading(large),
    )
    assert (small_count, large_count) == (5_000, 50_000)
    assert large_peak < 1.2 * small_peak + 64 * 1024


def test_example_file_has_good_rows_and_one_bad_row_of_each_kind():
    from ..conftest import ROOT

    outcomes = {}
    for row in open_supporters(ROOT / "examples" / "supporters.csv"):
        try:
            outcomes[row.row] = make_sender(**supporter_to_sender_fields(row))
        except InputError as error:
            outcomes[row.row] = error.field
    problems = sorted(v for v in outcomes.values() if isinstance(v, str))
    # "Edmonton Stratchona" is no district: the riding is checked with the sender's fields.
    assert problems == [
        "language",
        "name",
        "note",
        "postal_code",
        "postal_code",
        "province",
        "riding",
    ]
    senders = [v for v in outcomes.values() if not isinstance(v, str)]
    assert len(senders) == 26
    assert {s.province.code for s in senders} == {
        "AB",
        "BC",
        "MB",
        "NB",
        "NL",
        "NS",
        "NT",
        "NU",
        "ON",
        "PE",
        "QC",
        "SK",
        "YT",
    }
    assert {s.lang for s in senders} == {"en", "fr"}
    keys = [(" ".join(s.name.casefold().split()), s.postal_code) for s in senders]
    assert len(keys) - len(set(keys)) == 1  # one duplicate supporter
    assert any(s.name.startswith("=") for s in senders)  # formula text, to be neutralised


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            'Name,Street,City,Province,Postal code\nA,1 Main,B,ON,K1A 0A6\n"C,2 Main,D,ON,K1A 0A6\nE,3\n',
            3,
        ),
        (
            'Name,Street,City,Province,Postal code\nA,1 Main,B,ON,K1A 0A6\n"C" D,2 Main,E,ON,K1A 0A6\n',
            3,
        ),
    ],
)
def test_broken_quotes_stop_the_run_naming_the_line(tmp_path, text, line):
    with pytest.raises(InputError, match="cannot be read as CSV") as caught:
        open_supporters(write(tmp_path / "q.csv", text))
    assert caught.value.row == line
