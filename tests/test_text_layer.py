"""The text layer is the printed text (ActualText, hyphenation) and other-language parts carry
/Lang: handouts/render/textlayer.py writes them, handouts/checks/{text,lang}.py check them."""

from __future__ import annotations

import io
import re

import pypdfium2
import pytest
import weasyprint.pdf
from pypdf import PdfReader
from weasyprint.draw import text as weasyprint_draw_text
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import stream as weasyprint_stream
from weasyprint.pdf import tags as weasyprint_tags

from handouts import catalogs, content
from handouts.checks import check_lang, check_text
from handouts.checks.lang import lang_problems
from handouts.checks.text import (
    break_hyphen,
    poppler_text,
    printed_lines,
    text_layer_problems,
    words,
)
from handouts.render import Document, Renderer, textlayer
from handouts.render.pdf import PDF_VARIANT
from handouts.sources import Sources
from tests.conftest import LOCALES, TEMPLATES

FLYER_LOCALES = ["ne", "pa", "my", "ar", "zh_Hans", "es"]


@pytest.fixture(scope="module")
def renderer():
    return Renderer(TEMPLATES)


@pytest.fixture(scope="module")
def flyers(renderer):
    """Each locale's letter flyer: its fitted result, laid out once."""
    cache = {}

    def get(locale, handout="287g-basics", paper="letter"):
        key = (locale, handout, paper)
        if key not in cache:
            document = Document(content.HANDOUTS[handout], catalogs.load(locale, LOCALES),
                                content.PAPERS[paper], Sources.shipped().contact)
            cache[key] = renderer.fit(document)
        return cache[key]
    return get


def unpatched(fitted) -> bytes:
    """The same layout written by WeasyPrint alone: its first-use glyph map, no /Lang."""
    return fitted.layout.pages.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=b"0" * 32,
                                         pdf_tags=True, custom_metadata=False)


