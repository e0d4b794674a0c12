"""Real server + Debian's headless Chromium for the browser tests and the README screenshots.

`python -m tests.browser docs` (or `make screenshots`) writes the phone screenshots
docs/serve-{en,fr}-{1-postal-code,2-your-mp,3-send}.png; `python -m tests.browser measure` prints
the Fast 3G figures of docs/serve.md.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# What a constituent types after the postal code (the province comes from the postal code).
FORM = {
    "en": dict(
        name="Heather Lim",
        street1="10234 82 Avenue NW",
        city="Edmonton",
        note="I have written to you before about this.",
    ),
    "fr": dict(
        name="Jeanne Tremblay",
        street1="8210, rue Gateway",
        city="Edmonton",
        note="Je vous ai déjà écrit à ce sujet.",
    ),
}
POSTAL_CODE = {"en": "T6E 1Z8", "fr": "t6e1z8"}  # the French one is corrected on the page
# The House as the browser tests' server knows it: the shipped MP plus the other riding that
# the stand-in Represent says T6E 2A1 touches.
OTHER_MPS = (
    "riding,name,gender,email\nEdmonton Centre,Eleanor Olszewski,f,Eleanor.Olszewski@parl.gc.ca\n"
)


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        return (
            "Debian's chromium and chromium-driver are not installed (`make browser-deps` as root)"
        )
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium client is not installed (pip install -e '.[test]')"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(*options: str, env: dict[str, str] | None = None):
    """`letters serve` in a subprocess on 127.0.0.1 and a free port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "letters", "serve", "--port", str(port), *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode(errors="replace")
                    raise RuntimeError(f"letters serve did not start:\n{output}") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def chromium(javascript: bool = True, lang: str = "en-CA", width: int = 1000, height: int = 1300):
    """Headless Debian Chromium through its own chromedriver: nothing is downloaded."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="letters-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--lang={lang}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    prefs = {"intl.accept_languages": lang}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not fetch anything
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


class Counter:
    """Taps (clicks, pointer gestures) and keystrokes a constituent makes, as the tests make them."""

    def __init__(self) -> None:
        self.taps = 0
        self.keys = 0
        self.field_taps = 0  # taps into the name and address fields, counted with their typing

    def __str__(self) -> str:
        return f"{self.taps} taps + {self.field_taps} field taps, {self.keys} keystrokes"


def fill(driver, values: dict[str, str], counter: Counter | None = None) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for name, value in values.items():
        element = driver.find_element(By.ID, name)
        if element.tag_name == "select":
            Select(element).select_by_value(value)
            if counter:
                counter.field_taps += 2
        else:
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
            element.clear()
            element.click()
            element.send_keys(value)
            if counter:
                counter.field_taps += 1
                counter.keys += len(value)


def left(old):
    """A wait condition: the page that held `old` is gone. Chromium sometimes answers a look at
    a node of the page being left with "does not belong to the document" instead of "stale"."""
    from selenium.common.exceptions import WebDriverException

    def gone(driver) -> bool:
        try:
            old.is_enabled()
        except WebDriverException:  # StaleElementReferenceException is one
            return True
        return False

    return gone


def tap(driver, element_id: str, counter: Counter | None = None, *, navigates: bool = False):
    """Click an element as a finger would (scrolled into view first); wait for a new page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    element = driver.find_element(By.ID, element_id)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    if counter:
        counter.taps += 1
    if navigates:
        WebDriverWait(driver, 60).until(left(old))


def find_mp(driver, postal_code: str, counter: Counter | None = None) -> None:
    """The first screen: type the postal code, tap "Find my MP"."""
    from selenium.webdriver.common.by import By

    field = driver.find_element(By.ID, "postal_code")
    field.click()
    field.send_keys(postal_code)
    if counter:
        counter.taps += 1
        counter.keys += len(postal_code)
    tap(driver, "find", counter, navigates=True)


def wait_for_mailto(driver, timeout: float = 30) -> str:
    """The Email link, once the page has the whole letter (the live preview brings it)."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script(
            "var a = document.getElementById('mailto'); return a ? a.getAttribute('href') : null"
        )
    )


def saved_pdf(folder: Path, timeout: float = 60) -> Path:
    """The PDF the browser saved in `folder` (Browser.setDownloadBehavior), once complete."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.glob("*.pdf") if p.stat().st_size > 0]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.05)
    raise AssertionError(f"the browser saved no PDF in {folder}")


def allow_downloads(driver, folder: Path) -> None:
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)}
    )


def draw_signature(driver, pointer: str = "mouse") -> None:
    """Sign on the canvas with a mouse, a pen or a finger (WebDriver pointer actions)."""
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput
    from selenium.webdriver.common.by import By

    canvas = driver.find_element(By.ID, "signature-pad")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    kind = {"mouse": interaction.POINTER_MOUSE, "pen": interaction.POINTER_PEN}
    kind["touch"] = interaction.POINTER_TOUCH
    actions = ActionBuilder(driver, mouse=PointerInput(kind[pointer], pointer))
    width, height = canvas.size["width"], canvas.size["height"]
    left, step_x, swing = -int(width * 0.4), int(width * 0.8 / 24), int(height * 0.2)
    stroke = actions.pointer_action.move_to(canvas, left, 0).pointer_down()
    for step in range(1, 25):
        stroke = stroke.move_to(canvas, left + step * step_x, swing if step % 2 else -swing)
    stroke.pointer_up()
    actions.perform()


