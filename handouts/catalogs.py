"""Reading translation catalogs (.po) with Babel, validating them, and serving translations.

A broken catalog raises CatalogError naming the file and line; the caller keeps building the
other locales. A message whose placeholders or markup do not match its English msgid is
dropped (so it falls back to English, visibly) and reported as a CatalogIssue.
"""

from __future__ import annotations

import gettext
import io
import re
from dataclasses import dataclass, field
from gettext import NullTranslations
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, denormalize, read_po
from babel.support import Translations
from markupsafe import Markup

from . import markup
from .locales import SOURCE_LOCALE, LocaleError, LocaleInfo, locale_info
from .paths import LOCALES_DIR, catalog_path

MAX_CATALOG_BYTES = 2_000_000
MAX_MESSAGE_CHARS = 4_000

STATUS_UNREVIEWED = "unreviewed"
STATUS_REVIEWED = "reviewed"
_HEADER_FIELD_RE = re.compile(r"^#?[ \t]*(Review-Status|Drafted-By|Second-Read-By|Reviewed-By|"
                              r"Reviewed-On)[ \t]*:[ \t]*(.*)$", re.MULTILINE)


class CatalogError(Exception):
    """A catalog that cannot be read at all; str() is 'FILE:LINE: problem'."""

    def __init__(self, message: str, path: Path | None = None, line: int = 0,
                 problem: str = ""):
        super().__init__(markup.one_line(message))  # untrusted text never breaks the line
        self.path, self.line, self.problem = path, line, markup.one_line(problem or message)

    @classmethod
    def at(cls, path: Path, line: int, problem: str) -> "CatalogError":
        return cls(f"{path}:{line}: {problem}", path, line, problem)


@dataclass(frozen=True)
class CatalogIssue:
    path: Path
    line: int
    msgid: str
    problem: str
    severity: str = "error"  # or "warning"
    kind: str = ""           # which check, e.g. "placeholder", "fuzzy" (see catalog_checks)

    def __str__(self) -> str:
        """'FILE:LINE: error: msgid "...": problem', the form editors and CI logs link."""
        line = f":{self.line}" if self.line > 0 else ""  # no line: the file is missing
        where = f"{shown_path(self.path)}{line}: {self.severity}: "
        return markup.one_line(where + (f"msgid {quote_msgid(self.msgid)}: " if self.msgid
                                        else "") + self.problem)


def shown_path(path: Path | str | None) -> str:
    """A path as a person in the project folder would type it (absolute when outside)."""
    if path is None:
        return "-"
    resolved = Path(path).resolve()
    here = Path.cwd()
    return str(resolved.relative_to(here)) if resolved.is_relative_to(here) else str(path)


def quote_msgid(msgid: str, limit: int = 60) -> str:
    """A msgid as a PO file writes it, shortened: "Key takeaways"."""
    short = msgid if len(msgid) <= limit else msgid[:limit - 1] + "…"
    return markup.one_line('"' + short.replace("\\", "\\\\").replace('"', '\\"')
                           .replace("\n", "\\n") + '"')


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
        self._translations = _compile(locale_catalog.catalog, self._is_usable(locale_catalog))
        self._translations.add_fallback(self._recorder)
        #: msgid -> (English, translation) of every message printed so far: fit attribution.
        self.served: dict[str, tuple[str, str]] = {}

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


