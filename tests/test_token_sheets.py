"""Token sheets you can cut: the tokens stand apart, their text well inside
the cut, crop marks only where there are tokens, and a manifest entry that
lists no QR code the sheet does not print. Everything is read back from the
real PDFs: the tokens' backgrounds and the marks as PDFium finds the paths,
the text as its text page places the characters."""

from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp

from kit_helpers import MM, build_into, stroked_segments

TEXT_INSIDE = 2.0   # mm the text keeps from the cut at least


@pytest.fixture(scope="module")
def sheets(shipped_kit, tmp_path_factory):
    """The token sheets of the shipped boards, A3 and A2 posters."""
    found = []
    for size in ("a3", "a2"):
        built = build_into(shipped_kit, tmp_path_factory.mktemp(f"tokens-{size}") / "out", "--poster", size,
                           "--mode", "home", "--dpi", "36", *[a for b in ("indflydelsescirkel", "partnermatrix")
                                                                for a in ("--only", b)])
        found += [(built, f) for f in built.files if f["kind"] == "token-sheet"]
    assert len(found) == 4
    return found


def token_rects(page, size_mm) -> list[tuple[float, float, float, float]]:
    """(left, bottom, right, top) in points of every filled path the size of a token: their backgrounds."""
    w, h = (v * MM for v in size_mm)
    out = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        assert pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
        left, bottom, right, top = obj.get_bounds()
        if fill.value and abs((right - left) - w) < 0.5 and abs((top - bottom) - h) < 0.5:
            out.append((left, bottom, right, top))
    return out


def pages(built, entry):
    doc = pdfium.PdfDocument(str(built.path(entry["path"])))
    try:
        for page in doc:
            yield page, token_rects(page, entry["token_size_mm"])
    finally:
        doc.close()


def test_tokens_stand_apart(sheets):
    """Between two tokens there is paper: each is cut out on its own, and a
    cut a little off does not take a slice of the neighbour."""
    for built, entry in sheets:
        count = 0
        for _, rects in pages(built, entry):
            count += len(rects)
            for i, a in enumerate(rects):
                for b in rects[i + 1:]:
                    apart = max(b[0] - a[2], a[0] - b[2], b[1] - a[3], a[1] - b[3]) / MM
                    assert apart >= 2, (entry["path"], a, b, apart)
        assert count == entry["tokens"]


def test_token_text_stays_two_mm_inside_the_cut(sheets):
    for built, entry in sheets:
        for page, rects in pages(built, entry):
            text = page.get_textpage()
            closest = None
            for i in range(text.count_chars()):
                if text.get_text_range(i, 1).isspace():
                    continue
                left, bottom, right, top = text.get_charbox(i, loose=False)
                x, y = (left + right) / 2, (bottom + top) / 2
                if top < min(r[1] for r in rects) - 8 * MM:  # the line below the tokens on what their markers are for
                    continue
                [token] = [r for r in rects if r[0] <= x <= r[2] and r[1] <= y <= r[3]]
                gap = min(left - token[0], token[2] - right, bottom - token[1], token[3] - top) / MM
                closest = gap if closest is None else min(closest, gap)
            assert closest is not None and closest >= TEXT_INSIDE, (entry["path"], closest)


def test_crop_marks_only_where_tokens_are(sheets):
    """Every mark continues an edge of a token, and every token edge has its marks."""
    for built, entry in sheets:
        for page, rects in pages(built, entry):
            marks = stroked_segments(page)
            xs = {round(v, 1) for r in rects for v in (r[0], r[2])}
            ys = {round(v, 1) for r in rects for v in (r[1], r[3])}
            vertical = {round(x1, 1) for x1, y1, x2, y2 in marks if abs(x1 - x2) < 0.01}
            horizontal = {round(y1, 1) for x1, y1, x2, y2 in marks if abs(y1 - y2) < 0.01}
            assert vertical == xs and horizontal == ys, entry["path"]
            # the marks stay beside the block of tokens, not far off where no token is
            left, right = min(r[0] for r in rects), max(r[2] for r in rects)
            bottom, top = min(r[1] for r in rects), max(r[3] for r in rects)
            reach = 10 * MM
            for x1, y1, x2, y2 in marks:
                for x, y in ((x1, y1), (x2, y2)):
                    assert left - reach <= x <= right + reach and bottom - reach <= y <= top + reach, \
                        (entry["path"], (x1, y1, x2, y2))


def test_a_token_sheet_lists_no_qr_code_it_does_not_print(sheets):
    for built, entry in sheets:
        doc = pdfium.PdfDocument(str(built.path(entry["path"])))
        try:
            printed = {code.text for page in doc
                       for code in zxingcpp.read_barcodes(page.render(scale=200 / 72).to_pil())}
        finally:
            doc.close()
        assert set(entry.get("qr_urls", [])) == printed, entry
