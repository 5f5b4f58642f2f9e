"""Languages CLDR does not know: locales/<code>/locale.toml, read strictly, used everywhere.

Each defect a hand-written definition can have is planted and must come back as one line
naming the file, the key and (where there is one) the line, never a traceback; and Mam goes
from a definition to a checked PDF and the download page through the command line alone.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess

import pytest

from handouts import catalogs, cli, content
from handouts.build import cache
from handouts.catalogs import LocaleDefinitionError, LocaleError, locale_info, wanted_locales
from handouts.catalogs.definitions import DEFINITION_FILE
from handouts.contact import parse_contact
from handouts.sources import Sources
from tests.conftest import LOCALES, PROJECT, page_text, read_pdf

WANTED = {"hmn": ("Hmoob", "Hmong", "en"), "kjb": ("Q'anjob'al", "Q'anjob'al", "es"),
          "mam": ("Qyol Mam", "Mam", "es")}

GOOD = """\
native_name = "Qyol Mam"
english_name = "Mam"
script = "Latn"
direction = "ltr"
fallback = "es"
plural = {}
"""


def define(locales, text, code="mam"):
    path = locales / code / DEFINITION_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def locales(tmp_path):
    return tmp_path / "locales"


# -- the shipped definitions --------------------------------------------------------------------

@pytest.mark.parametrize("code", sorted(WANTED))
def test_shipped_definitions_load(code):
    info = locale_info(code, LOCALES)
    native, english, fallback = WANTED[code]
    assert (info.native_name, info.english_name, info.script, info.direction) == \
        (native, english, "Latn", "ltr")
    assert info.definition.fallback == fallback and info.cldr_code == fallback
    assert info.plural_forms == "nplurals=1; plural=(0);"
    text = (LOCALES / code / DEFINITION_FILE).read_text(encoding="utf-8")
    assert "not" in text.lower() and "months" in text   # the uncertainty is written down


def test_shipped_definitions_are_wanted_not_translated():
    """Definitions only, no machine drafts: none of them has a catalog; Tigrinya and Wolof,
    which CLDR knows, are wanted through wanted.toml."""
    assert wanted_locales(LOCALES) == sorted([*WANTED, "ti", "wo"])
    assert not set(wanted_locales(LOCALES)) & set(catalogs.available_locales(LOCALES))


def test_a_wanted_language_with_a_catalog_is_built_not_wanted(locales):
    (locales / "es" / "LC_MESSAGES").mkdir(parents=True)
    (locales / "es" / "LC_MESSAGES" / "messages.po").write_text("", encoding="utf-8")
    (locales / "wanted.toml").write_text('codes = ["es", "ti"]\n', encoding="utf-8")
    assert "es" not in wanted_locales(locales) and "ti" in wanted_locales(locales)
    (locales / "wanted.toml").write_text('codes = "ti"\n', encoding="utf-8")
    with pytest.raises(catalogs.CatalogError, match="wanted.toml: codes must be a list"):
        wanted_locales(locales)


def test_translating_md_lists_the_wanted_languages():
    text = (PROJECT / "TRANSLATING.md").read_text(encoding="utf-8")
    block = text.split("<!-- wanted:start", 1)[1].split("<!-- wanted:end", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \| ([^|]+) \| (`\w+`|\(CLDR\)) \|$", block,
                      re.MULTILINE)
    assert sorted(code for code, *_ in rows) == wanted_locales(LOCALES)
    for code, english, native, fallback in rows:
        info = locale_info(code, LOCALES)
        assert english.strip().startswith(info.english_name)
        assert native.strip() == info.native_name
        assert fallback == (f"`{info.definition.fallback}`" if info.definition else "(CLDR)")
    assert "## A language CLDR does not know" in text


def test_translating_md_error_examples_are_what_the_check_prints(locales):
    text = (PROJECT / "TRANSLATING.md").read_text(encoding="utf-8")
    guide = text.split("## A language CLDR does not know", 1)[1].split("\n## ", 1)[0]
    examples = re.findall(r"^   locales/mam/locale\.toml(?::\d+)?: error: (.+)$", guide,
                          re.MULTILINE)
    printed = []
    for planted in (GOOD.replace('"Latn"', '"Latin"'), GOOD.replace("plural = {}\n", ""),
                    GOOD.replace('direction = "ltr"', "direction =")):
        define(locales, planted)
        with pytest.raises(LocaleDefinitionError) as caught:
            locale_info("mam", locales)
        printed.append(caught.value.problem)
    assert examples == printed


def test_list_shows_the_wanted_languages(capsys):
    assert cli.main(["list"]) == 0
    wanted = capsys.readouterr().out.split("Translation wanted", 1)[1]
    for code, (native, english, _) in WANTED.items():
        assert re.search(rf"^  {code} +{re.escape(native)} / {re.escape(english)} .*"
                         "translation wanted$", wanted, re.MULTILINE)


# -- how a definition is read ----------------------------------------------------------------

def test_no_folder_no_definition(locales):
    define(locales, GOOD)
    with pytest.raises(LocaleError, match="unknown locale code 'mam'"):
        locale_info("mam")
    assert locale_info("mam", locales).native_name == "Qyol Mam"


def test_unknown_code_without_a_definition_says_how_to_add_one(locales):
    with pytest.raises(LocaleError, match="A language CLDR does not know"):
        locale_info("mam", locales)


def test_a_code_cldr_knows_never_reads_a_definition(locales):
    define(locales, "this is not TOML", code="es")
    assert locale_info("es", locales).native_name == "Español"


@pytest.mark.parametrize("code", ["../mam", "mam/..", "MAM", "m"])
def test_a_code_that_is_no_folder_name_is_never_opened(locales, code):
    define(locales, GOOD)
    with pytest.raises(LocaleError, match="unknown locale code"):
        locale_info(code, locales)


def test_a_changed_definition_is_read_again(locales):
    path = define(locales, GOOD)
    assert locale_info("mam", locales).english_name == "Mam"
    path.write_text(GOOD.replace('"Mam"', '"Mam language"'), encoding="utf-8")
    assert locale_info("mam", locales).english_name == "Mam language"


def test_dates_numbers_and_digits_from_the_definition(locales):
    define(locales, GOOD + 'digits = "٠١٢٣٤٥٦٧٨٩"\ndate_pattern = "d MMMM y"\nmonths = ['
           + ", ".join(f'"month {letter}"' for letter in "abcdefghijkl") + "]\n")
    info = locale_info("mam", locales)
    assert info.format_date(dt.date(2026, 10, 1)) == "١ month j ٢٠٢٦"
    assert info.format_number(1001) == "١.٠٠١"      # the fallback's (es) separators


def test_what_a_definition_leaves_out_is_the_fallbacks(locales):
    define(locales, GOOD)
    info = locale_info("mam", locales)
    assert info.format_date(dt.date(2026, 10, 1)) == "1 de octubre de 2026"
    assert info.digits == "0123456789"


def test_a_two_form_rule_becomes_the_catalogs_plural_forms(locales):
    define(locales, GOOD.replace("plural = {}", 'plural = {one = "n is 1"}'))
    info = locale_info("mam", locales)
    assert info.plural_forms == "nplurals=2; plural=(n != 1);"
    assert catalogs.new_catalog(info).num_plurals == 2


# -- every defect, planted ---------------------------------------------------------------------

DEFECTS = [
    # (what is planted, line, key, words of the problem)
    (GOOD.replace('script = "Latn"', 'script = "Latn'), 3, "", "not valid TOML"),
    (GOOD.replace('script = "Latn"\n', ""), 0, "script", "missing required key"),
    (GOOD.replace('plural = {}\n', ""), 0, "plural", "missing required key"),
    (GOOD + 'nativ_name = "Mam"\n', 7, "nativ_name", "did you mean 'native_name'?"),
    (GOOD.replace('english_name = "Mam"', "english_name = 3"), 2, "english_name",
     "must be a string"),
    (GOOD.replace('english_name = "Mam"', 'english_name = ""'), 2, "english_name",
     "1 to 80 printable characters"),
    (GOOD.replace('"Latn"', '"Latin"'), 3, "script", "not an ISO 15924 script code"),
    (GOOD.replace('"ltr"', '"left"'), 4, "direction", "'left' is not one of 'ltr', 'rtl'"),
    (GOOD.replace('"es"', '"mam"'), 5, "fallback", "not a locale CLDR knows"),
    (GOOD.replace("plural = {}", 'plural = "nplurals=1; plural=0;"'), 6, "plural",
     "must be a table"),
    (GOOD.replace("plural = {}", 'plural = {single = "n is 1"}'), 6, "plural",
     "unknown category 'single'"),
    (GOOD.replace("plural = {}", 'plural = {one = "n iss 1"}'), 6, "plural",
     "is not a CLDR plural rule"),
    (GOOD.replace("plural = {}", 'plural = {one = "i = 1 and v = 0"}'), 6, "plural",
     "uses v: gettext counts whole numbers only"),
    (GOOD.replace("plural = {}", "plural = {one = 1}"), 6, "plural", "must be a string"),
    (GOOD + 'digits = "012345678"\n', 7, "digits", "ten decimal digits"),
    (GOOD + 'date_pattern = "d MMMM y HH:mm"\n', 7, "date_pattern", "it has HH, mm"),
    (GOOD + 'date_pattern = "MMMM y"\n', 7, "date_pattern", "must show the day"),
    (GOOD + "date_pattern = 20261001\n", 7, "date_pattern", "must be a string"),
    (GOOD + 'months = ["one", "two"]\n', 7, "months", "twelve month names"),
]


@pytest.mark.parametrize("text,line,key,words", DEFECTS,
                         ids=[f"{k or 'toml'}-{i}" for i, (_, _, k, _) in enumerate(DEFECTS)])
def test_each_defect_names_file_key_and_line(locales, text, line, key, words):
    path = define(locales, text)
    with pytest.raises(LocaleDefinitionError) as caught:
        locale_info("mam", locales)
    error = caught.value
    where = f"{path}:{line}: " if line else f"{path}: "
    assert str(error).startswith(where + (f"{key}: " if key else ""))
    assert words in str(error)
    assert (error.path, error.line, error.key) == (path, line, key)


def test_bytes_that_are_not_utf8(locales):
    path = locales / "mam" / DEFINITION_FILE
    path.parent.mkdir(parents=True)
    path.write_bytes(GOOD.encode() + b'# caf\xe9\n')
    with pytest.raises(LocaleDefinitionError, match=rf"^{re.escape(str(path))}:7: not valid UTF-8"):
        locale_info("mam", locales)


def test_catalog_check_reports_a_broken_definition_as_one_line(tmp_path, capsys):
    mine = tmp_path / "locales"
    shutil.copytree(LOCALES, mine)
    path = mine / "kjb" / DEFINITION_FILE
    path.write_text(path.read_text(encoding="utf-8").replace('"ltr"', '"sideways"'), "utf-8")
    assert cli.main(["catalog", "check", "--errors-only", "--locales-dir", str(mine)]) == 1
    out = capsys.readouterr().out
    assert re.search(rf"^{re.escape(str(path))}:\d+: error: direction: 'sideways' is not one "
                     "of 'ltr', 'rtl'$", out, re.MULTILINE)
    assert "Traceback" not in out


def test_init_with_a_broken_definition_says_why(locales, capsys):
    path = define(locales, GOOD.replace("plural = {}\n", ""))
    assert cli.main(["catalog", "init", "mam", "--locales-dir", str(locales)]) == 2
    assert capsys.readouterr().err == f"error: {path}: plural: missing required key: give " \
        'CLDR plural rules, e.g. {one = "n is 1"}; {} for one form\n'
    assert not (locales / "mam" / "LC_MESSAGES").exists()


def test_a_catalog_whose_definition_broke_names_the_definition(tmp_path):
    mine = tmp_path / "locales"
    shutil.copytree(LOCALES, mine)
    assert cli.main(["catalog", "init", "mam", "--locales-dir", str(mine)]) == 0
    define(mine, GOOD.replace('"Latn"', "true"))
    with pytest.raises(catalogs.CatalogError) as caught:
        catalogs.load("mam", mine)
    assert str(caught.value).startswith(f"{mine / 'mam' / DEFINITION_FILE}:3: script: ")


# -- the catalog of a defined language ----------------------------------------------------------

@pytest.fixture()
def mam(tmp_path):
    """A copy of the shipped locales with `catalog init mam` run on it."""
    mine = tmp_path / "locales"
    shutil.copytree(LOCALES, mine)
    assert cli.main(["catalog", "init", "mam", "--locales-dir", str(mine)]) == 0
    return mine


def test_init_writes_the_definitions_plural_forms(tmp_path, capsys):
    mam = tmp_path / "locales"
    shutil.copytree(LOCALES, mam)
    assert cli.main(["catalog", "init", "mam", "--locales-dir", str(mam)]) == 0
    assert "Qyol Mam / Mam: script Latn, left-to-right, 1 plural form(s) (locale.toml: other)" in \
        capsys.readouterr().out
    text = (mam / "mam" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert '"Language: mam\\n"\n' in text and '"Plural-Forms: nplurals=1; plural=(0);\\n"\n' in text
    assert "msgstr[1]" not in text
    loaded = catalogs.load("mam", mam)
    assert loaded.catalog.num_plurals == 1 and loaded.issues == []
    assert wanted_locales(mam) == ["hmn", "kjb", "ti", "wo"]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_gettext_accepts_the_new_catalog(mam):
    done = subprocess.run(["msgfmt", "--check-format", "--check-domain", "-o", "/dev/null",
                           str(mam / "mam" / "LC_MESSAGES" / "messages.po")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_update_keeps_the_plural_forms(mam):
    po = mam / "mam" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    start = text.index('msgid "Key takeaways"')
    po.write_text(text[:start] + text[text.index("\n\n", start) + 2:], encoding="utf-8")
    assert cli.main(["catalog", "update", "mam", "--locales-dir", str(mam)]) == 0
    updated = po.read_text(encoding="utf-8")
    assert 'msgid "Key takeaways"' in updated
    assert '"Plural-Forms: nplurals=1; plural=(0);\\n"' in updated


def test_update_writes_a_changed_plural_rule_and_marks_plurals_fuzzy(mam):
    definition = mam / "mam" / DEFINITION_FILE
    definition.write_text(definition.read_text("utf-8").replace(
        "plural = {}", 'plural = {one = "n is 1"}'), "utf-8")
    po = mam / "mam" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    end = text.index('msgstr[0] ""', text.index("msgid_plural"))
    po.write_text(text[:end] + 'msgstr[0] "Mam test %(num)s"' + text[end + 12:], "utf-8")
    assert cli.main(["catalog", "update", "mam", "--locales-dir", str(mam)]) == 0
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in \
        po.read_text(encoding="utf-8")
    # The new form is added empty: the check says which one, and it prints in English until done
    message = next(m for m in catalogs.load("mam", mam).catalog if m.pluralizable)
    assert list(message.string) == ["Mam test %(num)s", ""]
    issues = catalogs.check_catalog("mam", mam)
    assert [i.problem.split(" (")[0] for i in issues
            if i.msgid == message.id[0] and i.severity == "error"] == [
        "missing plural form msgstr[1]"]


def test_the_checks_use_the_definitions_plural_rule(mam):
    po = mam / "mam" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace("nplurals=1; plural=(0);", "nplurals=2; plural=(n != 1);"),
                  encoding="utf-8")
    issues = catalogs.check_catalog("mam", mam)
    assert [i.problem for i in issues if i.kind == "plural-forms"] == [
        "header Plural-Forms gives nplurals=2; locale.toml for mam says "
        "'nplurals=1; plural=(0);' (forms: other): replace the header with "
        '"Plural-Forms: nplurals=1; plural=(0);\\n"']
    assert not [i for i in issues if i.kind == "header"]   # Language: mam is its folder


def test_one_form_serves_every_number(mam):
    po = mam / "mam" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    end = text.index('msgstr[0] ""', text.index("msgid_plural"))
    po.write_text(text[:end] + 'msgstr[0] "Mam test %(num)s"' + text[end + 12:], "utf-8")
    translator = catalogs.load("mam", mam).translator()
    message = next(m for m in catalogs.load("mam", mam).catalog if m.pluralizable)
    for n in (1, 2, 40):
        assert str(translator.ngettext(message.id[0], message.id[1], n)) == "Mam test %(num)s"


def test_a_changed_definition_changes_the_cache_key(mam):
    sources = Sources.shipped(locales=mam, contact=parse_contact({"phone": "(972) 656-0560"}))
    job = ("287g-basics", content.HANDOUTS["287g-basics"], content.PAPERS["letter"])
    from handouts.build.matrix import Job
    before = cache.Keys(sources).key(Job(job[0], "mam", "letter"), job[1], job[2])
    define(mam, (mam / "mam" / DEFINITION_FILE).read_text("utf-8")
           + 'date_pattern = "d/M/y"\n')
    after = cache.Keys(sources).key(Job(job[0], "mam", "letter"), job[1], job[2])
    assert before != after


def test_a_wanted_language_is_not_built(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["--locale", "kjb", "--handout", "287g-basics", "--paper", "letter",
                     "--out", str(out), "--no-site", "--jobs", "1"]) == 1
    assert "no catalog for locale 'kjb' (start one with `python build_pdf.py catalog init " \
        "kjb`)" in capsys.readouterr().err
    assert not (out / "kjb").exists()


# -- end to end: catalog init mam -> a checked PDF -> the download page --------------------------

def test_catalog_init_mam_to_a_checked_pdf_and_the_download_page(mam, tmp_path):
    out = tmp_path / "dist"
    assert cli.main(["--locale", "mam", "--handout", "287g-basics", "--paper", "letter",
                     "--locales-dir", str(mam), "--out", str(out), "--jobs", "1"]) == 0
    (result,) = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["results"]
    assert result["ok"] and result["problems"] == [] and result["fallbacks"] > 0
    pdf = out / "mam" / "287g-basics-letter.pdf"
    assert read_pdf(pdf).trailer["/Root"]["/Lang"] == "mam"
    text = page_text(pdf)
    assert "29 de noviembre de 2026" in text      # the date, in the fallback's words
    assert "This translation has not yet been checked by a fluent reviewer" in text
    page = (out / "site" / "index.html").read_text(encoding="utf-8")
    section = page.split('id="lang-mam"', 1)[1].split("</section>", 1)[0]
    assert "Qyol Mam" in section and "pdf/mam/287g-basics-letter-mam.pdf" in section
    assert "Not translated yet" in section
    wanted = page.split('id="translation-wanted"', 1)[1].split("</section>", 1)[0]
    assert "Hmoob" in wanted and "Q&#39;anjob&#39;al" in wanted and "Qyol Mam" not in wanted
