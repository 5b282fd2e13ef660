"""index.html, opened from disk in a real headless Chromium (driven by
Playwright), as a facilitator opens it: no server, no network.

The page is checked against the build's manifest and files, which it must
describe: every card face and board variant as a picture that loaded,
every link leading to a file of the build, the print instructions
agreeing with the manifest's page counts. The thumbnails are compared
with the print-shop PDF rendered by PDFium, so a blank or wrong picture
fails. One extra build, in English with short-edge duplex and a label of
its own, shows that the page speaks the kit's language.
"""

from __future__ import annotations

import io
import json
import math
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from PIL import Image, ImageChops, ImageStat

from kit_helpers import REPO, STANDALONE, Built, build_into, copy_kit, replace_once

CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
ESCAPED_TITLE = "Sikkerhedsvagten <b>&amp;</b>"  # a card title that looks like markup
# A text that would end the page's title and style and run a script, were it not escaped
HOSTILE = '</title></style><script>document.title = "x"</script><img src="x" onerror="alert(1)"> & "q" \'a\''

# {href: {term: text}}: the print instructions of every file, read from their <dl>
FACTS_JS = """items => Object.fromEntries(items.map(li => [
    li.querySelector('a').getAttribute('href'),
    Object.fromEntries([...li.querySelectorAll('dl div')].map(
        d => [d.querySelector('dt').textContent.trim(), d.querySelector('dd').textContent.trim()]))]))"""


# --- fixtures -------------------------------------------------------------------

class Opened:
    """A page opened in the browser, with every request it made."""

    def __init__(self, page, requests: list[str], console: list[str]):
        self.page, self.requests, self.console = page, requests, console

    def facts(self) -> dict[str, dict[str, str]]:
        """The print instructions of every file, by the file's link."""
        items = self.page.locator("li.file")
        facts = items.evaluate_all(FACTS_JS)
        assert len(facts) == items.count(), "one item per file"
        return facts


def _open(browser, built: Built, width: int = 1280, height: int = 900) -> Opened:
    page = browser.new_page(viewport={"width": width, "height": height})
    requests: list[str] = []
    console: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    page.goto(built.path("index.html").as_uri(), wait_until="load")
    return Opened(page, requests, console)


@pytest.fixture
def open_page(browser):
    """open_page(built, width, height) -> a new page, for a test that changes it."""
    pages = []

    def open_(built: Built, width: int = 1280, height: int = 900) -> Opened:
        pages.append(_open(browser, built, width, height))
        return pages[-1]

    yield open_
    for opened in pages:
        opened.page.close()


@pytest.fixture(scope="module")
def danish(browser, built) -> Opened:
    """The shipped kit's page on a laptop screen, opened once for the tests that only read it."""
    opened = _open(browser, built)
    yield opened
    opened.page.close()


@pytest.fixture(scope="module")
def english_markup(tmp_path_factory) -> Built:
    """A kit in English, flipping on the short edge, with one index label of
    its own, a card title that looks like markup, and two boards."""
    kit = copy_kit(tmp_path_factory.mktemp("english") / "kit", STANDALONE)
    (kit / "boards").mkdir()
    for board in ("partnermatrix", "tjekliste"):
        shutil.copy2(REPO / "boards" / f"{board}.yaml", kit / "boards" / f"{board}.yaml")
    replace_once(kit / "kit.yaml", "language: da", "language: en")
    replace_once(kit / "kit.yaml", "duplex: long-edge", "duplex: short-edge")
    with open(kit / "kit.yaml", "a", encoding="utf-8") as fh:
        fh.write("labels:\n  index_decks: The decks of this kit\n")
    replace_once(kit / "decks" / "politikerroller.yaml", "title: Sikkerhedsvagten",
                 "title: 'Sikkerhedsvagten <b>&amp;</b>'")
    return build_into(kit, tmp_path_factory.mktemp("english-out") / "out")


