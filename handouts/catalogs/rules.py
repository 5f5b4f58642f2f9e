"""The catalog rules, as data: each a name, a severity and a small function (like Babel's checkers).

Errors make a message unusable: the build leaves it out (it prints in English, visibly) and
fails the document; `catalog check` lists them and exits non-zero. Warnings are likely mistakes
for a person to look at; only `catalog check` reports them. Both run the same RULES, so a
translator sees exactly what the build will refuse.

A catalog rule looks at the whole catalog and yields (line, problem); a message rule looks at
one message and yields problems. Warnings are not reported for a message that has an error.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import re
import statistics
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message

from .. import markup
from .glossary import Glossary, LocaleGlossary, glossary_problems
from .locales import LocaleInfo, new_catalog
from .po import (
    ERROR,
    STATUS_REVIEWED,
    STATUS_UNREVIEWED,
    WARNING,
    CatalogIssue,
    ReviewStatus,
    header_line,
    ids_of,
    is_translated,
    msgid_of,
    quote_msgid,
    strings_of,
)

MAX_MESSAGE_CHARS = 4_000
#: Messages shorter than this in English (headings, labels) are too short to judge by length.
MIN_LENGTH_TO_JUDGE = 20
#: A translation is flagged when its width ratio to English is this far from the locale's
#: usual ratio (the median over its catalog): measured spread of the shipped catalogs is
#: 0.46x to 1.55x of the median, so these flag only real outliers.
TOO_LONG, TOO_SHORT = 2.0, 0.4
#: With fewer translated messages than this, the median means little: compare with 1.0.
MIN_SAMPLES_FOR_MEDIAN = 8


@dataclass
class Subject:
    """One catalog and what it is checked against (the template and glossary are optional)."""
    catalog: Catalog
    path: Path | None
    code: str
    status: ReviewStatus
    template: Catalog | None = None
    glossary: Glossary | None = None
    local_glossary: LocaleGlossary | None = None
    #: What the code means (CLDR's data or its locale.toml); None: CLDR's, from the catalog.
    locale: LocaleInfo | None = None
    _text: str | None = field(default=None, repr=False)

    @functools.cached_property
    def cldr(self) -> Catalog:
        """An empty catalog for the locale: Babel's plural rules for it (or its definition's)."""
        return new_catalog(self.locale) if self.locale else Catalog(locale=self.catalog.locale)

    @property
    def plural_source(self) -> str:
        return self.locale.plural_source if self.locale else "CLDR"

    @functools.cached_property
    def typical(self) -> float:
        return typical_ratio(self.catalog)

    def line_of(self, needle: str) -> int:
        """The line where `needle` first appears in the file (1 when it does not)."""
        if self._text is None:
            try:
                self._text = self.path.read_text(encoding="utf-8", errors="replace") \
                    if self.path else ""
            except OSError:
                self._text = ""
        index = self._text.find(needle)
        return self._text.count("\n", 0, index) + 1 if index >= 0 else 1


@dataclass(frozen=True)
class Rule:
    name: str
    severity: str
    function: Callable
    #: "catalog": function(subject) yields (line, problem); "message": function(subject,
    #: message) yields problems.
    scope: str = "message"
    #: Also reported for messages that have an error (e.g. "not in messages.pot any more").
    always: bool = False


def forms(message: Message) -> list[tuple[str, str]]:
    """(English, translation) per form of a usable message; [] for fuzzy or untranslated ones."""
    if not message.id or message.fuzzy or not is_translated(message):
        return []
    ids = ids_of(message)
    return [(ids[min(i, len(ids) - 1)], text) for i, text in enumerate(strings_of(message))]


def _within_limits(english: str, text: str) -> bool:
    return len(text) <= MAX_MESSAGE_CHARS and not markup.growth_problem(english, text)


# -- catalog rules ----------------------------------------------------------------------------

def plural_forms_header(subject: Subject) -> Iterator[tuple[int, str]]:
    catalog, cldr = subject.catalog, subject.cldr
    if catalog.locale_identifier and catalog.num_plurals != cldr.num_plurals:
        yield (header_line(subject.path, "Plural-Forms"),
               f"header Plural-Forms gives nplurals={catalog.num_plurals}; "
               f"{subject.plural_source} for "
               f"{catalog.locale_identifier} says {cldr.plural_forms!r}")


def language_header(subject: Subject) -> Iterator[tuple[int, str]]:
    declared = subject.catalog.mime_headers and dict(subject.catalog.mime_headers).get(
        "Language", "")
    if not declared:
        return
    try:
        same = Locale.parse(declared.replace("-", "_")) == Locale.parse(subject.code)
    except (UnknownLocaleError, ValueError):  # a code CLDR does not know (it has a locale.toml)
        same = declared.replace("-", "_") == subject.code
    if not same:
        yield (subject.line_of('"Language:'), f"header says Language: {declared}, but the "
               f"catalog is in locales/{subject.code}/")


def review_signoff(subject: Subject) -> Iterator[tuple[int, str]]:
    """'reviewed' without a name and a date would still print 'unchecked': say so."""
    status = subject.status
    if _has_review_line(subject) and status.status == STATUS_REVIEWED and not status.reviewed:
        missing = [n for n, v in (("Reviewed-By", status.reviewed_by),
                                  ("Reviewed-On", status.reviewed_on)) if not v]
        yield (subject.line_of("Review-Status"),
               f"Review-Status is 'reviewed' but {' and '.join(missing)} "
               f"{'are' if len(missing) > 1 else 'is'} empty, so the handout still says the "
               "translation is unchecked: sign off with a name and a date")


def _has_review_line(subject: Subject) -> bool:
    return bool(re.search(r"^#[ \t]*Review-Status[ \t]*:", subject.catalog.header_comment or "",
                          re.MULTILINE))


def review_header(subject: Subject) -> Iterator[tuple[int, str]]:
    status = subject.status
    if not _has_review_line(subject):
        yield 1, ("no '# Review-Status:' line in the header comment; add the review lines "
                  "(see TRANSLATING.md, 'Review and sign-off')")
    elif status.status not in (STATUS_UNREVIEWED, STATUS_REVIEWED):
        yield (subject.line_of("Review-Status"), f"Review-Status is {status.status!r}; it "
               "must be 'unreviewed' or 'reviewed'")
    if status.reviewed_on:
        try:
            dt.date.fromisoformat(status.reviewed_on)
        except ValueError:
            yield (subject.line_of("Reviewed-On"), f"Reviewed-On {status.reviewed_on!r} is "
                   "not a date like 2026-11-29")


def missing_from_catalog(subject: Subject) -> Iterator[tuple[int, str]]:
    if subject.template is None:
        return
    missing = [m for m in subject.template if m.id and m.id not in subject.catalog]
    if missing:
        first = msgid_of(missing[0])
        yield 1, (f"{len(missing)} message(s) of messages.pot are not in this catalog yet "
                  f"(first: {quote_msgid(first)}); run `python build_pdf.py catalog update`")


def glossary_file(subject: Subject) -> Iterator[tuple[int, str]]:
    if subject.glossary is not None and subject.local_glossary is not None \
            and not subject.local_glossary.exists:
        yield 1, ("no glossary for this locale, so terms are not checked: create it (see "
                  "GLOSSARY.md)")


# -- message rules ----------------------------------------------------------------------------

def plural(subject: Subject, message: Message) -> Iterator[str]:
    if not isinstance(message.id, tuple) or message.fuzzy:
        return
    strings, cldr = strings_of(message), subject.cldr
    if any(strings) and not all(strings):
        # Half a plural is not a translation: gettext would print "" for those numbers.
        for index in (i for i, text in enumerate(strings) if not text):
            yield f"missing plural form msgstr[{index}] ({plural_form_examples(cldr, index)})"
    elif all(strings) and len(strings) != cldr.num_plurals:
        yield (f"has {len(strings)} plural forms; {subject.catalog.locale_identifier} needs "
               f"{cldr.num_plurals} ({subject.plural_source}: {cldr.plural_forms})")


def length_limit(subject: Subject, message: Message) -> Iterator[str]:
    for english, text in forms(message):
        if len(text) > MAX_MESSAGE_CHARS:
            yield f"translation is {len(text)} characters; the limit is {MAX_MESSAGE_CHARS}"
        elif too_long := markup.growth_problem(english, text):
            yield too_long


def placeholder(subject: Subject, message: Message) -> Iterator[str]:
    for english, text in forms(message):
        if _within_limits(english, text):
            yield from markup.placeholder_problems(english, text)


def markup_tags(subject: Subject, message: Message) -> Iterator[str]:
    for english, text in forms(message):
        if _within_limits(english, text):
            yield from markup.markup_problems(english, text)


def kept_text(subject: Subject, message: Message) -> Iterator[str]:
    """Web addresses, phone numbers and numbers the English has must print unchanged."""
    for english, text in forms(message):
        if _within_limits(english, text):
            yield from markup.kept_text_problems(english, text)


def outdated(subject: Subject, message: Message) -> Iterator[str]:
    if subject.template is not None and message.id not in subject.template:
        yield ("not in messages.pot any more (the English changed or was removed); "
               "`catalog update` keeps it as obsolete (#~)")


def fuzzy(subject: Subject, message: Message) -> Iterator[str]:
    if message.fuzzy:
        was = (f" (it was {quote_msgid(str(message.previous_id[0]))})"
               if message.previous_id else "")
        yield (f"fuzzy: the English changed{was} or the translation needs checking; it prints "
               "in English until you fix it and remove the fuzzy flag")


def untranslated(subject: Subject, message: Message) -> Iterator[str]:
    if not message.fuzzy and not is_translated(message):
        yield "untranslated: prints in English"


def glossary_terms(subject: Subject, message: Message) -> Iterator[str]:
    if subject.glossary is None or subject.local_glossary is None:
        return
    for english, text in forms(message):
        yield from glossary_problems(english, text, subject.glossary, subject.local_glossary)


def length(subject: Subject, message: Message) -> Iterator[str]:
    for english, text in forms(message):
        if problem := length_problem(english, text, subject.typical):
            yield problem


def same_as_english(subject: Subject, message: Message) -> Iterator[str]:
    for english, text in forms(message):
        if text.strip() == english.strip() and len(re.findall(r"[^\W\d_]{2,}", english)) >= 3:
            yield "translation is the English text unchanged"


def whitespace(subject: Subject, message: Message) -> Iterator[str]:
    for english, text in forms(message):
        if text != text.strip() and english == english.strip():
            yield ("translation starts or ends with a space or line break; the English does "
                   "not")


RULES: tuple[Rule, ...] = (
    Rule("plural-forms", ERROR, plural_forms_header, scope="catalog"),
    Rule("header", ERROR, language_header, scope="catalog"),
    Rule("review", ERROR, review_signoff, scope="catalog"),
    Rule("review", WARNING, review_header, scope="catalog"),
    Rule("glossary", WARNING, glossary_file, scope="catalog"),
    Rule("outdated", WARNING, missing_from_catalog, scope="catalog"),
    Rule("plural", ERROR, plural),
    Rule("length-limit", ERROR, length_limit),
    Rule("placeholder", ERROR, placeholder),
    Rule("markup", ERROR, markup_tags),
    Rule("kept-text", ERROR, kept_text),
    Rule("outdated", WARNING, outdated, always=True),
    Rule("fuzzy", WARNING, fuzzy),
    Rule("untranslated", WARNING, untranslated),
    Rule("glossary", WARNING, glossary_terms),
    Rule("length", WARNING, length),
    Rule("same-as-english", WARNING, same_as_english),
    Rule("whitespace", WARNING, whitespace),
)


def run(subject: Subject, severities: Iterable[str] = (ERROR, WARNING),
        rules: Iterable[Rule] = RULES) -> list[CatalogIssue]:
    """The rules of these severities, errors first; warnings skip messages with an error."""
    wanted = set(severities)
    chosen = [r for r in rules if r.severity in wanted]
    issues: list[CatalogIssue] = []
    for rule in (r for r in chosen if r.scope == "catalog"):
        issues += [CatalogIssue(subject.path, line, "", problem, rule.severity, rule.name)
                   for line, problem in rule.function(subject)]
    rejected: set = set()
    for severity in (ERROR, WARNING):
        for message in subject.catalog:
            if not message.id:
                continue
            for rule in chosen:
                if rule.scope != "message" or rule.severity != severity or (
                        message.id in rejected and not rule.always):
                    continue
                for problem in rule.function(subject, message):
                    issues.append(_issue(subject, message, problem, rule))
                    if severity == ERROR:
                        rejected.add(message.id)
    return issues


def _issue(subject: Subject, message: Message, problem: str, rule: Rule) -> CatalogIssue:
    return CatalogIssue(subject.path, message.lineno or 0, msgid_of(message), problem,
                        rule.severity, rule.name)


# -- helpers the rules share ------------------------------------------------------------------

def typical_ratio(catalog: Catalog) -> float:
    """This locale's usual width relative to English (CJK is narrower, Romance longer)."""
    ratios = [markup.display_width(text) / markup.display_width(english)
              for message in catalog for english, text in forms(message)
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


def plural_form_examples(cldr: Catalog, index: int) -> str:
    """Which numbers use plural form `index`, in CLDR's words: 'CLDR "other": n = 0, 2, 3, ...'."""
    pick = gettext.c2py(cldr.plural_expr)
    numbers = [n for n in range(0, 1000) if pick(n) == index][:4]
    if not numbers:
        return "used by no number under CLDR's rules"
    category = cldr.locale.plural_form(numbers[0]) if cldr.locale else "?"
    shown = ", ".join(map(str, numbers[:3])) + (", ..." if len(numbers) > 3 else "")
    return f'CLDR "{category}": n = {shown}'
