"""What a locale code means for layout: names, direction, script and fonts, from Babel/CLDR.

A code CLDR does not know is looked up in the locales folder the caller names: its
<code>/locale.toml (definitions.py) gives the same facts, and its fallback locale the rest.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.messages.catalog import Catalog
from babel.numbers import format_decimal

from .. import fonts
from . import dates, plurals
from .definitions import (
    LocaleDefinition,
    LocaleDefinitionError,
    LocaleError,
    definition_path,
    load_definition,
)

__all__ = ["SOURCE_LOCALE", "TALL_SCRIPTS", "LocaleDefinitionError", "LocaleError", "LocaleInfo",
           "locale_info", "new_catalog"]

SOURCE_LOCALE = "en"

#: Scripts that need taller lines for stacked marks and tall clusters.
TALL_SCRIPTS = frozenset({"Mymr", "Ethi", "Deva", "Guru", "Gujr", "Beng", "Khmr", "Thai", "Laoo",
                          "Tibt", "Sinh"})


#: First digit of each decimal numbering system CLDR names as a locale default. Babel formats
#: numbers and dates with Latin digits only; this maps them to the locale's own.
_DIGIT_ZERO = {"arab": 0x0660, "arabext": 0x06F0, "beng": 0x09E6, "deva": 0x0966,
               "guru": 0x0A66, "gujr": 0x0AE6, "mymr": 0x1040, "khmr": 0x17E0, "thai": 0x0E50,
               "laoo": 0x0ED0, "tibt": 0x0F20}


#: Scripts that set one sentence after another with no space: their full stop (。) is
#: full-width and carries its own spacing, so a space after it shows as a gap.
UNSPACED_SCRIPTS = frozenset({"Hans", "Hant", "Jpan"})


@dataclass(frozen=True)
class LocaleInfo:
    code: str            # as in locales/<code>/, e.g. zh_Hans
    tag: str             # BCP 47 for lang attributes and /Lang, e.g. zh-Hans
    native_name: str     # in its own language, e.g. 中文 (简体)
    english_name: str
    direction: str       # "ltr" or "rtl"
    script: str          # ISO 15924, e.g. Hans, Arab
    #: For a language CLDR does not know: its locale.toml, read and checked (None: CLDR's).
    definition: LocaleDefinition | None = None

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def cldr_code(self) -> str:
        """The locale whose CLDR data Babel uses: this one, or its definition's fallback."""
        return self.definition.fallback if self.definition else self.code

    @property
    def babel(self) -> Locale:
        return Locale.parse(self.cldr_code)

    @property
    def digits(self) -> str:
        """The locale's default digits (CLDR), e.g. '۰۱۲۳۴۵۶۷۸۹' for Persian."""
        if self.definition and self.definition.digits:
            return self.definition.digits
        zero = _DIGIT_ZERO.get(self.babel.default_numbering_system)
        return "".join(chr(zero + i) for i in range(10)) if zero else "0123456789"

    @property
    def plural_rule(self) -> str | dict[str, str]:
        """What plurals.plural_forms takes: the CLDR code, or the definition's own rules."""
        return dict(self.definition.plural) if self.definition else self.cldr_code

    @property
    def plural_forms(self) -> str:
        """gettext's Plural-Forms header for the locale (CLDR's, or its definition's)."""
        return plurals.plural_forms(self.plural_rule)

    @property
    def plural_source(self) -> str:
        """Where the plural rule comes from, for people: 'CLDR' or the definition file."""
        return self.definition.path.name if self.definition else "CLDR"

    @property
    def sentence_joiner(self) -> str:
        """What templates put between two messages in one paragraph: a space, or nothing."""
        return "" if self.script in UNSPACED_SCRIPTS else " "

    def localize_digits(self, text: str) -> str:
        return text.translate(str.maketrans("0123456789", self.digits))

    def format_date(self, value) -> str:
        """A long date in the locale's own words and digits: a definition's pattern, else
        CLDR or dates.DATE_STYLES."""
        if self.definition:
            return self.localize_digits(self.definition.format_date(value))
        return self.localize_digits(dates.long_date(self.code, value))

    def format_number(self, value) -> str:
        return self.localize_digits(format_decimal(value, locale=self.cldr_code,
                                                   numbering_system="default"))

    @property
    def font_families(self) -> list[str]:
        return fonts.families_for_script(self.script)


