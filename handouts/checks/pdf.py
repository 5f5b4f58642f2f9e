"""Checks every PDF must pass before the build writes it: these run inside the build.

Each returns human-readable problems; an empty list means the PDF is good.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from pypdf import PdfReader

from .. import fonts
from ..render import imposition

_SPACE_RE = re.compile(r"[\s\u00ad\u2010\u200b-\u200f\u2066-\u2069-]+")


def _squash(text: str) -> str:
    """Compare text without spaces, soft hyphens, bidi marks or hyphenation breaks."""
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def pdf_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdfium_text(data: bytes) -> str:
    """The page text as PDFium extracts it, for the build's title check: the same words as
    pypdf's extraction, about 10x faster (pypdf's was the largest cost of the build after
    layout; see bench/README.md). Words are compared, so the order of bidi runs is moot."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_bounded() for page in document)
    finally:
        document.close()


def embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            names.add(str(font.get("/BaseFont", "")))
            for descendant in font.get("/DescendantFonts") or []:
                names.add(str(descendant.get_object().get("/BaseFont", "")))
    names.discard("")
    return {name.lstrip("/") for name in names}


def title_in_text(title: str, text: str) -> bool:
    """Whether every word of the title is in the page text.

    Word by word, because extractors order bidi runs differently (visual or logical) while
    keeping each word's letters in logical order; squashed, so CJK runs broken across lines
    still match.
    """
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", title))
    have = _squash(text)
    return bool(words) and all(word.casefold() in have for word in words)


def _edges(outer, inner) -> dict[str, float]:
    return {"left": float(inner.left - outer.left), "bottom": float(inner.bottom - outer.bottom),
            "right": float(outer.right - inner.right), "top": float(outer.top - inner.top)}


def print_box_problems(reader: PdfReader, bleed_pt: float = 0.0) -> list[str]:
    """Print software trims at the TrimBox: the BleedBox must be it plus the bleed on every side.

    Home-printer PDFs have no bleed (MediaBox = BleedBox = TrimBox). Print-shop PDFs have
    `bleed_pt` all round and a MediaBox reaching past the BleedBox by the marks' slug
    (imposition.slug_pt), so crop marks print outside the bleed: MediaBox > BleedBox > TrimBox.
    """
    problems = []
    media_edge = imposition.slug_pt(bleed_pt) if bleed_pt else 0.0
    for number, page in enumerate(reader.pages, 1):
        if "/TrimBox" not in page or "/BleedBox" not in page:
            problems.append(f"page {number}: no TrimBox/BleedBox for print software")
            continue
        for outer, inner, what, want in (
                (page.bleedbox, page.trimbox, "BleedBox is not the TrimBox plus", bleed_pt),
                (page.mediabox, page.trimbox, "MediaBox is not the TrimBox plus", media_edge)):
            off = {side: round(v, 2) for side, v in _edges(outer, inner).items()
                   if abs(v - want) > 0.05}
            if off:
                problems.append(f"page {number}: {what} {want:g} pt on every side "
                                f"(found {off})")
    return problems


def check_pdf(data: bytes, *, pages: int, lang: str, title: str, font_families: list[str],
              missing_glyphs: Sequence[str] = (), bleed_pt: float = 0.0) -> list[str]:
    problems = []
    reader = PdfReader(io.BytesIO(data))
    if len(reader.pages) != pages:
        problems.append(f"has {len(reader.pages)} pages; its budget is {pages}")
    if missing_glyphs:
        problems.append("missing glyphs (tofu) for " + ", ".join(missing_glyphs))
    root: Any = reader.trailer["/Root"]  # pypdf types dictionaries loosely
    if str(root.get("/Lang", "")) != lang:
        problems.append(f"/Lang is {str(root.get('/Lang', ''))!r}, expected {lang!r}")
    info_title = str(reader.metadata.get("/Title", "")) if reader.metadata else ""
    if info_title != title:
        problems.append(f"/Title is {info_title!r}, expected {title!r}")
    if "/StructTreeRoot" not in root or not (root.get("/MarkInfo") or {}).get("/Marked"):
        problems.append("is not tagged for screen readers (no structure tree)")
    stray = sorted(f for f in embedded_fonts(reader)
                   if not fonts.pdf_font_name_allowed(f, font_families))
    if stray:
        problems.append(f"embeds font(s) outside {font_families}: {', '.join(stray)} "
                        "(a fallback font was used)")
    problems += print_box_problems(reader, bleed_pt)
    return problems
