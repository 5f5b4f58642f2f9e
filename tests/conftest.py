"""Shared fixtures: a real build into a temporary folder, made once per test session."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts import catalogs, cli
from handouts.sources import shipped

PROJECT = Path(__file__).resolve().parent.parent
#: The shipped folders every stage now takes explicitly (handouts.paths is gone).
LOCALES = shipped("locales")
TEMPLATES = shipped("templates")
CORE_LOCALES = ["en", "es", "ar", "zh_Hans"]
CHROMIUM = "/usr/bin/chromium"
#: Debian's Chromium as root, on a machine with no network beyond loopback.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
#: axe-core from npm (tests/browser/package.json; `make test` runs npm ci there).
AXE = PROJECT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """dist/ for the issue-2 locales, built through the command line."""
    out = tmp_path_factory.mktemp("dist")
    status = cli.main(["--locale", ",".join(CORE_LOCALES), "--handout", "287g-basics",
                       "--out", str(out)])
    return out, status


def read_pdf(path: Path) -> PdfReader:
    return PdfReader(io.BytesIO(path.read_bytes()))


def page_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in read_pdf(path).pages)


@pytest.fixture(scope="session")
def translations():
    """locale -> {msgid: msgstr} from the shipped catalogs."""
    result = {}
    for code in CORE_LOCALES[1:]:
        catalog = catalogs.load(code, LOCALES).catalog
        result[code] = {m.id: m.string for m in catalog if m.id and isinstance(m.id, str)}
    return result


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium "
                    "(scripts/system-deps.sh --test, which `make test` runs)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as 'rule: target' lines (the page's context must be
    made with bypass_csp=True: the pages forbid injected scripts, rightly)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test` (npm ci in tests/browser)")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => (await axe.run(document, {
        runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                        "best-practice"]}})).violations""")
    return [f"{v['id']}: {node['target']} ({v['help']})" for v in found for node in v["nodes"]]