def new_catalog(info: LocaleInfo, **kwargs) -> Catalog:
    """An empty Babel catalog for the locale, with its plural rule from CLDR (plurals.py) or
    from its definition (Babel's own table is older than CLDR, and gives an unknown code two
    forms)."""
    catalog = Catalog(locale=info.code, **kwargs)
    catalog.mime_headers = [("Plural-Forms", info.plural_forms)]
    return catalog


def locale_info(code: str, locales_dir: Path | None = None) -> LocaleInfo:
    """What `code` means: CLDR's data through Babel, or, for a code CLDR does not know,
    locales_dir/<code>/locale.toml. No folder is read unless one is passed (raises LocaleError;
    LocaleDefinitionError, naming the file, key and line, for a broken definition)."""
    try:
        return _cldr_info(code)
    except LocaleError as exc:
        path = definition_path(locales_dir, code) if locales_dir is not None else None
        if path is None:
            raise
        try:
            stat = os.stat(path)
        except OSError:
            raise LocaleError(f"{exc}; to add a language CLDR does not know, write {path} "
                              "(TRANSLATING.md, 'A language CLDR does not know')") from None
        return _defined_info(code, path, (stat.st_mtime_ns, stat.st_size, stat.st_ino))


@functools.lru_cache(maxsize=64)
def _defined_info(code: str, path: Path, stamp) -> LocaleInfo:
    """Read again only when the file changes (stamp), for long-lived processes."""
    definition = load_definition(path)
    return LocaleInfo(code=code, tag=code.replace("_", "-"), native_name=definition.native_name,
                      english_name=definition.english_name, direction=definition.direction,
                      script=definition.script, definition=definition)


@functools.cache
def _cldr_info(code: str) -> LocaleInfo:
    try:
        loc = Locale.parse(code)
    except (UnknownLocaleError, ValueError) as exc:
        raise LocaleError(f"unknown locale code {code!r}: {exc}") from None
    script = loc.script or _likely_script(loc)
    if loc.territory and "_" not in code:
        # An alias added a territory (tl -> fil_PH): name the language, not the country.
        loc = Locale(loc.language, script=loc.script)
    native, english = _names(loc, code)
    return LocaleInfo(
        code=code,
        tag=code.replace("_", "-"),
        # Title case, not upper case: Georgian has no capitals in running text ('ქ'.upper() is
        # the Mtavruli 'Ქ'; 'ქ'.title() is 'ქ').
        native_name=native[:1].title() + native[1:],
        english_name=english,
        direction=loc.text_direction,
        script=script,
    )


def _names(loc: Locale, code: str) -> tuple[str, str]:
    """(native, English) names. A language-territory pair that CLDR names in both languages
    takes that name (fa_AF: دری, Dari), not the generic 'Persian (Afghanistan)'."""
    pair = f"{loc.language}_{loc.territory}" if loc.territory else ""
    native, english = loc.languages.get(pair), Locale("en").languages.get(pair)
    if pair and native and english:
        return native, english
    return loc.get_display_name(loc) or code, loc.get_display_name("en") or code


def _likely_script(loc: Locale) -> str:
    """CLDR likely subtags: 'ar' -> 'ar_Arab_EG' gives Arab."""
    likely = get_global("likely_subtags")
    full = likely.get(str(loc)) or likely.get(loc.language) or ""
    parts = full.split("_")
    return parts[1] if len(parts) > 1 and len(parts[1]) == 4 else "Latn"
