"""Poster tiles that line up: each tile page of the shipped boards is
rasterised, its alignment crosses are found in the pixels, the tiles are
put together by their crosses alone, and every tile is compared with the
poster PDF rasterised at the same scale. The QR code is read from a single
tile.

The manifest is used only as a map of which page is which tile; where the
tiles go comes from the crosses on the pages."""

from __future__ import annotations

import re
import shutil
from itertools import product

import numpy as np
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageDraw, ImageStat

from kit_helpers import REPO, build_into, replace_once

DPI = 200
PX = DPI / 25.4                # pixels in a millimetre
ARM = 8.0                      # mm: a cross is two 8 mm lines crossing in their middles
TOLERANCE = 0.5                # mm a seam may be off
SEARCH = 12.0                  # mm around where the crosses put a tile that the poster is searched
FLAT = 1.0                     # grey levels: a tile that matches the poster where its crosses put it as well as
                               # this near its best match looks right there (a blank part of the board)
LABELS = 20.0                  # mm at the foot of a tile page that hold its labels
STEPS = (3, 1)                 # the search for a tile on the poster runs at DPI / 3, then at DPI

# Every poster size of the shipped boards that the build tiles onto A4.
# (At A0 the influence circle's tokens do not fit their text, so only the
# partner matrix builds.)
POSTERS = {"a3": ("indflydelsescirkel", "partnermatrix"), "a2": ("indflydelsescirkel", "partnermatrix"),
           "a1": ("indflydelsescirkel", "partnermatrix"), "a0": ("partnermatrix",)}


@pytest.fixture(scope="module")
def posters(shipped_kit, tmp_path_factory):
    """posters(size) -> the shipped boards built at that poster size with A4 tiles (once)."""
    def built(size):
        out = tmp_path_factory.mktemp(f"poster-{size}") / "out"
        options = [arg for board in POSTERS[size] for arg in ("--only", board)]
        return build_into(shipped_kit, out, "--poster", size, "--tile", "a4", "--mode", "home", "--dpi", "36",
                          *options)
    cache = {}
    return lambda size: cache[size] if size in cache else cache.setdefault(size, built(size))


def tile_files(built, size):
    found = [f for f in built.files if f["kind"] == "board-tiles"]
    assert {f["board"] for f in found} == set(POSTERS[size]), found
    return found


def pages(path, dpi=DPI):
    doc = pdfium.PdfDocument(str(path))
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in doc]
    finally:
        doc.close()


# --- the crosses, found in the pixels -------------------------------------------

def _runs(image: Image.Image) -> list[tuple[int, int, int]]:
    """(row, first, last) of every run of dark pixels in a row about as long as a cross's arm."""
    low, high = round(0.85 * ARM * PX), round(1.15 * ARM * PX)
    dark = image.point(lambda v: 0 if v < 180 else 255).tobytes()
    width = image.width
    run = re.compile(rb"(?<!\x00)\x00{%d,%d}(?!\x00)" % (low, high))
    return [(y, m.start() - y * width, m.end() - 1 - y * width)
            for y in range(image.height) for m in run.finditer(dark, y * width, (y + 1) * width)]


def _lines(runs) -> list[tuple[float, float, float]]:
    """Runs of neighbouring rows with the same ends joined into thin lines:
    (middle across, middle along, thickness in pixels); thick bars (QR
    modules, letters) are left out."""
    lines: list[list] = []
    for y, a, b in sorted(runs):
        for line in lines:
            if line[0] == y - 1 and abs(line[1] - a) <= 1 and abs(line[2] - b) <= 1:
                line[0], line[3] = y, line[3] + [y]
                break
        else:
            lines.append([y, a, b, [y]])
    return [(sum(rows) / len(rows), (a + b) / 2, len(rows)) for _, a, b, rows in lines if len(rows) <= 3]


def crosses(image: Image.Image) -> list[tuple[float, float]]:
    """The centres (pixels, x right and y down) of the alignment crosses on a page."""
    across = _lines(_runs(image))                                    # (y, x, thickness)
    down = _lines(_runs(image.transpose(Image.Transpose.TRANSPOSE)))  # (x, y, thickness)
    found = []
    for (hy, hx, _), (vx, vy, _) in product(across, down):
        if abs(hx - vx) <= 1.5 and abs(hy - vy) <= 1.5:
            found.append(_centre(image, vx, hy))
    return found


