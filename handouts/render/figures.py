"""Figures' bounding boxes in page space, fixed in the PDF WeasyPrint is about to write.

WeasyPrint 70 gives each Figure structure element a Layout BBox in CSS pixels measured down
from the page's top-left corner, while a BBox is in PDF points measured up from the
bottom-left (ISO 32000-1, 14.8.5.4.3): a reader that zooms to a figure or reflows the page
looked in the wrong place, often off the page. This runs as WeasyPrint's `finisher`, on the
pydyf objects before they are serialised, so nothing is parsed or written twice.
"""

from __future__ import annotations

import pydyf

from .layout import PX_TO_PT


def page_bbox(css_box, page_height_px: float) -> pydyf.Array:
    """A box (x0, y0, x1, y1) in CSS px from the page's top-left corner, in PDF points from
    its bottom-left corner (the TrimBox's origin, which is where WeasyPrint puts it)."""
    x0, y0, x1, y1 = (float(value) for value in css_box)
    return pydyf.Array([round(x0 * PX_TO_PT, 3), round((page_height_px - y1) * PX_TO_PT, 3),
                        round(x1 * PX_TO_PT, 3), round((page_height_px - y0) * PX_TO_PT, 3)])


def place_figure_boxes(document, pdf: pydyf.PDF) -> None:
    """Rewrite every Figure's BBox in points (a WeasyPrint finisher: document, pdf)."""
    heights = dict(zip(pdf.page_references, (page.height for page in document.pages),
                       strict=True))
    for element in pdf.objects:
        if not isinstance(element, pydyf.Dictionary) or element.get("S") != "/Figure":
            continue
        attributes = element.get("A")
        height = heights.get(element.get("Pg"))
        if isinstance(attributes, dict) and "BBox" in attributes and height is not None:
            attributes["BBox"] = page_bbox(attributes["BBox"], height)
