"""How far each translation is, counted in one place for `list`, `catalog stats` and the site.

Counts are of the template's messages (messages.pot), so a catalog that has not been updated
since the English grew is not reported as complete; "words left" counts the English words of
the messages that still print in English, which is what a translator plans by.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from .. import markup
from .catalog import LocaleCatalog, available_locales, load
from .locales import LocaleError, locale_info
from .po import (
    STATUS_REVIEWED,
    STATUS_UNREVIEWED,
    CatalogError,
    is_translated,
    msgid_of,
    read_catalog_file,
)

_REVISION_RE = re.compile(r'^"PO-Revision-Date:\s*(.*?)\\n"$', re.MULTILINE)
_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclass
class Stats:
    """One row of `catalog stats`; keys of its JSON are the field names."""
    locale: str
    native_name: str
    english_name: str
    direction: str
    translated: int
    fuzzy: int
    untranslated: int
    total: int
    percent: float
    #: English words of the messages not translated yet (fuzzy ones included).
    words_left: int = 0
    review_status: str = ""
    reviewed_by: str = ""
    reviewed_on: str = ""
    last_updated: str = ""
    #: Messages the error rules reject (they print in English).
    errors: int = 0
    #: Why the catalog could not be read at all ("" when it could).
    error: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def english_words(text: str) -> int:
    return len(_WORD_RE.findall(markup.TAG_RE.sub(" ", text)))


def count(loaded: LocaleCatalog, template: Catalog) -> Stats:
    """Translated, fuzzy and untranslated messages of the template, and the review status."""
    info, wanted = loaded.locale, [m for m in template if m.id]
    row = Stats(info.code, info.native_name, info.english_name, info.direction, 0, 0,
                len(wanted), len(wanted), 0.0)
    if loaded.path is None:  # the source text
        row.translated, row.untranslated, row.percent = len(wanted), 0, 100.0
        row.review_status = "source"
        if isinstance(template.creation_date, dt.datetime):
            row.last_updated = template.creation_date.isoformat(timespec="minutes")
        return row
    for message in wanted:
        mine = loaded.catalog.get(message.id)
        if mine is not None and mine.fuzzy:
            row.fuzzy += 1
        elif mine is not None and is_translated(mine):
            row.translated += 1
            continue
        row.words_left += english_words(msgid_of(message))
    row.untranslated = len(wanted) - row.translated - row.fuzzy
    row.percent = round(100 * row.translated / len(wanted), 1) if wanted else 100.0
    status = loaded.status
    row.review_status = (STATUS_REVIEWED if status.reviewed else STATUS_UNREVIEWED)
    if status.reviewed:
        row.reviewed_by, row.reviewed_on = status.reviewed_by, status.reviewed_on
    row.last_updated = _last_updated(loaded.path, loaded.catalog)
    row.errors = len({issue.msgid for issue in loaded.errors})
    return row


def catalog_stats(locales_dir: Path) -> list[Stats]:
    """Per locale with a catalog in locales_dir, the source first (raises CatalogError when
    messages.pot cannot be read: nothing can be counted without it)."""
    template = read_catalog_file(locales_dir / "messages.pot")
    total = sum(1 for m in template if m.id)
    rows = []
    for code in available_locales(locales_dir):
        try:
            rows.append(count(load(code, locales_dir), template))
        except (CatalogError, LocaleError) as exc:  # unreadable, or a folder named wrongly
            try:
                info = locale_info(code, locales_dir)
                names = (info.native_name, info.english_name, info.direction)
            except LocaleError:
                names = (code, code, "ltr")
            rows.append(Stats(code, *names, 0, 0, total, total, 0.0, error=str(exc)))
    return rows


def _last_updated(path: Path, catalog: Catalog) -> str:
    """PO-Revision-Date as ISO 8601, or "" while it is still the template's placeholder."""
    raw = _REVISION_RE.search(path.read_text(encoding="utf-8", errors="replace"))
    if not raw or "YEAR" in raw[1] or not isinstance(catalog.revision_date, dt.datetime):
        return ""
    return catalog.revision_date.isoformat(timespec="minutes")

