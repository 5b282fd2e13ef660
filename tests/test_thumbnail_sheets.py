"""Thumbnails cut out of contact sheets: every card's pictures, on every
sheet and in every drawing job of a long deck, are its own faces as the
print-shop PDF shows them, in a build for the print shop only (which has
no office sheets to cut them from)."""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageChops, ImageStat

from kit_helpers import STANDALONE, build_into, lengthen_deck

MM = 72 / 25.4
CARDS = 45  # more than one contact sheet and more than one drawing job


def difference(a: Image.Image, b: Image.Image) -> float:
    return ImageStat.Stat(ImageChops.difference(a, b).convert("L")).mean[0]


def test_every_thumbnail_of_a_long_deck_is_its_own_card_on_the_print_shop_page(make_kit, tmp_path):
    kit = make_kit((STANDALONE[0],))
    lengthen_deck(kit, STANDALONE[0], CARDS)
    built = build_into(kit, tmp_path / "out", "--mode", "shop")
    cards = built.manifest["cards"]
    assert len(cards) == CARDS

    def shop_card(card: dict, side: str, size: tuple[int, int]) -> Image.Image:
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

    for i, card in enumerate(cards):
        other = cards[(i + 1) % CARDS]  # the next card: another of the shipped cards (the deck repeats them)
        for side in ("front", "back"):
            info = card["thumbnails"][side]
            thumb = Image.open(built.path(info["path"])).convert("RGB")
            assert list(thumb.size) == info["pixels"] and info["bytes"] == built.path(info["path"]).stat().st_size
            own = difference(thumb, shop_card(card, side, thumb.size))
            assert own < 2.5, (card["id"], side, own)  # the same picture, but for the JPEG's noise (about 1.5)
            assert difference(thumb, shop_card(other, side, thumb.size)) > 3 * own, (card["id"], side)
