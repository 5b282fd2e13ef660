"""The PDFs a user gets, read back with libraries other than the writer's:
pypdf for page boxes and fonts, pypdfium2 for text positions, vector paths
and rasters, zxing-cpp for the QR codes."""

from __future__ import annotations

import re

import pypdf
import pytest
import zxingcpp
from pypdf.generic import ContentStream

from kit_helpers import (
    MM,
    PAPERS_PT,
    SHIPPED_QR_URL,
    STANDALONE,
    back_codes,
    line_col,
    load_yaml,
    normalise,
    replace_once,
    stroked_segments,
    tree_digest,
    trim_pt,
)

TOL_PT = 0.5 * MM  # 0.5 mm
DPI = 150


def reader(built, name: str) -> pypdf.PdfReader:
    return pypdf.PdfReader(str(built.path(name)))


def box(rect) -> tuple[float, float, float, float]:
    return tuple(float(v) for v in (rect.left, rect.bottom, rect.right, rect.top))


def close(a, b, tol=0.05) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def text_in(page, rect) -> str:
    left, bottom, right, top = rect
    return page.get_textpage().get_text_bounded(left=left, bottom=bottom, right=right, top=top)


# --- files and pages ----------------------------------------------------------

def test_every_file_in_the_manifest_exists_with_its_page_count(built):
    assert len(built.deck_files) == 10  # 5 decks x (office sheets + print shop)
    for entry in built.files:
        path = built.path(entry["path"])
        assert path.is_file(), entry
        if path.suffix == ".pdf":
            assert path.read_bytes().startswith(b"%PDF-")
            assert len(pypdf.PdfReader(str(path)).pages) == entry["pages"], entry
    # and nothing else was left in the output folder (no staging leftovers):
    # besides the files, only index.html, the thumbnails it shows and the
    # build's own state (the QR codes of this build, for the next)
    sheets = {t["path"] for t in built.thumbnail_sheets}
    assert {t["path"] for card in built.cards for t in card["thumbnails"].values()} == sheets
    assert len(sheets) == len(built.manifest["decks"])  # every shipped deck fits on one contact sheet
    boards = {t["path"] for entry in built.manifest["boards"] for t in entry["thumbnails"].values()}
    assert len(boards) == 8  # eight board variants
    thumbnails = sheets | boards
    on_disk = {p.relative_to(built.out).as_posix() for p in built.out.rglob("*") if p.is_file()}
    assert on_disk == ({f["path"] for f in built.files} | thumbnails
                       | {"index.html", "manifest.json", ".workshop-kit/qr-cache"})
    assert [p.name for p in built.out.glob(".*")] == [".workshop-kit"], "a staging folder was left behind"


def test_every_placement_points_at_a_real_page(built):
    pages = {f["path"]: f.get("pages") for f in built.files}
    for card in built.cards:
        for p in card["placements"]:
            assert 1 <= p["page"] <= pages[p["file"]], (card["id"], p)


def test_office_sheets_are_a4_by_default(built):
    home = built.files_of("home")
    assert len(home) == 5
    for entry in home:
        assert entry["paper"] == "a4" and entry["path"].endswith("-a4-duplex.pdf")
        for page in reader(built, entry["path"]).pages:
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            assert abs(width - 595.28) <= 0.5 and abs(height - 841.89) <= 0.5, (entry["path"], width, height)


@pytest.mark.parametrize("paper", ["letter", "a3"])
def test_office_sheets_follow_the_paper_option(make_kit, build, tmp_path, paper):
    kit = make_kit(STANDALONE)
    result = build(kit, tmp_path / "out", "--only", "politikerroller", "--paper", paper, "--mode", "home")
    [entry] = result.files
    assert entry["path"] == f"decks/politikerroller-{paper}-duplex.pdf"
    assert entry["paper"] == paper
    want_w, want_h = PAPERS_PT[paper]
    pages = reader(result, entry["path"]).pages
    assert len(pages) == entry["pages"]
    for page in pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - want_w) <= 0.5 and abs(height - want_h) <= 0.5, (paper, width, height)
    # every card lies wholly on the sheet, at least 5 mm from its edges
    for _card, p in result.placements(entry["path"]):
        left, bottom, right, top = trim_pt(p)
        assert left >= 5 * MM - 0.01 and bottom >= 5 * MM - 0.01
        assert right <= want_w - 5 * MM + 0.5 and top <= want_h - 5 * MM + 0.5


