"""Every shipped board at every poster size the build offers: both shipped
kits (the Danish one at the repository root, the English one in kits/en)
build with `--poster SIZE`, blank and filled in, and the posters read back
with pypdf (page and trim boxes) and pypdfium2 (paths and text positions)
show each token's text inside its token and the rings and quadrants
inside the trim.

Each kit is built once a size, its boards only (`--only`), at the lowest
--dpi: the PNG images are not what these tests look at.
"""

from __future__ import annotations

import ctypes
import json
import re
import shutil

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from kit_helpers import MM, REPO, Built, Run, load_yaml, run_cli
from test_boards import PdfText, inside

KITS = {"da": REPO, "en": REPO / "kits" / "en"}


def offered_sizes() -> list[str]:
    """The poster sizes `build --poster` offers."""
    from workshop_kit.cli import main

    (option,) = [p for p in main.commands["build"].params if p.name == "poster"]
    return list(option.type.choices)


SIZES = offered_sizes()
ISO_A0_MM = (841.0, 1189.0)


def iso_size_mm(name: str) -> tuple[float, float]:
    """Width and height (portrait, mm) of ISO A-series paper `name`, halved from A0 and floored as ISO does."""
    width, height = ISO_A0_MM
    for _ in range(int(name[1:])):
        width, height = height // 2, width
    return width, height


def boards_of(kit: str) -> dict[str, dict]:
    return {p.stem: load_yaml(p) for p in sorted((KITS[kit] / "boards").glob("*.yaml"))}


@pytest.fixture(scope="module", params=[(k, s) for k in KITS for s in SIZES], ids=lambda p: f"{p[0]}-{p[1]}")
def poster_build(request, tmp_path_factory) -> tuple[str, str, Built | Run]:
    """(kit, size, the finished build) of the kit's boards at one poster
    size; the Run of the command when it failed."""
    kit, size = request.param
    out = tmp_path_factory.mktemp(f"{kit}-{size}") / "out"
    only = [arg for board in boards_of(kit) for arg in ("--only", board)]
    run = run_cli("build", KITS[kit], "--out", out, "--poster", size, "--dpi", "36", *only)
    if run.code != 0:
        return kit, size, run
    return kit, size, Built(out, json.loads((out / "manifest.json").read_text(encoding="utf-8")), run)


def succeeded(poster_build) -> tuple[str, str, Built]:
    kit, size, built = poster_build
    assert isinstance(built, Built), f"build --poster {size} of the {kit} kit failed:\n{built.stderr}"
    return kit, size, built


def posters(built: Built, variant: str | None = None) -> list[dict]:
    return [f for f in built.files if f.get("kind") == "board-poster" and variant in (None, f["variant"])]


def test_every_board_builds_blank_and_filled_at_every_poster_size(poster_build):
    kit, size, built = succeeded(poster_build)
    assert "problem" not in built.run.stderr.lower()
    # every board the kit has, a poster of the chosen size (blank and filled)
    # for the scalable ones and its page of that paper in landscape
    boards = boards_of(kit)
    seen = {(f["board"], f["variant"]) for f in built.files if f.get("board")}
    assert {b for b, _ in seen} == set(boards)
    at_size = posters(built)
    assert {f["variant"] for f in at_size} == {"blank", "filled"}
    width, height = iso_size_mm(size)
    for entry in at_size:
        if entry["paper"] != size:
            continue  # a worksheet on the office paper
        reader = pypdf.PdfReader(built.path(entry["path"]))
        assert len(reader.pages) == 1
        box = reader.pages[0].trimbox
        assert abs(float(box.width) - height * MM) < 0.5 and abs(float(box.height) - width * MM) < 0.5, entry
    scalable = [f for f in at_size if f["paper"] == size]
    assert len(scalable) >= 3 and any(f["variant"] == "filled" for f in scalable)


def _paths(page):
    """(bounds, filled, has curves) of each path object of a pypdfium2 page."""
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        assert pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
        curved = any(pdfium_c.FPDFPathSegment_GetType(pdfium_c.FPDFPath_GetPathSegment(obj.raw, i))
                     == pdfium_c.FPDF_SEGMENT_BEZIERTO for i in range(pdfium_c.FPDFPath_CountSegments(obj.raw)))
        yield tuple(obj.get_bounds()), bool(fill.value), curved


def _placed_texts(data: dict) -> list[str]:
    """The texts of a filled-in board's tokens: every element on the
    circle, every scored partner on the matrix."""
    if "rings" in data:
        return [e["text"] for e in data["elements"] if e.get("ring")]
    return [p["name"] for p in data["partners"] if p.get("score")]


