"""The PDF/UA check (handouts/checks/pdfua.py): good PDFs pass, and each planted defect is
caught by the condition it breaks, named with where it is.

Good PDFs are made once per (locale, handout) through the fit loop; each defect is planted
with pikepdf in a copy of one of them.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pikepdf
import pypdfium2
import pytest

from handouts import catalogs, content
from handouts.build.pipeline import make as make_checked
from handouts.checks import title_in_text
from handouts.checks.pdfua import failed_conditions, pdfua_problems, structure_tree
from handouts.contact import parse_contact
from handouts.render import Document, Renderer, figures, imposition, layout
from handouts.sources import Sources
from tests.conftest import LOCALES, TEMPLATES

#: A contact with a QR code (a Figure) and a contact block of two rows.
ORG = parse_contact({"name": "Example Immigrant Legal Aid", "phone": "(214) 555-0142",
                     "website": "example.org/287g", "qr": "website"})
LOCALES_CHECKED = ("es", "ar", "zh_Hans")
HANDOUTS = ("287g-basics", "287g-card", "287g-trifold", "287g-half", "287g-bilingual")


@pytest.fixture(scope="module")
def renderer():
    return Renderer(TEMPLATES)


@pytest.fixture(scope="module")
def made(renderer) -> Callable:
    """(locale, handout[, paper]) -> the fitted document (Letter unless said), made once."""
    cache: dict = {}

    def get(locale: str, handout: str, paper: str = "letter"):
        if (locale, handout, paper) not in cache:
            cache[locale, handout, paper] = renderer.fit(Document(
                content.HANDOUTS[handout], catalogs.load(locale, LOCALES),
                content.PAPERS[paper], ORG))
        return cache[locale, handout, paper]
    return get


def planted(data: bytes, plant: Callable[[pikepdf.Pdf], object]) -> list[str]:
    """The problems of a copy of `data` with one defect planted in it."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        plant(pdf)
        out = io.BytesIO()
        pdf.save(out)
    return pdfua_problems(out.getvalue())


def elements(pdf: pikepdf.Pdf, kind: str) -> list:
    tree = structure_tree(pdf)
    assert tree is not None
    return [e for e in tree.elements if e.kind == kind]


def only(problems: list[str], condition: str) -> list[str]:
    assert failed_conditions(problems) == {condition}, problems
    return problems


@pytest.mark.parametrize("handout", HANDOUTS)
@pytest.mark.parametrize("locale", LOCALES_CHECKED)
def test_good_pdfs_pass_every_condition(made, locale, handout):
    assert pdfua_problems(made(locale, handout).pdf) == []


# ---- Structure: headings, lists, types ----------------------------------------------------

def test_a_skipped_heading_level_is_caught(made):
    def skip(pdf):
        elements(pdf, "H2")[1].node.S = pikepdf.Name("/H4")
    problems = only(planted(made("es", "287g-basics").pdf, skip), "headings")
    assert "H4 at page 1, Document/" in problems[0] and "follows H2: skips H3" in problems[0]


def test_a_document_without_its_h1_is_caught(made):
    def demote(pdf):
        elements(pdf, "H1")[0].node.S = pikepdf.Name("/H2")
    problems = only(planted(made("ar", "287g-trifold").pdf, demote), "headings")
    assert "0 H1 headings" in problems[0]
    assert "follows no heading: skips H1" in problems[1]


def test_a_second_h1_is_caught(made):
    def promote(pdf):
        elements(pdf, "H2")[0].node.S = pikepdf.Name("/H1")
    problems = only(planted(made("zh_Hans", "287g-half").pdf, promote), "headings")
    assert problems[0].startswith("PDF/UA headings: 2 H1 headings")


def test_a_div_between_a_list_and_its_items_is_caught(made):
    """The contact block's old shape: <dl><div class="row"><dt>...: L > Div > LI."""
    def wrap(pdf):
        item = elements(pdf, "LI")[0]
        lst = item.parent.node
        div = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.Div, P=lst,
            K=pikepdf.Array([item.node]), Pg=item.node.Pg))
        kids = list(lst.K)
        kids[[k.objgen for k in kids].index(item.node.objgen)] = div
        lst.K = pikepdf.Array(kids)
        item.node.P = div
    problems = only(planted(made("es", "287g-basics").pdf, wrap), "lists")
    assert "Div inside L at page 1, Document/" in problems[0]
    assert "LI at page 1" in problems[1] and "is inside Div, not L" in problems[1]


