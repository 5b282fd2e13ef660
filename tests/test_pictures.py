"""Pictures: a kit's logo and a card's picture, built by the real command
and read back from the output (pixels of the print-shop PDF, the board's
SVG as XML), and every hostile picture file refused at its line."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from kit_helpers import MM, REPO, build_into, line_col, missing, replace_once, run_cli, sitecustomize
from workshop_kit.content.pictures import svg_renderer_missing

MAGENTA = (255, 0, 255)
CYAN = (0, 255, 255)
SVG_NS = "{http://www.w3.org/2000/svg}"
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40">'
        '<rect id="logo-mark" width="100" height="40" fill="#00FFFF"/></svg>')
DECK = "velfaerdstemaer"


def needs_cairo() -> None:
    """The SVG pictures are drawn by cairosvg, which needs the system's Cairo
    library: the tests skip without it, saying what to install (and fail in
    CI, where .ci/run installs it)."""
    if svg_renderer_missing():
        missing("no Cairo library for SVG pictures: apt install libcairo2 (Debian, Ubuntu) or brew install cairo",
                "WORKSHOP_KIT_TEST_CAIRO_REQUIRED")


def picture_kit(make_kit, pixels=(600, 300), board: bool = False) -> Path:
    """The welfare-theme deck with a logo (a cyan SVG) and a magenta
    pictogram (PNG, `pixels` across and down) on every card."""
    needs_cairo()
    kit = make_kit((DECK,))
    (kit / "pictures").mkdir()
    (kit / "pictures" / "logo.svg").write_text(LOGO, encoding="utf-8")
    Image.new("RGB", pixels, MAGENTA).save(kit / "pictures" / "picto.png")
    replace_once(kit / "kit.yaml", "\nbleed:", "\nlogo: pictures/logo.svg\nbleed:")
    deck = kit / "decks" / f"{DECK}.yaml"
    text = deck.read_text(encoding="utf-8")
    deck.write_text(text.replace("\n  - id: ", "\n  - picture: pictures/picto.png\n    id: "), encoding="utf-8")
    if board:
        (kit / "boards").mkdir()
        shutil.copy2(REPO / "boards" / "tjekliste.yaml", kit / "boards" / "tjekliste.yaml")
        shutil.copytree(REPO / "templates" / "boards", kit / "templates" / "boards", dirs_exist_ok=True)
    return kit


def share_of(image: Image.Image, box: tuple[float, float, float, float], colour) -> float:
    """The share of the pixels in box (left, top, right, bottom, in pixels) near `colour`."""
    left, top, right, bottom = (round(v) for v in box)
    region = image.crop((left, top, right, bottom)).convert("RGB")
    raw = region.tobytes()
    pixels = [raw[i:i + 3] for i in range(0, len(raw), 3)]
    near = sum(1 for p in pixels if all(abs(a - b) < 40 for a, b in zip(p, colour)))
    return near / len(pixels)


def box_px(trim_mm, page_height_pt: float, scale: float, left: float, bottom: float, width: float,
           height: float, inset: float = 0.6) -> tuple[float, float, float, float]:
    """A box in mm from a card's trim corner as pixels of the rendered page, `inset` mm inside."""
    x0, y0 = trim_mm[0] + left + inset, trim_mm[1] + bottom + inset
    x1, y1 = trim_mm[0] + left + width - inset, trim_mm[1] + bottom + height - inset
    to_px = MM * scale
    return x0 * to_px, page_height_pt * scale - y1 * to_px, x1 * to_px, page_height_pt * scale - y0 * to_px