def test_print_shop_pages_have_trim_and_bleed_boxes(built, shipped_kit):
    kit = load_yaml(shipped_kit / "kit.yaml")
    bleed = kit.get("bleed", 3) * MM
    shop = built.files_of("shop")
    assert len(shop) == 5
    for entry in shop:
        pages = reader(built, entry["path"]).pages
        on_page = {p["page"]: (card, p) for card, p in built.placements(entry["path"])}
        assert sorted(on_page) == list(range(1, len(pages) + 1)), "one face on every page"
        for number, page in enumerate(pages, start=1):
            card, p = on_page[number]
            trim, bleed_box, media = box(page.trimbox), box(page.bleedbox), box(page.mediabox)
            # the TrimBox is the card, where the manifest says it is
            assert close(trim, trim_pt(p)), (entry["path"], number, trim, p)
            width_mm, height_mm = card["size_mm"]
            assert (width_mm, height_mm) == (70, 120)  # the shipped kit's tarot cards
            assert abs((trim[2] - trim[0]) - width_mm * MM) <= 0.05
            assert abs((trim[3] - trim[1]) - height_mm * MM) <= 0.05
            # the BleedBox is the trim grown by the bleed on every side
            grown = (trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed)
            assert close(bleed_box, grown), (entry["path"], number, bleed_box, grown)
            # and the MediaBox leaves room beyond the bleed for the marks
            assert media[0] < bleed_box[0] and media[1] < bleed_box[1]
            assert media[2] > bleed_box[2] and media[3] > bleed_box[3]


def test_print_shop_fronts_and_backs_alternate(built):
    for entry in built.files_of("shop"):
        for card, _p in built.placements(entry["path"]):
            front = built.placement(card, entry["path"], "front")
            back = built.placement(card, entry["path"], "back")
            assert front["page"] % 2 == 1 and back["page"] == front["page"] + 1
            assert front["trim_mm"] == back["trim_mm"]


def test_print_shop_artwork_runs_into_the_bleed(built):
    """Raster check: the coloured card edge continues into the bleed, and
    the slug outside the BleedBox stays white (only marks there)."""
    entry = built.file("dilemmaer", "shop")
    doc = built.pdfium(entry["path"])
    scale = DPI / 72
    for number in (1, 2):  # a front (accent band on top) and a back (tinted)
        page = doc[number - 1]
        image = page.render(scale=scale).to_pil().convert("RGB")
        height_px = image.height
        _, p = next(iter(built.placements(entry["path"], page=number)))
        left, bottom, right, top = trim_pt(p)

        def pixel(x_pt, y_pt, image=image, height_px=height_px):
            return image.getpixel((int(x_pt * scale), int(height_px - y_pt * scale)))

        mid_x, mid_y = (left + right) / 2, (bottom + top) / 2
        # (a point 1 mm inside the trim, 1.5 mm outside in the 3 mm bleed, 5 mm outside)
        probes = [((mid_x, top - MM), (mid_x, top + 1.5 * MM), (mid_x, top + 5 * MM))]  # top band
        if number == 2:  # the tinted background of the back, at its left and bottom edges
            probes.append(((left + MM, mid_y), (left - 1.5 * MM, mid_y), (left - 5 * MM, mid_y)))
            probes.append(((mid_x, bottom + MM), (mid_x, bottom - 1.5 * MM), (mid_x, bottom - 5 * MM)))
        for inside_at, bleed_at, slug_at in probes:
            inside, in_bleed, in_slug = pixel(*inside_at), pixel(*bleed_at), pixel(*slug_at)
            assert inside != (255, 255, 255), (number, inside_at, "expected colour at the card edge")
            assert max(abs(a - b) for a, b in zip(inside, in_bleed)) <= 8, (number, inside, in_bleed)
            assert in_slug == (255, 255, 255), (number, in_slug)


