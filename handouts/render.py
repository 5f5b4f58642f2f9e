"""Templates + a catalog -> HTML -> laid-out PDF, with the fit loop and glyph capture.

One Renderer per process holds the Jinja environment, WeasyPrint's FontConfiguration and the
parsed stylesheet, so documents after the first cost only their own layout.
"""

from __future__ import annotations

import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field

import jinja2
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint import LOGGER as WEASYPRINT_LOGGER
from weasyprint.text.fonts import FontConfiguration

from . import content, fonts, imposition, layout, qr
from .catalogs import LocaleCatalog, Translator, shown_path
from .catalogs import load as load_catalog
from .contact import Contact
from .content import Handout, Paper
from .fetcher import AssetFetcher
from .locales import TALL_SCRIPTS
from .paths import TEMPLATES_DIR

#: Root font sizes tried in order until a handout fits its page budget; the last is the
#: readable minimum (flyer body text never goes below 10 pt).
TYPE_SCALES = (0, 1, 2, 3, 4)
#: A layout this many times its page budget cannot fit at any smaller scale (the smallest type
#: is about 0.8x the largest, so it holds about 1.5x the text): stop laying out (bounded work).
HOPELESS_PAGES = 3
PDF_VARIANT = "pdf/ua-1"


class FitError(RuntimeError):
    """A handout that does not fit its page budget even at the smallest type scale.

    `grown` names the translations that grew most relative to English (catalogs.Growth),
    so the message says where to shorten.
    """

    def __init__(self, message: str, grown: list | None = None):
        super().__init__(message)
        self.grown = grown or []


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    scale: int
    html: str
    missing_glyphs: list[str] = field(default_factory=list)
    fallbacks: set[str] = field(default_factory=set)
    refused_urls: list[str] = field(default_factory=list)
    title: str = ""
    fonts: list[str] = field(default_factory=list)
    #: msgids this document printed (translated or not): what a preview must watch.
    messages: set[str] = field(default_factory=set)


