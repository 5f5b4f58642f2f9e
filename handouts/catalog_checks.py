"""The translator's checks: every problem as `FILE:LINE: severity: msgid "...": problem`.

Errors must be fixed before a catalog ships; `catalog check` exits non-zero on any. They are
what the build itself refuses (broken PO syntax, placeholders, markup, plural forms: the rules
live in catalogs.py and markup.py, shared with the build) plus what would print something
false (a web address or phone number changed, a review sign-off without a name or date).
Warnings are likely mistakes for a person to look at: glossary terms not used, a length far
from the English, untranslated and fuzzy messages, a catalog out of step with messages.pot.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog

from . import catalogs, markup
from .catalogs import CatalogError, CatalogIssue, LocaleCatalog
from .locales import SOURCE_LOCALE, LocaleError
from .paths import GLOSSARY_FILE, LOCALES_DIR

ERROR, WARNING = "error", "warning"

#: Messages shorter than this in English (headings, labels) are too short to judge by length.
MIN_LENGTH_TO_JUDGE = 20
#: A translation is flagged when its width ratio to English is this far from the locale's
#: usual ratio (the median over its catalog): measured spread of the shipped catalogs is
#: 0.46x to 1.55x of the median, so these flag only real outliers.
TOO_LONG, TOO_SHORT = 2.0, 0.4
#: With fewer translated messages than this, the median means little: compare with 1.0.
MIN_SAMPLES_FOR_MEDIAN = 8

_TOML_LINE_RE = re.compile(r"at line (\d+)")


# -- the glossary -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    key: str
    english: str
    note: str = ""

    @property
    def pattern(self) -> re.Pattern:
        """The English term as a whole word, case-sensitive, plural -s/-es allowed.

        Case-sensitive so that "ICE" is not found in "police" or "advice" (and not in "Ice");
        whole word so that "ICE" is found in "ICE-trained" but not in "ICED".
        """
        return re.compile(rf"(?<!\w){re.escape(self.english)}(?:s|es)?(?!\w)")


@dataclass
class Glossary:
    """locales/glossary.toml: the recurring terms and their English text."""
    path: Path
    terms: dict[str, Term]


@dataclass
class LocaleGlossary:
    """locales/<locale>/glossary.toml: the forms a locale accepts for each term."""
    path: Path
    forms: dict[str, list[str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    issues: list[CatalogIssue] = field(default_factory=list)
    exists: bool = True


def _read_toml(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        line = _TOML_LINE_RE.search(str(exc))
        raise CatalogError.at(path, int(line[1]) if line else 1, f"invalid TOML: {exc}") from None


def _key_lines(text: str) -> dict[str, int]:
    """Line of each `key =` in a TOML file, so reports point at it."""
    return {m[1]: text.count("\n", 0, m.start()) + 1
            for m in re.finditer(r"^[ \t]*([\w-]+)[ \t]*=", text, re.MULTILINE)}


def load_glossary(path: Path = GLOSSARY_FILE) -> Glossary:
    """Raises CatalogError (FILE:LINE) when the shared glossary is not usable."""
    data, text = _read_toml(path)
    lines = {m[1]: text.count("\n", 0, m.start()) + 1
             for m in re.finditer(r"^\[terms\.([\w-]+)\]", text, re.MULTILINE)}
    terms = {}
    for key, entry in (data.get("terms") or {}).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("en"), str) or not entry["en"]:
            raise CatalogError.at(path, lines.get(key, 1),
                                  f"term {key!r} needs an `en = \"...\"` string")
        terms[key] = Term(key, entry["en"], str(entry.get("note", "")))
    return Glossary(path, terms)


def load_locale_glossary(code: str, glossary: Glossary,
                         locales_dir: Path = LOCALES_DIR) -> LocaleGlossary:
    path = locales_dir / code / "glossary.toml"
    if not path.exists():
        return LocaleGlossary(path, exists=False)
    result = LocaleGlossary(path)
    try:
        data, text = _read_toml(path)
    except CatalogError as exc:
        result.issues.append(CatalogIssue(path, exc.line, "", exc.problem, ERROR, "glossary"))
        return result
    result.lines = _key_lines(text)
    for key, value in (data.get("terms") or {}).items():
        line = result.lines.get(key, 1)
        if key not in glossary.terms:
            result.issues.append(CatalogIssue(
                path, line, "", f"unknown term {key!r}: the terms are the [terms.*] tables of "
                f"{catalogs.shown_path(glossary.path)}", WARNING, "glossary"))
            continue
        forms = [value] if isinstance(value, str) else value
        if not isinstance(forms, list) or not all(isinstance(f, str) for f in forms):
            result.issues.append(CatalogIssue(
                path, line, "", f"term {key!r} must be a list of strings, e.g. "
                f'{key} = ["form one", "form two"]', ERROR, "glossary"))
            continue
        result.forms[key] = [f for f in forms if f.strip()]
    return result


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", markup.TAG_RE.sub("", text)).casefold()


def glossary_problems(english: str, translation: str, glossary: Glossary,
                      local: LocaleGlossary) -> list[str]:
    """Terms the English uses whose agreed forms the translation lacks (case-insensitive)."""
    problems = []
    folded = _fold(translation)
    for key, forms in local.forms.items():
        term = glossary.terms[key]
        if forms and term.pattern.search(english) and not any(_fold(f) in folded for f in forms):
            agreed = ", ".join(f'"{f}"' for f in forms)
            problems.append(
                f'glossary: the English has "{term.english}", the translation none of its '
                f"agreed forms {agreed} ({catalogs.shown_path(local.path)}:"
                f"{local.lines.get(key, 1)})")
    return problems


# -- one catalog ------------------------------------------------------------------------------

def _strings(message) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return ids, tuple(s or "" for s in strings)


def _pairs(message):
    """(English, translation) for each form, the English plural for the other forms."""
    ids, strings = _strings(message)
    return [(ids[min(i, len(ids) - 1)], text) for i, text in enumerate(strings)]


def typical_ratio(catalog: Catalog) -> float:
    """This locale's usual width relative to English (CJK is narrower, Romance longer)."""
    ratios = [markup.display_width(text) / markup.display_width(english)
              for message in catalog
              if message.id and not message.fuzzy and catalogs.is_translated(message)
              for english, text in _pairs(message)
              if markup.display_width(english) >= MIN_LENGTH_TO_JUDGE]
    return statistics.median(ratios) if len(ratios) >= MIN_SAMPLES_FOR_MEDIAN else 1.0


