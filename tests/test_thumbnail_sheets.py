"""Thumbnails on contact sheets: every card's pictures (its rectangles of
a sheet), on every sheet and in every drawing job of a long deck, are its
own faces as the print-shop PDF shows them, in a build for the print shop
only (which has no office sheets to take them from); a deck of many cards
makes one picture file a sheet, not one a face."""

from __future__ import annotations

import os
import subprocess
import sys

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import yaml
from PIL import Image, ImageChops, ImageStat

from kit_helpers import REPO, STANDALONE, build_into, lengthen_deck, load_yaml, replace_once
from workshop_kit.output.thumbnails import PER_SHEET

MM = 72 / 25.4
CARDS = 45  # three contact sheets
LONG = PER_SHEET * 5 + 5  # six contact sheets, the last one not full


def difference(a: Image.Image, b: Image.Image) -> float:
    return ImageStat.Stat(ImageChops.difference(a, b).convert("L")).mean[0]


def print_shop_face(built, card: dict, side: str, size: tuple[int, int]) -> Image.Image:
    """The card's trim on its print-shop page, drawn by PDFium onto the
    thumbnail's pixels (the trim's corners on the picture's corners)."""
    [placement] = [p for p in card["placements"] if "print-shop" in p["file"] and p["side"] == side]
    page = built.pdfium(placement["file"])[placement["page"] - 1]
    x, y, w, h = (v * MM for v in placement["trim_mm"])
    sx, sy = size[0] / w, size[1] / h
    bitmap = pdfium.PdfBitmap.new_native(*size, pdfium_c.FPDFBitmap_BGR)
    bitmap.fill_rect((255, 255, 255, 255), 0, 0, *size)
    # page points to pixels: x right from the trim's left, y down from its top
    matrix = pdfium_c.FS_MATRIX(sx, 0, 0, sy, -x * sx, -(page.get_height() - y - h) * sy)
    clip = pdfium_c.FS_RECTF(0, 0, *size)
    pdfium_c.FPDF_RenderPageBitmapWithMatrix(bitmap, page, matrix, clip, pdfium_c.FPDF_ANNOT)
    return bitmap.to_pil().convert("RGB")


