"""What a machine lays out with: the parts of the cache key that belong to the machine.

A document built on a queue worker must be the bytes the requester would have built. The cache
key (cache.py) already names everything that can change them; the parts that live on the
machine, not in the request, are this package's source, the templates, the locale's catalog,
the versions of the Python libraries, the system libraries and the font files of the locale's
script. The requester sends its fingerprint with each document; a worker whose own differs
refuses, naming what differs, instead of making other bytes.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

from ..catalogs import SOURCE_LOCALE, locale_info
from ..catalogs.definitions import DEFINITION_FILE
from ..sources import catalog_path
from . import cache


def _templates_digest(templates: Path) -> str:
    """The templates and assets, hashed again only when a file under them changes."""
    stamps = []
    for path in sorted(templates.rglob("*")):
        try:
            stat = path.stat()
        except OSError:
            continue
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return _hashed_templates(templates, tuple(stamps))


@functools.lru_cache(maxsize=4)
def _hashed_templates(templates: Path, stamps) -> str:
    return cache.tree_digest(templates, skip_dirs=cache.NOT_PDF_INPUTS)


def _catalog_digest(code: str, locales: Path) -> str:
    if code == SOURCE_LOCALE:
        return "source"
    return (cache._file_digest(catalog_path(locales, code))
            + cache._file_digest(locales / code / DEFINITION_FILE))


def environment(templates: Path, locales: Path, code: str) -> dict:
    """This machine's fingerprint for laying out one locale's documents (JSON values)."""
    try:
        fonts = cache.font_fingerprint(locale_info(code, locales).script)
    except ValueError as exc:  # an unknown locale: the document reports it
        fonts = f"error: {exc}"
    return {"source": cache.source_digest(), "templates": _templates_digest(templates),
            "catalog": _catalog_digest(code, locales), "packages": cache.package_versions(),
            "system_libraries": cache.system_libraries(), "fonts": fonts}


#: What each part is called when it differs.
PARTS = {"source": "the handouts package's source (a different version or an edited checkout)",
         "templates": "the templates and their assets",
         "catalog": "the locale's catalog (messages.po or locale.toml)",
         "fonts": "the font files of the locale's script (installed fonts differ)"}


def differences(wanted: dict, here: dict) -> list[str]:
    """What differs between the requester's fingerprint and this machine's, in words."""
    found = []
    for part, words in PARTS.items():
        if wanted.get(part) != here.get(part):
            found.append(words)
    for part, kind in (("packages", "Python package"), ("system_libraries", "system library")):
        theirs, ours = wanted.get(part) or {}, here.get(part) or {}
        for name in sorted(set(theirs) | set(ours)):
            if theirs.get(name) != ours.get(name):
                found.append(f"{kind} {name}: {_short(ours.get(name))} here, "
                             f"{_short(theirs.get(name))} on the requester")
    return found


def _short(value: str | None) -> str:
    """A version, or the file a system library resolves to (its size and date dropped)."""
    if value is None:
        return "absent"
    return os.path.basename(value.split(" ", 1)[0]) if "/" in value else value


def digest(fingerprint: dict) -> str:
    """One line for logs and the docs' what-to-watch: equal digest, equal environment."""
    return cache._sha(json.dumps(fingerprint, sort_keys=True).encode())[:16]
