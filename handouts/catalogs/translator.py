"""gettext for Jinja's i18n extension: safe markup out, English fallbacks visible and counted.

A catalog's messages are compiled to an in-memory .mo through Babel, so lookups and plural
rules are standard gettext; messages the rules reject are left out, so they fall back to
English, marked with lang="en", instead of printing something broken.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from gettext import NullTranslations
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import Translations
from markupsafe import Markup

from .. import markup
from .locales import SOURCE_LOCALE, LocaleInfo
from .po import ERROR, is_translated, msgid_of, quote_msgid

if TYPE_CHECKING:
    from .catalog import LocaleCatalog


class EnglishFallback(str):
    """A message served in English because the catalog had no usable translation."""


class _FallbackRecorder(NullTranslations):
    """Last link of the gettext fallback chain: records what fell back to English."""

    def __init__(self):
        super().__init__()
        self.missing: set[str] = set()

    def gettext(self, message):
        self.missing.add(message)
        return EnglishFallback(message)

    def ngettext(self, msgid1, msgid2, n):
        self.missing.add(msgid1)
        return EnglishFallback(msgid1 if n == 1 else msgid2)



@dataclass(frozen=True)
class Growth:
    """A message that takes more room than its English."""
    msgid: str
    line: int
    ratio: float
    added: int  # columns, as markup.display_width counts them

    def __str__(self) -> str:
        return (f"line {self.line} msgid {quote_msgid(self.msgid, 50)} "
                f"({self.ratio:.1f}x the English, +{self.added} columns)")


class Translator:
    """gettext for Jinja's i18n extension: safe markup out, English fallbacks marked and counted."""

    def __init__(self, locale_catalog: LocaleCatalog):
        self.locale = locale_catalog.locale
        self._source = locale_catalog
        self._recorder = _FallbackRecorder()
        self._translations = _compile(locale_catalog.catalog, self.locale,
                                     self._is_usable(locale_catalog))
        self._translations.add_fallback(self._recorder)
        #: msgid -> (English, translation) of every message printed so far: fit attribution.
        self.served: dict[str, tuple[str, str]] = {}

    @staticmethod
    def _is_usable(locale_catalog):
        rejected = {issue.msgid for issue in locale_catalog.issues if issue.severity == ERROR}
        return lambda message: message.id not in rejected and msgid_of(message) not in rejected

    @property
    def fallbacks(self) -> set[str]:
        """msgids served in English so far (none for the source locale)."""
        return set() if self.locale.code == SOURCE_LOCALE else set(self._recorder.missing)

    def _present(self, text: str) -> Markup:
        html = markup.safe_message(text)
        if self.locale.rtl:
            html = markup.isolate_ltr(html)
        if isinstance(text, EnglishFallback) and self.locale.code != SOURCE_LOCALE:
            # Visible, correctly tagged fallback: English is left-to-right even on an RTL page.
            return Markup('<span lang="en" dir="ltr" class="fallback">') + html + Markup("</span>")
        return html

    def gettext(self, message: str) -> Markup:
        text = self._translations.gettext(message)
        self.served[message] = (message, text)
        return self._present(text)

    def ngettext(self, singular: str, plural: str, n: int) -> Markup:
        text = self._translations.ngettext(singular, plural, n)
        self.served[singular] = (singular if n == 1 else plural, text)
        return self._present(text)

    def grew_most(self, limit: int = 3, min_english: int = 20) -> list[Growth]:
        """The printed translations that grew most relative to their English, largest first.

        Widths are markup.display_width columns. Ranked by (ratio - 1) x added columns, so a
        message ranks high when it grew both relative to its English and in room taken: a
        heading at 1.6x (+11 columns) ranks below a paragraph at 1.4x (+88). Messages shorter
        than `min_english` columns in English are left out: they rarely decide the fit.
        """
        grown = []
        for msgid, (english, text) in self.served.items():
            if isinstance(text, EnglishFallback):
                continue
            before, after = markup.display_width(english), markup.display_width(text)
            if before >= min_english and after > before:
                entry = self._source.catalog.get(msgid)
                grown.append(Growth(msgid, getattr(entry, "lineno", 0) or 0, after / before,
                                    after - before))
        return sorted(grown, key=lambda g: (-(g.ratio - 1) * g.added, -g.ratio))[:limit]

    def plain(self, message: str, **variables) -> str:
        """Text for places that take no markup: <title>, PDF metadata, alt text."""
        text = self._translations.gettext(message)
        self.served.setdefault(message, (message, text))
        return markup.TAG_RE.sub("", text % variables)



def _compile(catalog: Catalog, locale: LocaleInfo, usable) -> Translations:
    """In-memory .mo through Babel, so lookups and plural rules are standard gettext."""
    clean = Catalog(locale=catalog.locale, domain=catalog.domain)
    # The catalog's own Plural-Forms, as gettext would use it (the check holds it to CLDR);
    # Babel's default would be its old built-in table, in another order for some locales.
    # One gettext cannot read (the check reports it) gives way to the locale's own rule.
    clean.mime_headers = [("Plural-Forms", catalog.plural_forms)]
    try:
        gettext.c2py(clean.plural_expr)
    except (ValueError, SyntaxError, RecursionError):
        clean.mime_headers = [("Plural-Forms", locale.plural_forms)]
    for message in catalog:
        if message.id and not message.fuzzy and is_translated(message) and usable(message):
            clean.add(message.id, message.string)
    buffer = io.BytesIO()
    write_mo(buffer, clean)
    buffer.seek(0)
    translations = Translations(buffer)
    if locale.definition:  # Babel writes no Plural-Forms into the .mo for a code CLDR lacks
        translations.plural = gettext.c2py(clean.plural_expr)  # type: ignore[assignment]
    return translations


