"""Plural-Forms headers from CLDR: Babel's plural rules, written as gettext can evaluate them.

gettext picks a plural form with a C expression of n, a whole number, so only the whole-number
part of a CLDR rule can be written: the fraction operands (v, w, f, t) are 0 and i is n. A
category no whole number reaches (Russian "other", used only for fractions) is left out.

CLDR's "many" of Spanish, French, Italian, Portuguese and Catalan is for whole millions ("un
millón de minutos") and for numbers in exponent notation, written with an operand e (also c)
that gettext does not have; `babel.plural.to_gettext` writes `e` anyway, which gettext cannot
parse. The choice is ours: this project drops that category, as gettext's usual two-form
headers (msginit, Poedit, pofilter) do, so a million takes the "other" form and those
languages keep two forms (the handouts' numbers are minutes and hours). Weblate keeps it for
every whole million (`n != 0 && n % 1000000 == 0`, three forms); `accepts` takes that header
too, since it is CLDR's own answer for every whole number.

`plural_forms` takes a locale code or an explicit CLDR rule, so a locale that CLDR does not
know can state its rule ("one: n = 1; few: n = 2..4") and get its header the same way.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.plural import PluralRule, RuleError

#: CLDR's order of the categories: gettext's msgstr[0], msgstr[1], ... follow it.
CATEGORIES = ("zero", "one", "two", "few", "many", "other")
#: Whole numbers a header must agree with CLDR on: every remainder mod 10 and 100 below 1001,
#: and large ones where rules about thousands and millions (CLDR "many") differ.
SAMPLE_NUMBERS = (*range(0, 1001), 1011, 10_000, 100_000, 999_999, 1_000_000, 1_000_001,
                  1_000_011, 2_000_000, 10_000_000, 1_000_000_000)
_FRACTION_OPERANDS = {"v", "w", "f", "t"}
_EXPONENT_OPERANDS = {"e", "c"}

PluralSource = str | Locale | PluralRule | Mapping[str, str]


class PluralRuleError(ValueError):
    """A rule (or locale) no Plural-Forms header can be made from; str() says why."""


@dataclass(frozen=True)
class GettextPlural:
    """A plural rule as gettext sees it: the CLDR category of each msgstr[] and the C
    expression that picks one."""
    categories: tuple[str, ...]
    expression: str

    @property
    def nplurals(self) -> int:
        return len(self.categories)

    @property
    def header(self) -> str:
        """The Plural-Forms value: 'nplurals=2; plural=(n != 1);'."""
        return f"nplurals={self.nplurals}; plural=({self.expression});"

    def index(self, n: int) -> int:
        return _evaluator(self.expression)(n)

    def examples(self, index: int, limit: int = 3) -> str:
        """Which numbers take msgstr[index], in CLDR's words: 'CLDR "other": n = 0, 2, 3, ...'."""
        if not 0 <= index < self.nplurals:
            return "used by no number under CLDR's rules"
        numbers = [n for n in SAMPLE_NUMBERS if self.index(n) == index][:limit + 1]
        shown = ", ".join(map(str, numbers[:limit])) + (", ..." if len(numbers) > limit else "")
        return f'CLDR "{self.categories[index]}": n = {shown}'


def plural_forms(rule_or_locale: PluralSource) -> str:
    """The Plural-Forms header for a locale code ('pt_BR') or an explicit CLDR rule.

    A rule is a mapping {"one": "n = 1", "few": "n % 10 = 2..4"}, a babel PluralRule, or a
    string of CLDR rules "one: n = 1; few: n = 2..4" (the "other" category is implied).
    Raises PluralRuleError for an unknown locale or a rule Babel cannot parse.
    """
    return gettext_plural(rule_or_locale).header


def gettext_plural(rule_or_locale: PluralSource, *, millions: bool = False) -> GettextPlural:
    """The rule for whole numbers; `millions` keeps an exponent category as Weblate does."""
    rule = cldr_rule(rule_or_locale)
    conditions = dict(rule.abstract)
    if not millions:
        conditions = {tag: ast for tag, ast in conditions.items() if not _uses_exponent(ast)}
    kept = [tag for tag in CATEGORIES if tag in conditions or tag == "other"]
    compiled = {tag: _condition(conditions[tag]) for tag in kept if tag != "other"}
    reached = {tag: [n for n in SAMPLE_NUMBERS if _holds(compiled, tag, n)] for tag in kept}
    used = tuple(tag for tag in kept if reached[tag])
    if len(used) == 2:  # the usual two forms read best as one test: 'n != 1', 'n > 1'
        return GettextPlural(used, str(_condition(conditions[used[0]], negated=True)))
    return GettextPlural(used, _chain([compiled.get(tag, True) for tag in used]))


def cldr_rule(rule_or_locale: PluralSource) -> PluralRule:
    """A babel PluralRule from a locale code, a Locale or an explicit rule."""
    if isinstance(rule_or_locale, PluralRule):
        return rule_or_locale
    if isinstance(rule_or_locale, Locale):
        return rule_or_locale.plural_form
    try:
        if isinstance(rule_or_locale, str) and ":" not in rule_or_locale:
            return Locale.parse(rule_or_locale).plural_form
        rules = (_parse_rule_text(rule_or_locale) if isinstance(rule_or_locale, str)
                 else dict(rule_or_locale))
        return PluralRule({tag: text for tag, text in rules.items() if tag != "other"})
    except (UnknownLocaleError, RuleError, ValueError, TypeError) as exc:
        raise PluralRuleError(f"no plural rule in {rule_or_locale!r}: {exc}") from None


