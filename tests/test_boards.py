"""The boards (influence circle, partner matrix, partner list, checklist),
read back from the real artefacts with libraries other than the writers':
pypdf for page sizes, pypdfium2 for text positions, paths and rasters,
xml.etree for the SVG, Pillow for the PNG and zxing-cpp for the QR codes.

The shipped kit is built once for the session (the `built` fixture of
conftest, which includes every board at its default size), plus, once for
this module, an A1 build of the influence circle and a 72 dpi build.
"""

from __future__ import annotations

import math
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageStat

from kit_helpers import (
    MM,
    REPO,
    Built,
    build_into,
    line_col,
    load_yaml,
    replace_once,
    run_cli,
    stroked_segments,
    tree_digest,
)

SVG = "{http://www.w3.org/2000/svg}"
A3_LANDSCAPE_PT = (1190.55, 841.89)
A4_LANDSCAPE_PT = (841.89, 595.28)
A4_PORTRAIT_PT = (595.28, 841.89)
A1_LANDSCAPE_PT = (841 * MM, 594 * MM)  # 2383.94 x 1683.78
OVERLAP_MM = 10.0

CIRCLES = ("indflydelsescirkel", "indflydelsescirkel-direktion")
BOARDS = ("beslutningsark", "indflydelsescirkel", "indflydelsescirkel-direktion", "partnerliste", "partnermatrix",
          "tjekliste")
POSTER_OF = {
    "indflydelsescirkel": "a3", "indflydelsescirkel-direktion": "a3", "partnermatrix": "a3",
    "partnerliste": "a4", "tjekliste": "a4", "beslutningsark": "a4",
}
WITH_FILLED = ("indflydelsescirkel-direktion", "partnermatrix")


def board_yaml(name: str) -> dict:
    return load_yaml(REPO / "boards" / f"{name}.yaml")


# --- builds -------------------------------------------------------------------

@pytest.fixture(scope="module")
def a1(tmp_path_factory, shipped_kit) -> Built:
    """The influence circle as an A1 poster, tiled onto A4."""
    out = tmp_path_factory.mktemp("boards-a1") / "out"
    return build_into(shipped_kit, out, "--poster", "a1", "--only", "indflydelsescirkel")


@pytest.fixture(scope="module")
def dpi72(tmp_path_factory, shipped_kit) -> Built:
    out = tmp_path_factory.mktemp("boards-72") / "out"
    return build_into(shipped_kit, out, "--dpi", "72", "--only", "partnermatrix",
                      "--only", "tjekliste", "--only", "indflydelsescirkel-direktion")


@pytest.fixture(scope="module")
def builds(built, a1, dpi72) -> dict[str, Built]:
    return {"default": built, "a1": a1, "dpi72": dpi72}


_renders: dict = {}


def render(path: Path, dpi: int, page: int = 0) -> Image.Image:
    """A page rasterised with PDFium, RGB, cached for the module."""
    key = (str(path), dpi, page)
    if key not in _renders:
        doc = pdfium.PdfDocument(str(path))
        try:
            _renders[key] = doc[page].render(scale=dpi / 72).to_pil().convert("RGB")
        finally:
            doc.close()
    return _renders[key]


def board_files(built: Built, kind: str) -> list[dict]:
    return [f for f in built.files if f.get("kind") == kind]


def entry(built: Built, path: str) -> dict:
    found = [f for f in built.files if f["path"] == path]
    assert len(found) == 1, (path, [f["path"] for f in built.files])
    return found[0]


def page_size(path: Path, page: int = 0) -> tuple[float, float]:
    box = pypdf.PdfReader(str(path)).pages[page].mediabox
    return float(box.width), float(box.height)


def same_size(got, want, tol=0.1) -> bool:
    return abs(got[0] - want[0]) <= tol and abs(got[1] - want[1]) <= tol


# --- reading SVG ----------------------------------------------------------------

class Svg:
    def __init__(self, path: Path):
        self.root = ET.parse(str(path)).getroot()
        assert self.root.tag == f"{SVG}svg"
        self.width_mm = _mm(self.root.get("width"))
        self.height_mm = _mm(self.root.get("height"))

    def group(self, gid: str) -> ET.Element:
        found = [g for g in self.root.iter(f"{SVG}g") if g.get("id") == gid]
        assert len(found) == 1, (gid, len(found))
        return found[0]

    def groups(self, prefix: str) -> dict[str, ET.Element]:
        return {g.get("id"): g for g in self.root.iter(f"{SVG}g") if (g.get("id") or "").startswith(prefix)}

    def texts(self, under: ET.Element | None = None) -> list[tuple[str, float, float]]:
        """(string, x, y) of every <text>, in SVG units (mm, y down)."""
        return [(t.text or "", float(t.get("x")), float(t.get("y")))
                for t in (under if under is not None else self.root).iter(f"{SVG}text")]

    def to_pt(self, x: float, y: float) -> tuple[float, float]:
        """A point of the SVG (mm, y down) on the PDF page (pt, y up)."""
        return x * MM, (self.height_mm - y) * MM


def _mm(value: str) -> float:
    assert value and value.endswith("mm"), value
    return float(value[:-2])


def rect_of(element: ET.Element) -> tuple[float, float, float, float]:
    """The first <rect> directly in a group: x, y, width, height (SVG mm)."""
    rect = element.find(f"{SVG}rect")
    assert rect is not None, element.get("id")
    return tuple(float(rect.get(k)) for k in ("x", "y", "width", "height"))


def rect_pt(svg: Svg, rect) -> tuple[float, float, float, float]:
    """An SVG rect as (left, bottom, right, top) in PDF points."""
    x, y, w, h = rect
    left, top = svg.to_pt(x, y)
    right, bottom = svg.to_pt(x + w, y + h)
    return left, bottom, right, top


def rings_of(svg: Svg) -> list[tuple[int, float, float, float]]:
    """(index from the centre, cx, cy, r) of the ring circles, innermost first."""
    out = []
    for gid, group in svg.groups("ring-").items():
        circles = list(group.iter(f"{SVG}circle"))
        assert len(circles) == 1, gid
        c = circles[0]
        out.append((int(gid.split("-")[1]), float(c.get("cx")), float(c.get("cy")), float(c.get("r"))))
    return sorted(out)


# --- reading PDF text with positions --------------------------------------------

SKIP = frozenset(" \t\r\n\u00a0\ufffe\u00ad\x02-")


def squeeze(text: str) -> str:
    return "".join(ch for ch in text if ch not in SKIP)


def flow(text: str) -> str:
    """Whitespace collapsed, soft and detected hyphens as '-'."""
    for soft in ("\ufffe", "\u00ad", "\x02"):
        text = text.replace(soft, "-")
    return " ".join(text.split())