def board_variants(built: Built) -> set[tuple[str, str]]:
    """(board, variant) of every board poster the build made."""
    return {(f["board"], f["variant"]) for f in built.files if f.get("kind") == "board-poster"}


# --- pictures -------------------------------------------------------------------

# Every card face shown: its picture file, its view box on it and its label.
FACES_JS = """svgs => svgs.map(s => ({href: s.querySelector('image').getAttribute('href'),
    label: s.getAttribute('aria-label'), role: s.getAttribute('role'),
    box: s.getAttribute('viewBox'), sheet: [s.querySelector('image').getAttribute('width'),
                                            s.querySelector('image').getAttribute('height')]}))"""
# Loads each picture file in the page, as the page may (its Content-Security-Policy):
# its width in pixels, or 0 if it did not load.
LOADED_JS = """hrefs => Promise.all(hrefs.map(href => new Promise(done => {
    const image = new Image();
    image.onload = () => done(image.naturalWidth);
    image.onerror = () => done(0);
    image.src = href;
})))"""


def test_every_picture_loaded_one_per_card_face_and_board_variant(built, danish):
    opened = danish
    faces = opened.page.eval_on_selector_all("svg.face", FACES_JS)
    images = opened.page.eval_on_selector_all(
        "img", "els => els.map(e => ({src: e.getAttribute('src'), alt: e.alt, width: e.naturalWidth,"
               " complete: e.complete}))")
    assert len(faces) == 2 * len(built.cards) and len(images) == len(board_variants(built)), len(images)
    assert len(built.cards) == 68 and len(board_variants(built)) == 8  # the shipped kit
    broken = [i for i in images if not i["complete"] or i["width"] == 0]
    assert not broken, broken[:3]
    assert all(i["src"].startswith("thumbs/") for i in images), images[:3]
    # the faces show four contact sheets, one a deck, each of which loads at its size
    sheets = sorted({f["href"] for f in faces})
    assert sheets == sorted(t["path"] for t in built.thumbnail_sheets)
    widths = opened.page.evaluate(LOADED_JS, sheets)
    assert widths == [t["pixels"][0] for t in sorted(built.thumbnail_sheets, key=lambda t: t["path"])]
    assert all(f["role"] == "img" and f["label"].strip() for f in faces)


def test_each_face_in_the_browser_is_its_own_card(built, danish):
    """What the browser draws of a face's view box is that face of its
    contact sheet, not its neighbour's: the element's screenshot against
    the rectangle the manifest gives and the one beside it."""
    opened = danish
    for deck in sorted({c["deck"] for c in built.cards}):
        cards = [c for c in built.cards if c["deck"] == deck]
        items = opened.page.locator(f"#deck-{deck} ol.cards > li")
        for index in (0, len(cards) - 1):
            for n, side in enumerate(("front", "back")):
                face = items.nth(index).locator("svg.face").nth(n)
                face.scroll_into_view_if_needed()
                shot = Image.open(io.BytesIO(face.screenshot())).convert("RGB")
                own = built.face_picture(cards[index], side).resize(shot.size)
                other = built.face_picture(cards[index], "back" if side == "front" else "front").resize(shot.size)
                near = ImageStat.Stat(ImageChops.difference(shot, own).convert("L")).mean[0]
                far = ImageStat.Stat(ImageChops.difference(shot, other).convert("L")).mean[0]
                assert near < 20 and far > 2 * near, (deck, index, side, near, far)