def marked_content_ids(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    data = b"".join(page.get_contents().get_data() for page in reader.pages)
    return re.findall(r"/MCID (\d+)", data.decode("latin-1"))


@pytest.mark.parametrize("locale", FLYER_LOCALES)
def test_flyer_text_layer_is_the_printed_text(flyers, locale):
    fitted = flyers(locale)
    assert check_text(fitted.pdf, fitted.layout.pages.pages) == []
    assert check_lang(fitted.pdf, fitted.layout.pages.pages,
                      catalogs.load(locale, LOCALES).locale.tag) == []


def test_nepali_words_extract_as_written(flyers):
    """The issue's examples: WeasyPrint alone gave "कायर्यक्रम" and "काुी"."""
    text = poppler_text(flyers("ne").pdf)
    assert "कार्यक्रम" in text and "कानुनी" in text
    assert "कायर्यक्रम" not in text


@pytest.mark.parametrize("locale", ["pa", "my"])
def test_title_extracts_as_written(flyers, locale):
    fitted = flyers(locale)
    title_words = words(fitted.title)
    extracted = words(poppler_text(fitted.pdf))
    assert all(word in extracted for word in title_words), title_words


def test_planted_glyph_map_defect_is_caught(flyers):
    """WeasyPrint's own text layer drops and changes letters: the check names the words."""
    fitted = flyers("ne")
    problems = check_text(unpatched(fitted), fitted.layout.pages.pages)
    assert len(problems) == 1 and "'गर्न' (x9)" in problems[0]
    assert "extracts but does not print 'ग'" in problems[0]


def test_dropped_letter_is_named():
    problems = text_layer_problems(["Know your rights today"], "Know your rigts today")
    assert problems and "'rights'" in problems[0] and "'rigts'" in problems[0]


def test_moved_spaces_are_not_a_difference_but_punctuation_is():
    assert text_layer_problems(["ثم أعيد"], "ثمأعيد") == []
    assert text_layer_problems(["law-", "enforcement agency"], "lawenforcement agency") == []
    assert text_layer_problems(["Enforcement"], "Enforce\u2010\nment")
    assert text_layer_problems(["Enforcement"], "Enforce\u00ad\nment") == []  # soft hyphen


def test_arabic_word_cut_at_a_detached_mark_is_one_word():
    """Poppler may cut an Arabic word where it detaches a vowel mark, even across lines."""
    assert text_layer_problems(["المشاركة لا تُلزَم أي ولاية"], "أي ولاية\nالمشاركة لا ُت َ\nلزم") == []
    assert text_layer_problems(["warrants and"], "rants and war")  # only Arabic, only marks


def test_hyphenated_words_extract_whole(flyers):
    """es hyphenates ("Nacionali‐" / "dad"): poppler and PDFium give the unbroken word."""
    fitted = flyers("es")
    lines = printed_lines(fitted.layout.pages.pages)
    assert any(line.endswith("Nacionalidad") for line in lines), \
        "the es flyer no longer hyphenates Nacionalidad: pick another word"
    popplers = words(poppler_text(fitted.pdf))
    document = pypdfium2.PdfDocument(fitted.pdf)
    pdfium = "".join(page.get_textpage().get_text_bounded() for page in document)
    document.close()
    assert "Nacionalidad" in popplers and "Nacionalidad" in words(pdfium)
    assert "\u2010" not in poppler_text(fitted.pdf) and "\u2010" not in pdfium
    assert check_text(unpatched(fitted), fitted.layout.pages.pages)  # WeasyPrint alone


def test_actual_text_keeps_the_structure_tags(flyers):
    fitted = flyers("ne")
    assert marked_content_ids(fitted.pdf) == marked_content_ids(unpatched(fitted))
    data = b"".join(page.get_contents().get_data()
                    for page in PdfReader(io.BytesIO(fitted.pdf)).pages)
    assert re.search(rb"/Span\s*<</MCID \d+\s*/ActualText <feff", data)


def test_latin_text_gets_actual_text_only_at_breaks(flyers):
    """Copy and search of part of a line work glyph by glyph where the glyph map is right:
    in Spanish only the two boxes of each hyphenated word get an ActualText."""
    fitted = flyers("es")
    data = b"".join(page.get_contents().get_data()
                    for page in PdfReader(io.BytesIO(fitted.pdf)).pages)
    breaks = sum(1 for box in text_boxes(fitted.layout.pages.pages) if break_hyphen(box))
    assert 0 < len(re.findall(rb"/ActualText", data)) <= 2 * breaks


def text_boxes(pages):
    def walk(box):
        for child in getattr(box, "children", None) or []:
            if isinstance(child, boxes.TextBox):
                yield child
            yield from walk(child)
    for page in pages:
        yield from walk(page._page_box)


def test_other_language_parts_have_lang(flyers):
    """Card backs are English: their structure elements say /Lang en."""
    fitted = flyers("es", "287g-card")
    reader = PdfReader(io.BytesIO(fitted.pdf))
    langs = set()

    def walk(element):
        element = element.get_object()
        if "/Lang" in element:
            langs.add(str(element["/Lang"]))
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                walk(kid)
    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert langs == {"en"}
    assert check_lang(fitted.pdf, fitted.layout.pages.pages, "es") == []


@pytest.mark.parametrize("locale,handout", [("es", "287g-card"), ("ar", "287g-bilingual")])
def test_planted_missing_lang_is_caught(flyers, locale, handout):
    """WeasyPrint alone writes no /Lang: the English card backs and column are caught."""
    fitted = flyers(locale, handout)
    assert check_lang(fitted.pdf, fitted.layout.pages.pages, locale) == []
    problems = check_lang(unpatched(fitted), fitted.layout.pages.pages, locale)
    assert len(problems) == 1 and "/Lang en" in problems[0] and f"{locale!r}" in problems[0]


def test_lang_problems_name_the_words():
    from collections import Counter
    problems = lang_problems({"es": Counter(["hola"]), "en": Counter(["rights", "today"])},
                             {"es": Counter(["hola", "rights", "today"])}, "es")
    assert problems == ["2 word(s) printed in 'en' are not tagged /Lang en (a screen reader "
                        "reads them as 'es'): 'rights', 'today'"]


def test_bytes_stay_reproducible(renderer, flyers):
    fitted = flyers("my")
    assert renderer.write(fitted.layout)[0] == fitted.pdf


def test_patch_is_undone_after_writing(flyers):
    flyers("es")
    with textlayer.patched():
        assert weasyprint_stream.Stream.marked is not ORIGINAL[0]
    assert (weasyprint_stream.Stream.marked, weasyprint_draw_text.draw_first_line,
            weasyprint.pdf.add_tags, weasyprint_tags._build_box_tree) == ORIGINAL


ORIGINAL = (weasyprint_stream.Stream.marked, weasyprint_draw_text.draw_first_line,
            weasyprint.pdf.add_tags, weasyprint_tags._build_box_tree)


def fake_box(text, element="p", hyphens="auto"):
    """A drawn text box as TextLayer sees it: its line's text, style and element."""
    from types import SimpleNamespace
    style = {"hyphenate_character": "\u2010", "hyphens": hyphens}
    return SimpleNamespace(text=text, pango_layout=SimpleNamespace(text=text), style=style,
                           element=element, element_tag=element)


def draw(boxes_drawn, monkeypatch):
    """ActualText of each box after TextLayer saw them drawn in order on one page."""
    import pydyf
    monkeypatch.setattr(textlayer, "unreadable", lambda textbox, stream: False)
    layer, stream = textlayer.TextLayer(), object()
    for box in boxes_drawn:
        layer.spans[id(box)] = pydyf.Dictionary({"MCID": 0})
    for box in boxes_drawn:
        layer.drawn(box, stream)
    return [getattr(layer.spans[id(box)].get("ActualText"), "string", None)
            for box in boxes_drawn]


def test_hyphenated_word_is_whole_on_its_first_line(monkeypatch):
    assert draw([fake_box("Ley de Nacionali\u2010"), fake_box("dad (Immigration Act)")],
                monkeypatch) == ["Ley de Nacionalidad", " (Immigration Act)"]


def test_word_hyphenated_twice_is_whole_on_its_first_line(monkeypatch):
    assert draw([fake_box("a Ver\u2010"), fake_box("sicherungs\u2010"), fake_box("vertrag ist")],
                monkeypatch) == ["a Versicherungsvertrag", " ", " ist"]


def test_hyphenated_word_without_its_rest_keeps_a_soft_hyphen(monkeypatch):
    """The next box drawn is another element's (the rest is on the next page)."""
    assert draw([fake_box("Nacionali\u2010"), fake_box("Footer", element="footer")],
                monkeypatch) == ["Nacionali\u00ad", None]


def test_a_real_hyphen_at_a_line_end_is_kept(monkeypatch):
    """hyphens: manual breaks only at soft hyphens: a printed U+2010 there is text."""
    assert draw([fake_box("anti\u2010", hyphens="manual"), fake_box("ICE")],
                monkeypatch) == [None, None]
