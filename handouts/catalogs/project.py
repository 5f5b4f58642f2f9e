"""The project's own header values, from pyproject.toml: Project-Id-Version, Report-Msgid-Bugs-To.

In a checkout, pyproject.toml beside the package is read (an editable install's metadata keeps
the version it was installed with); an installed package reads its metadata, which pip wrote
from the same file.
"""

from __future__ import annotations

import functools
import tomllib
from importlib.metadata import PackageNotFoundError, metadata
from pathlib import Path

PROJECT = "287g-handouts"
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
#: `[project.urls]` key whose value is where to report a problem in the English text.
ISSUES_KEY = "Issues"
#: Where Report-Msgid-Bugs-To points while pyproject.toml names no issue tracker: the section
#: of TRANSLATING.md that says how to report a problem (it ships with every checkout), as a
#: link relative to the project folder.
DOCUMENTED_PLACE = "TRANSLATING.md#reporting-a-problem"
#: Values tools write as placeholders, never a real place.
PLACEHOLDERS = ("EMAIL@ADDRESS", "VERSION", "PACKAGE")


@functools.cache
def _pyproject() -> dict:
    try:
        data = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    project = data.get("project") or {}
    return project if project.get("name") == PROJECT else {}


def version() -> str:
    """The project's version: pyproject.toml's in a checkout, else the installed package's."""
    if found := _pyproject().get("version"):
        return str(found)
    try:
        return metadata(PROJECT)["Version"]
    except PackageNotFoundError:
        return "0.0.0"


def project_id_version() -> str:
    """The Project-Id-Version header every catalog and the template carry."""
    return f"{PROJECT} {version()}"


def bugs_address() -> str:
    """The Report-Msgid-Bugs-To header: pyproject.toml's issue tracker, else the documented
    place in TRANSLATING.md."""
    project = _pyproject()
    urls = project.get("urls") or {}
    if not project:
        try:
            urls = dict(u.split(", ", 1) for u in metadata(PROJECT).get_all("Project-URL") or [])
        except PackageNotFoundError:
            urls = {}
    return str(urls.get(ISSUES_KEY) or DOCUMENTED_PLACE)


def is_placeholder(value: str) -> bool:
    return not value.strip() or any(p in value for p in PLACEHOLDERS) \
        or "example." in value.lower()
