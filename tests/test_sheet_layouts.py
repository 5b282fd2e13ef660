"""Sheet layouts as data: a kit's layouts/<name>.yaml, chosen in kit.yaml,
changes the office sheets (gap, cut lines, fronts only, fold in half,
turned cards), copies of cards and decks are printed, and a wrong layout
file is one problem at its line. Every check reads the real PDF back
(pypdf, pypdfium2, zxing-cpp) or the manifest the build wrote."""

from __future__ import annotations

import ctypes
import math

import pytest
from PIL import Image
from pypdf import PdfReader

from kit_helpers import MM, build_into, line_col, replace_once, run_cli, stroked_segments

DECK = "politikerroller"  # 12 cards, set here on poker cards (63 x 88 mm): 9 to an A4 sheet
A4 = (210.0, 297.0)
MARGIN = 5.0  # data/sheets.yaml: printer_margin
EPS = 0.01  # mm


def layout_kit(make_kit, layout: str | None, *, kit_lines: str = "", deck=DECK):
    """A kit of one deck on poker cards whose kit.yaml chooses layouts/mine.yaml, written from `layout`."""
    kit = make_kit((deck,))
    replace_once(kit / "kit.yaml", "card_size: tarot", "card_size: poker")
    if layout is not None:
        (kit / "layouts").mkdir()
        (kit / "layouts" / "mine.yaml").write_text(layout, encoding="utf-8")
        kit_lines = "sheet_layout: mine\n" + kit_lines
    if kit_lines:
        replace_once(kit / "kit.yaml", "bleed: 3", "bleed: 3\n" + kit_lines.rstrip("\n"))
    return kit


def office(built):
    [entry] = built.files_of("home")
    return entry


def fronts(built, entry, page=1):
    return sorted((p["trim_mm"] for _, p in built.placements(entry["path"], page=page, side="front")),
                  key=lambda t: (-t[1], t[0]))


def segments_mm(built, entry, page=1):
    return [tuple(v / MM for v in s) for s in stroked_segments(built.pdfium(entry["path"])[page - 1])]


def duplex_preference(path) -> str:
    return str(PdfReader(path).trailer["/Root"]["/ViewerPreferences"]["/Duplex"])


def test_the_default_layout_is_the_office_layout_and_is_recorded(make_kit, tmp_path):
    built = build_into(layout_kit(make_kit, None), tmp_path / "out", "--mode", "home")
    entry = office(built)
    assert entry["path"] == f"decks/{DECK}-a4-duplex.pdf"
    assert entry["layout"] == {"name": "office", "gap_mm": 0, "marks": "crop", "sides": "duplex",
                               "rotated": False}
    assert entry["pages"] == 4 and entry["cards_per_sheet"] == 9
    assert duplex_preference(built.path(entry["path"])) == "/DuplexFlipLongEdge"


def test_a_gap_between_cards_gives_each_card_its_own_crop_marks(make_kit, tmp_path):
    built = build_into(layout_kit(make_kit, "gap: 4\n"), tmp_path / "out", "--mode", "home")
    entry = office(built)
    assert entry["layout"]["gap_mm"] == 4
    top_row = [t for t in fronts(built, entry) if abs(t[1] - fronts(built, entry)[0][1]) < EPS]
    assert len(top_row) == 2  # 3 x 63 + 2 x 4 mm no longer fits in 190 mm
    assert top_row[1][0] - (top_row[0][0] + 63) == pytest.approx(4)
    # The marks in the PDF stand at both edges of the gap, outside the block of cards.
    mark_xs = {round(x1, 1) for x1, y1, x2, y2 in segments_mm(built, entry) if abs(x1 - x2) < EPS}
    assert {round(top_row[0][0] + 63, 1), round(top_row[1][0], 1)} <= mark_xs


def test_cut_lines_cross_the_whole_sheet_on_every_cut(make_kit, tmp_path):
    built = build_into(layout_kit(make_kit, "marks: cut-lines\n"), tmp_path / "out", "--mode", "home")
    entry = office(built)
    segments = segments_mm(built, entry)
    vertical = {round(x1, 2) for x1, y1, x2, y2 in segments
                if abs(x1 - x2) < EPS and min(y1, y2) == pytest.approx(MARGIN)
                and max(y1, y2) == pytest.approx(A4[1] - MARGIN)}
    horizontal = {round(y1, 2) for x1, y1, x2, y2 in segments
                  if abs(y1 - y2) < EPS and min(x1, x2) == pytest.approx(MARGIN)
                  and max(x1, x2) == pytest.approx(A4[0] - MARGIN)}
    assert len(vertical) + len(horizontal) == len(segments)  # no short crop marks
    for x, y, w, h in fronts(built, entry):
        assert round(x, 2) in vertical and round(x + w, 2) in vertical
        assert round(y, 2) in horizontal and round(y + h, 2) in horizontal
    # Back pages mirror the lines with their cards.
    for x, *_ in (p["trim_mm"] for _, p in built.placements(entry["path"], page=2, side="back")):
        assert round(x, 2) in {round(A4[0] - v, 2) for v in vertical}