def test_the_logo_and_the_pictograms_are_printed_where_the_template_puts_them(make_kit, tmp_path):
    kit = picture_kit(make_kit, board=True)
    built = build_into(kit, tmp_path / "out")
    name = f"decks/{DECK}-print-shop.pdf"
    card = built.cards[0]
    width, height = card["size_mm"]
    scale = 4
    for side, colour, (left, bottom, w, h), others in (
            # welfare-theme front: {picture} at left 4.5, bottom 2.2, 14 x 6 mm; a 2:1 picture is 12 x 6
            ("front", MAGENTA, (4.5, 2.2, 12, 6), CYAN),
            # every back: {logo} at right 2.5, top 1.5, 11 x 6 mm; the 5:2 logo is 11 x 4.4, in the middle
            ("back", CYAN, (width - 2.5 - 11, height - 1.5 - 6 + 0.8, 11, 4.4), MAGENTA)):
        placed = built.placement(card, name, side)
        page = built.pdfium(name)[placed["page"] - 1]
        image = page.render(scale=scale).to_pil()
        inside = box_px(placed["trim_mm"], page.get_height(), scale, left, bottom, w, h)
        assert share_of(image, inside, colour) > 0.97, side
        # nothing of the picture outside its box: a band of the card above it
        above = box_px(placed["trim_mm"], page.get_height(), scale, left, bottom + h + 1.5, w, 3, inset=0)
        assert share_of(image, above, colour) < 0.01, side
        assert share_of(image, inside, others) == 0, side

    # The board's SVG holds the logo as an SVG picture of its own: still vector.
    svg = ET.parse(built.path("boards/tjekliste.svg")).getroot()
    images = [e for e in svg.iter(f"{SVG_NS}image")]
    assert len(images) == 1
    href = images[0].get("{http://www.w3.org/1999/xlink}href") or images[0].get("href")
    head, data = href.split(",", 1)
    assert head == "data:image/svg+xml;base64"
    logo = ET.fromstring(base64.b64decode(data))
    assert [e.get("id") for e in logo.iter(f"{SVG_NS}rect")] == ["logo-mark"]
    assert images[0].get("preserveAspectRatio") == "xMaxYMid meet"


def test_a_card_without_a_picture_and_a_kit_without_a_logo_draw_none(make_kit, tmp_path):
    kit = picture_kit(make_kit)
    replace_once(kit / "kit.yaml", "logo: pictures/logo.svg\n", "")
    replace_once(kit / "decks" / f"{DECK}.yaml", "picture: pictures/picto.png\n    ", "")
    built = build_into(kit, tmp_path / "out")
    name = f"decks/{DECK}-print-shop.pdf"
    first, second = built.cards[0], built.cards[1]
    scale = 3
    for card, expected in ((first, 0), (second, 1)):
        placed = built.placement(card, name, "front")
        page = built.pdfium(name)[placed["page"] - 1]
        image = page.render(scale=scale).to_pil()
        inside = box_px(placed["trim_mm"], page.get_height(), scale, 4.5, 2.2, 12, 6)
        assert share_of(image, inside, MAGENTA) == pytest.approx(expected, abs=0.03)
    placed = built.placement(second, name, "back")
    page = built.pdfium(name)[placed["page"] - 1]
    assert share_of(page.render(scale=scale).to_pil(),
                    box_px(placed["trim_mm"], page.get_height(), scale, 0, 0, *second["size_mm"], inset=0),
                    CYAN) == 0


def test_a_bitmap_printed_below_200_dpi_is_a_warning_with_the_file_its_line_and_the_dpi(make_kit, tmp_path):
    kit = picture_kit(make_kit, pixels=(40, 20))  # 12 mm wide: 85 dpi
    line, _ = line_col(kit / "templates" / "welfare-theme.yaml", 'src: "{picture}"')
    built = build_into(kit, tmp_path / "out")
    warnings = [w for w in built.run.stderr.splitlines() if "pictures/picto.png" in w]
    assert warnings == [f"warning: pictures/picto.png is printed at 85 dpi by templates/welfare-theme.yaml:{line} "
                        "(12 mm wide), below 200 dpi, and may look blurred; use a picture of at least 95 pixels across"]
    assert "logo.svg" not in built.run.stderr  # an SVG has no dpi of its own


