"""What a catalog rule looks at: one catalog, its file, and what it is checked against.

Shared by the rule modules (rules.py, header_rules.py, kept_text.py), so each rule is a small
function of a Subject and, for message rules, one message.
"""

from __future__ import annotations

import functools
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from .. import markup
from .glossary import Glossary, LocaleGlossary
from .plurals import GettextPlural, PluralRuleError, PluralSource, gettext_plural
from .po import ReviewStatus, ids_of, is_translated, strings_of

MAX_MESSAGE_CHARS = 4_000
#: Messages shorter than this in English (headings, labels) are too short to judge by length.
MIN_LENGTH_TO_JUDGE = 20
#: With fewer translated messages than this, the median means little: compare with 1.0.
MIN_SAMPLES_FOR_MEDIAN = 8
_HEADER_FIELD_RE = re.compile(r'^"([A-Za-z-]+):', re.MULTILINE)


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
    #: The locale's CLDR-style plural rule when CLDR does not know it (else CLDR's own).
    plural_rule: PluralSource | None = None
    #: Where that rule comes from, for the messages: "CLDR" or the definition's file name.
    plural_origin: str = "CLDR"
    _text: str | None = field(default=None, repr=False)

    @property
    def plural_source(self) -> PluralSource:
        return self.code if self.plural_rule is None else self.plural_rule

    @functools.cached_property
    def plural(self) -> GettextPlural | None:
        """The locale's plural rule as gettext evaluates it (plurals.py); None when there is
        none (a locale outside CLDR that states no rule: the header rule says so)."""
        try:
            return gettext_plural(self.plural_source)
        except PluralRuleError:
            return None

    @functools.cached_property
    def typical(self) -> float:
        return typical_ratio(self.catalog)

    @property
    def text(self) -> str:
        if self._text is None:
            try:
                self._text = self.path.read_text(encoding="utf-8", errors="replace") \
                    if self.path else ""
            except OSError:
                self._text = ""
        return self._text

    @functools.cached_property
    def header_fields(self) -> dict[str, int]:
        """Each field the file's header entry writes (as gettext reads it), with its line."""
        match = re.search(r'^msgid ""\s*\nmsgstr ""\s*\n((?:"[^\n]*\n)*)', self.text,
                          re.MULTILINE)
        if not match:
            return {}
        start = self.text.count("\n", 0, match.start(1)) + 1
        fields: dict[str, int] = {}
        for number, line in enumerate(match[1].splitlines(), start):
            found = _HEADER_FIELD_RE.match(line)
            if found and (number == start or _previous_ends_field(match[1], number - start)):
                fields.setdefault(found[1], number)
        return fields

    def line_of(self, needle: str) -> int:
        """The line where `needle` first appears in the file (1 when it does not)."""
        index = self.text.find(needle)
        return self.text.count("\n", 0, index) + 1 if index >= 0 else 1


def _previous_ends_field(block: str, index: int) -> bool:
    """A header line starts a field only when the line before ended one (with \\n)."""
    return block.splitlines()[index - 1].rstrip().endswith('\\n"')


def forms(message: Message) -> list[tuple[str, str]]:
    """(English, translation) per form of a usable message; [] for fuzzy or untranslated ones."""
    if not message.id or message.fuzzy or not is_translated(message):
        return []
    ids = ids_of(message)
    return [(ids[min(i, len(ids) - 1)], text) for i, text in enumerate(strings_of(message))]


def within_limits(english: str, text: str) -> bool:
    """Short enough for the content rules to look at (the length-limit rule reports the rest)."""
    return len(text) <= MAX_MESSAGE_CHARS and not markup.growth_problem(english, text)


def typical_ratio(catalog: Catalog) -> float:
    """This locale's usual width relative to English (CJK is narrower, Romance longer)."""
    ratios = [markup.display_width(text) / markup.display_width(english)
              for message in catalog for english, text in forms(message)
              if markup.display_width(english) >= MIN_LENGTH_TO_JUDGE]
    return statistics.median(ratios) if len(ratios) >= MIN_SAMPLES_FOR_MEDIAN else 1.0
