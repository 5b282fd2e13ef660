"""From a QR code printed on a card to the answer in the database, the
exports and the council's report, as a participant and a facilitator meet it.

The shipped kit is copied with follow_up.base_url set to a free port on
loopback and its form set to ask who answers and how to reach them, and
built; its QR codes are decoded from the rendered PDFs with zxing-cpp, and
the addresses they carry are opened in headless Chromium at a phone's
viewport, with and without JavaScript, and once with the keyboard alone,
against a real `workshop-kit serve` in its own process.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import zxingcpp
from openpyxl import load_workbook

from kit_helpers import REPO, Built, ask_who_answers, build_into, load_yaml, normalise, pdf_text, run_cli, trim_pt
from serve_helpers import HIGH_RATE, Server, client, free_port, kit_served_at, stored
from workshop_kit.content.follow_up import dialogue_formats, targets
from workshop_kit.content.kit import KitContent, load_kit
from workshop_kit.serve.answers import age_bands
from workshop_kit.store.database import database_url
from workshop_kit.store.records import Contact

PHONE = {"width": 390, "height": 844}
DPI = 200
DECK = "velfaerdstemaer"
CARD = 3  # the fourth card of the deck: not the first on the sheet


@dataclass
class Site:
    """A built kit whose QR codes lead to a running server."""

    kit: Path
    built: Built
    server: Server
    db: str  # the database URL, to read the answers back here
    content: KitContent

    @property
    def labels(self) -> dict[str, str]:
        return self.content.labels


def serve_kit(source: Path, root: Path, build: bool) -> Site:
    """The kit at `source`, its form asking age, area and formats, and contact
    details with consent, served (and built, with `build`)."""
    port = free_port()
    kit = kit_served_at(source, root / "kit", f"http://127.0.0.1:{port}")
    ask_who_answers(kit)
    built = build_into(kit, root / "out", "--mode", "home") if build else None
    db_file = root / "responses.db"
    server = Server(kit, port, str(db_file), "--rate-limit", HIGH_RATE).start()
    return Site(kit, built, server, database_url(str(db_file), kit), load_kit(kit))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The shipped (Danish) kit, built in full for home printing (the guide
    needs every deck and board), and served."""
    site = serve_kit(REPO, tmp_path_factory.mktemp("site"), build=True)
    yield site
    site.server.stop()


@pytest.fixture(scope="module")
def english_site(tmp_path_factory):
    """kits/en, served; not built."""
    site = serve_kit(REPO / "kits" / "en", tmp_path_factory.mktemp("english-site"), build=False)
    yield site
    site.server.stop()


@pytest.fixture
def new_page(browser):
    """new_page(phone=True, javascript=True) -> a page in a context of its own;
    page.console collects what the browser logs (such as refused styles)."""
    contexts = []

    def open_(phone: bool = True, javascript: bool = True):
        options = dict(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3) if phone \
            else dict(viewport={"width": 1280, "height": 900})
        contexts.append(browser.new_context(java_script_enabled=javascript, **options))
        page = contexts[-1].new_page()
        page.console = []
        page.on("console", lambda message: page.console.append(message.text))
        return page

    yield open_
    for context in contexts:
        context.close()


# --- QR codes, read from the rendered PDFs --------------------------------------------

def qr_texts(image) -> list[str]:
    return [c.text for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]


def printed_card_url(built: Built, deck: str, card_id: str) -> str:
    """The QR code on the back of one card of the office sheets, decoded
    from the part of the rendered page where the manifest places the card."""
    entry = built.file(deck, "home")
    [card] = [c for c in built.cards if c["deck"] == deck and c["id"] == card_id]
    placement = built.placement(card, entry["path"], "back")
    scale = DPI / 72
    image = built.pdfium(entry["path"])[placement["page"] - 1].render(scale=scale).to_pil()
    left, bottom, right, top = trim_pt(placement)
    crop = image.crop((round(left * scale), round(image.height - top * scale),
                       round(right * scale), round(image.height - bottom * scale)))
    [url] = qr_texts(crop)
    return url


