"""Checks every PDF must pass before the build writes it: these run inside the build.

Each returns human-readable problems; an empty list means the PDF is good.
"""

from __future__ import annotations

import io
import re
import unicodedata

from pypdf import PdfReader

from . import fonts

_SPACE_RE = re.compile(r"[\s\u00ad\u2010\u200b-\u200f\u2066-\u2069-]+")


def _squash(text: str) -> str:
    """Compare text without spaces, soft hyphens, bidi marks or hyphenation breaks."""
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def pdf_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


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


def check_pdf(data: bytes, *, pages: int, lang: str, title: str, font_families: list[str],
              missing_glyphs: list[str] = ()) -> list[str]:
    problems = []
    reader = PdfReader(io.BytesIO(data))
    if len(reader.pages) != pages:
        problems.append(f"has {len(reader.pages)} pages; its budget is {pages}")
    if missing_glyphs:
        problems.append("missing glyphs (tofu) for " + ", ".join(missing_glyphs))
    root = reader.trailer["/Root"]
    if str(root.get("/Lang", "")) != lang:
        problems.append(f"/Lang is {str(root.get('/Lang', ''))!r}, expected {lang!r}")
    info_title = str((reader.metadata or {}).get("/Title", ""))
    if info_title != title:
        problems.append(f"/Title is {info_title!r}, expected {title!r}")
    if "/StructTreeRoot" not in root or not (root.get("/MarkInfo") or {}).get("/Marked"):
        problems.append("is not tagged for screen readers (no structure tree)")
    if not title_in_text(title, pdf_text(reader)):
        problems.append(f"translated title {title!r} not found in the page text")
    stray = sorted(f for f in embedded_fonts(reader)
                   if not fonts.pdf_font_name_allowed(f, font_families))
    if stray:
        problems.append(f"embeds font(s) outside {font_families}: {', '.join(stray)} "
                        "(a fallback font was used)")
    return problems