def _parse_rule_text(text: str) -> dict[str, str]:
    """'one: n = 1; few: n = 2..4' -> {'one': 'n = 1', 'few': 'n = 2..4'}."""
    rules = {}
    for part in filter(str.strip, text.split(";")):
        tag, sep, condition = part.partition(":")
        if not sep:
            raise ValueError(f"{part.strip()!r} is not 'category: condition'")
        rules[tag.strip()] = condition.strip()
    return rules


def accepts(nplurals: int, expression: str, rule_or_locale: PluralSource) -> int | None:
    """None when this header agrees with CLDR on every whole number in SAMPLE_NUMBERS (with
    or without the millions category), else the first number it puts in another form."""
    try:
        header = _evaluator(expression)
    except ValueError:
        return 0
    first_wrong = 0
    for reference in (gettext_plural(rule_or_locale),
                      gettext_plural(rule_or_locale, millions=True)):
        if reference.nplurals != nplurals:
            continue
        wrong = next((n for n in SAMPLE_NUMBERS if _safe(header, n) != reference.index(n)), None)
        if wrong is None:
            return None
        first_wrong = wrong
    return first_wrong


def _safe(evaluate: Callable[[int], int], n: int) -> int:
    try:
        return evaluate(n)
    except (ArithmeticError, ValueError, TypeError):  # e.g. n % 0 in a broken header
        return -1


_EVALUATORS: dict[str, Callable[[int], int]] = {}


def _evaluator(expression: str) -> Callable[[int], int]:
    """The header's expression as gettext evaluates it (Python's gettext.c2py)."""
    if expression not in _EVALUATORS:
        _EVALUATORS[expression] = gettext.c2py(expression)
    return _EVALUATORS[expression]


# -- compiling CLDR conditions to C, for whole numbers ----------------------------------------

#: A compiled condition: True or False when it no longer depends on n, else C text.
Condition = bool | str


def _uses_exponent(ast: Any) -> bool:
    if isinstance(ast, tuple):
        if len(ast) == 2 and isinstance(ast[0], str) and ast[0] in _EXPONENT_OPERANDS \
                and ast[1] == ():
            return True
        return any(_uses_exponent(part) for part in ast)
    if isinstance(ast, list):
        return any(_uses_exponent(part) for part in ast)
    return False


def _operand(node: Any) -> int | str:
    """n and i are n (a whole number); fraction and exponent operands are 0."""
    kind, args = node
    if kind == "mod":
        inner, (_, (divisor,)) = args
        value = _operand(inner)
        return value % divisor if isinstance(value, int) else f"{value} % {divisor}"
    return "n" if kind in ("n", "i") else 0


def _relation(operand: int | str, ranges: list, negated: bool = False) -> Condition:
    if isinstance(operand, int):
        return any(lo <= operand <= hi for lo, hi in ranges) != negated
    parts = []
    for lo, hi in _merged(ranges):
        if lo == hi:
            parts.append(f"{operand} {'!=' if negated else '=='} {lo}")
        elif lo == 0:
            parts.append(f"{operand} {'>' if negated else '<='} {hi}")
        elif negated:
            parts.append(f"{operand} < {lo} || {operand} > {hi}")
        else:
            parts.append(f"{operand} >= {lo} && {operand} <= {hi}")
    return _combine(parts, is_and=negated)


def _merged(ranges: list) -> list[tuple[int, int]]:
    """'0, 1' and '0..1' alike: adjacent ranges as one."""
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def _condition(ast: Any, negated: bool = False) -> Condition:
    kind, args = ast
    if kind == "not":
        return _condition(args[0], not negated)
    if kind in ("and", "or"):
        # De Morgan: not (a and b) = not a or not b.
        is_and = (kind == "and") != negated
        return _combine([_condition(part, negated) for part in args], is_and)
    if kind in ("is", "isnot"):
        operand, (_, (value,)) = args
        return _relation(_operand(operand), [(value, value)], negated != (kind == "isnot"))
    _method, operand, (_, ranges) = args
    bounds = [(lo[1][0], hi[1][0]) for lo, hi in ranges]
    return _relation(_operand(operand), bounds, negated)


def _combine(parts: list[Condition] | list[str], is_and: bool) -> Condition:
    if any(p is (not is_and) for p in parts):  # a False in "and", a True in "or"
        return not is_and
    texts = [p for p in parts if isinstance(p, str)]
    if not texts:
        return is_and
    if len(texts) == 1:
        return texts[0]
    if is_and:
        return " && ".join(f"({t})" if "||" in t else t for t in texts)
    return " || ".join(f"({t})" if "&&" in t else t for t in texts)


def _holds(compiled: dict[str, Condition], tag: str, n: int) -> bool:
    """Whether n lands in category tag: the first category whose condition holds, else other."""
    for other, condition in compiled.items():
        if _truth(condition, n):
            return other == tag
    return tag == "other"


def _truth(condition: Condition, n: int) -> bool:
    return condition if isinstance(condition, bool) else bool(_evaluator(condition)(n))


def _chain(conditions: list[Condition]) -> str:
    """'c0 ? 0 : c1 ? 1 : 2': the first category whose condition holds, else the last."""
    if len(conditions) <= 1:
        return "0"
    parts = [f"({c}) ? {i} : " if "||" in c or "&&" in c else f"{c} ? {i} : "
             for i, c in enumerate(conditions[:-1]) if isinstance(c, str)]
    return "".join(parts) + str(len(conditions) - 1)

