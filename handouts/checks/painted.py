"""What a page paints, and where: a small reader of PDF content streams for the print checks.

Each painting operator becomes a Painted item with its bounding box in default user space
(PDF points, y up) and whether it was drawn in registration colour (DeviceCMYK 1 1 1 1, what
print-shop marks use). Paths are bounded by their points (control points included, so curves
are bounded generously); text by its origin; images by their unit square; form XObjects are
read with their own resources. Shadings (`sh`) paint the clip and are not bounded here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_FILLS = {"f", "F", "f*", "B", "B*", "b", "b*"}
_STROKES = {"S", "s", "B", "B*", "b", "b*"}
_TEXT_SHOWS = {"Tj", "TJ", "'", '"'}


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF's row-vector convention: [x y 1] m n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


@dataclass(frozen=True)
class Painted:
    """One painting operator's mark on the page."""
    x0: float
    y0: float
    x1: float
    y1: float
    kind: str           # "stroke", "fill", "text", "image"
    registration: bool  # drawn with all four process inks at 100%
    order: int          # painting order on the page

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def overlaps(self, other: "Painted", tolerance: float = 0.01) -> bool:
        return (self.x0 < other.x1 - tolerance and other.x0 < self.x1 - tolerance
                and self.y0 < other.y1 - tolerance and other.y0 < self.y1 - tolerance)


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    fill: tuple = ("/DeviceGray", (0.0,))
    stroke: tuple = ("/DeviceGray", (0.0,))
    line_width: float = 1.0


@dataclass
class PageInk:
    """Everything a page paints, in order, and which device colour spaces it sets."""
    items: list[Painted] = field(default_factory=list)
    #: Resource dictionaries whose content uses DeviceRGB (bare, not through DefaultRGB).
    rgb_without_default: int = 0


def _registration(colour: tuple) -> bool:
    space, values = colour
    return space == "/DeviceCMYK" and len(values) == 4 and all(
        abs(v - 1) < 1e-6 for v in values)


def _numbers(operands) -> list[float]:
    return [float(v) for v in operands if isinstance(v, (int, float)) or hasattr(v, "as_tuple")]


class _Reader:
    def __init__(self) -> None:
        self.ink = PageInk()

    def page(self, page: pikepdf.Page) -> PageInk:
        self._read(pikepdf.parse_content_stream(page), page.obj.get("/Resources"), IDENTITY)
        return self.ink

    def _emit(self, points: list[tuple[float, float]], kind: str, colour: tuple,
              pad: float = 0.0) -> None:
        if not points:
            return
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        self.ink.items.append(Painted(min(xs) - pad, min(ys) - pad, max(xs) + pad,
                                      max(ys) + pad, kind, _registration(colour),
                                      len(self.ink.items)))

    def _read(self, operations: Any, resources: Any, ctm: Matrix) -> None:
        state, stack = _State(ctm=ctm), []
        path: list[tuple[float, float]] = []
        text_matrix = line_matrix = IDENTITY
        has_default_rgb = resources is not None and "/DefaultRGB" in (
            resources.get("/ColorSpace") or {})
        used_rgb = False
        for operands, operator in operations:
            op = str(operator)
            if op == "q":
                stack.append(_State(state.ctm, state.fill, state.stroke, state.line_width))
            elif op == "Q" and stack:
                state = stack.pop()
            elif op == "cm":
                state.ctm = multiply(tuple(_numbers(operands)), state.ctm)  # type: ignore[arg-type]
            elif op == "w":
                state.line_width = float(operands[0])
            elif op in ("rg", "RG", "k", "K", "g", "G"):
                space = {"r": "/DeviceRGB", "k": "/DeviceCMYK", "g": "/DeviceGray"}[op.lower()[0]]
                used_rgb |= space == "/DeviceRGB"
                colour = (space, tuple(_numbers(operands)))
                if op.islower():
                    state.fill = colour
                else:
                    state.stroke = colour
            elif op in ("cs", "CS"):
                space = str(operands[0])
                used_rgb |= space == "/DeviceRGB"
                if op == "cs":
                    state.fill = (space, ())
                else:
                    state.stroke = (space, ())
            elif op in ("sc", "scn"):
                state.fill = (state.fill[0], tuple(_numbers(operands)))
            elif op in ("SC", "SCN"):
                state.stroke = (state.stroke[0], tuple(_numbers(operands)))
            elif op == "re":
                x, y, w, h = _numbers(operands)
                path += [apply(state.ctm, px, py) for px, py in
                         ((x, y), (x + w, y), (x, y + h), (x + w, y + h))]
            elif op in ("m", "l", "c", "v", "y"):
                values = _numbers(operands)
                path += [apply(state.ctm, values[i], values[i + 1])
                         for i in range(0, len(values) - 1, 2)]
            elif op in _FILLS or op in _STROKES or op == "n":
                if op in _FILLS:
                    self._emit(path, "fill", state.fill)
                if op in _STROKES:
                    scale = (abs(state.ctm[0]) + abs(state.ctm[3])) / 2 or 1.0
                    self._emit(path, "stroke", state.stroke, state.line_width * scale / 2)
                path = []
            elif op == "BT":
                text_matrix = line_matrix = IDENTITY
            elif op == "Tm":
                text_matrix = line_matrix = tuple(_numbers(operands))  # type: ignore[assignment]
            elif op in ("Td", "TD"):
                tx, ty = _numbers(operands)
                text_matrix = line_matrix = multiply((1, 0, 0, 1, tx, ty), line_matrix)
            elif op in _TEXT_SHOWS:
                self._emit([apply(multiply(text_matrix, state.ctm), 0, 0)], "text", state.fill)
            elif op == "Do" and resources is not None:
                self._x_object(resources, operands[0], state)
        if used_rgb and not has_default_rgb:
            self.ink.rgb_without_default += 1

    def _x_object(self, resources: Any, name: Any, state: _State) -> None:
        x_object = (resources.get("/XObject") or {}).get(name)
        if x_object is None:
            return
        if x_object.get("/Subtype") == "/Image":
            self._emit([apply(state.ctm, x, y) for x in (0, 1) for y in (0, 1)], "image",
                       state.fill)
            return
        matrix = tuple(_numbers(x_object.get("/Matrix", [1, 0, 0, 1, 0, 0])))
        self._read(pikepdf.parse_content_stream(x_object),
                   x_object.get("/Resources", resources),
                   multiply(matrix, state.ctm))  # type: ignore[arg-type]


def page_ink(page: pikepdf.Page) -> PageInk:
    """What one page paints, in painting order."""
    return _Reader().page(page)


def pages_ink(pdf: pikepdf.Pdf) -> Iterator[PageInk]:
    for page in pdf.pages:
        yield page_ink(page)
