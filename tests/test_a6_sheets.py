"""A6 cards on the office sheets: with the default layout they are turned,
two to an A4 sheet instead of one, and each back lands behind its front
on the duplex flip. Read back from the real PDF: pypdf for the page size,
pypdfium2 for the crop marks and the text, zxing-cpp for the QR codes on
the backs."""

from __future__ import annotations

import math

import pypdf
import pytest

from kit_helpers import MM, back_codes, build_into, normalise, replace_once, stroked_segments

DECK = "politikerroller"  # 12 cards
A4 = (210.0, 297.0)
A6 = (105.0, 148.0)


def _lines(page) -> tuple[list[float], list[float]]:
    """The x of the vertical and the y of the horizontal crop marks of a page, mm."""
    segments = [tuple(v / MM for v in s) for s in stroked_segments(page)]
    xs = sorted({round(x1, 1) for x1, y1, x2, y2 in segments if abs(x1 - x2) < 0.01})
    ys = sorted({round(y1, 1) for x1, y1, x2, y2 in segments if abs(y1 - y2) < 0.01})
    return xs, ys


@pytest.mark.parametrize("duplex", ["long-edge", "short-edge"])
def test_a6_cards_print_turned_two_to_an_a4_sheet_with_their_backs_behind(make_kit, tmp_path, duplex):
    kit = make_kit((DECK,))
    replace_once(kit / "kit.yaml", "card_size: tarot", "card_size: a6")
    replace_once(kit / "kit.yaml", "duplex: long-edge", f"duplex: {duplex}")
    built = build_into(kit, tmp_path / "out", "--mode", "home")
    [entry] = built.files_of("home")
    assert entry["path"] == f"decks/{DECK}-a4-duplex.pdf"
    assert entry["layout"]["name"] == "office" and entry["layout"]["rotated"] is True
    assert entry["cards_per_sheet"] == 2
    reader = pypdf.PdfReader(built.path(entry["path"]))
    assert len(reader.pages) == entry["pages"] == 2 * math.ceil(12 / 2)
    doc = built.pdfium(entry["path"])
    for number in range(1, entry["pages"] + 1, 2):  # each page of fronts, and its backs after it
        for page in (reader.pages[number - 1], reader.pages[number]):
            assert (float(page.mediabox.width) / MM, float(page.mediabox.height) / MM) == pytest.approx(A4, abs=0.1)
        fronts = list(built.placements(entry["path"], page=number, side="front"))
        assert len(fronts) == 2
        # On the page: the crop marks cut two turned A6 cards, one above the other.
        xs, ys = _lines(doc[number - 1])
        assert len(xs) == 2 and xs[1] - xs[0] == pytest.approx(A6[1], abs=0.1), xs
        assert len(ys) == 3 and [b - a for a, b in zip(ys, ys[1:])] == pytest.approx([A6[0]] * 2, abs=0.1), ys
        back_xs, back_ys = _lines(doc[number])
        if duplex == "long-edge":  # the backs' marks mirror the fronts' across the sheet
            assert back_xs == pytest.approx(sorted(A4[0] - x for x in xs), abs=0.1) and back_ys == ys
        else:
            assert back_xs == xs and back_ys == pytest.approx(sorted(A4[1] - y for y in ys), abs=0.1)
        for card, front in fronts:
            x, y, w, h = front["trim_mm"]
            assert (w, h) == (A6[1], A6[0])
            assert round(x, 1) in xs and round(x + w, 1) in xs and round(y, 1) in ys and round(y + h, 1) in ys
            text = doc[number - 1].get_textpage().get_text_bounded(
                left=x * MM, bottom=y * MM, right=(x + w) * MM, top=(y + h) * MM)
            assert card["title"] in normalise(text), card["id"]
            back = built.placement(card, entry["path"], "back")
            assert back["page"] == number + 1
            bx, by, bw, bh = back["trim_mm"]
            assert (bw, bh) == (w, h)
            want = (A4[0] - x - w, y) if duplex == "long-edge" else (x, A4[1] - y - h)
            assert (bx, by) == pytest.approx(want, abs=0.002), (card["id"], front, back)
    # and each card's own back is printed there: its QR code, in that trim
    seen = 0
    for card, codes in back_codes(built, entry):
        assert [c.text for c in codes] == [card["qr_url"]], card["id"]
        seen += 1
    assert seen == 12

