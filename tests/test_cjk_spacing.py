"""Chinese sentences join without spaces, and the build catches an ASCII space beside 。，、."""

from __future__ import annotations

import pytest

from handouts import catalogs, content
from handouts.build.pipeline import make
from handouts.catalogs.locales import LocaleInfo, locale_info
from handouts.checks import pdfium_text, stray_cjk_spaces
from handouts.contact import parse_contact
from handouts.render import Document, Renderer
from handouts.sources import Sources
from tests.conftest import LOCALES, TEMPLATES

CONTACT = parse_contact({"phone": "(972) 656-0560"})


@pytest.mark.parametrize("code, joiner", [("zh_Hans", ""), ("zh_Hant", ""), ("ko", " "),
                                          ("en", " "), ("ar", " ")])
def test_sentence_joiner_follows_the_script(code, joiner):
    assert locale_info(code).sentence_joiner == joiner


@pytest.mark.parametrize("text", ["审查：2026年11月29日。 主要来源", "问题。 在",
                                  "例如 （Florida）", "协议 ，", "「引用」 的"])
def test_space_beside_fullwidth_punctuation_is_a_problem(text):
    problems = stray_cjk_spaces(text)
    assert len(problems) == 1 and "full-width punctuation" in problems[0]


@pytest.mark.parametrize("text", ["审查：2026年11月29日。主要来源：ice.gov/287g。",
                                  "Maricopa County, Arizona（2011年）",
                                  "Content reviewed. Main source.",
                                  "第一行。\r\n第二行"])
def test_clean_text_passes(text):
    assert stray_cjk_spaces(text) == []


def test_many_places_are_counted_not_all_quoted():
    problem, = stray_cjk_spaces("一。 二。 三。 四。 五。 ")
    assert "and 2 more" in problem


def _flyer(code):
    return Document(content.HANDOUTS["287g-basics"], catalogs.load(code, LOCALES),
                    content.PAPERS["letter"], CONTACT)


@pytest.mark.parametrize("code", ["zh_Hans", "zh_Hant"])
def test_chinese_flyer_text_has_no_stray_spaces(code):
    result = make(_flyer(code), Renderer(TEMPLATES), Sources.shipped(contact=CONTACT))
    assert result.ok, result.problems
    text = pdfium_text(result.fitted.pdf)
    assert "。主要来源" in text or "。主要來源" in text   # the meta line: two messages, joined


def test_build_fails_a_flyer_joined_with_spaces(monkeypatch):
    """Plant the defect: a space between two Chinese sentences, as the templates once had."""
    monkeypatch.setattr(LocaleInfo, "sentence_joiner", property(lambda self: " "))
    result = make(_flyer("zh_Hans"), Renderer(TEMPLATES), Sources.shipped(contact=CONTACT))
    assert not result.ok
    assert any("full-width punctuation" in p and "。 " in p for p in result.problems)