def test_token_text_lies_inside_its_token_on_the_filled_poster(poster_build):
    kit, size, built = succeeded(poster_build)
    boards = boards_of(kit)
    filled = [f for f in posters(built, "filled") if f["paper"] == size]
    assert filled
    for entry in filled:
        texts = _placed_texts(boards[entry["board"]])
        assert texts, entry["board"]
        text = PdfText(built.path(entry["path"]))
        try:
            rects = [b for b, fill, curved in _paths(text.page) if fill and not curved]
            page_w, page_h = text.page.get_size()
            tokens = set()
            for words in texts:
                found = text.boxes(words)
                assert len(found) == 1, (entry["path"], words, found)
                box = found[0]
                cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
                holding = [r for r in rects if r[0] <= cx <= r[2] and r[1] <= cy <= r[3]]
                assert holding, (entry["path"], words)
                token = min(holding, key=lambda r: (r[2] - r[0]) * (r[3] - r[1]))
                # the smallest filled rectangle under the text is a token, not the board
                assert token[2] - token[0] < page_w / 5 and token[3] - token[1] < page_h / 5, (words, token)
                assert inside(box, token), (entry["path"], words, box, token)
                tokens.add(token)
            assert len(tokens) == len(texts), "each text on a token of its own"
        finally:
            text.close()


def test_rings_and_quadrants_lie_inside_the_trim(poster_build):
    kit, size, built = succeeded(poster_build)
    boards = boards_of(kit)
    checked = {"rings": 0, "quadrants": 0}
    for entry in posters(built):
        data = boards[entry["board"]]
        if entry["paper"] != size or not ("rings" in data or "quadrants" in data):
            continue
        trim = [float(v) for v in pypdf.PdfReader(built.path(entry["path"])).pages[0].trimbox]
        doc = pdfium.PdfDocument(str(built.path(entry["path"])))
        try:
            page = doc[0]
            paths = list(_paths(page))
            if "rings" in data:
                circles = [b for b, fill, curved in paths
                           if fill and curved and abs((b[2] - b[0]) - (b[3] - b[1])) < 0.5 and b[2] - b[0] > 20 * MM]
                assert len(circles) == len(data["rings"]), (entry["path"], circles)
                for ring in circles:
                    assert inside(ring, trim), (entry["path"], ring, trim)
                checked["rings"] += 1
            else:
                # the four quadrants: filled rectangles of one size, a quarter of the matrix
                sizes: dict[tuple[float, float], list] = {}
                for b, fill, curved in paths:
                    if fill and not curved and b[2] - b[0] > 40 * MM:
                        sizes.setdefault((round(b[2] - b[0]), round(b[3] - b[1])), []).append(b)
                # (the largest four: the corner markers' white grounds are four of one size too)
                quadrants = max((q for q in sizes.values() if len(q) == 4),
                                key=lambda q: (q[0][2] - q[0][0]) * (q[0][3] - q[0][1]))
                for quadrant in quadrants:
                    assert inside(quadrant, trim), (entry["path"], quadrant, trim)
                checked["quadrants"] += 1
            # and every letter on the poster, ring and quadrant labels too
            textpage = page.get_textpage()
            for i in range(textpage.count_chars()):
                if textpage.get_text_range(i, 1).strip():
                    assert inside(textpage.get_charbox(i), trim), (entry["path"], textpage.get_text_range(i, 1))
        finally:
            doc.close()
    assert checked["rings"] >= 2 and checked["quadrants"] >= 2, checked


def test_a_crowded_board_is_refused_alike_at_every_size_and_not_sent_to_a_larger_poster(tmp_path):
    """Tokens and their text grow with the poster, so what does not fit on
    A3 does not fit on A0 either: the same problems at every size, and
    none of them advises a larger --poster."""
    kit = tmp_path / "kit"
    (kit / "boards").mkdir(parents=True)
    shutil.copy2(REPO / "kit.yaml", kit / "kit.yaml")
    shutil.copytree(REPO / "templates", kit / "templates")
    circle = kit / "boards" / "indflydelsescirkel-direktion.yaml"
    text = (REPO / "boards" / circle.name).read_text(encoding="utf-8")
    # every element in the centre of the circle
    circle.write_text(re.sub(r"ring: [^}]+}", "ring: Kontrol}", text), encoding="utf-8")
    matrix = kit / "boards" / "partnermatrix.yaml"
    text = (REPO / "boards" / matrix.name).read_text(encoding="utf-8")
    # every partner with the same scores
    matrix.write_text(re.sub(r"score: \{[^}]+\}", "score: {importance: 4, ease: 4}", text), encoding="utf-8")
    seen = {}
    for size in SIZES:
        run = run_cli("build", kit, "--out", tmp_path / f"out-{size}", "--poster", size, "--dpi", "36")
        assert run.code == 1 and "Traceback" not in run.output, run.output
        seen[size] = sorted(m.group(0).strip() for m in run.problems())
        assert "--poster" not in "\n".join(seen[size]), seen[size]
    assert any("ring 'Kontrol'" in p for p in seen[SIZES[0]]), seen[SIZES[0]]
    assert any("same scores" in p for p in seen[SIZES[0]]), seen[SIZES[0]]
    for size in SIZES[1:]:
        assert seen[size] == seen[SIZES[0]], size