def test_document_properties_name_the_deck_kit_organisation_and_language(built, shipped_kit):
    kit = load_yaml(shipped_kit / "kit.yaml")
    for entry in built.deck_files:
        pdf = reader(built, entry["path"])
        deck = load_yaml(shipped_kit / "decks" / f"{entry['deck']}.yaml")
        info = pdf.metadata
        assert deck["name"] in info.title and kit["title"] in info.subject, (entry["path"], info.title)
        assert info.author == kit["organisation"]
        assert pdf.trailer["/Root"].get("/Lang") == kit.get("language", "da")


def test_the_same_content_builds_the_same_bytes(make_kit, build, tmp_path):
    kit = make_kit(("politikerroller",))
    first = build(kit, tmp_path / "first")
    second = build(kit, tmp_path / "second")
    assert first.manifest == second.manifest
    assert tree_digest(first.out) == tree_digest(second.out)


# --- text -------------------------------------------------------------------

def test_every_title_is_inside_its_trim_on_front_and_back(built):
    checked = 0
    for card in built.cards:
        sides = {(p["file"], p["side"]) for p in card["placements"]}
        for entry in built.deck_files:
            if entry["deck"] == card["deck"]:
                assert {(entry["path"], "front"), (entry["path"], "back")} <= sides, card["id"]
        for p in card["placements"]:
            page = built.pdfium(p["file"])[p["page"] - 1]
            found = normalise(text_in(page, trim_pt(p)))
            assert card["title"] in found, (card["id"], p, found[:200])
            checked += 1
    assert checked == 4 * len(built.cards) == 4 * 68


LINK_FIELDS = {"dilemmas", "formats", "themes"}


def _squash(text: str) -> str:
    """Text without whitespace, hyphens, markup and bullets: line breaking
    and hyphenation cannot hide a word that is really there."""
    return re.sub(r"[\s\-\u2010\u00ad\x02\ufffe*•]", "", text)


def _strings(value, key=""):
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, dict):
        for k, item in value.items():
            yield from _strings(item, k)


def office_glyphs(built):
    """Every printed character of the office sheets: (file, page, character,
    its box and the card trims of its page, all in points)."""
    for entry in built.files_of("home"):
        doc = built.pdfium(entry["path"])
        for number in range(1, entry["pages"] + 1):
            trims = [trim_pt(p) for _, p in built.placements(entry["path"], page=number)]
            assert trims
            textpage = doc[number - 1].get_textpage()
            for i in range(textpage.count_chars()):
                char = textpage.get_text_range(i, 1)
                if char and not char.isspace():
                    yield entry["path"], number, char, textpage.get_charbox(i), trims


def test_no_text_outside_the_card_trims_on_office_sheets(built):
    chars = 0
    for path, number, char, (left, bottom, right, top), trims in office_glyphs(built):
        chars += 1
        assert any(
            left >= x0 - TOL_PT and bottom >= y0 - TOL_PT and right <= x1 + TOL_PT and top <= y1 + TOL_PT
            for x0, y0, x1, y1 in trims
        ), (path, number, char, (left, bottom, right, top))
    assert chars > 10_000  # the check really looked at the cards' text


def test_text_keeps_a_safety_margin_from_the_cut(built):
    """A cut that is off by up to 3 mm (scissors, a guillotine at the office)
    never touches text: every glyph is at least 3 mm inside its card's trim."""
    margin = 3 * MM
    closest = float("inf")
    for path, number, char, (left, bottom, right, top), trims in office_glyphs(built):
        x, y = (left + right) / 2, (bottom + top) / 2
        x0, y0, x1, y1 = next(tr for tr in trims if tr[0] <= x <= tr[2] and tr[1] <= y <= tr[3])
        distance = min(left - x0, x1 - right, bottom - y0, y1 - top)
        closest = min(closest, distance)
        assert distance >= margin - 0.01, (path, number, char, distance / MM)
    assert closest < 5 * MM  # the check saw text near the edges, not just in the middle