class _GlyphWarnings(logging.Handler):
    """Turns WeasyPrint's '.notdef glyph rendered' warnings into data."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.characters: list[str] = []

    def emit(self, record):
        if ".notdef glyph" in record.msg and len(record.args) >= 2:
            self.characters.append(f"{record.args[0]} (U+{record.args[1]:04X})")


@contextmanager
def _capture_missing_glyphs():
    handler = _GlyphWarnings()
    WEASYPRINT_LOGGER.addHandler(handler)
    try:
        yield handler.characters
    finally:
        WEASYPRINT_LOGGER.removeHandler(handler)


class Renderer:
    def __init__(self, templates_dir=TEMPLATES_DIR):
        self.templates_dir = templates_dir
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates_dir),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
        )
        self.env.policies["ext.i18n.trimmed"] = True
        self.fetcher = AssetFetcher(templates_dir)
        self.overflow: list[str] = []
        self.document = None
        self.font_config = FontConfiguration()
        #: handouts.css, then formats.css (card, tri-fold, half-page, bilingual layouts).
        self.stylesheets = [
            CSS(filename=str(path), font_config=self.font_config, url_fetcher=self.fetcher)
            for path in (templates_dir / "handouts.css", templates_dir / "formats.css")
            if path.exists()]

    # -- HTML ---------------------------------------------------------------------------

    def html(self, handout: Handout, catalog: LocaleCatalog, paper: Paper, contact: Contact,
             *, scale: int = 0, print_shop: bool = False, translator: Translator | None = None,
             extra: dict | None = None) -> str:
        translator = translator or catalog.translator()
        context = self.context(handout, catalog, paper, contact, translator, scale=scale,
                               print_shop=print_shop)
        if handout.parts:
            context["parts"] = self.parts(handout, catalog, paper, contact, translator,
                                          scale=scale, print_shop=print_shop)
        context.update(extra or {})
        self.env.install_gettext_callables(translator.gettext, translator.ngettext,
                                           newstyle=True)
        return self.env.get_template(handout.template).render(context)

    def parts(self, handout: Handout, catalog: LocaleCatalog, paper: Paper, contact: Contact,
              translator: Translator, **options) -> dict[str, dict[str, Markup]]:
        """The blocks of handout.parts rendered in the locale ("own") and in English ("en").

        Jinja's i18n callables are installed per render, so each language renders on its own;
        the layout places the blocks, each inside an element carrying its lang and dir.
        """
        english = load_catalog("en") if catalog.locale.code != "en" else catalog
        languages = {"own": (catalog, translator),
                     "en": (english, translator if english is catalog else english.translator())}
        template = self.env.get_template(handout.parts)
        rendered = {}
        for key, (part_catalog, part_translator) in languages.items():
            # Installed first: a new context copies the environment's globals.
            self.env.install_gettext_callables(part_translator.gettext,
                                               part_translator.ngettext, newstyle=True)
            context = template.new_context(self.context(handout, part_catalog, paper, contact,
                                                        part_translator, **options))
            rendered[key] = {name: Markup("".join(block(context)))
                             for name, block in template.blocks.items()}
        return rendered

    def context(self, handout: Handout, catalog: LocaleCatalog, paper: Paper, contact: Contact,
                translator: Translator, *, scale: int = 0, print_shop: bool = False) -> dict:
        """What a template may use: trusted facts, formatted for the catalog's locale."""
        locale = catalog.locale

        date, number = locale.format_date, locale.format_number
        status = catalog.status
        context = {
            "handout": handout, "paper": paper, "locale": locale, "contact": contact,
            "scale": scale, "print_shop": print_shop,
            "document_title": translator.plain(handout.title),
            "document_description": translator.plain(content.DESCRIPTION_MSGID),
            "page_css": self.page_css(locale, paper, print_shop, handout),
            "qr": qr.for_contact(contact),
            "sheet": imposition.for_paper(paper),
            "reviewed_date": date(content.CONTENT_REVIEWED),
            "reviewed_iso": content.CONTENT_REVIEWED.isoformat(),
            "main_source": content.MAIN_SOURCE,
            "sources": content.SOURCES,
            "reimbursement_date": date(content.REIMBURSEMENT_FROM),
            "scale_facts": {
                "as_of": date(content.SCALE_AS_OF),
                "agreements": number(content.SCALE_AGREEMENTS),
                "states": number(content.SCALE_STATES),
                "previous": number(content.SCALE_PREVIOUS),
            },
            "number": number,
            "status": {
                "show_notice": locale.code != "en",
                "reviewed": status.reviewed,
                "reviewer": status.reviewed_by,
                "reviewed_date": status.reviewed_on,
            },
        }
        return context

    @staticmethod
    def page_css(locale, paper: Paper, print_shop: bool, handout: Handout | None = None) -> Markup:
        """Per-document CSS generated from trusted tables (never from catalogs or contacts)."""
        families = ", ".join(f'"{f}"' for f in fonts.require_fonts(locale.script))
        landscape = bool(handout and handout.landscape)
        rules = [f"@page {{ size: {paper.page_size(landscape)}; }}",
                 f"html {{ font-family: {families}; }}",
                 # English parts of two-language handouts are set in the Latin face.
                 f'.part[lang="en"] {{ font-family: "{fonts.LATIN}"; }}']
        if locale.script in fonts.NO_ITALIC:
            rules.append("em, i, cite { font-style: normal; font-weight: 700; }")
        if locale.script in TALL_SCRIPTS:
            # Stacked marks and tall clusters need room; tighter steps keep it proportionate.
            rules.append("html { --leading: 1.55; } html.scale-3 { --leading: 1.45; } "
                         "html.scale-4 { --leading: 1.38; }")
        if print_shop:
            rules.append(f"@page {{ bleed: {paper.bleed}; marks: crop; }}")
        return Markup("\n".join(rules))

    # -- PDF ----------------------------------------------------------------------------

    def pdf(self, html: str, *, budget: int | None = None) -> tuple[bytes | None, int, list[str]]:
        """Lay out and, when it fits the budget, write a PDF/UA-1 document.

        Returns (pdf or None when over budget, page count, missing glyph descriptions).
        """
        self.fetcher.refused.clear()
        document = HTML(string=html, base_url=str(self.templates_dir) + "/",
                        url_fetcher=self.fetcher).render(
            font_config=self.font_config, stylesheets=self.stylesheets,
            pdf_variant=PDF_VARIANT)
        pages = len(document.pages)
        self.document = document  # the last layout, for geometry tests (handouts/layout.py)
        #: Fixed-size boxes (cards, panels, half pages) that overflow do not add pages.
        self.overflow = layout.overflowing(document) if budget is not None else []
        if budget is not None and (pages != budget or self.overflow):
            return None, pages, []
        identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
        with _capture_missing_glyphs() as missing:
            data = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=identifier,
                                      pdf_tags=True, custom_metadata=False)
        return data, pages, list(dict.fromkeys(missing))

    def render(self, handout: Handout, catalog: LocaleCatalog, paper: Paper, contact: Contact,
               *, print_shop: bool = False, first_scale: int = TYPE_SCALES[0]) -> Rendered:
        """The fit loop: the largest type scale whose layout fits the page budget.

        Each scale is smaller in every dimension than the one before, so if a scale fits, every
        later one does too. The search may therefore start anywhere (first_scale: the scale
        this document had last time, from the build cache) and walk towards larger type while
        it fits, or towards smaller type until it fits: the same answer as starting at the
        largest, in two layouts instead of up to len(TYPE_SCALES) when the guess is right.
        """
        translator = catalog.translator()
        tried = []
        fitted: dict[int, Rendered] = {}

        def fits(scale: int) -> bool:
            html = self.html(handout, catalog, paper, contact, scale=scale,
                             print_shop=print_shop, translator=translator)
            data, pages, missing = self.pdf(html, budget=handout.pages)
            tried.append(pages)
            if data is not None:
                fitted[scale] = Rendered(pdf=data, pages=pages, scale=scale, html=html,
                                         missing_glyphs=missing, fallbacks=translator.fallbacks,
                                         refused_urls=list(self.fetcher.refused),
                                         title=translator.plain(handout.title),
                                         fonts=catalog.locale.font_families,
                                         messages=set(translator.served))
            return data is not None

        index = TYPE_SCALES.index(min(max(first_scale, TYPE_SCALES[0]), TYPE_SCALES[-1]))
        if fits(TYPE_SCALES[index]):
            while index > 0 and fits(TYPE_SCALES[index - 1]):
                index -= 1
            return fitted[TYPE_SCALES[index]]
        where = "at the smallest type scale"
        for scale in TYPE_SCALES[index + 1:]:
            if tried[-1] >= HOPELESS_PAGES * handout.pages:
                where = (f"at type scale {TYPE_SCALES[TYPE_SCALES.index(scale) - 1]}, "
                         f"{HOPELESS_PAGES}x or more its budget, "
                         "which no smaller type can fit")
                break
            if fits(scale):
                return fitted[scale]
        grown = translator.grew_most()
        blame = (f"; grew most relative to English ({shown_path(catalog.path)}): "
                 + "; ".join(map(str, grown)) if grown else
                 "; no translated sentence is longer than its English, so the layout itself "
                 "needs the room" if catalog.path else "")
        need = (f"{max(tried)} pages" if max(tried) != handout.pages else
                f"more room ({'; '.join(self.overflow)})")
        raise FitError(
            f"{handout.name} in {catalog.locale.code} on {paper.name} needs "
            f"{need} {where}; its budget is {handout.pages}"
            + blame, grown)
