"""`letters serve` in a real browser: Debian's headless Chromium against the real server."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from .browser import (
    AXE,
    FORM,
    axe_violations,
    chromium,
    download_from_page,
    draw_signature,
    fill,
    missing_browser,
    submit,
)
from .conftest import pdf_text

REASON = missing_browser()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")


@pytest.fixture(scope="module")
def base(served):
    return served


@pytest.fixture(scope="module")
def browser():
    with chromium() as driver:
        yield driver


def by_id(driver, element_id: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, element_id)


def images(pdf: bytes) -> int:
    reader = PdfReader(io.BytesIO(pdf))
    return sum(
        obj.get_object()["/Subtype"] == "/Image"
        for page in reader.pages
        for obj in (page["/Resources"].get("/XObject") or {}).values()
    )


@pytest.mark.parametrize(
    ("lang", "pointer", "salutation", "untick", "dropped", "kept"),
    [
        (
            "en",
            "mouse",
            "Dear Ms. McPherson:",
            "export-permits",
            "Refuse export permits",
            "Close ICE field offices in Canada",
        ),
        (
            "fr",
            "pen",
            "Madame la Députée,",
            "safe-third-country",
            "Mettre fin à l’Entente sur les tiers pays sûrs",
            "Fermer les bureaux de l’ICE au Canada",
        ),
    ],
)
def test_fill_draw_preview_and_download_the_pdf(
    base, browser, lang, pointer, salutation, untick, dropped, kept
):
    browser.get(f"{base}/{lang}/")
    fill(browser, FORM[lang])
    count = by_id(browser, "note-count").text
    assert count.startswith(str(len(FORM[lang]["note"])))  # the live character count
    by_id(browser, "to-mp").click()
    by_id(browser, f"demand-{untick}").click()
    draw_signature(browser, pointer)
    assert (
        by_id(browser, "signature_drawn")
        .get_attribute("value")
        .startswith("data:image/png;base64,")
    )
    submit(browser, "preview")
    preview = by_id(browser, "preview")
    assert salutation in preview.text and FORM[lang]["note"] in preview.text
    assert preview.find_element("css selector", "img.signature").get_attribute("src")
    status, kind, pdf = download_from_page(browser)
    assert status == 200 and kind == "application/pdf"
    text = " ".join(pdf_text(pdf).split())
    assert salutation in text and FORM[lang]["note"] in text
    assert kept in text and dropped not in text
    assert images(pdf) >= 1


def test_language_switch_and_accept_language(base):
    with chromium(lang="fr-CA") as driver:
        driver.get(f"{base}/")
        assert driver.current_url.endswith("/fr/")
        assert driver.find_element("tag name", "html").get_attribute("lang") == "fr-CA"
        assert "Mettre fin aux contrats" in driver.find_element("tag name", "h1").text
        driver.find_element("link text", "English").click()
        assert driver.current_url.endswith("/en/")
        assert driver.find_element("tag name", "html").get_attribute("lang") == "en-CA"
        assert by_id(driver, "name").get_attribute("id") == "name"


def test_errors_are_summarised_focused_and_lead_to_the_field_by_keyboard(base, browser):
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{base}/en/")
    fill(browser, {"postal_code": "ZZZ 999"})
    submit(browser, "preview")
    summary = by_id(browser, "error-summary")
    assert browser.switch_to.active_element == summary
    assert "Postal code: invalid postal code 'ZZZ 999'" in summary.text
    assert "Full name: is required" in summary.text
    summary.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text.startswith("Full name")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element == by_id(browser, "name")
    assert by_id(browser, "postal_code").get_attribute("value") == "ZZZ 999"


def test_every_control_is_reachable_with_the_tab_key(base, browser):
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{base}/en/")
    controls = browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href], input:not([type=hidden]), "
        "select, textarea, button')).filter(e => e.offsetParent !== null).map(e => e.id || e.textContent.trim())"
    )
    seen = []
    body = browser.find_element("tag name", "body")
    body.send_keys(Keys.TAB)
    for _ in range(len(controls) * 2):
        element = browser.switch_to.active_element
        seen.append(element.get_attribute("id") or element.text.strip())
        element.send_keys(Keys.TAB)
    # Radio groups take one Tab stop; every other control must be reached.
    radios = set(
        browser.execute_script(
            "return Array.from(document.querySelectorAll('input[type=radio]')).map(e => e.id)"
        )
    )
    assert {c for c in controls if c not in radios} <= set(seen)


def test_without_javascript_the_plain_form_previews_and_downloads(base, tmp_path):
    with chromium(javascript=False) as driver:
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
        )
        driver.get(f"{base}/en/")
        assert not by_id(driver, "note-count").is_displayed()  # JavaScript is off
        assert not by_id(driver, "mode-draw").is_displayed()  # drawing needs JavaScript
        fill(driver, FORM["en"])
        submit(driver, "preview")
        assert "Dear Prime Minister:" in by_id(driver, "preview").text
        by_id(driver, "preview").find_element("css selector", "button").click()
        for _ in range(100):
            done = [p for p in tmp_path.glob("*.pdf")]
            if done:
                break
            driver.implicitly_wait(0)
            import time

            time.sleep(0.1)
        assert done, "the browser saved no PDF"
        text = " ".join(pdf_text(done[0].read_bytes()).split())
        assert "Dear Prime Minister:" in text and FORM["en"]["note"] in text


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm install axe-core)")
@pytest.mark.parametrize("state", ["empty", "errors", "preview"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_serious_accessibility_violations(base, browser, lang, state):
    browser.get(f"{base}/{lang}/")
    if state == "errors":
        submit(browser, "preview")
    if state == "preview":
        fill(browser, FORM[lang])
        submit(browser, "preview")
        by_id(browser, "preview")
    serious = [v for v in axe_violations(browser) if v["impact"] in ("serious", "critical")]
    assert serious == []