def test_every_text_of_every_card_is_printed_on_it(built, shipped_kit):
    """Nothing is cut off: every text field of the YAML is on the card's two
    faces (in both files), and linked cards appear by their titles."""
    sources = {p.stem: load_yaml(p) for p in (shipped_kit / "decks").glob("*.yaml")}
    titles = {(c["deck"], c["id"]): c["title"] for c in built.cards}
    title_by_id = {}
    for (_deck, card_id), title in titles.items():
        title_by_id.setdefault(card_id, title)
    checked = 0
    for card in built.cards:
        source = next(c for c in sources[card["deck"]]["cards"] if c["id"] == card["id"])
        for entry in (e for e in built.deck_files if e["deck"] == card["deck"]):
            faces = [p for p in card["placements"] if p["file"] == entry["path"]]
            printed = _squash(" ".join(
                text_in(built.pdfium(p["file"])[p["page"] - 1], trim_pt(p)) for p in faces))
            for key, text in _strings(source):
                if key in {"id", "qr_url"}:
                    continue
                if key in LINK_FIELDS:
                    text = title_by_id[text]
                assert _squash(text) in printed, (entry["path"], card["id"], key, text)
                checked += 1
    assert checked > 800  # 68 cards x 2 files x their texts


def test_danish_letters_are_extracted_exactly(built):
    card = next(c for c in built.cards if c["title"] == "Ældre og pleje")
    front = built.placement(card, built.file(card["deck"], "home")["path"], "front")
    page = built.pdfium(front["file"])[front["page"] - 1]
    text = normalise(text_in(page, trim_pt(front)))
    assert "Ældre og pleje" in text
    everything = "".join(
        built.pdfium(e["path"])[i].get_textpage().get_text_range()
        for e in built.files_of("home") for i in range(e["pages"])
    )
    for letter in "æøåÆ":
        assert letter in everything, letter


# --- duplex -------------------------------------------------------------------

def test_backs_mirror_the_fronts_for_long_edge_duplex(built):
    for entry in built.files_of("home"):
        page_w = entry["page_size_mm"][0]
        seen = 0
        for card, front in built.placements(entry["path"], side="front"):
            back = built.placement(card, entry["path"], "back")
            x, y, w, h = front["trim_mm"]
            bx, by, bw, bh = back["trim_mm"]
            assert (bw, bh) == (w, h)
            assert bx == pytest.approx(page_w - x - w, abs=0.002), (card["id"], front, back)
            assert by == pytest.approx(y, abs=0.002), (card["id"], front, back)
            assert back["page"] == front["page"] + 1
            seen += 1
        assert seen == sum(1 for c in built.cards if c["deck"] == entry["deck"])
        # fronts pages and backs pages alternate
        sides = {(p["page"], p["side"]) for _, p in built.placements(entry["path"])}
        assert all(side == ("front" if page % 2 else "back") for page, side in sides)


def test_backs_mirror_the_fronts_for_short_edge_duplex(make_kit, build, tmp_path):
    kit = make_kit(STANDALONE)
    replace_once(kit / "kit.yaml", "duplex: long-edge", "duplex: short-edge")
    result = build(kit, tmp_path / "out", "--only", "politikerroller", "--mode", "home")
    [entry] = result.files
    page_h = entry["page_size_mm"][1]
    moved = 0
    for card, front in result.placements(entry["path"], side="front"):
        back = result.placement(card, entry["path"], "back")
        x, y, _, h = front["trim_mm"]
        bx, by, _, _ = back["trim_mm"]
        assert bx == pytest.approx(x, abs=0.002), (card["id"], front, back)
        assert by == pytest.approx(page_h - y - h, abs=0.002), (card["id"], front, back)
        assert back["page"] == front["page"] + 1
        moved += abs(by - y) > 1
        # and the PDF really has the back there: its title is inside that trim
        page = result.pdfium(entry["path"])[back["page"] - 1]
        assert card["title"] in normalise(text_in(page, trim_pt(back)))
    assert moved, "short-edge backs must move up or down, not stay where the fronts are"