def printed_urls(path: Path, dpi: int = DPI) -> list[str]:
    """Every QR code of every page of a PDF."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return [url for page in doc for url in qr_texts(page.render(scale=dpi / 72).to_pil())]
    finally:
        doc.close()


# --- what the participant answers --------------------------------------------------------

@dataclass(frozen=True)
class Answers:
    """One participant's answers to the kit's form, by position: the 4 on
    every scale, the second option of a single choice, the first and third
    of a multiple choice, and so on."""

    text: str
    scale: str = "4"
    single: int = 1
    multiple: tuple[int, ...] = (0, 2)
    age: int = 2
    area: str = "Nørre Nissum"
    formats: tuple[int, ...] = (0, 2)
    name: str = "Åse Ørnbøl"
    email: str = "aase@example.org"
    phone: str = "12 34 56 78"

    def stored(self, site: Site, form) -> tuple[tuple[str, str], ...]:
        """The (question, value) pairs the store should hold, in order."""
        out = []
        for q in form.questions:
            if q.type == "scale":
                out.append((q.id, self.scale))
            elif q.type == "single":
                out.append((q.id, q.options[self.single]))
            elif q.type == "multiple":
                out += [(q.id, q.options[i]) for i in self.multiple]
            else:
                out.append((q.id, self.text))
        formats = dialogue_formats(site.content)
        out.append(("background.age", age_bands(site.labels)[self.age][0]))
        out.append(("background.area", self.area))
        out += [("background.formats", formats[i]) for i in self.formats]
        return tuple(out)

    def contact(self, form) -> Contact:
        return Contact(form.contact.consent, self.name, self.email, self.phone)


def unique(words: str) -> str:
    return f"{words} {uuid.uuid4().hex[:8]}"


def fill_in_by_touch(page, site: Site, form, given: Answers) -> None:
    """Every question, background question and the contact opt-in, found by
    their visible labels and tapped or typed as on a phone."""
    labels = site.labels
    for q in form.questions:
        if q.type == "text":
            page.get_by_label(q.text).fill(given.text)
            continue
        group = page.get_by_role("group", name=q.text)
        if q.type == "scale":
            group.get_by_label(given.scale, exact=True).tap()
        elif q.type == "single":
            group.get_by_label(q.options[given.single], exact=True).tap()
        else:
            for i in given.multiple:
                group.get_by_label(q.options[i], exact=True).tap()
    page.get_by_role("group", name=labels["form_age"]).get_by_label(
        age_bands(labels)[given.age][1], exact=True).tap()
    page.get_by_label(labels["form_area"]).fill(given.area)
    formats = page.get_by_role("group", name=labels["form_formats"])
    for i in given.formats:
        formats.get_by_label(dialogue_formats(site.content)[i], exact=True).tap()
    contact = page.get_by_role("group", name=labels["form_contact"])
    contact.get_by_label(form.contact.consent).tap()
    contact.get_by_label(labels["form_contact_name"]).fill(given.name)
    contact.get_by_label(labels["form_contact_email"]).fill(given.email)
    contact.get_by_label(labels["form_contact_phone"]).fill(given.phone)


def the_response(site: Site, text: str):
    """The one stored response whose free-text answer is `text`."""
    found = [r for r in stored(site.db, site.content.kit.id) if any(v == text for _, v in r.answers)]
    assert len(found) == 1, found
    return found[0]


# --- what the facilitator gets -------------------------------------------------------------

def exported(site: Site, kind: str) -> list[list[str]]:
    """The rows of the CSV or XLSX export, fetched with the admin link serve printed."""
    with client() as http:
        response = http.get(f"{site.server.admin_url}/responses.{kind}")
    assert response.status_code == 200, response.text[:300]
    assert f'{site.content.kit.id}-responses.{kind}"' in response.headers["content-disposition"]
    if kind == "csv":
        assert response.headers["content-type"].startswith("text/csv")
        delimiter = ";" if site.content.kit.language == "da" else ","
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=delimiter))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def exported_row(rows: list[list[str]], column: str, value: str) -> dict[str, str]:
    header = rows[0]
    found = [dict(zip(header, row)) for row in rows[1:] if row[header.index(column)] == value]
    assert len(found) == 1, (column, value, rows[:3])
    return found[0]


def check_exports(site: Site, form, given: Answers, response, title: str) -> None:
    labels = site.labels
    by_text = {q.type: q for q in form.questions}
    for kind in ("csv", "xlsx"):
        row = exported_row(exported(site, kind), by_text["text"].text, given.text)
        assert row[labels["export_id"]] == str(response.id)
        assert row[labels["export_card"]] == response.card and row[labels["admin_card"]] == title
        assert row[by_text["scale"].text] == given.scale
        assert row[by_text["single"].text] == by_text["single"].options[given.single]
        assert row[by_text["multiple"].text] == "; ".join(by_text["multiple"].options[i] for i in given.multiple)
        assert row[labels["form_age"]] == age_bands(labels)[given.age][0]
        assert row[labels["form_area"]] == given.area
        assert row[labels["form_contact_name"]] == given.name
        assert row[labels["form_contact_email"]] == given.email
        assert row[labels["form_contact_phone"]] == given.phone
        assert row[labels["export_consent"]] == form.contact.consent


def admin_count(site: Site, deck: str, card: str) -> int:
    with client() as http:
        page = http.get(site.server.admin_url)
    assert page.status_code == 200
    found = re.search(rf'<tr data-key="{re.escape(deck)}/{re.escape(card)}"><td>[^<]*</td><td class="n">(\d+)</td>',
                      page.text)
    assert found, page.text[:500]
    return int(found[1])


def shows_styles_and_fits(page, accent: str) -> None:
    """The page's own style sheet applied (the Content-Security-Policy let
    it through) and nothing is wider than the phone."""
    assert not [m for m in page.console if "Content Security Policy" in m], page.console
    background = page.evaluate("getComputedStyle(document.querySelector('header.about')).backgroundColor")
    r, g, b = (int(accent[i:i + 2], 16) for i in (1, 3, 5))
    assert background == f"rgb({r}, {g}, {b})"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


# --- the whole path ----------------------------------------------------------------------------

@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_cards_qr_code_opens_its_form_on_a_phone_and_the_answer_reaches_the_database_and_exports(
        site, new_page, javascript):
    source = load_yaml(site.kit / "decks" / f"{DECK}.yaml")
    card = source["cards"][CARD]
    url = printed_card_url(site.built, DECK, card["id"])
    assert url == f"{site.server.base}/f/{site.content.kit.id}/{DECK}/{card['id']}"

    page = new_page(phone=True, javascript=javascript)
    opened = page.goto(url)
    assert opened.status == 200
    about = page.locator("header.about h1")
    assert about.is_visible()
    assert " ".join(about.inner_text().split()) == f"{source['name']} {card['title']}"
    assert page.title().startswith(card["title"])
    shows_styles_and_fits(page, load_yaml(site.kit / "kit.yaml")["theme"]["colours"]["welfare-theme"])

    form = site.content.kit.follow_up.form
    given = Answers(unique("Flere frivillige på plejecentret, også om aftenen"))
    fill_in_by_touch(page, site, form, given)
    with page.expect_navigation():
        page.get_by_role("button", name=site.labels["form_submit"]).tap()
    assert page.get_by_role("heading", name=site.labels["form_thanks"]).is_visible()
    assert " ".join(about.inner_text().split()) == f"{source['name']} {card['title']}"

    response = the_response(site, given.text)
    assert (response.kit, response.deck, response.card, response.lang) == \
        (site.content.kit.id, DECK, card["id"], "da")
    assert response.answers == given.stored(site, form)
    assert response.contact == given.contact(form)
    check_exports(site, form, given, response, card["title"])
    assert admin_count(site, DECK, card["id"]) == sum(
        1 for r in stored(site.db, site.content.kit.id) if (r.deck, r.card) == (DECK, card["id"]))


def test_the_form_can_be_filled_in_and_sent_with_the_keyboard_alone(site, new_page):
    """Tab from the top of the page through every field in order, Space to
    tick, arrows to choose, typing, and Enter to send."""
    form = site.content.kit.follow_up.form
    given = Answers(unique("Tag ungdomsskolen med fra start"))
    card = load_yaml(site.kit / "decks" / "politikerroller.yaml")["cards"][0]
    url = f"{site.server.base}/f/{site.content.kit.id}/politikerroller/{card['id']}"
    page = new_page(phone=False)
    page.goto(url)

    by_type = {q.type: f"q-{q.id}" for q in form.questions}
    ticks = {by_type["multiple"]: set(given.multiple), "b-formats": set(given.formats), "c-consent": {0}}
    keys = {by_type["scale"]: ["Space"] + ["ArrowRight"] * (int(given.scale) - 1),
            by_type["single"]: ["ArrowDown"] * given.single,
            "b-age": ["ArrowDown"] * given.age}
    typed = {by_type["text"]: given.text, "b-area": given.area,
             "c-name": given.name, "c-email": given.email, "c-phone": given.phone}
    visited: list[str] = []
    seen: dict[str, int] = {}
    for _ in range(100):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.name")
        assert name, page.evaluate("document.activeElement.outerHTML")
        if not visited or visited[-1] != name:
            visited.append(name)
        index = seen[name] = seen.get(name, -1) + 1
        if name in ticks and index in ticks[name]:
            page.keyboard.press("Space")
        for key in keys.get(name, []) if index == 0 else []:
            page.keyboard.press(key)
        if name in typed:
            page.keyboard.type(typed[name])
        if name == "c-phone":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            break
    else:
        raise AssertionError(f"Tab never reached the last field: {visited}")
    assert visited == [f"q-{q.id}" for q in form.questions] + ["b-age", "b-area", "b-formats"] + \
        ["c-consent", "c-name", "c-email", "c-phone"]
    assert page.get_by_role("heading", name=site.labels["form_thanks"]).is_visible()
    response = the_response(site, given.text)
    assert (response.deck, response.card) == ("politikerroller", card["id"])
    assert response.answers == given.stored(site, form)
    assert response.contact == given.contact(form)


LABELLED_JS = """() => [...document.querySelectorAll('input, textarea, select, button')]
    .filter(e => e.type !== 'hidden')
    .map(e => ({name: e.name || e.tagName, label: [...e.labels].map(l => l.textContent.trim()).join(' '),
                group: e.closest('fieldset') ? e.closest('fieldset').querySelector('legend').textContent.trim() : '',
                tag: e.tagName, type: e.type}))"""


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_input_has_a_label_and_the_page_is_in_the_kits_language(site, english_site, new_page, language):
    served = site if language == "da" else english_site
    target = targets(served.content)[0]
    page = new_page(javascript=True)
    assert page.goto(target.url).status == 200
    assert page.evaluate("document.documentElement.lang") == language
    fields = page.evaluate(LABELLED_JS)
    form = served.content.kit.follow_up.form
    assert len(fields) > 20
    unlabelled = [f for f in fields if not f["label"] and f["tag"] != "BUTTON"]
    assert not unlabelled, unlabelled
    choices = [f for f in fields if f["type"] in ("radio", "checkbox")]
    assert len(choices) > 20 and all(f["group"] for f in choices), choices  # each in a fieldset with a legend
    # the page's words are the kit's: its questions and its language's fixed texts
    text = page.inner_text("body")
    for q in form.questions:
        assert q.text in text
    labels = served.labels
    for name in ("form_about", "form_background", "form_contact", "form_submit"):
        assert labels[name] in text
    assert ("Send svar" in text) == (language == "da")


def test_a_boards_and_the_guides_qr_codes_open_their_own_forms(site, new_page):
    labels = site.labels
    kit_id = site.content.kit.id
    board = load_yaml(site.kit / "boards" / "tjekliste.yaml")
    [board_url] = printed_urls(site.built.path("boards/tjekliste-a4.pdf"))
    guide_file = next(f["path"] for f in site.built.files if f.get("kind") == "guide")
    [guide_url] = printed_urls(site.built.path(guide_file))
    guide = load_yaml(site.kit / "guide.yaml")
    form = site.content.kit.follow_up.form
    text_question = next(q for q in form.questions if q.type == "text")
    for url, group, title, key in ((board_url, labels["form_boards"], board["title"], ("boards", "tjekliste")),
                                   (guide_url, labels["form_guide"], guide["title"], ("guide", kit_id))):
        assert url == f"{site.server.base}/f/{kit_id}/{key[0]}/{key[1]}"
        page = new_page(javascript=False)
        assert page.goto(url).status == 200
        assert " ".join(page.locator("header.about h1").inner_text().split()) == f"{group} {title}"
        text = unique(f"Om {title}")
        page.get_by_label(text_question.text).fill(text)
        with page.expect_navigation():
            page.get_by_role("button", name=labels["form_submit"]).tap()
        assert page.get_by_role("heading", name=labels["form_thanks"]).is_visible()
        response = the_response(site, text)
        assert (response.deck, response.card) == key
        assert response.answers == ((text_question.id, text),)
        assert response.contact is None


def test_the_report_for_the_council_shows_the_answers(site, new_page, tmp_path):
    """An answer sent from the phone's form is in `workshop-kit report`'s PDF."""
    form = site.content.kit.follow_up.form
    card = load_yaml(site.kit / "decks" / "dilemmaer.yaml")["cards"][1]
    given = Answers(unique("Lad borgerrådet følge sagen helt til byrådsmødet"))
    page = new_page(javascript=False)
    page.goto(f"{site.server.base}/f/{site.content.kit.id}/dilemmaer/{card['id']}")
    fill_in_by_touch(page, site, form, given)
    with page.expect_navigation():
        page.get_by_role("button", name=site.labels["form_submit"]).tap()
    assert page.get_by_role("heading", name=site.labels["form_thanks"]).is_visible()

    report = tmp_path / "rapport.pdf"
    run = run_cli("report", site.kit, "--db", site.server.db, "-o", report)
    assert run.code == 0, run.output
    text = normalise(pdf_text(report))
    assert given.text in text
    assert card["title"] in text
