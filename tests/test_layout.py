"""Pure units, no PDF: the sheet grid, duplex mirroring, line breaking with
Danish hyphenation, shrinking to fit, and colour contrast."""

from __future__ import annotations

import pytest

from kit_helpers import line_col, replace_once
from workshop_kit.builtin import builtin
from workshop_kit.fonts import family
from workshop_kit.impose.home import DoesNotFit, back_of, fit_grid, impose_home
from workshop_kit.impose.plan import Placement
from workshop_kit.layout.colours import contrast
from workshop_kit.layout.text import PT_TO_MM, Block, Typesetter, parse_markup

A4 = (210, 297)
POKER = (63, 88)
EPS = 1e-6


@pytest.fixture(scope="module")
def setter() -> Typesetter:
    return Typesetter(family("Fira Sans"), "da")


def _blocks(*paragraphs: str) -> list[Block]:
    return [Block(tuple(parse_markup(p, "regular"))) for p in paragraphs]


# --- the grid ---------------------------------------------------------------------

def test_poker_on_a4_is_three_by_three():
    grid = fit_grid(*A4, *POKER, builtin("sheets")["home"])
    assert (grid.columns, grid.rows) == (3, 3)
    assert grid.per_sheet == 9


@pytest.mark.parametrize("paper, per_sheet", [("a4", 9), ("letter", 6), ("a3", 16)])
def test_cards_and_marks_stay_inside_the_printable_area(paper, per_sheet):
    margin = builtin("sheets")["home"]["printer_margin"]
    assert margin == 5
    sheets = impose_home(per_sheet, *POKER, paper, "long-edge")
    assert sheets.per_sheet == per_sheet and len(sheets.pages) == 2
    for page in sheets.pages:
        assert len(page.placements) == per_sheet
        rects = [(p.x, p.y, p.x + POKER[0], p.y + POKER[1]) for p in page.placements]
        for left, bottom, right, top in rects:
            assert left >= margin - EPS and bottom >= margin - EPS
            assert right <= page.width - margin + EPS and top <= page.height - margin + EPS
        # cards do not overlap
        for i, a in enumerate(rects):
            for b in rects[i + 1:]:
                assert a[2] <= b[0] + EPS or b[2] <= a[0] + EPS or a[3] <= b[1] + EPS or b[3] <= a[1] + EPS
        assert page.marks
        for m in page.marks:
            for x in (m.x1, m.x2):
                assert margin - EPS <= x <= page.width - margin + EPS, m
            for y in (m.y1, m.y2):
                assert margin - EPS <= y <= page.height - margin + EPS, m
            # a mark never runs into a card
            lo_x, hi_x, lo_y, hi_y = min(m.x1, m.x2), max(m.x1, m.x2), min(m.y1, m.y2), max(m.y1, m.y2)
            for left, bottom, right, top in rects:
                assert hi_x <= left + EPS or lo_x >= right - EPS or hi_y <= bottom + EPS or lo_y >= top - EPS


def test_a_card_too_large_for_the_sheet_does_not_fit():
    with pytest.raises(DoesNotFit):
        fit_grid(*A4, 250, 290, builtin("sheets")["home"])


def test_a_partly_filled_last_sheet():
    sheets = impose_home(10, *POKER, "a4", "long-edge")
    assert [len(p.placements) for p in sheets.pages] == [9, 9, 1, 1]
    assert [p.placements[0].side for p in sheets.pages] == ["front", "back", "front", "back"]
    assert [p.item for p in sheets.pages[2].placements] == [9]


# --- duplex mirroring ---------------------------------------------------------------

def test_long_edge_mirrors_x():
    front = Placement(0, "front", 10.5, 192.5)
    back = back_of(front, *A4, *POKER, "long-edge")
    assert (back.item, back.side) == (0, "back")
    assert back.x == pytest.approx(210 - 10.5 - 63) and back.y == pytest.approx(192.5)
    again = back_of(back, *A4, *POKER, "long-edge")
    assert (again.x, again.y) == pytest.approx((front.x, front.y))


def test_short_edge_mirrors_y():
    front = Placement(3, "front", 10.5, 192.5)
    back = back_of(front, *A4, *POKER, "short-edge")
    assert back.x == pytest.approx(10.5) and back.y == pytest.approx(297 - 192.5 - 88)
    again = back_of(back, *A4, *POKER, "short-edge")
    assert (again.x, again.y) == pytest.approx((front.x, front.y))


