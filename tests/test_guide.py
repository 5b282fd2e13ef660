"""The facilitator guide (guide-<paper>.pdf from guide.yaml), read back from
the real PDF: text with pypdfium2, page sizes with pypdf, the QR code
rasterised with PDFium and decoded with zxing-cpp. The expected numbers
come from guide.yaml, kit.yaml and the manifest of the same build, never
from the code under test.

The clock arithmetic and the materials rules are pure functions, tested
on their own at the end.
"""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import pypdf
import pypdfium2 as pdfium
import zxingcpp

from kit_helpers import (
    PAPERS_PT,
    REPO,
    STANDALONE,
    Built,
    line_col,
    load_yaml,
    normalise,
    pdf_text,
    replace_once,
    tree_digest,
)
from workshop_kit.layout.guide import BLANK, DIGITAL, FILLED, POSTER, PRINT_SHOP, UNUSED, clock, materials, plan

LABELS = REPO / "src" / "workshop_kit" / "data" / "labels"
def labels(language: str) -> dict[str, str]:
    return load_yaml(LABELS / f"{language}.yaml")


def guide_entry(built: Built) -> dict:
    found = [f for f in built.files if f.get("kind") == "guide"]
    assert len(found) == 1, [f["path"] for f in built.files]
    return found[0]


def guide_text(built: Built) -> str:
    """All text of the guide, line breaks and hyphenation undone."""
    return normalise(pdf_text(built.path(guide_entry(built)["path"])))


def programme_steps(guide: dict) -> list[dict]:
    """The steps of the programme guide.yaml chooses (or its only steps)."""
    if "programmes" in guide:
        return guide["programmes"][guide["programme"]]["steps"]
    return guide["steps"]


def expected_times(guide: dict) -> list[tuple[str, int, str]]:
    """(start time, minutes, title) of every step, counted from guide.yaml."""
    hours, minutes = map(int, guide["start"].split(":"))
    now = hours * 60 + minutes
    out = []
    for step in programme_steps(guide):
        out.append((f"{now // 60:02d}:{now % 60:02d}", step["minutes"], step["title"]))
        now += step["minutes"]
    return out


# --- the shipped kit's guide ------------------------------------------------------

def test_the_guide_is_in_the_manifest_with_its_pages_paper_and_qr_url(built, shipped_kit):
    entry = guide_entry(built)
    assert entry["path"] == "guide-a4.pdf" and entry["paper"] == "a4"
    reader = pypdf.PdfReader(str(built.path(entry["path"])))
    assert len(reader.pages) == entry["pages"] >= 2
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - PAPERS_PT["a4"][0]) < 0.5 and abs(height - PAPERS_PT["a4"][1]) < 0.5
    url = "https://example.org/f/temadag/guide/temadag"
    assert entry["qr_urls"] == [url]
    assert reader.metadata.title.startswith(load_yaml(shipped_kit / "guide.yaml")["title"])