def length_problem(english: str, translation: str, typical: float) -> str | None:
    before = markup.display_width(english)
    if before < MIN_LENGTH_TO_JUDGE:
        return None
    ratio = markup.display_width(translation) / before
    if ratio > typical * TOO_LONG:
        return (f"translation is {ratio:.1f}x the English width, where this catalog's usual is "
                f"{typical:.1f}x: is something repeated or added?")
    if ratio < typical * TOO_SHORT:
        return (f"translation is {ratio:.1f}x the English width, where this catalog's usual is "
                f"{typical:.1f}x: is part of the message missing?")
    return None


def _header_issues(loaded: LocaleCatalog, code: str) -> list[CatalogIssue]:
    path, catalog, status = loaded.path, loaded.catalog, loaded.status
    text = path.read_text(encoding="utf-8", errors="replace")

    def line_of(needle: str) -> int:
        index = text.find(needle)
        return text.count("\n", 0, index) + 1 if index >= 0 else 1

    def issue(line, problem, severity, kind="header"):
        return CatalogIssue(path, line, "", problem, severity, kind)

    issues = []
    header = catalog.header_comment or ""
    if not re.search(r"^#[ \t]*Review-Status[ \t]*:", header, re.MULTILINE):
        issues.append(issue(1, "no '# Review-Status:' line in the header comment; add the "
                            "review lines (see TRANSLATING.md, 'Review and sign-off')", WARNING, "review"))
    elif status.status not in (catalogs.STATUS_UNREVIEWED, catalogs.STATUS_REVIEWED):
        issues.append(issue(line_of("Review-Status"), f"Review-Status is {status.status!r}; "
                            "it must be 'unreviewed' or 'reviewed'", WARNING, "review"))
    elif status.status == catalogs.STATUS_REVIEWED and not status.reviewed:
        missing = [n for n, v in (("Reviewed-By", status.reviewed_by),
                                  ("Reviewed-On", status.reviewed_on)) if not v]
        issues.append(issue(line_of("Review-Status"), f"Review-Status is 'reviewed' but "
                            f"{' and '.join(missing)} {'are' if len(missing) > 1 else 'is'} "
                            "empty, so the handout still says the "
                            "translation is unchecked: sign off with a name and a date",
                            ERROR, "review"))
    if status.reviewed_on:
        try:
            dt.date.fromisoformat(status.reviewed_on)
        except ValueError:
            issues.append(issue(line_of("Reviewed-On"), f"Reviewed-On {status.reviewed_on!r} is "
                                "not a date like 2026-11-29", WARNING, "review"))
    declared = catalog.mime_headers and dict(catalog.mime_headers).get("Language", "")
    if declared:
        try:
            same = Locale.parse(declared.replace("-", "_")) == Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            same = False
        if not same:
            issues.append(issue(line_of('"Language:'), f"header says Language: {declared}, "
                                f"but the catalog is in locales/{code}/", ERROR))
    return issues


