"""The printed long date of every locale with a DATE_STYLES entry, and CLDR for the rest."""

from __future__ import annotations

from datetime import date

import pytest

from handouts.catalogs import dates
from handouts.catalogs.locales import locale_info

FIRST, OTHER = date(2026, 10, 1), date(2025, 9, 18)


@pytest.mark.parametrize("code, first, other", [
    ("fr", "1er octobre 2026", "18 septembre 2025"),
    ("pt_BR", "1º de outubro de 2026", "18 de setembro de 2025"),
    ("so", "1 Oktoobar 2026", "18 Sebtembar 2025"),
    ("vi", "ngày 1 tháng 10 năm 2026", "ngày 18 tháng 9 năm 2025"),
    ("ht", "1 oktòb 2026", "18 septanm 2025"),
])
def test_print_usage_where_cldr_differs(code, first, other):
    info = locale_info(code)
    assert info.format_date(FIRST) == first
    assert info.format_date(OTHER) == other


@pytest.mark.parametrize("code, first", [
    ("es", "1 de octubre de 2026"),      # Spanish writes the 1st as a plain number
    ("zh_Hans", "2026年10月1日"),
    ("ko", "2026년 10월 1일"),
    ("fa", "۱ اکتبر ۲۰۲۶"),               # CLDR, then the locale's own digits
])
def test_cldr_where_it_is_right(code, first):
    assert code not in dates.DATE_STYLES
    assert locale_info(code).format_date(FIRST) == first


def test_every_style_gives_its_reason_and_twelve_months():
    for code, style in dates.DATE_STYLES.items():
        assert len(style.why) > 40, code
        assert not style.months or len(style.months) == 12, code
        assert "{day}" in style.pattern and "{year}" in style.pattern, code
