"""Invisible characters do not make one supporter two: format characters (zero-width space,
BOM, soft hyphen, joiners) are dropped and compatibility forms folded before names are compared."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from letters.cli import main
from letters.variants import supporter_identity

from .corpus import INVISIBLE

SAME = ["Heather Lim", *INVISIBLE]


@pytest.mark.parametrize("name", SAME[1:])
def test_a_name_with_invisible_characters_is_the_same_supporter(name):
    assert supporter_identity(name, "t6e1z8") == supporter_identity("Heather Lim", "T6E 1Z8")


def test_batch_counts_them_as_duplicates_of_the_first_row(tmp_path):
    rows = ["name,street,city,province,postal code,language,riding"]
    rows += [f"{name},1 Main St,Edmonton,AB,T6E 1Z8,en,Edmonton Strathcona" for name in SAME]
    (tmp_path / "s.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "batch", "--campaign", "end-ice-contracts", "--input", str(tmp_path / "s.csv"),
            "--to", "pm", "--dry-run", "--out", str(tmp_path / "out"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"1 with letters + 0 with errors + {len(SAME) - 1} duplicates" in result.output
    manifest = (tmp_path / "out" / "manifest.csv").read_bytes().decode("utf-8-sig")
    notes = [" ".join(r.values()) for r in csv.DictReader(io.StringIO(manifest))]
    assert sum("duplicate of row 2" in n for n in notes) == len(SAME) - 1
