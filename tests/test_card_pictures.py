"""`build --cards png|svg`: one picture of every card face, for slides and
digital whiteboards, listed in the manifest. The PNGs are read back with
Pillow and their QR codes decoded by zxing-cpp; the SVGs are parsed as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image

from kit_helpers import build_into

DECK = "politikerroller"
SVG = "{http://www.w3.org/2000/svg}"


def pictures(built) -> list[dict]:
    return [f for f in built.files if f["kind"] == "card-picture"]


@pytest.mark.parametrize("dpi", [96, 200])
def test_a_png_of_every_face_at_the_dpi_asked_for(make_kit, tmp_path, dpi):
    built = build_into(make_kit((DECK,)), tmp_path / "out", "--mode", "home", "--cards", "png", "--dpi", dpi)
    entries = pictures(built)
    assert len(entries) == 2 * len(built.cards) == 24
    want = (round(70 / 25.4 * dpi), round(120 / 25.4 * dpi))  # the shipped tarot cards
    for card in built.cards:
        codes = []
        for side in ("front", "back"):
            name = f"cards/{DECK}/{card['id']}-{side}.png"
            [entry] = [e for e in entries if e["path"] == name]
            assert (entry["deck"], entry["card"], entry["side"], entry["dpi"]) == (DECK, card["id"], side, dpi)
            image = Image.open(built.path(name))
            assert image.format == "PNG" and image.size == tuple(entry["pixels"])
            assert abs(image.size[0] - want[0]) <= 1 and abs(image.size[1] - want[1]) <= 1
            assert entry["bytes"] == built.path(name).stat().st_size
            codes += [c.text for c in zxingcpp.read_barcodes(image)]
        assert codes == [card["qr_url"]]  # the card's one QR code, on one of its faces
    # For screens: not listed among the files to print of the deck in index.html.
    assert f"cards/{DECK}/" not in built.path("index.html").read_text(encoding="utf-8")


def test_an_svg_of_every_face_parses_and_holds_the_card(make_kit, tmp_path):
    built = build_into(make_kit((DECK,)), tmp_path / "out", "--mode", "home", "--cards", "svg")
    assert len(pictures(built)) == 24
    for card in built.cards:
        texts, qr_groups = [], 0
        for side in ("front", "back"):
            root = ET.parse(built.path(f"cards/{DECK}/{card['id']}-{side}.svg")).getroot()
            assert root.tag == f"{SVG}svg"
            assert (root.get("width"), root.get("height")) == ("70.0mm", "120.0mm")
            texts += ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
            qr_groups += sum(1 for g in root.iter(f"{SVG}g") if g.get("class") == "qr-code")
        assert card["title"] in texts
        assert qr_groups == 1


def test_pictures_follow_the_option_from_build_to_build(make_kit, tmp_path):
    kit, out = make_kit((DECK,)), tmp_path / "out"
    build_into(kit, out, "--mode", "home", "--cards", "png")
    assert len(list((out / "cards" / DECK).glob("*.png"))) == 24
    built = build_into(kit, out, "--mode", "home", "--cards", "svg")
    assert {f["format"] for f in pictures(built)} == {"svg"}
    assert sorted(p.suffix for p in (out / "cards" / DECK).iterdir()) == [".svg"] * 24
    built = build_into(kit, out, "--mode", "home")
    assert pictures(built) == [] and not list((out / "cards").rglob("*.*"))
