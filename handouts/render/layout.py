"""Reading WeasyPrint's laid-out boxes: where an element landed, and whether its content fits.

Cards, half-page flyers and tri-fold panels are fixed-size boxes on a sheet: text that does not
fit there would overflow silently instead of adding a page, so the fit loop also asks
`overflowing`. Positions are in points from the page's top-left corner (the trim corner).
"""

from __future__ import annotations

from dataclasses import dataclass

from weasyprint.formatting_structure import boxes

from .imposition import Rect

#: CSS px (WeasyPrint's layout unit) to PDF points.
PX_TO_PT = 0.75
#: Class of elements whose content must stay inside their box (see formats.css).
FIT_CLASS = "fit-box"
#: Class of backgrounds meant to run past their box into the bleed: not an overflow.
BLEED_CLASS = "bleeds"
_TOLERANCE_PT = 0.5


@dataclass(frozen=True, kw_only=True)
class Placed(Rect):
    """An element's border box as laid out, in points from the page's top-left corner."""
    page: int          # 0-based
    classes: frozenset[str]
    lang: str


def _descendants(box, skip: str = ""):
    for child in getattr(box, "children", ()) or ():
        if skip and skip in _classes(child):
            continue
        yield child
        yield from _descendants(child, skip)


def _border_box(box) -> tuple[float, float, float, float]:
    x, y = box.border_box_x(), box.border_box_y()
    return x, y, x + box.border_width(), y + box.border_height()


def _classes(box) -> frozenset[str]:
    element = getattr(box, "element", None)
    return frozenset((element.get("class") or "").split()) if element is not None else frozenset()


def _walk(box, lang: str = ""):
    """(box, inherited lang) for every box below `box`, in tree order."""
    for child in getattr(box, "children", ()) or ():
        element = getattr(child, "element", None)
        child_lang = (element.get("lang") if element is not None else None) or lang
        yield child, child_lang
        yield from _walk(child, child_lang)


def placed(document, class_name: str) -> list[Placed]:
    """Every element with the class, once per page it appears on (its first box there)."""
    found = []
    for number, page in enumerate(document.pages):
        root = page._page_box
        seen = set()
        for box, lang in _walk(root, getattr(root, "element", None) is not None
                               and root.element.get("lang") or ""):
            element = getattr(box, "element", None)
            if element is None or id(element) in seen or class_name not in _classes(box):
                continue
            if not hasattr(box, "border_box_x"):
                continue
            seen.add(id(element))
            x0, y0, x1, y1 = _border_box(box)
            found.append(Placed(x0 * PX_TO_PT, y0 * PX_TO_PT, (x1 - x0) * PX_TO_PT,
                                (y1 - y0) * PX_TO_PT, page=number, classes=_classes(box),
                                lang=lang))
    return found


def _declared(box, name: str) -> float:
    value = box.style[name]
    return float(value.value) if getattr(value, "unit", None) == "px" else 0.0


def overflowing(document) -> list[str]:
    """Fixed-size boxes (class fit-box) whose content spills outside them.

    Measured against the box's declared height and padding (box-sizing: border-box), not its
    used ones: WeasyPrint slices a box that reaches the page end, dropping its bottom padding
    and carrying the rest elsewhere, so a fit-box met on two pages overflows too.
    """
    problems = []
    pages_of: dict[int, list[int]] = {}
    tolerance = _TOLERANCE_PT / PX_TO_PT
    for number, page in enumerate(document.pages, 1):
        for box in _descendants(page._page_box):
            if FIT_CLASS not in _classes(box) or not hasattr(box, "padding_box_x"):
                continue
            name = " ".join(sorted(_classes(box) - {FIT_CLASS})) or box.element_tag
            seen_on = pages_of.setdefault(id(box.element), [])
            if number not in seen_on:
                seen_on.append(number)
            if len(seen_on) > 1:
                problems.append(f"page {number}: .{name} continues from page {seen_on[0]}")
                continue
            left = box.border_box_x() + _declared(box, "border_left_width") + \
                _declared(box, "padding_left")
            top = box.border_box_y() + _declared(box, "border_top_width") + \
                _declared(box, "padding_top")
            right = box.border_box_x() + box.border_width() - \
                _declared(box, "border_right_width") - _declared(box, "padding_right")
            height = _declared(box, "height") or box.border_height()
            bottom = box.border_box_y() + height - _declared(box, "border_bottom_width") - \
                _declared(box, "padding_bottom")
            for inner in _descendants(box, skip=BLEED_CLASS):
                if not hasattr(inner, "border_box_x") or inner.width is None:
                    continue
                x0, y0, x1, y1 = _border_box(inner)
                if x1 - x0 <= 0 and y1 - y0 <= 0:
                    continue
                if (getattr(inner, "element_tag", "") or "").endswith("::marker"):
                    continue  # list bullets hang into the padding by design
                # Glyphs of tall scripts reach above and below their line; lines may not.
                inline = isinstance(inner, (boxes.TextBox, boxes.InlineBox))
                if (x1 > right + tolerance or x0 < left - tolerance or not inline
                        and (y1 > bottom + tolerance or y0 < top - tolerance)):
                    problems.append(f"page {number}: content overflows .{name}")
                    break
    return problems