def test_every_thumbnail_of_a_long_deck_is_its_own_card_on_the_print_shop_page(make_kit, tmp_path):
    kit = make_kit((STANDALONE[0],))
    lengthen_deck(kit, STANDALONE[0], LONG)
    built = build_into(kit, tmp_path / "out", "--mode", "shop")
    cards = built.manifest["cards"]
    assert len(cards) == LONG

    def shop_card(card: dict, side: str, size: tuple[int, int]) -> Image.Image:
        return print_shop_face(built, card, side, size)

    sheets = built.thumbnail_sheets
    assert len(sheets) == 6  # 20 cards a sheet
    assert sorted(p.relative_to(built.out).as_posix() for p in (built.out / "thumbs").rglob("*.jpg")) \
        == sorted(t["path"] for t in sheets)
    for sheet in sheets:
        assert sheet["bytes"] == built.path(sheet["path"]).stat().st_size
    for i, card in enumerate(cards):
        other = cards[(i + 1) % LONG]  # the next card: another of the shipped cards (the deck repeats them)
        for side in ("front", "back"):
            thumb = built.face_picture(card, side)
            assert card["thumbnails"][side]["path"] == sheets[i // PER_SHEET]["path"]
            own = difference(thumb, shop_card(card, side, thumb.size))
            assert own < 2.5, (card["id"], side, own)  # the same picture, but for the JPEG's noise (about 1.5)
            assert difference(thumb, shop_card(other, side, thumb.size)) > 3 * own, (card["id"], side)


def test_a_rebuild_draws_again_only_the_contact_sheet_of_the_edited_card(make_kit, tmp_path):
    kit, out = make_kit((STANDALONE[0],)), tmp_path / "out"
    lengthen_deck(kit, STANDALONE[0], CARDS)
    first = build_into(kit, out, "--mode", "home")
    sheets = [t["path"] for t in first.thumbnail_sheets]
    stamps = {path: out.joinpath(path).stat().st_mtime_ns for path in sheets}
    deck = kit / "decks" / f"{STANDALONE[0]}.yaml"
    edited = first.cards[CARDS - 1]  # on the third sheet
    old_picture = first.face_picture(edited, "front")
    data = load_yaml(deck)
    data["cards"][CARDS - 1]["title"] = "En helt ny titel"
    deck.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    second = build_into(kit, out, "--mode", "home")
    redrawn = {path for path in sheets if out.joinpath(path).stat().st_mtime_ns != stamps[path]}
    assert redrawn == {edited["thumbnails"]["front"]["path"]} == {sheets[2]}, redrawn
    assert second.thumbnail_sheets[:2] == first.thumbnail_sheets[:2]  # kept, with their entries
    assert difference(second.face_picture(second.cards[CARDS - 1], "front"), old_picture) > 1  # the new title
    # the kept sheets' cards still show their pictures, the same as a whole build draws them
    whole = build_into(kit, tmp_path / "whole", "--mode", "home")
    assert [c["thumbnails"] for c in second.cards] == [c["thumbnails"] for c in whole.cards]
    assert [t["faces"] for t in second.thumbnail_sheets] == [t["faces"] for t in whole.thumbnail_sheets]


def test_sheets_of_cards_taken_out_of_a_deck_leave_the_output(make_kit, tmp_path):
    kit, out = make_kit((STANDALONE[0],)), tmp_path / "out"
    lengthen_deck(kit, STANDALONE[0], CARDS)
    before = build_into(kit, out, "--mode", "home")
    assert len(before.thumbnail_sheets) == 3
    lengthen_deck(kit, STANDALONE[0], 15)
    after = build_into(kit, out, "--mode", "home")
    on_disk = sorted(p.relative_to(out).as_posix() for p in (out / "thumbs" / "decks").rglob("*.jpg"))
    assert on_disk == [t["path"] for t in after.thumbnail_sheets] == [before.thumbnail_sheets[0]["path"]]


def test_the_thumbnails_of_cards_turned_on_their_sheets_are_upright_and_their_own(make_kit, tmp_path):
    """A6 cards stand turned on the office sheets they are cut from (two to
    an A4 sheet, their backs turned the other way on long-edge duplex):
    each thumbnail is the card upright, as the print-shop page shows it."""
    kit = make_kit((STANDALONE[0],))
    replace_once(kit / "kit.yaml", "card_size: tarot", "card_size: a6")
    built = build_into(kit, tmp_path / "out")
    [home] = built.files_of("home")
    assert home["layout"]["rotated"] is True
    cards = built.manifest["cards"]
    for i, card in enumerate(cards):
        other = cards[(i + 1) % len(cards)]
        for side in ("front", "back"):
            thumb = built.face_picture(card, side)
            assert thumb.width < thumb.height  # upright, as an A6 card is
            own = difference(thumb, print_shop_face(built, card, side, thumb.size))
            assert own < 2.5, (card["id"], side, own)
            assert difference(thumb, print_shop_face(built, other, side, thumb.size)) > 3 * own, (card["id"], side)


KEYS = """
import sys
from pathlib import Path
from workshop_kit.build import check
from workshop_kit.fingerprints import faces_key
from workshop_kit.layout.card import CardLayout
checked = check(Path(sys.argv[1]))
layout = CardLayout(checked.content, checked.templates, checked.family)
for deck in checked.content.decks:
    cards, _ = layout.cards(deck, 0, len(deck.cards))
    print(*[faces_key(card) for card in cards])
"""


def test_a_card_s_faces_key_is_the_same_in_every_process():
    """What keeps a contact sheet from one build to the next: the key of
    each card's faces, made by a process of its own, whose hashes of
    strings differ (the order of a set of strings with them)."""
    keys = set()
    for seed in range(5):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        run = subprocess.run([sys.executable, "-c", KEYS, str(REPO)], capture_output=True, text=True, env=env,
                             check=True, timeout=120)
        keys.add(run.stdout)
    assert len(keys) == 1 and len(next(iter(keys)).split()) > 50
