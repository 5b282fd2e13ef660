"""The guide's two programmes (three hours and a full day, chosen in
guide.yaml) and the decision sheet each table fills in, in both shipped
kits. Everything is read back from the built PDFs: the clock times are
parsed from the guide's text and checked against each other, not against
the code that computed them."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest

from kit_helpers import (
    REPO,
    build_programme,
    copy_whole_kit,
    line_col,
    load_yaml,
    normalise,
    pdf_text,
    replace_once,
    run_cli,
)

KITS = {"da": REPO, "en": REPO / "kits" / "en"}
LABELS = REPO / "src" / "workshop_kit" / "data" / "labels"
SLOT = re.compile(r"\b(\d\d):(\d\d) (\d+) min\b")
SHEET = {"da": "beslutningsark", "en": "decision-sheet"}


def labels(language: str) -> dict:
    return load_yaml(LABELS / f"{language}.yaml")


def minutes(hours: str, mins: str) -> int:
    return int(hours) * 60 + int(mins)


def programme_slots(text: str, language: str) -> tuple[list[tuple[int, int]], tuple[int, int]]:
    """(start, duration) of every slot of the printed programme, and the
    (start, end) the total line gives, all in minutes after midnight."""
    lab = labels(language)
    table = text[text.index(lab["guide_programme"]):text.index(lab["guide_tools"])]
    slots = [(minutes(h, m), int(d)) for h, m, d in SLOT.findall(table)]
    start, end = re.search(r"\((\d\d):(\d\d)–(\d\d):(\d\d)\)", table).groups()[:2], \
        re.search(r"\((\d\d):(\d\d)–(\d\d):(\d\d)\)", table).groups()[2:]
    return slots, (minutes(*start), minutes(*end))


def guide_text(built) -> str:
    [entry] = [f for f in built.files if f.get("kind") == "guide"]
    return normalise(pdf_text(built.path(entry["path"])))


@pytest.fixture(scope="module", params=[(lang, programme) for lang in KITS
                                        for programme in ("three_hours", "full_day")],
                ids=lambda p: f"{p[0]}-{p[1]}")
def programme_build(request, tmp_path_factory):
    language, programme = request.param
    kit, built = build_programme(KITS[language], tmp_path_factory.mktemp("programme"), programme, SHEET[language])
    return language, programme, kit, built


def test_every_printed_time_is_the_one_before_plus_its_duration(programme_build):
    language, programme, kit, built = programme_build
    slots, (start, end) = programme_slots(guide_text(built), language)
    steps = load_yaml(kit / "guide.yaml")["programmes"][programme]["steps"]
    assert len(slots) == len(steps) >= 8
    assert slots[0][0] == start == minutes(*load_yaml(kit / "guide.yaml")["start"].split(":"))
    for (at, duration), (next_at, _) in zip(slots, slots[1:]):
        assert next_at == at + duration, (at, duration, next_at)
    assert end == slots[-1][0] + slots[-1][1]
    if programme == "three_hours":
        assert end - start <= 180
    else:
        assert end - start > 300


def test_the_day_opens_with_its_purpose_and_mandate_and_the_preparation(programme_build):
    language, _, kit, built = programme_build
    text, lab, guide = guide_text(built), labels(language), load_yaml(kit / "guide.yaml")
    programme_at = text.index(lab["guide_programme"])
    mandate_at = text.index(lab["guide_mandate"])
    assert mandate_at < programme_at, "the mandate is said before the programme"
    assert normalise(guide["mandate"]) in text[mandate_at:programme_at]
    before = text[text.index(lab["guide_before"]):programme_at]
    for item in guide["before"]:
        assert normalise(item) in before
    # the first slot of the programme names the mandate, not only the last one
    first_title = guide["programmes"][guide["programme"]]["steps"][0]["title"]
    assert normalise(first_title) in text[programme_at:programme_at + 400]


def test_the_materials_list_names_hosts_note_taker_timer_and_poster_size(programme_build):
    language, _, kit, built = programme_build
    text, lab = guide_text(built), labels(language)
    materials = text[text.index(lab["guide_materials"]):]
    groups = load_yaml(kit / "guide.yaml")["groups"]
    for line in (lab["guide_table_hosts"].format(groups=groups), lab["guide_note_taker"], lab["guide_timer"],
                 lab["guide_poster_size"]):
        assert normalise(line) in materials, line
    # the boards of this build are A3 posters: the list says to build them larger
    assert normalise(lab["guide_poster_small"].format(paper="A3")) in materials


def test_the_decision_sheet_is_in_the_programme_and_printed_for_every_table(programme_build):
    language, programme, kit, built = programme_build
    sheet = load_yaml(kit / "boards" / f"{SHEET[language]}.yaml")
    text = guide_text(built)
    programme_text = text[text.index(labels(language)["guide_programme"]):]
    assert normalise(sheet["title"]) in programme_text
    groups = load_yaml(kit / "guide.yaml")["groups"]
    path = f"boards/{SHEET[language]}-a4.pdf"
    assert f"{path} · {labels(language)['guide_one_page']} {groups} {groups} A4" in text
    printed = normalise(pdf_text(built.path(path)))
    assert [e["title"] for e in sheet["entries"]] and all(normalise(e["title"]) in printed
                                                          for e in sheet["entries"])


def test_the_dilemmas_go_by_the_table_s_theme_and_the_roles_are_a_lens_on_oneself(programme_build):
    language, programme, kit, built = programme_build
    guide = load_yaml(kit / "guide.yaml")
    steps = guide["programmes"][programme]["steps"]
    dilemma_deck = next(s["tool"] for s in steps if s.get("tool") in ("dilemmaer", "dilemmas"))
    how = " ".join(guide["tools"][dilemma_deck]["steps"]).lower()
    assert "shuffle" not in how and "bland" not in how
    text = guide_text(built)
    for item in guide["tools"][dilemma_deck]["steps"]:
        assert normalise(item) in text


# --- what guide.yaml may say --------------------------------------------------------

def test_a_three_hour_programme_longer_than_three_hours_is_a_problem_at_its_steps(tmp_path):
    kit = copy_whole_kit(KITS["da"], tmp_path / "kit")
    guide = kit / "guide.yaml"
    replace_once(guide, "        minutes: 30\n        tool: dilemmaer", "        minutes: 45\n        tool: dilemmaer")
    run = run_cli("validate", kit)
    assert run.code == 1 and "Traceback" not in run.output, run.output
    line, column = line_col(guide, "    steps:")
    [problem] = [m for m in run.problems() if m["file"] == "guide.yaml"]
    # at the list of steps, which starts on the line below its key
    assert int(problem["line"]) == line + 1 and "more than three hours" in problem["rest"], run.stderr
    assert "programmes.three_hours.steps" in problem["rest"]


def test_a_programme_that_is_not_there_is_pointed_at(tmp_path):
    kit = copy_whole_kit(KITS["en"], tmp_path / "kit")
    guide = kit / "guide.yaml"
    replace_once(guide, "  full_day:\n", "  whole_day:\n")
    replace_once(guide, "programme: three_hours", "programme: full_day")
    run = run_cli("validate", kit)
    assert run.code == 1 and "Traceback" not in run.output, run.output
    [problem] = run.problems()
    # at the programme's content, on the line below its name
    assert (problem["file"], int(problem["line"])) == ("guide.yaml", line_col(guide, "whole_day:")[0] + 1)
    assert "programmes.whole_day" in problem["rest"] and "full_day" in problem["rest"], run.stderr


def words_with_boxes(page) -> list[tuple[str, float, float, float, float]]:
    """(word, left, bottom, right, top) of every word on a pdfium page, in points."""
    textpage = page.get_textpage()
    words, current, box = [], "", None
    for i in range(textpage.count_chars()):
        char = textpage.get_text_range(i, 1)
        if not char or char.isspace() or char in "\x02\ufffe":
            if current:
                words.append((current, *box))
            current, box = "", None
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        if box is not None and abs(bottom - box[1]) > 3:  # a new line without a space between
            words.append((current, *box))
            current, box = "", None
        current += char
        box = (left, bottom, right, top) if box is None else \
            (min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top))
    if current:
        words.append((current, *box))
    return words


def test_no_word_of_the_programme_table_runs_into_the_next_column(programme_build):
    """A long word in a narrow column ('kommunaldirektøren' under Hvem) once ran
    over into the next column, unbroken."""
    language, _, _, built = programme_build
    lab = labels(language)
    heads = [lab[k] for k in ("guide_col_title", "guide_col_tool", "guide_col_who", "guide_col_what")]
    [entry] = [f for f in built.files if f.get("kind") == "guide"]
    doc = pdfium.PdfDocument(str(built.path(entry["path"])))
    checked = 0
    try:
        for page in doc:
            words = words_with_boxes(page)
            firsts = [h.split()[0] for h in heads]
            # the table's heading row: the time's heading and the others' first words on one line
            row = next(([w] + [next((o for o in words if o[0] == first and abs(o[2] - w[2]) < 2 and o[1] > w[1]),
                                    None) for first in firsts]
                        for w in words if w[0] == lab["guide_col_time"]), [None])
            if None in row:
                continue
            found = row[1:]
            header_bottom = min(w[2] for w in found)
            # the columns start 1.5 mm left of their headings' text
            bounds = [w[1] - 1.5 * 72 / 25.4 for w in found]
            total = next((w for w in words if w[0] == lab["guide_total"].split()[0]), None)
            floor = total[4] if total else 22 * 72 / 25.4  # above the page's footer
            for word, left, bottom, right, _top in words:
                if floor < bottom < header_bottom - 1:
                    checked += 1
                    for bound in bounds:
                        assert not (left < bound - 0.5 < right), (word, left, right, bound)
    finally:
        doc.close()
    assert checked > 50
