"""The print formats: duplex geometry, folding order, print-shop boxes, home margins, QR codes.

Each document is laid out once (module fixtures) and checked both as layout (where WeasyPrint
put each card and panel, handouts/layout.py) and as the PDF a printer receives.
"""

from __future__ import annotations

import io

import pypdfium2
import pytest
from pypdf import PdfReader

from handouts import catalogs, checks, content
from handouts.build import matrix
from handouts.checks import palette
from handouts.checks.pdf import print_box_problems
from handouts.contact import ContactError, parse_contact
from handouts.render import Document, FitError, Renderer, imposition, layout, qr
from tests.conftest import LOCALES, TEMPLATES

ORG = parse_contact({"name": "Example Immigrant Legal Aid", "phone": "(214) 555-0142",
                     "website": "example.org/287g", "qr": "website"})
NO_QR = parse_contact({"phone": "(972) 656-0560"})   # the default contact: nothing to point at


@pytest.fixture(scope="module")
def renderer():
    return Renderer(TEMPLATES)


def make(renderer, handout, locale, paper, contact=ORG, print_shop=False):
    """Render through the fit loop; keep the layout of the PDF that was written."""
    rendered = renderer.fit(Document(content.HANDOUTS[handout], catalogs.load(locale, LOCALES),
                                     content.PAPERS[paper], contact, print_shop=print_shop))
    return rendered, rendered.layout.pages, PdfReader(io.BytesIO(rendered.pdf))


@pytest.fixture(scope="module")
def card_ar(renderer):
    return make(renderer, "287g-card", "ar", "letter")


@pytest.fixture(scope="module")
def trifold_en_a4_shop(renderer):
    return make(renderer, "287g-trifold", "en", "a4", print_shop=True)


@pytest.fixture(scope="module")
def trifold_ar(renderer):
    return make(renderer, "287g-trifold", "ar", "letter")


@pytest.fixture(scope="module")
def half_no_qr(renderer):
    return make(renderer, "287g-half", "zh_Hans", "a4", contact=NO_QR)


@pytest.fixture(scope="module")
def bilingual_es(renderer):
    return make(renderer, "287g-bilingual", "es", "letter")


def close(a: float, b: float, tolerance: float = 0.1) -> bool:
    return abs(a - b) <= tolerance


def page_image(data: bytes, index: int, dpi: float):
    """A page as the printer sees it (MediaBox), greyscale."""
    return pypdfium2.PdfDocument(data)[index].render(scale=dpi / 72).to_pil().convert("L")


# ---- Pocket cards: 10 a sheet, backs behind fronts ----------------------------------------

def test_card_sheet_has_ten_fronts_and_ten_backs_of_business_card_size(card_ar):
    _, document, reader = card_ar
    cards = layout.placed(document, "card")
    assert [c.page for c in cards].count(0) == 10 and [c.page for c in cards].count(1) == 10
    assert all(close(c.width, 252) and close(c.height, 144) for c in cards)  # 3.5 x 2 in
    assert len(reader.pages) == content.HANDOUTS["287g-card"].pages == 2


def test_card_backs_align_with_fronts_when_flipped_on_long_edge(card_ar):
    _, document, reader = card_ar
    width = float(reader.pages[0].mediabox.width)
    assert float(reader.pages[1].mediabox.width) == width
    cards = layout.placed(document, "card")
    fronts = [c for c in cards if c.page == 0]
    backs = [c for c in cards if c.page == 1]
    for front in fronts:
        # Turned over on its long (vertical) edge, x mirrors and y stays.
        behind = [b for b in backs if close(b.x, width - front.right) and close(b.y, front.y)
                  and close(b.width, front.width) and close(b.height, front.height)]
        assert len(behind) == 1, f"no back behind the front at {front}"


def test_card_fronts_are_the_locale_and_backs_english(card_ar):
    rendered, document, reader = card_ar
    langs = {(c.page, c.lang) for c in layout.placed(document, "card")}
    assert langs == {(0, "ar"), (1, "en")}
    assert "know the basics" in reader.pages[1].extract_text()
    assert "know the basics" not in reader.pages[0].extract_text()
    assert checks.title_in_text(rendered.title, reader.pages[0].extract_text())


