"""Short links and forms elsewhere: `follow_up: links: short` prints a short
code of the kit's own server in every QR code; `workshop-kit serve` answers
it with the built-in form, or sends it on to a form elsewhere (form_url)
read from the YAML at start, so that a printed code can be repointed by a
restart. Without a server, a long URL grows the code within the template's
max_size, and only a URL too long even for that is one error at its line.

Every printed code is read back as a phone at some distance sees it: the
card rasterised at 150 dpi, blurred by a 1 px Gaussian, decoded by zxing-cpp.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from kit_helpers import REPO, WHERE, build_into, line_col, replace_once, run_cli, trim_pt
from serve_helpers import Server, client, free_port, inputs, kit_served_at

DPI = 150
DECK = "dilemmaer"
CARD = "frivillige-i-sfo"   # a dilemma card of the shipped kit
OTHER = "hoejtraabende"     # another one, given a form of its own
ELSEWHERE = "anbefaling-mod-flertal"  # one with a qr_url of its own on another server
FORM_URL = ("https://docs.google.com/forms/d/e/1FAIpQLSdXw3y8Kq4bKvA9m1Zt2bQ0nYpLk7R3s5T6u8V9wXyZaBcD/viewform"
            "?usp=pp_url&entry.1234567890={card}&entry.987654321={deck}")
CARD_FORM_URL = "https://forms.office.com/Pages/ResponsePage.aspx?id=AbCdEf123&r4f1e2={card}-{lang}"


def blurred_codes(built, entry: dict) -> dict[str, list[str]]:
    """card id -> the texts of the QR codes zxing-cpp finds on its back,
    the page rasterised at 150 dpi and blurred by a 1.0 px Gaussian."""
    import zxingcpp
    from PIL import ImageFilter

    doc = built.pdfium(entry["path"])
    scale = DPI / 72
    found: dict[str, list[str]] = {}
    for number in range(1, entry["pages"] + 1):
        backs = list(built.placements(entry["path"], page=number, side="back"))
        if not backs:
            continue
        image = doc[number - 1].render(scale=scale).to_pil().filter(ImageFilter.GaussianBlur(1.0))
        for card, p in backs:
            left, bottom, right, top = trim_pt(p)
            crop = image.crop((round(left * scale), round(image.height - top * scale),
                               round(right * scale), round(image.height - bottom * scale)))
            found[card["id"]] = [code.text for code in zxingcpp.read_barcodes(crop)]
    return found


def card_of(built, card_id: str) -> dict:
    return next(c for c in built.cards if c["deck"] == DECK and c["id"] == card_id)


def set_follow_up(kit: Path, lines: str) -> None:
    """Add settings under follow_up in kit.yaml (indented two spaces)."""
    replace_once(kit / "kit.yaml", "follow_up:\n", "follow_up:\n" + lines)


@pytest.fixture
def short_kit(tmp_path):
    """The shipped kit with short links, its QR codes leading to a free port."""
    port = free_port()
    kit = kit_served_at(REPO, tmp_path / "kit", f"http://127.0.0.1:{port}")
    set_follow_up(kit, "  links: short\n")
    return kit, port


def test_a_short_link_is_printed_served_and_repointed_by_a_restart(short_kit, tmp_path):
    kit, port = short_kit
    replace_once(kit / "decks" / f"{DECK}.yaml", f"  - id: {ELSEWHERE}\n",
                 f"  - id: {ELSEWHERE}\n    qr_url: https://forms.example.net/svar/{{card}}\n")
    built = build_into(kit, tmp_path / "out", "--only", DECK, "--mode", "home")
    card = card_of(built, CARD)
    short = card["qr_url"]
    assert re.fullmatch(rf"http://127\.0\.0\.1:{port}/q/[a-z2-7]{{4,6}}", short), short
    codes = blurred_codes(built, built.file(DECK, "home"))
    assert codes[CARD] == [short], codes[CARD]
    assert all(found == [card_of(built, cid)["qr_url"]] for cid, found in codes.items()), codes
    assert len({c["qr_url"] for c in built.cards}) == len(built.cards)  # one code a card

    # The same code from build to build: derived from the kit, the deck and the card.
    again = build_into(kit, tmp_path / "again", "--only", DECK, "--mode", "home")
    assert card_of(again, CARD)["qr_url"] == short

    db = str(tmp_path / "responses.db")
    with client(follow_redirects=False) as http:
        with Server(kit, port, db) as server:
            full = http.get(f"{server.base}/f/temadag/{DECK}/{CARD}")
            for url in (short, short + "/", short + "?utm_source=sms&fbclid=x"):
                page = http.get(url)
                assert page.status_code == 200, (url, page.status_code)
                assert card["title"] in page.text
                names = {i.get("name") for i in inputs(page.text)}
                assert names == {i.get("name") for i in inputs(full.text)} and "token" in names
            missing = http.get(f"{server.base}/q/zzzzzz")
            assert missing.status_code == 404
            # A card's own URL elsewhere is printed as a short link too, and sent on to it.
            own = http.get(card_of(built, ELSEWHERE)["qr_url"])
            assert own.status_code == 303 and own.headers["location"] == \
                f"https://forms.example.net/svar/{ELSEWHERE}", own.headers
            assert "<html" in missing.text.lower() and "Temadag" in missing.text

        # Repointed after printing: a form elsewhere in kit.yaml, a form of
        # one card's own in its deck, and a restart; nothing is built again.
        set_follow_up(kit, f'  form_url: "{FORM_URL}"\n')
        deck_file = kit / "decks" / f"{DECK}.yaml"
        replace_once(deck_file, f"  - id: {OTHER}\n", f'  - id: {OTHER}\n    form_url: "{CARD_FORM_URL}"\n')
        with Server(kit, port, db) as server:
            assert re.search(r"\b\d+ of them send the phone on to a form elsewhere", server.output), server.output
            moved = http.get(short)
            assert moved.status_code in (302, 303), moved.status_code
            target = urlsplit(moved.headers["location"])
            assert (target.scheme, target.netloc, target.path) == (
                "https", "docs.google.com",
                "/forms/d/e/1FAIpQLSdXw3y8Kq4bKvA9m1Zt2bQ0nYpLk7R3s5T6u8V9wXyZaBcD/viewform")
            assert parse_qs(target.query) == {"usp": ["pp_url"], "entry.1234567890": [CARD],
                                              "entry.987654321": [DECK]}
            assert http.get(short + "/?utm_source=x").headers.get("location") == moved.headers["location"]
            own = http.get(card_of(built, OTHER)["qr_url"])
            assert own.status_code in (302, 303)
            assert own.headers["location"] == \
                f"https://forms.office.com/Pages/ResponsePage.aspx?id=AbCdEf123&r4f1e2={OTHER}-da"
            assert http.get(f"{server.base}/q/zzzzzz").status_code == 404


def test_a_code_of_its_own_is_printed_and_a_code_used_twice_is_one_error(short_kit, tmp_path):
    kit, _ = short_kit
    deck_file = kit / "decks" / f"{DECK}.yaml"
    replace_once(deck_file, f"  - id: {CARD}\n", f"  - id: {CARD}\n    code: skole\n")
    built = build_into(kit, tmp_path / "out", "--only", DECK, "--mode", "home")
    assert card_of(built, CARD)["qr_url"].endswith("/q/skole")
    assert blurred_codes(built, built.file(DECK, "home"))[CARD] == [card_of(built, CARD)["qr_url"]]

    replace_once(deck_file, f"  - id: {OTHER}\n", f"  - id: {OTHER}\n    code: skole\n")
    run = run_cli("build", kit, "--out", tmp_path / "bad")
    assert run.code != 0 and "Traceback" not in run.output
    found = list(WHERE.finditer(run.stderr))
    assert len(found) == 1, run.stderr
    line = line_col(deck_file, f"id: {OTHER}")[0] + 1
    assert (found[0]["file"], int(found[0]["line"])) == (f"decks/{DECK}.yaml", line), run.stderr
    assert "skole" in found[0]["rest"]


def long_url(length: int) -> str:
    start = "https://forms.office.com/Pages/ResponsePage.aspx?id=DQSIkWdsW0yxEjajBLZtrQAAAAAAAAAAAAN__"
    return start + "x" * (length - len(start) - len("&r1=") - len(CARD)) + "&r1={card}"


def test_a_long_url_without_a_server_grows_the_code_and_it_scans(tmp_path):
    kit = kit_served_at(REPO, tmp_path / "kit", "https://example.org")
    deck_file = kit / "decks" / f"{DECK}.yaml"
    template = long_url(140)
    url = template.format(card=CARD)
    assert len(url) == 140
    replace_once(deck_file, f"  - id: {CARD}\n", f'  - id: {CARD}\n    qr_url: "{template}"\n')
    built = build_into(kit, tmp_path / "out", "--only", DECK, "--mode", "home")
    assert card_of(built, CARD)["qr_url"] == url
    codes = blurred_codes(built, built.file(DECK, "home"))
    assert codes[CARD] == [url], codes[CARD]
    assert all(found == [card_of(built, cid)["qr_url"]] for cid, found in codes.items()), codes


def test_a_url_too_long_for_the_largest_box_is_one_error_at_its_line_naming_short_links(tmp_path):
    kit = kit_served_at(REPO, tmp_path / "kit", "https://example.org")
    deck_file = kit / "decks" / f"{DECK}.yaml"
    template = long_url(900)
    replace_once(deck_file, f"  - id: {CARD}\n", f'  - id: {CARD}\n    qr_url: "{template}"\n')
    run = run_cli("build", kit, "--out", tmp_path / "out", "--only", DECK)
    assert run.code != 0 and "Traceback" not in run.output
    found = list(WHERE.finditer(run.stderr))
    assert len(found) == 1, run.stderr
    line = line_col(deck_file, f"id: {CARD}")[0] + 1
    assert (found[0]["file"], int(found[0]["line"])) == (f"decks/{DECK}.yaml", line), run.stderr
    assert "links: short" in found[0]["rest"], found[0]["rest"]


def test_codes_that_clash_within_the_kit_are_made_longer(short_kit, tmp_path):
    """kort-225 and kort-916 have the same first four characters of their
    digests (7k7j, in kit temadag, deck dilemmaer): both get longer codes
    that differ, and every other card keeps its four characters."""
    kit, _ = short_kit
    deck_file = kit / "decks" / f"{DECK}.yaml"
    extra = "".join(f"  - id: {cid}\n    title: Kort {cid}\n    scenario: En situation.\n"
                    f"    question: Et spørgsmål?\n\n" for cid in ("kort-225", "kort-916"))
    replace_once(deck_file, "cards:\n", "cards:\n" + extra)
    built = build_into(kit, tmp_path / "out", "--only", DECK, "--mode", "home")
    codes = {c["id"]: c["qr_url"].rsplit("/q/", 1)[1] for c in built.cards}
    assert codes["kort-225"][:4] == codes["kort-916"][:4] == "7k7j", codes
    assert codes["kort-225"] != codes["kort-916"] and len(codes["kort-225"]) == len(codes["kort-916"]) == 5
    assert all(len(code) == 4 for cid, code in codes.items() if not cid.startswith("kort-")), codes
    found = blurred_codes(built, built.file(DECK, "home"))
    assert found["kort-225"] == [card_of(built, "kort-225")["qr_url"]]
