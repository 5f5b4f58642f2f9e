"""Every part in another language than the document's is tagged with it (/Lang), so a screen
reader speaks it with the right voice.

The HTML's languages come from the layout (each text box's `lang`, inherited from the lang
attributes: card backs, the bilingual English column, English fallbacks, source lists). The
PDF's come from its structure tree, read by PDFium: each marked-content sequence speaks the
/Lang of its nearest structure element that has one, else the document's. A word printed in a
language must extract from content tagged with that language. Numbers are left out (list
numbers are drawn untagged, and a number reads alike in every voice), and so are the halves of
a word broken by hyphenation (the text layer has it whole on the first line).
"""

from __future__ import annotations

import ctypes
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from weasyprint.formatting_structure import boxes

from .text import SHOWN, break_hyphen, words


def _is_spoken(word: str) -> bool:
    return not word.isdigit()


def printed_languages(pages: Iterable) -> dict[str, Counter]:
    """The words each language prints, from the layout's text boxes."""
    found: dict[str, Counter] = defaultdict(Counter)
    broken = False  # the last text box ended in a hyphenation break: its word goes on

    def walk(box) -> None:
        nonlocal broken
        for child in getattr(box, "children", None) or []:
            if isinstance(child, boxes.TextBox) and child.style["visibility"] == "visible":
                said = words(child.text)
                said = said[1:] if broken else said  # a broken word's halves are left out
                broken = bool(break_hyphen(child))
                said = said[:-1] if broken else said
                found[child.style["lang"] or ""].update(filter(_is_spoken, said))
            walk(child)

    for page in pages:
        walk(page._page_box)
    return found


def _utf16(read) -> str:
    """A PDFium string: ask for its length, then read it (UTF-16LE with a final NUL)."""
    size = read(None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    read(buffer, size)
    return buffer.raw[:size - 2].decode("utf-16-le")


def _tagged(raw, element, lang: str, found: dict[int, str]) -> None:
    """MCID -> language for one structure element and everything under it."""
    own = _utf16(lambda buf, size: raw.FPDF_StructElement_GetLang(element, buf, size))
    lang = own or lang
    for index in range(raw.FPDF_StructElement_GetMarkedContentIdCount(element)):
        mcid = raw.FPDF_StructElement_GetMarkedContentIdAtIndex(element, index)
        if mcid >= 0:
            found[mcid] = lang
    for index in range(raw.FPDF_StructElement_CountChildren(element)):
        child = raw.FPDF_StructElement_GetChildAtIndex(element, index)
        if child:
            _tagged(raw, child, lang, found)


def _marked_texts(raw, page, text_page) -> Iterator[tuple[int, str, bool]]:
    """(MCID, text, is ActualText) for every text object in marked content: its sequence's
    ActualText, else its glyphs' text."""
    for index in range(raw.FPDFPage_CountObjects(page)):
        item = raw.FPDFPage_GetObject(page, index)
        if raw.FPDFPageObj_GetType(item) != raw.FPDF_PAGEOBJ_TEXT:
            continue
        mcid, actual = -1, None
        for number in range(raw.FPDFPageObj_CountMarks(item)):
            mark = raw.FPDFPageObj_GetMark(item, number)
            value = ctypes.c_int()
            if raw.FPDFPageObjMark_GetParamIntValue(mark, b"MCID", ctypes.byref(value)):
                mcid = value.value
                actual = _actual_text(raw, mark)
        if mcid >= 0 and actual is not None:
            yield mcid, actual, True
        elif mcid >= 0:
            yield mcid, _utf16(lambda buf, size, item=item: raw.FPDFTextObj_GetText(
                item, text_page, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)), size)), False


def _actual_text(raw, mark) -> str | None:
    length = ctypes.c_ulong()
    if not raw.FPDFPageObjMark_GetParamStringValue(mark, b"ActualText", None, 0,
                                                   ctypes.byref(length)):
        return None
    buffer = ctypes.create_string_buffer(length.value)
    raw.FPDFPageObjMark_GetParamStringValue(
        mark, b"ActualText", ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)),
        length.value, ctypes.byref(length))
    return buffer.raw[:max(length.value - 2, 0)].decode("utf-16-le")


def tagged_languages(data: bytes, document_lang: str) -> dict[str, Counter]:
    """The words the PDF's marked content gives in each language (per its structure tree)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    found: dict[str, Counter] = defaultdict(Counter)
    pdf = pdfium.PdfDocument(data)
    try:
        for page in pdf:
            tree = raw.FPDF_StructTree_GetForPage(page.raw)
            languages: dict[int, str] = {}
            for index in range(raw.FPDF_StructTree_CountChildren(tree)):
                _tagged(raw, raw.FPDF_StructTree_GetChildAtIndex(tree, index), document_lang,
                        languages)
            raw.FPDF_StructTree_Close(tree)
            text_page = page.get_textpage()
            texts: dict[int, list[str]] = defaultdict(list)
            for mcid, text, actual in _marked_texts(raw, page.raw, text_page.raw):
                if not actual or not texts[mcid]:  # an ActualText covers the whole sequence
                    texts[mcid].append(text)
            for mcid, parts in texts.items():
                found[languages.get(mcid, document_lang)].update(
                    filter(_is_spoken, words("".join(parts))))
            text_page.close()
            page.close()
    finally:
        pdf.close()
    return found


def lang_problems(printed: dict[str, Counter], tagged: dict[str, Counter],
                  document_lang: str) -> list[str]:
    """Each language's printed words that its tagged content lacks (named, the first few)."""
    problems = []
    for lang, counter in sorted(printed.items()):
        if lang == document_lang:
            continue
        untagged = counter - tagged.get(lang, Counter())
        if untagged:
            named = ", ".join(repr(word) for word, _ in untagged.most_common(SHOWN))
            problems.append(f"{sum(untagged.values())} word(s) printed in {lang!r} are not "
                            f"tagged /Lang {lang} (a screen reader reads them as "
                            f"{document_lang!r}): {named}")
    return problems


def check_lang(data: bytes, pages: Iterable, document_lang: str) -> list[str]:
    """Whether every part in another language carries its /Lang in the structure tree."""
    return lang_problems(printed_languages(pages), tagged_languages(data, document_lang),
                         document_lang)