def test_a_list_item_holding_a_paragraph_is_caught(made):
    def rename(pdf):
        elements(pdf, "LBody")[0].node.S = pikepdf.Name("/P")
    problems = only(planted(made("ar", "287g-card").pdf, rename), "lists")
    assert "P inside LI" in problems[0] and "(LI holds only LBody, Lbl)" in problems[0]


def test_an_unknown_structure_type_is_caught_unless_role_mapped(made):
    data = made("es", "287g-half").pdf

    def invent(pdf):
        elements(pdf, "P")[0].node.S = pikepdf.Name("/Blurb")
    problems = only(planted(data, invent), "structure types")
    assert "Blurb at page 1, Document/" in problems[0]

    def invent_and_map(pdf):
        invent(pdf)
        pdf.Root.StructTreeRoot.RoleMap = pikepdf.Dictionary(Blurb=pikepdf.Name.P)
    assert planted(data, invent_and_map) == []


def test_no_structure_tree_is_caught(made):
    def untag(pdf):
        del pdf.Root.StructTreeRoot
    assert planted(made("es", "287g-basics").pdf, untag) == [
        "PDF/UA structure types: no structure tree (StructTreeRoot)"]


# ---- Content: every painted item tagged or an artifact -------------------------------------

def _append(pdf: pikepdf.Pdf, content: bytes) -> None:
    pdf.pages[0].contents_add(pikepdf.Stream(pdf, content), prepend=False)


def _font(pdf: pikepdf.Pdf) -> str:
    return str(next(iter(pdf.pages[0].Resources.Font.keys())))


def test_an_untagged_text_run_is_caught(made):
    def add_text(pdf):
        _append(pdf, f"BT {_font(pdf)} 12 Tf 72 72 Td (stray) Tj ET".encode())
    problems = only(planted(made("zh_Hans", "287g-basics").pdf, add_text), "untagged content")
    assert problems[0].startswith("PDF/UA untagged content: page 1: painted outside any "
                                  "tagged content or Artifact (1 Tj;")


def test_content_whose_mcid_no_element_claims_is_caught(made):
    def orphan(pdf):
        _append(pdf, f"/Span <</MCID 9999>> BDC BT {_font(pdf)} 12 Tf 72 72 Td (x) Tj ET EMC"
                .encode())
    problems = only(planted(made("es", "287g-basics").pdf, orphan), "untagged content")
    assert any("MCID 9999 belongs to no structure element" in p for p in problems)


def test_an_artifact_passes(made):
    def add_artifact(pdf):
        _append(pdf, b"/Artifact BMC 0 0 m 10 10 l S EMC")
    assert planted(made("es", "287g-basics").pdf, add_artifact) == []


# ---- Figures ------------------------------------------------------------------------------

def test_figures_have_a_describing_alt(made):
    with pikepdf.open(io.BytesIO(made("es", "287g-half").pdf)) as pdf:
        alts = {str(figure.node.Alt) for figure in elements(pdf, "Figure")}
    assert alts == {"QR code: opens example.org/287g"}


def test_a_figure_without_alt_is_caught(made):
    def strip(pdf):
        del elements(pdf, "Figure")[0].node.Alt
    problems = only(planted(made("ar", "287g-trifold").pdf, strip), "figure alt")
    assert "Figure at page 1, Document/" in problems[0] and "has no Alt text" in problems[0]


def test_an_alt_that_is_only_the_address_is_caught(made):
    def bare(pdf):
        elements(pdf, "Figure")[0].node.Alt = pikepdf.String("example.org/287g")
    problems = only(planted(made("es", "287g-half").pdf, bare), "figure alt")
    assert "only an address" in problems[0]


def test_a_figure_bbox_in_css_pixels_is_caught(made):
    """What WeasyPrint 70 writes without handouts.render.figures: px from the top-left."""
    def as_pixels(pdf):
        figure = elements(pdf, "Figure")[0].node
        x0, y0, x1, y1 = (float(v) for v in figure.A.BBox)
        height = float(pdf.pages[0].mediabox[3])
        figure.A.BBox = pikepdf.Array([x0 / 0.75, (height - y1) / 0.75,
                                       x1 / 0.75, (height - y0) / 0.75])
    problems = only(planted(made("es", "287g-trifold").pdf, as_pixels), "figure bbox")
    assert "outside its page" in problems[0] or "does not enclose" in problems[0]


