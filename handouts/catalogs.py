"""Reading translation catalogs (.po) with Babel, validating them, and serving translations.

A broken catalog raises CatalogError naming the file and line; the caller keeps building the
other locales. A message whose placeholders or markup do not match its English msgid is
dropped (so it falls back to English, visibly) and reported as a CatalogIssue.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from gettext import NullTranslations
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations
from markupsafe import Markup

from . import markup
from .locales import SOURCE_LOCALE, LocaleInfo, locale_info
from .paths import LOCALES_DIR, catalog_path

MAX_CATALOG_BYTES = 2_000_000
MAX_MESSAGE_CHARS = 4_000

STATUS_UNREVIEWED = "unreviewed"
STATUS_REVIEWED = "reviewed"
_HEADER_FIELD_RE = re.compile(r"^#?[ \t]*(Review-Status|Drafted-By|Second-Read-By|Reviewed-By|"
                              r"Reviewed-On)[ \t]*:[ \t]*(.*)$", re.MULTILINE)


class CatalogError(Exception):
    """A catalog that cannot be read at all; str() is 'FILE:LINE: problem'."""


@dataclass(frozen=True)
class CatalogIssue:
    path: Path
    line: int
    msgid: str
    problem: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        short = self.msgid if len(self.msgid) <= 60 else self.msgid[:57] + "..."
        return f"{self.path}:{self.line}: {self.severity}: msgid {short!r}: {self.problem}"


@dataclass(frozen=True)
class ReviewStatus:
    """A catalog's honest translation status, kept in its header comment."""
    status: str = STATUS_UNREVIEWED
    drafted_by: str = ""
    second_read_by: str = ""
    reviewed_by: str = ""
    reviewed_on: str = ""

    @property
    def reviewed(self) -> bool:
        return self.status == STATUS_REVIEWED and bool(self.reviewed_by and self.reviewed_on)

    @property
    def label(self) -> str:
        if self.reviewed:
            return f"reviewed by {self.reviewed_by} on {self.reviewed_on}"
        return "drafted without a fluent human reviewer"

    @classmethod
    def from_header(cls, header_comment: str) -> "ReviewStatus":
        fields = {k.lower().replace("-", "_"): v.strip()
                  for k, v in _HEADER_FIELD_RE.findall(header_comment or "")}
        status = fields.pop("review_status", STATUS_UNREVIEWED) or STATUS_UNREVIEWED
        return cls(status=status.lower(), **fields)


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


@dataclass
class LocaleCatalog:
    """One locale's catalog, validated, ready to translate templates."""
    locale: LocaleInfo
    path: Path | None
    catalog: Catalog
    status: ReviewStatus
    issues: list[CatalogIssue] = field(default_factory=list)

    def translator(self) -> "Translator":
        return Translator(self)

    def stats(self) -> dict:
        messages = [m for m in self.catalog if m.id]
        fuzzy = sum(1 for m in messages if m.fuzzy)
        translated = sum(1 for m in messages if not m.fuzzy and _is_translated(m))
        total = len(messages)
        return {"total": total, "translated": translated, "fuzzy": fuzzy,
                "untranslated": total - translated - fuzzy,
                "percent": round(100 * translated / total, 1) if total else 100.0}


