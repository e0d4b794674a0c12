"""A demand is chosen once: repeated ids are counted once on every path (CLI, batch cell, web
post), a post cannot carry more values than the form has fields, and a render that overruns its
time limit costs only its own request."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import replace

import pytest
from click.testing import CliRunner

from letters import make_letter
from letters.cli import main
from letters.web import create_app
from letters.web.form import MAX_FORM_VALUES
from letters.web.workers import PdfWorkers, RenderTimeout

from ..conftest import DAY, pdf_pages, pdf_text, sender
from ..test_cli import BASE
from ..test_web import FIELDS, token

TITLE = "Refuse export permits"


def test_write_prints_a_repeated_demand_once():
    args = [*BASE, "--to", "pm", "--lang", "en", "--format", "text"]
    args += ["--demand", "export-permits"] * 3 + ["--demand", "field-offices"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.count(TITLE) == 1
    assert result.output.index(TITLE) < result.output.index("Close ICE field offices")


def test_a_supporters_demands_cell_with_one_id_repeated_gives_one_demand(tmp_path):
    cell = ";".join(["export-permits"] * 3000)
    (tmp_path / "s.csv").write_text(
        "name,street,city,province,postal code,language,riding,demands\n"
        f"Heather Lim,10234 82 Avenue NW,Edmonton,AB,T6E 1Z8,en,Edmonton Strathcona,{cell}\n"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "batch",
            "--campaign",
            "end-ice-contracts",
            "--input",
            str(tmp_path / "s.csv"),
            "--to",
            "mp",
            "--out",
            str(out),
            "--date",
            "2026-02-01",
        ],
    )
    assert result.exit_code == 0, result.output
    (pdf,) = (out / "letters").glob("*.pdf")
    text = pdf_text(pdf.read_bytes())
    assert pdf_pages(pdf.read_bytes()) <= 2
    assert text.count("export permits") == 1, text


@pytest.fixture(scope="module")
def web():
    app = create_app("end-ice-contracts", pdfs_per_minute=0, processes=1)
    yield app.test_client()
    app.extensions["letters"].workers.close()


def post_demands(client, ids: list[str], action: str = "preview", **kwargs):
    data = {**FIELDS, "letter_lang": "en", "csrf_token": token(client), "action": action}
    return client.post("/en/", data={**data, "demand": ids}, **kwargs)


def test_a_web_post_with_a_demand_repeated_shows_it_once(web):
    # Without JavaScript the post is redirected to the step's address, demands and all.
    response = post_demands(web, ["export-permits"] * (MAX_FORM_VALUES - 30), follow_redirects=True)
    assert [r.status_code for r in response.history] == [303]
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(html) < 200_000
    letter = html[html.index('<article class="letter"') :].split("</article>")[0]  # in view
    assert letter.count(TITLE) == 1  # the letter's one paragraph
    assert html.count(TITLE) == 2  # and the checkbox's label


def test_a_post_with_more_values_than_the_form_holds_gets_the_413_page(web):
    # The whole form is on the letter step (the first page holds only the postal code).
    page = web.get("/en/?postal_code=T6E1Z8&riding=Edmonton+Strathcona").get_data(as_text=True)
    fields = len(re.findall(r"<(?:input|select|textarea|button)\b[^>]*\bname=", page))
    assert fields < MAX_FORM_VALUES  # the cap is above what the real form can send
    for ids in (["export-permits"] * n for n in (120_000, 3000, MAX_FORM_VALUES)):
        response = post_demands(web, ids)
        assert response.status_code == 413
        html = response.get_data(as_text=True)
        assert "What you sent is too large" in html and len(html) < 20_000
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_render_over_its_time_limit_costs_only_its_own_request(setting):
    """An overrunning letter's worker is killed and replaced; a letter rendering beside it in
    the other worker, and the ones after it, are served."""
    letter = make_letter(setting, sender("en"), "pm", DAY)
    heavy = replace(letter, demands=letter.demands * 3000)  # what 3,000 repeats used to give
    workers = PdfWorkers(processes=2, timeout=60)
    served, failed, stop = [], [], threading.Event()

    def ordinary() -> None:
        while not stop.is_set():
            try:
                served.append(workers.render(letter).startswith(b"%PDF"))
            except RenderTimeout as error:
                failed.append(error)

    try:
        assert workers.render(letter).startswith(b"%PDF")  # both workers are warm
        thread = threading.Thread(target=ordinary)
        thread.start()
        time.sleep(0.5)
        started = time.monotonic()
        try:
            workers.render(heavy, timeout=3)
        except RenderTimeout:
            pass
        else:
            raise AssertionError("the heavy letter was not stopped")
        assert time.monotonic() - started < 10
        count = len(served)
        time.sleep(2)
        stop.set()
        thread.join(60)
        assert not failed and all(served) and len(served) > count
        assert workers.render(letter).startswith(b"%PDF")  # the replacement works
    finally:
        stop.set()
        workers.close()


def test_a_step_address_with_more_values_than_the_form_holds_gets_the_413_page(web):
    """A step is an address (GET): the cap holds there too, not only on posts."""
    query = "postal_code=T6E1Z8&riding=Edmonton+Strathcona&" + "&".join(
        ["demand=export-permits"] * MAX_FORM_VALUES
    )
    response = web.get(f"/en/?{query}")
    assert response.status_code == 413
    assert "What you sent is too large" in response.get_data(as_text=True)
    ordinary = web.get("/en/?postal_code=T6E1Z8&riding=Edmonton+Strathcona&demand=export-permits")
    assert ordinary.status_code == 200
