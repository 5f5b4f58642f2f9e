"""The PDF's text layer says what is printed: /ActualText where the glyph map cannot, /Lang on
the parts in another language.

WeasyPrint 70 maps each glyph to Unicode once, at its first use (the font's ToUnicode CMap),
so a glyph that prints in clusters of different text (Devanagari, Gurmukhi and Myanmar
conjuncts and reordered vowel signs) extracts everywhere as its first cluster: Nepali
"कार्यक्रम" came out as "कायर्यक्रम". Every text box is already its own marked-content sequence
(`/Span <</MCID n>> BDC`); when a glyph of a box maps to other text than the text it prints
there, or cannot be read on its own, that sequence gets /ActualText, the box's text, so copy,
search and screen readers get the printed words (PDF 32000-1, 14.9.4). Boxes with
right-to-left text never do (extractors would read it backwards). A word WeasyPrint breaks by
hyphenation gets an ActualText on both halves: whole on the first line, left out of the next,
so it extracts as the unbroken word (see TextLayer).

WeasyPrint's structure elements carry no /Lang; the one whose box's `lang` (from the HTML's
lang attributes) differs from the language it inherits in the structure tree gets /Lang.

`patched()` applies both around one `write_pdf`, wrapping WeasyPrint's own functions (its
drawing and tagging run unchanged); weasyprint is pinned to 70.x in pyproject.toml.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pydyf
import weasyprint.pdf as weasyprint_pdf
from weasyprint.draw import text as draw_text_module
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import stream as stream_module
from weasyprint.pdf import tags as tags_module
from weasyprint.text.ffi import ffi, pango

SOFT_HYPHEN = "\u00ad"


def glyph_texts(textbox: Any, stream: Any) -> Iterator[tuple[Any, int, str, bool, bool]]:
    """(font, glyph, text, loose, backwards) for every glyph drawn on the box's first line: the text
    each glyph prints there, cut from the box's UTF-8 text by Pango's cluster offsets (the
    glyph that ends a cluster carries the cluster's text, the others none), as WeasyPrint
    cuts it for the ToUnicode map at a glyph's first use. Loose: a glyph that extractors
    cannot read on its own, one of several in a cluster or drawn off its advance
    (a mark placed on another glyph: extractors split the word there)."""
    utf8 = textbox.pango_layout.text.encode()
    run = textbox.pango_layout.get_first_line()[0].runs[0]
    while run != ffi.NULL:
        item, glyphs = run.data.item, run.data.glyphs
        run = run.next
        font, _ = stream.add_font(item.analysis.font)
        count, clusters = glyphs.num_glyphs, glyphs.log_clusters
        backwards = item.analysis.level % 2
        for i in range(count):
            info = glyphs.glyphs[i]
            glyph = info.glyph
            if glyph == pango.PANGO_GLYPH_EMPTY or glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                continue
            if backwards:
                end = item.length if i == 0 else clusters[i - 1]
            else:
                end = item.length if i == count - 1 else clusters[i + 1]
            text = utf8[item.offset + clusters[i]:item.offset + end].decode()
            moved = bool(info.geometry.x_offset or info.geometry.y_offset)
            yield font, glyph, text, moved or not text, bool(backwards)


def hyphenated(textbox: Any) -> bool:
    """Whether the box ends in the hyphen WeasyPrint added at a hyphenation break: with
    `hyphens: auto` any break, otherwise only one at a soft hyphen."""
    text, hyphen = textbox.pango_layout.text, textbox.style["hyphenate_character"]
    if not hyphen or not text.endswith(hyphen) or len(text) == len(hyphen):
        return False
    return textbox.style["hyphens"] == "auto" or text[:-len(hyphen)].endswith(SOFT_HYPHEN)


def unreadable(textbox: Any, stream: Any) -> bool:
    """Whether extractors cannot read the box's text from its glyphs: a glyph whose Unicode
    map is another cluster's text, or a loose one (see glyph_texts).

    Never in a box with right-to-left text: extractors (poppler, PDFium) lay an ActualText's
    characters out left to right and then reverse right-to-left lines, so it would extract
    backwards; there only Arabic vowel marks go astray (see checks/text.py)."""
    glyphs = list(glyph_texts(textbox, stream))
    if any(backwards for *_, backwards in glyphs):
        return False
    return any(loose or font.to_unicode.get(glyph, text) != text
               for font, glyph, text, loose, _ in glyphs)


class TextLayer:
    """One document's marked-content property lists and the hyphenated word not yet whole.

    A hyphenated word prints in two boxes, "Nacionali‐" at a line's end and "dad" at the
    next line's start; the first box's ActualText gets the whole word and the next box of the
    same element (drawn next in tree order) gives up its start, so the word extracts whole.
    If no such box comes on the page, the first keeps a soft hyphen where the hyphen was."""

    def __init__(self):
        self.spans: dict[int, pydyf.Dictionary] = {}
        self.broken: dict[int, tuple[Any, pydyf.Dictionary, str]] = {}

    def drawn(self, textbox: Any, stream: Any) -> None:
        """Give the box's marked content an ActualText if its glyphs do not say its text."""
        properties = self.spans.get(id(textbox))
        if properties is None or not textbox.text.strip():
            return
        text = textbox.pango_layout.text
        unread = unreadable(textbox, stream)
        element = (textbox.element, textbox.element_tag)
        hyphen = textbox.style["hyphenate_character"] if hyphenated(textbox) else ""
        broken = self.broken.pop(id(stream), None)
        if broken is not None and broken[0] == element:
            _, before, start = broken
            rest, space, after = text.partition(" ")
            if not space and hyphen:  # the word goes on past this line too
                self._break(stream, element, before, start + rest[:-len(hyphen)])
                properties["ActualText"] = pydyf.String(" ")
                return
            before["ActualText"] = pydyf.String(start + rest)
            text, unread = (space + after) or " ", True  # PDFium ignores an empty one
        if hyphen:
            self._break(stream, element, properties, text[:-len(hyphen)])
        elif unread:
            properties["ActualText"] = pydyf.String(text)

    def _break(self, stream, element, properties: pydyf.Dictionary, start: str) -> None:
        """A word broken at the box's end: a soft hyphen until its rest is drawn."""
        self.broken[id(stream)] = (element, properties, start)
        properties["ActualText"] = pydyf.String(start.rstrip(SOFT_HYPHEN) + SOFT_HYPHEN)


@contextmanager
def _marked(original, layer: TextLayer, stream, box, tag):
    """WeasyPrint's marked content, remembering a text box's property list (pydyf writes it
    out only with the page, so /ActualText can be added once the box is drawn)."""
    start = len(stream.stream)
    with original(stream, box, tag):
        properties = [item for item in stream.stream[start:] if isinstance(item, pydyf.Dictionary)]
        if isinstance(box, boxes.TextBox) and properties:
            layer.spans[id(box)] = properties[0]
        yield


def _draw_first_line(original, layer: TextLayer, stream, textbox, *args):
    """WeasyPrint's drawing of a text box, then its ActualText if it needs one."""
    emojis = original(stream, textbox, *args)
    layer.drawn(textbox, stream)
    return emojis


def _recorded(original, languages):
    """WeasyPrint's structure tree builder, recording each element's box language."""
    def build(box, parent, *args):
        for element in original(box, parent, *args):
            languages.setdefault(id(element), (element, box.style["lang"]))
            yield element
    return build


def _add_tags(original, languages, pdf, document, *args):
    """WeasyPrint's structure tree, then /Lang where an element's language is not inherited."""
    original(pdf, document, *args)
    root_lang = pdf.catalog["Lang"].string if "Lang" in pdf.catalog else None
    inherited: dict[int, str | None] = {}

    def language(element) -> str | None:
        """The language an element speaks in the structure tree: its own or its parent's."""
        key = id(element)
        if key not in inherited:
            own = languages.get(key, (None, None))[1]
            parent = pdf.objects[int(element["P"].split()[0])]
            inherited[key] = own or (language(parent) if parent.get("Type") == "/StructElem"
                                     else root_lang)
        return inherited[key]

    for element, lang in list(languages.values()):
        parent = pdf.objects[int(element["P"].split()[0])]
        above = language(parent) if parent.get("Type") == "/StructElem" else root_lang
        if lang and lang != above:
            element["Lang"] = pydyf.String(lang)


@contextmanager
def patched() -> Iterator[None]:
    """ActualText and /Lang in the PDFs written inside (one document at a time)."""
    languages: dict[int, tuple[Any, str | None]] = {}
    layer = TextLayer()
    saved = (stream_module.Stream.marked, draw_text_module.draw_first_line,
             tags_module._build_box_tree, weasyprint_pdf.add_tags)
    marked, draw_first_line, build_box_tree, add_tags = saved
    stream_module.Stream.marked = lambda self, box, tag: _marked(marked, layer, self, box, tag)
    draw_text_module.draw_first_line = lambda stream, textbox, *args: _draw_first_line(
        draw_first_line, layer, stream, textbox, *args)
    tags_module._build_box_tree = _recorded(build_box_tree, languages)
    weasyprint_pdf.add_tags = (
        lambda pdf, document, *args: _add_tags(add_tags, languages, pdf, document, *args))
    try:
        yield
    finally:
        (stream_module.Stream.marked, draw_text_module.draw_first_line,
         tags_module._build_box_tree, weasyprint_pdf.add_tags) = saved