def test_a4_cards_are_85_by_55_mm():
    grid = imposition.card_grid(content.PAPERS["a4"])
    assert close(grid.piece_width, 85 * 72 / 25.4, 0.01)
    assert close(grid.piece_height, 55 * 72 / 25.4, 0.01)
    assert grid.left >= imposition.HOME_MARGIN_PT and grid.top >= imposition.HOME_MARGIN_PT


# ---- Tri-fold: panels in folding order ---------------------------------------------------

PARTNERS = {"panel-cover": "panel-inside-1", "panel-back": "panel-inside-2",
            "panel-flap": "panel-inside-3"}


def panels(document):
    found = {}
    for p in layout.placed(document, "panel"):
        role = next(c for c in p.classes if c.startswith("panel-"))
        found[role] = p
    return found


@pytest.mark.parametrize("which,outside_order,inside_order", [
    ("trifold_en_a4_shop", ["panel-flap", "panel-back", "panel-cover"],
     ["panel-inside-1", "panel-inside-2", "panel-inside-3"]),
    # Right-to-left brochures open the other way: the whole sheet mirrors.
    ("trifold_ar", ["panel-cover", "panel-back", "panel-flap"],
     ["panel-inside-3", "panel-inside-2", "panel-inside-1"]),
])
def test_trifold_panels_in_folding_order(request, which, outside_order, inside_order):
    _, document, reader = request.getfixturevalue(which)
    found = panels(document)
    outside = sorted((p for p in found.values() if p.page == 0), key=lambda p: p.x)
    inside = sorted((p for p in found.values() if p.page == 1), key=lambda p: p.x)
    assert [next(c for c in p.classes if c.startswith("panel-")) for p in outside] == outside_order
    assert [next(c for c in p.classes if c.startswith("panel-")) for p in inside] == inside_order
    width = float(reader.pages[0].trimbox.width)
    # Each outside panel is printed on the back of its inside partner, fold for fold.
    for front, back in PARTNERS.items():
        a, b = found[front], found[back]
        assert close(b.x, width - a.right) and close(b.width, a.width), (front, back)
    # The fold-in flap is narrower, so it tucks in; the panels fill the sheet exactly.
    assert found["panel-flap"].width < found["panel-back"].width - 3
    assert close(sum(p.width for p in outside), width)
    assert len(reader.pages) == 2


def test_trifold_has_the_fuller_content(trifold_en_a4_shop):
    _, _, reader = trifold_en_a4_shop
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for heading in ("What is 287(g)?", "Three kinds of agreement", "What trained officers may do",
                    "Benefits and criticisms", "Impact on communities", "Key takeaways",
                    "Get legal help early", "Sources", "How it works"):
        assert heading in text
    assert content.SOURCES[2] in text


# ---- Print shop and home printers --------------------------------------------------------

def test_print_shop_bleedbox_is_trimbox_plus_bleed_inside_the_slug(trifold_en_a4_shop):
    _, _, reader = trifold_en_a4_shop
    bleed = content.PAPERS["a4"].bleed_pt
    slug = imposition.slug_pt(bleed)
    for page in reader.pages:
        media, trim, bleedbox = page.mediabox, page.trimbox, page.bleedbox
        assert "/TrimBox" in page and "/BleedBox" in page
        assert close(float(trim.width), 297 * 72 / 25.4, 0.05)   # A4 landscape, trimmed
        for outer, inner, edge in ((bleedbox, trim, bleed), (media, trim, slug)):
            for found in (inner.left - outer.left, inner.bottom - outer.bottom,
                          outer.right - inner.right, outer.top - inner.top):
                assert close(float(found), edge, 0.05)
    assert print_box_problems(reader, bleed) == []
    assert print_box_problems(reader, 0.0) != []   # the check can fail


