"""The edition service as people use it: Debian's Chromium, driven by Playwright, on a real
uvicorn server on loopback. An organization fills the form, previews, builds and downloads;
a translator uploads a broken catalog and then a good one; every page at 390 px and 1280 px,
by keyboard only, and axe-core on each. Set HANDOUTS_SCREENSHOTS=DIR to keep the screenshots.
"""

from __future__ import annotations

import io
import os
import re
import socket
import threading
import time
import zipfile
from pathlib import Path

import pytest

from handouts.service.app import create_app
from handouts.service.config import ServiceConfig
from tests.conftest import LOCALES, axe_violations
from tests.test_service import BROKEN_PO, pdf_text

WIDTHS = (390, 1280)
PHONE = "(214) 555-0142"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def service_url(tmp_path_factory):
    import uvicorn
    config = ServiceConfig(storage=tmp_path_factory.mktemp("web"), port=_free_port(),
                           rate_per_minute=10_000, posts_per_minute=10_000)
    app = create_app(config)
    server = uvicorn.Server(uvicorn.Config(app, host=config.host, port=config.port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://{config.host}:{config.port}"
    server.should_exit = True
    thread.join(timeout=10)
    app.service.queue.close()


@pytest.fixture()
def context(browser):
    made = []

    def new(width: int = 390, javascript: bool = True):
        made.append(browser.new_context(viewport={"width": width, "height": 900},
                                        java_script_enabled=javascript, bypass_csp=True,
                                        accept_downloads=True))
        return made[-1].new_page()
    yield new
    for item in made:
        item.close()


def shot(page, name: str) -> None:
    """A full-page screenshot, kept when HANDOUTS_SCREENSHOTS names a folder."""
    folder = os.environ.get("HANDOUTS_SCREENSHOTS")
    data = page.screenshot(full_page=True)
    assert len(data) > 5_000
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        Path(folder, f"{name}.png").write_bytes(data)


def fits(page) -> None:
    scroll, width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= width, f"{scroll}px of content in a {width}px window on {page.url}"


def check_page(page, name: str, javascript: bool = True) -> None:
    """What every page must pass: fits its width, axe finds nothing (axe needs JavaScript:
    pages seen without it are checked with it in another test)."""
    fits(page)
    shot(page, name)
    if javascript:
        assert axe_violations(page) == [], page.url


def fill_organization(page) -> None:
    page.fill("#name", "Dallas Immigrant Aid")
    page.fill("#phone", PHONE)
    page.fill("#whatsapp", "+1 214 555 0143")
    page.fill("#email", "help@example.org")
    page.fill("#website", "example.org/287g")
    page.check("#free_advice")
    page.check("#locale-ar")
    page.uncheck("#locale-en")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_organization_previews_builds_and_downloads_its_edition(context, service_url,
                                                                   width):
    page = context(width)
    page.goto(service_url + "/")
    check_page(page, f"home-{width}")
    page.click("text=Make your edition")
    check_page(page, f"form-{width}")
    page.click("#build-button")  # nothing filled in: the errors, each beside its field
    page.wait_for_selector("#error-summary")
    check_page(page, f"form-errors-{width}")
    fill_organization(page)
    page.select_option("#preview_locale", "ar")
    page.click("#preview-button")  # JavaScript: the preview appears in the form's page
    image = page.wait_for_selector("#live-preview img.page-image", timeout=120_000)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image)
    assert page.url.endswith("/edition")
    check_page(page, f"live-preview-{width}")
    page.click("#build-button")
    page.wait_for_url(re.compile(r"/editions/[0-9a-f]{32}$"))
    page.wait_for_selector("text=Your edition is ready", timeout=180_000)
    check_page(page, f"job-done-{width}")
    with page.expect_download() as download:
        page.click("text=Download everything (ZIP)")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    names = sorted(archive.namelist())
    assert names == ["287g-handouts/ar/287g-basics-letter.pdf",
                     "287g-handouts/es/287g-basics-letter.pdf"]
    assert PHONE in pdf_text(archive.read(names[1]))
    page.click("text=Your edition's download page")
    page.wait_for_selector("text=Dallas Immigrant Aid")
    check_page(page, f"edition-site-{width}")


def test_without_javascript_errors_show_beside_their_fields(context, service_url):
    page = context(390, javascript=False)
    page.goto(service_url + "/edition")
    fill_organization(page)
    page.fill("#phone", "12")
    page.fill("#email", "not an email")
    page.click("#build-button")
    assert page.locator("#error-summary").is_visible()
    assert "not a" in page.inner_text("#phone-error")
    assert "not an email address" in page.inner_text("#email-error")
    assert page.input_value("#name") == "Dallas Immigrant Aid"  # kept
    assert page.is_checked("#locale-ar")
    check_page(page, "form-errors-nojs-390", javascript=False)
    page.click("#error-summary a[href='#phone']")
    page.fill("#phone", PHONE)
    page.fill("#email", "help@example.org")
    page.click("#preview-button")  # no JavaScript: POST, redirect, the preview's own page
    page.wait_for_url(re.compile(r"/previews/[0-9a-f]{32}$"))
    assert page.locator("img.page-image").count() == 1
    check_page(page, "preview-page-nojs-390", javascript=False)


def test_the_form_works_by_keyboard_alone(context, service_url):
    page = context(1280)
    page.goto(service_url + "/edition")

    def tab_to(element_id: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == element_id:
                return
        raise AssertionError(f"Tab never reached #{element_id}")

    tab_to("name")
    page.keyboard.type("Keyboard Aid")
    tab_to("phone")
    page.keyboard.type(PHONE)
    tab_to("locale-fr")
    page.keyboard.press("Space")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    tab_to("build-button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/editions/[0-9a-f]{32}$"))
    page.wait_for_selector("text=Your edition is ready", timeout=180_000)


def test_a_translator_sees_file_and_line_then_a_preview(context, service_url, tmp_path):
    page = context(390)
    page.goto(service_url + "/translate")
    check_page(page, "translate-390")
    broken = tmp_path / "messages.po"
    broken.write_bytes(BROKEN_PO)
    page.select_option("#locale", "es")
    page.set_input_files("#catalog", str(broken))
    page.click("text=Check and preview")
    page.wait_for_selector("text=Translation check")
    page.wait_for_selector("ul.issues", timeout=120_000)
    assert re.search(r"messages\.po:\d+", page.inner_text("ul.issues"))
    check_page(page, "translation-broken-390")
    good = tmp_path / "es.po"
    good.write_bytes((LOCALES / "es" / "LC_MESSAGES" / "messages.po").read_bytes())
    page.goto(service_url + "/translate")
    page.set_input_files("#catalog", str(good))  # the Language header says es
    page.click("text=Check and preview")
    page.wait_for_selector("img.page-image", timeout=120_000)
    assert "Words left to translate" in page.inner_text("main")
    check_page(page, "translation-good-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    check_page(page, "translation-good-1280")