def check_catalog(code: str, locales_dir: Path = LOCALES_DIR, *,
                  template: Catalog | None = None,
                  glossary: Glossary | None = None) -> list[CatalogIssue]:
    """Every finding for one locale, sorted by line. Never raises for a bad catalog."""
    try:
        loaded = catalogs.load(code, locales_dir)
    except CatalogError as exc:
        return [CatalogIssue(exc.path or locales_dir / code, exc.line, "", exc.problem, ERROR,
                             "file")]
    except LocaleError as exc:
        return [CatalogIssue(locales_dir / code, 0, "", str(exc), ERROR, "locale")]
    if loaded.path is None:  # the source locale has no catalog
        return []
    path, catalog = loaded.path, loaded.catalog
    issues = [i if i.kind else CatalogIssue(i.path, i.line, i.msgid, i.problem, i.severity,
                                            "catalog") for i in loaded.issues]
    issues += _header_issues(loaded, code)
    local = None
    if glossary is not None:
        local = load_locale_glossary(code, glossary, locales_dir)
        issues += local.issues
        if not local.exists:
            issues.append(CatalogIssue(local.path, 1, "", "no glossary for this locale, so "
                                       "terms are not checked: create it (see GLOSSARY.md)",
                                       WARNING, "glossary"))
    rejected = {i.msgid for i in issues if i.severity == ERROR and i.msgid}
    typical = typical_ratio(catalog)
    for message in catalog:
        if not message.id:
            continue
        ids, strings = _strings(message)
        line = message.lineno or 0

        def report(problem, kind, severity=WARNING):
            issues.append(CatalogIssue(path, line, ids[0], problem, severity, kind))

        if template is not None and message.id not in template:
            report("not in messages.pot any more (the English changed or was removed); "
                   "`catalog update` keeps it as obsolete (#~)", "outdated")
        if ids[0] in rejected:
            continue
        if message.fuzzy:
            was = (f" (it was {catalogs.quote_msgid(message.previous_id[0])})"
                   if message.previous_id else "")
            report(f"fuzzy: the English changed{was} or the translation needs checking; it "
                   "prints in English until you fix it and remove the fuzzy flag", "fuzzy")
            continue
        if not catalogs.is_translated(message):
            report("untranslated: prints in English", "untranslated")
            continue
        for english, text in _pairs(message):
            for problem in markup.kept_text_problems(english, text):
                report(problem, "kept-text", ERROR)
            if local is not None:
                for problem in glossary_problems(english, text, glossary, local):
                    report(problem, "glossary")
            if problem := length_problem(english, text, typical):
                report(problem, "length")
            if text.strip() == english.strip() and len(re.findall(r"[^\W\d_]{2,}", english)) >= 3:
                report("translation is the English text unchanged", "same-as-english")
            if text != text.strip() and english == english.strip():
                report("translation starts or ends with a space or line break; the English "
                       "does not", "whitespace")
    if template is not None:
        missing = [m.id for m in template if m.id and m.id not in catalog]
        if missing:
            first = missing[0][0] if isinstance(missing[0], tuple) else missing[0]
            issues.append(CatalogIssue(
                path, 1, "", f"{len(missing)} message(s) of messages.pot are not in this "
                f"catalog yet (first: {catalogs.quote_msgid(first)}); run `python build_pdf.py "
                "catalog update`", WARNING, "outdated"))
    return sorted(issues, key=lambda i: (str(i.path), i.line, i.severity != ERROR))


def check_catalogs(codes: list[str], locales_dir: Path = LOCALES_DIR,
                   pot_path: Path | None = None,
                   glossary_path: Path | None = None) -> dict[str, list[CatalogIssue]]:
    """Findings per locale; the template and glossary are read once, problems with them too."""
    pot_path = pot_path or locales_dir / "messages.pot"
    glossary_path = glossary_path or locales_dir / "glossary.toml"
    shared: list[CatalogIssue] = []
    template = glossary = None
    if pot_path.exists():
        try:
            template = catalogs.read_catalog_file(pot_path)
        except CatalogError as exc:
            shared.append(CatalogIssue(pot_path, exc.line, "", exc.problem, ERROR, "syntax"))
    if glossary_path.exists():
        try:
            glossary = load_glossary(glossary_path)
        except CatalogError as exc:
            shared.append(CatalogIssue(glossary_path, exc.line, "", exc.problem, ERROR,
                                       "glossary"))
    results = {"": shared} if shared else {}
    for code in codes:
        if code != SOURCE_LOCALE:
            results[code] = check_catalog(code, locales_dir, template=template, glossary=glossary)
    return results
