"""How each locale writes a long date: CLDR (Babel) where it matches print usage, else a style here.

The handouts print dates inside sentences ("Content last reviewed: 29 November 2026."), so
the form must be the one readers see in their own newspapers and official papers. CLDR's
long format is right for most locales; DATE_STYLES lists the few where it is not, each with
the reason, and tests/test_dates.py pins the printed form of every one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.dates import format_date, get_month_names


@dataclass(frozen=True)
class DateStyle:
    """A long date as a str.format pattern: {day}, {month} (name), {month_number}, {year}."""
    pattern: str
    why: str
    #: How the first day of a month is written, where it is an ordinal (French 1er).
    first_day: str = ""
    #: Month names, where Babel's are not the language's own.
    months: tuple[str, ...] = ()


#: Locales whose print usage differs from CLDR's long date. Data only: add a line, with the
#: reason, and a case to tests/test_dates.py.
DATE_STYLES: dict[str, DateStyle] = {
    "fr": DateStyle("{day} {month} {year}", first_day="1er",
                    why="French writes the first of the month as an ordinal, 1er octobre "
                        "(Lexique des règles typographiques de l'Imprimerie nationale); "
                        "CLDR gives 1 octobre."),
    "pt_BR": DateStyle("{day} de {month} de {year}", first_day="1º",
                       why="Brazilian usage writes the first of the month as an ordinal, 1º de "
                           "outubro (Manual de Redação da Presidência da República); CLDR gives "
                           "1 de outubro."),
    "so": DateStyle("{day} {month} {year}",
                    why="Somali print (news, government notices) writes day, month, year: "
                        "1 Oktoobar 2026; CLDR's so pattern is month-first, Oktoobar 1, 2026."),
    "vi": DateStyle("ngày {day} tháng {month_number} năm {year}",
                    why="Vietnamese writes ngày 1 tháng 10 năm 2026 (day, month and year each "
                        "named); CLDR's long form 1 tháng 10, 2026 drops ngày and năm."),
    "ht": DateStyle("{day} {month} {year}",
                    why="Babel has no Haitian Creole month names and falls back to French; "
                        "these are the standard Haitian Creole spellings.",
                    months=("janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out",
                            "septanm", "oktòb", "novanm", "desanm")),
}


def long_date(code: str, value: dt.date) -> str:
    """The long date in Latin digits (the caller maps digits to the locale's own)."""
    style = DATE_STYLES.get(code)
    if style is None:
        return format_date(value, format="long", locale=code)
    months = style.months or tuple(get_month_names("wide", locale=code)[m] for m in range(1, 13))
    day = style.first_day if value.day == 1 and style.first_day else str(value.day)
    return style.pattern.format(day=day, month=months[value.month - 1],
                                month_number=value.month, year=value.year)
