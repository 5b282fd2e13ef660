"""A large deck is drawn in parts, one a core, and joined into one file;
its thumbnails are cut out of the pages it prints (or, where those do not
show every face, out of pages drawn for them)."""

from __future__ import annotations

import os

import pytest
import yaml
from pypdf import PdfReader

from kit_helpers import STANDALONE, build_into, lengthen_deck, load_yaml, replace_once
from test_thumbnail_sheets import difference, print_shop_face
from workshop_kit.impose.home import impose_home
from workshop_kit.output.deck_parts import PART_CARDS, card_spans, split_pages

DECK = STANDALONE[0]
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def font_programs(path) -> dict[str, dict[int, bytes]]:
    """Each embedded font's name, with the font programs (by object number) that carry it."""
    names: dict[str, dict[int, bytes]] = {}
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            for descendant in font.get_object().get("/DescendantFonts", [font]):
                descendant = descendant.get_object()
                descriptor = descendant["/FontDescriptor"].get_object()
                ref = descriptor.raw_get("/FontFile2")
                names.setdefault(str(descendant["/BaseFont"]), {})[ref.idnum] = ref.get_object().get_data()
    return names


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    base = tmp_path_factory.mktemp("parts")
    from kit_helpers import copy_kit

    kit = copy_kit(base / "kit", (DECK,))
    cards = 2 * PART_CARDS + 7
    lengthen_deck(kit, DECK, cards)
    # the last part's font subsets differ from the first's: letters only its last card has
    path = kit / "decks" / f"{DECK}.yaml"
    data = load_yaml(path)
    data["cards"][-1]["title"] = "Sidste kort: § 17, ½ €"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return build_into(kit, base / "out", "--mode", "both"), cards


def test_a_deck_drawn_in_parts_is_one_whole_file(large):
    built, cards = large
    [home] = [f for f in built.manifest["files"] if f["path"].endswith("-duplex.pdf")]
    reader = PdfReader(built.path(home["path"]))
    assert len(reader.pages) == home["pages"]
    assert home["bytes"] == built.path(home["path"]).stat().st_size
    # the document's own settings come through the join
    assert reader.metadata.title and "Kommunen" in reader.metadata.author
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/Duplex"] == "/DuplexFlipLongEdge"
    assert reader.trailer["/Root"]["/Lang"] == "da"
    # every card's title is on the page the manifest names, in order across the parts
    texts = {}
    for card in built.manifest["cards"]:
        [front] = [p for p in card["placements"] if p["file"] == home["path"] and p["side"] == "front"]
        page = front["page"] - 1
        if page not in texts:
            texts[page] = " ".join(reader.pages[page].extract_text().split())
        assert " ".join(card["title"].split()) in texts[page], (card["id"], page)
    programs = font_programs(built.path(home["path"]))
    if CORES >= 2:  # drawn in parts, each with its own subsets of the fonts
        assert len(programs) > len({name.split("+")[1] for name in programs}), programs.keys()
    for name, by_object in programs.items():  # two different subsets never share a name
        subsets = len(set(by_object.values()))
        assert subsets == 1, name