def test_fronts_only_sheets_have_no_back_pages(make_kit, tmp_path):
    built = build_into(layout_kit(make_kit, "sides: fronts\n"), tmp_path / "out", "--mode", "home")
    entry = office(built)
    assert entry["path"] == f"decks/{DECK}-a4-fronts-only.pdf"
    assert entry["pages"] == math.ceil(12 / 9) == len(PdfReader(built.path(entry["path"])).pages)
    assert not list(built.placements(entry["path"], side="back"))
    assert duplex_preference(built.path(entry["path"])) == "/Simplex"
    index = built.path("index.html").read_text(encoding="utf-8")
    assert "Enkeltsidet" in index and "Dobbeltsidet" not in index


def test_fold_sheets_put_each_back_beside_its_front_with_a_dashed_fold_line(make_kit, tmp_path):
    built = build_into(layout_kit(make_kit, "sides: fold\n"), tmp_path / "out", "--mode", "home")
    entry = office(built)
    assert entry["path"] == f"decks/{DECK}-a4-fold.pdf"
    assert entry["cards_per_sheet"] == 3 and entry["pages"] == 4  # 126 x 88 mm pairs, one a row
    assert duplex_preference(built.path(entry["path"])) == "/Simplex"
    page = built.pdfium(entry["path"])[0]
    dashed = []
    for obj in page.get_objects():
        if pypdfium_dashes(obj):
            dashed += stroked_of(obj)
    for card, front in built.placements(entry["path"], page=1, side="front"):
        back = built.placement(card, entry["path"], "back")
        assert back["page"] == 1
        assert back["trim_mm"][0] == pytest.approx(front["trim_mm"][0] + 63)
        assert back["trim_mm"][1] == pytest.approx(front["trim_mm"][1])
        fold = front["trim_mm"][0] + 63
        assert any(abs(x1 - fold) < EPS and abs(x2 - fold) < EPS and min(y1, y2) == pytest.approx(MARGIN)
                   and max(y1, y2) == pytest.approx(A4[1] - MARGIN) for x1, y1, x2, y2 in dashed), fold


def pypdfium_dashes(obj) -> int:
    import pypdfium2.raw as pdfium_c

    return pdfium_c.FPDFPageObj_GetDashCount(obj) if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH else 0


def stroked_of(obj) -> list[tuple[float, float, float, float]]:
    """The straight segments of one path object, in mm on the page."""
    import pypdfium2.raw as pdfium_c

    a, b, c, d, e, f = obj.get_matrix().get()
    points = []
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        px, py = ctypes.c_float(), ctypes.c_float()
        pdfium_c.FPDFPathSegment_GetPoint(seg, px, py)
        points.append(((a * px.value + c * py.value + e) / MM, (b * px.value + d * py.value + f) / MM))
    return [(*p, *q) for p, q in zip(points, points[1:])]


def _trim_image(built, entry, placement, dpi=150) -> Image.Image:
    scale = dpi / 72
    image = built.pdfium(entry["path"])[placement["page"] - 1].render(scale=scale).to_pil()
    x, y, w, h = (v * MM * scale for v in placement["trim_mm"])
    return image.crop((round(x), round(image.height - y - h), round(x + w), round(image.height - y)))


def _qr_centre(image: Image.Image) -> tuple[float, float]:
    """Centre of the one QR code in a card picture, as a fraction of its width and height."""
    import zxingcpp

    [code] = zxingcpp.read_barcodes(image)
    p = code.position
    xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
    ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
    return sum(xs) / 4 / image.width, sum(ys) / 4 / image.height


