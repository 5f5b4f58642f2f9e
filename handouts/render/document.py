"""One document to make: which handout, in which catalog, on which paper, for whom."""

from __future__ import annotations

from dataclasses import dataclass

from ..catalogs import LocaleCatalog
from ..contact import Contact
from ..content import Handout, Paper


@dataclass(frozen=True, eq=False)
class Document:
    """Everything a PDF depends on besides the templates and the machine (fonts, libraries)."""
    handout: Handout
    catalog: LocaleCatalog
    paper: Paper
    contact: Contact
    print_shop: bool = False
