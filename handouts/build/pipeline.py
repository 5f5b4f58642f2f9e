"""Make and check one document: the one pipeline the build, the preview and the benchmark call.

A Document goes in; a Checked result comes out, carrying its own layout, the scales tried and
every problem. Failures that follow from the inputs (a page budget overflow, a missing font, a
failed check) are problems, never exceptions; only bugs raise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..checks import (
    check_lang,
    check_pdf,
    check_templates,
    check_text,
    pdfua_problems,
    stray_cjk_spaces,
)
from ..checks.printing import check_print
from ..checks.text import printed_lines
from ..fonts import FontError
from ..render import TYPE_SCALES, Attempt, Document, FitError, Fitted, Renderer
from ..render.printshop import PrintShopError
from ..sources import Sources


@dataclass
class Checked:
    """One document, made and checked: publishable when it has no problems."""
    document: Document
    fitted: Fitted | None = None
    #: The catalog's own errors (its messages print in English): the same for every handout.
    catalog_problems: list[str] = field(default_factory=list)
    #: What the fit loop and the PDF checks found for this document.
    document_problems: list[str] = field(default_factory=list)
    fit_error: FitError | None = None

    @property
    def problems(self) -> list[str]:
        return self.catalog_problems + self.document_problems

    @property
    def ok(self) -> bool:
        return self.fitted is not None and not self.problems

    @property
    def tried(self) -> list[Attempt]:
        if self.fitted is not None:
            return self.fitted.tried
        return self.fit_error.tried if self.fit_error else []

    @property
    def scale(self) -> int:
        """The scale chosen; after a failed fit, the smallest (where the next try starts)."""
        return self.fitted.scale if self.fitted else TYPE_SCALES[-1]


def make(document: Document, renderer: Renderer, sources: Sources,
         first_scale: int = TYPE_SCALES[0]) -> Checked:
    """Fit, write and check one document (first_scale is a hint; the result does not depend
    on it)."""
    catalog = document.catalog
    result = Checked(document, catalog_problems=[f"catalog: {issue}" for issue in catalog.errors])
    try:
        fitted = renderer.fit(document, first_scale)
    except FitError as exc:
        result.fit_error = exc
        result.document_problems.append(str(exc))
        return result
    except (FontError, PrintShopError) as exc:
        result.document_problems.append(str(exc))
        return result
    result.fitted = fitted
    problems = result.document_problems
    problems += check_templates(sources.templates)
    problems += check_pdf(
        fitted.pdf, pages=document.handout.pages, lang=catalog.locale.tag, title=fitted.title,
        font_families=catalog.locale.font_families, missing_glyphs=fitted.missing_glyphs,
        bleed_pt=document.paper.bleed_pt if document.print_shop else 0.0)
    # From the printed lines, not the extracted text: an extractor joins separate boxes that
    # share a baseline (a list's last line and a QR caption) with a space nobody printed.
    printed = printed_lines(fitted.layout.pages.pages)   # walked once, for both checks
    problems += stray_cjk_spaces("\n".join(printed))
    problems += check_text(fitted.pdf, fitted.layout.pages.pages, printed)
    problems += check_lang(fitted.pdf, fitted.layout.pages.pages, catalog.locale.tag)
    problems += check_print(fitted.pdf, fitted.layout.pages, print_shop=document.print_shop)
    problems += pdfua_problems(fitted.pdf)
    if fitted.layout.refused_urls:
        problems.append("refused to load: " + ", ".join(fitted.layout.refused_urls))
    if sources.strict and fitted.fallbacks:
        problems.append(f"--strict: {len(fitted.fallbacks)} message(s) fell back to English, "
                        f"e.g. {sorted(fitted.fallbacks)[0][:60]!r}")
    return result