@pytest.mark.parametrize("duplex", ["long-edge", "short-edge"])
def test_turned_cards_fit_more_and_their_backs_land_behind_their_fronts(make_kit, tmp_path, duplex):
    kit = layout_kit(make_kit, "rotate: auto\n")
    replace_once(kit / "kit.yaml", "duplex: long-edge", f"duplex: {duplex}")
    replace_once(kit / "kit.yaml", "card_size: poker", "card_size: a6")
    built = build_into(kit, tmp_path / "out")
    entry = office(built)
    # An A6 card (105 x 148 mm) fits once on A4 upright, twice turned.
    assert entry["layout"]["rotated"] is True and entry["cards_per_sheet"] == 2
    shop = built.file(DECK, "shop")
    for card, front in built.placements(entry["path"], side="front"):
        back = built.placement(card, entry["path"], "back")
        assert back["page"] == front["page"] + 1
        x, y, w, h = front["trim_mm"]
        assert (w, h) == (148, 105) and back["trim_mm"][2:] == [148, 105]
        if duplex == "long-edge":
            assert back["trim_mm"][:2] == pytest.approx([A4[0] - x - w, y])
        else:
            assert back["trim_mm"][:2] == pytest.approx([x, A4[1] - y - h])
        # Cut out and seen upright, each face is the card's own face the right way up:
        # its QR code stands where it stands on the upright card of the print-shop file.
        upright_back = _trim_image(built, shop, built.placement(card, shop["path"], "back"))
        if duplex == "long-edge":
            # Turned over on its long edge, the card's top is the sheet's right edge on the back.
            seen = _trim_image(built, entry, back).rotate(90, expand=True)
            assert _qr_centre(seen) == pytest.approx(_qr_centre(upright_back), abs=0.02)
        seen_front = _trim_image(built, entry, front).rotate(-90, expand=True)
        assert seen_front.size == pytest.approx(upright_back.size, abs=2)
    assert entry["pages"] == 2 * math.ceil(12 / 2)


def test_never_turned_when_the_layout_says_never(make_kit, tmp_path):
    kit = layout_kit(make_kit, "rotate: never\n")
    replace_once(kit / "kit.yaml", "card_size: poker", "card_size: a6")
    built = build_into(kit, tmp_path / "out", "--mode", "home")
    assert office(built)["layout"]["rotated"] is False and office(built)["cards_per_sheet"] == 1


def test_copies_of_a_deck_and_of_a_card_are_printed_and_counted(make_kit, tmp_path):
    kit = layout_kit(make_kit, None)
    deck_file = kit / "decks" / f"{DECK}.yaml"
    replace_once(deck_file, "cards:\n", "copies: 2\ncards:\n")
    replace_once(deck_file, "  - id: lytteren\n", "  - id: lytteren\n    copies: 3\n")
    built = build_into(kit, tmp_path / "out")
    home, shop = office(built), built.file(DECK, "shop")
    printed = 2 * (11 + 3)
    [deck] = built.manifest["decks"]
    assert (deck["cards"], deck["copies"], deck["printed"]) == (12, 2, printed)
    for card in built.cards:
        want = 6 if card["id"] == "lytteren" else 2
        assert card["copies"] == want
        assert len([p for p in card["placements"] if p["file"] == home["path"] and p["side"] == "front"]) == want
        assert len([p for p in card["placements"] if p["file"] == shop["path"]]) == 2 * want
    assert home["pages"] == 2 * math.ceil(printed / 9) == len(PdfReader(built.path(home["path"])).pages)
    assert shop["pages"] == 2 * printed == len(PdfReader(built.path(shop["path"])).pages)


@pytest.mark.parametrize("text, needle, message", [
    ("gap: 2\nmarks: crops\n", "crops", "'crop', 'cut-lines' or 'none'"),
    ("gapp: 2\n", "gapp", "unknown field 'gapp'; did you mean 'gap'?"),
    ("gap: -1\n", "-1", "greater than or equal to 0"),
])
def test_a_wrong_layout_file_is_one_problem_at_its_line(make_kit, text, needle, message):
    kit = layout_kit(make_kit, text)
    run = run_cli("build", kit, "--out", kit / "out")
    assert run.code == 1 and "Traceback" not in run.output
    [problem] = run.problems()
    line, column = line_col(kit / "layouts" / "mine.yaml", needle)
    assert (problem["file"], int(problem["line"]), int(problem["col"])) == ("layouts/mine.yaml", line, column)
    assert message in problem["rest"]
    assert not (kit / "out").exists()


def test_an_unknown_layout_name_is_pointed_at_in_kit_yaml(make_kit):
    kit = layout_kit(make_kit, None, kit_lines="sheet_layout: fodl\n")
    run = run_cli("validate", kit)
    assert run.code == 1
    [problem] = run.problems()
    line, column = line_col(kit / "kit.yaml", "sheet_layout: fodl", "fodl")
    assert (problem["file"], int(problem["line"]), int(problem["col"])) == ("kit.yaml", line, column)
    assert "did you mean 'fold'?" in problem["rest"]


