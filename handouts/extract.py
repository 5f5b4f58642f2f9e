"""Message extraction with Babel's own extractor and the project's babel.cfg mapping.

Produces the same POT as the documented command:
    pybabel extract -F babel.cfg -c Translators: -s --add-location=file --sort-output \
        --project=287g-handouts --copyright-holder="287(g) handouts contributors" \
        -o locales/messages.pot templates
"""

from __future__ import annotations

import io
import os

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import write_po

from .paths import BABEL_MAPPING, PROJECT_ROOT, TEMPLATES_DIR

PROJECT = "287g-handouts"
COPYRIGHT = "287(g) handouts contributors"
COMMENT_TAGS = ("Translators:",)


def extract_catalog() -> Catalog:
    with open(BABEL_MAPPING, encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(BABEL_MAPPING))
    catalog = Catalog(project=PROJECT, copyright_holder=COPYRIGHT, fuzzy=True)
    prefix = os.path.relpath(TEMPLATES_DIR, PROJECT_ROOT)
    for filename, lineno, message, comments, context in extract_from_dir(
            TEMPLATES_DIR, method_map, options_map, comment_tags=COMMENT_TAGS,
            strip_comment_tags=True):
        path = os.path.normpath(os.path.join(prefix, filename))
        catalog.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    return catalog


def pot_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, sort_output=True, include_lineno=False)
    return buffer.getvalue()


def without_header_dates(pot: bytes) -> bytes:
    """POT text minus the lines that change on every run (creation date, Babel version)."""
    return b"\n".join(line for line in pot.splitlines()
                      if not line.startswith((b'"POT-Creation-Date:', b'"Generated-By:')))