def _msgid(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def _is_translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(strings) and all(strings)


#: Public names for catalog_checks and workflow: the msgid of a (plural) message, and
#: whether every form of a message is translated.
msgid_of, is_translated = _msgid, _is_translated


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
        issues.append(CatalogIssue(path, header_line(path, "Plural-Forms"), "",
                                   f"header Plural-Forms gives nplurals={catalog.num_plurals}; "
                                   f"CLDR for {catalog.locale_identifier} says "
                                   f"{cldr.plural_forms!r}", kind="plural-forms"))
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)

        def report(problem, kind, severity="error"):
            issues.append(CatalogIssue(path, message.lineno or 0, ids[0], problem, severity, kind))

        if isinstance(message.id, tuple) and any(strings) and not all(strings):
            # Half a plural is not a translation: gettext would print "" for those numbers.
            for index in (i for i, text in enumerate(strings) if not text):
                report(f"missing plural form msgstr[{index}] ({plural_form_examples(cldr, index)})",
                       "plural")
            continue
        if not _is_translated(message):
            continue
        if isinstance(message.id, tuple) and len(strings) != cldr.num_plurals:
            report(f"has {len(strings)} plural forms; {catalog.locale_identifier} needs "
                   f"{cldr.num_plurals} (CLDR: {cldr.plural_forms})", "plural")
        for index, text in enumerate(strings):
            source = ids[min(index, len(ids) - 1)]
            if len(text) > MAX_MESSAGE_CHARS:
                report(f"translation is {len(text)} characters; the limit is {MAX_MESSAGE_CHARS}",
                       "length-limit")
                continue
            if too_long := markup.growth_problem(source, text):
                report(too_long, "length-limit")
                continue
            for problem in markup.placeholder_problems(source, text):
                report(problem, "placeholder")
            for problem in markup.markup_problems(source, text):
                report(problem, "markup")
    return issues


def plural_form_examples(cldr: Catalog, index: int) -> str:
    """Which numbers use plural form `index`, in CLDR's words: 'CLDR "other": n = 0, 2, 3, ...'."""
    pick = gettext.c2py(cldr.plural_expr)
    numbers = [n for n in range(0, 1000) if pick(n) == index][:4]
    if not numbers:
        return "used by no number under CLDR's rules"
    category = cldr.locale.plural_form(numbers[0]) if cldr.locale else "?"
    shown = ", ".join(map(str, numbers[:3])) + (", ..." if len(numbers) > 3 else "")
    return f'CLDR "{category}": n = {shown}'


def header_line(path: Path | None, field_name: str) -> int:
    """The line of a header field such as Plural-Forms, so reports point at it (else line 1)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines() if path else []
    except OSError:
        return 1
    return next((n for n, line in enumerate(lines, 1)
                 if line.lstrip('"').startswith(f"{field_name}:")), 1)


_PO_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_LINE_RE = re.compile(
    rf'^(?:(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)[ \t]+)?({_PO_STRING})[ \t]*$')
_PO_KEYWORD_RE = re.compile(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\b")
_PO_ESCAPES = set('\\"ntr')


def po_syntax_problem(text: str) -> tuple[int, str] | None:
    """The first line Babel would misread or silently change, with why (1-based line).

    Babel's parser drops the last character of an unterminated string and keeps unknown
    escapes; msgfmt and Weblate reject both, so this project does too. Duplicate msgids
    (which Babel merges silently) are reported with the line of the first definition.
    """
    first_seen: dict[tuple[str, str], int] = {}
    keyword, context, msgid, msgid_line = "", "", "", 0
    for number, raw in enumerate(text.split("\n"), 1):  # lines as Babel and editors count them
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _PO_LINE_RE.match(line)
        if not match:
            if _PO_KEYWORD_RE.match(line) or line.startswith('"'):
                return number, ('string not closed, or a " inside it not written as \\": '
                                f"{line[:70]!r}")
            return number, ("not a PO line (expected msgid, msgstr, a quoted string or #): "
                            f"{line[:70]!r}")
        value = match[2][1:-1]
        if bad := [c for c in re.findall(r"\\(.)", value) if c not in _PO_ESCAPES]:
            return number, f"unknown escape \\{bad[0]} (write \\\\ for a backslash): {line[:70]!r}"
        if not match[1]:  # a continuation line adds to the keyword above it
            context, msgid = ((context + value, msgid) if keyword == "msgctxt" else
                              (context, msgid + value) if keyword == "msgid" else (context, msgid))
            continue
        if keyword == "msgid" and match[1] != "msgid" and msgid:
            if (context, msgid) in first_seen:
                return msgid_line, (f"duplicate msgid (first defined on line "
                                    f"{first_seen[context, msgid]})")
            first_seen[context, msgid] = msgid_line
        if keyword.startswith("msgstr") and match[1] in ("msgctxt", "msgid"):
            context = ""  # a new entry begins
        keyword = match[1]
        if keyword == "msgctxt":
            context = value
        elif keyword == "msgid":
            msgid, msgid_line = value, number
    return None


def restore_previous_ids(catalog: Catalog) -> Catalog:
    """Babel reads `#| msgid "..."` (the English before it changed) as a translator comment,
    and would write it back as `# | ...`; make it the message's previous_id again."""
    for message in catalog:
        previous = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
        if not previous:
            continue
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        parts: dict[str, list[str]] = {"msgid": [], "msgid_plural": []}
        current = None
        for line in previous:
            keyword, _, rest = line.partition(" ")
            if keyword in parts:
                current = keyword
                parts[current].append(rest.strip())
            elif current and line.startswith('"'):
                parts[current].append(line)
        message.previous_id = [denormalize("\n".join(v)) for v in parts.values() if v]
    return catalog