class PdfText:
    """The text of a page and the boxes (pt) of its characters."""

    def __init__(self, path: Path, page: int = 0):
        self.doc = pdfium.PdfDocument(str(path))
        self.page = self.doc[page]
        self.tp = self.page.get_textpage()
        count = self.tp.count_chars()
        self.text = self.tp.get_text_range(0, count)
        assert len(self.text) == count
        self.keep = [i for i, ch in enumerate(self.text) if ch not in SKIP]
        self.flat = "".join(self.text[i] for i in self.keep)

    def boxes(self, needle: str) -> list[tuple[float, float, float, float]]:
        """Bounding box (left, bottom, right, top) of every occurrence,
        across line breaks and hyphenation."""
        target = squeeze(needle)
        assert target, needle
        found = []
        start = self.flat.find(target)
        while start >= 0:
            chars = [self.tp.get_charbox(self.keep[k]) for k in range(start, start + len(target))]
            found.append((min(c[0] for c in chars), min(c[1] for c in chars),
                          max(c[2] for c in chars), max(c[3] for c in chars)))
            start = self.flat.find(target, start + 1)
        return found

    def box(self, needle: str) -> tuple[float, float, float, float]:
        found = self.boxes(needle)
        assert len(found) == 1, (needle, found)
        return found[0]

    def close(self):
        self.doc.close()


