"""Stage 2, render: a Document (handout, catalog, paper, contact) -> HTML -> laid-out PDF.

Reads only the templates folder it is given, through a fetcher that loads nothing else.
Imports the catalogs stage and the shared modules, never checks, build, site or cli.
"""

from .document import Document
from .pdf import (
           HOPELESS_PAGES,
           TYPE_SCALES,
           Attempt,
           FitError,
           Fitted,
           Layout,
           Renderer,
)

__all__ = ["HOPELESS_PAGES", "TYPE_SCALES", "Attempt", "Document", "FitError", "Fitted",
           "Layout", "Renderer"]
