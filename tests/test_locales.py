"""Every shipped locale: complete, honest about its status, and printed correctly in its script."""

from __future__ import annotations

import re
import subprocess
import tomllib

import pytest
from babel import Locale, localedata

from handouts import catalogs, cli, content, fonts
from handouts.catalogs import plurals
from handouts.catalogs.locales import TALL_SCRIPTS, locale_info
from handouts.catalogs.stats import count
from handouts.contact import parse_contact
from handouts.render import Document, Renderer
from handouts.render.html import page_css
from handouts.sources import Sources
from tests.conftest import LOCALES, TEMPLATES, page_text

SHIPPED = [code for code in catalogs.available_locales(LOCALES) if code != "en"]
REQUIRED = ["es", "zh_Hans", "zh_Hant", "vi", "ko", "tl", "ar", "fa", "ht", "pt_BR", "ru", "uk",
            "fr", "am", "so", "pa", "ne", "my",
            "tr", "ro", "hi", "gu", "bn", "ps", "fa_AF", "ur", "ka", "uz"]
CLOSING_PUNCTUATION = "。，、）」』！？：；"


def test_every_required_locale_ships():
    assert set(REQUIRED) <= set(SHIPPED)


@pytest.mark.parametrize("code", SHIPPED)
def test_catalog_complete_and_clean(code):
    catalog = catalogs.load(code, LOCALES)
    stats = count(catalog, catalogs.read_catalog_file(LOCALES / "messages.pot"))
    assert stats.untranslated == 0 and stats.fuzzy == 0, stats
    assert [str(i) for i in catalog.issues if i.severity == "error"] == []


@pytest.mark.parametrize("code", SHIPPED)
def test_status_is_recorded_honestly(code):
    catalog = catalogs.load(code, LOCALES)
    header = catalog.catalog.header_comment
    assert re.search(r"^# Review-Status: (unreviewed|reviewed)$", header, re.M)
    assert re.search(r"^# Drafted-By: .+", header, re.M)
    if catalog.status.status == "reviewed":
        assert catalog.status.reviewed_by and catalog.status.reviewed_on
    else:
        assert "without a fluent" in catalog.status.drafted_by
        assert not catalog.status.reviewed


@pytest.mark.parametrize("code", SHIPPED)
def test_glossary_and_review_notes_exist(code):
    glossary = tomllib.loads((LOCALES / code / "glossary.toml").read_text("utf-8"))
    english = tomllib.loads((LOCALES / "glossary.toml").read_text("utf-8"))
    assert set(english["terms"]) <= set(glossary["terms"])
    assert (LOCALES / code / "REVIEW.md").read_text("utf-8").strip()


@pytest.fixture(scope="module")
def every_locale(tmp_path_factory):
    """The flyer in every locale on both papers, in strict mode (no English fallback)."""
    out = tmp_path_factory.mktemp("all-locales")
    status = cli.main(["--handout", "287g-basics", "--strict", "--no-site", "--out", str(out)])
    return out, status


def test_flyer_builds_strict_in_every_locale(every_locale):
    out, status = every_locale
    assert status == 0
    for code in SHIPPED:
        for paper in content.PAPERS:
            assert (out / code / f"287g-basics-{paper}.pdf").is_file(), (code, paper)


@pytest.mark.parametrize("code", ["zh_Hans", "zh_Hant", "ko"])
def test_cjk_lines_never_start_with_closing_punctuation(every_locale, code):
    out, _ = every_locale
    lines = [line.strip() for line in page_text(out / code / "287g-basics-a4.pdf").splitlines()]
    offenders = [line for line in lines if line and line[0] in CLOSING_PUNCTUATION]
    assert offenders == []


def _html(code, **kwargs):
    renderer = Renderer(TEMPLATES)
    return renderer.html(Document(content.HANDOUTS["287g-basics"], catalogs.load(code, LOCALES),
                                  content.PAPERS["letter"],
                                  parse_contact({"phone": "(972) 656-0560"})),
                         **kwargs)


@pytest.mark.parametrize("code,direction", [("ar", "rtl"), ("fa", "rtl"), ("my", "ltr"),
                                            ("ur", "rtl"), ("ps", "rtl"), ("fa_AF", "rtl"),
                                            ("ka", "ltr"), ("gu", "ltr"), ("bn", "ltr")])
def test_html_declares_language_and_direction(code, direction):
    html = _html(code)
    info = locale_info(code)
    assert f'<html lang="{info.tag}" dir="{direction}"' in html


def test_ltr_runs_are_isolated_in_rtl_text():
    html = _html("ar")
    assert '<bdi dir="ltr">287(g)</bdi>' in html
    assert '<bdi dir="ltr" class="ltr">(972) 656-0560</bdi>' in html


def test_tall_scripts_get_more_leading_and_no_faux_italic():
    my_css = str(page_css(locale_info("my"), content.PAPERS["a4"], False))
    en_css = str(page_css(locale_info("en"), content.PAPERS["a4"], False))
    assert "--leading: 1.55" in my_css and "--leading" not in en_css
    assert "font-style: normal" in my_css and "font-style" not in en_css


