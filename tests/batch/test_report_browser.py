"""report.html in Chromium, as an organiser opens it: offline, on a desktop and a phone, printed.

Uses the browser harness of the web page's tests (tests/browser.py): Debian's Chromium and
chromedriver, axe-core from npm. Skipped, saying why, when they are not installed.
"""

from __future__ import annotations

import base64
import io
import unicodedata

import pytest
from pypdf import PdfReader

from letters.batch.engine import run_batch

from ..browser import AXE, axe_violations, chromium, missing_browser
from ..conftest import DAY, ROOT

pytestmark = pytest.mark.skipif(missing_browser() is not None, reason=str(missing_browser()))

HEADINGS = {"en": "Letters per office", "fr": "Lettres par bureau"}


@pytest.fixture(scope="module")
def page(tmp_path_factory, setting):
    out = tmp_path_factory.mktemp("report-page")
    run_batch(
        "end-ice-contracts",
        ROOT / "examples" / "supporters.csv",
        ["pm", "mp"],
        day=DAY,
        out=out,
        dry_run=True,
        setting=setting,
    )
    return (out / "report.html").as_uri()


def offline(driver) -> None:
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def as_phone(driver) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True},
    )


def visible_heading(driver) -> str:
    return driver.execute_script(
        "return [...document.querySelectorAll('h2')].filter(h => h.offsetParent)[1].textContent"
    )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_renders_offline_with_no_script_and_its_charts_drawn(page, lang):
    with chromium() as driver:
        offline(driver)
        driver.get(f"{page}#{lang}" if lang == "fr" else page)
        assert visible_heading(driver) == HEADINGS[lang]
        state = driver.execute_script(
            """
            const images = [...document.images].filter(i => i.offsetParent);
            return {
              scripts: document.scripts.length,
              fetched: performance.getEntriesByType('resource').map(e => e.name),
              images: images.length,
              drawn: images.every(i => i.complete && i.naturalWidth > 0),
              lang: document.querySelector('.language:not([style*=none])') && [...document.querySelectorAll('.language')].filter(d => d.offsetParent).map(d => d.lang),
            };
            """
        )
    assert state["scripts"] == 0
    assert state["fetched"] == []
    assert state["images"] == 2 and state["drawn"]
    assert state["lang"] == [f"{lang}-CA"]


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm install axe-core)")
@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_no_serious_accessibility_violations(page, lang, phone):
    with chromium() as driver:
        if phone:
            as_phone(driver)
        driver.get(f"{page}#{lang}")
        serious = [v for v in axe_violations(driver) if v["impact"] in ("serious", "critical")]
        wide = driver.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth"
        )
    assert serious == []
    assert wide <= 0, "the page scrolls sideways: only a table's own region may"


def test_the_page_prints_without_its_language_link(page):
    with chromium() as driver:
        driver.get(page)
        printed = driver.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.5, "paperHeight": 11})
    pages = PdfReader(io.BytesIO(base64.b64decode(printed["data"]))).pages
    text = unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in pages))  # ﬁ -> fi
    assert "Letters per office" in text and "The run" in text
    assert "Français" not in text
