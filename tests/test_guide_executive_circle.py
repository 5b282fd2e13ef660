"""The executive board's own influence circle in the guide, in both
programmes of both shipped kits. The board fills in a blank circle before
the day and shows it in the programme; the shipped filled circle is an
invented example, so the programme must not hand it out as the executive
board's view. Read back from the built guide PDF."""

from __future__ import annotations

import pytest

from kit_helpers import REPO, build_programme, load_yaml, normalise, pdf_text
from test_guide_programme import labels

KITS = {"da": REPO, "en": REPO / "kits" / "en"}


def circles(kit) -> tuple[dict, dict]:
    """The blank influence circle and the filled example, by their YAML."""
    found = [load_yaml(p) for p in sorted((kit / "boards").glob("*.yaml"))]
    found = [b for b in found if b["type"] == "influence-circle"]
    [blank] = [b for b in found if not any(e.get("ring") for e in b["elements"])]
    [filled] = [b for b in found if any(e.get("ring") for e in b["elements"])]
    return blank, filled


@pytest.fixture(scope="module", params=[(lang, p) for lang in KITS for p in ("three_hours", "full_day")],
                ids=lambda p: f"{p[0]}-{p[1]}")
def guide_build(request, tmp_path_factory):
    language, programme = request.param
    kit, built = build_programme(KITS[language], tmp_path_factory.mktemp("circle"), programme)
    [entry] = [f for f in built.files if f.get("kind") == "guide"]
    return language, kit, normalise(pdf_text(built.path(entry["path"]))), built


def test_the_programme_shows_the_executive_board_s_own_blank_circle_not_the_invented_example(guide_build):
    language, kit, text, _ = guide_build
    lab = labels(language)
    blank, filled = circles(kit)
    before = text[text.index(lab["guide_before"]):text.index(lab["guide_programme"])]
    programme = text[text.index(lab["guide_programme"]):text.index(lab["guide_tools"])]
    tools = text[text.index(lab["guide_tools"]):text.index(lab["guide_materials"])]
    # the preparation names the blank board the executive board fills in, and what it
    # writes on the whose-line is what the example writes there ("direktionens")
    assert normalise(blank["title"]) in before
    assert lab["whose"] in before and normalise(filled["whose"]).casefold() in before.casefold()
    # the invented example is no tool of any step, nor explained as one
    assert normalise(filled["title"]) not in programme
    assert normalise(filled["title"]) not in tools
    # the blank circle is used twice: by the tables, then by the executive board
    used_at = lab["guide_used_at"].split("{")[0]
    heading = tools[tools.index(normalise(blank["title"])):]
    times = heading[heading.index(used_at) + len(used_at):].split()[:2]
    assert len([t for t in times if t[:2].isdigit()]) == 2, heading[:200]


def test_a_board_the_programme_shows_filled_in_is_printed_once_and_only_the_full_day_shows_one(guide_build):
    """The three-hour programme shows no filled-in board any more (the
    executive board brings its own circle); the full day shows the partner
    matrix with its example partners, one copy."""
    language, kit, text, built = guide_build
    guide = load_yaml(kit / "guide.yaml")
    used = {s["tool"] for s in guide["programmes"][guide["programme"]]["steps"] if s.get("tool")}
    shown = {name for name in used if guide["tools"].get(name, {}).get("print") in ("filled", "both")}
    assert bool(shown) == (guide["programme"] == "full_day")
    materials = text[text.index(labels(language)["guide_print"]):]
    for entry in built.files:
        if entry["kind"] == "board-poster" and entry.get("variant") == "filled" and entry["board"] in shown:
            one = labels(language)["guide_one_page"]
            assert f"{entry['path']} · {one} 1 1 {entry['paper'].upper()}" in materials, entry["path"]