def test_card_pictures_are_in_card_order_with_the_title_as_alt_text_and_caption(built, danish):
    opened = danish
    for deck in {c["deck"] for c in built.cards}:
        cards = [c for c in built.cards if c["deck"] == deck]
        section = opened.page.locator(f"#deck-{deck}")
        shown = section.locator("ol.cards > li").evaluate_all(
            "lis => lis.map(li => ({caption: li.querySelector('figcaption').textContent,"
            " alts: [...li.querySelectorAll('svg.face')].map(s => s.getAttribute('aria-label')),"
            " boxes: [...li.querySelectorAll('svg.face')].map(s => s.getAttribute('viewBox')),"
            " srcs: [...li.querySelectorAll('svg.face image')].map(i => i.getAttribute('href'))}))")
        assert [s["caption"] for s in shown] == [c["title"] for c in cards], deck
        for card, item in zip(cards, shown):
            assert len(item["alts"]) == 2 and all(card["title"] in alt for alt in item["alts"]), item
            assert item["alts"][0] != item["alts"][1], "front and back are told apart"
            thumbs = [card["thumbnails"][side] for side in ("front", "back")]
            assert item["srcs"] == [t["path"] for t in thumbs]
            assert item["boxes"] == [" ".join(map(str, [*t["at"], *t["pixels"]])) for t in thumbs]