def submit(driver, action: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    button = driver.find_element(By.CSS_SELECTOR, f"#letter-form button[value='{action}']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    old = driver.find_element(By.TAG_NAME, "html")
    button.click()
    WebDriverWait(driver, 30).until(left(old))


DOWNLOAD_SCRIPT = """
const done = arguments[arguments.length - 1];
const form = document.getElementById("letter-form");
const data = new FormData(form);
data.append("action", "download");
fetch(form.getAttribute("action"), {method: "POST", body: data, credentials: "same-origin"})
  .then(response => response.arrayBuffer().then(buffer => {
    const bytes = new Uint8Array(buffer);
    let text = "";
    for (let i = 0; i < bytes.length; i += 8192) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
    }
    done({status: response.status, type: response.headers.get("Content-Type"), body: btoa(text)});
  }))
  .catch(error => done({status: 0, type: String(error), body: ""}));
"""


def download_from_page(driver) -> tuple[int, str, bytes]:
    """Post the page's own form (as the Download button would) and return the response."""
    result = driver.execute_async_script(DOWNLOAD_SCRIPT)
    return result["status"], result["type"], base64.b64decode(result["body"])


def axe_violations(driver) -> list[dict]:
    """Run axe-core in the page (WebDriver injects it; the page's CSP does not apply).

    Waits for the page (and its stylesheet) to finish loading first: on a busy machine a check
    run on a half-loaded page reports contrast problems the finished page does not have.
    """
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    return driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ["violations"]})
          .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))
          .catch(e => done([{id: "axe-error", impact: "critical", help: String(e), nodes: []}]));
        """
    )


@contextmanager
def server_with_lookup():
    """`letters serve --lookup-url` against the stand-in Represent of tests/directory/test_lookup.py, with
    a directory that knows both MPs of T6E 2A1's ridings; yields the page's base URL."""
    from letters.directory import import_house

    from .directory.test_lookup import serve_represent

    with tempfile.TemporaryDirectory(prefix="letters-house-") as folder:
        mps = Path(folder) / "mps.csv"
        mps.write_text(OTHER_MPS, encoding="utf-8")
        house = Path(folder) / "house.toml"
        import_house([mps], house, day=date(2026, 9, 27))  # the shipped House's date
        with serve_represent() as represent, running_server(
            "--pdfs-per-minute", "0", "--workers", "1", "--lookup-url", represent,
            env={"LETTERS_DIRECTORY": str(house)},
        ) as base:  # fmt: skip
            yield base


def as_phone(driver) -> None:
    """A 390×844 phone: its viewport, touch, and the mobile layout."""
    width, height = PHONE
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True},
    )
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True})


def screenshot(driver, path: Path, full: bool = False) -> None:
    """The visible screen (or the whole page), saved small (a 256-colour palette)."""
    from PIL import Image

    if full:
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": PHONE[0],
                "height": min(height, 6000),
                "deviceScaleFactor": 1,
                "mobile": True,
            },
        )
    driver.save_screenshot(str(path))
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def screenshots(docs: Path) -> None:
    """The flow on a phone in both languages: the first screen, the MP found with the letter,
    and the signed letter ready to send."""
    with server_with_lookup() as base:
        for lang in ("en", "fr"):
            with chromium(lang=f"{lang}-CA", width=PHONE[0], height=PHONE[1]) as driver:
                as_phone(driver)
                driver.get(f"{base}/{lang}/")
                wait_loaded(driver)
                screenshot(driver, docs / f"serve-{lang}-1-postal-code.png")
                find_mp(driver, POSTAL_CODE[lang])
                wait_loaded(driver)
                screenshot(driver, docs / f"serve-{lang}-2-your-mp.png")
                fill(driver, {k: v for k, v in FORM[lang].items() if k != "note"})
                draw_signature(driver, "touch")
                wait_for_mailto(driver)
                driver.execute_script("document.activeElement.blur()")
                driver.execute_script("document.getElementById('send').scrollIntoView()")
                screenshot(driver, docs / f"serve-{lang}-3-send.png")
                for name in ("1-postal-code", "2-your-mp", "3-send"):
                    print(docs / f"serve-{lang}-{name}.png")


# Chromium DevTools' "Fast 3G" preset (front_end/core/sdk/NetworkManager.ts): 562.5 ms latency,
# 1.6 Mbit/s down and 750 kbit/s up, each times 0.9.
FAST_3G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 1.6 * 1000 * 1000 / 8 * 0.9,
    "uploadThroughput": 750 * 1000 / 8 * 0.9,
}
PHONE = (390, 844)


def emulate_phone_on_fast_3g(driver) -> None:
    """A 390×844 phone on DevTools' Fast 3G, through the DevTools protocol."""
    width, height = PHONE
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True},
    )
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", FAST_3G)


