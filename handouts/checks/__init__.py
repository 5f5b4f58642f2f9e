"""Stage 3, checks: what every PDF must pass before the build writes it.

Each check returns human-readable problems; an empty list means the PDF is good. Imports the
render and catalogs stages and the shared modules, never build, site or cli.
"""

from .lang import check_lang
from .palette import check_templates
from .pdf import check_pdf, pdf_text, pdfium_text, title_in_text
from .pdfua import pdfua_problems
from .spacing import stray_cjk_spaces
from .text import check_text

__all__ = ["check_lang", "check_pdf", "check_templates", "check_text", "pdf_text", "pdfium_text",
           "pdfua_problems", "stray_cjk_spaces", "title_in_text"]
