"""QR codes that read in poor light: every code of every shipped kit, on
every card size offered and on the boards' posters, read back as a phone's
camera sees it in a dim room: the page rasterised at 100 dpi and blurred
by a 1.0 px Gaussian, and at 75 dpi sharp, then decoded by zxing-cpp (not
the encoder). The codes expected are counted from the manifest, so a code
that is missing fails as one that does not read.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import zxingcpp
from PIL import ImageFilter

from kit_helpers import MM, REPO, build_into, load_yaml, replace_once, run_cli, trim_pt

KITS = {"da": REPO, "en": REPO / "kits" / "en"}
CARD_SIZES = tuple(load_yaml(REPO / "src" / "workshop_kit" / "data" / "card_sizes.yaml"))
# (dpi, Gaussian blur in pixels): a dim room, and a sharp but coarse camera
LIGHTS = ((100, 1.0), (75, 0.0))
# Decks whose text does not fit these card sizes (the build refuses them at
# their fields): there is nothing to scan. All but the Danish dialogue
# formats on square cards do not fit without a code either; those lose two
# lines beside the code's 24.6 mm.
# "decks/<deck>.yaml:..." opening a problem that the deck's text does not fit its cards
MISFIT = re.compile(r"^\s*decks/([\w-]+)\.yaml:\d+:\d+: .*do(?:es)? not fit", re.M)


def too_full(kit: Path, out: Path) -> set[str]:
    """The decks whose text does not fit the kit's card size: the build
    refuses them, and the layout's own tests check that; this file is
    about the codes of the decks that print."""
    run = run_cli("build", kit, "--out", out, "--mode", "shop")
    return set() if run.code == 0 else set(MISFIT.findall(run.stderr))


def codes(image) -> list[str]:
    return [c.text for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]


def seen(page, dpi: int, blur: float):
    image = page.render(scale=dpi / 72).to_pil()
    return image.filter(ImageFilter.GaussianBlur(blur)) if blur else image


def unread_cards(built, dpi: int, blur: float) -> tuple[int, list]:
    """How many card backs of every deck file carry a code by the manifest,
    and those whose trim on the page does not read as their URL."""
    expected, unread = 0, []
    for entry in built.deck_files:
        doc = built.pdfium(entry["path"])
        scale = dpi / 72
        for number in range(1, entry["pages"] + 1):
            backs = [(card, p) for card, p in built.placements(entry["path"], page=number, side="back")
                     if card["qr_url"]]
            if not backs:
                continue
            image = seen(doc[number - 1], dpi, blur)
            for card, p in backs:
                expected += 1
                left, bottom, right, top = trim_pt(p)
                found = codes(image.crop((round(left * scale), round(image.height - top * scale),
                                          round(right * scale), round(image.height - bottom * scale))))
                if found != [card["qr_url"]]:
                    unread.append((entry["path"], number, card["id"], found))
    return expected, unread


def text_on_codes(built, quiet_mm: float = 2.4) -> tuple[int, list]:
    """How many codes zxing-cpp finds on the card backs (75 dpi), and the
    printed characters that lie on one or in its quiet zone (4 modules of
    0.6 mm): a code grown for poor light must not crowd the card's text."""
    found, crowded = 0, []
    scale = 75 / 72
    for entry in built.deck_files:
        doc = built.pdfium(entry["path"])
        for number in range(1, entry["pages"] + 1):
            if not any(True for _ in built.placements(entry["path"], page=number, side="back")):
                continue
            page = doc[number - 1]
            height = page.get_height()
            text = page.get_textpage()
            chars = [(text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())]
            for code in zxingcpp.read_barcodes(page.render(scale=scale).to_pil()):
                found += 1
                corners = [code.position.top_left, code.position.top_right,
                           code.position.bottom_left, code.position.bottom_right]
                margin = quiet_mm * MM
                left = min(c.x for c in corners) / scale - margin
                right = max(c.x for c in corners) / scale + margin
                top = height - min(c.y for c in corners) / scale + margin
                bottom = height - max(c.y for c in corners) / scale - margin
                crowded += [(entry["path"], number, char) for char, (x0, y0, x1, y1) in chars
                            if char.strip() and x0 < right and x1 > left and y0 < top and y1 > bottom]
    return found, crowded