def test_thumbnails_show_what_the_print_shop_pdf_shows(built):
    """The first card of every deck, front and back: the thumbnail against
    the print-shop page rendered by PDFium, cropped to the card's trim."""
    firsts = {}
    for card in built.cards:
        firsts.setdefault(card["deck"], card)
    assert len(firsts) == 5
    for card in firsts.values():
        for side in ("front", "back"):
            thumb = built.face_picture(card, side)
            width, height = card["size_mm"]
            assert 200 <= thumb.width <= 300, thumb.size
            assert abs(thumb.height - thumb.width * height / width) <= 1.5, thumb.size
            # a real picture: many colours and light and dark parts, not a blank face
            assert len(thumb.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 200, card["id"]
            low, high = ImageStat.Stat(thumb.convert("L")).extrema[0]
            assert high - low > 150, (card["id"], low, high)
            # and the same picture as the print-shop PDF at the card's trim
            [placement] = [p for p in card["placements"] if "print-shop" in p["file"] and p["side"] == side]
            page = built.pdfium(placement["file"])[placement["page"] - 1]
            scale = thumb.width / (width * 72 / 25.4)
            full = page.render(scale=scale).to_pil().convert("RGB")
            x, y, w, h = (v * scale * 72 / 25.4 for v in placement["trim_mm"])
            top = full.height - (y + h)
            crop = full.crop((round(x), round(top), round(x) + thumb.width, round(top) + thumb.height))
            difference = ImageStat.Stat(ImageChops.difference(crop, thumb).convert("L")).mean[0]
            # (5-13 for the same face: text and a QR code's modules a pixel off; 18 and more for another)
            assert difference < 14, (card["id"], side, difference)
        front, back = built.face_picture(card, "front"), built.face_picture(card, "back")
        assert ImageStat.Stat(ImageChops.difference(front, back)).mean[0] > 5, "front and back differ"


def test_board_thumbnails_match_their_png(built):
    boards = {b["board"]: b for b in built.manifest["boards"]}
    for board, variant in board_variants(built):
        info = boards[board]["thumbnails"][variant]
        thumb = Image.open(built.path(info["path"])).convert("RGB")
        assert 700 <= thumb.width <= 900, (board, thumb.size)
        [png] = [f for f in built.files if f.get("kind") == "board-png"
                 and (f["board"], f["variant"]) == (board, variant)]
        big = Image.open(built.path(png["path"])).convert("RGB").resize(thumb.size, Image.Resampling.BOX)
        difference = ImageStat.Stat(ImageChops.difference(big, thumb).convert("L")).mean[0]
        assert difference < 6, (board, variant, difference)


# --- links and the network --------------------------------------------------------

def test_every_link_leads_to_a_file_of_the_build_and_every_file_is_linked(built, danish):
    opened = danish
    links = opened.page.eval_on_selector_all(
        "a[href]", "els => els.map(e => ({href: e.getAttribute('href'), url: e.href}))")
    in_manifest = {f["path"] for f in built.files}
    linked = set()
    for link in links:
        href = link["href"]
        if href.startswith("#"):  # within the page: the target must exist
            assert opened.page.locator(f"[id='{href[1:]}']").count() == 1, href
            continue
        assert "://" not in href and not href.startswith("/"), f"not a relative link: {href}"
        url = urlparse(link["url"])
        assert url.scheme == "file"
        target = Path(unquote(url.path))
        assert target.is_file(), href
        assert target.resolve().relative_to(built.out.resolve()).as_posix() == href
        assert href in in_manifest, href
        linked.add(href)
    printed = {p for p in in_manifest if p.endswith((".pdf", ".svg", ".png"))}
    assert printed and printed <= linked, sorted(printed - linked)


def test_the_page_fetches_nothing_from_the_network(built, open_page):
    opened = open_page(built)  # a page of its own: this test changes it
    assert opened.requests, "the recorder saw nothing"
    assert all(url.startswith("file://") for url in opened.requests), \
        [u for u in opened.requests if not u.startswith("file://")]
    assert len(opened.requests) == 1 + len(built.thumbnail_sheets) + len(board_variants(built))
    csp = opened.page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert csp == CSP
    assert opened.page.locator("script, link, iframe, object, embed").count() == 0
    assert "url(" not in opened.page.locator("style").inner_text()
    # the policy really blocks a fetch, and says so
    blocked = opened.page.evaluate("""() => new Promise(resolve => {
        document.addEventListener('securitypolicyviolation', e => resolve(e.blockedURI), {once: true});
        const img = document.createElement('img');
        img.src = 'http://127.0.0.1:9/probe.png';
        document.body.append(img);
        setTimeout(() => resolve(null), 3000);
    })""")
    assert blocked == "http://127.0.0.1:9/probe.png"
    assert not [m for m in opened.console if "Content Security Policy" in m and "probe.png" not in m]


# --- print instructions -------------------------------------------------------------

def test_a_duplex_deck_file_says_long_edge_and_its_number_of_sheets(built, danish):
    opened = danish
    home = built.files_of("home")
    assert len(home) == 5
    every = opened.facts()
    for entry in home:
        facts = every[entry["path"]]
        assert "lange kant" in facts["Udskrift"] and "Dobbeltsidet" in facts["Udskrift"], facts
        assert facts["Ark"] == str(math.ceil(entry["pages"] / 2)), (entry["path"], facts)
        assert facts["Sider"] == str(entry["pages"])
        assert facts["Papir"].startswith("A4")
        assert "100 %" in facts["Skalering"] and "tilpas til side" in facts["Skalering"]
        assert "skæremærkerne" in facts["Klip"]


def test_the_guide_has_its_section_with_pages_and_sheets(built, danish):
    opened = danish
    guide = [f for f in built.files if f.get("kind") == "guide"]
    assert len(guide) == 1
    section = opened.page.locator("#guide")
    assert section.locator("h2").inner_text() == "Drejebogen"
    assert section.locator(f"a[href='{guide[0]['path']}']").count() == 1
    facts = opened.facts()[guide[0]["path"]]
    assert facts["Udskrift"] == "Enkeltsidet", facts
    assert facts["Ark"] == str(guide[0]["pages"]) and "100 %" in facts["Skalering"]


def test_every_other_file_says_how_to_print_or_use_it(built, danish):
    opened = danish
    bleed = f"{built.manifest['kit']['bleed_mm']:g} mm"
    every = opened.facts()
    assert set(every) == {f["path"] for f in built.files}
    for entry in built.files:
        facts = every[entry["path"]]
        kind = entry.get("kind")
        if kind == "card-deck" and entry["mode"] == "home":
            assert facts["Udskrift"].startswith("Dobbeltsidet"), facts  # more in the test above
        elif kind == "card-deck" and entry["mode"] == "shop":
            assert "som den er" in facts["Trykkeri"] and bleed in facts["Klip"], facts
            assert "TrimBox" in facts["Klip"] and facts["Sider"] == str(entry["pages"])
        elif kind in ("board-poster", "board-tiles", "token-sheet", "guide"):
            assert facts["Udskrift"] == "Enkeltsidet", (entry["path"], facts)
            assert facts["Ark"] == str(entry["pages"]) and "100 %" in facts["Skalering"]
            if kind == "board-tiles":
                assert f"{entry['overlap_mm']:g} mm" in facts["Klip"] and "tape" in facts["Klip"]
                assert f"{entry['rows']} rækker" in facts["Klip"], facts
            if kind == "token-sheet":
                assert f"{entry['tokens']} brikker" in facts["Klip"], facts
            if entry["paper"] == "a3":
                assert "trykkeri" in facts["Printer"], facts
        elif kind in ("board-svg", "board-png"):
            assert "digitale tavler" in facts["Brug"], facts
        else:
            pytest.fail(f"no instructions expected for {entry}")


# --- layout and accessibility -----------------------------------------------------------

@pytest.mark.parametrize("width, height", [(390, 844), (1280, 800)])
def test_no_horizontal_scrolling(built, open_page, width, height):
    opened = open_page(built, width, height)
    scroll, client = opened.page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client, (width, scroll, client)
    # and nothing sticks out to the right of the viewport
    # (a face's picture is its whole contact sheet, clipped by its svg to its view box)
    wide = opened.page.evaluate(f"""[...document.querySelectorAll('body *')]
        .filter(e => !e.ownerSVGElement && e.getBoundingClientRect().right > {width} + 0.5)
        .map(e => e.outerHTML.slice(0, 80))""")
    assert not wide, wide[:3]


def test_landmarks_headings_and_alt_texts(built, danish):
    opened = danish
    page = opened.page
    assert page.locator("html").get_attribute("lang") == "da"
    for landmark in ("header", "nav", "main", "footer"):
        assert page.locator(landmark).count() == 1, landmark
    assert page.locator("h1").inner_text() == "Temadag om borgerinddragelse"
    levels = page.eval_on_selector_all("h1, h2, h3, h4", "els => els.map(e => Number(e.tagName[1]))")
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    assert all(alt.strip() for alt in page.eval_on_selector_all("img", "els => els.map(e => e.alt)"))
    assert all(label.strip() for label in page.eval_on_selector_all(
        "svg.face", "els => els.map(e => e.getAttribute('aria-label'))"))
    # the skip link leads to the main content
    assert page.locator("a.skip").get_attribute("href") == "#main"
    assert page.locator("main").get_attribute("id") == "main"


def test_print_stylesheet_hides_the_navigation(built, open_page):
    opened = open_page(built)  # a page of its own: this test changes it
    display = "() => getComputedStyle(document.querySelector('nav')).display"
    assert opened.page.evaluate(display) != "none"
    opened.page.emulate_media(media="print")
    assert opened.page.evaluate(display) == "none"


# --- language, labels, escaping -------------------------------------------------------

def test_danish_and_english_builds_speak_their_language(danish, english_markup, open_page):
    assert danish.page.locator("html").get_attribute("lang") == "da"
    assert danish.page.locator("#decks-title").inner_text() == "Kortspil"
    assert danish.page.locator("#before-title").inner_text() == "Før du printer"

    opened = open_page(english_markup)
    page = opened.page
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#decks-title").inner_text() == "The decks of this kit"  # the kit's own label
    assert page.locator("#boards-title").inner_text() == "Boards"
    text = page.locator("body").inner_text()
    for danish_word in ("Kortspil", "Plancher", "Dobbeltsidet", "Skalering", "forside"):
        assert danish_word not in text, danish_word
    every = opened.facts()
    for entry in english_markup.files_of("home"):
        facts = every[entry["path"]]
        assert facts["Printing"] == "Both sides (duplex), flip on short edge", facts
        assert facts["Sheets"] == str(entry["pages"] // 2)
        assert "actual size" in facts["Scale"] and "fit to page" in facts["Scale"]
    assert "duplex: long-edge" in page.locator("#before").inner_text()  # the other edge, to try
    tokens = [f for f in english_markup.files if f.get("kind") == "token-sheet"]
    assert tokens and f"Cut the {tokens[0]['tokens']} tokens" in every[tokens[0]["path"]]["Cutting"]


def test_content_is_escaped(english_markup, open_page):
    page = open_page(english_markup).page
    assert page.locator("figcaption", has_text=ESCAPED_TITLE).count() == 1
    assert page.locator("figcaption b").count() == 0
    html = english_markup.path("index.html").read_text(encoding="utf-8")
    assert "Sikkerhedsvagten &lt;b&gt;&amp;amp;&lt;/b&gt;" in html


def test_a_hostile_label_or_title_cannot_inject_markup(tmp_path, open_page):
    kit = copy_kit(tmp_path / "kit", STANDALONE[:1])
    replace_once(kit / "kit.yaml", "title: Temadag om borgerinddragelse", f"title: {json.dumps('Temadag ' + HOSTILE)}")
    replace_once(kit / "kit.yaml", "organisation: Kommunen", f"organisation: {json.dumps(HOSTILE)}")
    with open(kit / "kit.yaml", "a", encoding="utf-8") as fh:
        fh.write(f"labels:\n  index_decks: {json.dumps(HOSTILE)}\n  index_intro: {json.dumps(HOSTILE)}\n")
    short = "<s>&amp;</s>"  # the name is printed on the cards too, in a small box
    replace_once(kit / "decks" / "politikerroller.yaml", "name: Politikerroller", f"name: {json.dumps(short)}")
    opened = open_page(build_into(kit, tmp_path / "out"))
    page = opened.page
    assert page.locator("script").count() == 0
    assert page.locator("img").count() == 0  # (one deck, no boards: no picture but the injected one)
    assert page.locator("style").count() == 1
    for selector in ("#decks-title", ".lead", ".org"):
        assert page.locator(selector).inner_text() == HOSTILE, selector
    for selector in ("#deck-politikerroller-title", "a[href='#deck-politikerroller']"):
        assert page.locator(selector).inner_text() == short, selector
    assert page.locator("s").count() == 0
    assert page.locator("h1").inner_text() == "Temadag " + HOSTILE
    assert page.title().startswith("Temadag " + HOSTILE + " – ")
    assert not opened.console
    assert "<script" not in (tmp_path / "out" / "index.html").read_text(encoding="utf-8").lower()


def test_a_label_with_a_broken_placeholder_does_not_break_the_page(english_markup):
    from workshop_kit.builtin import builtin
    from workshop_kit.output.index_page import index_page

    labels = dict(builtin("labels/en"), index_cut_tokens="Cut {oops} and {", index_card_size="{0}")
    html = index_page(english_markup.manifest, labels)
    assert "Cut {oops} and {" in html and "<h1>" in html


def test_both_languages_have_every_index_label():
    from workshop_kit.builtin import builtin

    da = {k for k in builtin("labels/da") if k.startswith("index_")}
    en = {k for k in builtin("labels/en") if k.startswith("index_")}
    assert da == en and len(da) > 40


# --- --only ------------------------------------------------------------------------------

def test_only_keeps_the_whole_build_on_the_page(built, open_page, shipped_kit, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built.out, out)
    stamps = {p: p.stat().st_mtime_ns for p in (out / "thumbs").rglob("*.jpg")}
    assert len(stamps) == len(built.thumbnail_sheets) + len(board_variants(built))
    result = build_into(shipped_kit, out, "--only", "politikerroller")
    for path, stamp in stamps.items():  # the other thumbnails were kept as they were
        if "politikerroller" not in path.as_posix():
            assert path.stat().st_mtime_ns == stamp, path
    opened = open_page(result)
    widths = opened.page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
    assert len(widths) == len(board_variants(built)) and all(widths)
    faces = opened.page.eval_on_selector_all("svg.face", FACES_JS)
    assert len(faces) == 2 * len(built.cards)
    assert all(opened.page.evaluate(LOADED_JS, sorted({f["href"] for f in faces})))
    assert opened.page.locator("ol.cards").count() == 5
    assert opened.page.locator("section[id^='board-']").count() == 6
