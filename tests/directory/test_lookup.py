"""Postal code -> riding against a Represent stand-in on 127.0.0.1: success and each failure."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from letters.directory.lookup import RidingLookup, districts_from_answer
from letters.errors import InputError


def mp(district: str, name: str = "A Member") -> dict:
    """A representative as Represent documents it (https://represent.opennorth.ca/api/)."""
    return {
        "name": name,
        "district_name": district,
        "elected_office": "MP",
        "representative_set_name": "House of Commons",
        "party_name": "Independent",
        "email": "member@parl.gc.ca",
        "url": "https://www.ourcommons.ca/members/en/1",
        "related": {"representative_set_url": "/representative-sets/house-of-commons/"},
    }


MAYOR = {
    "name": "A Mayor",
    "district_name": "Edmonton",
    "elected_office": "Mayor",
    "representative_set_name": "Edmonton City Council",
}


def postcode(code: str, centroid: list, concordance: list | None = None) -> dict:
    return {
        "code": code,
        "city": "Somewhere",
        "province": "AB",
        "centroid": {"type": "Point", "coordinates": [-113.5, 53.5]},
        "boundaries_centroid": [],
        "boundaries_concordance": [],
        "representatives_centroid": centroid,
        "representatives_concordance": concordance or [],
    }


ANSWERS = {
    "T6E1Z8": (200, postcode("T6E1Z8", [MAYOR, mp("Edmonton Strathcona")])),
    "K1A0A6": (200, postcode("K1A0A6", [], [mp("Ottawa Centre"), mp("Ottawa Centre")])),
    "J8X1A1": (200, postcode("J8X1A1", [], [mp("Hull—Aylmer"), mp("Gatineau")])),
    "T5A1B7": (200, postcode("T5A1B7", [MAYOR])),
    # The centroid lies in one riding, the area touches two: the centroid is only a hint.
    "T6E2A1": (
        200,
        postcode(
            "T6E2A1",
            [mp("Edmonton Strathcona")],
            [mp("Edmonton Centre", "Eleanor Olszewski"), mp("Edmonton Strathcona")],
        ),
    ),
    # A rural code: seven ridings (as K0A 1K0 really does).
    "K0A1K0": (
        200,
        postcode(
            "K0A1K0",
            [mp("Carleton")],
            [
                mp(name)
                for name in (
                    "Nepean",
                    "Carleton",
                    "Kanata",
                    "Lanark—Frontenac",
                    "Orléans",
                    "Prescott—Russell—Cumberland",
                    "Leeds—Grenville—Thousand Islands—Rideau Lakes",
                )
            ],
        ),
    ),
    "H0H0H0": (404, {"error": "Not found"}),
    "M5V2T6": (429, {"error": "Too many requests"}),
    "V6B1A1": (200, "{not json"),
    "S4P3Y2": (200, {"objects": []}),
    "R3C4T3": (500, {"error": "oops"}),
}
SLOW = "X0A0H0"


class Represent(BaseHTTPRequestHandler):
    hits: Counter = Counter()

    def do_GET(self):  # noqa: N802 (http.server's name)
        code = self.path.strip("/").split("/")[-1]
        Represent.hits[code] += 1
        if code == SLOW:
            time.sleep(0.6)
        status, body = ANSWERS.get(code, (404, {"error": "Not found"}))
        content = (body if isinstance(body, str) else json.dumps(body)).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if status == 429:
                self.send_header("Retry-After", "0")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_represent():
    """The Represent stand-in on 127.0.0.1 and a free port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Represent)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def represent():
    with serve_represent() as url:
        yield url


@pytest.fixture
def lookup(represent, tmp_path):
    with RidingLookup(tmp_path / "cache.sqlite", base_url=represent, timeout=0.2) as found:
        yield found


def test_riding_from_the_centroid_mp_ignoring_other_offices(lookup):
    assert lookup.riding("t6e 1z8", row=2) == "Edmonton Strathcona"


def test_riding_from_the_concordance_when_it_agrees(lookup):
    assert lookup.riding("K1A 0A6") == "Ottawa Centre"


def test_each_code_is_asked_once_even_across_runs(represent, tmp_path):
    before = Represent.hits["T6E1Z8"]
    cache = tmp_path / "cache.sqlite"
    with RidingLookup(cache, base_url=represent) as first:
        assert first.riding("T6E 1Z8") == first.riding("T6E1Z8") == "Edmonton Strathcona"
        assert first.requests == 1
    with RidingLookup(cache, base_url=represent) as second:
        assert second.riding("T6E 1Z8") == "Edmonton Strathcona"
        assert second.requests == 0
    assert Represent.hits["T6E1Z8"] == before + 1


def test_unknown_postal_code_404_is_a_row_error_and_is_cached(lookup):
    for _ in range(2):
        with pytest.raises(InputError) as caught:
            lookup.riding("H0H 0H0", row=5)
        error = caught.value
        assert (error.field, error.row) == ("riding", 5)
        assert str(error).startswith("row 5: riding: riding unknown for H0H 0H0")
        assert error.fix == "check the postal code, or add a riding column"
    assert lookup.requests == 1


TRY_LATER = "try again later (answers already found are kept), or add a riding column"
CHECK_CODE = "check the postal code, or add a riding column"
SEVERAL = "add a riding column naming one of them"


@pytest.mark.parametrize(
    ("code", "reason", "fix"),
    [
        ("M5V 2T6", "rate limit", TRY_LATER),
        ("V6B 1A1", "unexpected answer", TRY_LATER),
        ("S4P 3Y2", "lists no MP", CHECK_CODE),
        ("T5A 1B7", "lists no MP", CHECK_CODE),
        ("J8X 1A1", "touches 2 ridings: Gatineau, Hull—Aylmer", SEVERAL),
        ("T6E 2A1", "touches 2 ridings: Edmonton Strathcona, Edmonton Centre", SEVERAL),
        ("R3C 4T3", "a server error, HTTP 500", TRY_LATER),
        ("X0A 0H0", "did not answer within 0.2 s: timed out", TRY_LATER),  # the server sleeps
    ],
)
def test_each_failure_is_a_row_error_with_the_fix_that_would_work(lookup, code, reason, fix):
    with pytest.raises(InputError, match=reason) as caught:
        lookup.riding(code, row=9)
    assert (caught.value.field, caught.value.row, caught.value.fix) == ("riding", 9, fix)
    assert "--lookup represent" not in str(caught.value)  # the lookup that just failed


def test_passing_failures_are_asked_again_on_the_next_run(lookup):
    for _ in range(2):
        with pytest.raises(InputError, match="unexpected answer"):
            lookup.riding("V6B 1A1")
    assert lookup.requests == 2


def test_no_network_fails_rows_fast_and_stops_asking(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with RidingLookup(tmp_path / "c.sqlite", base_url=closed, timeout=0.5) as lookup:
        for code in ("T6E 1Z8", "K1A 0A6", "H0H 0H0", "M5V 2T6", "V6B 1A1"):
            with pytest.raises(InputError, match="cannot be reached") as caught:
                lookup.riding(code)
            assert caught.value.fix == TRY_LATER
        assert lookup.requests == 3  # then it gives up instead of waiting on each row


def test_invalid_postal_code_is_refused_before_asking(lookup):
    with pytest.raises(InputError) as caught:
        lookup.riding("12345", row=4)
    assert (caught.value.field, lookup.requests) == ("postal_code", 0)


def test_at_most_sixty_requests_a_minute(represent, tmp_path):
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    with RidingLookup(
        tmp_path / "c.sqlite", base_url=represent, per_minute=2, clock=lambda: now[0], sleep=sleep
    ) as lookup:
        for code in ("T6E 1Z8", "K1A 0A6", "H0H 0H0"):
            now[0] += 1
            with contextlib.suppress(InputError):
                lookup.riding(code)
    assert waits == [pytest.approx(58.0)]  # third request waits for the first to be 60 s old


def test_non_http_base_url_is_refused(tmp_path):
    with pytest.raises(InputError, match="lookup URL"):
        RidingLookup(tmp_path / "c.sqlite", base_url="file:///etc/passwd")


def test_answer_without_represent_shape_is_refused():
    with pytest.raises(ValueError):
        districts_from_answer(["not", "a", "postcode"])


def test_every_riding_the_area_touches_the_centroids_first(lookup):
    assert lookup.ridings("K0A 1K0") == (
        "Carleton",
        "Kanata",
        "Lanark—Frontenac",
        "Leeds—Grenville—Thousand Islands—Rideau Lakes",
        "Nepean",
        "Orléans",
        "Prescott—Russell—Cumberland",
    )
    assert lookup.ridings("T6E 2A1") == ("Edmonton Strathcona", "Edmonton Centre")
    assert lookup.ridings("T6E 1Z8") == ("Edmonton Strathcona",)


def test_a_code_touching_several_ridings_never_gets_the_centroids_mp(lookup):
    with pytest.raises(InputError) as caught:
        lookup.riding("K0A 1K0", row=7)
    assert str(caught.value) == (
        "row 7: riding: postal code K0A 1K0 touches 7 ridings: Carleton, Kanata, "
        "Lanark—Frontenac, Leeds—Grenville—Thousand Islands—Rideau Lakes, Nepean, Orléans, "
        "Prescott—Russell—Cumberland; fix: add a riding column naming one of them"
    )


def test_the_old_centroid_cache_is_not_trusted(represent, tmp_path):
    import sqlite3

    cache = tmp_path / "cache.sqlite"
    with sqlite3.connect(cache) as old:  # a cache written before the concordance was read
        old.execute(
            "CREATE TABLE postcodes (code TEXT PRIMARY KEY, district TEXT, problem TEXT, "
            "asked_at REAL NOT NULL)"
        )
        old.execute("INSERT INTO postcodes VALUES ('T6E2A1', 'Edmonton Strathcona', NULL, 0)")
    with RidingLookup(cache, base_url=represent) as lookup:
        assert len(lookup.ridings("T6E 2A1")) == 2 and lookup.requests == 1


def test_cli_finds_the_riding_and_its_mp(represent, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from letters.cli import main

    monkeypatch.setenv("LETTERS_DIRECTORY", str(tmp_path / "house.toml"))
    runner = CliRunner()
    args = ["directory", "riding", "--lookup-url", represent, "--timeout", "0.2"]
    result = runner.invoke(main, [*args, "T6E 1Z8"])
    assert result.output == "Edmonton Strathcona: mp:edmonton-strathcona (Heather McPherson)\n"
    assert (tmp_path / "represent.sqlite").is_file()
    result = runner.invoke(main, [*args, "H0H 0H0"])
    assert result.exit_code == 2
    assert "riding unknown for H0H 0H0" in result.output
    assert "fix: check the postal code" in result.output


def test_cli_offline_advises_what_this_command_can_do(tmp_path, monkeypatch):
    """Not "add a riding column or rerun with --lookup represent": neither is this command's."""
    from click.testing import CliRunner

    from letters.cli import main

    monkeypatch.setenv("LETTERS_DIRECTORY", str(tmp_path / "house.toml"))
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    result = CliRunner().invoke(main, ["directory", "riding", "--lookup-url", closed, "T6E 1Z8"])
    assert result.exit_code == 2
    assert "cannot be reached" in result.output and "fix: try again later" in result.output
    assert "riding column" not in result.output and "--lookup" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_batch_without_lookup_suggests_the_lookup(tmp_path):
    from letters.directory import riding_unknown

    error = riding_unknown(None, 3)
    assert (
        error.fix
        == "add a riding column, or rerun with --lookup represent to find it by postal code"
    )


def test_cli_lists_every_riding_a_code_touches_with_its_mp(represent, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from letters.cli import main

    monkeypatch.setenv("LETTERS_DIRECTORY", str(tmp_path / "house.toml"))
    args = ["directory", "riding", "--lookup-url", represent, "--timeout", "0.2", "T6E 2A1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "T6E 2A1 touches 2 ridings; a letter goes to the MP of the one the address is in:",
        "Edmonton Strathcona: mp:edmonton-strathcona (Heather McPherson)",
        "Edmonton Centre: mp:edmonton-centre (Eleanor Olszewski)",
    ]


def test_batch_row_in_several_ridings_is_an_error_asking_for_a_riding_column(
    represent, tmp_path, monkeypatch
):
    import csv

    from click.testing import CliRunner

    from letters.cli import main

    monkeypatch.setenv("LETTERS_DIRECTORY", str(tmp_path / "directory" / "house.toml"))
    source = tmp_path / "s.csv"
    source.write_text(
        "name,street,city,province,postal code\n"
        "Ann Lee,1 Main St,Edmonton,AB,T6E 1Z8\n"
        "Bo Chan,2 Main St,Edmonton,AB,T6E 2A1\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["batch", "--input", str(source), "--to", "mp", "--out", str(out), "--dry-run"]
    result = CliRunner().invoke(main, [*args, "--lookup", "represent", "--lookup-url", represent])
    assert result.exit_code == 0, result.output
    with (out / "errors.csv").open(encoding="utf-8-sig") as errors:
        [error] = list(csv.DictReader(errors))
    assert (error["row"], error["field"]) == ("3", "riding")
    assert "touches 2 ridings: Edmonton Strathcona, Edmonton Centre" in error["problem"]
    assert error["fix"] == "add a riding column naming one of them"


def test_represent_lookup_is_a_riding_function_cached_beside_the_directory(
    represent, tmp_path, monkeypatch
):
    from letters.directory import represent_lookup

    monkeypatch.setenv("LETTERS_DIRECTORY", str(tmp_path / "dir" / "house.toml"))
    riding = represent_lookup(base_url=represent, timeout=0.2)
    assert riding("T6E 1Z8") == "Edmonton Strathcona"
    with pytest.raises(InputError) as caught:
        riding("H0H 0H0", row=12)
    assert caught.value.row == 12
    assert (tmp_path / "dir" / "represent.sqlite").is_file()


def test_cli_name_that_does_not_resolve_says_to_check_the_connection(tmp_path, monkeypatch):
    """A DNS failure is not fixed by waiting longer: say to check the network (or a mirror)."""
    from click.testing import CliRunner

    from letters.cli import main

    monkeypatch.setenv("LETTERS_DIRECTORY", str(tmp_path / "house.toml"))
    unresolvable = "http://represent.invalid"  # RFC 6761: .invalid never resolves
    result = CliRunner().invoke(
        main, ["directory", "riding", "--lookup-url", unresolvable, "T6E 1Z8"]
    )
    assert result.exit_code == 2
    assert "its name does not resolve (no network?)" in result.output
    assert "fix: check this computer's connection to the internet" in result.output
    assert "--timeout" not in result.output and "try again later" not in result.output
