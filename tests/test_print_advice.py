"""The printing advice of the README, checked against the real sheets: a
duplex sheet printed on a printer that flips on the short edge puts each
back behind the diagonally opposite card, and the office cards touch, so
one cut along a mark line separates two rows."""

from __future__ import annotations

import zxingcpp

from kit_helpers import stroked_segments, trim_pt

DPI = 150


def test_a_short_edge_flip_puts_each_back_behind_the_diagonally_opposite_card(built):
    entry = built.file("politikerroller", "home")
    assert built.manifest["kit"]["duplex"] == "long-edge"  # the file is laid out for a long-edge flip
    doc = built.pdfium(entry["path"])
    scale = DPI / 72
    checked = 0
    for number in range(1, entry["pages"] + 1, 2):
        fronts = list(built.placements(entry["path"], page=number, side="front"))
        back_page = doc[number].render(scale=scale).to_pil()
        width, height = doc[number].get_size()
        for card, p in fronts:
            left, bottom, right, top = trim_pt(p)
            # A sheet turned over its short edge: the back page's bottom lies
            # behind the front's top, its left behind the front's left.
            crop = back_page.crop((round(left * scale), round(bottom * scale),
                                   round(right * scale), round(top * scale)))
            read = {code.text for code in zxingcpp.read_barcodes(crop)}
            # the card whose front stands in the slot diagonally opposite
            opposite = [c for c, q in fronts
                        if abs(trim_pt(q)[0] - (width - right)) < 1 and abs(trim_pt(q)[1] - (height - top)) < 1]
            if not opposite:  # (on the last sheet that slot may be empty)
                continue
            assert read == {opposite[0]["qr_url"]}, (card["id"], read)
            checked += 1
    assert checked >= 9


def test_office_cards_touch_so_one_cut_serves_two_rows(built):
    """Each crop mark line is the edge of two neighbouring cards (inside the
    block): one cut, as the README says, not two."""
    entry = built.file("politikerroller", "home")
    page = built.pdfium(entry["path"])[0]
    trims = [trim_pt(p) for _, p in built.placements(entry["path"], page=1, side="front")]
    marks = stroked_segments(page)
    xs = sorted({round(x1, 1) for x1, y1, x2, y2 in marks if abs(x1 - x2) < 0.01})
    inner = xs[1:-1]
    assert inner
    for x in inner:
        assert any(abs(t[2] - x) < 0.1 for t in trims) and any(abs(t[0] - x) < 0.1 for t in trims), x
