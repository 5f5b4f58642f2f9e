"""Print files true to their claims: a PDF/X-4 preflight of print-shop PDFs, and the home
printing checks (no ink within 0.25 in of the paper's edge, no text under 6.5 pt) from the layout.

Each check is run on real documents (it passes) and on a copy with one planted defect (it
names the defect).
"""

from __future__ import annotations

import io
import shutil
import subprocess

import pikepdf
import pytest

from handouts import catalogs, content, outputprofile
from handouts.checks import pdfx, printing
from handouts.checks.painted import page_ink
from handouts.contact import parse_contact
from handouts.render import Document, Renderer, imposition
from tests.conftest import LOCALES, TEMPLATES

ORG = parse_contact({"name": "Example Immigrant Legal Aid", "phone": "(214) 555-0142",
                     "website": "example.org/287g", "qr": "website"})


@pytest.fixture(scope="module")
def renderer():
    return Renderer(TEMPLATES)


def fit(renderer, handout, locale, paper, print_shop=False):
    return renderer.fit(Document(content.HANDOUTS[handout], catalogs.load(locale, LOCALES),
                                 content.PAPERS[paper], ORG, print_shop=print_shop))


@pytest.fixture(scope="module")
def trifold_shop(renderer):
    """Spanish tri-fold for a print shop on A4: the cover band bleeds, the QR is a form."""
    return fit(renderer, "287g-trifold", "es", "a4", print_shop=True)


@pytest.fixture(scope="module")
def card_shop(renderer):
    return fit(renderer, "287g-card", "zh_Hant", "letter", print_shop=True)


