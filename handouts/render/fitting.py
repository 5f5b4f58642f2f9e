"""Which type scales the fit loop lays out: a prediction first, a proof only where it is in doubt.

The answer is always the largest type scale whose layout fits (each scale is smaller in every
dimension than the one before, so fitting is monotone). What changes is how few layouts prove
it. The loop needs the layout at the chosen scale (to write it) and the knowledge that the next
larger scale does not fit. That knowledge comes from a layout, or, for flowing documents (no
fixed-size boxes), from how full the chosen layout is: its content needs `fill` of the page
budget, and the next larger type needs at least `fill` x MIN_GROWTH more, so above
`NO_ROOM_ABOVE` the larger scale cannot fit and is not laid out.

Where to look first comes from the text itself: the advance width of its words in its fonts
(Pango, without breaking lines, a few milliseconds) gives the fill at the largest scale
(Demand), and the median growth between scales the fill at each. That is only a guess, so it
moves cost, never the answer.

The constants were measured on the shipped flyers (every locale, letter and A4, every scale:
bench/README.md): MIN_GROWTH is the smallest fill ratio seen between neighbouring scales, less
a safety margin; GROWTH the median, used only to guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import unescape

from weasyprint.formatting_structure import boxes
from weasyprint.text.ffi import ffi, gobject, pango

from .layout import FIT_CLASS, _classes

#: Fill at scale s-1 over fill at scale s, for s = 1..4: the smallest seen on the shipped
#: flyers (1.056, 1.047, 1.099, 1.066) less 0.01, and the median (guesses only).
MIN_GROWTH = (1.046, 1.037, 1.089, 1.056)
GROWTH = (1.079, 1.076, 1.123, 1.093)
#: The flyer's fill at the largest scale against its text's width (TextWidth), the least-squares
#: line through the shipped locales (within 6 %, 2.4 % typical); other papers use Letter's.
DEMAND = {"letter": (0.421, 4.40e-4), "a4": (0.383, 4.34e-4)}
#: Scripts whose leading the page CSS raises (catalogs TALL_SCRIPTS) need more height
#: per unit of width, in this proportion.
TALL_LEADING = 1.55 / 1.3
_BLOCK_TAGS = re.compile(r"</?(?:p|li|dt|dd|h[1-6]|div|section|header|footer|td|br)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")
_INVISIBLE = re.compile(r"<(style|script|title|head)\b.*?</\1>", re.S)


_FIXED_BOX = re.compile(r'class="[^"]*\b' + FIT_CLASS + r'\b')


def has_fixed_boxes(html: str) -> bool:
    """Whether the HTML has fixed-size boxes (cards, panels): their overflow adds no pages,
    so neither the text's width nor the fill predicts anything there."""
    return bool(_FIXED_BOX.search(html))


def no_room_above(scale_index: int) -> float:
    """The fill at this scale above which the next larger scale cannot fit."""
    return 1 / MIN_GROWTH[scale_index - 1]


def fill(pages, budget: int) -> float | None:
    """How much of the page budget the content takes (1.0: exactly full; 1.3: 30 % more than
    fits), measured to the lowest content on the last page; None for documents with
    fixed-size boxes, whose overflow does not add pages (their fill says nothing)."""
    last = getattr(pages[-1], "_page_box", None) if pages else None
    if last is None:
        return None
    bottom = None
    for box in _content(last):
        if FIT_CLASS in _classes(box):
            return None
        if getattr(box, "height", None) is not None and hasattr(box, "border_box_y"):
            end = box.border_box_y() + box.border_height()
            bottom = end if bottom is None else max(bottom, end)
    if bottom is None:
        return None
    used = (bottom - last.content_box_y()) / last.height
    return (len(pages) - 1 + used) / budget


def _content(page_box):
    """Every box below the root and body (whose heights hold collapsed end margins that the
    page end cuts), margin boxes left out."""
    stack = [child for child in page_box.children if not isinstance(child, boxes.MarginBox)]
    while stack:
        box = stack.pop()
        children = list(getattr(box, "children", ()) or ())
        if getattr(box, "element_tag", "") not in ("html", "body"):
            yield box
        stack.extend(children)


def text_blocks(html: str) -> list[str]:
    """The visible text of the HTML body, one string per block."""
    body = _INVISIBLE.sub("", html[html.find("<body"):])
    text = _TAG.sub("", _BLOCK_TAGS.sub("\n", body))
    return [" ".join(unescape(block).split()) for block in text.split("\n") if block.strip()]


