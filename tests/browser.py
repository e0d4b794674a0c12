"""Real server + Debian's headless Chromium for the browser tests and the README screenshots.

`python -m tests.browser docs` (or `make screenshots`) writes docs/serve-en.png and serve-fr.png.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

FORM = {
    "en": dict(
        name="Heather Lim",
        street1="10234 82 Avenue NW",
        city="Edmonton",
        province="AB",
        postal_code="T6E 1Z8",
        riding="Edmonton Strathcona",
        note="I have written to you before about this.",
    ),
    "fr": dict(
        name="Jeanne Tremblay",
        street1="123, rue Principale",
        city="Gatineau",
        province="QC",
        postal_code="J8X 1A1",
        riding="Edmonton Strathcona",
        note="Je vous ai déjà écrit à ce sujet.",
    ),
}


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
def running_server(*options: str):
    """`letters serve` in a subprocess on 127.0.0.1 and a free port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "letters", "serve", "--port", str(port), *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
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


def fill(driver, values: dict[str, str]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for name, value in values.items():
        element = driver.find_element(By.ID, name)
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        else:
            element.clear()
            element.send_keys(value)


def draw_signature(driver, pointer: str = "mouse") -> None:
    """Sign on the canvas with a mouse, a pen or a finger (WebDriver pointer actions)."""
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput
    from selenium.webdriver.common.by import By

    driver.find_element(By.ID, "mode-draw").click()
    canvas = driver.find_element(By.ID, "signature-pad")
    kind = {"mouse": interaction.POINTER_MOUSE, "pen": interaction.POINTER_PEN}
    kind["touch"] = interaction.POINTER_TOUCH
    actions = ActionBuilder(driver, mouse=PointerInput(kind[pointer], pointer))
    stroke = actions.pointer_action.move_to(canvas, -200, 10).pointer_down()
    for step in range(1, 25):
        stroke = stroke.move_to(canvas, -200 + step * 16, 10 + (25 if step % 2 else -25))
    stroke.pointer_up()
    actions.perform()


def submit(driver, action: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    button = driver.find_element(By.CSS_SELECTOR, f"#letter-form .actions button[value='{action}']")
    old = driver.find_element(By.TAG_NAME, "html")
    button.click()
    WebDriverWait(driver, 30).until(EC.staleness_of(old))


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


def full_page_screenshot(driver, path: Path) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(900, min(height + 40, 6000))
    driver.save_screenshot(str(path))
    from PIL import Image  # a 256-colour palette keeps the README's images small

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def screenshots(docs: Path) -> None:
    """The page in both languages, filled in, signed on the canvas and previewed."""
    with running_server("--pdfs-per-minute", "0", "--workers", "1") as base:
        for lang in ("en", "fr"):
            with chromium(lang=f"{lang}-CA", width=900) as driver:
                driver.get(f"{base}/{lang}/")
                fill(driver, FORM[lang])
                draw_signature(driver, "pen")
                submit(driver, "preview")
                driver.execute_script("document.activeElement.blur(); window.scrollTo(0, 0)")
                full_page_screenshot(driver, docs / f"serve-{lang}.png")
                print(docs / f"serve-{lang}.png")


if __name__ == "__main__":
    reason = missing_browser()
    if reason:
        sys.exit(f"cannot take screenshots: {reason}")
    screenshots(ROOT / (sys.argv[1] if len(sys.argv) > 1 else "docs"))


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
