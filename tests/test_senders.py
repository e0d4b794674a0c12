"""Senders are validated the way Canada Post and the provinces' names require."""

from __future__ import annotations

import pytest

from letters.errors import InputError
from letters.senders import find_province, make_sender, normalise_postal_code

from .conftest import SENDER_FIELDS


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("k1a0a6", "K1A 0A6"),
        (" t6e  1z8 ", "T6E 1Z8"),
        ("H2X 1Y4", "H2X 1Y4"),
        ("X0A 0H0", "X0A 0H0"),
    ],
)
def test_postal_codes_are_normalised(raw, normalised):
    assert normalise_postal_code(raw) == normalised


@pytest.mark.parametrize(
    "bad", ["D1A 1A1", "W1A 1A1", "Z1A 1A1", "K1A 0O6", "K1A0A", "12345", "K1A 0A6X", ""]
)
def test_postal_codes_canada_post_rejects(bad):
    with pytest.raises(InputError) as error:
        normalise_postal_code(bad, row=7)
    assert (
        error.value.field == "postal_code" and error.value.row == 7 and "A1A 1A1" in error.value.fix
    )


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("ON", "ON"),
        ("qc", "QC"),
        ("Québec", "QC"),
        ("Quebec", "QC"),
        ("Colombie-Britannique", "BC"),
        ("british columbia", "BC"),
        ("Île-du-Prince-Édouard", "PE"),
        ("Ile du Prince Edouard", "PE"),
        ("Territoires du Nord-Ouest", "NT"),
        ("N.S.", "NS"),
    ],
)
def test_provinces_by_code_or_name_in_either_language(raw, code):
    assert find_province(raw).code == code


def test_unknown_province_names_field_and_fix():
    with pytest.raises(InputError) as error:
        find_province("Ontarion")
    assert error.value.field == "province" and "ON" in error.value.fix


def test_note_limit_is_two_thousand_characters():
    assert make_sender(**SENDER_FIELDS, note="x" * 2000).note == "x" * 2000
    with pytest.raises(InputError) as error:
        make_sender(**SENDER_FIELDS, note="x" * 2001)
    assert error.value.field == "note"


def test_personal_paragraph_keeps_its_line_breaks():
    note = "First line.\nSecond line.\n\nNew paragraph."
    assert make_sender(**SENDER_FIELDS, note=note).note == note
