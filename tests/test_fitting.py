"""The fit loop's search (render/fitting.py): fewer layouts, the same scale as the exhaustive
walk from the largest type, for every document recorded before it existed."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from handouts import content
from handouts.build import matrix
from handouts.render import TYPE_SCALES, Document, fitting
from handouts.sources import Sources

RECORDED = json.loads((Path(__file__).parent / "fit_scales.json").read_text())["scales"]
#: Documents whose proof is close to the bounds (en, ht: the next larger scale must be laid
#: out; ne, es: the fill alone proves it), every chosen scale, both papers, and the formats
#: with fixed-size boxes (the plain walk).
SAMPLE = ["287g-basics/letter/en", "287g-basics/letter/ht", "287g-basics/letter/ne",
          "287g-basics/letter/es", "287g-basics/letter/uk", "287g-basics/letter/zh_Hans",
          "287g-basics/a4/pa", "287g-basics/a4/fr", "287g-card/letter/es",
          "287g-bilingual/a4/ar"]


def document(key: str) -> Document:
    handout, paper, locale = key.split("/")
    sources = Sources.shipped()
    return Document(content.HANDOUTS[handout], matrix._catalog(locale, sources.locales),
                    content.PAPERS[paper], sources.contact)


@pytest.mark.parametrize("key", SAMPLE)
def test_the_chosen_scale_is_the_recorded_one(key):
    fitted = matrix.renderer(Sources.shipped().templates).fit(document(key))
    assert fitted.scale == RECORDED[key]
    assert len(fitted.tried) <= 2


def test_the_recording_covers_every_handout_locale_and_paper():
    assert len(RECORDED) == len(matrix.plan(list(content.HANDOUTS),
                                            sorted({k.split("/")[2] for k in RECORDED}),
                                            ["letter", "a4"]))


# -- the search itself, on synthetic documents: every answer, start and guess --------------

def synthetic(answer: int, top_fill: float, growth: tuple[float, ...]):
    """A document that fits from scale index `answer` on (len(TYPE_SCALES): never), whose
    fill shrinks by `growth` per scale: (lay_out, the indexes laid out)."""
    fills = [top_fill]
    for g in growth:
        fills.append(fills[-1] / g)
    laid_out: list[int] = []

    def lay_out(index: int):
        laid_out.append(index)
        return index >= answer, fills[index], False
    return lay_out, laid_out


def walk_from_the_top(answer: int) -> int | None:
    """The old loop: lay out from the largest type until one fits."""
    return answer if answer < len(TYPE_SCALES) else None


CASES = [(answer, start, width)
         for answer in range(len(TYPE_SCALES) + 1)
         for start in range(len(TYPE_SCALES))
         for width in (None, 800.0, 1400.0, 2100.0)]


@pytest.mark.parametrize("answer,start,width", CASES)
def test_the_search_finds_what_walking_from_the_top_finds(answer, start, width):
    """Fills consistent with the fitting rule: every scale's fill at the smallest growth
    measured, the answer's fill just under 1 (the hardest case for a proof)."""
    top = 0.99 * (1 if answer == 0 else
                  _product(fitting.MIN_GROWTH[:min(answer, len(fitting.MIN_GROWTH))]))
    lay_out, laid_out = synthetic(answer, top, fitting.MIN_GROWTH)
    chosen, order = fitting.search(TYPE_SCALES, lay_out, width,
                                   fitting.Demand(*fitting.DEMAND["letter"]), start)
    assert chosen == walk_from_the_top(answer)
    assert order == laid_out and len(set(order)) == len(order)  # never the same scale twice
    if chosen is not None:
        assert chosen in order and (chosen == 0 or chosen - 1 in order
                                    or top / _product(fitting.MIN_GROWTH[:chosen])
                                    > fitting.no_room_above(chosen))


def _product(values) -> float:
    result = 1.0
    for value in values:
        result *= value
    return result


def test_a_full_page_proves_the_larger_scale_without_laying_it_out():
    lay_out, laid_out = synthetic(2, 1.15, (1.08, 1.08, 1.1, 1.08))  # fill 0.986 at index 2
    chosen, _ = fitting.search(TYPE_SCALES, lay_out, None, fitting.Demand(0.4, 4e-4), 2)
    assert chosen == 2 and laid_out == [2]


