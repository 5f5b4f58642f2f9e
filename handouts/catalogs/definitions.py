"""Languages CLDR does not know: locales/<code>/locale.toml says what Babel would have said.

Read only when Babel has no data for a code (Mam, Q'anjob'al, Hmong). Checked strictly, because
a translator writes it by hand: a broken file, a missing, unknown or mistyped key, or a value
outside its set is a LocaleDefinitionError 'FILE:LINE: key: problem', never a traceback. What a
definition leaves out (number separators, the long date, month names, digits) comes from its
`fallback`, a locale CLDR knows. TRANSLATING.md, "A language CLDR does not know", is the guide.
"""

from __future__ import annotations

import datetime as dt
import difflib
import gettext
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import DateTimeFormat, get_date_format, parse_pattern
from babel.plural import PluralRule, RuleError, tokenize_rule

from . import plurals

DEFINITION_FILE = "locale.toml"
MAX_DEFINITION_BYTES = 20_000
#: A folder name that can be a locale code (and never a path: no dots or slashes).
CODE_RE = re.compile(r"[a-z]{2,3}(?:_[A-Za-z0-9]{2,8})*")
DIRECTIONS = ("ltr", "rtl")
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many")   # "other" is every other number
#: Words a rule may use: whole-number operands only, as gettext can express them.
PLURAL_WORDS = frozenset({"n", "i", "and", "or", "is", "not", "in", "within", "mod"})
#: Date fields a pattern may use: day, month (numbers or names) and year.
DATE_FIELDS = frozenset("dMLy")
_SAMPLE_DATE = dt.date(2026, 10, 1)

#: key -> (required, what it must be). The order is the order a new file lists them in.
KEYS: dict[str, tuple[bool, str]] = {
    "native_name": (True, "the language's name in itself, e.g. \"Qyol Mam\""),
    "english_name": (True, "the language's name in English, e.g. \"Mam\""),
    "script": (True, "the ISO 15924 code of its script, e.g. \"Latn\""),
    "direction": (True, "\"ltr\" or \"rtl\""),
    "fallback": (True, "a CLDR locale for what this file leaves out, e.g. \"es\""),
    "plural": (True, "CLDR plural rules, e.g. {one = \"n is 1\"}; {} for one form"),
    "digits": (False, "the ten digits 0 to 9 in the script, e.g. \"0123456789\""),
    "date_pattern": (False, "a CLDR (LDML) date pattern, e.g. \"d MMMM y\""),
    "months": (False, "the twelve month names, January first"),
}


class LocaleError(ValueError):
    """A locale code Babel does not know (and no locale.toml defines), or a broken locale.toml."""


class LocaleDefinitionError(LocaleError):
    """A locale.toml that cannot be used; str() is 'FILE:LINE: key: problem'."""

    def __init__(self, path: Path, line: int, key: str, problem: str):
        self.path, self.line, self.key = path, line, key
        self.problem = f"{key}: {problem}" if key else problem
        where = f"{path}:{line}" if line > 0 else str(path)
        super().__init__(f"{where}: {self.problem}")


@dataclass(frozen=True)
class LocaleDefinition:
    """A language as its locale.toml defines it; empty optional values mean the fallback's."""
    path: Path
    native_name: str
    english_name: str
    script: str
    direction: str
    fallback: str
    #: CLDR plural rules as written, e.g. (("one", "n is 1"),); () is one form for every number.
    plural: tuple[tuple[str, str], ...]
    digits: str = ""
    date_pattern: str = ""
    months: tuple[str, ...] = ()

    def format_date(self, value: dt.date) -> str:
        """The date in the definition's pattern and month names (the fallback's for the rest)."""
        pattern = self.date_pattern or get_date_format("long", locale=self.fallback).pattern
        return format_date_with(value, pattern, self.fallback, self.months)


