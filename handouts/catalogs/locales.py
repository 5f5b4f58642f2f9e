"""What a locale code means for layout: names, direction, script and fonts, from Babel/CLDR."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date
from babel.numbers import format_decimal

from .. import fonts

SOURCE_LOCALE = "en"

#: Scripts that need taller lines for stacked marks and tall clusters.
TALL_SCRIPTS = frozenset({"Mymr", "Ethi", "Deva", "Guru", "Gujr", "Beng", "Khmr", "Thai", "Laoo",
                          "Tibt", "Sinh"})


#: First digit of each decimal numbering system CLDR names as a locale default. Babel formats
#: numbers and dates with Latin digits only; this maps them to the locale's own.
_DIGIT_ZERO = {"arab": 0x0660, "arabext": 0x06F0, "beng": 0x09E6, "deva": 0x0966,
               "guru": 0x0A66, "gujr": 0x0AE6, "mymr": 0x1040, "khmr": 0x17E0, "thai": 0x0E50,
               "laoo": 0x0ED0, "tibt": 0x0F20}


#: Month names for locales whose CLDR data in Babel falls back to another language's
#: (Babel gives Haitian Creole French months). Standard Haitian Creole orthography.
_MONTHS_OVERRIDE = {
    "ht": ("janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out", "septanm",
           "oktòb", "novanm", "desanm"),
}


class LocaleError(ValueError):
    """A locale code Babel does not know."""


@dataclass(frozen=True)
class LocaleInfo:
    code: str            # as in locales/<code>/, e.g. zh_Hans
    tag: str             # BCP 47 for lang attributes and /Lang, e.g. zh-Hans
    native_name: str     # in its own language, e.g. 中文 (简体)
    english_name: str
    direction: str       # "ltr" or "rtl"
    script: str          # ISO 15924, e.g. Hans, Arab

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def babel(self) -> Locale:
        return Locale.parse(self.code)

    @property
    def digits(self) -> str:
        """The locale's default digits (CLDR), e.g. '۰۱۲۳۴۵۶۷۸۹' for Persian."""
        zero = _DIGIT_ZERO.get(self.babel.default_numbering_system)
        return "".join(chr(zero + i) for i in range(10)) if zero else "0123456789"

    def localize_digits(self, text: str) -> str:
        return text.translate(str.maketrans("0123456789", self.digits))

    def format_date(self, value) -> str:
        """A long date in the locale's own words and digits (CLDR via Babel)."""
        months = _MONTHS_OVERRIDE.get(self.code)
        text = (f"{value.day} {months[value.month - 1]} {value.year}" if months
                else format_date(value, format="long", locale=self.code))
        return self.localize_digits(text)

    def format_number(self, value) -> str:
        return self.localize_digits(format_decimal(value, locale=self.code,
                                                   numbering_system="default"))

    @property
    def font_families(self) -> list[str]:
        return fonts.families_for_script(self.script)


@functools.cache
def locale_info(code: str) -> LocaleInfo:
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
