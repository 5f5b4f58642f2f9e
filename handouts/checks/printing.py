"""What a printer needs, checked from the layout: no ink near a home printer's paper edge, no
text too small to read, and (for a print shop) the PDF/X-4 preflight of checks/pdfx.py.

The layout is WeasyPrint's laid-out document (render.Layout.pages): every box that paints
(text, a background, a border, an image or SVG) is found with its border box and font size,
so a problem names what it is and where, before anything is rasterised.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from weasyprint.formatting_structure import boxes

from ..render import imposition
from ..render.layout import PX_TO_PT
from .pdfx import pdfx_problems

#: Nothing printed nearer a home printer's paper edge than this (0.25 in).
HOME_MARGIN_PT = imposition.HOME_MARGIN_PT
#: The smallest text anywhere on a handout, status lines and captions included.
MIN_TEXT_PT = 6.5
_TOLERANCE_PT = 0.05


@dataclass(frozen=True)
class Ink:
    """One painting box: its border box in points from the page's top-left corner."""
    page: int                # 1-based
    x0: float
    y0: float
    x1: float
    y1: float
    what: str                # "text 'Esta traducción…'", "border of div.card", ...
    font_pt: float | None    # text only


def _name(box: Any) -> str:
    element = getattr(box, "element", None)
    if element is None:
        return getattr(box, "element_tag", "") or type(box).__name__
    classes = ".".join((element.get("class") or "").split())
    return element.tag.rsplit("}", 1)[-1] + (f".{classes}" if classes else "")


def _paints(box: Any) -> str:
    """What a box paints itself (not its children): '' when nothing."""
    if isinstance(box, boxes.TextBox):
        return "text" if box.text.strip() else ""
    if isinstance(box, boxes.ReplacedBox):
        return "image"
    if isinstance(box, boxes.PageBox):
        return ""
    style = box.style
    background = getattr(box, "background", None)
    if background is not None and (background.color.alpha > 0 or any(
            layer.image is not None for layer in background.layers)):
        return "background"
    for side in ("top", "right", "bottom", "left"):
        if style[f"border_{side}_width"] > 0 and style[f"border_{side}_style"] not in (
                "none", "hidden"):
            return "border"
    return ""


def _descendants(box: Any, matrix: Any = None) -> Iterator[tuple[Any, Any]]:
    """(box, the CSS transform that places it or None) below `box`, in tree order."""
    for child in getattr(box, "children", ()) or ():
        own = getattr(child, "transformation_matrix", None)   # set by WeasyPrint's Page
        placed = (own @ matrix if matrix is not None else own) if own is not None else matrix
        yield child, placed
        yield from _descendants(child, placed)


def _corners(x0: float, y0: float, x1: float, y1: float, matrix: Any):
    if matrix is None:
        return x0, y0, x1, y1
    points = [matrix.transform_point(x, y) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def painted(document: Any) -> Iterator[Ink]:
    """Every painting box of a laid-out WeasyPrint document, page by page, where it lands
    (CSS transforms applied)."""
    for number, page in enumerate(document.pages, 1):
        for box, matrix in _descendants(page._page_box):
            kind = _paints(box)
            if not kind or not hasattr(box, "border_box_x"):
                continue
            x, y = box.border_box_x(), box.border_box_y()
            x0, y0, x1, y1 = _corners(x, y, x + box.border_width(), y + box.border_height(),
                                      matrix)
            if kind == "text":
                what, size = f"text {box.text.strip()[:40]!r} in {_name(box)}", box.style[
                    "font_size"] * PX_TO_PT
            else:
                what, size = f"{kind} of {_name(box)}", None
            yield Ink(number, x0 * PX_TO_PT, y0 * PX_TO_PT, x1 * PX_TO_PT, y1 * PX_TO_PT,
                      what, size)


def small_text_problems(document: Any, minimum: float = MIN_TEXT_PT) -> list[str]:
    """Text smaller than `minimum` pt, one line per size and element, smallest first."""
    found: dict[tuple[float, str], Ink] = {}
    for ink in painted(document):
        if ink.font_pt is not None and ink.font_pt < minimum - _TOLERANCE_PT:
            found.setdefault((round(ink.font_pt, 2), ink.what.rsplit(" in ", 1)[-1]), ink)
    return [f"page {ink.page}: {size:g} pt text, below the {minimum:g} pt minimum: {ink.what}"
            for (size, _), ink in sorted(found.items())]


def edge_problems(document: Any, margin: float = HOME_MARGIN_PT) -> list[str]:
    """Ink nearer than `margin` to the paper's edge (home printing: no bleed, page = paper)."""
    sizes = {number: (page.width * PX_TO_PT, page.height * PX_TO_PT)
             for number, page in enumerate(document.pages, 1)}
    near: dict[int, list[tuple[float, Ink]]] = {}
    for ink in painted(document):
        width, height = sizes[ink.page]
        gap = min(ink.x0, ink.y0, width - ink.x1, height - ink.y1)
        if gap < margin - _TOLERANCE_PT:
            near.setdefault(ink.page, []).append((gap, ink))
    problems = []
    for number, items in sorted(near.items()):
        for gap, ink in items[:3]:
            problems.append(f"page {number}: {ink.what} is {gap:.1f} pt from the paper's edge; "
                            f"home printers need {margin:g} pt")
        if len(items) > 3:
            problems.append(f"page {number}: and {len(items) - 3} more item(s) as near the edge")
    return problems


def check_print(pdf: bytes, document: Any, *, print_shop: bool) -> list[str]:
    """The print checks of one document: its PDF bytes and its WeasyPrint layout."""
    problems = small_text_problems(document)
    problems += pdfx_problems(pdf) if print_shop else edge_problems(document)
    return problems