def definition_path(locales_dir: Path, code: str) -> Path | None:
    """locales_dir/<code>/locale.toml, or None when `code` cannot be a folder name."""
    return locales_dir / code / DEFINITION_FILE if CODE_RE.fullmatch(code) else None


def format_date_with(value: dt.date, pattern: str, locale: str, months: tuple[str, ...]) -> str:
    """Babel's LDML formatting, with wide month names (MMMM, LLLL) replaced when given."""
    fields = DateTimeFormat(value, Locale.parse(locale))

    class _Fields:
        def __getitem__(self, name: str) -> str:
            if months and name[0] in "ML" and len(name) == 4:
                return months[value.month - 1]
            return fields[name]

    return _python_format(pattern) % _Fields()


def _python_format(pattern: str) -> str:
    """An LDML pattern as Babel turns it into %-formatting: 'd MMMM y' -> '%(d)s %(MMMM)s %(y)s'."""
    return str(parse_pattern(pattern).format)


def load_definition(path: Path) -> LocaleDefinition:
    """The checked definition in `path` (raises LocaleDefinitionError, naming file and key)."""
    text = _read(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise LocaleDefinitionError(path, int(found[1]) if found else 0, "",
                                    f"not valid TOML: {reason}") from None
    checker = _Checker(path, text, data)
    return checker.definition()


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LocaleDefinitionError(path, 0, "", f"cannot read: {exc.strerror}") from None
    if len(data) > MAX_DEFINITION_BYTES:
        raise LocaleDefinitionError(path, 1, "", f"file is {len(data):,} bytes; the limit is "
                                    f"{MAX_DEFINITION_BYTES:,}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LocaleDefinitionError(path, data[:exc.start].count(b"\n") + 1, "",
                                    "not valid UTF-8: save the file as UTF-8") from None


class _Checker:
    """Checks one parsed file key by key; each problem names the key and its line."""

    def __init__(self, path: Path, text: str, data: dict):
        self.path, self.text, self.data = path, text, data

    def line_of(self, key: str) -> int:
        """The line that sets `key` (or opens its [table]); 0 when the file has none."""
        found = re.search(rf"^[ \t]*(?:{re.escape(key)}[ \t]*=|\[[ \t]*{re.escape(key)}"
                          r"[ \t]*\])", self.text, re.MULTILINE)
        return self.text.count("\n", 0, found.start()) + 1 if found else 0

    def fail(self, key: str, problem: str) -> LocaleDefinitionError:
        return LocaleDefinitionError(self.path, self.line_of(key), key, problem)

    def definition(self) -> LocaleDefinition:
        for key in self.data:
            if key not in KEYS:
                close = difflib.get_close_matches(key, KEYS, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise self.fail(key, f"unknown key; {hint}known keys: {', '.join(KEYS)}")
        for key, (required, what) in KEYS.items():
            if required and key not in self.data:
                raise LocaleDefinitionError(self.path, 0, key,
                                            f"missing required key: give {what}")
        rules = self.plural()
        definition = LocaleDefinition(
            path=self.path, native_name=self.name("native_name"),
            english_name=self.name("english_name"), script=self.script(),
            direction=self.choice("direction", DIRECTIONS), fallback=self.fallback(),
            plural=tuple(rules.items()),
            digits=self.digits(), date_pattern=self.date_pattern(), months=self.months())
        try:  # the pattern and the fallback's data together: fail here, not mid-build
            definition.format_date(_SAMPLE_DATE)
        except (KeyError, ValueError, AttributeError) as exc:
            raise self.fail("date_pattern", f"cannot format a date: {exc}") from None
        return definition

    def string(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self.fail(key, f"must be a string ({KEYS[key][1]}), not "
                            f"{_type_name(value)}")
        return value

    def name(self, key: str) -> str:
        value = self.string(key).strip()
        if not value or len(value) > 80 or any(unicodedata.category(c)[0] == "C" for c in value):
            raise self.fail(key, "must be a name of 1 to 80 printable characters")
        return value

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.string(key)
        if value not in allowed:
            raise self.fail(key, f"{value!r} is not one of {', '.join(map(repr, allowed))}")
        return value

    def script(self) -> str:
        value = self.string("script")
        if value not in Locale("en").scripts:
            raise self.fail("script", f"{value!r} is not an ISO 15924 script code CLDR knows "
                            "(four letters, first capital: Latn, Arab, Cyrl, Hmng, ...)")
        return value

    def fallback(self) -> str:
        value = self.string("fallback")
        try:
            Locale.parse(value)
        except (UnknownLocaleError, ValueError):
            raise self.fail("fallback", f"{value!r} is not a locale CLDR knows (such as es, "
                            "en or fr)") from None
        return value

    def plural(self) -> dict[str, str]:
        value = self.data["plural"]
        if not isinstance(value, dict):
            raise self.fail("plural", f"must be a table ({KEYS['plural'][1]}), not "
                            f"{_type_name(value)}")
        for category, rule in value.items():
            if category not in PLURAL_CATEGORIES:
                raise self.fail("plural", f"unknown category {category!r}; use "
                                f"{', '.join(PLURAL_CATEGORIES)} (every other number is "
                                "'other')")
            if not isinstance(rule, str):
                raise self.fail("plural", f"the rule for {category!r} must be a string, not "
                                f"{_type_name(rule)}")
            try:
                words = {v for kind, v in tokenize_rule(rule) if kind == "word"}
                PluralRule({category: rule})
            except (RuleError, ValueError) as exc:
                raise self.fail("plural", f"the rule for {category!r} ({rule!r}) is not a "
                                f"CLDR plural rule: {exc}") from None
            if words - PLURAL_WORDS:
                raise self.fail("plural", f"the rule for {category!r} uses "
                                f"{', '.join(sorted(words - PLURAL_WORDS))}: gettext counts "
                                "whole numbers only, so use the operands n and i")
        forms = plurals.plural_forms(value)
        try:
            gettext.c2py(forms.split("plural=", 1)[1].rstrip(";"))
        except ValueError as exc:  # cannot happen for rules that passed; never ship junk
            raise self.fail("plural", f"gives {forms!r}, which gettext rejects: {exc}") from None
        return dict(value)

    def digits(self) -> str:
        if "digits" not in self.data:
            return ""
        value = self.string("digits")
        if len(value) != 10 or any(unicodedata.decimal(c, -1) != i for i, c in enumerate(value)):
            raise self.fail("digits", f"{value!r} is not the ten decimal digits 0 to 9 of one "
                            "script, in order")
        return value

    def date_pattern(self) -> str:
        if "date_pattern" not in self.data:
            return ""
        value = self.string("date_pattern")
        try:
            fields = set(re.findall(r"%\((\w+)\)s", _python_format(value)))
        except (ValueError, TypeError) as exc:
            raise self.fail("date_pattern", f"{value!r} is not a date pattern: {exc}") from None
        odd = sorted(f for f in fields if f[0] not in DATE_FIELDS)
        kinds = {f[0] for f in fields}
        if odd or not ({"d", "y"} <= kinds and kinds & {"M", "L"}):
            raise self.fail("date_pattern", f"{value!r} must show the day (d), month (M or L) "
                            "and year (y) and nothing else"
                            + (f"; it has {', '.join(odd)}" if odd else ""))
        return value

    def months(self) -> tuple[str, ...]:
        if "months" not in self.data:
            return ()
        value = self.data["months"]
        if not (isinstance(value, list) and len(value) == 12
                and all(isinstance(m, str) and m.strip() for m in value)):
            raise self.fail("months", "must be a list of the twelve month names (strings), "
                            "January first")
        return tuple(m.strip() for m in value)


def _type_name(value) -> str:
    return {str: "a string", bool: "true/false", int: "a number", float: "a number",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__) \
        if value is not None else "nothing"
