"""HTML -> laid-out pages -> PDF/UA-1 bytes, and the fit loop that picks the type scale.

One Renderer per process holds WeasyPrint's FontConfiguration and the parsed stylesheets, so
documents after the first cost only their own layout. It keeps nothing about a document: each
layout gets its own URL fetcher, and every result carries its own layout, overflow and the
scales tried.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint import LOGGER as WEASYPRINT_LOGGER
from weasyprint.document import Document as LaidOut
from weasyprint.text.fonts import FontConfiguration

from .. import fonts
from ..catalogs import Growth, Translator, shown_path
from ..catalogs.locales import TALL_SCRIPTS
from . import fitting
from .document import Document
from .fetcher import AssetFetcher
from .figures import place_figure_boxes
from .html import HtmlRenderer
from .layout import overflowing
from .printshop import write_options as print_shop_options
from .subset import compact_fonts
from .textlayer import patched as text_layer_patched

#: Root font sizes tried in order until a handout fits its page budget; the last is the
#: readable minimum (flyer body text never goes below 10 pt).
TYPE_SCALES = (0, 1, 2, 3, 4)
#: A layout this many times its page budget cannot fit at any smaller scale (the smallest type
#: is about 0.8x the largest, so it holds about 1.5x the text): stop laying out (bounded work).
HOPELESS_PAGES = 3
PDF_VARIANT = "pdf/ua-1"
STYLESHEETS = ("handouts.css", "formats.css")
#: Changes to WeasyPrint's PDF objects before they are written, in order (finisher(document,
#: pdf) each): figures' BBox in page points.
FINISHERS = (place_figure_boxes,)


@dataclass(frozen=True)
class Layout:
    """One document laid out at one type scale."""
    scale: int
    html: str
    pages: LaidOut
    #: Fixed-size boxes (cards, panels, half pages) whose content spills: they add no pages.
    overflow: tuple[str, ...]
    #: The layout's own fetcher's record of refusals, kept live: attachments and SVG images
    #: are fetched while write() draws the pages, after layout. Read it as refused_urls.
    refused: list[str] = field(default_factory=list, compare=False)
    #: The paper's bleed when made for a print shop (written as PDF/X-4); None at home.
    print_bleed: float | None = None

    @property
    def refused_urls(self) -> tuple[str, ...]:
        """Every URL this document asked for and was refused, at layout and at write()."""
        return tuple(self.refused)

    @property
    def page_count(self) -> int:
        return len(self.pages.pages)

    def fits(self, budget: int) -> bool:
        return self.page_count == budget and not self.overflow


@dataclass(frozen=True)
class Attempt:
    scale: int
    pages: int
    overflow: int


class FitError(RuntimeError):
    """A handout that does not fit its page budget even at the smallest type scale.

    `grown` names the translations that grew most relative to English, so the message says
    where to shorten; `last` is the last layout tried (the smallest type), to show the overflow.
    """

    def __init__(self, message: str, grown: list[Growth] | None = None,
                 tried: list[Attempt] | None = None, last: Layout | None = None):
        super().__init__(message)
        self.grown = grown or []
        self.tried = tried or []
        self.last = last


@dataclass
class Fitted:
    """The largest type scale that fits, written: what the checks look at."""
    layout: Layout
    pdf: bytes
    tried: list[Attempt]
    missing_glyphs: list[str] = field(default_factory=list)
    fallbacks: set[str] = field(default_factory=set)
    title: str = ""
    #: msgids this document printed (translated or not): what a preview must watch.
    messages: set[str] = field(default_factory=set)

    @property
    def scale(self) -> int:
        return self.layout.scale

    @property
    def pages(self) -> int:
        return self.layout.page_count


class _GlyphWarnings(logging.Handler):
    """Turns WeasyPrint's '.notdef glyph rendered' warnings into data."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.characters: list[str] = []

    def emit(self, record):
        if ".notdef glyph" in record.msg and len(record.args) >= 2:
            self.characters.append(f"{record.args[0]} (U+{record.args[1]:04X})")


@contextmanager
def _capture_missing_glyphs() -> Iterator[list[str]]:
    handler = _GlyphWarnings()
    WEASYPRINT_LOGGER.addHandler(handler)
    try:
        yield handler.characters
    finally:
        WEASYPRINT_LOGGER.removeHandler(handler)