def read_catalog_file(path: Path, locale_code: str | None = None) -> Catalog:
    """Parse a .po file with Babel, turning every failure into 'FILE:LINE: problem'."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read: {exc.strerror}", path, 0,
                           f"cannot read: {exc.strerror}") from None
    if len(data) > MAX_CATALOG_BYTES:
        raise CatalogError.at(path, 1, f"catalog is {len(data):,} bytes; the limit is "
                              f"{MAX_CATALOG_BYTES:,}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CatalogError.at(path, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
                              "save the file as UTF-8") from None
    if "\x00" in text:  # gettext's .mo format separates plural forms with NUL: it would crash
        raise CatalogError.at(path, text.count("\n", 0, text.index("\x00")) + 1,
                              "contains a NUL character (U+0000); remove it")
    if problem := po_syntax_problem(text):
        raise CatalogError.at(path, problem[0], f"broken PO syntax: {problem[1]}")
    try:
        catalog = read_po(io.BytesIO(data), locale=locale_code, abort_invalid=True,
                          charset="utf-8")
        return restore_previous_ids(catalog)
    except PoFileError as exc:  # Babel counts lines from 0 and appends " on N" to the message
        reason = str(exc).removesuffix(f" on {exc.lineno}")
        raise CatalogError.at(path, exc.lineno + 1, f"broken PO syntax: {reason}: "
                              f"{exc.line.strip()!r}" if exc.line.strip() else
                              f"broken PO syntax: {reason}") from None
    except Exception as exc:  # Babel raises plain errors on some malformed input
        raise CatalogError.at(path, 1, f"cannot parse catalog: {exc}") from None


def load(locale_code: str, locales_dir: Path = LOCALES_DIR) -> LocaleCatalog:
    """A locale's validated catalog; the source locale gets an empty one (all English)."""
    try:
        info = locale_info(locale_code)
    except LocaleError as exc:  # a catalog folder named with a code CLDR does not know
        path = catalog_path(locale_code, locales_dir)
        if path.exists():
            raise CatalogError.at(path, header_line(path, "Language"), f"{exc}; the folder "
                                  "name must be a CLDR locale code such as es or pt_BR") from None
        raise
    if locale_code == SOURCE_LOCALE:
        return LocaleCatalog(info, None, Catalog(locale="en"), ReviewStatus(status=STATUS_REVIEWED,
                             reviewed_by="source text", reviewed_on="-"))
    path = catalog_path(locale_code, locales_dir)
    if not path.exists():
        problem = (f"no catalog for locale {locale_code!r} (start one with "
                   f"`python build_pdf.py catalog init {locale_code}`)")
        raise CatalogError(f"{path}: {problem}", path, 0, problem)
    catalog = read_catalog_file(path, locale_code)
    return LocaleCatalog(info, path, catalog, ReviewStatus.from_header(catalog.header_comment),
                         validate(catalog, path))


def available_locales(locales_dir: Path = LOCALES_DIR) -> list[str]:
    """Every locale with a catalog, source locale first, then sorted by code."""
    found = sorted(p.parent.parent.name for p in locales_dir.glob("*/LC_MESSAGES/messages.po"))
    return [SOURCE_LOCALE] + [code for code in found if code != SOURCE_LOCALE]