def centre(box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def inside(box, outer, tol=0.01) -> bool:
    return (box[0] >= outer[0] - tol and box[1] >= outer[1] - tol
            and box[2] <= outer[2] + tol and box[3] <= outer[3] + tol)


# =====================================================================================
# Posters: page sizes
# =====================================================================================

@pytest.mark.parametrize("build_name, path, want", [
    ("default", "boards/indflydelsescirkel-a3.pdf", A3_LANDSCAPE_PT),
    ("default", "boards/indflydelsescirkel-direktion-a3.pdf", A3_LANDSCAPE_PT),
    ("default", "boards/indflydelsescirkel-direktion-filled-a3.pdf", A3_LANDSCAPE_PT),
    ("default", "boards/partnermatrix-a3.pdf", A3_LANDSCAPE_PT),
    ("default", "boards/partnermatrix-filled-a3.pdf", A3_LANDSCAPE_PT),
    ("default", "boards/partnerliste-a4.pdf", A4_LANDSCAPE_PT),
    ("default", "boards/tjekliste-a4.pdf", A4_PORTRAIT_PT),
    ("a1", "boards/indflydelsescirkel-a1.pdf", A1_LANDSCAPE_PT),
])
def test_poster_is_one_page_of_its_paper(builds, build_name, path, want):
    built = builds[build_name]
    reader = pypdf.PdfReader(str(built.path(path)))
    assert len(reader.pages) == 1
    got = page_size(built.path(path))
    assert same_size(got, want), (path, got, want)
    info = entry(built, path)
    assert info["kind"] == "board-poster" and info["pages"] == 1
    assert same_size([v * MM for v in info["size_mm"]], got), (info["size_mm"], got)


def test_every_board_has_its_files(built):
    paths = {f["path"] for f in built.files}
    for board in BOARDS:
        paper = POSTER_OF[board]
        assert {f"boards/{board}-{paper}.pdf", f"boards/{board}.svg", f"boards/{board}.png"} <= paths, board
        filled = {f"boards/{board}-filled-{paper}.pdf", f"boards/{board}-filled.svg",
                  f"boards/{board}-filled.png"}
        if board in WITH_FILLED:
            assert filled <= paths, board
        else:  # nothing placed: no filled-in version
            assert not filled & paths, board
        tiles = f"boards/{board}-{paper}-tiles-a4.pdf"
        assert (tiles in paths) == (paper == "a3"), board  # an A4 board needs no tiles
        tokens = f"boards/{board}-tokens-a4.pdf"
        assert (tokens in paths) == (board in CIRCLES or board == "partnermatrix"), board
    for f in built.files:
        if f.get("board"):
            assert built.path(f["path"]).is_file(), f["path"]


def test_manifest_lists_every_board(built):
    boards = {b["board"]: b for b in built.manifest["boards"]}
    assert set(boards) == set(BOARDS)
    for name, b in boards.items():
        data = board_yaml(name)
        assert b["type"] == data["type"] and b["title"] == data["title"], b
        assert b["qr_url"] and b["qr_url"].endswith(f"/boards/{name}"), b
        for f in built.files:
            if f.get("board") == name:  # a token sheet prints no QR code, and lists none
                assert f.get("qr_urls", []) == ([] if f["kind"] == "token-sheet" else [b["qr_url"]]), f["path"]


def test_manifest_variant_matches_the_file(built):
    wrong = []
    for f in built.files:
        if not f.get("board") or f["kind"] == "token-sheet":
            continue
        want = "filled" if f"{f['board']}-filled" in f["path"] else "blank"
        if f["variant"] != want:
            wrong.append((f["path"], f["variant"]))
    for name in WITH_FILLED:  # the tokens belong to the blank board
        tokens = entry(built, f"boards/{name}-tokens-a4.pdf")
        if tokens["variant"] != "blank":
            wrong.append((tokens["path"], tokens["variant"]))
    assert not wrong


# =====================================================================================
# The influence circle: rings and their labels
# =====================================================================================

CIRCLE_SVGS = [
    ("default", "boards/indflydelsescirkel.svg", "indflydelsescirkel"),
    ("default", "boards/indflydelsescirkel-direktion.svg", "indflydelsescirkel-direktion"),
    ("default", "boards/indflydelsescirkel-direktion-filled.svg", "indflydelsescirkel-direktion"),
    ("a1", "boards/indflydelsescirkel.svg", "indflydelsescirkel"),
]


@pytest.mark.parametrize("build_name, path, board", CIRCLE_SVGS)
def test_svg_rings_are_concentric_with_radii_1_2_3_4(builds, build_name, path, board):
    svg = Svg(builds[build_name].path(path))
    rings = rings_of(svg)
    names = [r["name"] for r in board_yaml(board)["rings"]]
    assert [i for i, *_ in rings] == [1, 2, 3, 4] == list(range(1, len(names) + 1))
    cx, cy, r1 = rings[0][1], rings[0][2], rings[0][3]
    assert r1 > 10
    for i, x, y, r in rings:  # group ring-i is the i-th ring from the centre
        assert abs(x - cx) < 1e-6 and abs(y - cy) < 1e-6, "rings share one centre"
        assert r / r1 == pytest.approx(i, abs=1e-6), (i, r, r1)
    # the outer ring lies on the board
    r4 = rings[-1][3]
    assert 0 <= cx - r4 and cx + r4 <= svg.width_mm and 0 <= cy - r4 and cy + r4 <= svg.height_mm


@pytest.mark.parametrize("build_name, path, board", CIRCLE_SVGS)
def test_svg_ring_labels_lie_in_their_ring(builds, build_name, path, board):
    svg = Svg(builds[build_name].path(path))
    rings = rings_of(svg)
    cx, cy, band = rings[0][1], rings[0][2], rings[0][3]
    names = [r["name"] for r in board_yaml(board)["rings"]]
    labels = svg.groups("label-")
    assert len(labels) == len(names)
    seen = set()
    for number, name in enumerate(names, start=1):
        holders = [(gid, t) for gid, g in labels.items() for t in svg.texts(g) if t[0] == name.upper()]
        assert len(holders) == 1, (name, holders)
        gid, (_, x, y) = holders[0]
        seen.add(gid)
        distance = math.hypot(x - cx, y - cy)
        assert (number - 1) * band <= distance <= number * band, (name, distance / band)
    assert seen == set(labels)


@pytest.mark.parametrize("build_name, pdf, svg_path, board", [
    ("default", "boards/indflydelsescirkel-a3.pdf", "boards/indflydelsescirkel.svg", "indflydelsescirkel"),
    ("default", "boards/indflydelsescirkel-direktion-filled-a3.pdf",
     "boards/indflydelsescirkel-direktion-filled.svg", "indflydelsescirkel-direktion"),
    ("a1", "boards/indflydelsescirkel-a1.pdf", "boards/indflydelsescirkel.svg", "indflydelsescirkel"),
])
def test_pdf_ring_labels_lie_in_their_ring(builds, build_name, pdf, svg_path, board):
    built = builds[build_name]
    svg = Svg(built.path(svg_path))
    rings = rings_of(svg)
    cx, cy = svg.to_pt(rings[0][1], rings[0][2])
    band = rings[0][3] * MM
    text = PdfText(built.path(pdf))
    try:
        for number, ring in enumerate(board_yaml(board)["rings"], start=1):
            x, y = centre(text.box(ring["name"].upper()))
            distance = math.hypot(x - cx, y - cy)
            assert (number - 1) * band < distance < number * band, (ring["name"], distance / band)
    finally:
        text.close()


# =====================================================================================
# The partner matrix: quadrants
# =====================================================================================

QUADRANT_GROUPS = {
    "start_here": "quadrant-start-here", "discuss": "quadrant-discuss",
    "not_now": "quadrant-not-now", "not_worth": "quadrant-not-worth",
}
MATRIX_SVGS = ["boards/partnermatrix.svg", "boards/partnermatrix-filled.svg"]


def quadrant_rects(svg: Svg) -> dict[str, tuple[float, float, float, float]]:
    return {key: rect_of(svg.group(gid)) for key, gid in QUADRANT_GROUPS.items()}


@pytest.mark.parametrize("path", MATRIX_SVGS)
def test_svg_quadrants_are_arranged_by_importance_and_ease(built, path):
    svg = Svg(built.path(path))
    q = quadrant_rects(svg)
    # SVG y grows downwards: a smaller y is higher up
    assert q["start_here"][0] > q["discuss"][0] and q["start_here"][1] == pytest.approx(q["discuss"][1])
    assert q["not_now"][0] == pytest.approx(q["start_here"][0]) and q["not_now"][1] > q["start_here"][1]
    assert q["not_worth"][0] == pytest.approx(q["discuss"][0]) and q["not_worth"][1] > q["discuss"][1]
    assert q["not_worth"][1] == pytest.approx(q["not_now"][1])
    # four equal quadrants that meet without a gap
    x, y, w, h = q["discuss"]
    for rect in q.values():
        assert rect[2:] == pytest.approx((w, h))
    assert q["start_here"][0] == pytest.approx(x + w) and q["not_worth"][1] == pytest.approx(y + h)


@pytest.mark.parametrize("path", MATRIX_SVGS)
def test_svg_quadrant_label_is_inside_its_quadrant(built, path):
    svg = Svg(built.path(path))
    quadrants = board_yaml("partnermatrix")["quadrants"]
    for key, gid in QUADRANT_GROUPS.items():
        group = svg.group(gid)
        x0, y0, w, h = rect_of(group)
        texts = svg.texts(group)
        assert " ".join(t for t, _, _ in texts) == quadrants[key], (gid, texts)
        for _, x, y in texts:
            assert x0 < x < x0 + w and y0 < y < y0 + h, (gid, x, y)
            assert y < y0 + h / 2, "the label stands at the top of its quadrant"


@pytest.mark.parametrize("pdf, svg_path", [
    ("boards/partnermatrix-a3.pdf", "boards/partnermatrix.svg"),
    ("boards/partnermatrix-filled-a3.pdf", "boards/partnermatrix-filled.svg"),
])
def test_pdf_quadrant_labels_are_inside_their_quadrant(built, pdf, svg_path):
    svg = Svg(built.path(svg_path))
    rects = {key: rect_pt(svg, r) for key, r in quadrant_rects(svg).items()}
    quadrants = board_yaml("partnermatrix")["quadrants"]
    text = PdfText(built.path(pdf))
    try:
        for key, label in quadrants.items():
            box = text.box(label)
            assert inside(box, rects[key]), (key, box, rects[key])
            others = [k for k, r in rects.items() if k != key and inside((*centre(box),) * 2, r)]
            assert not others, (key, others)
    finally:
        text.close()


# =====================================================================================
# Filled-in boards
# =====================================================================================

def implied_quadrant(score: dict) -> str:
    high = score["importance"] >= 4
    easy = score["ease"] >= 4
    return {(True, True): "start_here", (True, False): "discuss",
            (False, True): "not_now", (False, False): "not_worth"}[(high, easy)]


def _partner_params():
    return [pytest.param(p, id=p["id"]) for p in board_yaml("partnermatrix")["partners"]
            if p.get("score")]


@pytest.mark.parametrize("partner", _partner_params())
def test_filled_matrix_partner_is_in_the_quadrant_its_score_implies(built, partner):
    """A score of 1-2 or 4-5 puts the token inside its quadrant; a middle
    score of 3 puts it across the line between two quadrants (undecided)."""
    svg = Svg(built.path("boards/partnermatrix-filled.svg"))
    rects = {key: rect_pt(svg, r) for key, r in quadrant_rects(svg).items()}
    group = svg.group(f"partner-{partner['id']}")
    assert squeeze("".join(t for t, _, _ in svg.texts(group))) == squeeze(partner["name"])
    token = rect_pt(svg, rect_of(group))
    text = PdfText(built.path("boards/partnermatrix-filled-a3.pdf"))
    try:
        box = text.box(partner["name"])
    finally:
        text.close()
    assert inside(box, token)
    score = partner["score"]
    if 3 not in score.values():
        want = implied_quadrant(score)
        assert inside(token, rects[want]), (want, token, rects[want])
        assert inside(box, rects[want]), (partner["name"], want, box, rects[want])
        return
    # the token straddles the middle line of each axis scored 3
    left, bottom, right, top = token
    _, middle_y, middle_x, _ = rects["discuss"]  # top-left quadrant: its right and bottom edges
    if score["ease"] == 3:
        assert left < middle_x < right, (token, middle_x)
    else:  # wholly on the side its ease implies: easy to the right
        assert (left >= middle_x - 0.01) if score["ease"] > 3 else (right <= middle_x + 0.01), (token, middle_x)
    if score["importance"] == 3:
        assert bottom < middle_y < top, (token, middle_y)
    else:  # important at the top
        assert (bottom >= middle_y - 0.01) if score["importance"] > 3 else (top <= middle_y + 0.01), (token, middle_y)


def _element_params():
    data = board_yaml("indflydelsescirkel-direktion")
    return [pytest.param(e, id=e["id"]) for e in data["elements"]]


@pytest.mark.parametrize("element", _element_params())
def test_filled_circle_element_is_in_its_ring(built, element):
    board = board_yaml("indflydelsescirkel-direktion")
    names = [r["name"] for r in board["rings"]]
    number = names.index(element["ring"]) + 1
    svg = Svg(built.path("boards/indflydelsescirkel-direktion-filled.svg"))
    rings = rings_of(svg)
    group = svg.group(f"element-{element['id']}")
    assert squeeze("".join(t for t, _, _ in svg.texts(group))) == squeeze(element["text"])
    cx, cy = svg.to_pt(rings[0][1], rings[0][2])
    band = rings[0][3] * MM
    text = PdfText(built.path("boards/indflydelsescirkel-direktion-filled-a3.pdf"))
    try:
        x, y = centre(text.box(element["text"]))
    finally:
        text.close()
    distance = math.hypot(x - cx, y - cy)
    assert (number - 1) * band <= distance < number * band, (element["ring"], distance / band)


def _overlaps(svg: Svg, prefix: str) -> list[tuple[str, str]]:
    rects = {gid: rect_of(g) for gid, g in svg.groups(prefix).items()}
    names = sorted(rects)
    out = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            (x1, y1, w1, h1), (x2, y2, w2, h2) = rects[a], rects[b]
            if min(x1 + w1, x2 + w2) - max(x1, x2) > 0.01 and min(y1 + h1, y2 + h2) - max(y1, y2) > 0.01:
                out.append((a, b))
    return out


def test_filled_matrix_tokens_do_not_overlap(built):
    svg = Svg(built.path("boards/partnermatrix-filled.svg"))
    scored = [p for p in board_yaml("partnermatrix")["partners"] if p.get("score")]
    assert len(svg.groups("partner-")) == len(scored)
    assert _overlaps(svg, "partner-") == []


def test_filled_circle_tokens_do_not_overlap(built):
    svg = Svg(built.path("boards/indflydelsescirkel-direktion-filled.svg"))
    assert len(svg.groups("element-")) == len(board_yaml("indflydelsescirkel-direktion")["elements"])
    assert _overlaps(svg, "element-") == []


@pytest.fixture(scope="module")
def crowded(tmp_path_factory) -> Built:
    """Placements that crowd a spot: two partners with the same low score,
    and an influence circle of two rings with most elements in the centre."""
    kit = tmp_path_factory.mktemp("crowded") / "kit"
    (kit / "boards").mkdir(parents=True)
    shutil.copy2(REPO / "kit.yaml", kit / "kit.yaml")
    shutil.copytree(REPO / "templates", kit / "templates")
    matrix = kit / "boards" / "matrix-stak.yaml"
    shutil.copy2(REPO / "boards" / "partnermatrix.yaml", matrix)
    # the sports club now scores as the local business does: (importance 1, ease 2)
    replace_once(matrix, "score: {importance: 2, ease: 4}", "score: {importance: 1, ease: 2}")
    circle = kit / "boards" / "cirkel-to.yaml"
    shutil.copy2(REPO / "boards" / "indflydelsescirkel-direktion.yaml", circle)
    replace_once(circle, "  - {name: Høj indflydelse}\n  - {name: Lav indflydelse}\n", "")
    text = circle.read_text(encoding="utf-8")
    text = text.replace("ring: Høj indflydelse}", "ring: Kontrol}").replace("ring: Lav indflydelse}", "ring: Vilkår}")
    circle.write_text(text, encoding="utf-8")
    return build_into(kit, kit.parent / "out")


def test_partners_with_the_same_score_stay_in_their_quadrant(crowded):
    svg = Svg(crowded.path("boards/matrix-stak-filled.svg"))
    rects = quadrant_rects(svg)
    partners = load_yaml(crowded.out.parent / "kit" / "boards" / "matrix-stak.yaml")["partners"]
    same = [p["id"] for p in partners if p["score"] == {"importance": 1, "ease": 2}]
    assert len(same) == 2
    outside = []
    for p in partners:
        if 3 in p["score"].values():
            continue
        x0, y0, w0, h0 = rects[implied_quadrant(p["score"])]
        x, y, w, h = rect_of(svg.group(f"partner-{p['id']}"))
        if not (x >= x0 and y >= y0 and x + w <= x0 + w0 and y + h <= y0 + h0):
            outside.append(p["id"])
    assert outside == []


def test_a_crowded_centre_keeps_its_elements_in_the_ring(crowded):
    svg = Svg(crowded.path("boards/cirkel-to-filled.svg"))
    rings = rings_of(svg)
    assert [i for i, *_ in rings] == [1, 2]
    cx, cy, band = rings[0][1], rings[0][2], rings[0][3]
    data = load_yaml(crowded.out.parent / "kit" / "boards" / "cirkel-to.yaml")
    names = [r["name"] for r in data["rings"]]
    wrong = []
    for e in data["elements"]:
        x, y, w, h = rect_of(svg.group(f"element-{e['id']}"))
        number = names.index(e["ring"]) + 1
        distance = math.hypot(x + w / 2 - cx, y + h / 2 - cy)
        on_sheet = x >= 0 and y >= 0 and x + w <= svg.width_mm and y + h <= svg.height_mm
        if not ((number - 1) * band <= distance < number * band and on_sheet):
            wrong.append(e["id"])
    assert wrong == []


def test_blank_boards_place_nothing(built):
    for path in ("boards/indflydelsescirkel.svg", "boards/indflydelsescirkel-direktion.svg",
                 "boards/partnermatrix.svg"):
        svg = Svg(built.path(path))
        assert not svg.groups("element-") and not svg.groups("partner-"), path
        assert not svg.groups("placed-"), path


# =====================================================================================
# Tiles
# =====================================================================================

TILE_FILES = [
    ("a1", "boards/indflydelsescirkel-a1-tiles-a4.pdf", (841, 594)),
    ("default", "boards/indflydelsescirkel-a3-tiles-a4.pdf", (420, 297)),
    ("default", "boards/partnermatrix-a3-tiles-a4.pdf", (420, 297)),
]


@pytest.mark.parametrize("build_name, path, size", TILE_FILES)
def test_tiles_page_count_is_rows_times_columns(builds, build_name, path, size):
    built = builds[build_name]
    info = entry(built, path)
    assert info["kind"] == "board-tiles" and info["paper"] == "a4"
    assert info["size_mm"] == list(size)
    pages = len(pypdf.PdfReader(str(built.path(path))).pages)
    assert info["rows"] * info["columns"] == pages == info["pages"] == len(info["tiles"])
    assert [t["page"] for t in info["tiles"]] == list(range(1, pages + 1))
    assert sorted((t["row"], t["column"]) for t in info["tiles"]) == \
        [(r, c) for r in range(1, info["rows"] + 1) for c in range(1, info["columns"] + 1)]
    if build_name == "a1":
        assert pages > 4


@pytest.mark.parametrize("build_name, path, size", TILE_FILES)
def test_every_tile_page_is_a4(builds, build_name, path, size):
    reader = pypdf.PdfReader(str(builds[build_name].path(path)))
    for number, page in enumerate(reader.pages, start=1):
        got = float(page.mediabox.width), float(page.mediabox.height)
        assert same_size(got, A4_PORTRAIT_PT) or same_size(got, A4_LANDSCAPE_PT), (number, got)


@pytest.mark.parametrize("build_name, path, size", TILE_FILES)
def test_neighbouring_tiles_overlap_by_10_mm(builds, build_name, path, size):
    info = entry(builds[build_name], path)
    assert info["overlap_mm"] == pytest.approx(OVERLAP_MM)
    at = {(t["row"], t["column"]): t["region_mm"] for t in info["tiles"]}
    checked = 0
    for (r, c), (x, y, w, h) in at.items():
        if (r, c + 1) in at:  # the tile to the right
            x2, y2, w2, h2 = at[(r, c + 1)]
            assert (x + w) - x2 == pytest.approx(OVERLAP_MM, abs=0.01), ((r, c), (r, c + 1))
            assert (y2, h2) == pytest.approx((y, h))
            checked += 1
        if (r + 1, c) in at:  # the tile below (rows count from the top; y is bottom-up)
            x2, y2, w2, h2 = at[(r + 1, c)]
            assert (y2 + h2) - y == pytest.approx(OVERLAP_MM, abs=0.01), ((r, c), (r + 1, c))
            assert (x2, w2) == pytest.approx((x, w))
            checked += 1
    rows, columns = info["rows"], info["columns"]
    assert checked == rows * (columns - 1) + columns * (rows - 1)


@pytest.mark.parametrize("build_name, path, size", TILE_FILES)
def test_tiles_cover_the_whole_board(builds, build_name, path, size):
    info = entry(builds[build_name], path)
    width, height = size
    tiles = info["tiles"]
    for t in tiles:
        x, y, w, h = t["region_mm"]
        assert w > 0 and h > 0 and x >= -0.01 and y >= -0.01
        assert x + w <= width + 0.01 and y + h <= height + 0.01, t

    def covered(intervals, length):
        reach = 0.0
        for a, b in sorted(intervals):
            if a > reach + 0.01:
                return False
            reach = max(reach, b)
        return reach >= length - 0.01

    # every row of tiles spans the width, every column the height; rows and
    # columns are aligned (checked above), so together they tile the board
    for r in range(1, info["rows"] + 1):
        row = [t["region_mm"] for t in tiles if t["row"] == r]
        assert covered([(x, x + w) for x, _, w, _ in row], width), r
    for c in range(1, info["columns"] + 1):
        column = [t["region_mm"] for t in tiles if t["column"] == c]
        assert covered([(y, y + h) for _, y, _, h in column], height), c
    # sampled: every point of a 5 mm grid over the board is on some tile
    for i in range(int(width // 5) + 1):
        for j in range(int(height // 5) + 1):
            px, py = min(i * 5, width), min(j * 5, height)
            assert any(x - 1e-6 <= px <= x + w + 1e-6 and y - 1e-6 <= py <= y + h + 1e-6
                       for x, y, w, h in (t["region_mm"] for t in tiles)), (px, py)


@pytest.mark.parametrize("build_name, path, size", TILE_FILES)
def test_every_tile_page_names_its_row_and_column(builds, build_name, path, size):
    built = builds[build_name]
    info = entry(built, path)
    doc = pdfium.PdfDocument(str(built.path(path)))
    try:
        for t in info["tiles"]:
            text = doc[t["page"] - 1].get_textpage().get_text_range()
            found = re.findall(r"Række (\d+), kolonne (\d+)", text)
            assert found == [(str(t["row"]), str(t["column"]))], (t, found)
    finally:
        doc.close()


def test_a1_tile_shows_the_region_of_the_poster(a1):
    """A tile from the middle of the A1 board, at 100 dpi: not blank, and the
    same picture as the part of the poster that the manifest's region names."""
    info = entry(a1, "boards/indflydelsescirkel-a1-tiles-a4.pdf")
    middle = next(t for t in info["tiles"] if (t["row"], t["column"]) == (2, 2))
    dpi = 100
    px = dpi / 25.4
    tile = render(a1.path(info["path"]), dpi, middle["page"] - 1)
    grey = tile.convert("L")
    dark = sum(grey.histogram()[:240]) / (grey.width * grey.height)
    assert dark > 0.3, f"the tile looks blank ({dark:.0%} not white)"

    # The region is printed with its top-left corner at the top-left of the
    # printable area, the printer margin in from the page's edges. Compare
    # the inside of the region, away from the overlap strips and their marks.
    margin = load_yaml(REPO / "src" / "workshop_kit" / "data" / "sheets.yaml")["home"]["printer_margin"]
    x, y, w, h = middle["region_mm"]
    _, board_h = info["size_mm"]
    keep = OVERLAP_MM + 5
    size = (round((w - 2 * keep) * px), round((h - 2 * keep) * px))
    poster = render(a1.path("boards/indflydelsescirkel-a1.pdf"), dpi)
    want = poster.crop((round((x + keep) * px), round((board_h - y - h + keep) * px),
                        round((x + keep) * px) + size[0], round((board_h - y - h + keep) * px) + size[1]))

    def diff(left_mm: float, top_mm: float) -> float:
        left, top = round(left_mm * px), round(top_mm * px)
        got = tile.crop((left, top, left + size[0], top + size[1]))
        return sum(ImageStat.Stat(ImageChops.difference(got, want)).mean) / 3

    same = diff(margin + keep, margin + keep)
    assert same < 4, same
    # the comparison can tell: the picture 20 mm further on does not match
    assert diff(margin + keep + 20, margin + keep) > 4 * max(same, 1)
    assert diff(margin + keep, margin + keep + 20) > 4 * max(same, 1)


# =====================================================================================
# SVG and PNG
# =====================================================================================

ALL_SVGS = [("default", f"boards/{b}.svg") for b in BOARDS] + \
    [("default", f"boards/{b}-filled.svg") for b in WITH_FILLED] + [("a1", "boards/indflydelsescirkel.svg")]


@pytest.mark.parametrize("build_name, path", ALL_SVGS)
def test_svg_parses_with_the_poster_size(builds, build_name, path):
    built = builds[build_name]
    svg = Svg(built.path(path))
    info = entry(built, path)
    assert info["kind"] == "board-svg"
    assert [svg.width_mm, svg.height_mm] == pytest.approx(info["size_mm"])
    view = [float(v) for v in svg.root.get("viewBox").split()]
    assert view == pytest.approx([0, 0, svg.width_mm, svg.height_mm])
    paper = "a1" if build_name == "a1" else POSTER_OF[info["board"]]
    pdf = f"boards/{Path(path).stem}-{paper}.pdf"
    got = page_size(built.path(pdf))
    assert same_size(got, (svg.width_mm * MM, svg.height_mm * MM)), (pdf, got)
    ids = [e.get("id") for e in svg.root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), "ids are unique"


@pytest.mark.parametrize("build_name, path", ALL_SVGS)
def test_svg_keeps_title_and_labels_as_text(builds, build_name, path):
    built = builds[build_name]
    svg = Svg(built.path(path))
    board = entry(built, path)["board"]
    data = board_yaml(board)
    strings = [t for t, _, _ in svg.texts()]
    assert data["title"] in strings
    title = svg.root.find(f"{SVG}title")
    assert title is not None and data["title"] in (title.text or "")
    groups = {g.get("id") for g in svg.root.iter(f"{SVG}g") if g.get("id")}
    if data["type"] == "influence-circle":
        for ring in data["rings"]:
            assert ring["name"].upper() in strings, ring
        assert len([g for g in groups if g.startswith("ring-")]) == len(data["rings"])
        assert len([g for g in groups if g.startswith("label-")]) == len(data["rings"])
    elif data["type"] == "partner-matrix":
        for label in data["quadrants"].values():
            assert label in strings
        assert set(QUADRANT_GROUPS.values()) <= groups
        for axis in data["axes"].values():
            assert {axis["label"], axis["low"], axis["high"]} <= set(strings)
    elif data["type"] == "checklist":
        assert {f"item-{i}" for i in range(1, len(data["items"]) + 1)} <= groups
    elif data["type"] == "decision-sheet":
        assert {f"entry-{i}" for i in range(1, len(data["entries"]) + 1)} <= groups
        assert {e["title"] for e in data["entries"]} <= set(strings)
    else:
        assert "table" in groups
    # text is text: the only paths are the QR code's modules
    qr_paths = {id(p) for g in svg.root.iter(f"{SVG}g") if g.get("class") == "qr-code"
                for p in g.iter(f"{SVG}path")}
    assert all(id(p) in qr_paths for p in svg.root.iter(f"{SVG}path"))
    assert len(qr_paths) == 1


@pytest.mark.parametrize("build_name, dpi", [("default", 150), ("a1", 150), ("dpi72", 72)])
def test_png_size_follows_the_dpi(builds, build_name, dpi):
    built = builds[build_name]
    pngs = board_files(built, "board-png")
    assert pngs
    for info in pngs:
        assert info["dpi"] == dpi
        width_mm, height_mm = info["size_mm"]
        with Image.open(built.path(info["path"])) as image:
            assert image.format == "PNG"
            w, h = image.size
            assert abs(w - round(width_mm / 25.4 * dpi)) <= 1, (info["path"], w)
            assert abs(h - round(height_mm / 25.4 * dpi)) <= 1, (info["path"], h)
            assert [w, h] == info["pixels"]
            stored = image.info.get("dpi")
            assert stored and abs(stored[0] - dpi) < 0.5 and abs(stored[1] - dpi) < 0.5, stored


def test_png_is_the_poster_pdf(built):
    for png, pdf in (("boards/partnermatrix-filled.png", "boards/partnermatrix-filled-a3.pdf"),
                     ("boards/tjekliste.png", "boards/tjekliste-a4.pdf")):
        with Image.open(built.path(png)) as image:
            picture = image.convert("RGB")
        page = render(built.path(pdf), 150)
        assert picture.size == page.size
        assert sum(ImageStat.Stat(ImageChops.difference(picture, page)).mean) / 3 < 1, png


@pytest.mark.parametrize("board", BOARDS + tuple(f"{b}-filled" for b in WITH_FILLED))
def test_every_svg_text_is_in_the_pdf(built, board):
    name = board.removesuffix("-filled")
    paper = POSTER_OF[name]
    pdf = f"boards/{board}-{paper}.pdf"
    text = PdfText(built.path(pdf))
    try:
        pdf_text = flow(text.text)
    finally:
        text.close()
    strings = [flow(s) for s, _, _ in Svg(built.path(f"boards/{board}.svg")).texts()]
    strings = [s for s in strings if s]
    assert len(strings) > 5
    missing = [s for s in strings if s not in pdf_text]
    assert not missing, missing


# =====================================================================================
# QR codes
# =====================================================================================

def decode(image: Image.Image) -> list:
    return [r for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def _urls(built: Built) -> dict[str, str]:
    return {b["board"]: b["qr_url"] for b in built.manifest["boards"]}


@pytest.mark.parametrize("build_name", ["default", "a1"])
def test_every_board_png_has_one_qr_with_the_board_url(builds, build_name):
    built = builds[build_name]
    urls = _urls(built)
    for info in board_files(built, "board-png"):
        with Image.open(built.path(info["path"])) as image:
            found = decode(image.convert("RGB"))
        assert [r.text for r in found] == [urls[info["board"]]], info["path"]


@pytest.mark.parametrize("build_name", ["default", "a1"])
def test_every_poster_pdf_has_one_qr_with_the_board_url(builds, build_name):
    built = builds[build_name]
    urls = _urls(built)
    posters = board_files(built, "board-poster")
    assert len(posters) == (8 if build_name == "default" else 1)
    for info in posters:
        found = decode(render(built.path(info["path"]), 150))
        assert [r.text for r in found] == [urls[info["board"]]], info["path"]


def test_board_urls_are_distinct_and_not_card_urls(built):
    urls = [b["qr_url"] for b in built.manifest["boards"]]
    assert len(urls) == len(BOARDS) and all(urls)
    assert len(set(urls)) == len(urls)
    cards = {c["qr_url"] for c in built.cards if c.get("qr_url")}
    assert cards, "the full build has cards with QR codes"
    assert not set(urls) & cards


# =====================================================================================
# Token sheets
# =====================================================================================

TOKEN_FILES = [
    ("default", "indflydelsescirkel", "elements"),
    ("default", "indflydelsescirkel-direktion", "elements"),
    ("default", "partnermatrix", "partners"),
    ("a1", "indflydelsescirkel", "elements"),
]


def token_rects(page, size_pt) -> list[tuple[float, float, float, float]]:
    """Filled paths the size of a token: each token's background."""
    import ctypes

    w, h = size_pt
    out = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        assert pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
        if not fill.value:
            continue
        left, bottom, right, top = obj.get_bounds()
        if abs((right - left) - w) < 0.5 and abs((top - bottom) - h) < 0.5:
            out.append((left, bottom, right, top))
    return out


@pytest.mark.parametrize("build_name, board, items", TOKEN_FILES)
def test_token_sheets_hold_one_token_per_item(builds, build_name, board, items):
    built = builds[build_name]
    path = f"boards/{board}-tokens-a4.pdf"
    info = entry(built, path)
    want = len(board_yaml(board)[items])
    assert info["tokens"] == want
    size_pt = tuple(v * MM for v in info["token_size_mm"])
    doc = pdfium.PdfDocument(str(built.path(path)))
    try:
        assert len(doc) == info["pages"]
        count = 0
        for page in doc:
            assert same_size(page.get_size(), A4_PORTRAIT_PT) or same_size(page.get_size(), A4_LANDSCAPE_PT)
            rects = token_rects(page, size_pt)
            count += len(rects)
            # crop marks continue every token's edges, outside the tokens
            marks = stroked_segments(page)
            assert marks
            xs = {round(x1, 1) for x1, y1, x2, y2 in marks if abs(x1 - x2) < 0.01}
            ys = {round(y1, 1) for x1, y1, x2, y2 in marks if abs(y1 - y2) < 0.01}
            for left, bottom, right, top in rects:
                assert {round(left, 1), round(right, 1)} <= xs, (left, right)
                assert {round(bottom, 1), round(top, 1)} <= ys, (bottom, top)
            for x1, y1, x2, y2 in marks:
                mx, my = (x1 + x2) / 2, (y1 + y2) / 2
                assert not any(left + 0.1 < mx < right - 0.1 and bottom + 0.1 < my < top - 0.1
                               for left, bottom, right, top in rects), "a mark crosses a token"
        assert count == want
    finally:
        doc.close()


@pytest.mark.parametrize("build_name, board, items", TOKEN_FILES)
def test_token_sheets_show_every_item(builds, build_name, board, items):
    built = builds[build_name]
    path = built.path(f"boards/{board}-tokens-a4.pdf")
    doc = pdfium.PdfDocument(str(path))
    try:
        flat = squeeze("".join(page.get_textpage().get_text_range() for page in doc))
    finally:
        doc.close()
    for item in board_yaml(board)[items]:
        text = item.get("text") or item["name"]
        assert flat.count(squeeze(text)) == 1, text


# =====================================================================================
# Partner list and checklist
# =====================================================================================

def test_the_shipped_partner_list_is_blank_but_for_the_example_row(built):
    text = PdfText(built.path("boards/partnerliste-a4.pdf"))
    try:
        example = board_yaml("partnerliste")["example"]
        text.box(f"Eksempel: {example['name']}")  # the example row is marked as such
        for partner in board_yaml("partnermatrix")["partners"]:
            assert not text.boxes(partner["name"]), partner["name"]
    finally:
        text.close()


def test_partner_list_has_the_example_row_and_every_partner(tmp_path, build):
    kit = tmp_path / "kit"
    kit.mkdir()
    shutil.copy2(REPO / "kit.yaml", kit / "kit.yaml")
    shutil.copytree(REPO / "boards", kit / "boards")
    (kit / "decks").mkdir()
    shutil.copy2(REPO / "decks" / "politikerroller.yaml", kit / "decks" / "politikerroller.yaml")
    taker = kit / "boards" / "partnerliste.yaml"
    taker.write_text(taker.read_text(encoding="utf-8") + "partners_from: partnermatrix\n", encoding="utf-8")
    built = build(kit, tmp_path / "out", "--only", "partnerliste")
    text = PdfText(built.path("boards/partnerliste-a4.pdf"))
    try:
        data = load_yaml(taker)
        example = data["example"]
        text.box(f"Eksempel: {example['name']}")  # the example row is marked as such
        for value in example.values():
            assert text.boxes(value), value
        assert data["partners_from"] == "partnermatrix"
        rows = []
        left = text.box(f"Eksempel: {example['name']}")[0]
        for partner in board_yaml("partnermatrix")["partners"]:
            # the name in the first column (a name may recur in a later cell)
            box = min(text.boxes(partner["name"]), key=lambda b: b[0])
            assert abs(box[0] - left) < 1, (partner["name"], box, left)
            rows.append(box[3])
            for key in ("common_interest", "challenges", "contact"):
                assert text.boxes(partner[key]), (partner["id"], key)
        # one row each, in the order of the matrix, below the example
        assert rows == sorted(rows, reverse=True)
        assert len({round(r) for r in rows}) == len(rows)
        assert text.box(f"Eksempel: {example['name']}")[3] > rows[0]
    finally:
        text.close()


def test_checklist_numbers_every_item(built):
    text = PdfText(built.path("boards/tjekliste-a4.pdf"))
    try:
        items = board_yaml("tjekliste")["items"]
        assert len(items) == 6
        tops = []
        for number, item in enumerate(items, start=1):
            assert f"{number}. {item['title']}" in flow(text.text), item["title"]
            tops.append(text.box(f"{number}. {item['title']}")[3])
            for point in item["points"]:
                assert text.boxes(point), point
        assert tops == sorted(tops, reverse=True), "the items run down the page in order"
    finally:
        text.close()


# =====================================================================================
# Bad board YAML
# =====================================================================================

@pytest.fixture(scope="module")
def good_kits(tmp_path_factory) -> dict[str, Path]:
    """For each of two boards: a kit with only that board, built once."""
    kits = {}
    for name in ("indflydelsescirkel-direktion", "partnermatrix"):
        root = tmp_path_factory.mktemp(f"good-{name}")
        kit = root / "kit"
        (kit / "boards").mkdir(parents=True)
        shutil.copy2(REPO / "kit.yaml", kit / "kit.yaml")
        shutil.copytree(REPO / "templates", kit / "templates")
        shutil.copy2(REPO / "boards" / f"{name}.yaml", kit / "boards" / f"{name}.yaml")
        build_into(kit, root / "out")
        kits[name] = root
    return kits


def broken(good_kits, name: str, tmp_path: Path) -> tuple[Path, Path, Path]:
    """A copy of a good kit and its previous output: (kit, out, board file)."""
    dest = tmp_path / "case"
    shutil.copytree(good_kits[name], dest)
    return dest / "kit", dest / "out", dest / "kit" / "boards" / f"{name}.yaml"


def rejected(kit: Path, out: Path, board_file: Path) -> tuple[list[re.Match], str]:
    before = tree_digest(out)
    assert any(p.endswith(".pdf") for p in before)
    run = run_cli("build", kit, "--out", out)
    assert run.code == 1, run.output
    assert "Traceback" not in run.output, run.output
    problems = run.problems()
    assert problems, run.stderr
    # every problem the header counts is one 'boards/<file>.yaml:LINE:COL: ...' line
    counted = re.search(r"(\d+) problems? in the content", run.stderr)
    assert counted and int(counted.group(1)) == len(problems), run.stderr
    for p in problems:
        assert p["file"] == f"boards/{board_file.name}", p.group(0)
    assert tree_digest(out) == before, "the previous output changed"
    return problems, run.stderr


def test_too_many_rings(good_kits, tmp_path):
    kit, out, path = broken(good_kits, "indflydelsescirkel-direktion", tmp_path)
    replace_once(path, "  - {name: Vilkår}\n",
                 "  - {name: Vilkår}\n  - {name: Ude}\n  - {name: Længere ude}\n  - {name: Helt ude}\n")
    problems, stderr = rejected(kit, out, path)
    assert len(problems) == 1, stderr
    p = problems[0]
    assert p["rest"].strip().startswith("rings:"), p.group(0)
    assert "6" in p["rest"] and "7" in p["rest"], p.group(0)
    key = line_col(path, "rings:")
    first = line_col(path, "- {name: Kontrol}")
    assert (int(p["line"]), int(p["col"])) in (key, first), (p.group(0), key, first)


def test_partner_score_out_of_range(good_kits, tmp_path):
    kit, out, path = broken(good_kits, "partnermatrix", tmp_path)
    replace_once(path, "score: {importance: 4, ease: 3}", "score: {importance: 6, ease: 3}")
    problems, stderr = rejected(kit, out, path)
    assert len(problems) == 1, stderr
    p = problems[0]
    index = [q["id"] for q in board_yaml("partnermatrix")["partners"]].index("menighedsraad")
    assert p["rest"].strip().startswith(f"partners[{index}].score.importance:"), p.group(0)
    assert "5" in p["rest"]
    assert (int(p["line"]), int(p["col"])) == line_col(path, "score: {importance: 6", at="6")


@pytest.mark.parametrize("wrong, hint", [("Vilkar", "Vilkår"), ("Helt udenfor", None)])
def test_element_in_a_ring_that_does_not_exist(good_kits, tmp_path, wrong, hint):
    kit, out, path = broken(good_kits, "indflydelsescirkel-direktion", tmp_path)
    replace_once(path, "text: Lovgivning og økonomiske rammer, ring: Vilkår}",
                 f"text: Lovgivning og økonomiske rammer, ring: {wrong}}}")
    problems, stderr = rejected(kit, out, path)
    assert len(problems) == 1, stderr
    p = problems[0]
    index = [e["id"] for e in board_yaml("indflydelsescirkel-direktion")["elements"]].index(
        "lovgivning-og-oekonomi")
    assert p["rest"].strip().startswith(f"elements[{index}].ring:"), p.group(0)
    assert wrong in p["rest"]
    if hint:
        assert f"did you mean '{hint}'" in p["rest"], p.group(0)
    else:
        assert "did you mean" not in p["rest"], p.group(0)
        assert "Kontrol" in p["rest"], "the known rings are listed"
    assert (int(p["line"]), int(p["col"])) == line_col(path, f"ring: {wrong}", at=wrong)


@pytest.mark.parametrize("board, old, new, key, hint", [
    ("indflydelsescirkel-direktion", "whose: direktionens", "whos: direktionens", "whos", "whose"),
    ("indflydelsescirkel-direktion", "text: Klart mandat til borgerne, ring:",
     "text: Klart mandat til borgerne, rin:", "rin", "ring"),
    ("partnermatrix", "notes: Jeres noter", "note: Jeres noter", "note", "notes"),
])
def test_unknown_key_in_a_board(good_kits, tmp_path, board, old, new, key, hint):
    kit, out, path = broken(good_kits, board, tmp_path)
    replace_once(path, old, new)
    problems, stderr = rejected(kit, out, path)
    assert len(problems) == 1, stderr
    p = problems[0]
    assert f"unknown field '{key}'" in p["rest"], p.group(0)
    assert f"did you mean '{hint}'" in p["rest"], p.group(0)
    assert (int(p["line"]), int(p["col"])) == line_col(path, new, at=f"{key}:"), p.group(0)


def _six_rings(good_kits, tmp_path):
    """Six rings: the tokens shrink with the rings, and one element's text no
    longer fits its token."""
    kit, out, path = broken(good_kits, "indflydelsescirkel-direktion", tmp_path)
    replace_once(path, "  - {name: Vilkår}\n", "  - {name: Vilkår}\n  - {name: Region}\n  - {name: Staten}\n")
    elements = board_yaml("indflydelsescirkel-direktion")["elements"]
    index = [e["id"] for e in elements].index("forventninger-hos-borgerne")
    return kit, out, path, index


def test_element_text_too_long_for_its_token(good_kits, tmp_path):
    kit, out, path, index = _six_rings(good_kits, tmp_path)
    problems, stderr = rejected(kit, out, path)
    assert problems and all("not fit" in p["rest"] for p in problems), stderr
    ids = [e["id"] for e in board_yaml("indflydelsescirkel-direktion")["elements"]]
    # the element whose text no longer fits is among them, at its own line
    named = [p for p in problems if re.match(rf"\s*elements\[{index}\]", p["rest"])]
    assert named and int(named[0]["line"]) == line_col(path, "{id: " + ids[index])[0], stderr
    for p in problems:  # each names an element (or a crowded ring) and points at its line
        if not re.match(r"\s*elements\[", p["rest"]):
            assert re.match(r"\s*rings\[\d+\]", p["rest"]), p.group(0)
            continue
        number = int(re.match(r"\s*elements\[(\d+)\]", p["rest"]).group(1))
        line, _ = line_col(path, "{id: " + ids[number])
        assert int(p["line"]) == line, p.group(0)


def test_element_text_too_long_is_reported_once(good_kits, tmp_path):
    kit, out, path, index = _six_rings(good_kits, tmp_path)
    problems, stderr = rejected(kit, out, path)
    assert len({(p["line"], p["rest"]) for p in problems}) == len(problems), stderr


def test_element_text_too_long_names_the_element_like_other_problems(good_kits, tmp_path):
    kit, out, path, index = _six_rings(good_kits, tmp_path)
    problems, stderr = rejected(kit, out, path)
    assert all(re.match(r"\s*(elements|rings)\[\d+\]", p["rest"]) for p in problems), stderr


# =====================================================================================
# --only
# =====================================================================================

def test_only_builds_just_that_board(shipped_kit, tmp_path):
    result = build_into(shipped_kit, tmp_path / "out", "--only", "tjekliste")
    on_disk = {p.relative_to(result.out).as_posix() for p in result.out.rglob("*") if p.is_file()
               and not p.relative_to(result.out).as_posix().startswith(".workshop-kit/")}  # the build's own state
    assert on_disk == {"manifest.json", "index.html", "boards/tjekliste-a4.pdf", "boards/tjekliste.svg",
                       "boards/tjekliste.png", "thumbs/boards/tjekliste.jpg"}
    assert [b["board"] for b in result.manifest["boards"]] == ["tjekliste"]
    assert {f["board"] for f in result.files} == {"tjekliste"}
    assert result.cards == []
    assert "0 cards and 1 boards" in result.run.stdout


def test_only_with_an_unknown_name_exits_2(shipped_kit, tmp_path):
    out = tmp_path / "out"
    run = run_cli("build", shipped_kit, "--out", out, "--only", "tjeklist")
    assert run.code == 2, run.output
    assert "Traceback" not in run.output
    assert "tjeklist" in run.stderr and "did you mean 'tjekliste'" in run.stderr
    assert not out.exists()