class Renderer:
    """Fonts, stylesheets and templates of one templates folder, shared by every document."""

    def __init__(self, templates_dir: Path):
        self.templates_dir = Path(templates_dir)
        self.markup = HtmlRenderer(self.templates_dir)
        self.font_config = FontConfiguration()
        stylesheet_fetcher = AssetFetcher(self.templates_dir)
        self.stylesheets = [
            CSS(filename=str(path), font_config=self.font_config, url_fetcher=stylesheet_fetcher)
            for path in (self.templates_dir / name for name in STYLESHEETS) if path.exists()]
        self.text_width = fitting.TextWidth(self.font_config.font_map)

    def html(self, document: Document, **options) -> str:
        return self.markup.html(document, **options)

    def layout_html(self, html: str, scale: int = 0, print_bleed: float | None = None) -> Layout:
        """Lay out HTML with the project's stylesheets and a fetcher of its own."""
        fetcher = AssetFetcher(self.templates_dir)
        pages = HTML(string=html, base_url=str(self.templates_dir) + "/",
                     url_fetcher=fetcher).render(
            font_config=self.font_config, stylesheets=self.stylesheets,
            pdf_variant=PDF_VARIANT)
        return Layout(scale, html, pages, tuple(overflowing(pages)), fetcher.refused,
                      print_bleed)

    def layout(self, document: Document, scale: int = 0,
               translator: Translator | None = None) -> Layout:
        return self.layout_html(self.html(document, scale=scale, translator=translator), scale,
                                document.paper.bleed_pt if document.print_shop else None)

    @staticmethod
    def write(laid_out: Layout) -> tuple[bytes, list[str]]:
        """The PDF/UA-1 bytes (reproducible: the identifier is the HTML's digest), their large
        CJK fonts without empty glyph slots (render/subset.py), and the characters drawn with
        no glyph; for a print shop also PDF/X-4 (render/printshop.py)."""
        identifier = hashlib.sha256(laid_out.html.encode()).hexdigest()[:32].encode()
        options: dict = {"pdf_variant": PDF_VARIANT}
        finishers = list(FINISHERS)
        if laid_out.print_bleed is not None:
            options = print_shop_options(laid_out.pages, laid_out.print_bleed, identifier)
            finishers.append(options.pop("finisher"))

        def finish(document: LaidOut, pdf) -> None:
            for finisher in finishers:
                finisher(document, pdf)
        with _capture_missing_glyphs() as missing, text_layer_patched():
            data = laid_out.pages.write_pdf(pdf_identifier=identifier, pdf_tags=True,
                                            custom_metadata=False, finisher=finish, **options)
        return compact_fonts(data), list(dict.fromkeys(missing))

    def fit(self, document: Document, first_scale: int = TYPE_SCALES[0]) -> Fitted:
        """The fit loop: the largest type scale whose layout fits the page budget.

        Each scale is smaller in every dimension than the one before, so if a scale fits, every
        later one does too, and the search may look anywhere first (render/fitting.py): where
        the text's width predicts, else at first_scale (the scale this document had last time,
        from the build cache). It stops once the chosen scale is laid out and the next larger
        one is known not to fit, from its layout or from how full the chosen one is: the same
        answer as walking down from the largest type, in fewer layouts.
        """
        translator = document.catalog.translator()
        budget = document.handout.pages
        tried: list[Attempt] = []
        layouts: dict[int, Layout] = {}

        def lay_out(index: int) -> tuple[bool, float | None, bool]:
            laid_out = self.layout(document, TYPE_SCALES[index], translator)
            layouts[index] = laid_out
            tried.append(Attempt(laid_out.scale, laid_out.page_count, len(laid_out.overflow)))
            measured = None if laid_out.overflow else fitting.fill(laid_out.pages.pages, budget)
            return (laid_out.fits(budget), measured,
                    laid_out.page_count >= HOPELESS_PAGES * budget)

        demand = fitting.Demand(*fitting.DEMAND.get(document.paper.name, fitting.DEMAND["letter"]))
        start = TYPE_SCALES.index(min(max(first_scale, TYPE_SCALES[0]), TYPE_SCALES[-1]))
        chosen, _ = fitting.search(TYPE_SCALES, lay_out, self._text_width(document, translator),
                                   demand, start)
        if chosen is not None:
            return self._written(layouts[chosen], tried, translator, document)
        last = tried[-1]
        where = (f"at type scale {last.scale}, {HOPELESS_PAGES}x or more its budget, which no "
                 "smaller type can fit" if last.pages >= HOPELESS_PAGES * budget
                 else "at the smallest type scale")
        raise self._fit_error(document, translator, tried, layouts[TYPE_SCALES.index(last.scale)],
                              where)

    def _text_width(self, document: Document, translator: Translator) -> float | None:
        """The width of the document's text in its fonts (taller leading counted), for a
        flowing document; None for one with fixed-size boxes, whose fill is not measured."""
        html = self.html(document, scale=TYPE_SCALES[0], translator=translator)
        if fitting.has_fixed_boxes(html):
            return None
        families = ", ".join(fonts.require_fonts(document.catalog.locale.script))
        width = self.text_width.of(fitting.text_blocks(html), families)
        return width * (fitting.TALL_LEADING if document.catalog.locale.script in TALL_SCRIPTS
                        else 1)

    def _written(self, laid_out: Layout, tried: list[Attempt], translator: Translator,
                 document: Document) -> Fitted:
        pdf, missing = self.write(laid_out)
        return Fitted(laid_out, pdf, tried, missing_glyphs=missing,
                      fallbacks=translator.fallbacks,
                      title=translator.plain(document.handout.title),
                      messages=set(translator.served))

    @staticmethod
    def _fit_error(document: Document, translator: Translator, tried: list[Attempt],
                   last: Layout, where: str) -> FitError:
        catalog, handout = document.catalog, document.handout
        grown = translator.grew_most()
        blame = (f"; grew most relative to English ({shown_path(catalog.path)}): "
                 + "; ".join(map(str, grown)) if grown else
                 "; no translated sentence is longer than its English, so the layout itself "
                 "needs the room" if catalog.path else "")
        most = max(attempt.pages for attempt in tried)
        need = (f"{most} pages" if most != handout.pages else
                f"more room ({'; '.join(last.overflow)})")
        return FitError(f"{handout.name} in {catalog.locale.code} on {document.paper.name} needs "
                        f"{need} {where}; its budget is {handout.pages}" + blame,
                        grown, tried, last)