def test_print_shop_cover_background_runs_into_the_bleed_not_the_slug(trifold_en_a4_shop):
    rendered, _, _ = trifold_en_a4_shop
    image = page_image(rendered.pdf, 0, 72)          # 1 px = 1 pt
    bleed = content.PAPERS["a4"].bleed_pt
    into_bleed = round(imposition.slug_pt(bleed) - bleed / 2)   # beyond the trim corner
    assert image.getpixel((image.width - into_bleed, into_bleed)) < 90, \
        "cover band does not reach the bleed"
    assert image.getpixel((image.width - 3, 3)) > 245          # the slug stays paper white
    assert image.getpixel((into_bleed, image.height // 2)) > 245   # so does the flap's bleed


@pytest.mark.parametrize("which", ["card_ar", "trifold_ar", "half_no_qr", "bilingual_es"])
def test_home_mode_prints_nothing_within_a_quarter_inch(request, which):
    rendered, _, reader = request.getfixturevalue(which)
    assert print_box_problems(reader, 0.0) == []   # no bleed: MediaBox = TrimBox
    dpi = 50
    edge = int(0.25 * dpi) - 1
    for index in range(len(reader.pages)):
        image = page_image(rendered.pdf, index, dpi)
        w, h = image.size
        bands = [image.crop((0, 0, w, edge)), image.crop((0, h - edge, w, h)),
                 image.crop((0, 0, edge, h)), image.crop((w - edge, 0, w, h))]
        assert all(band.getextrema()[0] >= 250 for band in bands), f"page {index + 1}"
        assert image.getextrema()[0] < 100                   # the page does print something


def test_half_page_has_two_copies_and_a_cut_line(half_no_qr):
    _, document, reader = half_no_qr
    halves = layout.placed(document, "half")
    height = float(reader.pages[0].mediabox.height)
    assert len(halves) == 2 and close(halves[0].height, height / 2, 0.5)
    assert close(halves[1].y, height / 2, 0.5)
    cuts = [m for m in layout.placed(document, "guide-cut")]
    assert len(cuts) == 1 and close(cuts[0].y, height / 2, 1)


# ---- QR codes ----------------------------------------------------------------------------

def test_qr_is_vector_and_scans_to_the_contact_website(card_ar):
    zxingcpp = pytest.importorskip("zxingcpp")
    rendered, document, reader = card_ar
    for page in reader.pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        assert all(x.get_object().get("/Subtype") != "/Image" for x in xobjects.values())
    first = min((c for c in layout.placed(document, "card") if c.page == 0),
                key=lambda c: (c.y, c.x))
    scale = 300 / 72
    image = page_image(rendered.pdf, 0, 300).crop(tuple(round(v * scale) for v in (
        first.x, first.y, first.right, first.bottom)))
    found = zxingcpp.read_barcodes(image)
    assert [code.text for code in found] == ["https://example.org/287g"]
    assert "example.org/287g" in reader.pages[0].extract_text()       # caption for people


def test_qr_omitted_cleanly_with_nothing_to_point_at(half_no_qr):
    zxingcpp = pytest.importorskip("zxingcpp")
    rendered, document, _ = half_no_qr
    assert 'class="qr' not in rendered.layout.html and "<svg" not in rendered.layout.html
    assert layout.placed(document, "qr") == []
    assert zxingcpp.read_barcodes(page_image(rendered.pdf, 0, 150)) == []


def test_qr_targets_from_the_contact_file():
    base = {"phone": "(214) 555-0142", "website": "example.org/287g",
            "whatsapp": "+1 214 555 0143"}
    assert qr.for_contact(parse_contact(base)).target == "https://example.org/287g"
    assert qr.for_contact(parse_contact({**base, "qr": "whatsapp"})).target == \
        "https://wa.me/12145550143"
    download = parse_contact({**base, "qr": "download",
                              "download_url": "https://example.org/287g/handouts"})
    assert qr.for_contact(download).caption == "example.org/287g/handouts"
    assert qr.for_contact(parse_contact({**base, "qr": "none"})) is None
    with pytest.raises(ContactError, match="download_url"):
        parse_contact({**base, "qr": "download"})
    with pytest.raises(ContactError, match="download_url"):
        parse_contact({**base, "download_url": "javascript:alert(1)"})


def test_qr_svg_is_paths_only_and_escapes_its_caption():
    code = qr.make('https://example.org/a?b=<script>"&c')
    svg = str(code.svg)
    assert svg.startswith("<svg") and "<path" in svg
    assert "<script" not in svg and "<image" not in svg and "&lt;script&gt;" in svg


# ---- Two languages on one sheet ----------------------------------------------------------

def test_bilingual_parts_carry_their_own_lang_and_dir(bilingual_es, renderer):
    rendered, document, reader = bilingual_es
    cells = layout.placed(document, "part")
    assert {c.lang for c in cells} == {"es", "en"}
    spanish = [c for c in cells if c.lang == "es"]
    english = [c for c in cells if c.lang == "en"]
    assert len(spanish) == len(english)
    assert all(s.x < e.x for s, e in zip(spanish, english, strict=False))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "when local police work with ICE" in text and checks.title_in_text(rendered.title, text)
    # Right to left: the Arabic column is on the right, each cell marked with its direction.
    html = renderer.html(Document(content.HANDOUTS["287g-bilingual"],
                                  catalogs.load("ar", LOCALES), content.PAPERS["a4"], ORG))
    assert 'lang="ar" dir="rtl" style="grid-row: 1; grid-column: 2"' in html
    assert 'lang="en" dir="ltr" style="grid-row: 1; grid-column: 1"' in html


def test_bilingual_is_not_planned_for_english():
    jobs = matrix.plan(["287g-bilingual", "287g-card"], ["en", "es"], ["a4"])
    assert [(j.handout, j.locale) for j in jobs] == [
        ("287g-card", "en"), ("287g-bilingual", "es"), ("287g-card", "es")]


# ---- Budgets and fit ---------------------------------------------------------------------

def test_every_format_declares_its_page_budget():
    budgets = {name: h.pages for name, h in content.HANDOUTS.items()}
    assert budgets["287g-card"] == 2 and budgets["287g-trifold"] == 2
    assert budgets["287g-half"] == 1 and budgets["287g-bilingual"] == 1


def _layout(body: str):
    from weasyprint import HTML
    return HTML(string="<style>@page { size: 4in 4in; margin: 0 } body { margin: 0 }"
                       ".fit-box { box-sizing: border-box; padding: 10pt; font-size: 10pt }"
                       "</style>" + body).render()


@pytest.mark.parametrize("words,height,fits", [
    (10, "2in", True),
    (400, "2in", False),     # spills below the box, which adds no page
    (600, "4in", False),     # reaches the page end: WeasyPrint slices the box
])
def test_overflow_of_fixed_size_boxes_is_detected(words, height, fits):
    document = _layout(f'<div class="fit-box card" style="height: {height}">'
                       + "word " * words + "</div>")
    problems = layout.overflowing(document)
    assert (problems == []) is fits, problems


def test_a_card_that_cannot_fit_fails_the_build(tmp_path, renderer):
    """Three card messages, each long but under the catalog's length limit: no room left."""
    po = tmp_path / "es" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    long = "Solo participan las agencias con un acuerdo. " * 9
    entries = "".join(f'msgid "{msgid}"\nmsgstr "{long}"\n\n' for msgid in (
        "Only agencies with an ICE agreement take part, and only ICE-trained officers.",
        "In jail, trained officers can question you and serve ICE warrants and detainers.",
        "You may remain silent. Sign nothing before you talk to a lawyer."))
    po.write_text('msgid ""\nmsgstr ""\n"Language: es\\n"\n'
                  '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
                  '"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + entries, encoding="utf-8")
    catalog = catalogs.load("es", tmp_path)
    assert not [i for i in catalog.issues if i.severity == "error"]
    with pytest.raises(FitError, match="287g-card in es on letter needs more room"):
        renderer.fit(Document(content.HANDOUTS["287g-card"], catalog, content.PAPERS["letter"],
                              ORG))


# ---- Black and white, contrast -----------------------------------------------------------

def test_shipped_palette_meets_wcag_aa():
    assert palette.check_templates(TEMPLATES) == ()
    assert palette.contrast("#ffffff", "#000000") == pytest.approx(21.0)


def test_palette_check_catches_low_contrast_and_stray_colours():
    css = {"a.css": "html { --ink: #999999; --paper: #ffffff; --accent: #1d3557; "
                    "--tint: #eef2f7; --guide: #767676; }\n"
                    "h1 { color: red; }\n.x { border: 1pt solid #123456; }"}
    problems = palette.palette_problems(css)
    assert any("--ink #999999 on --paper" in p and "4.5:1" in p for p in problems)
    assert any("a.css:2" in p and "'red'" in p for p in problems)
    assert any("a.css:3" in p and "#123456" in p for p in problems)
