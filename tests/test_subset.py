"""CJK fonts without empty glyph slots (handouts/render/subset.py): smaller, same text, same
pixels. Each test compares WeasyPrint's own PDF with the compacted one."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops

from handouts import content
from handouts.build import matrix
from handouts.render import pdf as pdf_module
from handouts.render import subset
from handouts.sources import Sources

CJK = ["zh_Hans", "zh_Hant", "ko"]


def laid_out(locale: str, handout: str = "287g-basics", paper: str = "letter"):
    """The document laid out at the scale its fit loop chooses (0 for the CJK flyers)."""
    from handouts.render import Document
    sources = Sources.shipped()
    document = Document(content.HANDOUTS[handout], matrix._catalog(locale, sources.locales),
                        content.PAPERS[paper], sources.contact)
    renderer = matrix.renderer(sources.templates)
    return renderer.layout(document, 0, document.catalog.translator())


@pytest.fixture(scope="module")
def pdfs():
    """locale -> (WeasyPrint's bytes, the compacted bytes), written once per locale."""
    made = {}

    def make(locale: str):
        if locale not in made:
            layout = laid_out(locale)
            original = pdf_module.compact_fonts
            pdf_module.compact_fonts = lambda data: data
            try:
                raw, _ = pdf_module.Renderer.write(layout)
            finally:
                pdf_module.compact_fonts = original
            made[locale] = raw, subset.compact_fonts(raw)
        return made[locale]
    return make


def text(data: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pixels(data: bytes, tmp_path: Path, name: str) -> list[Image.Image]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(tmp_path / name)],
                   check=True)
    return [Image.open(png).convert("RGB") for png in sorted(tmp_path.glob(f"{name}-*.png"))]


def same_pixels(a: list[Image.Image], b: list[Image.Image]) -> bool:
    return len(a) == len(b) and all(ImageChops.difference(x, y).getbbox() is None
                                    for x, y in zip(a, b, strict=True))


def test_a_chinese_flyer_is_at_most_100_kb(pdfs):
    raw, compact = pdfs("zh_Hans")
    assert len(raw) > 250 * 1024, "WeasyPrint's subset no longer keeps empty slots?"
    assert len(compact) <= 100 * 1024, f"{len(compact) / 1024:.0f} KB"


@pytest.mark.parametrize("locale", CJK)
def test_the_text_layer_is_unchanged(pdfs, tmp_path, locale):
    raw, compact = pdfs(locale)
    assert compact != raw
    assert text(compact, tmp_path, "compact") == text(raw, tmp_path, "raw")


@pytest.mark.parametrize("locale", CJK)
def test_the_pages_render_to_the_same_pixels(pdfs, tmp_path, locale):
    raw, compact = pdfs(locale)
    assert same_pixels(pixels(compact, tmp_path, "compact"), pixels(raw, tmp_path, "raw"))


def test_a_wrong_glyph_number_is_caught_by_the_pixels(pdfs, tmp_path, monkeypatch):
    """Planted: every code shown reaches the next glyph; the render comparison sees it."""
    raw, _ = pdfs("zh_Hans")
    renumbered = subset._renumbered
    monkeypatch.setattr(subset, "_renumbered", lambda string, mapping: renumbered(
        string, {code: new + 1 for code, new in mapping.items()}))
    broken = subset.compact_fonts(raw)
    assert not same_pixels(pixels(broken, tmp_path, "broken"), pixels(raw, tmp_path, "raw"))


def test_a_stale_text_map_is_caught_by_the_text(pdfs, tmp_path, monkeypatch):
    """Planted: the ToUnicode CMap keeps the old codes. The pages look right, the text layer
    is wrong: the text comparison sees it."""
    raw, _ = pdfs("zh_Hans")
    monkeypatch.setattr(subset, "_to_unicode", lambda data, mapping: data)
    broken = subset.compact_fonts(raw)
    assert same_pixels(pixels(broken, tmp_path, "broken"), pixels(raw, tmp_path, "raw"))
    assert text(broken, tmp_path, "broken") != text(raw, tmp_path, "raw")


def test_pypdf_and_pdfium_read_the_same_text(pdfs):
    import pypdfium2
    from pypdf import PdfReader
    raw, compact = pdfs("zh_Hans")
    assert PdfReader(io.BytesIO(compact)).pages[0].extract_text() == \
        PdfReader(io.BytesIO(raw)).pages[0].extract_text()
    assert pypdfium2.PdfDocument(compact)[0].get_textpage().get_text_range() == \
        pypdfium2.PdfDocument(raw)[0].get_textpage().get_text_range()


def test_without_the_old_bounding_boxes_pixels_move(pdfs, tmp_path, monkeypatch):
    """Planted: bounding boxes recomputed from the glyphs kept change how poppler caches the
    title's glyphs, so its pixels move: why subset.py keeps HarfBuzz's (the old ones)."""
    raw, _ = pdfs("zh_Hans")
    ttfont = subset.TTFont
    monkeypatch.setattr(subset, "TTFont",
                        lambda file, **options: ttfont(file, **{**options, "recalcBBoxes": True}))
    assert not same_pixels(pixels(subset.compact_fonts(raw), tmp_path, "own_bounds"),
                           pixels(raw, tmp_path, "raw"))


def test_a_font_it_cannot_prove_is_left_alone(pdfs):
    raw, _ = pdfs("zh_Hans")
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        font = next(obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                    and obj.get("/Type") == "/Font" and subset._compactable(obj))
        descendant = font.DescendantFonts[0]
        data = descendant.FontDescriptor.FontFile3.read_bytes()
        used = sorted(subset._widths(descendant.W))
    assert subset.compact_cff(data, used) is not None
    assert subset.compact_cff(data, used + [70000]) is None  # a glyph the font lacks


def test_a_latin_pdf_keeps_its_bytes():
    layout = laid_out("en")
    original = pdf_module.compact_fonts
    pdf_module.compact_fonts = lambda data: data
    try:
        raw, _ = pdf_module.Renderer.write(layout)
    finally:
        pdf_module.compact_fonts = original
    assert subset.compact_fonts(raw) == raw
