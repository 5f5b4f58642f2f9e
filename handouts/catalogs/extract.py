"""Message extraction with Babel's own extractor and the project's babel.cfg mapping.

Produces the same POT as the documented command:
    pybabel extract -F babel.cfg -c Translators: -s --add-location=file --sort-output \
        --project=287g-handouts --version=VERSION --copyright-holder="287(g) handouts \
        contributors" --msgid-bugs-address=ADDRESS -o locales/messages.pot templates
with VERSION and ADDRESS from pyproject.toml (project.py).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from . import project
from .project import PROJECT

COPYRIGHT = "287(g) handouts contributors"
COMMENT_TAGS = ("Translators:",)


#: babel.cfg as data, so an installed package extracts without the checkout's file (a test
#: keeps the two equal).
METHOD_MAP = [("**.html", "jinja2")]
OPTIONS_MAP = {"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true",
                           "newstyle_gettext": "true", "silent": "false"}}
#: How locations are written in the POT: relative to the repository, as pybabel writes them.
LOCATION_PREFIX = "templates"


def extract_catalog(templates_dir: Path) -> Catalog:
    catalog = Catalog(project=PROJECT, version=project.version(), copyright_holder=COPYRIGHT,
                      msgid_bugs_address=project.bugs_address(), fuzzy=True)
    for filename, lineno, message, comments, context in extract_from_dir(
            templates_dir, METHOD_MAP, OPTIONS_MAP, comment_tags=COMMENT_TAGS,
            strip_comment_tags=True):
        path = os.path.normpath(os.path.join(LOCATION_PREFIX, filename))
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