def edited(data: bytes, change) -> bytes:
    """The PDF with one planted defect (change(pdf) edits it in place)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def test_print_shop_pdfs_pass_the_pdfx4_preflight(trifold_shop, card_shop):
    assert pdfx.pdfx_problems(trifold_shop.pdf) == []
    assert pdfx.pdfx_problems(card_shop.pdf) == []
    assert printing.check_print(trifold_shop.pdf, trifold_shop.layout.pages,
                                print_shop=True) == []


def test_print_shop_pdf_is_pdfx4_and_keeps_its_tags(trifold_shop):
    with pikepdf.open(io.BytesIO(trifold_shop.pdf)) as pdf:
        assert pdf.pdf_version == "1.6"
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-4"
        assert pdf.docinfo["/Trapped"] == pikepdf.Name("/False")
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == pikepdf.Name("/GTS_PDFX")
        assert intent.DestOutputProfile.read_bytes()[12:20] == b"prtrCMYK"
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert str(intent.RegistryName) == "http://www.color.org"
        assert str(intent.Info) == "Coated FOGRA39 (ISO 12647-2:2004)"
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        xmp = pdf.Root.Metadata.read_bytes()
        assert b'pdfuaid:part="1"' in xmp and b"<pdfxid:GTS_PDFXVersion>PDF/X-4<" in xmp


def test_print_shop_pdf_embeds_the_fogra39_profile_byte_for_byte(trifold_shop):
    with pikepdf.open(io.BytesIO(trifold_shop.pdf)) as pdf:
        embedded = pdf.Root.OutputIntents[0].DestOutputProfile.read_bytes()
    assert embedded == outputprofile.profile_path().read_bytes()
    assert outputprofile.DESCRIPTION.encode() in embedded


def test_print_shop_pdf_is_reproducible(renderer, trifold_shop):
    again, _ = renderer.write(trifold_shop.layout)
    assert again == trifold_shop.pdf                  # no uuid4 or "now" in the file


def test_print_shop_boxes_nest_with_room_for_the_marks(trifold_shop):
    bleed = content.PAPERS["a4"].bleed_pt
    with pikepdf.open(io.BytesIO(trifold_shop.pdf)) as pdf:
        for page in pdf.pages:
            media, bleedbox, trim = ([float(v) for v in page.obj[name]]
                                     for name in ("/MediaBox", "/BleedBox", "/TrimBox"))
            assert [round(b - t, 2) for b, t in zip(bleedbox, trim, strict=True)] == \
                [-round(bleed, 2), -round(bleed, 2), round(bleed, 2), round(bleed, 2)]
            assert media[0] == pytest.approx(-imposition.slug_pt(bleed))
            assert imposition.mark_span(bleed)[1] < imposition.slug_pt(bleed)


def test_crop_marks_are_outside_the_bleed_long_and_in_registration_colour(trifold_shop):
    b = content.PAPERS["a4"].bleed_pt
    with pikepdf.open(io.BytesIO(trifold_shop.pdf)) as pdf:
        width, height = (float(v) for v in pdf.pages[0].obj.TrimBox[2:])
        items = page_ink(pdf.pages[0]).items
    marks = [i for i in items if i.registration and i.kind == "stroke"
             and max(i.width, i.height) >= imposition.MARK_LENGTH_PT - 0.01]
    assert len(marks) >= 8                                    # two at each trim corner
    for mark in marks:                                        # wholly beyond the bleed
        assert (mark.x1 <= -b or mark.x0 >= width + b or mark.y1 <= -b
                or mark.y0 >= height + b), mark
    assert not any(i.order > min(m.order for m in marks) and not i.registration
                   for i in items)                            # painted last: never covered


def test_ghostscript_renders_the_print_shop_pdf(tmp_path, trifold_shop):
    gs = shutil.which("gs")
    if gs is None:
        pytest.skip("Ghostscript is installed by scripts/system-deps.sh --test")
    path = tmp_path / "trifold.pdf"
    path.write_bytes(trifold_shop.pdf)
    run = subprocess.run([gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=nullpage",
                          str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "Error" not in run.stdout + run.stderr


def _no_output_intent(pdf):
    del pdf.Root["/OutputIntents"]


def _equal_boxes(pdf):
    for page in pdf.pages:
        page.obj["/MediaBox"] = page.obj["/BleedBox"] = page.obj["/TrimBox"]


def _marks_inside_the_bleed(pdf):
    for page in pdf.pages:
        contents = page.obj["/Contents"]
        contents[len(contents) - 1].write(b"Q /Artifact BMC q 0.25 w 1 1 1 1 K "
                                          b"0 -1 m 0 -5 l S -1 0 m -5 0 l S Q EMC")


def _mark_covered(pdf):
    page = pdf.pages[0]
    page.contents_add(pdf.make_stream(b"q 0 0 1 rg -40 -40 45 45 re f Q"), prepend=False)


def _rgb_unmanaged(pdf):
    for page in pdf.pages:                    # pages share one colour space dictionary
        if "/DefaultRGB" in page.obj.Resources.ColorSpace:
            del page.obj.Resources.ColorSpace["/DefaultRGB"]


def _no_pdfx_id(pdf):
    del pdf.docinfo["/GTS_PDFXVersion"]


def _ghostscript_condition(pdf):
    pdf.Root.OutputIntents[0].OutputConditionIdentifier = pikepdf.String("Artifex CMYK SWOP")


def _no_registry(pdf):
    del pdf.Root.OutputIntents[0]["/RegistryName"]


def _rgb_profile(pdf):
    srgb = pdf.Root.OutputIntents[0]
    srgb.DestOutputProfile = pdf.Root.Pages.Kids[0].Resources.ColorSpace.DefaultRGB[1]


@pytest.mark.parametrize("plant, expected", [
    (_no_output_intent, "0 PDF/X output intents"),
    (_equal_boxes, "not nested MediaBox > BleedBox > TrimBox"),
    (_marks_inside_the_bleed, "no crop marks at the trim corner"),
    (_mark_covered, "is covered by a fill painted after it"),
    (_mark_covered, "painted beyond the bleed that are not registration marks"),
    (_rgb_unmanaged, "DeviceRGB used without a /DefaultRGB"),
    (_no_pdfx_id, "Info /GTS_PDFXVersion"),
    (_rgb_profile, "needs a CMYK output (prtr) profile"),
    (_ghostscript_condition, "OutputConditionIdentifier is 'Artifex CMYK SWOP', expected"),
    (_no_registry, "RegistryName is not 'http://www.color.org'"),
])
def test_preflight_catches_each_planted_defect(trifold_shop, plant, expected):
    problems = pdfx.pdfx_problems(edited(trifold_shop.pdf, plant))
    assert any(expected in p for p in problems), problems


def test_preflight_catches_a_pdf_version_above_16(trifold_shop):
    def newer(pdf):
        pdf.save(out := io.BytesIO(), force_version="1.7")
        return out.getvalue()

    with pikepdf.open(io.BytesIO(trifold_shop.pdf)) as pdf:
        data = newer(pdf)
    assert any("PDF 1.7" in p for p in pdfx.pdfx_problems(data))


# ---- Home printing -----------------------------------------------------------------------

@pytest.mark.parametrize("handout, locale, paper", [
    ("287g-card", "zh_Hant", "a4"), ("287g-card", "my", "letter"), ("287g-half", "my", "a4"),
    ("287g-trifold", "ar", "letter"), ("287g-bilingual", "es", "a4"), ("287g-basics", "es", "a4"),
])
def test_home_documents_keep_off_the_edge_and_print_no_tiny_text(renderer, handout, locale,
                                                                paper):
    fitted = fit(renderer, handout, locale, paper)
    assert printing.edge_problems(fitted.layout.pages) == []
    assert printing.small_text_problems(fitted.layout.pages) == []
    sizes = [i.font_pt for i in printing.painted(fitted.layout.pages) if i.font_pt]
    assert min(sizes) >= printing.MIN_TEXT_PT - 0.05


def test_card_sheet_status_line_is_readable_and_off_the_edge(renderer):
    fitted = fit(renderer, "287g-card", "zh_Hant", "a4")
    notice = [i for i in printing.painted(fitted.layout.pages) if "sheet-notice" in i.what]
    assert notice and all(i.font_pt == pytest.approx(6.5) for i in notice)
    assert min(i.x0 for i in notice) >= imposition.HOME_MARGIN_PT
    assert notice[0].y1 - notice[0].y0 > notice[0].x1 - notice[0].x0   # runs up the margin


PLANTED = """<html><head><style>@page {{ size: 300pt 300pt; margin: 0 }}
body {{ margin: 0 }} div {{ position: absolute }}</style></head><body>{}</body></html>"""


def layout_of(renderer, body):
    return renderer.layout_html(PLANTED.format(body)).pages


@pytest.mark.parametrize("body, expected", [
    ('<div style="left: 100pt; top: 100pt; font-size: 5.5pt">small</div>',
     "5.5 pt text, below the 6.5 pt minimum: text 'small' in div"),
    ('<div style="left: 10pt; top: 100pt; font-size: 8pt">edge</div>',
     "text 'edge' in div is 10.0 pt from the paper's edge"),
    ('<div style="left: 100pt; top: 290pt; width: 50pt; height: 0; '
     'border-top: 1pt solid black"></div>', "border of div is 9.0 pt from the paper's edge"),
    ('<div style="left: 100pt; top: 100pt; width: 150pt; font-size: 8pt; transform-origin: 0 0;'
     ' transform: rotate(-90deg)">turned text runs up to the top edge</div>',
     "from the paper's edge"),
])
def test_home_checks_catch_each_planted_defect(renderer, body, expected):
    pages = layout_of(renderer, body)
    problems = printing.small_text_problems(pages) + printing.edge_problems(pages)
    assert any(expected in p for p in problems), problems


def test_home_checks_pass_text_well_inside(renderer):
    pages = layout_of(renderer, '<div style="left: 100pt; top: 100pt; font-size: 8pt">ok</div>')
    assert printing.small_text_problems(pages) == printing.edge_problems(pages) == []


# ---- Reading what a page paints ----------------------------------------------------------

def synthetic_page(content_bytes: bytes, form: bytes | None = None) -> pikepdf.Pdf:
    """A one-page PDF (kept whole: a page does not outlive its PDF)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(100, 100))
    page = pdf.pages[0]
    resources = pikepdf.Dictionary()
    if form is not None:
        x_object = pdf.make_stream(form)
        x_object.Type, x_object.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        x_object.BBox = [0, 0, 10, 10]
        resources.XObject = pikepdf.Dictionary(Fm=x_object)
    page.obj.Resources = resources
    page.obj.Contents = pdf.make_stream(content_bytes)
    return pdf


def test_painted_follows_the_ctm_into_form_xobjects():
    pdf = synthetic_page(b"q 2 0 0 2 10 10 cm /Fm Do Q", form=b"0 0 1 rg 0 0 5 5 re f")
    ink = page_ink(pdf.pages[0])
    assert [(i.kind, i.x0, i.y0, i.x1, i.y1) for i in ink.items] == [
        ("fill", 10, 10, 20, 20)]
    assert ink.rgb_without_default == 1           # the form's RGB has no /DefaultRGB


def test_painted_tells_registration_colour_and_stroke_width():
    pdf = synthetic_page(b"2 w 1 1 1 1 K 0 50 m 20 50 l S 0 0 0 1 K 0 60 m 20 60 l S")
    ink = page_ink(pdf.pages[0])
    first, second = ink.items
    assert first.registration and not second.registration
    assert (first.y0, first.y1) == (49, 51)       # half the line width either side
