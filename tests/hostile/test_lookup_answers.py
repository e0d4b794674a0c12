"""A hostile lookup service's answers: nested 200,000 deep, 9,000 districts, 1 MB names. Each
is capped before or while it is parsed and becomes that row's or that request's error, and the
cache of answers stays bounded in entries and bytes."""

from __future__ import annotations

import csv
import io
import json
import time
from http.server import BaseHTTPRequestHandler

import pytest
from click.testing import CliRunner

from letters.cli import main
from letters.directory import RidingLookup
from letters.directory.lookup import json_depth
from letters.errors import InputError
from letters.web import create_app

from ..directory.test_lookup import mp, postcode
from ..test_web import FIELDS, summary, token
from .servers import serve

HOSTILE = {
    "T6E1Z8": b"[" * 200_000 + b"]" * 200_000,  # nested 200,000 deep
    "T6E1Z9": json.dumps(  # 9,000 distinct districts
        {
            "representatives_concordance": [
                {"district_name": f"D{i}", "elected_office": "MP"} for i in range(9000)
            ]
        }
    ).encode(),
    "T6E1Z6": json.dumps(  # 400 distinct districts
        {
            "representatives_concordance": [
                {"district_name": f"D{i}", "elected_office": "MP"} for i in range(400)
            ]
        }
    ).encode(),
    "T6E2A1": json.dumps(postcode("T6E2A1", [mp("x" * 300)])).encode(),  # a long name
    "T6E2A2": json.dumps(postcode("T6E2A2", [mp("x" * 1_100_000)])).encode(),  # a 1 MB name
}
DEPTH_IN_STRINGS = json.dumps({"a": "[[[[{{{{" * 1000, "b": [[1]]}).encode()


class Hostile(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        code = self.path.strip("/").split("/")[-1]
        body = HOSTILE.get(code) or json.dumps(postcode(code, [mp("Edmonton Strathcona")])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def hostile():
    with serve(Hostile) as url:
        yield url


def test_json_depth_is_measured_outside_strings():
    assert json_depth(DEPTH_IN_STRINGS) == 3
    assert json_depth(HOSTILE["T6E1Z8"]) == 200_000
    assert json_depth(HOSTILE["T6E1Z8"], stop_after=20) == 21


@pytest.mark.parametrize(
    ("code", "named"),
    [
        ("T6E 1Z8", "nested more than 20 deep"),
        ("T6E 1Z9", "lists 9,000 representatives"),
        ("T6E 1Z6", "touches 400 districts"),
        ("T6E 2A1", "district name over 200 characters"),
        ("T6E 2A2", "the answer is over 1 MB"),
    ],
)
def test_a_hostile_answer_is_that_rows_error_in_well_under_a_second(hostile, tmp_path, code, named):
    with RidingLookup(tmp_path / "c.sqlite", base_url=hostile) as lookup:
        started = time.perf_counter()
        with pytest.raises(InputError, match=named):
            lookup.ridings(code)
        assert time.perf_counter() - started < 2
        assert lookup.ridings("T6E 1Z7") == ("Edmonton Strathcona",)  # the next row is fine
        assert lookup.cache_size()[1] < 1000


def test_directory_riding_says_it_in_one_line(hostile, tmp_path, monkeypatch):
    monkeypatch.setenv("LETTERS_DIRECTORY", str(tmp_path / "directory" / "house.toml"))
    result = CliRunner().invoke(main, ["directory", "riding", "T6E 1Z8", "--lookup-url", hostile])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and "nested more than 20 deep" in result.output


def test_batch_lookup_reports_each_hostile_row_and_writes_the_others(hostile, tmp_path):
    rows = "name,street,city,province,postal code,language\n" + "".join(
        f"P{i},1 Main St,Edmonton,AB,{code},en\n"
        for i, code in enumerate(["T6E 1Z8", "T6E 1Z9", "T6E 1Z6", "T6E 2A1", "T6E 2A2", "T6E 1Z7"])
    )
    (tmp_path / "s.csv").write_text(rows)
    result = CliRunner().invoke(
        main,
        [
            "batch", "--campaign", "end-ice-contracts", "--input", tmp_path / "s.csv",
            "--to", "mp", "--lookup", "represent", "--lookup-url", hostile, "--dry-run",
            "--out", tmp_path / "out",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    errors = (tmp_path / "out" / "errors.csv").read_bytes().decode("utf-8-sig")
    problems = [e["problem"] for e in csv.DictReader(io.StringIO(errors))]
    assert len(problems) == 5, problems
    assert any("nested more than 20 deep" in p for p in problems)


def test_the_cache_is_bounded_in_entries_and_bytes(hostile, tmp_path):
    with RidingLookup(
        tmp_path / "c.sqlite", base_url=hostile, max_cached=20, max_cached_bytes=600
    ) as lookup:
        for number in range(60):
            lookup.ridings(f"T5A {number % 10}{'ABCEGH'[number // 10]}{number % 10}")
            answers, size = lookup.cache_size()
            assert answers <= 20 and size <= 600


def test_the_page_falls_back_to_the_list_on_a_hostile_answer(hostile):
    app = create_app("end-ice-contracts", lookup_url=hostile, processes=1, pdfs_per_minute=0)
    try:
        client = app.test_client()
        for code in ("T6E 1Z8", "T6E 1Z9", "T6E 1Z6", "T6E 2A1", "T6E 2A2"):
            data = {**FIELDS, "csrf_token": token(client), "postal_code": code, "action": "find"}
            data["riding"] = ""
            # "Find my MP" without JavaScript is redirected to the step's address (a GET).
            response = client.post("/en/", data=data, follow_redirects=True)
            assert response.status_code in (200, 422), code
            html = response.get_data(as_text=True)
            assert len(html) < 400_000 and "D8999" not in html
            # The page says so and offers the list to choose from, never a riding.
            assert "choose your riding from the list" in dict(summary(html))["riding"], code
            assert "Your MP:" not in html, code
    finally:
        app.extensions["letters"].workers.close()