def test_a_figure_bbox_beside_the_figure_is_caught(made):
    def shift(pdf):
        figure = elements(pdf, "Figure")[0].node
        x0, y0, x1, y1 = (float(v) for v in figure.A.BBox)
        figure.A.BBox = pikepdf.Array([x0 + 30, y0, x1 + 30, y1])
    problems = only(planted(made("zh_Hans", "287g-bilingual").pdf, shift), "figure bbox")
    assert "which does not enclose what it draws" in problems[0]


def test_a_figure_without_bbox_is_caught(made):
    def drop(pdf):
        del elements(pdf, "Figure")[0].node.A.BBox
    problems = only(planted(made("es", "287g-half").pdf, drop), "figure bbox")
    assert "has no BBox" in problems[0]


def test_page_bbox_turns_css_pixels_from_the_top_into_points_from_the_bottom():
    # A 96 px square 10 px from the left and 20 px from the top of an 11 in (1056 px) page.
    assert list(figures.page_bbox((10, 20, 106, 116), 1056)) == [7.5, 705.0, 79.5, 777.0]


# ---- Document-level entries ---------------------------------------------------------------

@pytest.mark.parametrize("condition,plant,expected", [
    ("lang", lambda pdf: delattr(pdf.Root, "Lang"), "the catalog has no /Lang"),
    ("display doc title",
     lambda pdf: setattr(pdf.Root.ViewerPreferences, "DisplayDocTitle", False),
     "DisplayDocTitle is not true"),
    ("pdfuaid", lambda pdf: setattr(pdf.Root, "Metadata", pikepdf.Stream(
        pdf, b'<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>')), "no pdfuaid:part 1"),
    ("tounicode", lambda pdf: delattr(next(iter(pdf.pages[0].Resources.Font.values())),
                                      "ToUnicode"), "has no ToUnicode"),
])
def test_document_entries_are_checked(made, condition, plant, expected):
    problems = only(planted(made("ar", "287g-basics").pdf, plant), condition)
    assert expected in problems[0]


# ---- What the templates make --------------------------------------------------------------

@pytest.mark.parametrize("locale,paper", [(code, "letter") for code in LOCALES_CHECKED]
                         + [("es", "a4")])
def test_card_sheet_title_is_its_printed_h1(made, locale, paper):
    """The card sheet's one H1 is printed (small, in the top margin, inside what a home
    printer prints, clear of the cards) and is in the text layer."""
    fitted = made(locale, "287g-card", paper)
    [title] = layout.placed(fitted.layout.pages, "sheet-title")
    sheet = imposition.for_paper(content.PAPERS[paper])
    assert title.page == 0 and sheet.home_margin <= title.y
    assert title.bottom <= sheet.card.top - 3 and title.height < 10   # one line
    document = pypdfium2.PdfDocument(fitted.pdf)
    try:
        page = document[0]
        height = page.get_height()
        text = page.get_textpage().get_text_bounded(
            left=title.x, bottom=height - title.bottom, right=title.right, top=height - title.y)
    finally:
        document.close()
    assert title_in_text(fitted.title, text), text
    with pikepdf.open(io.BytesIO(fitted.pdf)) as pdf:
        assert len(elements(pdf, "H1")) == 1 and len(elements(pdf, "Art")) == 20


def test_the_build_reports_pdfua_problems(tmp_path, renderer):
    """pipeline.make runs the check: a template that skips a heading level fails the build."""
    templates = tmp_path / "templates"
    for path in TEMPLATES.rglob("*"):
        if path.is_file():
            target = templates / path.relative_to(TEMPLATES)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    basics = templates / "handouts" / "287g-basics.html"
    basics.write_text(basics.read_text().replace(
        "<h2>{{ c.rights_heading() }}</h2>", "<h4>{{ c.rights_heading() }}</h4>"))
    document = Document(content.HANDOUTS["287g-basics"], catalogs.load("es", LOCALES),
                        content.PAPERS["letter"], ORG)
    result = make_checked(document, Renderer(templates), Sources.shipped(templates=templates))
    assert any(p.startswith("PDF/UA headings: H4 at page 1") for p in result.problems), \
        result.problems
    assert not result.ok