def _centre(image: Image.Image, x: float, y: float) -> tuple[float, float]:
    """A cross's centre to a fraction of a pixel: the middle of the grey of
    each arm across its width (its white surround keeps the board out)."""
    half, reach = round(ARM / 2 * PX), 3
    along = [i for i in range(-half + 2, half - 1) if abs(i) > reach]

    def middle(points) -> float:
        weights = [(255 - image.getpixel(p), offset) for p, offset in points]
        total = sum(w for w, _ in weights)
        return sum(w * o for w, o in weights) / total

    cx, cy = round(x), round(y)
    dy = middle(((cx + i, cy + j), j) for i in along for j in range(-reach, reach + 1))
    dx = middle(((cx + j, cy + i), j) for i in along for j in range(-reach, reach + 1))
    return cx + dx, cy + dy


def test_crosses_are_found_on_a_drawn_cross():
    """The finder itself: a cross drawn into a page is found at its centre,
    and a block (a QR module) or a long line is not taken for one."""
    image = Image.new("L", (600, 400), 255)
    draw = ImageDraw.Draw(image)
    arm = ARM / 2 * PX
    draw.line([(200 - arm, 100), (200 + arm, 100)], fill=0, width=2)
    draw.line([(200, 100 - arm), (200, 100 + arm)], fill=0, width=2)
    draw.rectangle([400, 100, 400 + 2 * arm, 100 + 2 * arm], fill=0)
    draw.line([(10, 300), (590, 300)], fill=0, width=1)
    draw.line([(300, 10), (300, 390)], fill=0, width=1)
    [(x, y)] = crosses(image)
    assert abs(x - 200.5) <= 0.5 and abs(y - 100.5) <= 0.5


# --- putting the tiles together -------------------------------------------------

def seam_shift(a: list, b: list, right: bool) -> tuple[float, float] | None:
    """Where page b lies relative to page a (pixels), as their crosses say:
    b is laid to the right of a (`right`) or below it, and the crosses of
    their seam are those nearest it on each page (a's rightmost or lowest,
    b's leftmost or topmost), to be laid on each other in order along it."""
    axis = 0 if right else 1
    if not a or not b:
        return None
    near_a = sorted((p for p in a if p[axis] >= max(q[axis] for q in a) - PX), key=lambda p: p[1 - axis])
    near_b = sorted((p for p in b if p[axis] <= min(q[axis] for q in b) + PX), key=lambda p: p[1 - axis])
    if len(near_a) != len(near_b):
        return None
    shifts = [(u - x, v - y) for (u, v), (x, y) in zip(near_a, near_b)]
    dx, dy = (sum(s[i] for s in shifts) / len(shifts) for i in (0, 1))
    # every pair of crosses agrees on the shift
    if any(abs(sx - dx) > 2 or abs(sy - dy) > 2 for sx, sy in shifts):
        return None
    return dx, dy


class Picture:
    """A page (or the poster) at DPI and at DPI / 3, with where the page
    prints the board: its ink (non-white pixels), less the marks of its own
    that the poster does not have: its crosses and the labels at its foot."""

    def __init__(self, image: Image.Image, marks: list = ()):
        ink = image.point(lambda v: 255 if v < 245 else 0)
        blank = ImageDraw.Draw(ink)
        blank.rectangle((0, image.height - round(LABELS * PX), image.width, image.height), fill=0)
        for x, y in marks:
            r = (ARM / 2 + 2) * PX
            blank.rectangle((x - r, y - r, x + r, y + r), fill=0)
        self.levels = {step: image.reduce(step) if step > 1 else image for step in STEPS}
        self.ink = {step: ink.reduce(step).point(lambda v: 255 if v > 127 else 0) if step > 1 else ink
                    for step in STEPS}


