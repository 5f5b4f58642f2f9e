"""Shared fixtures: a real build into a temporary folder, made once per test session."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts import catalogs, cli
from handouts.sources import shipped

PROJECT = Path(__file__).resolve().parent.parent
#: The shipped folders every stage now takes explicitly (handouts.paths is gone).
LOCALES = shipped("locales")
TEMPLATES = shipped("templates")
CORE_LOCALES = ["en", "es", "ar", "zh_Hans"]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """dist/ for the issue-2 locales, built through the command line."""
    out = tmp_path_factory.mktemp("dist")
    status = cli.main(["--locale", ",".join(CORE_LOCALES), "--handout", "287g-basics",
                       "--out", str(out)])
    return out, status


def read_pdf(path: Path) -> PdfReader:
    return PdfReader(io.BytesIO(path.read_bytes()))


def page_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in read_pdf(path).pages)


@pytest.fixture(scope="session")
def translations():
    """locale -> {msgid: msgstr} from the shipped catalogs."""
    result = {}
    for code in CORE_LOCALES[1:]:
        catalog = catalogs.load(code, LOCALES).catalog
        result[code] = {m.id: m.string for m in catalog if m.id and isinstance(m.id, str)}
    return result
