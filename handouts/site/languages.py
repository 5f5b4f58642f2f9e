"""What the download page says about each language: its status, title and search words.

Everything comes from the locales folder the build read (Sources.locales), counted by the
catalogs stage (catalogs.stats), so the page, `list` and `catalog stats` always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from markupsafe import escape

from .. import content, markup
from ..catalogs import (
    SOURCE_LOCALE,
    STATUS_UNREVIEWED,
    CatalogError,
    LocaleInfo,
    ReviewStatus,
    load,
)
from ..catalogs.stats import catalog_stats

#: Names people type that CLDR does not give as the English name (search aid only).
SEARCH_ALIASES = {
    "fa": "Farsi",
    "ht": "Creole Kreyol",
    "zh_Hans": "Mandarin",
    "zh_Hant": "Mandarin Cantonese",
    "my": "Myanmar",
    "bn": "Bengali",
    "fa_AF": "Farsi",
}


@dataclass(frozen=True)
class TranslationStatus:
    """What the page says about a translation, honestly: reviewed only when a human signed it."""
    label: str
    percent: float
    reviewed: bool
    source: bool = False
    problem: str = ""

    @property
    def summary(self) -> str:
        if self.source:
            return "Original English text"
        if self.problem:  # the details (file:line) are for the build log, not the public page
            return "Translation status unknown: its catalog could not be read"
        if self.percent >= 100:
            coverage = "Fully translated."
        elif self.percent <= 0:
            coverage = "Not translated yet: the handouts are in English."
        else:  # rounded down: 99.6% is not 100%
            coverage = f"{int(self.percent)}% translated (the rest is in English)."
        return f"{coverage} {self.label[:1].upper()}{self.label[1:]}."


def translation_statuses(locales_dir: Path) -> dict[str, TranslationStatus]:
    """Per locale of locales_dir, from catalogs.stats: counted against messages.pot (a catalog
    the English has outgrown is not 'fully translated'), review wording from ReviewStatus."""
    try:
        rows = catalog_stats(locales_dir)
    except CatalogError:   # no readable template: every language says "unknown"
        return {}
    statuses = {}
    for row in rows:
        if row.review_status == "source":
            statuses[row.locale] = TranslationStatus("original text", 100.0, True, source=True)
            continue
        review = ReviewStatus(status=row.review_status or STATUS_UNREVIEWED,
                              reviewed_by=row.reviewed_by, reviewed_on=row.reviewed_on)
        statuses[row.locale] = TranslationStatus(review.label, float(row.percent),
                                                 review.reviewed, problem=row.error)
    return statuses


def translated_title(code: str, info: LocaleInfo, locales_dir: Path) -> tuple[str, str]:
    """The handouts' title in the language, and the lang of what came back (English if missing)."""
    english = content.TITLE_MSGID
    try:
        title = load(code, locales_dir).translator().plain(english)
    except CatalogError:
        return english, "en"
    title_lang = "en" if title == english and code != SOURCE_LOCALE else info.tag
    if title_lang != "en" and info.rtl:  # 287(g) and other LTR runs, isolated as in the PDFs
        title = markup.isolate_ltr(escape(title))
    return title, title_lang


def search_terms(info: LocaleInfo) -> str:
    language = info.code.split("_")[0]
    terms = [info.native_name, info.english_name, info.code, info.tag,
             SEARCH_ALIASES.get(info.code, "")]
    try:
        terms.append(Locale("en").languages.get(language, ""))
        terms.append(Locale.parse(language).languages.get(language, ""))
    except (UnknownLocaleError, ValueError):
        pass
    return " ".join(dict.fromkeys(t for t in terms if t))
