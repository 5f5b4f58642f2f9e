"""Templates + a catalog -> HTML, through Jinja's i18n extension with autoescape.

The context holds trusted facts (content.py), formatted for the catalog's locale; translations
arrive through the Translator, which escapes them and marks English fallbacks. Design rules
(tall-script leading, scripts without italics, bleed) live in the stylesheets, keyed on the
classes the base template sets; only values from trusted tables are generated here.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from .. import content, fonts
from ..catalogs import SOURCE_LOCALE, LocaleCatalog, Translator, source_catalog
from ..catalogs.locales import TALL_SCRIPTS
from . import imposition, qr
from .document import Document


def environment(templates_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    return env


class HtmlRenderer:
    """One Jinja environment for the templates folder; no state kept between documents."""

    def __init__(self, templates_dir: Path):
        self.templates_dir = templates_dir
        self.env = environment(templates_dir)

    def html(self, document: Document, *, scale: int = 0, translator: Translator | None = None,
             extra: dict | None = None) -> str:
        translator = translator or document.catalog.translator()
        context = self.context(document, document.catalog, translator, scale=scale)
        if document.handout.parts:
            context["parts"] = self.parts(document, translator, scale=scale)
        context.update(extra or {})
        self.env.install_gettext_callables(  # type: ignore[attr-defined]  # from jinja2.ext.i18n
            translator.gettext, translator.ngettext, newstyle=True)
        return self.env.get_template(document.handout.template).render(context)

    def parts(self, document: Document, translator: Translator, *,
              scale: int) -> dict[str, dict[str, Markup]]:
        """The blocks of handout.parts rendered in the locale ("own") and in English ("en").

        Jinja's i18n callables are installed per render, so each language renders on its own;
        the layout places the blocks, each inside an element carrying its lang and dir. Blocks
        see `part` ("own" or "en"): the English copy's title is a heading a level lower.
        """
        catalog = document.catalog
        english = source_catalog() if catalog.locale.code != SOURCE_LOCALE else catalog
        languages = {"own": (catalog, translator),
                     "en": (english, translator if english is catalog else english.translator())}
        template = self.env.get_template(document.handout.parts)
        rendered = {}
        for key, (part_catalog, part_translator) in languages.items():
            # Installed first: a new context copies the environment's globals.
            self.env.install_gettext_callables(  # type: ignore[attr-defined]
                part_translator.gettext, part_translator.ngettext, newstyle=True)
            context = template.new_context({**self.context(document, part_catalog,
                                                           part_translator, scale=scale),
                                             "part": key})
            rendered[key] = {name: Markup("".join(block(context)))
                             for name, block in template.blocks.items()}
        return rendered

    @staticmethod
    def context(document: Document, catalog: LocaleCatalog, translator: Translator, *,
                scale: int = 0) -> dict:
        """What a template may use: trusted facts, formatted for the catalog's locale."""
        locale, handout, paper = catalog.locale, document.handout, document.paper
        date, number = locale.format_date, locale.format_number
        status = catalog.status
        return {
            "handout": handout, "paper": paper, "locale": locale, "contact": document.contact,
            "scale": scale, "print_shop": document.print_shop,
            "document_title": translator.plain(handout.title),
            "document_description": translator.plain(content.DESCRIPTION_MSGID),
            "page_css": page_css(locale, paper, document.print_shop, handout),
            "qr": qr.for_contact(document.contact),
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
            # Between two messages set in one paragraph (" ", or "" after Chinese 。).
            "sentence_joiner": locale.sentence_joiner,
            "status": {
                "show_notice": locale.code != "en",
                "reviewed": status.reviewed,
                "reviewer": status.reviewed_by,
                "reviewed_date": status.reviewed_on,
            },
        }


def page_css(locale, paper: content.Paper, print_shop: bool,
             handout: content.Handout | None = None) -> Markup:
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
        # The sheet reaches past the bleed into a slug for the marks (drawn in registration
        # colour: tick marks by the templates, crop marks by handouts/render/printshop.py).
        rules.append(f"@page {{ bleed: {imposition.slug_pt(paper.bleed_pt):.3f}pt; }} "
                     f"html {{ --bleed: {paper.bleed_pt:.3f}pt; }}")
    return Markup("\n".join(rules))

