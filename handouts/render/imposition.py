"""Where pieces sit on a printed sheet: pocket cards 10-up, half-page flyers 2-up, tri-fold panels.

Geometry is computed here, in points from the sheet's top-left corner, and written into the
templates as inline sizes, so the cut and fold guides, the cards and the tests all agree on one
set of numbers. Trusted numbers only: nothing here comes from a catalog or a contact file.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content import Paper

PT_PER_IN = 72.0
PT_PER_MM = 72.0 / 25.4

#: Home printers cannot print closer to the edge than this; nothing is placed nearer.
HOME_MARGIN_PT = 0.25 * PT_PER_IN

#: Print-shop marks (crop marks, cut and fold ticks) sit in the slug, outside the bleed: they
#: start this far beyond the bleed, are a usable length (0.25 in), and the sheet (MediaBox)
#: reaches this far past their ends, so MediaBox > BleedBox > TrimBox with room between.
MARK_GAP_PT = 3.0
MARK_LENGTH_PT = 0.25 * PT_PER_IN
SLUG_MARGIN_PT = 6.0
#: Stroke width of print-shop marks (0.25 pt is the usual hairline for crop marks).
MARK_WIDTH_PT = 0.25


def slug_pt(bleed: float) -> float:
    """How far the print-shop sheet reaches beyond the trim: the bleed, then the marks."""
    return bleed + MARK_GAP_PT + MARK_LENGTH_PT + SLUG_MARGIN_PT


def mark_span(bleed: float) -> tuple[float, float]:
    """Where a mark starts and ends, as distances outward from the trim edge."""
    start = bleed + MARK_GAP_PT
    return start, start + MARK_LENGTH_PT


def crop_marks(trim: "Rect", bleed: float) -> list[tuple[float, float, float, float]]:
    """Two marks per trim corner, each on the line of a trim edge, in the slug: (x0, y0, x1, y1).

    Works in either y direction: only the rectangle's smaller and larger edges are used.
    """
    start, end = mark_span(bleed)
    marks = []
    for x, out_x in ((trim.x, -1), (trim.right, 1)):
        for y, out_y in ((trim.y, -1), (trim.bottom, 1)):
            marks.append((x + out_x * start, y, x + out_x * end, y))      # along the y edge
            marks.append((x, y + out_y * start, x, y + out_y * end))      # along the x edge
    return marks


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def mirrored(self, sheet_width: float) -> "Rect":
        """The same rectangle seen from the back of a sheet turned over on its long edge."""
        return Rect(sheet_width - self.right, self.y, self.width, self.height)


@dataclass(frozen=True)
class Grid:
    """Identical pieces butted edge to edge and centred on the sheet: one cut between neighbours."""
    sheet_width: float
    sheet_height: float
    piece_width: float
    piece_height: float
    cols: int
    rows: int

    @property
    def left(self) -> float:
        return (self.sheet_width - self.cols * self.piece_width) / 2

    @property
    def top(self) -> float:
        return (self.sheet_height - self.rows * self.piece_height) / 2

    @property
    def width(self) -> float:
        return self.cols * self.piece_width

    @property
    def height(self) -> float:
        return self.rows * self.piece_height

    def pieces(self) -> list[Rect]:
        return [Rect(self.left + c * self.piece_width, self.top + r * self.piece_height,
                     self.piece_width, self.piece_height)
                for r in range(self.rows) for c in range(self.cols)]

    @property
    def cuts_x(self) -> list[float]:
        return [self.left + c * self.piece_width for c in range(self.cols + 1)]

    @property
    def cuts_y(self) -> list[float]:
        return [self.top + r * self.piece_height for r in range(self.rows + 1)]


def card_grid(paper: Paper) -> Grid:
    """Ten business cards: 3.5 x 2 in on Letter, the ISO 85 x 55 mm on A4; 2 across, 5 down."""
    if paper.name == "a4":
        width, height = 85 * PT_PER_MM, 55 * PT_PER_MM
    else:
        width, height = 3.5 * PT_PER_IN, 2 * PT_PER_IN
    return Grid(paper.width_pt, paper.height_pt, width, height, cols=2, rows=5)


def half_grid(paper: Paper) -> Grid:
    """Two half-page flyers, one above the other; the only cut is across the middle."""
    return Grid(paper.width_pt, paper.height_pt, paper.width_pt, paper.height_pt / 2,
                cols=1, rows=2)


@dataclass(frozen=True)
class TriFold:
    """A letter-fold (C-fold) brochure on a landscape sheet.

    The panel that folds in first is narrower, so it tucks in without buckling (the usual
    1/16 in on Letter, 3 mm on A4). Outside, left to right: that inside flap, the back panel,
    the cover; inside: three panels, the narrow one on the right, behind the flap. Right-to-left
    languages open the other way, so everything is mirrored.
    """
    sheet_width: float
    sheet_height: float
    panel: float      # the two full panels
    flap: float       # the narrow, fold-in panel

    def widths(self, side: str, rtl: bool = False) -> list[float]:
        """Panel widths, left to right on the page, for side 'outside' or 'inside'."""
        outside = [self.flap, self.panel, self.panel]
        widths = outside if side == "outside" else outside[::-1]
        return widths[::-1] if rtl else widths

    ROLES = {"outside": ("flap", "back", "cover"), "inside": ("inside-1", "inside-2", "inside-3")}

    def panels(self, side: str, rtl: bool = False) -> dict[str, Rect]:
        """Each panel's rectangle on the page, by role (flap, back, cover, inside-1, ...)."""
        roles = self.ROLES[side][::-1] if rtl else self.ROLES[side]
        rects, x = {}, 0.0
        for role, width in zip(roles, self.widths(side, rtl), strict=False):
            rects[role] = Rect(x, 0.0, width, self.sheet_height)
            x += width
        return rects

    def folds(self, side: str, rtl: bool = False) -> list[float]:
        """The two fold lines, as distances from the left edge of the page."""
        widths = self.widths(side, rtl)
        return [widths[0], widths[0] + widths[1]]


def trifold(paper: Paper) -> TriFold:
    width, height = paper.height_pt, paper.width_pt  # landscape
    if paper.name == "a4":
        flap = 97 * PT_PER_MM
    else:
        flap = 3.625 * PT_PER_IN
    return TriFold(width, height, panel=(width - flap) / 2, flap=flap)


@dataclass(frozen=True)
class SheetLayouts:
    """Every imposition for one paper, as templates use them: sheet.card, sheet.half, ..."""
    card: Grid
    half: Grid
    trifold: TriFold
    home_margin: float = HOME_MARGIN_PT
    #: Print shop: where cut and fold ticks start and end, outward from the trim edge.
    mark_start: float = 0.0
    mark_end: float = 0.0


def for_paper(paper: Paper) -> SheetLayouts:
    start, end = mark_span(paper.bleed_pt)
    return SheetLayouts(card_grid(paper), half_grid(paper), trifold(paper),
                        mark_start=start, mark_end=end)
