"""The catalog rules, as data: each a name, a severity and a small function (like Babel's checkers).

Errors make a message unusable: the build leaves it out (it prints in English, visibly) and
fails the document; `catalog check` lists them and exits non-zero. Warnings are likely mistakes
for a person to look at; only `catalog check` reports them. Both run the same RULES, so a
translator sees exactly what the build will refuse.

A catalog rule looks at the whole catalog and yields (line, problem); a message rule looks at
one message and yields problems. Warnings are not reported for a message that has an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from babel.messages.catalog import Message

from .. import markup
from . import header_rules as h
from .glossary import glossary_problems
from .kept_text import brackets, kept_text, numbers
from .po import ERROR, WARNING, CatalogIssue, is_translated, msgid_of, quote_msgid, strings_of
from .subject import (
    MAX_MESSAGE_CHARS,
    MIN_LENGTH_TO_JUDGE,
    Subject,
    forms,
    typical_ratio,
    within_limits,
)

__all__ = ["MAX_MESSAGE_CHARS", "RULES", "Rule", "Subject", "run", "typical_ratio"]

#: A translation is flagged when its width ratio to English is this far from the locale's
#: usual ratio (the median over its catalog): measured spread of the shipped catalogs is
#: 0.46x to 1.55x of the median, so these flag only real outliers.
TOO_LONG, TOO_SHORT = 2.0, 0.4


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


# -- message rules ----------------------------------------------------------------------------

def plural(subject: Subject, message: Message) -> Iterator[str]:
    """As many forms as the header's nplurals (what gettext reads), none of them empty."""
    if not isinstance(message.id, tuple) or message.fuzzy:
        return
    strings, reference = strings_of(message), subject.plural
    if any(strings) and not all(strings):
        # Half a plural is not a translation: gettext would print "" for those numbers.
        for index in (i for i, text in enumerate(strings) if not text):
            shown = f" ({reference.examples(index)})" if reference else ""
            yield f"missing plural form msgstr[{index}]{shown}"
    elif all(strings) and len(strings) != subject.catalog.num_plurals:
        cldr = (f" (CLDR for {subject.code}: {reference.nplurals}, "
                f"{', '.join(reference.categories)})" if reference else "")
        yield (f"has {len(strings)} plural forms; the header's Plural-Forms says "
               f"{subject.catalog.num_plurals}{cldr}")


def length_limit(subject: Subject, message: Message) -> Iterator[str]:
    for english, text in forms(message):
        if len(text) > MAX_MESSAGE_CHARS:
            yield f"translation is {len(text)} characters; the limit is {MAX_MESSAGE_CHARS}"
        elif too_long := markup.growth_problem(english, text):
            yield too_long


def placeholder(subject: Subject, message: Message) -> Iterator[str]:
    for english, text in forms(message):
        if within_limits(english, text):
            yield from markup.placeholder_problems(english, text)


def markup_tags(subject: Subject, message: Message) -> Iterator[str]:
    for english, text in forms(message):
        if within_limits(english, text):
            yield from markup.markup_problems(english, text)


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
    """A translation that is its English: a message left in English (or a name to allow)."""
    allowed = set(subject.glossary.same_as_english if subject.glossary else []) | set(
        subject.local_glossary.same_as_english if subject.local_glossary else [])
    for english, text in forms(message):
        words = markup.PLACEHOLDER_RE.sub("", markup.TAG_RE.sub("", english))
        if text.strip() == english.strip() and english.strip() not in allowed \
                and re.search(r"[^\W\d_]{2,}", words):
            where = (subject.local_glossary.path.name if subject.local_glossary
                     else "glossary.toml")
            yield (f"translation is the English text unchanged; if it is right (a name, a "
                   f"loanword), list it in locales/{subject.code}/{where}: "
                   f"same_as_english = [{quote_msgid(english.strip())}]")
            break


def whitespace(subject: Subject, message: Message) -> Iterator[str]:
    for english, text in forms(message):
        if text != text.strip() and english == english.strip():
            yield ("translation starts or ends with a space or line break; the English does "
                   "not")


RULES: tuple[Rule, ...] = (
    Rule("plural-forms", ERROR, h.plural_forms_header, scope="catalog"),
    Rule("header", ERROR, h.language_header, scope="catalog"),
    Rule("review", ERROR, h.review_signoff, scope="catalog"),
    Rule("review", WARNING, h.review_header, scope="catalog"),
    Rule("header", WARNING, h.project_version_header, scope="catalog"),
    Rule("header", WARNING, h.bugs_header, scope="catalog"),
    Rule("glossary", WARNING, h.glossary_file, scope="catalog"),
    Rule("outdated", WARNING, h.missing_from_catalog, scope="catalog"),
    Rule("plural", ERROR, plural),
    Rule("length-limit", ERROR, length_limit),
    Rule("placeholder", ERROR, placeholder),
    Rule("markup", ERROR, markup_tags),
    Rule("kept-text", ERROR, kept_text),
    Rule("number", ERROR, numbers),
    Rule("outdated", WARNING, outdated, always=True),
    Rule("fuzzy", WARNING, fuzzy),
    Rule("untranslated", WARNING, untranslated),
    Rule("glossary", WARNING, glossary_terms),
    Rule("length", WARNING, length),
    Rule("same-as-english", WARNING, same_as_english),
    Rule("brackets", WARNING, brackets),
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