@pytest.mark.parametrize("duplex", ["long-edge", "short-edge"])
def test_every_back_page_mirrors_its_front_page(duplex):
    sheets = impose_home(14, *POKER, "a4", duplex)
    for fronts, backs in zip(sheets.pages[::2], sheets.pages[1::2]):
        by_item = {p.item: p for p in backs.placements}
        assert set(by_item) == {p.item for p in fronts.placements}
        for f in fronts.placements:
            b = by_item[f.item]
            if duplex == "long-edge":
                assert (b.x, b.y) == pytest.approx((fronts.width - f.x - POKER[0], f.y))
            else:
                assert (b.x, b.y) == pytest.approx((f.x, fronts.height - f.y - POKER[1]))


# --- text -------------------------------------------------------------------------

def _line_text(line) -> str:
    return "".join(s.text for s in line.spans)


def test_a_long_danish_compound_is_hyphenated_and_every_line_fits(setter):
    word = "borgerinddragelsesprocesserne"
    width_mm = 20
    assert setter.family.width(word, "regular", 9) * PT_TO_MM > width_mm  # it must break
    size, lines = setter.fit(_blocks(word), width_mm, 30, 9, 7, 1.18)
    assert size is not None
    texts = [_line_text(line) for line in lines]
    assert len(texts) >= 2 and any(t.endswith("-") for t in texts), texts
    assert "".join(t.removesuffix("-") for t in texts) == word
    for line in lines:
        width = sum(setter.family.width(s.text, s.style, size) for s in line.spans) * PT_TO_MM
        assert width <= width_mm + 1e-6, (_line_text(line), width)


def test_ordinary_text_wraps_within_the_width(setter):
    text = ("Borgerne møder op til dialogmøde om den nye skolestruktur, og byrådet vil "
            "høre de stille stemmer lige så tydeligt som de højeste.")
    size, lines = setter.fit(_blocks(text), 40, 40, 9, 7, 1.18)
    assert size == 9 and len(lines) >= 3
    words = " ".join(_line_text(line) for line in lines).replace("- ", "")
    assert " ".join(words.split()) == text
    for line in lines:
        width = sum(setter.family.width(s.text, s.style, size) for s in line.spans) * PT_TO_MM
        assert width <= 40 + 1e-6


def test_text_shrinks_before_it_fails(setter):
    text = " ".join(["Borgerinddragelse kræver tid og tillid."] * 4)
    full, _ = setter.fit(_blocks(text), 40, 100, 9, 7, 1.18)
    assert full == 9
    shrunk, lines = setter.fit(_blocks(text), 40, 16, 9, 7, 1.18)
    assert shrunk is not None and 7 <= shrunk < 9, shrunk
    assert setter.height_pt(lines, shrunk, 1.18) * PT_TO_MM <= 16 + 1e-6


def test_text_too_big_for_its_box_at_min_size_has_no_size(setter):
    text = " ".join(["Borgerinddragelse kræver tid og tillid."] * 40)
    size, needed = setter.fit(_blocks(text), 40, 20, 9, 7, 1.18)
    assert size is None
    assert needed.needed_mm > 20
    assert "mm of height" in str(needed)


# --- colours ----------------------------------------------------------------------

def test_contrast_ratios():
    assert contrast("#FFFFFF", "#FFFF00") < 4.5
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21, abs=0.01)
    assert contrast("#1D2330", "#FFFFFF") == pytest.approx(contrast("#FFFFFF", "#1D2330"))
    assert contrast("#777777", "#777777") == pytest.approx(1)


def test_the_shipped_theme_passes_the_contrast_check(shipped_kit):
    from workshop_kit.build import check

    checked = check(shipped_kit)
    assert len(checked.content.decks) == 5


def test_a_pale_dilemma_colour_fails_with_a_contrast_problem_at_the_colour(make_kit):
    from workshop_kit.build import check
    from workshop_kit.problems import ContentError

    kit = make_kit()
    replace_once(kit / "kit.yaml", 'dilemma: "#A3361F"', 'dilemma: "#F0F0F0"')
    with pytest.raises(ContentError) as caught:
        check(kit)
    problems = caught.value.problems
    assert [(p.file, p.line, p.field) for p in problems] == [
        ("kit.yaml", line_col(kit / "kit.yaml", 'dilemma: "#F0F0F0"')[0], "theme.colours.dilemma")]
    assert "contrast" in problems[0].message and "templates/dilemma.yaml" in problems[0].message