class Translator:
    """gettext for Jinja's i18n extension: safe markup out, English fallbacks marked and counted."""

    def __init__(self, locale_catalog: LocaleCatalog):
        self.locale = locale_catalog.locale
        self._recorder = _FallbackRecorder()
        self._translations = _compile(locale_catalog.catalog, self._is_usable(locale_catalog))
        self._translations.add_fallback(self._recorder)

    @staticmethod
    def _is_usable(locale_catalog):
        rejected = {issue.msgid for issue in locale_catalog.issues if issue.severity == "error"}
        return lambda message: message.id not in rejected and _msgid(message) not in rejected

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
        return self._present(self._translations.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> Markup:
        return self._present(self._translations.ngettext(singular, plural, n))

    def plain(self, message: str, **variables) -> str:
        """Text for places that take no markup: <title>, PDF metadata, alt text."""
        text = self._translations.gettext(message) % variables
        return markup.TAG_RE.sub("", text)


def _msgid(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def _is_translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(strings) and all(strings)


def _compile(catalog: Catalog, usable) -> Translations:
    """In-memory .mo through Babel, so lookups and plural rules are standard gettext."""
    clean = Catalog(locale=catalog.locale, domain=catalog.domain)  # CLDR plural rules
    for message in catalog:
        if message.id and not message.fuzzy and _is_translated(message) and usable(message):
            clean.add(message.id, message.string)
    buffer = io.BytesIO()
    write_mo(buffer, clean)
    buffer.seek(0)
    return Translations(buffer)


def validate(catalog: Catalog, path: Path | None) -> list[CatalogIssue]:
    """Problems that make a translation unusable (errors) or suspicious (warnings)."""
    issues = []
    cldr = Catalog(locale=catalog.locale)
    if catalog.locale and catalog.num_plurals != cldr.num_plurals:
        issues.append(CatalogIssue(path, 1, "", f"header Plural-Forms gives nplurals="
                                   f"{catalog.num_plurals}; CLDR for {catalog.locale_identifier} "
                                   f"says {cldr.plural_forms!r}"))
    for message in catalog:
        if not message.id or message.fuzzy or not _is_translated(message):
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)

        def report(problem, severity="error"):
            issues.append(CatalogIssue(path, message.lineno or 0, ids[0], problem, severity))

        if isinstance(message.id, tuple) and len(strings) != cldr.num_plurals:
            report(f"has {len(strings)} plural forms; {catalog.locale_identifier} needs "
                   f"{cldr.num_plurals} (CLDR: {cldr.plural_forms})")
        for index, text in enumerate(strings):
            source = ids[min(index, len(ids) - 1)]
            if len(text) > MAX_MESSAGE_CHARS:
                report(f"translation is {len(text)} characters; the limit is {MAX_MESSAGE_CHARS}")
                continue
            for problem in markup.placeholder_problems(source, text):
                report(problem)
            for problem in markup.markup_problems(source, text):
                report(problem)
    return issues


def read_catalog_file(path: Path, locale_code: str | None = None) -> Catalog:
    """Parse a .po file with Babel, turning every failure into 'FILE:LINE: problem'."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > MAX_CATALOG_BYTES:
        raise CatalogError(f"{path}:1: catalog is {len(data):,} bytes; the limit is "
                           f"{MAX_CATALOG_BYTES:,}")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CatalogError(f"{path}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
                           "save the file as UTF-8") from None
    try:
        return read_po(io.BytesIO(data), locale=locale_code, abort_invalid=True, charset="utf-8")
    except PoFileError as exc:
        raise CatalogError(f"{path}:{exc.lineno}: broken PO syntax: {exc}") from None
    except Exception as exc:  # Babel raises plain errors on some malformed input
        raise CatalogError(f"{path}:1: cannot parse catalog: {exc}") from None


def load(locale_code: str, locales_dir: Path = LOCALES_DIR) -> LocaleCatalog:
    """A locale's validated catalog; the source locale gets an empty one (all English)."""
    info = locale_info(locale_code)
    if locale_code == SOURCE_LOCALE:
        return LocaleCatalog(info, None, Catalog(locale="en"), ReviewStatus(status=STATUS_REVIEWED,
                             reviewed_by="source text", reviewed_on="-"))
    path = catalog_path(locale_code, locales_dir)
    if not path.exists():
        raise CatalogError(f"{path}: no catalog for locale {locale_code!r} "
                           f"(start one with `python build_pdf.py catalog init {locale_code}`)")
    catalog = read_catalog_file(path, locale_code)
    return LocaleCatalog(info, path, catalog, ReviewStatus.from_header(catalog.header_comment),
                         validate(catalog, path))


def available_locales(locales_dir: Path = LOCALES_DIR) -> list[str]:
    """Every locale with a catalog, source locale first, then sorted by code."""
    found = sorted(p.parent.parent.name for p in locales_dir.glob("*/LC_MESSAGES/messages.po"))
    return [SOURCE_LOCALE] + [code for code in found if code != SOURCE_LOCALE]