def test_a_layout_file_outside_the_kit_is_refused_unread(make_kit, tmp_path):
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("gap: 2\nSECRET-PASSWORD: hunter2\n", encoding="utf-8")
    kit = layout_kit(make_kit, "gap: 1\n")
    (kit / "layouts" / "mine.yaml").unlink()
    (kit / "layouts" / "mine.yaml").symlink_to(elsewhere)
    run = run_cli("build", kit, "--out", kit / "out")
    assert run.code == 1 and "Traceback" not in run.output
    assert "layouts/mine.yaml" in run.stderr and "outside the kit folder" in run.stderr
    assert "SECRET" not in run.output and "hunter2" not in run.output and str(tmp_path) not in run.output


def test_a_card_too_large_to_fold_on_the_paper_is_a_problem_at_the_card_size(make_kit):
    # (upright: an A6 card beside its back is 210 mm wide; turned, it would fit)
    kit = layout_kit(make_kit, "sides: fold\nrotate: never\n")
    replace_once(kit / "kit.yaml", "card_size: poker", "card_size: a6")
    run = run_cli("validate", kit)
    assert run.code == 1
    [problem] = run.problems()
    assert problem["file"] == "kit.yaml" and "beside its back" in problem["rest"]


def test_a_changed_layout_file_rebuilds_the_sheets(make_kit, tmp_path):
    kit, out = layout_kit(make_kit, "gap: 0\n"), tmp_path / "out"
    first = build_into(kit, out, "--mode", "home")
    assert office(first)["layout"]["marks"] == "crop"
    (kit / "layouts" / "mine.yaml").write_text("marks: cut-lines\nsides: fold\n", encoding="utf-8")
    again = build_into(kit, out, "--mode", "home")
    assert "Up to date" not in again.run.stdout
    assert office(again)["layout"] == {"name": "mine", "gap_mm": 0, "marks": "cut-lines", "sides": "fold",
                                       "rotated": False}
    assert [p.name for p in (out / "decks").iterdir()] == [f"{DECK}-a4-fold.pdf"]
    index = again.path("index.html").read_text(encoding="utf-8")
    assert "fold det på den stiplede linje" in index and "Skær langs skæremærkerne" not in index


def test_a_deck_chooses_its_own_layout(make_kit, tmp_path):
    kit = make_kit((DECK, "velfaerdstemaer"))
    replace_once(kit / "decks" / f"{DECK}.yaml", "cards:\n", "sheet_layout: fronts\ncards:\n")
    built = build_into(kit, tmp_path / "out", "--mode", "home")
    by_deck = {f["deck"]: f for f in built.files_of("home")}
    assert by_deck[DECK]["layout"]["name"] == "fronts" and by_deck[DECK]["path"].endswith("-fronts-only.pdf")
    assert by_deck["velfaerdstemaer"]["layout"]["name"] == "office"
    assert by_deck["velfaerdstemaer"]["path"].endswith("-duplex.pdf")


def test_an_unknown_layout_of_a_deck_is_pointed_at_in_the_deck_file(make_kit):
    kit = make_kit((DECK,))
    deck_file = kit / "decks" / f"{DECK}.yaml"
    replace_once(deck_file, "cards:\n", "sheet_layout: frnots\ncards:\n")
    run = run_cli("validate", kit)
    assert run.code == 1
    [problem] = run.problems()
    line, column = line_col(deck_file, "sheet_layout: frnots", "frnots")
    assert (problem["file"], int(problem["line"]), int(problem["col"])) == (f"decks/{DECK}.yaml", line, column)
    assert "did you mean 'fronts'?" in problem["rest"]


def test_every_problem_of_a_layout_file_is_told_at_once(make_kit):
    kit = layout_kit(make_kit, "gapp: 1\nsides: both\nrotate: always\n")
    run = run_cli("validate", kit)
    assert run.code == 1 and "Traceback" not in run.output
    found = {(p["file"], int(p["line"]), int(p["col"])) for p in run.problems()}
    layout = kit / "layouts" / "mine.yaml"
    assert found == {("layouts/mine.yaml", *line_col(layout, needle)) for needle in ("gapp", "both", "always")}


def test_a_layout_file_too_large_to_be_one_is_refused_unread(make_kit):
    kit = layout_kit(make_kit, "gap: 1\n" + "# padding\n" * 600_000)
    run = run_cli("validate", kit)
    assert run.code == 1 and "Traceback" not in run.output
    assert run.problems() == []  # told without a line: the file is not read at all
    assert "  layouts/mine.yaml: the file is larger than 5 MB" in run.stderr