def test_the_programme_shows_every_step_at_its_computed_time(built, shipped_kit):
    guide = load_yaml(shipped_kit / "guide.yaml")
    text = guide_text(built)
    minute = labels("da")["guide_minutes"]
    rows = expected_times(guide)
    assert rows[0][0] == "09:00" and len(rows) >= 10
    for start, minutes, title in rows:
        # the table reads row by row: start time, duration, title
        assert f"{start} {minutes} {minute} {title}" in text, (start, title)
    total = sum(step["minutes"] for step in programme_steps(guide))
    end = f"{(9 * 60 + total) // 60:02d}:{total % 60:02d}"
    duration = labels("da")["guide_duration"].format(hours=total // 60, minutes=total % 60)
    assert labels("da")["guide_total"].format(duration=duration, start="09:00", end=end) in text
    assert f"(09:00–{end})" in text


def test_every_tool_is_explained_in_the_order_of_the_programme(built, shipped_kit):
    guide = load_yaml(shipped_kit / "guide.yaml")
    text = guide_text(built)
    heading = labels("da")["guide_tools"]
    explained = text[text.index(heading):]
    used = list(dict.fromkeys(s["tool"] for s in programme_steps(guide) if s.get("tool")))
    positions = []
    for name in used:
        own = guide.get("tools", {}).get(name, {})
        if (REPO / "decks" / f"{name}.yaml").is_file():
            deck = load_yaml(REPO / "decks" / f"{name}.yaml")
            count = labels("da")["guide_deck"].format(cards=len(deck["cards"]))
            assert count in explained, name
            positions.append(explained.index(normalise(deck["description"])))
        else:
            board = load_yaml(REPO / "boards" / f"{name}.yaml")
            positions.append(explained.index(normalise(board["intro"])))
            steps = own.get("steps", board.get("steps", []))
            for question in board.get("questions", []):
                assert question in explained, (name, question)
            assert steps, f"{name}: the guide or the board must say how to run it"
        for step in own.get("steps", []) + own.get("tips", []):
            assert normalise(step) in explained, (name, step)
    assert positions == sorted(positions), "tools are explained in the order they are used"
    # the influence circle's steps come from its board file, written once
    circle = load_yaml(REPO / "boards" / "indflydelsescirkel.yaml")
    assert "steps" not in guide["tools"]["indflydelsescirkel"]
    for n, step in enumerate(circle["steps"], start=1):
        assert f"{n}. {normalise(step)}" in explained


def test_the_materials_list_counts_the_sheets_of_this_build(built, shipped_kit):
    guide = load_yaml(shipped_kit / "guide.yaml")
    text = guide_text(built)
    da = labels("da")
    groups = guide["groups"]
    tools = guide.get("tools", {})
    used = {s["tool"] for s in programme_steps(guide) if s.get("tool")}
    per_group = {name for name in used if tools.get(name, {}).get("print", "per-group") in ("per-group", "both")}
    filled = {name for name in used if tools.get(name, {}).get("print") in ("filled", "both")}
    # the shipped three-hour programme prints every tool once per group; a filled-in
    # board shown once is in the full-day programme (tests/test_guide_executive_circle.py)
    assert per_group

    def row(entry: dict, copies: int, sheets: int, sides: str) -> str:
        pages = da["guide_one_page"] if entry["pages"] == 1 else da["guide_pages"].format(pages=entry["pages"])
        return f"{entry['path']} · {pages} {copies} {sheets} {entry['paper'].upper()} {sides}"

    duplex = single = tokens = token_sheets = taped = 0
    checked = set()
    for entry in built.files:
        name = entry.get("deck") or entry.get("board")
        if entry["kind"] == "card-deck" and entry["mode"] == "home" and name in per_group:
            sheets = entry["pages"] // 2 * groups
            duplex += sheets
            assert row(entry, groups, sheets, da["guide_duplex"]) in text, entry["path"]
        elif entry["kind"] in ("board-tiles", "token-sheet") and name in per_group:
            sheets = entry["pages"] * groups
            single += sheets
            tokens += entry.get("tokens", 0) * groups
            token_sheets += sheets if entry["kind"] == "token-sheet" else 0
            taped += groups if entry["kind"] == "board-tiles" else 0
            assert row(entry, groups, sheets, da["guide_single"]) in text, entry["path"]
        elif entry["kind"] == "board-poster" and entry["paper"] == "a4" and name in per_group:
            single += entry["pages"] * groups
            assert row(entry, groups, entry["pages"] * groups, da["guide_single"]) in text, entry["path"]
        elif entry["kind"] == "board-poster" and entry["variant"] == "filled" and name in filled:
            assert row(entry, 1, entry["pages"], da["guide_single"]) in text, entry["path"]
        else:
            continue
        checked.add(name)
    assert checked == used
    # a sheet for every cards_per_sheet cards of each of the programme's decks, front and back
    decks = [f for f in built.files if f.get("kind") == "card-deck" and f.get("mode") == "home"
             and f["deck"] in used]
    assert len(decks) >= 4
    assert duplex == sum(-(-len(load_yaml(REPO / "decks" / f"{f['deck']}.yaml")["cards"]) // f["cards_per_sheet"])
                         for f in decks) * groups
    total = da["guide_sheet_total"]
    assert total.format(sheets=duplex, paper="A4", sides=da["guide_duplex"]) in text
    assert total.format(sheets=single, paper="A4", sides=da["guide_single"]) in text
    assert tokens and da["guide_tokens"].format(tokens=tokens, sheets=token_sheets) in text
    post_its = guide["participants"] * guide["materials"]["post_its_per_participant"]
    assert da["guide_post_its"].format(participants=guide["participants"],
                                       per=guide["materials"]["post_its_per_participant"],
                                       total=post_its) in text
    assert da["guide_cutting"] in text and taped and da["guide_tape"].format(boards=taped, paper="A4") in text
    for item in guide["materials"]["extra"]:
        assert item in text
    # the files not to print are listed too, with why
    assert da["guide_reason_print-shop"] in text and "decks/dilemmaer-print-shop.pdf" in text
    assert da["guide_reason_digital"] in text and "boards/partnermatrix.svg" in text


def test_the_guide_qr_code_decodes_to_its_url_in_the_manifest(built):
    entry = guide_entry(built)
    doc = pdfium.PdfDocument(str(built.path(entry["path"])))
    try:
        found = []
        for page in doc:
            image = page.render(scale=200 / 72).to_pil()
            found += [c.text for c in zxingcpp.read_barcodes(image) if "QR" in c.format.name]
    finally:
        doc.close()
    assert found == entry["qr_urls"]
    assert entry["qr_urls"][0] in guide_text(built)  # printed beside the code


def test_the_guide_has_page_numbers_and_the_kit_title_on_every_page(built, shipped_kit):
    entry = guide_entry(built)
    kit = load_yaml(shipped_kit / "kit.yaml")
    doc = pdfium.PdfDocument(str(built.path(entry["path"])))
    try:
        for number, page in enumerate(doc, start=1):
            text = normalise(page.get_textpage().get_text_range())
            assert kit["title"] in text
            assert labels("da")["guide_page"].format(page=number, pages=entry["pages"]) in text
    finally:
        doc.close()


# --- other kits ------------------------------------------------------------------

GUIDE_OF_TWO_DECKS = """\
title: Kort dag
intro: En kort formiddag med to kortspil.
participants: 12
groups: 3
start: "13:30"
steps:
  - title: Velkomst
    minutes: 10
  - title: Temaerne
    minutes: 50
    tool: velfaerdstemaer
  - title: Rollerne
    minutes: 45
    tool: politikerroller
tools:
  politikerroller:
    steps: [Vælg en rolle., Drøft den.]
"""


def test_a_kit_without_guide_yaml_builds_no_guide(make_kit, build, tmp_path):
    kit = make_kit(STANDALONE)
    result = build(kit, tmp_path / "out", "--mode", "home")
    assert not [f for f in result.files if f.get("kind") == "guide"]
    assert not list(result.out.glob("guide*"))


def test_a_guide_on_letter_paper_with_a_label_of_the_kit(make_kit, build, tmp_path):
    kit = make_kit(STANDALONE)
    (kit / "guide.yaml").write_text(GUIDE_OF_TWO_DECKS, encoding="utf-8")
    replace_once(kit / "kit.yaml", "theme:", 'labels:\n  guide_programme: "Sådan går dagen"\ntheme:')
    result = build(kit, tmp_path / "out", "--paper", "letter", "--mode", "home")
    entry = guide_entry(result)
    assert entry["path"] == "guide-letter.pdf" and entry["paper"] == "letter"
    page = pypdf.PdfReader(str(result.path(entry["path"]))).pages[0]
    assert abs(float(page.mediabox.width) - PAPERS_PT["letter"][0]) < 0.5
    text = guide_text(result)
    assert "Sådan går dagen" in text and labels("da")["guide_programme"] not in text
    assert "13:30 10 min Velkomst" in text and "13:40 50 min Temaerne" in text and "14:30 45 min Rollerne" in text
    assert "(13:30–15:15)" in text
    for deck in STANDALONE:
        home = next(f for f in result.files if f.get("deck") == deck and f.get("mode") == "home")
        assert f"{home['path']} · {home['pages']} sider 3 {home['pages'] // 2 * 3} Letter" in text
    assert "1. Vælg en rolle. 2. Drøft den." in text


def test_only_writes_the_guide_when_the_output_holds_every_tool_of_the_programme(built, build, shipped_kit,
                                                                                 tmp_path):
    fresh = build(shipped_kit, tmp_path / "fresh", "--only", "politikerroller")
    assert not [f for f in fresh.files if f.get("kind") == "guide"] and not list(fresh.out.glob("guide*"))
    assert "no guide written" in fresh.run.stderr and "velfaerdstemaer" in fresh.run.stderr
    out = tmp_path / "again"
    shutil.copytree(built.out, out)
    again = build(shipped_kit, out, "--only", "politikerroller", "--paper", "letter", "--mode", "home")
    # one guide, written again from the output as it now is: the deck rebuilt on Letter paper
    assert [f["path"] for f in again.files if f.get("kind") == "guide"] == ["guide-letter.pdf"]
    text = guide_text(again)
    assert "decks/politikerroller-letter-duplex.pdf" in text and "decks/dilemmaer-a4-duplex.pdf" in text
    assert "decks/politikerroller-a4-duplex.pdf" not in text


def test_an_english_kit_has_an_english_guide(english):
    result = english
    text = guide_text(result)
    en, da = labels("en"), labels("da")
    for key in ("guide_programme", "guide_tools", "guide_materials", "guide_print", "guide_follow_up",
                "guide_col_time", "guide_col_copies", "guide_col_sheets", "guide_steps"):
        assert en[key] in text, key
        assert da[key] not in text, key
    assert en["guide_page"].format(page=1, pages=guide_entry(result)["pages"]) in text
    guide = load_yaml(REPO / "kits" / "en" / "guide.yaml")
    for start, minutes, title in expected_times(guide):
        assert f"{start} {minutes} {en['guide_minutes']} {title}" in text
    lang = pypdf.PdfReader(str(result.path("guide-a4.pdf"))).trailer["/Root"].get("/Lang")
    assert lang == "en"


# --- errors in guide.yaml ---------------------------------------------------------

BROKEN_GUIDE = """\
title: Temadag
intro: Formålet med dagen.
participants: 20
groups: 4
start: "09:00"
steps:
  - title: Velkomst
    minutes: 0
  - title: Temaerne
    minutes: ten
    tool: velfaerdstema
  - title: Rollerne
    minutes: 30
    tool: politikerroller
    hvem: Byrådet
tools:
  politikerroller:
    step: [Vælg en rolle.]
  velfaerdstemaer:
    print: filled
materials:
  post_its_per_participant: -1
"""


def test_problems_in_guide_yaml_are_reported_together_and_nothing_is_written(make_kit, cli, tmp_path):
    kit = make_kit(STANDALONE)
    path = kit / "guide.yaml"
    path.write_text(BROKEN_GUIDE, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier output", encoding="utf-8")
    before = tree_digest(out)
    run = cli("build", kit, "--out", out)
    assert run.code == 1, run.output
    assert "Traceback" not in run.output
    found = {(m["file"], int(m["line"]), int(m["col"])): m["rest"] for m in run.problems()}
    expected = {
        line_col(path, "minutes: 0", "0"): ("steps[0].minutes", "greater than 0"),
        line_col(path, "minutes: ten", "ten"): ("steps[1].minutes", "valid integer"),
        line_col(path, "tool: velfaerdstema", "velfaerdstema"): ("steps[1].tool", "did you mean 'velfaerdstemaer'"),
        line_col(path, "hvem:"): ("steps[2].hvem", "allowed here: minutes, title, tool, what, who"),
        line_col(path, "step:"): ("tools.politikerroller.step", "did you mean 'steps'"),
        line_col(path, "print: filled", "filled"): ("tools.velfaerdstemaer.print", "is a deck"),
        line_col(path, "post_its_per_participant", "-1"): ("materials.post_its_per_participant",
                                                              "greater than or equal to 0"),
    }
    for (line, column), (field, message) in expected.items():
        rest = found.get(("guide.yaml", line, column))
        assert rest is not None, (line, column, field, run.stderr)
        assert rest.strip().startswith(f"{field}:") and message in rest, rest
    assert len([k for k in found if k[0] == "guide.yaml"]) == len(expected), run.stderr
    assert tree_digest(out) == before  # nothing written, not even a staging folder


def test_validate_reports_a_guide_naming_a_board_the_kit_does_not_have(make_kit, cli):
    kit = make_kit(STANDALONE)
    path = kit / "guide.yaml"
    path.write_text(GUIDE_OF_TWO_DECKS.replace("tool: velfaerdstemaer", "tool: indflydelsescirkel")
                    .replace("groups: 3", "groups: 13"), encoding="utf-8")
    run = cli("validate", kit)
    assert run.code == 1 and "Traceback" not in run.output
    problems = {(int(m["line"]), int(m["col"])): m["rest"] for m in run.problems() if m["file"] == "guide.yaml"}
    assert len(problems) == 2, run.stderr
    assert "unknown deck or board 'indflydelsescirkel'" in problems[line_col(path, "tool: indflydelsescirkel",
                                                                              "indflydelsescirkel")]
    assert "13 groups for 12 participants" in problems[line_col(path, "groups: 13", "13")]


def test_a_character_the_font_lacks_is_reported_at_its_line(make_kit, invoke):
    kit = make_kit(STANDALONE)
    path = kit / "guide.yaml"
    path.write_text(GUIDE_OF_TWO_DECKS.replace("    minutes: 45\n", "    minutes: 45\n    who: Alle \u2615\n"),
                    encoding="utf-8")
    run = invoke("validate", kit)
    assert run.code == 1
    [problem] = [m for m in run.problems() if m["file"] == "guide.yaml"]
    assert (int(problem["line"]), int(problem["col"])) == line_col(path, "who: Alle", "Alle")
    assert problem["rest"].strip().startswith("steps[2].who:") and "U+2615" in problem["rest"]


# --- the programme and the materials as pure functions ------------------------------

def step(minutes, title="x", tool=None, what=None, who=None):
    return SimpleNamespace(minutes=minutes, title=title, tool=tool, what=what, who=who)


def test_plan_counts_clock_times_from_the_start():
    day = plan("08:45", [step(20, "a"), step(45, "b", what=["x", "y"]), step(90, "c", what="z")])
    assert [(r.start, r.end) for r in day.rows] == [("08:45", "09:05"), ("09:05", "09:50"), ("09:50", "11:20")]
    assert day.minutes == 155 and (day.start, day.end) == ("08:45", "11:20")
    assert day.rows[1].what == ("x", "y") and day.rows[2].what == ("z",) and day.rows[0].what == ()


def test_plan_runs_past_midnight():
    assert plan("23:30", [step(45)]).end == "00:15"
    assert clock(24 * 60 + 5) == "00:05"


def manifest_files() -> list[dict]:
    return [
        {"path": "decks/d-a4-duplex.pdf", "kind": "card-deck", "deck": "d", "mode": "home", "paper": "a4", "pages": 6},
        {"path": "decks/d-print-shop.pdf", "kind": "card-deck", "deck": "d", "mode": "shop", "paper": "card",
         "pages": 40},
        {"path": "decks/unused-a4-duplex.pdf", "kind": "card-deck", "deck": "unused", "mode": "home", "paper": "a4",
         "pages": 2},
        {"path": "boards/b-a3.pdf", "kind": "board-poster", "board": "b", "variant": "blank", "paper": "a3",
         "pages": 1},
        {"path": "boards/b.svg", "kind": "board-svg", "board": "b", "variant": "blank"},
        {"path": "boards/b-a3-tiles-a4.pdf", "kind": "board-tiles", "board": "b", "variant": "blank", "paper": "a4",
         "pages": 4},
        {"path": "boards/b-tokens-a4.pdf", "kind": "token-sheet", "board": "b", "variant": "blank", "paper": "a4",
         "pages": 2, "tokens": 30},
        {"path": "boards/b-filled-a3.pdf", "kind": "board-poster", "board": "b", "variant": "filled", "paper": "a3",
         "pages": 1},
        {"path": "boards/list-a4.pdf", "kind": "board-poster", "board": "list", "variant": "blank", "paper": "a4",
         "pages": 1},
        {"path": "guide-a4.pdf", "kind": "guide", "paper": "a4", "pages": 5},
    ]


def stuff(files=None, used=("list", "b", "d"), **options):
    values = dict(groups=4, participants=21, post_its_per_participant=8, pens_per_participant=1,
                  extra=["Kaffe"], paper="a4")
    values.update(options)
    return materials(manifest_files() if files is None else files, list(used), **values)


def test_materials_one_copy_per_group_in_the_order_of_the_programme():
    m = stuff()
    printed = [(i.path, i.copies, i.sheets, i.duplex) for i in m.printed]
    assert printed == [
        ("boards/list-a4.pdf", 4, 4, False),
        ("boards/b-a3-tiles-a4.pdf", 4, 16, False),
        ("boards/b-tokens-a4.pdf", 4, 8, False),
        ("decks/d-a4-duplex.pdf", 4, 12, True),  # 6 pages duplex: 3 sheets a copy
    ]
    assert [(t.paper, t.duplex, t.sheets) for t in m.totals] == [("a4", True, 12), ("a4", False, 28)]
    assert m.tokens == 120 and m.post_its == 168 and m.pens == 21
    assert m.cutting and m.taped_boards == 4 and m.tile_paper == "a4" and m.extra == ("Kaffe",)
    reasons = {f.path: f.reason for f in m.other}
    assert reasons == {"decks/d-print-shop.pdf": PRINT_SHOP, "boards/b-a3.pdf": POSTER,
                       "boards/b-filled-a3.pdf": FILLED, "decks/unused-a4-duplex.pdf": UNUSED,
                       "boards/b.svg": DIGITAL}


def test_materials_on_a3_print_the_poster_instead_of_tiles():
    m = stuff(paper="a3", used=("b",))
    assert [i.path for i in m.printed] == ["boards/b-a3.pdf", "boards/b-tokens-a4.pdf"]
    assert m.taped_boards == 0


def test_materials_of_a_filled_in_board_shown_once():
    only_filled = stuff(used=("b",), per_group=(), filled=("b",))
    assert [(i.path, i.copies, i.sheets) for i in only_filled.printed] == [("boards/b-filled-a3.pdf", 1, 1)]
    assert {f.path for f in only_filled.other if f.reason == BLANK} == {
        "boards/b-a3.pdf", "boards/b-a3-tiles-a4.pdf", "boards/b-tokens-a4.pdf"}
    both = stuff(used=("b",), filled=("b",))
    assert [i.path for i in both.printed] == ["boards/b-a3-tiles-a4.pdf", "boards/b-tokens-a4.pdf",
                                              "boards/b-filled-a3.pdf"]


def test_materials_of_a_deck_built_for_the_print_shop_only():
    files = [f for f in manifest_files() if f["path"] != "decks/d-a4-duplex.pdf"]
    m = stuff(files, used=("d",))
    assert [(i.path, i.copies, i.sheets) for i in m.printed] == [("decks/d-print-shop.pdf", 4, None)]
    assert m.totals == () and not m.cutting
