"""Message rules for what a translation keeps from its English: web addresses, email addresses,
phone numbers and numbers are facts; brackets and quotation marks come in pairs.

Numbers are compared by value, whatever the digits: a Persian "۴۸" is the English "48", and
"1.000" in Spanish is the English "1,000" (the locale's group separator, from Babel).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

from babel import UnknownLocaleError
from babel.messages.catalog import Message
from babel.numbers import NumberFormatError, get_group_symbol

from .. import markup
from .locales import LocaleError, locale_info
from .subject import Subject, forms, within_limits

#: Text that is not read for numbers: checked by its own rule, or not text at all.
_NOT_NUMBERS_RE = re.compile("|".join(f"(?:{p})" for p in (
    markup.PLACEHOLDER_RE.pattern, markup.TAG_RE.pattern, markup.URL_RE.pattern,
    markup.EMAIL_RE.pattern, markup.PHONE_RE.pattern)), re.IGNORECASE)
_SPACES = "\u0020\u00a0\u202f"

#: Opening mark -> the marks that may close it: “ closes „ (German, Czech) and opens ” (English);
#: » opens « (Danish) and ” opens ” (Swedish). Single quotes are left alone: ’ is an apostrophe.
PAIRS = {"(": ")", "[": "]", "{": "}", "（": "）", "［": "］", "【": "】", "《": "》", "〈": "〉",
         "「": "」", "『": "』", "«": "»", "‹": "›", "“": "”", "„": "“”", "»": "«", "”": "”"}
CLOSERS = frozenset("".join(PAIRS.values())) - frozenset(PAIRS)


def kept_text(subject: Subject, message: Message) -> Iterator[str]:
    """Web addresses, email addresses and phone numbers print as in the English."""
    for english, text in forms(message):
        if within_limits(english, text):
            yield from markup.kept_text_problems(english, text)


def numbers(subject: Subject, message: Message) -> Iterator[str]:
    """Every number of the English is in the translation (in any digits)."""
    group = _group_symbol(subject.code)
    for english, text in forms(message):
        if not within_limits(english, text):
            continue
        have = numbers_in(text, group)
        for number in dict.fromkeys(numbers_in(english, ",")):
            if number not in have:
                found = f" (it has {', '.join(dict.fromkeys(have))})" if have else ""
                yield (f"number {number} of the English is missing or changed{found}: write "
                       f"{number}{_native(subject.code, number)}")
                break


def brackets(subject: Subject, message: Message) -> Iterator[str]:
    """Brackets and quotation marks are closed as they were opened (per script: « », 「 」...)."""
    for english, text in forms(message):
        if within_limits(english, text) and unbalanced(english) is None \
                and (problem := unbalanced(text)):
            yield problem


def numbers_in(text: str, group: str = ",") -> list[str]:
    """The numbers in a text, as Latin digits without grouping: '١٬٠٠٠ and 48' -> 1000, 48."""
    separators = {",", group} | (set(_SPACES) if group in _SPACES else set())
    pattern = rf"\d+(?:[{re.escape(''.join(separators))}]\d{{3}}(?!\d))*"
    found = []
    for match in re.finditer(pattern, _NOT_NUMBERS_RE.sub(" ", text)):
        digits = "".join(str(unicodedata.digit(c)) for c in match[0] if c.isdigit())
        found.append(str(int(digits)))
    return found


def unbalanced(text: str) -> str | None:
    """The first bracket or quotation mark without its partner, described; None if all pair."""
    open_marks: list[str] = []
    for char in markup.PLACEHOLDER_RE.sub("", markup.TAG_RE.sub("", text)):
        if open_marks and char in PAIRS[open_marks[-1]]:
            open_marks.pop()
        elif char in PAIRS:
            open_marks.append(char)
        elif char in CLOSERS:
            return f"{char} closes nothing: a bracket or quotation mark is unbalanced"
    if open_marks:
        return (f"{open_marks[-1]} is never closed (with {' or '.join(PAIRS[open_marks[-1]])}):"
                " a bracket or quotation mark is unbalanced")
    return None


@functools.cache
def _group_symbol(code: str) -> str:
    try:
        return get_group_symbol(code, numbering_system="default")
    except (UnknownLocaleError, ValueError, LookupError, NumberFormatError):
        return ","  # a locale outside CLDR: English grouping


def _native(code: str, number: str) -> str:
    try:
        native = locale_info(code).localize_digits(number)
    except LocaleError:
        return ""
    return f" (or {native}, in this locale's digits)" if native != number else ""