def transferred(driver) -> int:
    """Bytes this page's navigation and resources took over the network (0 for cache hits)."""
    return int(
        driver.execute_script(
            "return performance.getEntries().filter(e => 'transferSize' in e)"
            ".reduce((sum, e) => sum + e.transferSize, 0)"
        )
    )


def wait_loaded(driver) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 120).until(
        lambda d: d.execute_script(
            "return document.readyState === 'complete' && "
            "(!document.fonts || document.fonts.status === 'loaded')"
        )
    )


def measure_phone(base: str, lang: str) -> dict[str, float]:
    """A phone on Fast 3G from a cold cache: the first screen, the postal code's answer with the
    letter, then the PDF. The fields are set by script, so the time is the network's and the
    server's, not the typing. Bytes are as transferred (compressed, headers included)."""
    from selenium.webdriver.common.by import By

    with chromium(lang=f"{lang}-CA", width=PHONE[0], height=PHONE[1]) as driver:
        emulate_phone_on_fast_3g(driver)
        started = time.perf_counter()
        driver.get(f"{base}/{lang}/")
        wait_loaded(driver)
        first = {"first_screen_s": time.perf_counter() - started, "first_kb": transferred(driver)}
        find_mp(driver, POSTAL_CODE[lang])
        wait_loaded(driver)
        preview = driver.find_element(By.ID, "preview").rect["y"] / PHONE[1]
        found = {"answer_s": time.perf_counter() - started, "answer_kb": transferred(driver)}
        driver.execute_script(
            "const v = arguments[0]; for (const k in v) { document.getElementById(k).value = v[k]; }",
            {k: v for k, v in FORM[lang].items() if k != "note"},
        )
        status, _, pdf = download_from_page(driver)
        assert status == 200 and pdf.startswith(b"%PDF")
        done = time.perf_counter() - started
    return {
        **first,
        **found,
        "preview_at_screens": preview,
        "pdf_kb": len(pdf),
        "to_pdf_s": done,
        "total_kb": first["first_kb"] + found["answer_kb"] + len(pdf),
    }


def live_updates(driver) -> list[int]:
    """Bytes each live update of this page took (the fetches the page made, headers included)."""
    return [
        int(size)
        for size in driver.execute_script(
            "return performance.getEntriesByType('resource')"
            ".filter(e => e.initiatorType === 'fetch').map(e => e.transferSize)"
        )
    ]


def measure_journey(base: str, lang: str, tmp: Path) -> dict[str, float]:
    """The phone journey of the browser tests, measured: taps, keystrokes, how many screens a
    person scrolls through (the furthest point the screen reached, in 844 px screens) before the
    PDF is saved, where "Full name" starts, and the bytes of each live update."""
    from selenium.webdriver.common.by import By

    counter = Counter()
    furthest = 0.0

    def seen() -> None:
        nonlocal furthest
        bottom = driver.execute_script("return window.scrollY + window.innerHeight")
        furthest = max(furthest, bottom / PHONE[1])

    with chromium(lang=f"{lang}-CA", width=PHONE[0], height=PHONE[1]) as driver:
        as_phone(driver)
        allow_downloads(driver, tmp)
        driver.get(f"{base}/{lang}/")
        find_mp(driver, POSTAL_CODE[lang], counter)
        wait_loaded(driver)
        seen()
        name_at = driver.find_element(By.ID, "name").location["y"] / PHONE[1]
        bytes_before = []
        for key, value in FORM[lang].items():
            if key != "note":
                fill(driver, {key: value}, counter)
                seen()
        draw_signature(driver, "touch")
        counter.taps += 1
        seen()
        wait_for_mailto(driver)
        import time as _time

        _time.sleep(1.5)  # let the last live update land
        bytes_before = live_updates(driver)
        tap(driver, "download", counter)  # in the bar fixed at the bottom: no scrolling
        saved_pdf(tmp)
    return {
        "taps": counter.taps + counter.field_taps,
        "keys": counter.keys,
        "screens_to_pdf": round(furthest, 2),
        "name_at_screens": round(name_at, 2),
        "live_updates": len(bytes_before),
        "bytes_per_update": bytes_before,
    }


if __name__ == "__main__":
    reason = missing_browser()
    if reason:
        sys.exit(f"cannot run Chromium: {reason}")
    if sys.argv[1:2] == ["journey"]:
        with server_with_lookup() as base, tempfile.TemporaryDirectory() as tmp:
            for lang in ("en", "fr"):
                print(lang, measure_journey(base, lang, Path(tmp) / lang))
    elif sys.argv[1:2] == ["measure"]:
        with server_with_lookup() as base:
            for lang in ("en", "fr"):
                figures = measure_phone(base, lang)
                print(lang, {k: round(v / 1000, 1) if k.endswith("kb") else round(v, 2)
                             for k, v in figures.items()})  # fmt: skip
    else:
        screenshots(ROOT / (sys.argv[1] if len(sys.argv) > 1 else "docs"))
