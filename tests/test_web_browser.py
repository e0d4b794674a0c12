"""`letters serve` in a real browser: Debian's headless Chromium against the real server, with
the stand-in Represent of tests/directory/test_lookup.py behind `--lookup-url`.

The main test walks a constituent from the postal code to a downloaded PDF and a mailto: link,
on a desktop and a phone, in both languages, counting taps and keystrokes.
"""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

from .browser import (
    FORM,
    PHONE,
    POSTAL_CODE,
    Counter,
    allow_downloads,
    as_phone,
    chromium,
    draw_signature,
    fill,
    find_mp,
    left,
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
SIZES = {"desktop": (1280, 900), "phone": PHONE}
COUNTS: dict[str, str] = {}


@pytest.fixture(scope="module")
def base():
    with server_with_lookup() as url:
        yield url


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


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize(
    ("lang", "answer", "salutation"),
    [
        ("en", "Your MP: Heather McPherson, Edmonton Strathcona", "Dear Ms. McPherson:"),
        (
            "fr",
            "Votre député ou députée : Heather McPherson, Edmonton Strathcona",  # .text: no NBSP
            "Madame la Députée,",
        ),
    ],
)
def test_from_postal_code_to_the_pdf_and_the_email(base, tmp_path, lang, answer, salutation, size):
    width, height = SIZES[size]
    counter = Counter()
    with chromium(lang=f"{lang}-CA", width=width, height=height) as driver:
        if size == "phone":
            as_phone(driver)
        allow_downloads(driver, tmp_path)
        driver.get(f"{base}/{lang}/")
        find_mp(driver, POSTAL_CODE[lang], counter)
        assert answer in by_id(driver, "answer").text
        assert salutation in by_id(driver, "preview").text  # the letter, in view at once
        fill(driver, {k: v for k, v in FORM[lang].items() if k != "note"}, counter)
        draw_signature(driver, "touch" if size == "phone" else "mouse")
        counter.taps += 1
        href = wait_for_mailto(driver)
        tap(driver, "download", counter)
        pdf = saved_pdf(tmp_path).read_bytes()
        counter.taps += 1  # "Email it": the link opens the mail program
    text = " ".join(pdf_text(pdf).split())
    assert salutation in text and FORM[lang]["name"] in text
    assert images(pdf) >= 1  # the drawn signature
    parts = urlsplit(href)
    assert (parts.scheme, parts.path) == ("mailto", "Heather.McPherson@parl.gc.ca")
    assert parse_qs(parts.query)["body"][0].startswith(salutation)
    COUNTS[f"{lang}-{size}"] = str(counter)
    print(f"\n{lang} {size}: {counter}")
    assert counter.taps <= 6


def test_edit_the_letter_beside_it_and_it_follows(base, tmp_path):
    with chromium(width=1280, height=900) as driver:
        allow_downloads(driver, tmp_path)
        driver.get(f"{base}/en/")
        find_mp(driver, "T6E 1Z8")
        tap(driver, "demand-export-permits")
        fill(
            driver,
            {"note": FORM["en"]["note"], **{k: FORM["en"][k] for k in ("name", "street1", "city")}},
        )
        by_id(driver, "name").click()  # leaving the paragraph updates the letter
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(driver, 30).until(
            lambda d: (
                FORM["en"]["note"] in by_id(d, "preview").text
                and "Refuse export permits" not in by_id(d, "preview").text
            )
        )
        assert len(by_id(driver, "note-count").text) > 0
        tap(driver, "download")
        text = " ".join(pdf_text(saved_pdf(tmp_path).read_bytes()).split())
    assert FORM["en"]["note"] in text and "Refuse export permits" not in text
    assert "Close ICE field offices in Canada" in text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_postal_code_in_two_ridings_asks_which_one(base, lang):
    with chromium(lang=f"{lang}-CA", width=PHONE[0], height=PHONE[1]) as driver:
        as_phone(driver)
        driver.get(f"{base}/{lang}/")
        find_mp(driver, "T6E 2A1")
        question = by_id(driver, "riding-pick").text
        assert "Edmonton Strathcona" in question and "Heather McPherson" in question
        centre = "Edmonton Centre" if lang == "en" else "Edmonton-Centre"  # official names
        assert centre in question and "Eleanor Olszewski" in question
        assert not driver.find_elements("id", "preview")  # no letter to a guessed MP
        tap(driver, "riding-pick-1")
        tap(driver, "pick", navigates=True)
        assert "Eleanor Olszewski" in by_id(driver, "answer").text
        assert "Olszewski" in by_id(driver, "preview").get_attribute("textContent")  # folded


def test_switching_language_and_going_back_keep_every_field_and_the_drawing(base):
    with chromium(width=1280, height=900) as driver:
        driver.get(f"{base}/en/")
        find_mp(driver, "T6E 1Z8")
        fill(driver, {k: FORM["en"][k] for k in ("name", "street1", "city", "note")})
        draw_signature(driver, "pen")
        drawn = by_id(driver, "signature_drawn").get_attribute("value")
        assert drawn.startswith("data:image/png;base64,")
        old = driver.find_element("tag name", "html")
        driver.find_element("css selector", ".language-switch button").click()
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(driver, 30).until(left(old))
        assert driver.find_element("tag name", "html").get_attribute("lang") == "fr-CA"
        for name in ("name", "street1", "city", "note"):
            assert by_id(driver, name).get_attribute("value") == FORM["en"][name]
        # The server re-encodes the drawing (letters.sending.signature): the same picture, other bytes.
        drawn = by_id(driver, "signature_drawn").get_attribute("value")
        assert drawn.startswith("data:image/png;base64,")
        assert driver.find_elements("css selector", "#preview img.signature")
        # Back, then Reload: the page asks again for the form kept in this tab, not the post.
        driver.back()
        WebDriverWait(driver, 30).until(lambda d: d.find_elements("id", "preview"))
        WebDriverWait(driver, 30).until(
            lambda d: by_id(d, "name").get_attribute("value") == FORM["en"]["name"]
        )
        assert by_id(driver, "signature_drawn").get_attribute("value").startswith("data:image/png")
        driver.refresh()
        WebDriverWait(driver, 30).until(
            lambda d: (
                d.find_elements("id", "name")
                and by_id(d, "name").get_attribute("value") == FORM["en"]["name"]
            )
        )


def test_errors_are_summarised_focused_and_lead_to_the_field_by_keyboard(base):
    from selenium.webdriver.common.keys import Keys

    with chromium(width=PHONE[0], height=PHONE[1]) as driver:
        as_phone(driver)
        driver.get(f"{base}/en/")
        find_mp(driver, "T2T BB4")
        summary = by_id(driver, "error-summary")
        assert driver.switch_to.active_element == summary
        assert summary.text.splitlines()[1:] == [
            "Check the postal code: the 4th character should be a digit."
        ]
        assert summary.rect["y"] + summary.rect["height"] < PHONE[1]  # on the first screen
        summary.send_keys(Keys.TAB)
        driver.switch_to.active_element.send_keys(Keys.ENTER)
        assert driver.switch_to.active_element == by_id(driver, "postal_code")
        assert by_id(driver, "postal_code").get_attribute("value") == "T2T BB4"


def test_every_control_is_reachable_with_the_tab_key(base):
    from selenium.webdriver.common.keys import Keys

    with chromium(width=1280, height=900) as driver:
        driver.get(f"{base}/en/")
        find_mp(driver, "T6E 1Z8")
        controls = driver.execute_script(
            "return Array.from(document.querySelectorAll('a[href], input:not([type=hidden]), "
            'select, textarea, button:not([tabindex="-1"]), summary\'))'
            ".filter(e => e.offsetParent !== null && "
            "(e.tagName === 'SUMMARY' || !e.closest('details:not([open])')))"
            ".map(e => e.id || e.textContent.trim())"
        )
        seen = []
        driver.find_element("tag name", "body").send_keys(Keys.TAB)
        for _ in range(len(controls) * 2):
            element = driver.switch_to.active_element
            seen.append(element.get_attribute("id") or element.text.strip())
            element.send_keys(Keys.TAB)
        radios = set(
            driver.execute_script(
                "return Array.from(document.querySelectorAll('input[type=radio]')).map(e => e.id)"
            )
        )
        assert {c for c in controls if c not in radios} <= set(seen)


def test_without_javascript_the_plain_form_finds_the_mp_and_downloads(base, tmp_path):
    with chromium(javascript=False) as driver:
        allow_downloads(driver, tmp_path)
        driver.get(f"{base}/en/")
        find_mp(driver, "t6e1z8")
        assert "Your MP: Heather McPherson, Edmonton Strathcona" in by_id(driver, "answer").text
        assert not by_id(driver, "signature-pad").is_displayed()  # drawing needs JavaScript
        fill(driver, {k: FORM["en"][k] for k in ("name", "street1", "city")})
        submit(driver, "preview")
        assert "Heather Lim" in by_id(driver, "preview").text
        assert wait_for_mailto(driver).startswith("mailto:Heather.McPherson@parl.gc.ca?")
        tap(driver, "download")
        text = " ".join(pdf_text(saved_pdf(tmp_path).read_bytes()).split())
        assert "Dear Ms. McPherson:" in text


# axe in every state, phone and desktop: tests/test_web_round_two.py


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_phone_on_fast_3g_gets_the_letter_light_and_the_pdf_soon(base, lang):
    """Chromium's DevTools network emulation (Fast 3G): the figures in docs/serve.md."""
    from .browser import measure_phone

    figures = measure_phone(base, lang)
    print(f"\n{lang} phone on Fast 3G: {figures}")
    assert figures["answer_kb"] < 200_000  # the fonts were 1.56 MB before they were subset
    assert figures["preview_at_screens"] < 2  # the letter starts within two screens
    assert figures["to_pdf_s"] < 30  # about 5 s here; generous for a busy machine