def test_a_roomy_page_lays_out_the_larger_scale():
    lay_out, laid_out = synthetic(2, 1.01, (1.08, 1.08, 1.1, 1.08))  # fill 0.866 at index 2
    chosen, _ = fitting.search(TYPE_SCALES, lay_out, None, fitting.Demand(0.4, 4e-4), 2)
    assert chosen == 2 and laid_out == [2, 1]


def test_a_planted_overconfident_bound_is_caught(monkeypatch):
    """Planted: a bound that calls any page full enough. The search then stops at a scale
    whose larger neighbour fits, and the comparison with the walk sees it."""
    monkeypatch.setattr(fitting, "no_room_above", lambda index: 0.5)
    wrong = 0
    for answer, start in itertools.product(range(len(TYPE_SCALES)), range(len(TYPE_SCALES))):
        lay_out, _ = synthetic(answer, 0.8, (1.08, 1.08, 1.1, 1.08))
        chosen, _ = fitting.search(TYPE_SCALES, lay_out, None, fitting.Demand(0.4, 4e-4), start)
        wrong += chosen != walk_from_the_top(answer)
    assert wrong > 0


def test_without_a_guess_it_walks_like_the_old_loop():
    """Fixed-size boxes (no fill, no width): from the hint, one scale at a time."""
    for answer, start in itertools.product(range(len(TYPE_SCALES) + 1), range(len(TYPE_SCALES))):
        laid_out: list[int] = []

        def lay_out(index, answer=answer, laid_out=laid_out):
            laid_out.append(index)
            return index >= answer, None, False
        chosen, _ = fitting.search(TYPE_SCALES, lay_out, None, fitting.Demand(0.4, 4e-4), start)
        if start >= answer:
            expected = list(range(start, max(answer - 1, 0) - 1, -1))
        else:
            expected = list(range(start, min(answer, len(TYPE_SCALES) - 1) + 1))
        assert chosen == walk_from_the_top(answer) and laid_out == expected


def test_a_hopeless_layout_stops_the_search():
    laid_out: list[int] = []

    def lay_out(index):
        laid_out.append(index)
        return False, 3.5, True
    assert fitting.search(TYPE_SCALES, lay_out, 1400.0, fitting.Demand(0.4, 4e-4), 0)[0] is None
    assert len(laid_out) == 1


# -- what the search measures ---------------------------------------------------------------

def test_fill_is_below_one_when_it_fits_and_above_when_it_spills():
    renderer = matrix.renderer(Sources.shipped().templates)
    flyer = document("287g-basics/letter/es")
    fits = renderer.layout(flyer, 3, flyer.catalog.translator())
    spills = renderer.layout(flyer, 0, flyer.catalog.translator())
    assert fits.fits(1) and 0.5 < fitting.fill(fits.pages.pages, 1) < 1
    assert not spills.fits(1) and fitting.fill(spills.pages.pages, 1) > 1


def test_fixed_size_boxes_have_no_fill_and_no_width():
    renderer = matrix.renderer(Sources.shipped().templates)
    cards = document("287g-card/letter/es")
    laid_out = renderer.layout(cards, 0, cards.catalog.translator())
    assert fitting.fill(laid_out.pages.pages, 2) is None
    assert renderer._text_width(cards, cards.catalog.translator()) is None


def test_text_width_counts_only_visible_text():
    html = ("<html><head><title>Hidden title</title><style>p{}</style></head><body>"
            "<h1>Title</h1><p>One &amp; two</p><ul><li>three</li></ul></body></html>")
    assert fitting.text_blocks(html) == ["Title", "One & two", "three"]
    width = fitting.TextWidth(matrix.renderer(Sources.shipped().templates).font_config.font_map)
    short, long = width.of(["ab"], "Noto Sans"), width.of(["abab", "ab"], "Noto Sans")
    assert 0 < short and long == pytest.approx(3 * short, rel=0.05)
