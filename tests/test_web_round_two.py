"""The web page, round two (issue 24), in Debian's headless Chromium against the real server:
Enter does the step's main action, errors heal, each lookup failure says why, the letter is a
focusable region that updates never take the focus from, the phone reaches the PDF within three
screens with small live updates, Download leads to the next step, Back returns to each step, the
.eml button says what it needs, the page nudges for a sentence of one's own (issue 26), a
keyboard alone reaches the PDF, and axe finds nothing serious in any state.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

import pytest

from .browser import (
    AXE,
    FORM,
    PHONE,
    POSTAL_CODE,
    allow_downloads,
    as_phone,
    axe_violations,
    chromium,
    draw_signature,
    fill,
    find_mp,
    left,
    measure_journey,
    missing_browser,
    saved_pdf,
    server_with_lookup,
    submit,
    tap,
    wait_for_mailto,
)
from .conftest import pdf_text

REASON = missing_browser()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")
DESKTOP = (1280, 900)
LANG_TAG = {"en": "en-CA", "fr": "fr-CA"}
# The letter step's own address (the MP found): what a bookmark or Back gives.
LETTER_STEP = "?postal_code=T6E+1Z8"
ERROR_WORD = {"en": "Error:", "fr": "Erreur\u00a0:"}


@pytest.fixture(scope="module")
def base():
    with server_with_lookup() as url:
        yield url


def by_id(driver, element_id: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, element_id)


def until(driver, condition, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


@contextmanager
def browser(lang: str, size: str):
    """Chromium as a desktop (1280×900) or as a 390×844 phone (touch, mobile layout)."""
    width, height = DESKTOP if size == "desktop" else PHONE
    with chromium(lang=LANG_TAG[lang], width=width, height=height) as driver:
        if size == "phone":
            as_phone(driver)
        yield driver


def mark_page(driver) -> None:
    """A flag on this document: still there after an action means no page was loaded."""
    driver.execute_script("window.__samePage = true")


def same_page(driver) -> bool:
    return bool(driver.execute_script("return window.__samePage === true"))


def page_lang(driver) -> str:
    return driver.find_element("tag name", "html").get_attribute("lang")


def preview_text(driver) -> str:
    return by_id(driver, "preview").get_attribute("textContent")


def set_value(driver, element_id: str, value: str) -> None:
    """Type into a field as a change the page sees (input, then change), by script."""
    driver.execute_script(
        "const e = document.getElementById(arguments[0]); e.value = arguments[1];"
        "e.dispatchEvent(new Event('input', {bubbles: true}));"
        "e.dispatchEvent(new Event('change', {bubbles: true}));",
        element_id,
        value,
    )


def ready_letter(driver, lang: str) -> None:
    """Name and address typed (as script changes), and the letter ready to send."""
    for name in ("name", "street1", "city"):
        set_value(driver, name, FORM[lang][name])
    until(driver, lambda d: by_id(d, "letter-form").get_attribute("data-ready") == "1")


# 1. Enter (or the phone keyboard's Go) does the step's main action, never the language switch.


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_enter_in_every_text_field_does_the_steps_main_action(base, lang, size):
    from selenium.webdriver.common.keys import Keys

    width, height = DESKTOP if size == "desktop" else PHONE
    with chromium(lang=LANG_TAG[lang], width=width, height=height) as driver:
        if size == "phone":
            as_phone(driver)
        driver.get(f"{base}/{lang}/")
        postal = by_id(driver, "postal_code")
        postal.send_keys(POSTAL_CODE[lang] + Keys.ENTER)  # "Find my MP"
        until(driver, lambda d: d.find_elements("id", "preview"))
        assert page_lang(driver) == LANG_TAG[lang]
        assert "Heather McPherson" in by_id(driver, "answer").text
        # The letter form's text fields: Enter updates the letter in place.
        # "Other ways to sign" open: the typed name's field shows (typing is the default way).
        driver.execute_script("document.querySelector('.other-ways').open = true")
        typed = {**{k: v for k, v in FORM[lang].items() if k != "note"}}
        typed |= {"street2": "Apt. 3", "email": "h.lim@example.ca", "signature_typed": "H. Lim"}
        mark_page(driver)
        for name, value in typed.items():
            field = by_id(driver, name)
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", field)
            field.click()
            field.send_keys(value + Keys.ENTER)
            until(driver, lambda d, value=value: value in preview_text(d))
            assert same_page(driver) and page_lang(driver) == LANG_TAG[lang], name
        # The riding's field is the find step's: Enter finds the riding typed.
        driver.execute_script(
            "document.querySelectorAll('.answer details').forEach(d => d.open = true)"
        )
        riding = by_id(driver, "riding")
        riding.clear()
        riding.send_keys(("Edmonton Centre" if lang == "en" else "Edmonton-Centre") + Keys.ENTER)
        until(driver, lambda d: not same_page(d) and d.find_elements("id", "answer"))
        assert "Eleanor Olszewski" in by_id(driver, "answer").text
        assert page_lang(driver) == LANG_TAG[lang]
        # The postal code again: Enter finds the MP for the new code (here, two ridings).
        postal = by_id(driver, "postal_code")
        postal.clear()
        postal.send_keys("T6E 2A1" + Keys.ENTER)
        until(driver, lambda d: d.find_elements("id", "riding-pick"))
        assert page_lang(driver) == LANG_TAG[lang]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_without_javascript_enter_updates_the_letter_in_the_same_language(base, lang):
    from selenium.webdriver.common.keys import Keys

    with chromium(javascript=False, lang=LANG_TAG[lang]) as driver:
        driver.get(f"{base}/{lang}/")
        by_id(driver, "postal_code").send_keys(POSTAL_CODE[lang] + Keys.ENTER)
        until(driver, lambda d: d.find_elements("id", "preview"))
        for name in ("name", "city"):
            old = driver.find_element("tag name", "html")
            by_id(driver, name).send_keys(FORM[lang][name] + Keys.ENTER)
            until(driver, left(old))
            assert page_lang(driver) == LANG_TAG[lang]
            assert FORM[lang][name] in preview_text(driver)


# 2. Errors heal on every update; a wrong province is named and marked on the province.


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_errors_heal_and_a_wrong_province_is_named_on_the_province(base, lang, size):
    from selenium.webdriver.support.ui import Select

    with browser(lang, size) as driver:
        driver.get(f"{base}/{lang}/{LETTER_STEP}")
        mark_page(driver)
        # Download before the name is typed: the page says what is missing, here.
        tap(driver, "download")
        until(driver, lambda d: d.find_elements("id", "error-summary"))
        assert driver.switch_to.active_element == by_id(driver, "error-summary")
        assert driver.title.startswith(ERROR_WORD[lang])
        assert by_id(driver, "name").get_attribute("aria-invalid") == "true"
        ready_letter(driver, lang)
        until(driver, lambda d: not d.find_elements("id", "error-summary"))
        assert not driver.title.startswith(ERROR_WORD[lang])
        assert not driver.find_elements("css selector", ".error-message, [aria-invalid]")
        wait_for_mailto(driver)
        # A province the postal code is not in.
        Select(by_id(driver, "province")).select_by_value("QC")
        until(driver, lambda d: d.find_elements("id", "error-summary"))
        summary = by_id(driver, "error-summary").text
        quebec = "Quebec" if lang == "en" else "Québec"
        assert "T6E 1Z8" in summary and "Alberta" in summary and quebec in summary
        assert by_id(driver, "province").get_attribute("aria-invalid") == "true"
        assert by_id(driver, "postal_code").get_attribute("aria-invalid") is None
        assert "Alberta" in by_id(driver, "province-error").text
        assert driver.title.startswith(ERROR_WORD[lang])
        assert not driver.find_elements("id", "mailto")  # the send bar follows
        Select(by_id(driver, "province")).select_by_value("AB")
        until(driver, lambda d: not d.find_elements("id", "error-summary"))
        assert not driver.title.startswith(ERROR_WORD[lang])
        assert by_id(driver, "province").get_attribute("aria-invalid") is None
        assert not driver.find_elements("id", "province-error")
        wait_for_mailto(driver)
        assert same_page(driver)


# 3. Not found, busy and unavailable each say why; a riding typed in part offers every match.


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_unknown_postal_code_points_to_elections_canada_and_ridings_are_offered(base, lang):
    from selenium.webdriver.common.keys import Keys

    with chromium(lang=LANG_TAG[lang], width=PHONE[0], height=PHONE[1]) as driver:
        as_phone(driver)
        driver.get(f"{base}/{lang}/")
        find_mp(driver, "H0H 0H0")
        beside = by_id(driver, "riding-error")
        assert "H0H 0H0" in beside.text
        link = beside.find_element("tag name", "a")
        assert link.get_attribute("href").startswith(
            f"https://www.elections.ca/Scripts/vis/FindED?L={lang[0]}"
        )
        by_id(driver, "riding").send_keys("Edmonton" + Keys.ENTER)
        until(driver, lambda d: d.find_elements("css selector", ".suggestions button"))
        offered = [b.text for b in driver.find_elements("css selector", ".suggestions button")]
        assert len(offered) == 9
        assert ("Edmonton West" if lang == "en" else "Edmonton-Ouest") in offered


# 4. The letter is a focusable, labelled region; updates never move the focus.


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_letter_is_a_focusable_region_and_updates_keep_the_focus(base, lang, size):
    from selenium.webdriver.common.keys import Keys

    with browser(lang, size) as driver:
        driver.get(f"{base}/{lang}/{LETTER_STEP}")
        ready_letter(driver, lang)
        preview = by_id(driver, "preview")
        assert preview.get_attribute("tabindex") == "0"
        heading = by_id(driver, preview.get_attribute("aria-labelledby")).text
        assert heading in (
            "Your letter, as it will print",
            "Votre lettre, telle qu’elle sera imprimée",
        )
        if size == "phone":
            tap(driver, "read-all")  # the whole letter: the page scrolls, not the region
        # The keyboard scrolls the letter box (on a desktop, the box beside the form).
        driver.execute_script("arguments[0].focus()", preview)
        preview.send_keys(Keys.PAGE_DOWN)
        if size == "desktop":
            until(driver, lambda d: d.execute_script("return arguments[0].scrollTop", preview) > 0)
        # An update while the letter has the focus, then while Download has it.
        for focused, note in (("preview", "First sentence."), ("download", "Second one.")):
            element = by_id(driver, focused)
            driver.execute_script("arguments[0].focus(); arguments[0].__mine = true", element)
            set_value(driver, "note", note)
            until(driver, lambda d, note=note: note in preview_text(d))
            time.sleep(0.3)
            assert driver.execute_script("return document.activeElement.__mine === true"), focused


# 5 and 6. The phone reaches the PDF within three screens; live updates carry only what changes.


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_phone_reaches_the_pdf_within_three_screens_with_small_updates(base, tmp_path, lang):
    figures = measure_journey(base, lang, tmp_path)
    print(f"\n{lang} phone journey: {figures}")
    assert figures["screens_to_pdf"] <= 3
    assert figures["name_at_screens"] < 2  # "Full name" before the long text
    updates = figures["bytes_per_update"]
    assert updates and max(updates) < 25_000  # the one that brings the drawn signature
    assert sorted(updates)[0] < 8_000  # was 31-43 kB (the whole page)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_phone_shows_the_first_paragraph_and_unfolds_the_letter(base, lang):
    with chromium(lang=LANG_TAG[lang], width=PHONE[0], height=PHONE[1]) as driver:
        as_phone(driver)
        driver.get(f"{base}/{lang}/")
        find_mp(driver, POSTAL_CODE[lang])
        opening = driver.find_element("css selector", "#preview .opening")
        assert opening.is_displayed() and opening.location["y"] < PHONE[1]  # first screen
        close = driver.find_element("css selector", "#preview .close")
        button = by_id(driver, "read-all")
        assert not close.is_displayed() and button.get_attribute("aria-expanded") == "false"
        tap(driver, "read-all")
        assert close.is_displayed() and button.get_attribute("aria-expanded") == "true"


# 7. After Download, the next step, with the focus; 9. the .eml button says what it needs.


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_download_leads_to_the_next_step_and_the_eml_asks_for_the_email_first(
    base, tmp_path, lang, size
):
    with browser(lang, size) as driver:
        allow_downloads(driver, tmp_path)
        driver.get(f"{base}/{lang}/{LETTER_STEP}")
        ready_letter(driver, lang)
        assert not driver.find_elements("id", "eml")
        needs = by_id(driver, "eml-needs-email")
        assert needs.find_element("tag name", "a").get_attribute("href").endswith("#email")
        tap(driver, "download")
        pdf = saved_pdf(tmp_path).read_bytes()
        assert FORM[lang]["name"] in pdf_text(pdf)
        until(driver, lambda d: d.switch_to.active_element == by_id(d, "next-step"))
        assert by_id(driver, "downloaded").text  # "Your PDF is downloading. Next, send it…"
        assert by_id(driver, "next-step").is_displayed()
        # With an email address the draft is offered, and works.
        set_value(driver, "email", "h.lim@example.ca")
        until(driver, lambda d: d.find_elements("id", "eml"))
        tap(driver, "eml")
        deadline = time.monotonic() + 60
        while not [p for p in tmp_path.glob("*.eml") if p.stat().st_size]:
            assert time.monotonic() < deadline, "no .eml saved"
            time.sleep(0.1)


# 8. Back returns to each step, with JavaScript and without.


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_back_returns_to_each_step_the_person_saw(base, lang, size):
    with browser(lang, size) as driver:
        driver.get(f"{base}/{lang}/")
        find_mp(driver, "T6E 2A1")  # step 2: which riding
        tap(driver, "riding-pick-0")
        tap(driver, "pick", navigates=True)  # step 3: the letter
        set_value(driver, "name", FORM[lang]["name"])
        until(driver, lambda d: FORM[lang]["name"] in preview_text(d))
        driver.back()
        until(driver, lambda d: d.find_elements("id", "riding-pick"))
        driver.back()
        until(driver, lambda d: not d.find_elements("id", "answer"))
        assert by_id(driver, "postal_code").is_displayed()
        driver.forward()
        until(driver, lambda d: d.find_elements("id", "riding-pick"))
        driver.forward()
        until(driver, lambda d: d.find_elements("id", "preview"))
        until(driver, lambda d: FORM[lang]["name"] in preview_text(d))  # kept in this tab


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_without_javascript_back_never_asks_to_resubmit_a_form(base, lang):
    with chromium(javascript=False, lang=LANG_TAG[lang]) as driver:
        driver.get(f"{base}/{lang}/")
        find_mp(driver, POSTAL_CODE[lang])
        for name in ("name", "city"):
            fill(driver, {name: FORM[lang][name]})
            submit(driver, "preview")  # a post, redirected to its address
            assert "postal_code=" in driver.current_url
        for _ in range(3):
            driver.back()
            until(driver, lambda d: d.execute_script("return document.readyState") == "complete")
            assert driver.find_elements("id", "postal_code"), driver.page_source[:300]
        assert not driver.find_elements("id", "answer")  # the first step


# Issue 26: the nudge for a sentence in the sender's own words.


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_ready_letter_without_a_sentence_of_ones_own_is_nudged_never_blocked(base, lang, size):
    with browser(lang, size) as driver:
        driver.get(f"{base}/{lang}/{LETTER_STEP}")
        ready_letter(driver, lang)
        words = {
            "en": "Offices give more weight to a letter with a sentence in your own words",
            "fr": "Les bureaux accordent plus de poids à une lettre",
        }
        until(driver, lambda d: words[lang] in by_id(d, "nudge").text)
        assert by_id(driver, "nudge").get_attribute("role") == "status"
        # signed: nothing else holds the focus, the cursor goes there
        draw_signature(driver, "touch" if size == "phone" else "mouse")
        until(driver, lambda d: d.switch_to.active_element == by_id(d, "note"))
        wait_for_mailto(driver)  # never blocks: the letter can still be sent
        set_value(driver, "note", FORM[lang]["note"])
        until(driver, lambda d: by_id(d, "nudge").text == "")


# The keyboard alone, from the first screen to the PDF, with no trap.


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_keyboard_alone_reaches_the_pdf(base, tmp_path, lang):
    from selenium.webdriver.common.keys import Keys

    with chromium(lang=LANG_TAG[lang], width=DESKTOP[0], height=DESKTOP[1]) as driver:
        allow_downloads(driver, tmp_path)
        driver.get(f"{base}/{lang}/")
        keys = 0

        def press(*sequence: str) -> None:
            nonlocal keys
            driver.switch_to.active_element.send_keys(*sequence)
            keys += sum(len(s) for s in sequence)

        driver.find_element("tag name", "body").send_keys(Keys.TAB)
        keys += 1
        while driver.switch_to.active_element.get_attribute("id") != "postal_code":
            press(Keys.TAB)
            assert keys < 6
        press(POSTAL_CODE[lang], Keys.ENTER)
        until(driver, lambda d: d.find_elements("id", "preview"))
        visited = []
        while True:
            element = driver.switch_to.active_element
            name = element.get_attribute("id") or element.text
            if name == "download":
                break
            assert name not in visited[1:] or name == "", f"focus came back to {name}: a trap"
            visited.append(name)
            if name in ("name", "street1", "city"):
                press(FORM[lang][name])
            press(Keys.TAB)
            assert len(visited) < 60, visited
        press(Keys.ENTER)
        pdf = saved_pdf(tmp_path).read_bytes()
        assert FORM[lang]["name"] in pdf_text(pdf)
        print(f"\n{lang} keyboard only: {keys} keystrokes, {len(visited)} tab stops to Download")


# axe: no serious or critical finding in any state, on a phone and a desktop, both languages.


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm install axe-core)")
@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_serious_accessibility_finding_in_any_state(base, tmp_path, lang, size):
    from selenium.webdriver.support.ui import Select

    width, height = DESKTOP if size == "desktop" else PHONE
    found = {}
    with chromium(lang=LANG_TAG[lang], width=width, height=height) as driver:
        if size == "phone":
            as_phone(driver)
        allow_downloads(driver, tmp_path)

        def check(state: str) -> None:
            serious = [v for v in axe_violations(driver) if v["impact"] in ("serious", "critical")]
            if serious:
                found[state] = serious

        driver.get(f"{base}/{lang}/")
        check("first")
        find_mp(driver, "T2T BB4")
        check("postal code error")
        driver.get(f"{base}/{lang}/?postal_code=H0H0H0")
        check("not found")
        driver.get(f"{base}/{lang}/?postal_code=T6E2A1")
        check("two ridings")
        driver.get(f"{base}/{lang}/{LETTER_STEP}")
        check("found")
        if size == "phone":
            tap(driver, "read-all")
            check("whole letter")
        ready_letter(driver, lang)
        until(driver, lambda d: by_id(d, "nudge").text)
        check("ready, nudged")
        Select(by_id(driver, "province")).select_by_value("QC")
        until(driver, lambda d: d.find_elements("id", "error-summary"))
        check("wrong province")
        Select(by_id(driver, "province")).select_by_value("AB")
        wait_for_mailto(driver)
        tap(driver, "download")
        saved_pdf(tmp_path)
        check("after download")
    assert found == {}