def test_thumbnails_of_a_deck_drawn_in_parts_are_each_their_own_card(large):
    built, cards = large
    shown = built.manifest["cards"]
    # the cards at the ends of the parts, and a few between
    for i in sorted({0, 1, PART_CARDS - 1, PART_CARDS, PART_CARDS + 1, cards // 2, cards // 2 + 1, cards - 1}):
        card, other = shown[i], shown[(i + 1) % cards]
        for side in ("front", "back"):
            thumb = built.face_picture(card, side)
            own = difference(thumb, print_shop_face(built, card, side, thumb.size))
            assert own < 2.5, (card["id"], side, own)
            assert difference(thumb, print_shop_face(built, other, side, thumb.size)) > 3 * own, (card["id"], side)


@pytest.mark.parametrize("cards, paper", [(1000, "a4"), (207, "a4"), (999, "letter")])
def test_the_parts_of_a_large_deck_are_of_a_size_and_hold_whole_cards(cards, paper):
    """1000 poker cards, 9 to a sheet and 20 to a contact sheet: the two
    parts were 120 and 104 pages while each had to hold whole contact
    sheets (one core drew for 0.13 s alone); now they differ by a sheet at
    most, and no card has faces in both."""
    sheets = impose_home(cards, 63, 88, paper, "long-edge")
    ranges = split_pages(len(sheets.pages), card_spans(sheets), 2)
    sizes = [end - first for first, end in ranges]
    assert len(ranges) == 2 and ranges[0][0] == 0 and ranges[-1][1] == len(sheets.pages), ranges
    assert max(sizes) - min(sizes) <= 2, ranges
    (_, cut), _ = ranges
    before = {p.item for page in sheets.pages[:cut] for p in page.placements}
    assert before.isdisjoint(p.item for page in sheets.pages[cut:] for p in page.placements)


def test_thumbnails_of_fronts_only_sheets_show_the_backs_too(make_kit, tmp_path):
    kit = make_kit((DECK,))
    lengthen_deck(kit, DECK, 25)
    replace_once(kit / "decks" / f"{DECK}.yaml", "cards:\n", "sheet_layout: fronts\ncards:\n")
    built = build_into(kit, tmp_path / "out", "--mode", "both")
    assert [f["path"] for f in built.manifest["files"] if f["path"].endswith("-fronts-only.pdf")]
    for card in built.manifest["cards"][::6]:
        for side in ("front", "back"):
            thumb = built.face_picture(card, side)
            own = difference(thumb, print_shop_face(built, card, side, thumb.size))
            assert own < 2.5, (card["id"], side, own)


@pytest.mark.parametrize("duplex", ["long-edge", "short-edge"])
def test_thumbnails_of_turned_cards_are_upright(make_kit, tmp_path, duplex):
    """A6 cards stand turned on the office sheets (two to an A4 sheet; the
    backs of a short-edge flip turned the other way): their thumbnails,
    cut out of those sheets, are upright as on the print-shop pages."""
    kit = make_kit((DECK,))
    replace_once(kit / "kit.yaml", "card_size: tarot", "card_size: a6")
    replace_once(kit / "kit.yaml", "duplex: long-edge", f"duplex: {duplex}")
    built = build_into(kit, tmp_path / "out", "--mode", "both")
    [home] = built.files_of("home")
    assert home["layout"]["rotated"] is True
    turned = {p.get("rotation") for card in built.manifest["cards"] for p in card["placements"]
              if p["file"] == home["path"]}
    assert turned - {None}, turned
    cards = built.manifest["cards"]
    for i, card in enumerate(cards):
        for side in ("front", "back"):
            thumb = built.face_picture(card, side)
            # text drawn turned is smoothed a little otherwise than upright: 3.3-3.9 against 1.5
            shop = print_shop_face(built, card, side, thumb.size)
            own = difference(thumb, shop)
            assert own < 5, (card["id"], side, own)
            assert difference(thumb, shop.rotate(180)) > 2 * own, (card["id"], side)  # upright
            if side == "front":  # (the backs differ only in their QR codes and a line)
                other = difference(thumb, print_shop_face(built, cards[(i + 1) % len(cards)], side, thumb.size))
                assert other > own + 2, (card["id"], side, own, other)


def test_a_pdfx_file_drawn_in_parts_is_pdfx_whole_and_its_thumbnails_keep_their_colours(make_kit, tmp_path):
    """The print-shop file of a large deck, in PDF/X, joined from its parts;
    its thumbnails are not cut from its CMYK pages but drawn in RGB."""
    from test_pdfx import check_pdfx, qpdf_check

    kit = make_kit((DECK,))
    lengthen_deck(kit, DECK, 2 * PART_CARDS + 3)
    built = build_into(kit, tmp_path / "out", "--mode", "shop", "--pdfx", "x-4")
    [shop] = built.files_of("shop")
    reader = check_pdfx(built.path(shop["path"]), "PDF/X-4", "1.6")
    qpdf_check(built.path(shop["path"]))
    assert len(reader.pages) == shop["pages"]
    rgb = build_into(kit, tmp_path / "rgb", "--mode", "shop")
    for i in (0, PART_CARDS + 1, 2 * PART_CARDS + 2):
        for side in ("front", "back"):
            card = built.manifest["cards"][i]
            thumb = built.face_picture(card, side)
            assert difference(thumb, print_shop_face(rgb, rgb.manifest["cards"][i], side, thumb.size)) < 2.5


def test_a_deck_drawn_in_parts_is_the_same_bytes_every_time(large, tmp_path):
    built, _ = large
    kit = built.out.parent / "kit"
    again = build_into(kit, tmp_path / "again", "--mode", "both", "--force")
    for entry in built.manifest["files"]:
        if entry["path"].startswith("decks/"):
            assert again.path(entry["path"]).read_bytes() == built.path(entry["path"]).read_bytes(), entry["path"]