@pytest.mark.parametrize("code", ["gu", "bn", "hi"])
def test_indic_scripts_get_taller_lines(code):
    assert "--leading: 1.55" in str(page_css(locale_info(code), content.PAPERS["a4"], False))


def test_georgian_keeps_the_leading_of_latin():
    """Noto Sans Georgian's letters span 1.09 em, less than the smallest scale's 1.16 leading."""
    assert "--leading" not in str(page_css(locale_info("ka"), content.PAPERS["a4"], False))


def _letter_span_em(family: str, first: int, last: int) -> float:
    """Top of the tallest to bottom of the deepest letter of a Unicode block, in em."""
    from fontTools.ttLib import TTFont

    path = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True,
                          check=True).stdout
    font = TTFont(path)
    glyphs, cmap = font["glyf"], font.getBestCmap()
    boxes = [glyphs[cmap[c]] for c in range(first, last + 1) if c in cmap]
    boxes = [g for g in boxes if g.numberOfContours]
    return (max(g.yMax for g in boxes) - min(g.yMin for g in boxes)) / font["head"].unitsPerEm


@pytest.mark.parametrize("script,first,last", [
    ("Deva", 0x0900, 0x097F), ("Guru", 0x0A00, 0x0A7F), ("Gujr", 0x0A80, 0x0AFF),
    ("Beng", 0x0980, 0x09FF), ("Geor", 0x10D0, 0x10FF)])
def test_tall_scripts_are_those_whose_letters_outgrow_the_tightest_leading(script, first, last):
    """A script gets taller lines exactly when its letters span more than the smallest
    scale's leading (README, "Fonts")."""
    css = (TEMPLATES / "handouts.css").read_text(encoding="utf-8")
    tightest = float(re.search(r"html\.scale-4 \{[^}]*--leading: ([\d.]+)", css)[1])
    span = _letter_span_em(fonts.SCRIPT_FONTS[script][0], first, last)
    assert (script in TALL_SCRIPTS) == (span > tightest), (script, span, tightest)


@pytest.mark.parametrize("code,family", [
    ("gu", "Noto Sans Gujarati"), ("bn", "Noto Sans Bengali"), ("ka", "Noto Sans Georgian"),
    ("ur", "Noto Naskh Arabic"),  # not Nastaliq: see README, "Fonts"
])
def test_new_scripts_are_set_in_their_noto_family(code, family):
    assert locale_info(code).font_families == [family, "Noto Sans"]
    assert f'font-family: "{family}", "Noto Sans"' in str(
        page_css(locale_info(code), content.PAPERS["a4"], False))


def test_georgian_native_name_is_not_capitalized_in_mtavruli():
    """Georgian has no capitals in running text: 'ქართული', never 'Ქართული' (U+1C92)."""
    name = locale_info("ka").native_name
    assert name == "ქართული"
    assert not any("\u1c90" <= ch <= "\u1cbf" for ch in name)


@pytest.mark.parametrize("code,typed", [("bn", "Bengali"), ("fa_AF", "Persian"), ("fa_AF", "Farsi"),
                                        ("ka", "ქართული"), ("ur", "Urdu")])
def test_the_download_page_finds_new_languages_by_the_names_people_type(code, typed):
    from handouts.site.languages import search_terms

    assert typed in search_terms(locale_info(code))


def test_dari_is_named_dari_not_persian_afghanistan():
    info = locale_info("fa_AF")
    assert (info.native_name, info.english_name) == ("دری", "Dari")
    assert (locale_info("pt_BR").english_name, locale_info("es").native_name) == (
        "Portuguese (Brazil)", "Español")   # the generic names elsewhere are unchanged


@pytest.mark.parametrize("code,digits", [("bn", "০১২৩৪৫৬৭৮৯"), ("ps", "۰۱۲۳۴۵۶۷۸۹"),
                                         ("fa_AF", "۰۱۲۳۴۵۶۷۸۹"), ("ur", "0123456789")])
def test_new_locales_print_numbers_in_their_cldr_digits(code, digits):
    assert locale_info(code).digits == digits
    assert locale_info(code).format_number(1001).replace("٬", ",")[:1] == digits[1]


def test_persian_numbers_use_persian_digits():
    html = _html("fa")
    assert "۱٬۰۰۱" in html or "۱,۰۰۱" in html   # 1,001 agreements, CLDR-formatted


def test_fallback_is_marked_english_and_ltr_inside_rtl(tmp_path):
    po = tmp_path / "ar" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Language: ar\\n"\n\nmsgid "Key takeaways"\n'
                  'msgstr "أهم النقاط"\n', encoding="utf-8")
    translator = catalogs.load("ar", tmp_path).translator()
    assert str(translator.gettext("Key takeaways")) == "أهم النقاط"
    fallback = str(translator.gettext("Your rights"))
    assert fallback.startswith('<span lang="en" dir="ltr"') and "Your rights" in fallback
    assert translator.fallbacks == {"Your rights"}


