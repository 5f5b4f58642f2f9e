"""The download page, as a person on a phone or a desktop gets it: served over HTTP and driven
in Debian's headless Chromium with Playwright (never `playwright install`: the system browser).

The site under test is the one the default build wrote for the session's `built` matrix
(en, es, ar, zh_Hans x letter, a4); the organization's edition gets a small build of its own.
"""

from __future__ import annotations

import io
import json
import re
import threading
import zipfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from handouts import catalogs, cli
from handouts.site import page as site
from handouts.site.serve import make_server, url
from handouts.sources import Sources
from tests.conftest import CORE_LOCALES, LOCALES, PROJECT, axe_violations, page_text

WIDTHS = (390, 1280)
TAGS = {code: code.replace("_", "-") for code in CORE_LOCALES}
EXAMPLE_ORG = PROJECT / "contacts" / "example-org.toml"


# -- fixtures ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site_dir(built) -> Path:
    out, _ = built
    return out / site.SITE_DIRNAME


def _serve(directory: Path):
    server = make_server(directory, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture(scope="module")
def base_url(site_dir):
    server, thread = _serve(site_dir)
    yield url(server)
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture()
def page(browser, base_url):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(base_url)
    yield page
    page.close()


def _visible_sections(page) -> list[str]:
    return page.eval_on_selector_all(
        "section.language", "els => els.filter(e => !e.hidden && e.offsetParent).map(e => e.id)")


def _load_every_image(page) -> list[dict]:
    """Thumbnails are lazy: ask each to load now, then report what it decoded to."""
    return page.evaluate("""() => Promise.all([...document.images].map(img => {
        img.loading = 'eager';
        return img.decode().catch(() => null).then(() => ({
            src: img.getAttribute('src'), natural: img.naturalWidth,
            naturalHeight: img.naturalHeight, width: img.getAttribute('width'),
            height: img.getAttribute('height'), alt: img.getAttribute('alt')}));
    }))""")


# -- the build writes it ----------------------------------------------------------------------

def test_default_build_writes_the_site(built, site_dir):
    out, status = built
    assert status == 0
    assert (site_dir / "index.html").is_file() and (site_dir / "site.css").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    built_pdfs = [r for r in manifest["results"] if r["ok"]]
    site_pdfs = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.pdf"))
    assert len(site_pdfs) == len(built_pdfs) == len(CORE_LOCALES) * 2
    assert "pdf/ar/287g-basics-a4-ar.pdf" in site_pdfs
    assert (site_dir / "pdf/es/287g-basics-letter-es.pdf").read_bytes() == \
        (out / "es/287g-basics-letter.pdf").read_bytes()


def test_zips_per_language_and_everything(built, site_dir):
    for code in CORE_LOCALES:
        with zipfile.ZipFile(site_dir / "zip" / f"287g-handouts-{code}.zip") as archive:
            assert archive.testzip() is None
            assert sorted(archive.namelist()) == [f"{code}/287g-basics-a4-{code}.pdf",
                                                  f"{code}/287g-basics-letter-{code}.pdf"]
    with zipfile.ZipFile(site_dir / "zip" / "287g-handouts-all-languages.zip") as archive:
        names = archive.namelist()
        assert len(names) == len(CORE_LOCALES) * 2
        out, _ = built
        assert archive.read("ar/287g-basics-a4-ar.pdf") == \
            (out / "ar/287g-basics-a4.pdf").read_bytes()


def test_regenerating_gives_identical_bytes(built, site_dir):
    out, _ = built
    before = {p: p.read_bytes() for p in site_dir.rglob("*") if p.is_file()}
    site.generate(out)
    after = {p: p.read_bytes() for p in site_dir.rglob("*") if p.is_file()}
    assert after == before


def test_zip_bytes_do_not_depend_on_order():
    members = [("b/2.pdf", b"%PDF-2"), ("a/1.pdf", b"%PDF-1")]
    assert site.zip_bytes(members) == site.zip_bytes(list(reversed(members)))
    info = zipfile.ZipFile(io.BytesIO(site.zip_bytes(members))).infolist()
    assert [i.filename for i in info] == ["a/1.pdf", "b/2.pdf"]
    assert {i.date_time for i in info} == {(1980, 1, 1, 0, 0, 0)}


def test_stale_files_are_removed(tmp_path, site_dir):
    out = tmp_path / "out"
    for code in ("en", "es"):
        (out / code).mkdir(parents=True)
        (out / code / "287g-basics-a4.pdf").write_bytes(
            (site_dir / f"pdf/{code}/287g-basics-a4-{code}.pdf").read_bytes())
    results = [{"handout": "287g-basics", "locale": code, "paper": "a4", "ok": True, "pages": 1,
                "bytes": 1, "fallbacks": 0, "problems": [], "file": f"{code}/287g-basics-a4.pdf"}
               for code in ("en", "es")]
    (out / "manifest.json").write_text(json.dumps({"contact": "", "results": results}))
    site.generate(out, Sources.shipped())  # a hand-made manifest names no folders
    assert (out / "site/pdf/es/287g-basics-a4-es.pdf").is_file()
    (out / "manifest.json").write_text(json.dumps({"contact": "", "results": results[:1]}))
    site.generate(out, Sources.shipped())
    assert not (out / "site/pdf/es").exists()
    assert not (out / "site/zip/287g-handouts-es.zip").exists()
    assert "lang-es" not in (out / "site/index.html").read_text()


def test_failed_documents_are_named_not_linked(tmp_path, site_dir):
    out = tmp_path / "out"
    (out / "en").mkdir(parents=True)
    (out / "en" / "287g-basics-a4.pdf").write_bytes(
        (site_dir / "pdf/en/287g-basics-a4-en.pdf").read_bytes())
    ok = {"handout": "287g-basics", "locale": "en", "paper": "a4", "ok": True, "pages": 1,
          "bytes": 1, "fallbacks": 0, "problems": [], "file": "en/287g-basics-a4.pdf"}
    failed = [{**ok, "ok": False, "file": "", "handout": "wall-poster"},
              {**ok, "ok": False, "file": "", "locale": "ar"}]
    (out / "manifest.json").write_text(json.dumps({"contact": "", "results": [ok, *failed]}))
    html = site.generate(out, Sources.shipped()).index.read_text()
    assert "Not offered in English yet, because it did not pass the build&#39;s checks: " \
           "wall-poster." in html
    arabic = html[html.index('id="lang-ar"'):]
    assert "No handout in this language passed the build&#39;s checks yet" in arabic
    assert ".pdf" not in arabic[:arabic.index("</section>")]
    assert "not available yet" in html


def test_site_command_without_a_build_says_what_to_do(tmp_path, capsys):
    assert cli.main(["site", "--out", str(tmp_path)]) == 2
    assert "build the PDFs first" in capsys.readouterr().err


def test_serve_needs_a_site_and_stays_on_loopback(tmp_path, site_dir):
    with pytest.raises(FileNotFoundError, match="no site to serve"):
        make_server(tmp_path, 0)
    server = make_server(site_dir, 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


def test_contact_text_is_escaped(tmp_path):
    contact = {"name": 'Casa <script>alert("x")</script> & Friends', "phone": "(972) 656-0560",
               "website": "casa.example.org", "website_url": "javascript:alert(1)"}
    (tmp_path / "manifest.json").write_text(json.dumps(
        {"contact": contact["name"], "contact_details": contact, "results": []}))
    html = (site.generate(tmp_path, Sources.shipped()).index).read_text()
    assert "<script>alert" not in html and "javascript:" not in html
    assert "Casa &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Friends" in html
    assert "casa.example.org" in html   # shown as text, not linked


# -- in the browser ---------------------------------------------------------------------------

def test_every_link_resolves_to_a_file(page, site_dir, base_url):
    refs = page.evaluate("""() => [
        ...[...document.querySelectorAll('a[href], link[href]')].map(e => e.getAttribute('href')),
        ...[...document.querySelectorAll('img[src], script[src]')]
            .map(e => e.getAttribute('src'))]""")
    local = [r for r in refs if not r.startswith("#") and not urlsplit(r).scheme]
    assert len(local) >= len(CORE_LOCALES) * 3 + 3   # PDFs, previews, ZIPs, CSS and script
    for ref in local:
        path = urlsplit(ref).path
        assert (site_dir / path).is_file(), ref
        response = page.request.head(urljoin(base_url, ref))
        assert response.status == 200, ref
        if path.endswith(".pdf"):
            assert response.headers["content-type"] == "application/pdf"
    for ref in refs:
        if ref.startswith("#"):
            assert page.locator(ref).count() == 1, ref
    external = {urlsplit(r).scheme for r in refs if urlsplit(r).scheme}
    assert external <= {"tel", "mailto", "https"}


def test_every_thumbnail_loads_with_its_size_declared(page):
    images = _load_every_image(page)
    assert len(images) == len(CORE_LOCALES)   # one preview per handout and language
    for image in images:
        assert image["natural"] > 0, image["src"]
        assert image["src"].endswith(".webp")
        assert int(image["width"]) > 0 and int(image["height"]) > 0
        declared = int(image["height"]) / int(image["width"])
        assert abs(declared - image["naturalHeight"] / image["natural"]) < 0.02, image
        assert image["alt"].startswith("Preview of the first page")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_horizontal_overflow(browser, base_url, width, tmp_path_factory):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(base_url)
        _load_every_image(page)
        shot = tmp_path_factory.mktemp("screenshots") / f"site-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, f"{scroll}px of content in a {client}px wide window"
        page.fill("#language-filter", "ara")   # the filter's message must fit too
        assert page.evaluate("document.documentElement.scrollWidth") <= client
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violations_on_the_download_page(browser, base_url, width):
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(base_url)
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("typed,expected", [
    ("العربية", ["lang-ar"]),        # its own name
    ("Arabic", ["lang-ar"]),         # its English name
    ("spanish", ["lang-es"]),
    ("espanol", ["lang-es"]),        # without the accent
    ("中文", ["lang-zh-Hans"]),
    ("chinese simp", ["lang-zh-Hans"]),
])
def test_language_filter(page, typed, expected):
    assert page.is_visible("#language-filter")
    page.fill("#language-filter", typed)
    assert _visible_sections(page) == expected
    entries = page.eval_on_selector_all(
        "#language-index li", "els => els.filter(e => !e.hidden).map(e => e.dataset.target)")
    assert entries == expected
    assert page.inner_text("#filter-count").startswith("1 of 4 languages")


def test_filter_with_no_match_says_so_and_escape_clears(page):
    page.fill("#language-filter", "klingon")
    assert _visible_sections(page) == []
    assert "No language matches" in page.inner_text("#filter-count")
    page.press("#language-filter", "Escape")
    assert len(_visible_sections(page)) == len(CORE_LOCALES)


def test_every_language_reachable_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(base_url)
        assert not page.is_visible("#language-filter")   # nothing that cannot work
        links = page.locator("#language-index a")
        assert links.count() == len(CORE_LOCALES)
        assert len(_visible_sections(page)) == len(CORE_LOCALES)
        page.click("#language-index a[href='#lang-ar']")
        assert page.url.endswith("#lang-ar")
        assert page.locator("#lang-ar h2").is_visible()
        top = page.evaluate("document.getElementById('lang-ar').getBoundingClientRect().top")
        assert 0 <= top < 100   # scrolled to it
    finally:
        context.close()


def test_rtl_and_lang_on_every_item(page):
    assert page.get_attribute("html", "lang") == "en"
    sections = page.eval_on_selector_all("section.language", """els => els.map(e => ({
        id: e.id, lang: e.lang, dir: e.dir,
        cards: [...e.querySelectorAll('.card')].map(c => [c.lang, c.dir])}))""")
    assert sorted(s["lang"] for s in sections) == sorted(TAGS.values())
    for section in sections:
        direction = "rtl" if section["lang"] == "ar" else "ltr"
        assert section["dir"] == direction, section
        assert section["cards"] and all(card == [section["lang"], direction]
                                        for card in section["cards"]), section
    natives = page.eval_on_selector_all("#language-index .native",
                                        "els => els.map(e => [e.textContent, e.lang, e.dir])")
    assert ["العربية", "ar", "rtl"] in natives and ["中文 (简体)", "zh-Hans", "ltr"] in natives
    # The right-to-left card really lays out right to left: its preview is on the right.
    card = page.locator("#lang-ar .card").bounding_box()
    thumb = page.locator("#lang-ar .thumb").bounding_box()
    assert thumb["x"] > card["x"] + card["width"] / 2


def test_each_handout_shows_paper_pages_size_and_honest_status(page):
    for code in CORE_LOCALES:
        section = page.locator(f"#lang-{TAGS[code]}")
        downloads = section.locator(".download").all_inner_texts()
        assert len(downloads) == 2
        for text, paper in zip(downloads, ("US Letter", "A4"), strict=False):
            # the visually hidden end names the language and handout for screen readers
            assert re.fullmatch(rf"{paper}\s+PDF, 1 page, \d+ kB\s*, [\w ()]+, One-page flyer",
                                text.strip()), text
        status = section.locator(".status").inner_text()
        if code == "en":
            assert status == "Original English text"
        else:
            expected = catalogs.load(code, LOCALES).status.label  # the header, not a guess
            assert expected.casefold() in status.casefold()
            if not catalogs.load(code, LOCALES).status.reviewed:
                assert "Drafted without a fluent human reviewer." in status
    assert "Sección 287(g)" in page.inner_text("#lang-es .doc-title")


def test_wanted_languages_are_listed_and_not_offered(page):
    """A locale.toml without a catalog: named as "translation wanted", with no handout."""
    wanted = catalogs.wanted_locales(LOCALES)
    assert wanted   # Mam, Q'anjob'al and Hmong ship as definitions only
    assert page.locator("#translation-wanted h2").inner_text() == "Translation wanted"
    items = page.eval_on_selector_all("#translation-wanted .native",
                                      "els => els.map(e => [e.textContent, e.lang, e.dir])")
    infos = [catalogs.locale_info(code, LOCALES) for code in wanted]
    assert sorted(items) == sorted([i.native_name, i.tag, i.direction] for i in infos)
    assert page.locator("#translation-wanted .not-yet").count() == len(wanted)
    index = page.eval_on_selector_all("#language-index .native", "els => els.map(e => e.lang)")
    assert not set(index) & {i.tag for i in infos}
    assert page.locator("#translation-wanted a, a[hreflang='mam']").count() == 0


def test_keyboard_reaches_the_language_list_first(page):
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the language list"
    page.keyboard.press("Enter")
    assert page.url.endswith("#languages")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "language-filter"


def test_headings_are_in_order(page):
    levels = page.eval_on_selector_all("h1, h2, h3", "els => els.map(e => +e.tagName[1])")
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


# -- an organization's edition ----------------------------------------------------------------

@pytest.fixture(scope="module")
def org_edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("example-org")
    status = cli.main(["--contact", str(EXAMPLE_ORG), "--locale", "es,ar", "--paper", "letter",
                       "--handout", "287g-basics", "--out", str(out)])
    return out, status


def test_org_edition_on_the_page_and_in_every_pdf(org_edition, browser):
    out, status = org_edition
    assert status == 0
    pdfs = sorted((out / site.SITE_DIRNAME / "pdf").rglob("*.pdf"))
    assert len(pdfs) == 2
    for pdf in pdfs:
        text = " ".join(page_text(pdf).split())
        assert "Example Immigrant Legal Aid" in text and "(214) 555-0142" in text, pdf
    server, thread = _serve(out / site.SITE_DIRNAME)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(url(server))
        assert "Example Immigrant Legal Aid" in page.title()
        assert page.inner_text(".edition") == "Edition of Example Immigrant Legal Aid"
        contact = page.inner_text(".contact")
        assert "(214) 555-0142" in contact and "help@example.org" in contact
        assert page.get_attribute(".contact a[href^='tel:']", "href") == "tel:+12145550142"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        page.close()
        server.shutdown()
        server.server_close()
        thread.join()
