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
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint import LOGGER as WEASYPRINT_LOGGER
from weasyprint.text.fonts import FontConfiguration

from . import content, fonts
from .catalogs import LocaleCatalog, Translator
from .contact import Contact
from .content import Handout, Paper
from .fetcher import AssetFetcher
from .locales import TALL_SCRIPTS
from .paths import TEMPLATES_DIR

#: Root font sizes tried in order until a handout fits its page budget; the last is the
#: readable minimum (flyer body text never goes below 10 pt).
TYPE_SCALES = (0, 1, 2, 3, 4)
PDF_VARIANT = "pdf/ua-1"


class FitError(RuntimeError):
    """A handout that does not fit its page budget even at the smallest type scale."""


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
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(filename=str(templates_dir / "handouts.css"),
                              font_config=self.font_config, url_fetcher=self.fetcher)

    # -- HTML ---------------------------------------------------------------------------

    def html(self, handout: Handout, catalog: LocaleCatalog, paper: Paper, contact: Contact,
             *, scale: int = 0, print_shop: bool = False, translator: Translator | None = None,
             extra: dict | None = None) -> str:
        translator = translator or catalog.translator()
        locale = catalog.locale
        self.env.install_gettext_callables(translator.gettext, translator.ngettext,
                                           newstyle=True)
        def date(value):
            return locale.localize_digits(format_date(value, format="long", locale=locale.code))

        def number(value):
            return locale.localize_digits(format_decimal(value, locale=locale.code,
                                                         numbering_system="default"))

        status = catalog.status
        context = {
            "handout": handout, "paper": paper, "locale": locale, "contact": contact,
            "scale": scale, "print_shop": print_shop,
            "document_title": translator.plain(content.TITLE_MSGID),
            "document_description": translator.plain(content.DESCRIPTION_MSGID),
            "page_css": self.page_css(locale, paper, print_shop),
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
            **(extra or {}),
        }
        return self.env.get_template(handout.template).render(context)

    @staticmethod
    def page_css(locale, paper: Paper, print_shop: bool) -> Markup:
        """Per-document CSS generated from trusted tables (never from catalogs or contacts)."""
        families = ", ".join(f'"{f}"' for f in fonts.require_fonts(locale.script))
        rules = [f"@page {{ size: {paper.css_size}; }}",
                 f"html {{ font-family: {families}; }}"]
        if locale.script in fonts.NO_ITALIC:
            rules.append("em, i, cite { font-style: normal; font-weight: 700; }")
        if locale.script in TALL_SCRIPTS:
            rules.append("html { --leading: 1.55; }")
        if print_shop:
            rules.append("@page { bleed: 0.125in; marks: crop; }")
        return Markup("\n".join(rules))

    # -- PDF ----------------------------------------------------------------------------

    def pdf(self, html: str, *, budget: int | None = None) -> tuple[bytes | None, int, list[str]]:
        """Lay out and, when it fits the budget, write a PDF/UA-1 document.

        Returns (pdf or None when over budget, page count, missing glyph descriptions).
        """
        self.fetcher.refused.clear()
        document = HTML(string=html, base_url=str(self.templates_dir) + "/",
                        url_fetcher=self.fetcher).render(
            font_config=self.font_config, stylesheets=[self.stylesheet],
            pdf_variant=PDF_VARIANT)
        pages = len(document.pages)
        if budget is not None and pages != budget:
            return None, pages, []
        identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
        with _capture_missing_glyphs() as missing:
            data = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=identifier,
                                      pdf_tags=True, custom_metadata=False)
        return data, pages, list(dict.fromkeys(missing))

    def render(self, handout: Handout, catalog: LocaleCatalog, paper: Paper, contact: Contact,
               *, print_shop: bool = False) -> Rendered:
        """The fit loop: the largest type scale whose layout fits the page budget."""
        translator = catalog.translator()
        tried = []
        for scale in TYPE_SCALES:
            html = self.html(handout, catalog, paper, contact, scale=scale,
                             print_shop=print_shop, translator=translator)
            data, pages, missing = self.pdf(html, budget=handout.pages)
            tried.append(pages)
            if data is not None:
                return Rendered(pdf=data, pages=pages, scale=scale, html=html,
                                missing_glyphs=missing, fallbacks=translator.fallbacks,
                                refused_urls=list(self.fetcher.refused),
                                title=translator.plain(content.TITLE_MSGID),
                                fonts=catalog.locale.font_families)
        raise FitError(
            f"{handout.name} in {catalog.locale.code} on {paper.name} needs "
            f"{max(tried)} pages at the smallest type scale; its budget is {handout.pages}")