def mismatch(tile: Picture, poster: Picture, step: int, at: tuple[int, int]) -> float:
    """Mean grey difference between what the tile prints (its ink) and the
    poster under it, the tile's top left at `at` (pixels at DPI / step)."""
    x, y = at
    image = tile.levels[step]
    under = poster.levels[step].crop((x, y, x + image.width, y + image.height))
    return ImageStat.Stat(ImageChops.difference(image, under), mask=tile.ink[step]).mean[0]


def _correlate(small, big):
    """sum of small * big shifted by every offset that keeps small inside big."""
    h, w = big.shape
    product = np.fft.rfft2(big) * np.conj(np.fft.rfft2(small, s=big.shape))
    return np.fft.irfft2(product, s=big.shape)[:h - small.shape[0] + 1, :w - small.shape[1] + 1]


def register(tile: Picture, poster: Picture, guess: tuple[float, float],
             radius: float) -> tuple[tuple[int, int], float]:
    """Where the tile page's top left lies on the poster (pixels at DPI): the
    best match within `radius` mm of `guess` (the least squared difference
    over the tile's ink), searched at DPI / 3, then at DPI."""
    step = STEPS[0]
    image, ink = (np.asarray(im, dtype=float) for im in (tile.levels[step], tile.ink[step]))
    ink /= 255
    reach = round(radius * PX / step)
    gx, gy = round(guess[0] / step) - reach, round(guess[1] / step) - reach
    window = np.asarray(poster.levels[step].crop((gx, gy, gx + image.shape[1] + 2 * reach,
                                                  gy + image.shape[0] + 2 * reach)), dtype=float)
    squares = _correlate(ink, window ** 2) - 2 * _correlate(ink * image, window)
    j, i = np.unravel_index(np.argmin(squares), squares.shape)
    x, y = (gx + i) * step, (gy + j) * step
    score, x, y = min((mismatch(tile, poster, 1, (x + i, y + j)), x + i, y + j)
                      for i in range(-step, step + 1) for j in range(-step, step + 1))
    return (x, y), score


def padded(image: Image.Image, pad: int) -> Image.Image:
    """The image on white with `pad` pixels round it (a tile's margin lies outside the board)."""
    out = Image.new("L", (image.width + 2 * pad, image.height + 2 * pad), 255)
    out.paste(image, (pad, pad))
    return out


def seams(built, entry) -> list[tuple[str, float]]:
    """How far off each seam is (mm) when the tiles are laid together by
    their crosses and compared with the poster."""
    tiles = pages(built.path(entry["path"]))
    at = {(t["row"], t["column"]): tiles[t["page"] - 1] for t in entry["tiles"]}
    marks = {key: crosses(image) for key, image in at.items()}
    poster_path = entry["path"].split("-tiles-")[0] + ".pdf"
    pad = round(40 * PX)
    [poster] = pages(built.path(poster_path))
    poster = Picture(padded(poster, pad))
    # Each tile laid where the crosses it shares with the tile to its left
    # (or above) put it, starting from the first, found on the poster near
    # the board's top left corner.
    found = {}
    for (row, column), image in sorted(at.items()):
        picture = Picture(image, marks[(row, column)])
        if not found:
            found[(row, column)], _ = register(picture, poster, (pad - 15 * PX, pad - 15 * PX), 25)
            continue
        before = (row, column - 1) if column > 1 else (row - 1, column)
        shift = seam_shift(marks[before], marks[(row, column)], right=before[0] == row)
        assert shift, f"{entry['path']}: no crosses shared by tiles {before} and {(row, column)}"
        lx, ly = found[before][0] + shift[0], found[before][1] + shift[1]
        # Where the tile matches the poster best, near where it was laid; a
        # tile that matches as well where it was laid (a blank part of the
        # board) shows nothing that a seam could be off by.
        best, score = register(picture, poster, (lx, ly), SEARCH)
        there = min(mismatch(picture, poster, 1, (round(lx) + i, round(ly) + j))
                    for i in (-1, 0, 1) for j in (-1, 0, 1))
        found[(row, column)] = best if there - score > FLAT else (lx, ly)
    off = []
    for (row, column), (x, y) in found.items():
        for before in ((row, column - 1), (row - 1, column)):
            if before in found:
                shift = seam_shift(marks[before], marks[(row, column)], right=before[0] == row)
                assert shift, f"{entry['path']}: no crosses shared by tiles {before} and {(row, column)}"
                bx, by = found[before]
                error = ((x - bx - shift[0]) ** 2 + (y - by - shift[1]) ** 2) ** 0.5 / PX
                off.append((f"{before} -> {(row, column)}", error))
    # every tile was placed, and together they cover the whole poster
    assert len(found) == entry["rows"] * entry["columns"] == entry["pages"]
    return off


