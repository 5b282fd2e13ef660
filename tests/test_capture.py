"""workshop-kit capture, tested as a camera would see the board: the real
board PDF rasterised at a phone's resolution, the real tokens laid on it
at known places (some touching, some turned up to 45 degrees, one half
covered), then photographed in perspective up to 35 degrees, blurred,
noisy, unevenly lit, JPEG 60, stored sideways with an EXIF orientation
(tests/photo_helpers.py). What `capture --json` prints and the YAML it
writes are checked against where the tokens were laid, with the rings and
cells of the board measured from its template here, not from the code."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
import yaml

from kit_helpers import REPO, run_cli, sitecustomize

pytest.importorskip("cv2", reason='capture needs OpenCV: pip install "workshop-kit[capture]"')

from photo_helpers import Laid, lay_tokens, photograph, render_pdf, token_images  # noqa: E402

PX_PER_MM = 7.0  # the A3 board on a 4000 px photo, as an A1 board at 3.5 px per mm from 2 m

# The influence circle on A3 (templates/boards/influence-circle.yaml: rings
# box left 18, width 244, top 40, bottom 13): its centre from the left and
# top edges, and the width of each of its four rings.
CIRCLE = (18 + 244 / 2, 40 + 244 / 2)
BAND = 244 / 2 / 4
RINGS = ["Kontrol", "Høj indflydelse", "Lav indflydelse", "Vilkår"]
# The partner matrix on A3 (box left 14, width 306, top 40, bottom 13, and
# 16 mm for the axes left and below): the 5 x 5 cells of its scores.
PLOT = (14 + 16, 40, 14 + 306, 297 - 13 - 16)  # left, top, right, bottom


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """The shipped kit (its boards and one deck), built once."""
    kit = tmp_path_factory.mktemp("capture") / "kit"
    shutil.copytree(REPO, kit, ignore=shutil.ignore_patterns("output", ".git", "tests", "src", "kits", "docs",
                                                             "bench", "*.md"))
    run = run_cli("build", kit)
    assert run.code == 0, run.output
    return kit


def _ring_of(x: float, y: float) -> str:
    return RINGS[int(math.hypot(x - CIRCLE[0], y - CIRCLE[1]) / BAND)]


def _score_of(x: float, y: float) -> dict:
    left, top, right, bottom = PLOT
    return {"importance": 5 - int((y - top) / ((bottom - top) / 5)), "ease": 1 + int((x - left) / ((right - left) / 5))}


def _capture(kit: Path, board: str, *photos: Path, name: str | None = None):
    run = run_cli("capture", board, *photos, "--kit", kit, "--json", "--no-build", *(["--as", name] if name else []))
    assert run.code == 0 and "Traceback" not in run.output, run.output
    return json.loads(run.stdout)


def _circle_layout(size: tuple[float, float], count: int) -> list[Laid]:
    """The `count` elements in the rings at known places: four in Kontrol
    touching edge to edge, two by two (a token is `size` mm), the others
    turned from 0 to 45 degrees, element 5 half covered."""
    w, h = size
    laid = []
    inner = [(-w / 2, -h / 2), (w / 2, -h / 2), (-w / 2, h / 2), (w / 2, h / 2)]  # Kontrol: touching
    for i in range(count):
        ring = i % 4 if i < 16 else 3  # (Kontrol holds four)
        if ring == 0:
            dx, dy = inner[i // 4]
            laid.append(Laid(i, CIRCLE[0] + dx, CIRCLE[1] + dy))
            continue
        angle = math.radians(200 + 37 * i)
        r = (ring + 0.5) * BAND
        laid.append(Laid(i, CIRCLE[0] + r * math.cos(angle), CIRCLE[1] + r * math.sin(angle),
                         angle=(i * 7) % 46, covered=i == 5))
    return laid


def _size(token) -> tuple[float, float]:
    return token.width / PX_PER_MM, token.height / PX_PER_MM


@pytest.fixture(scope="module")
def circle_photo(kit, tmp_path_factory) -> tuple[Path, list[Laid]]:
    """The influence circle with its tokens laid, photographed at 35 degrees,
    blur 2.5 px, JPEG 60, stored sideways (EXIF orientation 6)."""
    board = render_pdf(kit / "output" / "boards" / "indflydelsescirkel-a3.pdf", PX_PER_MM)
    tokens = token_images(kit, "indflydelsescirkel", PX_PER_MM)
    laid = _circle_layout(_size(tokens[0]), len(tokens))
    assert max(t.angle for t in laid) == 45 and sum(t.covered for t in laid) == 1
    photo = tmp_path_factory.mktemp("photos") / "tavle.jpg"
    photo.write_bytes(photograph(lay_tokens(board, tokens, laid, PX_PER_MM), tilt=35, blur=2.5, orientation=6))
    return photo, laid


def test_a_photo_of_the_influence_circle_places_every_visible_token_in_its_ring(kit, circle_photo):
    photo, laid = circle_photo

    result = _capture(kit, "indflydelsescirkel", photo)

    elements = yaml.safe_load((kit / "boards" / "indflydelsescirkel.yaml").read_text(encoding="utf-8"))["elements"]
    placed = {p["id"]: p for p in result["placements"]}
    for t in laid:
        element = elements[t.index]
        if t.covered:
            assert element["id"] not in placed
            assert {"id": element["id"], "name": element["text"]} in result["not_found"]
            continue
        found = placed[element["id"]]
        assert found["ring"] == _ring_of(t.x, t.y), element["id"]
        assert math.hypot(found["x_mm"] - t.x, found["y_mm"] - t.y) <= 2.0, (element["id"], found, t)
        assert abs((found["angle"] - t.angle + 180) % 360 - 180) <= 5, (element["id"], found, t)
    assert len(result["not_found"]) == 1 and result["warnings"] == []

    captured = yaml.safe_load((kit / "boards" / "indflydelsescirkel-captured.yaml").read_text(encoding="utf-8"))
    rings = {e["id"]: e.get("ring") for e in captured["elements"]}
    assert rings == {elements[t.index]["id"]: None if t.covered else _ring_of(t.x, t.y) for t in laid}
    straightened = kit / "output" / result["rectified"][0]
    assert result["rectified"] == ["captures/indflydelsescirkel-captured-photo.jpg"] and straightened.is_file()
    from PIL import Image

    with Image.open(straightened) as image:  # upright, with the board's proportions (A3 landscape)
        assert abs(image.width / image.height - 420 / 297) < 0.01


def test_one_command_gives_the_filled_in_board_and_its_place_on_index_html(kit, circle_photo):
    photo, laid = circle_photo
    run = run_cli("capture", "indflydelsescirkel", photo, "--kit", kit, "--as", "cirkel-fra-foto")
    assert run.code == 0 and "Traceback" not in run.output, run.output
    assert f"Wrote boards/cirkel-fra-foto.yaml ({len(laid) - 1} tokens placed, 1 not found)" in run.stdout
    assert "Built " in run.stdout

    elements = yaml.safe_load((kit / "boards" / "indflydelsescirkel.yaml").read_text(encoding="utf-8"))["elements"]
    covered = next(elements[t.index]["text"] for t in laid if t.covered)
    assert f"  {covered}: not found on any photo" in run.stdout.splitlines()
    boards = kit / "output" / "boards"
    assert {"cirkel-fra-foto-filled-a3.pdf", "cirkel-fra-foto-filled.png"} <= {p.name for p in boards.iterdir()}
    import re

    svg = (boards / "cirkel-fra-foto-filled.svg").read_text(encoding="utf-8")  # each placed token a named group
    drawn = set(re.findall(r'id="element-([a-z0-9-]+)"', svg))
    assert drawn == {elements[t.index]["id"] for t in laid if not t.covered}

    page = (kit / "output" / "index.html").read_text(encoding="utf-8")
    start = page.index('id="board-cirkel-fra-foto"')
    section = page[start:page.index("</section>", start)]
    assert '<img src="captures/cirkel-fra-foto-photo.jpg"' in section
    assert (kit / "output" / "captures" / "cirkel-fra-foto-photo.jpg").is_file()
    for t in laid:
        element = elements[t.index]
        if not t.covered:
            assert f"<dt>{element['text']}</dt><dd>{_ring_of(t.x, t.y)}</dd>" in section
    assert f"Ikke fundet på fotoet: {covered}" in section

    # the report for the council: the filled-in board, the photo and the placements
    from pypdf import PdfReader

    run = run_cli("report", kit)  # no forms were answered: no database, and the captured boards
    assert run.code == 0 and "Traceback" not in run.output, run.output
    assert not (kit / "responses.db").exists()
    pages = PdfReader(kit / "output" / "report.pdf").pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    part = text[text.index("Tavlerne fra workshoppen"):]
    for t in laid:
        if not t.covered:
            assert f"{elements[t.index]['text']} {_ring_of(t.x, t.y)}" in part
    assert f"Ikke fundet på fotoet: {covered}" in part
    pictures = [image for page in pages for image in page.images]
    assert len(pictures) >= 2  # the filled-in board and the straightened photo


def test_tokens_seen_on_several_photos_are_merged(kit, tmp_path):
    """Each photo covers another token: together they show every token."""
    board = render_pdf(kit / "output" / "boards" / "indflydelsescirkel-a3.pdf", PX_PER_MM)
    tokens = token_images(kit, "indflydelsescirkel", PX_PER_MM)
    laid = [Laid(t.index, t.x, t.y, t.angle) for t in _circle_layout(_size(tokens[0]), len(tokens))]
    photos = []
    for n, covered in enumerate((3, 10)):
        shown = [Laid(t.index, t.x, t.y, t.angle, covered=t.index == covered) for t in laid]
        photos.append(tmp_path / f"foto-{n}.jpg")
        photos[-1].write_bytes(photograph(lay_tokens(board, tokens, shown, PX_PER_MM), tilt=20 + 10 * n,
                                          turn=-6 if n else 5, blur=1.5, orientation=8 if n else 1, seed=n))
    result = _capture(kit, "indflydelsescirkel", *photos, name="cirkel-to-fotos")
    assert result["not_found"] == []
    by_index = {p["id"]: p for p in result["placements"]}
    elements = yaml.safe_load((kit / "boards" / "indflydelsescirkel.yaml").read_text(encoding="utf-8"))["elements"]
    assert by_index[elements[3]["id"]]["photos"] == ["foto-1.jpg"]
    assert by_index[elements[10]["id"]]["photos"] == ["foto-0.jpg"]
    assert by_index[elements[0]["id"]]["photos"] == ["foto-0.jpg", "foto-1.jpg"]
    for t in laid:
        assert by_index[elements[t.index]["id"]]["ring"] == _ring_of(t.x, t.y)


def test_a_photo_of_the_partner_matrix_gives_each_partner_the_scores_of_its_cell(kit, tmp_path):
    board = render_pdf(kit / "output" / "boards" / "partnermatrix-a3.pdf", PX_PER_MM)
    tokens = token_images(kit, "partnermatrix", PX_PER_MM)
    left, top, right, bottom = PLOT
    cell_w, cell_h = (right - left) / 5, (bottom - top) / 5
    cells = [(1, 5), (2, 5), (5, 5), (4, 4), (3, 2), (1, 1), (5, 1), (2, 3)]  # (ease, importance)
    laid = [Laid(i, left + (ease - 0.5) * cell_w + (i % 3 - 1) * 4, top + (5 - importance + 0.5) * cell_h,
                 angle=(i * 11) % 46) for i, (ease, importance) in enumerate(cells)]
    photo = tmp_path / "matrix.jpg"
    photo.write_bytes(photograph(lay_tokens(board, tokens, laid, PX_PER_MM), tilt=30, turn=-10, blur=2.0,
                                 orientation=8))

    result = _capture(kit, "partnermatrix", photo)

    partners = yaml.safe_load((kit / "boards" / "partnermatrix.yaml").read_text(encoding="utf-8"))["partners"]
    placed = {p["id"]: p for p in result["placements"]}
    assert result["not_found"] == []
    for t in laid:
        found = placed[partners[t.index]["id"]]
        ease, importance = cells[t.index]
        assert found["score"] == _score_of(t.x, t.y) == {"importance": importance, "ease": ease}
        assert math.hypot(found["x_mm"] - t.x, found["y_mm"] - t.y) <= 2.0
    captured = yaml.safe_load((kit / "boards" / "partnermatrix-captured.yaml").read_text(encoding="utf-8"))
    assert [p["score"] for p in captured["partners"]] == [_score_of(t.x, t.y) for t in laid]


@pytest.mark.parametrize("board", ["indflydelsescirkel-direktion", "partnermatrix"])
def test_a_photo_of_a_shipped_filled_in_board_captures_back_to_its_placements(kit, tmp_path, board):
    """The filled-in board draws its tokens with their markers: printed and
    photographed, it gives back exactly the places its YAML says."""
    picture = render_pdf(kit / "output" / "boards" / f"{board}-filled-a3.pdf", PX_PER_MM)
    photo = tmp_path / "udfyldt.jpg"
    photo.write_bytes(photograph(picture, tilt=25, turn=4, blur=1.5, orientation=3))

    result = _capture(kit, board, photo, name=f"{board}-igen")

    original = yaml.safe_load((kit / "boards" / f"{board}.yaml").read_text(encoding="utf-8"))
    captured = yaml.safe_load((kit / "boards" / f"{board}-igen.yaml").read_text(encoding="utf-8"))
    field, place = ("elements", "ring") if "elements" in original else ("partners", "score")
    assert result["not_found"] == []
    assert [item.get(place) for item in captured[field]] == [item.get(place) for item in original[field]]
    assert {k: v for k, v in captured.items() if k != field} == {k: v for k, v in original.items() if k != field}


def test_a_photo_without_the_board_is_a_clear_error(kit, tmp_path):
    card = render_pdf(kit / "output" / "boards" / "tjekliste-a4.pdf", PX_PER_MM)  # another sheet, no markers
    photo = tmp_path / "forkert.jpg"
    photo.write_bytes(photograph(card, tilt=10))
    run = run_cli("capture", "indflydelsescirkel", photo, "--kit", kit, "--no-build")
    assert run.code == 1 and "Traceback" not in run.output
    assert run.stderr.strip().splitlines() == [
        "Error: the board was not found on 'forkert.jpg': 0 of its 4 corner markers were seen (not top "
        "left, top right, bottom right, bottom left). Take the photo again with all four corners of the "
        "board in view, nothing lying on them and no glare on them."]

    # the partner matrix, named as the influence circle: its markers are its own
    matrix = render_pdf(kit / "output" / "boards" / "partnermatrix-filled-a3.pdf", PX_PER_MM)
    photo.write_bytes(photograph(matrix, tilt=15))
    run = run_cli("capture", "indflydelsescirkel", photo, "--kit", kit, "--no-build")
    assert run.code == 1 and run.stderr.strip().endswith(
        "no glare on them. The markers seen are another board's: name that board instead of 'indflydelsescirkel'.")

    # one corner under a hand
    board = render_pdf(kit / "output" / "boards" / "indflydelsescirkel-a3.pdf", PX_PER_MM)
    hand = board.copy()
    hand.paste((200, 160, 140), (0, 0, round(30 * PX_PER_MM), round(30 * PX_PER_MM)))
    photo.write_bytes(photograph(hand, tilt=15))
    run = run_cli("capture", "indflydelsescirkel", photo, "--kit", kit, "--no-build")
    assert run.code == 1 and "3 of its 4 corner markers were seen (not top left)" in run.stderr

    (tmp_path / "ikke-et-foto.jpg").write_text("hej", encoding="utf-8")
    run = run_cli("capture", "indflydelsescirkel", tmp_path / "ikke-et-foto.jpg", "--kit", kit, "--no-build")
    assert run.code == 1 and run.stderr.strip() == (
        "Error: 'ikke-et-foto.jpg' is not a photo workshop-kit can read; save it as JPEG or PNG")


def test_without_opencv_capture_says_how_to_install_it(kit, tmp_path, monkeypatch):
    sitecustomize(tmp_path / "site", "import sys\nsys.modules['cv2'] = None\n", monkeypatch)
    run = run_cli("capture", "indflydelsescirkel", tmp_path / "x.jpg", "--kit", kit)
    assert run.code == 1
    assert run.stderr.strip() == 'Error: capture needs OpenCV: pip install "workshop-kit[capture]"'


def test_the_markers_are_the_bits_of_opencvs_dictionary():
    import cv2
    import numpy as np

    from workshop_kit.layout.elements.marker import DICTIONARY, marker_bits

    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, DICTIONARY))
    for marker_id in range(100):
        cells = cv2.aruco.generateImageMarker(dictionary, marker_id, 6) // 255
        assert (cells[1:5, 1:5] == np.array(marker_bits(marker_id), dtype=np.uint8)).all(), marker_id


def test_the_token_sheets_and_the_guide_say_what_the_markers_are_for(kit):
    from kit_helpers import normalise, pdf_text

    for board in ("indflydelsescirkel", "partnermatrix"):
        sheet = normalise(pdf_text(kit / "output" / "boards" / f"{board}-tokens-a4.pdf"))
        assert "Det sorte kvadrat på hver brik er en markør. Med den læser workshop-kit capture brikkens plads " \
               "fra et foto af tavlen. Lad den være fri." in sheet
    guide = normalise(pdf_text(next((kit / "output").glob("guide-*.pdf"))))
    # (the partner matrix's tip prints with the full-day programme, which uses the matrix)
    assert "kør workshop-kit capture" in guide


def test_capture_never_writes_over_a_board_it_did_not_write(kit, tmp_path):
    before = (kit / "boards" / "indflydelsescirkel.yaml").read_bytes()
    run = run_cli("capture", "indflydelsescirkel", tmp_path / "x.jpg", "--kit", kit, "--as", "indflydelsescirkel")
    assert run.code == 1 and run.stderr.strip() == (
        "Error: boards/indflydelsescirkel.yaml is a board of the kit that capture did not write; give the "
        "captured board another name with --as")
    assert (kit / "boards" / "indflydelsescirkel.yaml").read_bytes() == before
    run = run_cli("capture", "indflydelsescirkel", tmp_path / "x.jpg", "--kit", kit, "--as", "Min tavle")
    assert run.code == 1 and "'Min tavle' cannot name a board" in run.stderr


def test_a_photo_of_an_a1_poster_places_its_tokens_in_a1_millimetres(kit, tmp_path):
    """The markers grow with the poster: a photo that frames an A1 board
    reads as well as one of A3, and --poster gives its millimetres."""
    out = tmp_path / "a1"
    run = run_cli("build", kit, "--out", out, "--poster", "a1", "--only", "indflydelsescirkel")
    assert run.code == 0, run.output
    scale = min(841 / 420, 594 / 297)
    px_per_mm = PX_PER_MM / scale
    board = render_pdf(out / "boards" / "indflydelsescirkel-a1.pdf", px_per_mm)
    tokens = token_images(kit, "indflydelsescirkel", px_per_mm, poster="a1")
    laid = [Laid(t.index, t.x * scale, t.y * scale, t.angle) for t in _circle_layout(_size(tokens[0]), len(tokens))
            if not t.covered]
    photo = tmp_path / "a1.jpg"
    photo.write_bytes(photograph(lay_tokens(board, tokens, laid, px_per_mm), tilt=30, blur=2.0, orientation=8))

    run = run_cli("capture", "indflydelsescirkel", photo, "--kit", kit, "--poster", "a1", "--as", "cirkel-a1",
                  "--json", "--no-build")
    assert run.code == 0, run.output
    result = json.loads(run.stdout)
    elements = yaml.safe_load((kit / "boards" / "indflydelsescirkel.yaml").read_text(encoding="utf-8"))["elements"]
    placed = {p["id"]: p for p in result["placements"]}
    for t in laid:
        found = placed[elements[t.index]["id"]]
        assert found["ring"] == _ring_of(t.x / scale, t.y / scale)
        assert math.hypot(found["x_mm"] - t.x, found["y_mm"] - t.y) <= 2.0, (found, t)