@dataclass(frozen=True)
class Demand:
    """The fill at the largest scale guessed from the text's width: a fixed part (headings'
    spacing, borders, the contact box) plus a part per unit of width, for one paper. Fixed,
    not learned from earlier documents, so a document's layouts do not depend on which
    process built what before it (serial and parallel builds record the same)."""
    fixed: float
    per_width: float

    def fill_at_top(self, width: float) -> float:
        return self.fixed + self.per_width * width


class TextWidth:
    """The advance width of text in a font stack, shaped by Pango on one line (no breaking):
    the same fonts and shaping WeasyPrint lays out with, at a fraction of the cost."""

    def __init__(self, font_map):
        self._context = ffi.gc(pango.pango_font_map_create_context(font_map),
                               gobject.g_object_unref)
        self._extents = ffi.new("PangoRectangle *"), ffi.new("PangoRectangle *")

    def of(self, blocks: list[str], families: str) -> float:
        """The summed width of the blocks, in em of the font (font size 1)."""
        description = ffi.gc(pango.pango_font_description_new(),
                             pango.pango_font_description_free)
        pango.pango_font_description_set_family(description, families.encode())
        pango.pango_font_description_set_absolute_size(description, 10 * 1024)  # 10 px
        total = 0
        for block in blocks:
            layout = ffi.gc(pango.pango_layout_new(self._context), gobject.g_object_unref)
            pango.pango_layout_set_font_description(layout, description)
            text = block.encode()
            pango.pango_layout_set_text(layout, text, len(text))
            line, number = pango.pango_layout_get_line_readonly(layout, 0), 0
            while line != ffi.NULL:
                pango.pango_layout_line_get_extents(line, *self._extents)
                total += self._extents[1].width
                number += 1
                line = pango.pango_layout_get_line_readonly(layout, number)
        return total / 1024 / 10


def predicted_fills(fill_at: dict[int, float], width: float | None, demand: Demand,
                    scales: Sequence[int]) -> list[float | None]:
    """The fill guessed for each scale: from the nearest layout measured, else from the text
    width; None where neither is known."""
    def growth(a: int, b: int) -> float:  # fill at b over fill at a
        product = 1.0
        for s in range(min(a, b) + 1, max(a, b) + 1):
            product *= GROWTH[s - 1]
        return 1 / product if b > a else product

    guesses: list[float | None] = []
    for index in range(len(scales)):
        if fill_at:
            nearest = min(fill_at, key=lambda i: (abs(i - index), i))
            guesses.append(fill_at[nearest] * growth(nearest, index))
        elif width is not None:
            guesses.append(demand.fill_at_top(width) * growth(0, index))
        else:
            guesses.append(None)
    return guesses


def next_to_lay_out(scales: Sequence[int], fits: dict[int, bool], fill_at: dict[int, float],
                    guesses: list[float | None], start: int) -> int | None:
    """The index of the scale to lay out next, or None when the answer is proven: the
    smallest index laid out that fits, with the one before it laid out and not fitting or
    too full for it to fit (fill_at holds the measured fill of layouts that fit)."""
    too_big = [i for i, ok in fits.items() if not ok]
    too_big += [i - 1 for i, ok in fits.items()
                if ok and i > 0 and fill_at.get(i, 0.0) > no_room_above(i)]
    low = max(too_big, default=-1)            # this index and all before it do not fit
    fitting = [i for i, ok in fits.items() if ok]
    high = min(fitting) if fitting else len(scales)   # this index fits (or none known)
    if high == low + 1 or low == len(scales) - 1:
        return None
    candidates = range(low + 1, high)
    if all(guesses[i] is None for i in candidates):   # the plain walk, one scale at a time
        if not fits:
            return min(max(start, 0), len(scales) - 1)
        return high - 1 if fitting else low + 1
    return next((i for i in candidates if (guess := guesses[i]) is not None and guess < 1),
                candidates[-1])


def search(scales: Sequence[int], lay_out: Callable[[int], tuple[bool, float | None, bool]],
           width: float | None, demand: Demand, start: int) -> tuple[int | None, list[int]]:
    """Lay out scales until the largest that fits is proven: (its index or None, the indexes
    laid out in order). lay_out(index) -> (fits, fill or None, hopeless)."""
    fits: dict[int, bool] = {}
    fill_at: dict[int, float] = {}
    order: list[int] = []
    while True:
        guesses = predicted_fills(fill_at, width, demand, scales)
        index = next_to_lay_out(scales, fits, fill_at, guesses, start)
        if index is None:
            break
        ok, measured, hopeless = lay_out(index)
        order.append(index)
        fits[index] = ok
        if measured is not None:
            fill_at[index] = measured
        if hopeless and not any(fits.values()):
            return None, order
    return min((i for i, ok in fits.items() if ok), default=None), order