# --- crop marks ---------------------------------------------------------------

def test_crop_marks_lie_outside_the_cards_and_inside_the_printable_area(built):
    for entry in built.files_of("home"):
        doc = built.pdfium(entry["path"])
        for number in range(1, entry["pages"] + 1):
            page = doc[number - 1]
            page_w, page_h = page.get_size()
            trims = [trim_pt(p) for _, p in built.placements(entry["path"], page=number)]
            marks = stroked_segments(page)
            assert len(marks) >= 8, (entry["path"], number, "no crop marks")
            for x1, y1, x2, y2 in marks:
                where = (entry["path"], number, [round(v / MM, 2) for v in (x1, y1, x2, y2)])
                assert x1 == pytest.approx(x2, abs=0.01) or y1 == pytest.approx(y2, abs=0.01), where
                # at least 5 mm inside every edge of the sheet
                for x in (x1, x2):
                    assert 5 * MM - 0.05 <= x <= page_w - 5 * MM + 0.05, where
                for y in (y1, y2):
                    assert 5 * MM - 0.05 <= y <= page_h - 5 * MM + 0.05, where
                # and clear of every card, by at least 1 mm
                lo_x, hi_x, lo_y, hi_y = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
                for left, bottom, right, top in trims:
                    apart = (hi_x <= left - MM or lo_x >= right + MM or hi_y <= bottom - MM or lo_y >= top + MM)
                    assert apart, (where, "touches the card", [round(v / MM, 2) for v in (left, bottom, right, top)])
            if len(trims) == entry["cards_per_sheet"]:
                # a full sheet: every cut line is continued by marks
                vertical = {round(x1 / MM, 1) for x1, y1, x2, y2 in marks if abs(x1 - x2) < 0.01}
                horizontal = {round(y1 / MM, 1) for x1, y1, x2, y2 in marks if abs(y1 - y2) < 0.01}
                for left, bottom, right, top in trims:
                    assert {round(left / MM, 1), round(right / MM, 1)} <= vertical, (entry["path"], number)
                    assert {round(bottom / MM, 1), round(top / MM, 1)} <= horizontal, (entry["path"], number)


def test_print_shop_crop_marks_stand_outside_the_bleed(built):
    entry = built.file("dilemmaer", "shop")
    pdf = reader(built, entry["path"])
    doc = built.pdfium(entry["path"])
    for number in (1, 2, entry["pages"]):
        bleed_l, bleed_b, bleed_r, bleed_t = box(pdf.pages[number - 1].bleedbox)
        media = box(pdf.pages[number - 1].mediabox)
        trim = box(pdf.pages[number - 1].trimbox)
        marks = stroked_segments(doc[number - 1])
        assert len(marks) == 8, (number, marks)  # two at each corner
        for x1, y1, x2, y2 in marks:
            lo_x, hi_x, lo_y, hi_y = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
            assert media[0] <= lo_x and hi_x <= media[2] and media[1] <= lo_y and hi_y <= media[3]
            # never inside the bleed area, where it would be printed on the card's edge
            assert (hi_x <= bleed_l + 0.05 or lo_x >= bleed_r - 0.05
                    or hi_y <= bleed_b + 0.05 or lo_y >= bleed_t - 0.05), (number, (x1, y1, x2, y2))
            # and in line with a trim edge
            vertical = abs(x1 - x2) < 0.01
            edge = x1 if vertical else y1
            edges = (trim[0], trim[2]) if vertical else (trim[1], trim[3])
            assert min(abs(edge - e) for e in edges) < 0.05, (number, (x1, y1, x2, y2), trim)