@pytest.mark.parametrize("size", list(POSTERS))
def test_tiles_laid_together_by_their_crosses_make_the_poster(posters, size):
    built = posters(size)
    for entry in tile_files(built, size):
        off = seams(built, entry)
        assert len(off) == entry["rows"] * (entry["columns"] - 1) + entry["columns"] * (entry["rows"] - 1)
        wrong = [f"{seam}: {error:.2f} mm" for seam, error in off if error > TOLERANCE]
        assert not wrong, f"{entry['path']}: seams off by more than {TOLERANCE} mm: {wrong}"


def qr_tiles(built, entry) -> list[int]:
    """The tile pages from which the board's QR code is read whole, with no cross on it."""
    [url] = entry["qr_urls"]
    read = []
    for number, image in enumerate(pages(built.path(entry["path"])), start=1):
        for code in zxingcpp.read_barcodes(image):
            if code.text != url:
                continue
            corners = [code.position.top_left, code.position.top_right, code.position.bottom_left,
                       code.position.bottom_right]
            left, right = min(p.x for p in corners), max(p.x for p in corners)
            top, bottom = min(p.y for p in corners), max(p.y for p in corners)
            near = ARM / 2 * PX
            # no cross on it (a code may be read through a cross; it should not have to be)
            if not any(left - near < x < right + near and top - near < y < bottom + near
                       for x, y in crosses(image)):
                read.append(number)
    return read


@pytest.mark.parametrize("size", list(POSTERS))
def test_one_tile_carries_the_whole_qr_code(posters, size):
    """The board's QR code is read from a single tile page: it is never
    split between tiles, and no cross or cut line runs across it."""
    built = posters(size)
    for entry in tile_files(built, size):
        assert qr_tiles(built, entry), f"{entry['path']}: no tile carries the QR code whole, free of crosses"


def test_a2_on_a4_takes_no_more_pages_than_needed(posters):
    """A2 on A4 (printable 200 x 287 mm, 10 mm overlaps): 3 portrait
    columns cover 580 mm of the 594, so 4 columns of 2 rows are the fewest
    pages, whose print is spread evenly rather than a last column of 24 mm."""
    for entry in tile_files(posters("a2"), "a2"):
        assert entry["pages"] == 8, entry
        widths = {t["region_mm"][2] for t in entry["tiles"]}
        assert min(widths) > 100, widths


def test_a_qr_code_where_an_even_seam_would_fall_lies_whole_on_one_tile(make_kit, tmp_path):
    """A template that puts the QR code across the strip where evenly spread
    A2 tiles would overlap: the tiles move so that one carries it whole."""
    kit = make_kit(())
    shutil.copytree(REPO / "boards", kit / "boards")
    (kit / "guide.yaml").unlink(missing_ok=True)
    # On A2 the A3 layout is scaled by 1.414: x 117-168 mm, across the
    # strip (146-156 mm) between the first and second of four even columns.
    replace_once(kit / "templates" / "boards" / "influence-circle.yaml",
                 "box: {right: 14, bottom: 13, width: 36, height: 36}",
                 "box: {left: 83, bottom: 13, width: 36, height: 36}")
    built = build_into(kit, tmp_path / "out", "--poster", "a2", "--tile", "a4", "--mode", "home", "--dpi", "36",
                       "--only", "indflydelsescirkel")
    [entry] = [f for f in built.files if f["kind"] == "board-tiles"]
    assert qr_tiles(built, entry), f"{entry['path']}: no tile carries the QR code whole, free of crosses"
