"""End to end: catalogs + templates -> checked PDFs, as the command line builds them."""

from __future__ import annotations

import re

import pytest

from handouts import checks, cli, content
from tests.conftest import CORE_LOCALES, page_text, read_pdf

LANG_TAGS = {"en": "en", "es": "es", "ar": "ar", "zh_Hans": "zh-Hans"}


def test_build_exits_zero(built):
    _, status = built
    assert status == 0


@pytest.mark.parametrize("locale", CORE_LOCALES)
@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_one_page_with_lang_and_title(built, locale, paper):
    out, _ = built
    pdf = out / locale / f"287g-basics-{paper}.pdf"
    reader = read_pdf(pdf)
    assert len(reader.pages) == 1
    assert str(reader.trailer["/Root"]["/Lang"]) == LANG_TAGS[locale]
    assert reader.metadata["/Title"]
    assert "/StructTreeRoot" in reader.trailer["/Root"]


@pytest.mark.parametrize("paper,size", [("letter", (612, 792)), ("a4", (595, 842))])
def test_paper_sizes(built, paper, size):
    out, _ = built
    box = read_pdf(out / "en" / f"287g-basics-{paper}.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


@pytest.mark.parametrize("locale", ["es", "ar", "zh_Hans"])
def test_text_is_translated(built, translations, locale):
    out, _ = built
    text = page_text(out / locale / "287g-basics-letter.pdf")
    catalog = translations[locale]
    for msgid in (content.TITLE_MSGID, "Key takeaways", "Your rights",
                  "Get legal help early", "Jail Enforcement Model"):
        assert checks.title_in_text(catalog[msgid], text), (locale, catalog[msgid])
    # The English heading must not be there: the page really is translated.
    assert "Key takeaways" not in text


def test_title_metadata_is_translated(built, translations):
    out, _ = built
    reader = read_pdf(out / "es" / "287g-basics-a4.pdf")
    assert reader.metadata["/Title"] == translations["es"][content.TITLE_MSGID]


@pytest.mark.parametrize("locale", ["es", "ar", "zh_Hans"])
def test_translation_status_is_printed(built, translations, locale):
    out, _ = built
    text = page_text(out / locale / "287g-basics-a4.pdf")
    notice = translations[locale][
        "This translation has not yet been checked by a fluent reviewer. If anything is "
        "unclear, compare it with the English version."]
    assert checks.title_in_text(notice, text)


def test_every_handout_carries_disclaimer_date_and_source(built):
    out, _ = built
    text = " ".join(page_text(out / "en" / "287g-basics-letter.pdf").split())
    assert "General information, not legal advice." in text
    assert "Content last reviewed: November 29, 2026." in text
    assert "Main source: ice.gov/287g." in text
    assert "(972) 656-0560" in text


def test_manifest_lists_results(built):
    out, _ = built
    import json
    manifest = json.loads((out / "manifest.json").read_text())
    files = {r["file"] for r in manifest["results"] if r["ok"]}
    assert "zh_Hans/287g-basics-a4.pdf" in files
    assert len(manifest["results"]) == len(CORE_LOCALES) * 2


def test_same_inputs_same_bytes(tmp_path):
    for run in ("one", "two"):
        assert cli.main(["--locale", "ar", "--paper", "a4", "--out", str(tmp_path / run)]) == 0
    first = (tmp_path / "one" / "ar" / "287g-basics-a4.pdf").read_bytes()
    second = (tmp_path / "two" / "ar" / "287g-basics-a4.pdf").read_bytes()
    assert first == second


def test_cli_single_document_as_documented(tmp_path):
    status = cli.main(["--locale", "es", "--handout", "287g-basics", "--paper", "letter",
                       "--out", str(tmp_path)])
    assert status == 0
    pdfs = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.pdf")
                  if p.relative_to(tmp_path).parts[0] != "site")  # the download page's copies
    assert pdfs == ["es/287g-basics-letter.pdf"]


def test_unknown_selection_fails_with_message(tmp_path, capsys):
    status = cli.main(["--locale", "xx_Nope", "--handout", "nope", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2
    assert "unknown handout 'nope'" in err and "xx_Nope" in err


def test_list_shows_native_names_and_status(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "العربية" in out and "中文 (简体)" in out and "Español" in out
    assert re.search(r"es .*drafted without a fluent human reviewer", out)