def test_the_sheet_border_stays_white(built):
    """Raster check: nothing is printed in the 5 mm an office printer cannot reach."""
    scale = 100 / 72
    border = int(5 * MM * scale) - 1
    for entry in built.files_of("home"):
        page = built.pdfium(entry["path"])[0]
        image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
        w, h = image.size
        for region in ((0, 0, w, border), (0, h - border, w, h), (0, 0, border, h), (w - border, 0, w, h)):
            assert image.crop(region).getextrema() == (255, 255), (entry["path"], region)
        # the check can see ink: the sheet itself is not blank
        assert image.getextrema()[0] < 128


# --- fonts --------------------------------------------------------------------

SUBSET = re.compile(r"^/?[A-Z]{6}\+")


def _font_dicts(page):
    fonts = page["/Resources"].get_object().get("/Font")
    if fonts is None:
        return {}
    return {name: ref.get_object() for name, ref in fonts.get_object().items()}


def _embedded_problems(name, font) -> list[str]:
    problems = []
    fonts = [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]
    for f in fonts:
        base = str(f.get("/BaseFont", ""))
        if f.get("/Subtype") == "/Type0":
            continue  # the glyphs live in the descendant font
        descriptor = f.get("/FontDescriptor")
        if descriptor is None:
            problems.append(f"{name} {base}: no FontDescriptor (not embedded)")
            continue
        descriptor = descriptor.get_object()
        if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            problems.append(f"{name} {base}: no font file in its descriptor")
        if not SUBSET.match(base):
            problems.append(f"{name} {base}: no subset prefix")
    return problems


def _text_fonts(page, pdf) -> set[str]:
    """Resource names of the fonts that show at least one glyph on a page."""
    used, current = set(), None
    for operands, operator in ContentStream(page.get_contents(), pdf).operations:
        if operator == b"Tf":
            current = operands[0]
        elif operator in (b"Tj", b"'", b'"', b"TJ"):
            shown = operands[-1]
            parts = shown if operator == b"TJ" else [shown]
            if any(isinstance(p, (str, bytes)) and len(p) for p in parts):
                used.add(current)
    return used


def test_fonts_that_show_text_are_embedded_subsets(built):
    seen = set()
    for entry in built.files:
        if not entry["path"].endswith(".pdf"):
            continue
        pdf = reader(built, entry["path"])
        for page in pdf.pages:
            fonts = _font_dicts(page)
            for name in _text_fonts(page, pdf):
                assert name in fonts, (entry["path"], name)
                assert not _embedded_problems(name, fonts[name]), (entry["path"], _embedded_problems(name, fonts[name]))
                seen.add(str(fonts[name]["/BaseFont"]))
    assert any("FiraSans" in name for name in seen), seen


def test_every_font_in_the_page_resources_is_embedded(built):
    problems = []
    for entry in built.files:
        if not entry["path"].endswith(".pdf"):
            continue
        for number, page in enumerate(reader(built, entry["path"]).pages, start=1):
            for name, font in _font_dicts(page).items():
                problems += [f"{entry['path']} p{number}: {p}" for p in _embedded_problems(name, font)]
    assert not problems, problems[:5]


# --- QR codes -----------------------------------------------------------------

def _decode_backs(built, entry) -> int:
    decoded = 0
    for card, codes in back_codes(built, entry, DPI):
        assert len(codes) == 1, (entry["path"], card["id"], [c.text for c in codes])
        assert "QR" in codes[0].format.name, codes[0].format
        assert codes[0].text == card["qr_url"], (card["id"], codes[0].text)
        decoded += 1
    return decoded


def test_every_qr_code_on_the_office_sheets_decodes_to_its_card_url(built):
    decoded = sum(_decode_backs(built, entry) for entry in built.files_of("home"))
    assert decoded == len(built.cards) == 68


def test_qr_codes_in_the_print_shop_file_decode(built):
    entry = built.file("dilemmaer", "shop")
    assert _decode_backs(built, entry) == sum(1 for c in built.cards if c["deck"] == "dilemmaer")