SECRET = "TOP-SECRET-CONTENT"


def _bytes_of(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), MAGENTA).save(out, kind)
    return out.getvalue()


def _sized_png(path: Path, size: tuple[int, int]) -> None:
    Image.new("1", size).save(path)


HOSTILE = {
    # name: (value of picture:, how to make the file(s), words of the message)
    "dotdot": ("pictures/../kit.yaml", None, "leads out of the kit folder"),
    "absolute": ("/etc/hostname", None, "is not a path inside the kit"),
    "outside-pictures": ("decks/velfaerdstemaer.yaml", None, "is not in the kit's pictures/ folder"),
    "control-character": ('"pictures/a\\0.png"', None, "holds a control character"),
    "name-too-long": ("pictures/" + "a" * 300 + ".png", None, "cannot be read: File name too long"),
    "folder": ("pictures/folder.png", lambda p: (p / "folder.png").mkdir(), "is a folder"),
    "missing": ("pictures/pikto.png", lambda p: (p / "picto.png").write_bytes(_bytes_of("PNG")),
                "no picture 'pictures/pikto.png' in the kit; did you mean 'pictures/picto.png'?"),
    "text-as-png": ("pictures/fake.png", lambda p: (p / "fake.png").write_text("hello", encoding="utf-8"),
                    "named as a PNG file, but its content is not a picture file"),
    "jpeg-as-png": ("pictures/fake.png", lambda p: (p / "fake.png").write_bytes(_bytes_of("JPEG")),
                    "named as a PNG file, but its content is a JPEG file"),
    "damaged-png": ("pictures/broken.png",
                    lambda p: (p / "broken.png").write_bytes(_bytes_of("PNG")[:60] + b"\0" * 40),
                    "is damaged"),
    "svg-http": ("pictures/x.svg", lambda p: (p / "x.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        '<image href="https://example.org/track.png" width="10" height="10"/></svg>'),
        "refers to something outside itself (https:)"),
    "svg-file": ("pictures/x.svg", lambda p: (p / "x.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'viewBox="0 0 10 10"><image xlink:href="file:///etc/passwd" width="10" height="10"/></svg>'),
        "refers to something outside itself (file:)"),
    "svg-css-url": ("pictures/x.svg", lambda p: (p / "x.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        '<rect width="10" height="10" style="fill: url(http://example.org/a.svg#p)"/></svg>'),
        "refers to something outside itself (http:)"),
    "svg-entity": ("pictures/x.svg", lambda p: (p / "x.svg").write_text(
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>&xxe;</text></svg>'),
        "declares a DOCTYPE or XML entities"),
    "svg-embedded-bomb": ("pictures/x.svg", lambda p: (p / "x.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><image width="10" height="10" '
        f'href="data:image/png;base64,{_bomb_base64()}"/></svg>'),
        "an image embedded in 'pictures/x.svg' has more than 40 million pixels"),
    "bomb": ("pictures/bomb.png", lambda p: _sized_png(p / "bomb.png", (10_000, 10_000)),
             "has more than 40 million pixels"),
    "bomb-warning": ("pictures/bomb.png", lambda p: _sized_png(p / "bomb.png", (7_000, 7_000)),
                     "has more than 40 million pixels"),
    "too-large": ("pictures/huge.png", lambda p: _sparse(p / "huge.png", 21 * 1024 * 1024),
                  "is larger than 20 MB"),
}


def _bomb_base64() -> str:
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode("ascii")


def _sparse(path: Path, size: int) -> None:
    with open(path, "wb") as fh:
        fh.write(_bytes_of("PNG"))
        fh.truncate(size)


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_card_picture_is_one_problem_at_its_line_and_nothing_is_written(make_kit, tmp_path, case):
    value, make, words = HOSTILE[case]
    kit = make_kit((DECK,))
    (kit / "pictures").mkdir()
    if make:
        make(kit / "pictures")
    deck = kit / "decks" / f"{DECK}.yaml"
    replace_once(deck, "\n  - id: ", f"\n  - picture: {value}\n    id: ")
    line, column = line_col(deck, f"picture: {value}", value)
    out = tmp_path / "out"
    run = run_cli("build", kit, "--out", out)
    assert run.code == 1, run.output
    assert "Traceback" not in run.output
    problems = run.problems()
    assert len(problems) == 1, run.stderr
    found = problems[0]
    assert (found["file"], int(found["line"]), int(found["col"])) == (f"decks/{DECK}.yaml", line, column)
    assert found["rest"].startswith(" cards[0] (id: aeldre).picture: "), found["rest"]
    assert words in found["rest"], found["rest"]
    assert not out.exists()


def test_a_picture_linked_to_a_file_outside_the_kit_is_refused_without_showing_that_file(make_kit, tmp_path):
    secret = tmp_path / "private-folder" / "secret.png"
    secret.parent.mkdir()
    secret.write_bytes(_bytes_of("PNG") + SECRET.encode())
    kit = picture_kit(make_kit)
    link = kit / "pictures" / "linked.png"
    os.symlink(secret, link)
    replace_once(kit / "kit.yaml", "logo: pictures/logo.svg", "logo: pictures/linked.png")
    line, column = line_col(kit / "kit.yaml", "logo: pictures/linked.png", "pictures/")
    out = tmp_path / "out"
    run = run_cli("build", kit, "--out", out)
    assert run.code == 1, run.output
    assert [(p["file"], int(p["line"]), int(p["col"])) for p in run.problems()] == [("kit.yaml", line, column)]
    assert "leads outside the kit's pictures/ folder" in run.stderr
    for shown in ("private-folder", "secret", SECRET, str(tmp_path)):
        assert shown not in run.output.replace(str(kit), "<kit>"), shown
    assert not out.exists()


def test_a_template_picture_is_checked_at_the_template_line(make_kit, tmp_path):
    kit = picture_kit(make_kit)
    template = kit / "templates" / "welfare-theme.yaml"
    replace_once(template, 'src: "{picture}"', "src: pictures/logo.svq")
    replace_once(template, 'src: "{logo}"', 'src: "{lgo}"')
    out = tmp_path / "out"
    run = run_cli("build", kit, "--out", out)
    assert run.code == 1, run.output
    wrong_path = line_col(template, "src: pictures/logo.svq", "pictures/")
    wrong_name = line_col(template, 'src: "{lgo}"', '"{lgo}"')
    found = [(p["file"], int(p["line"]), int(p["col"]), p["rest"]) for p in run.problems()]
    assert [f[:3] for f in found] == [("templates/welfare-theme.yaml", *wrong_path),
                                      ("templates/welfare-theme.yaml", *wrong_name)]
    assert "did you mean 'pictures/logo.svg'?" in found[0][3]
    assert "did you mean 'logo'?" in found[1][3]
    assert not out.exists()


def test_a_changed_picture_rebuilds_the_deck_that_shows_it(make_kit, tmp_path):
    kit = picture_kit(make_kit)
    out = tmp_path / "out"
    first = build_into(kit, out)
    name = f"decks/{DECK}-print-shop.pdf"
    before = (out / name).read_bytes()
    Image.new("RGB", (600, 300), CYAN).save(kit / "pictures" / "picto.png")
    second = build_into(kit, out)
    assert "Up to date" not in second.run.output
    assert (out / name).read_bytes() != before
    assert first.manifest["build"]["inputs"] != second.manifest["build"]["inputs"]


# --- the logo on the guide, the report and the forms ------------------------------------

def whole_kit_with_logo(dest: Path, base: str | None = None) -> Path:
    """The shipped kit (guide, decks, boards, templates) with the cyan logo."""
    from serve_helpers import kit_served_at

    needs_cairo()
    kit = kit_served_at(REPO, dest, base or "https://example.org")
    (kit / "pictures").mkdir()
    (kit / "pictures" / "logo.svg").write_text(LOGO, encoding="utf-8")
    replace_once(kit / "kit.yaml", "\nbleed:", "\nlogo: pictures/logo.svg\nbleed:")
    return kit


def first_page_share(path: Path, box_mm: tuple[float, float, float, float], colour) -> float:
    """The share of `colour` in a box (left, top, right, bottom; mm from the top-left) of page 1."""
    import pypdfium2 as pdfium

    scale = 2
    image = pdfium.PdfDocument(str(path))[0].render(scale=scale).to_pil()
    return share_of(image, tuple(v * MM * scale for v in box_mm), colour)


def test_the_guide_and_the_report_show_the_logo_at_the_head_of_their_first_page(tmp_path):
    from workshop_kit.report import load, write_report

    kit = whole_kit_with_logo(tmp_path / "kit")
    built = build_into(kit, tmp_path / "out", "--mode", "home")
    # The logo (5:2, at most 60 x 18 mm: 45 x 18) stands at the top-left of the text frame,
    # 18 mm from the left and 22 mm from the top (and the frame's padding of 6 pt).
    logo = (18 + 6, 22 + 6, 18 + 40, 22 + 16)
    assert first_page_share(built.path("guide-a4.pdf"), logo, CYAN) > 0.97
    report = write_report(load(kit), [], tmp_path / "report.pdf")
    assert first_page_share(report.path, logo, CYAN) > 0.97
    # without a logo, none
    replace_once(kit / "kit.yaml", "logo: pictures/logo.svg\n", "")
    report = write_report(load(kit), [], tmp_path / "report-plain.pdf")
    assert first_page_share(report.path, logo, CYAN) == 0


def test_the_forms_show_the_logo_served_by_the_app_itself(tmp_path):
    import httpx

    from serve_helpers import Server, free_port, inputs  # noqa: F401

    port = free_port()
    kit = whole_kit_with_logo(tmp_path / "kit", f"http://127.0.0.1:{port}")
    with Server(kit, port, str(tmp_path / "responses.db")) as server:
        page = httpx.get(server.base + "/f/temadag/velfaerdstemaer/aeldre", timeout=30)
        assert page.status_code == 200
        found = re.findall(r'<img class="logo" src="([^"]+)" alt="([^"]+)">', page.text)
        assert found == [("/_logo", "Kommunen")]
        policy = dict(part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";"))
        assert policy["img-src"] == "'self'"
        logo = httpx.get(server.base + found[0][0], timeout=30)
        assert logo.status_code == 200
        assert logo.headers["content-type"] == "image/svg+xml"
        assert logo.content == LOGO.encode("utf-8")
        assert logo.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in logo.headers["content-security-policy"]


def test_a_picture_that_covers_its_box_runs_into_the_bleed_of_the_print_shop_file_only(make_kit, tmp_path):
    kit = picture_kit(make_kit)
    template = kit / "templates" / "welfare-theme.yaml"
    # the card's picture as a band across the foot of the front, touching three trim edges
    replace_once(template, "box: {left: 4.5, bottom: 2.2, width: 14, height: 6}\n      src: \"{picture}\"",
                 "box: {left: 0, right: 0, bottom: 0, height: 2}\n      src: \"{picture}\"\n      fit: cover\n"
                 "      bleed: true")
    built = build_into(kit, tmp_path / "out")
    card = built.cards[0]
    width, _ = card["size_mm"]
    scale = 4
    for name, bleed in ((f"decks/{DECK}-print-shop.pdf", 3), (f"decks/{DECK}-a4-duplex.pdf", 0)):
        placed = built.placement(card, name, "front")
        page = built.pdfium(name)[placed["page"] - 1]
        image = page.render(scale=scale).to_pil()
        band = box_px(placed["trim_mm"], page.get_height(), scale, 1, 0.2, width - 2, 1.6, inset=0)
        assert share_of(image, band, MAGENTA) > 0.97, name
        below = box_px(placed["trim_mm"], page.get_height(), scale, 1, -2.5, width - 2, 2, inset=0)
        assert share_of(image, below, MAGENTA) == (pytest.approx(1, abs=0.03) if bleed else 0), name
        above = box_px(placed["trim_mm"], page.get_height(), scale, 1, 2.6, width - 2, 1, inset=0)
        assert share_of(image, above, MAGENTA) == 0, name


def test_a_deck_with_pictures_exports_its_picture_column_and_one_without_none(make_kit, tmp_path):
    import csv

    kit = picture_kit(make_kit)
    for name, expected in (("with.csv", "pictures/picto.png"), ("without.csv", None)):
        if expected is None:
            deck = kit / "decks" / f"{DECK}.yaml"
            deck.write_text(deck.read_text(encoding="utf-8").replace("picture: pictures/picto.png\n    ", ""),
                            encoding="utf-8")
        run = run_cli("export", DECK, "-o", tmp_path / name, "--kit", kit)
        assert run.code == 0, run.output
        rows = list(csv.reader(io.StringIO((tmp_path / name).read_bytes().decode("utf-8-sig")), delimiter=";"))
        if expected is None:
            assert "picture" not in rows[0]
        else:
            column = rows[0].index("picture")
            assert {row[column] for row in rows[1:]} == {expected}


def test_an_svg_that_holds_all_it_shows_is_taken_with_its_gradients_and_embedded_images(make_kit, tmp_path):
    kit = picture_kit(make_kit)
    png = base64.b64encode(_bytes_of("PNG")).decode("ascii")
    (kit / "pictures" / "logo.svg").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!-- a logo -->\n'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100mm" '
        'height="40mm"><defs><linearGradient id="g"><stop offset="0" stop-color="#0FF"/></linearGradient>'
        '<style>rect { fill: url(#g) }</style></defs><rect width="100" height="40"/>'
        f'<use xlink:href="#g"/><image width="10" height="10" xlink:href="data:image/png;base64,{png}"/>'
        f'<rect width="5" height="5" style="fill: url(&quot;data:image/png;base64,{png}&quot;)"/></svg>',
        encoding="utf-8")
    built = build_into(kit, tmp_path / "out", "--mode", "shop")
    assert "Traceback" not in built.run.output and "logo.svg" not in built.run.output


def test_an_svg_picture_on_a_machine_without_cairo_is_one_problem_saying_what_to_install(make_kit, tmp_path,
                                                                                           monkeypatch):
    """cairosvg loads the system's Cairo library when it is imported: where
    there is none (a bare Debian or macOS), an SVG logo is one problem at
    its line, not a traceback from a worker."""
    kit = picture_kit(make_kit)
    sitecustomize(tmp_path / "site", "import sys\n"
                                     "class NoCairo:\n"
                                     "    def find_spec(self, name, path=None, target=None):\n"
                                     "        if name in ('cairosvg', 'cairocffi'):\n"
                                     "            raise OSError(\"no library called 'cairo-2' was found\")\n"
                                     "sys.meta_path.insert(0, NoCairo())\n", monkeypatch)
    out = tmp_path / "out"
    run = run_cli("build", kit, "--out", out)
    assert run.code == 1 and "Traceback" not in run.output, run.output
    line, column = line_col(kit / "kit.yaml", "logo: pictures/logo.svg", "pictures/")
    found = [p for p in run.problems() if "Cairo" in p[0]]
    assert len(found) == 1, run.output
    assert f"kit.yaml:{line}:{column}" in found[0][0] and "apt install libcairo2" in found[0][0], run.output
    assert not out.exists() or not any(out.rglob("*.pdf"))