def unread_files(built, kinds: set[str], dpi: int, blur: float) -> tuple[int, list]:
    """How many codes the manifest lists in the PDF files of these kinds
    (boards' posters and tiles, the guide), and the files whose pages do
    not read as exactly those URLs."""
    expected, unread = 0, []
    for entry in built.files:
        if entry["kind"] not in kinds or not entry["path"].endswith(".pdf"):
            continue
        expected += len(entry["qr_urls"])
        doc = built.pdfium(entry["path"])
        found = [text for page in doc for text in codes(seen(page, dpi, blur))]
        if sorted(found) != sorted(entry["qr_urls"]):
            unread.append((entry["path"], found))
    return expected, unread


def kit_of_size(kit: str, size: str, tmp_path: Path) -> Path:
    """A copy of a shipped kit whose cards are `size`."""
    copy = tmp_path / "kit"
    shutil.copytree(KITS[kit], copy, ignore=shutil.ignore_patterns("output", "kits", "tests", "src", "bench",
                                                                   "docs", ".*"))
    replace_once(copy / "kit.yaml", "card_size: tarot ", f"card_size: {size} ")
    return copy


# Known gap: on bridge cards (57 mm wide) the column beside a 24.6 mm code is
# 14.8 mm wide, and the printed address of the shipped kits needs six lines of
# Fira Sans at 7 pt where five fit: the build refuses the kit at that size.
NARROW = pytest.mark.xfail(strict=True, reason="the printed address does not fit beside the code on bridge cards")


@pytest.mark.parametrize("size", [pytest.param(s, marks=NARROW) if s == "bridge" else s for s in CARD_SIZES])
@pytest.mark.parametrize("kit", sorted(KITS))
def test_every_card_code_reads_in_poor_light(kit, size, tmp_path):
    copy = kit_of_size(kit, size, tmp_path)
    decks = sorted(p.stem for p in (copy / "decks").glob("*.yaml"))
    fitting = [d for d in decks if d not in too_full(copy, tmp_path / "trial")]
    assert len(fitting) >= 2, decks
    built = build_into(copy, tmp_path / "out", *[a for d in fitting for a in ("--only", d)])
    assert {d["deck"] for d in built.manifest["decks"]} == set(fitting)
    trim = load_yaml(REPO / "src" / "workshop_kit" / "data" / "card_sizes.yaml")[size]
    assert all(card["size_mm"] == [trim["width"], trim["height"]] for card in built.cards)
    printed = sum(len(c["placements"]) for c in built.cards if c["qr_url"]) // 2  # a front and a back each
    for dpi, blur in LIGHTS:
        expected, unread = unread_cards(built, dpi, blur)
        assert expected == printed > 50, (expected, printed)
        assert unread == [], f"{len(unread)} of {expected} codes unread at {dpi} dpi, blur {blur}: {unread[:5]}"
    found, crowded = text_on_codes(built)
    assert found == printed and crowded == [], (found, printed, crowded[:10])


@pytest.mark.parametrize("kit", sorted(KITS))
def test_every_board_and_guide_code_reads_in_poor_light(kit, built, english):
    done = {"da": built, "en": english}[kit]
    for dpi, blur in LIGHTS:
        expected, unread = unread_files(done, {"board-poster", "board-tiles", "guide"}, dpi, blur)
        assert expected >= 10, expected
        assert unread == [], f"{len(unread)} of {expected} files unread at {dpi} dpi, blur {blur}: {unread}"


@pytest.mark.parametrize("size, long_level", [("poker", "L"), ("a6", "M")])
def test_a_long_url_takes_error_correction_l_only_where_m_would_not_fit(size, long_level, tmp_path):
    """A URL of up to 62 characters is a version-4 code at M, 24.6 mm with
    0.6 mm modules; a longer one would be version 5 at M, 27 mm, more than a
    poker card's max_size of 26 mm allows, so it takes L and stays version
    4; on an A6 card (max_size 26 mm grown with the card) there is room for M."""
    copy = kit_of_size("en", size, tmp_path)
    built = build_into(copy, tmp_path / "out", "--only", "politician-roles", "--mode", "shop")
    assert min(len(c["qr_url"]) for c in built.cards) <= 62 < max(len(c["qr_url"]) for c in built.cards)
    entry = built.file("politician-roles", "shop")
    doc = built.pdfium(entry["path"])
    scale = 75 / 72
    levels = {}
    for card in built.cards:
        p = built.placement(card, entry["path"], "back")
        image = doc[p["page"] - 1].render(scale=scale).to_pil()
        left, bottom, right, top = trim_pt(p)
        [code] = zxingcpp.read_barcodes(image.crop((round(left * scale), round(image.height - top * scale),
                                                    round(right * scale), round(image.height - bottom * scale))))
        assert code.text == card["qr_url"]
        levels[code.text] = code.ec_level
    assert levels == {url: "M" if len(url) <= 62 else long_level for url in levels}, levels
