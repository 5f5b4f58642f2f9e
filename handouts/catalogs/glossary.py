"""The glossary: recurring terms (locales/glossary.toml) and each locale's agreed forms.

A message whose English has a term should use one of the locale's agreed forms for it; the
`glossary` rule (rules.py) warns when it does not. Broken TOML is reported as FILE:LINE.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .. import markup
from .po import ERROR, WARNING, CatalogError, CatalogIssue, shown_path

_TOML_LINE_RE = re.compile(r"at line (\d+)")


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
    #: Messages every locale may leave as the English (names: `same_as_english = [...]`).
    same_as_english: list[str] = field(default_factory=list)


@dataclass
class LocaleGlossary:
    """locales/<locale>/glossary.toml: the forms a locale accepts for each term."""
    path: Path
    forms: dict[str, list[str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    issues: list[CatalogIssue] = field(default_factory=list)
    exists: bool = True
    #: Messages this locale writes as in English (a loanword, a name): no same-as-english warning.
    same_as_english: list[str] = field(default_factory=list)


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


def load_glossary(path: Path) -> Glossary:
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
    same = data.get("same_as_english", [])
    if not isinstance(same, list) or not all(isinstance(s, str) for s in same):
        raise CatalogError.at(path, _key_lines(text).get("same_as_english", 1),
                              'same_as_english must be a list of strings, e.g. ["WhatsApp"]')
    return Glossary(path, terms, same)


def load_locale_glossary(code: str, glossary: Glossary, locales_dir: Path) -> LocaleGlossary:
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
    same = data.get("same_as_english", [])
    if isinstance(same, list) and all(isinstance(s, str) for s in same):
        result.same_as_english = same
    else:
        result.issues.append(CatalogIssue(
            path, result.lines.get("same_as_english", 1), "", "same_as_english must be a list "
            'of strings, e.g. same_as_english = ["WhatsApp"]', ERROR, "glossary"))
    for key, value in (data.get("terms") or {}).items():
        line = result.lines.get(key, 1)
        if key not in glossary.terms:
            result.issues.append(CatalogIssue(
                path, line, "", f"unknown term {key!r}: the terms are the [terms.*] tables of "
                f"{shown_path(glossary.path)}", WARNING, "glossary"))
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
                f"agreed forms {agreed} ({shown_path(local.path)}:"
                f"{local.lines.get(key, 1)})")
    return problems