def test_strict_fails_on_fallback(tmp_path):
    locales = tmp_path / "locales"
    po = locales / "es" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Language: es\\n"\n\nmsgid "Key takeaways"\n'
                  'msgstr "Puntos clave"\n', encoding="utf-8")
    from handouts.build import matrix
    sources = Sources.shipped(locales=locales, contact=parse_contact({"phone": "(972) 656-0560"}),
                              strict=True)
    options = matrix.BuildOptions(sources, out_dir=tmp_path / "out")
    result = matrix.run_job(matrix.Job("287g-basics", "es", "a4"), options)
    assert not result.ok
    assert any("fell back to English" in p for p in result.problems)
    assert not (tmp_path / "out" / "es" / "287g-basics-a4.pdf").exists()


# -- Plural-Forms from CLDR ------------------------------------------------------------------

def _distinct_cldr_rules() -> dict[tuple, str]:
    rules: dict[tuple, str] = {}
    for code in localedata.locale_identifiers():
        rules.setdefault(tuple(sorted(Locale.parse(code).plural_form.rules.items())), code)
    return rules


def test_plural_forms_put_every_whole_number_where_cldr_does():
    """Every distinct CLDR rule Babel has: the header picks CLDR's category for 0..1000 and
    the large numbers; the exponent "many" (es, fr, ...) goes to "other", or with `millions`
    to every whole million, as Weblate writes it."""
    for code in _distinct_cldr_rules().values():
        rule = Locale.parse(code).plural_form
        exponent = {tag for tag, ast in rule.abstract if plurals._uses_exponent(ast)}
        for millions in (False, True):
            plural = plurals.gettext_plural(code, millions=millions)
            for n in plurals.SAMPLE_NUMBERS:
                want = rule(n) if millions or rule(n) not in exponent else "other"
                assert plural.categories[plural.index(n)] == want, (code, millions, n)


@pytest.mark.parametrize("code,header", [
    ("es", "nplurals=2; plural=(n != 1);"),
    ("fr", "nplurals=2; plural=(n > 1);"),
    ("fa", "nplurals=2; plural=(n != 0 && n != 1);"),
    ("my", "nplurals=1; plural=(0);"),
    ("tl", "nplurals=2; plural=((n < 1 || n > 3) && (n % 10 == 4 || n % 10 == 6 || "
           "n % 10 == 9));"),
    ("ru", "nplurals=3; plural=((n % 10 == 1 && n % 100 != 11) ? 0 : (n % 10 >= 2 && "
           "n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14)) ? 1 : 2);"),
    ("ar", "nplurals=6; plural=(n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : (n % 100 >= 3 && "
           "n % 100 <= 10) ? 3 : (n % 100 >= 11 && n % 100 <= 99) ? 4 : 5);"),
])
def test_plural_forms_header_for_a_locale(code, header):
    assert plurals.plural_forms(code) == header


def test_shipped_catalogs_carry_cldrs_plural_forms():
    for code in SHIPPED:
        catalog = catalogs.load(code, LOCALES).catalog
        assert plurals.accepts(catalog.num_plurals, catalog.plural_expr, code) is None, code
        assert catalog.num_plurals == plurals.gettext_plural(code).nplurals


def test_an_explicit_cldr_rule_gives_its_header():
    """A locale CLDR does not know states its rule (locale.toml) and reuses the same code."""
    slavic = "one: n % 10 = 1 and n % 100 != 11; few: n % 10 = 2..4 and n % 100 != 12..14; " \
             "many: n % 10 = 0 or n % 10 = 5..9 or n % 100 = 11..14 @integer 0, 5~19"
    assert plurals.plural_forms(slavic) == plurals.plural_forms("ru")
    assert plurals.plural_forms({"one": "n = 1", "other": ""}) == "nplurals=2; plural=(n != 1);"
    assert plurals.plural_forms({}) == "nplurals=1; plural=(0);"
    for broken in ("one: n = = 1", "one n = 1", "xx_unknown", {"single": "n = 1"}):
        with pytest.raises(plurals.PluralRuleError, match="no plural rule"):
            plurals.plural_forms(broken)


@pytest.mark.parametrize("code,nplurals,expression,first_wrong", [
    ("es", 2, "n != 1", None),
    ("es", 2, "(n != 1)", None),
    ("es", 3, "n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2", None),  # Weblate's
    ("fr", 2, "n > 1", None),
    ("am", 2, "(n != 1)", 0),        # Babel's old table: 0 in "other"
    ("ar", 6, "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
              "n%100>=0 && n%100<=2 ? 4 : 5)", 11),  # forms 4 and 5 swapped
    ("ru", 3, "n%10==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2", 11),
    ("es", 2, "n ! = 1", 0),         # not an expression gettext can read
])
def test_accepts_headers_that_agree_with_cldr_on_every_whole_number(code, nplurals, expression,
                                                                    first_wrong):
    assert plurals.accepts(nplurals, expression, code) == first_wrong