def test_qr_codes_have_level_m_big_enough_modules_and_a_quiet_zone(built):
    """As printed (300 dpi): error correction M, modules of at least 0.4 mm,
    and 4 modules of light margin around the symbol."""
    entry = built.file("politikerroller", "shop")
    doc = built.pdfium(entry["path"])
    scale = 300 / 72
    px_per_mm = scale * MM
    for card, p in built.placements(entry["path"], side="back"):
        image = doc[p["page"] - 1].render(scale=scale).to_pil().convert("L")
        [code] = zxingcpp.read_barcodes(image)
        assert code.text == card["qr_url"]
        extra = code.extra  # zxing-cpp 3.1 reports the symbol's version here
        assert "Version" in extra, extra
        assert extra.get("ECLevel", code.ec_level) == "M"
        modules = 17 + 4 * int(extra["Version"])
        corners = [code.position.top_left, code.position.top_right,
                   code.position.bottom_right, code.position.bottom_left]
        x0, x1 = min(c.x for c in corners), max(c.x for c in corners)
        y0, y1 = min(c.y for c in corners), max(c.y for c in corners)
        module_px = ((x1 - x0) + (y1 - y0)) / 2 / modules
        assert module_px / px_per_mm >= 0.4 - 0.01, (card["id"], module_px / px_per_mm)
        quiet = 4 * module_px
        light = image.crop((round(x0), round(y0), round(x1), round(y1))).getextrema()[1]
        strips = [  # left, top, right, bottom bands of the quiet zone, 1 px clear of the symbol
            (x0 - quiet, y0 - quiet, x0 - 1, y1 + quiet), (x0 - quiet, y0 - quiet, x1 + quiet, y0 - 1),
            (x1 + 1, y0 - quiet, x1 + quiet, y1 + quiet), (x0 - quiet, y1 + 1, x1 + quiet, y1 + quiet),
        ]
        for strip in strips:
            darkest = image.crop(tuple(round(v) for v in strip)).getextrema()[0]
            # the whole margin has the symbol's own light colour, not just any light colour
            assert darkest >= light - 10, (card["id"], strip, darkest, light)


def test_qr_codes_are_only_on_the_backs(built):
    entry = built.file("politikerroller", "home")
    image = built.pdfium(entry["path"])[0].render(scale=DPI / 72).to_pil()
    assert zxingcpp.read_barcodes(image) == []


def test_every_card_has_a_distinct_follow_up_url(built, shipped_kit):
    kit = load_yaml(shipped_kit / "kit.yaml")
    template = SHIPPED_QR_URL
    urls = [c["qr_url"] for c in built.cards]
    assert all(urls) and len(set(urls)) == len(urls) == 68
    decks = {p.stem: load_yaml(p) for p in (shipped_kit / "decks").glob("*.yaml")}
    for card in built.cards:
        own = next(c for c in decks[card["deck"]]["cards"] if c["id"] == card["id"]).get("qr_url")
        expected = (own or template).format(kit=kit["id"], deck=card["deck"], card=card["id"],
                                            lang=kit.get("language", "da"))
        assert card["qr_url"] == expected


# --- characters the font does not have ------------------------------------------

def test_a_character_missing_from_the_font_is_not_lost_silently(make_kit, cli, tmp_path):
    kit = make_kit(STANDALONE)
    deck = kit / "decks" / "politikerroller.yaml"
    replace_once(deck, "    title: Sikkerhedsvagten", "    title: Idé ✓ handling")
    out = tmp_path / "out"
    run = cli("build", kit, "--out", out, "--only", "politikerroller", "--mode", "home")
    assert run.code == 1 and "Traceback" not in run.output, run.output
    line, column = line_col(deck, "title: Idé ✓ handling", at="Idé")
    problem = next(m["rest"] for m in run.problems()
                   if m["file"] == "decks/politikerroller.yaml" and int(m["line"]) == line
                   and int(m["col"]) == column)
    assert "sikkerhedsvagten" in problem and "title" in problem and "U+2713" in problem, problem
    assert not out.exists() or not list(out.rglob("*.pdf"))
