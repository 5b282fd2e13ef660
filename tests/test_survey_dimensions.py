"""The follow-up forms' survey dimensions against a real `workshop-kit
serve`: who answers (age band, gender, area, time a month, topics, formats),
the audience presets (council at the workshop, citizens after it), and the
report that breaks the answers down by each, with groups smaller than the
privacy threshold shown as "fewer than 5".

The kit's YAML is edited as a consultant edits it; the forms are fetched and
posted as phones do; what is stored is read from the database, the report
from the PDF `workshop-kit report` writes (pypdf), the problems from the
stderr of `workshop-kit validate`.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pypdf
import pytest

from kit_helpers import COUNCIL_FORM_LINE, REPO, ask_who_answers, line_col, load_yaml, normalise, replace_once, run_cli
from serve_helpers import HIGH_RATE, Server, answer, client, field_values, free_port, kit_served_at, stored, thanked
from workshop_kit.content.follow_up import targets
from workshop_kit.content.kit import load_kit
from workshop_kit.store.database import database_url

DA = load_yaml(REPO / "src" / "workshop_kit" / "data" / "labels" / "da.yaml")
BANDS = ["0-17", "18-29", "30-39", "40-49", "50-59", "60-69", "70+"]
AREAS = ["Nordbyen", "Sydbyen", "Landdistriktet"]
# The kit's form for citizens, with age bands and areas of its own; the
# dilemma deck keeps the kit's questions but asks the council.
CITIZENS_FORM = ("    audience: citizens\n"
                 f"    age_bands: [{', '.join(BANDS)}]\n"
                 f"    areas: [{', '.join(AREAS)}]\n")
COUNCIL_DECK = "form:\n  audience: council\ncards:\n"
PERSONAL = ("b-age", "b-gender", "b-area", "b-time", "c-consent", "c-name", "c-email", "c-phone")


def for_citizens(kit) -> None:
    """kit.yaml's form asks citizens (its own background and contact left
    to the preset), with the age bands and areas above; the dilemmas ask the council."""
    replace_once(kit / "kit.yaml", COUNCIL_FORM_LINE, CITIZENS_FORM)
    deck = kit / "decks" / "dilemmaer.yaml"
    deck.write_text(deck.read_text(encoding="utf-8").replace("cards:\n", COUNCIL_DECK, 1), encoding="utf-8")


@pytest.fixture
def site(tmp_path):
    port = free_port()
    kit = kit_served_at(REPO, tmp_path / "kit", f"http://127.0.0.1:{port}")
    for_citizens(kit)
    db_file = tmp_path / "responses.db"
    server = Server(kit, port, str(db_file), "--rate-limit", HIGH_RATE).start()
    found = targets(load_kit(kit))
    yield kit, server, database_url(str(db_file), kit), found
    server.stop()


def welfare_themes() -> list[str]:
    """The titles of the shipped welfare-theme cards, as their YAML has them."""
    return [card["title"] for card in load_yaml(REPO / "decks" / "velfaerdstemaer.yaml")["cards"]]


def test_citizens_are_asked_who_they_are_and_councillors_are_not(site):
    kit, server, db, found = site
    citizens = next(t for t in found if t.deck == "velfaerdstemaer")
    council = next(t for t in found if t.deck == "dilemmaer")
    with client() as http:
        citizens_page, council_page = http.get(citizens.url), http.get(council.url)
    assert citizens_page.status_code == council_page.status_code == 200

    asked = field_values(citizens_page.text)
    assert asked["b-age"] == BANDS                          # the bands of the YAML, 60-69 among them
    assert "60–69 år" in citizens_page.text and "70 år eller derover" in citizens_page.text
    assert asked["b-gender"] == ["woman", "man", "other"]
    assert all(DA[f"form_gender_{g}"] in citizens_page.text for g in ("woman", "man", "other"))
    assert asked["b-area"] == AREAS                         # chosen from the list, not written
    assert len(asked["b-time"]) >= 2 and DA["form_time"] in citizens_page.text
    assert asked["b-topics"] == welfare_themes()            # the kit's own welfare themes, in Danish
    assert "c-consent" in asked and "c-name" in asked and "c-email" in asked
    assert DA["form_contact_consent"] in citizens_page.text

    shown = field_values(council_page.text)
    assert not [name for name in PERSONAL if name in shown], shown.keys()
    assert DA["form_age"] not in council_page.text and DA["form_gender"] not in council_page.text
    assert shown["b-topics"] == welfare_themes() and "b-formats" in shown
    # The council's deck keeps the kit's questions: only the audience changed.
    assert [n for n in shown if n.startswith("q-")] == [n for n in asked if n.startswith("q-")]

    # A council form takes no age, even when one is sent.
    with client() as http:
        refused = answer(http, council.url, [(f"q-{council.form.questions[0].id}", "3"), ("b-age", "60-69")])
    assert refused.status_code == 400
    assert stored(db, load_kit(kit).kit.id) == []


def test_a_band_of_the_yaml_is_stored_as_chosen(site):
    kit, server, db, found = site
    target = next(t for t in found if t.deck == "velfaerdstemaer")
    scale = next(q for q in target.form.questions if q.type == "scale")
    topics = welfare_themes()[:2]
    with client() as http:
        sent = answer(http, target.url, [(f"q-{scale.id}", "4"), ("b-age", "60-69"), ("b-gender", "woman"),
                                         ("b-area", "Sydbyen"), ("b-time", "3-5"),
                                         *[("b-topics", t) for t in topics]])
    assert thanked(sent, DA), sent.text[:500]
    [response] = stored(db, load_kit(kit).kit.id)
    assert ("background.age", "60-69") in response.answers
    assert ("background.gender", "woman") in response.answers
    assert ("background.area", "Sydbyen") in response.answers
    assert ("background.time", "3-5") in response.answers
    assert [v for q, v in response.answers if q == "background.topics"] == topics
    assert response.contact is None                         # no consent ticked: nothing personal


def report_text(kit, db, tmp_path) -> str:
    out = tmp_path / "report.pdf"
    run = run_cli("report", str(kit), "--db", db, "-o", str(out))
    assert run.code == 0, run.output
    return normalise(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages))


def test_a_breakdown_shows_fewer_than_five_for_three_and_the_count_for_five(site, tmp_path):
    kit, server, db, found = site
    target = next(t for t in found if t.deck == "velfaerdstemaer")
    scale = next(q for q in target.form.questions if q.type == "scale")
    free = next(q for q in target.form.questions if q.type == "text")
    given = [("woman", "60-69")] * 3 + [("man", "30-39")] * 5
    personal = [("c-consent", "yes"), ("c-name", "Rasmus Testesen"), ("c-email", "rasmus@example.org")]
    first, second = welfare_themes()[:2]
    with client() as http:
        for n, (gender, age) in enumerate(given):
            extra = [(f"q-{free.id}", "Flere møder om aftenen")] + personal if n == 0 else []
            if gender == "man":  # every man chose the first topic, two of them the second too
                extra += [("b-topics", first)] + ([("b-topics", second)] if n < 5 else [])
            sent = answer(http, target.url, [(f"q-{scale.id}", "4"), ("b-gender", gender), ("b-age", age), *extra])
            assert thanked(sent, DA), sent.text[:500]

    text = report_text(kit, db, tmp_path)
    # The free text is in the report; who wrote it is not.
    assert "Flere møder om aftenen" in text
    assert "Rasmus" not in text and "Testesen" not in text and "rasmus@example.org" not in text
    fewer = DA["fewer_than"].format(n=5)
    by_gender = text[text.index(DA["report_by_gender"]):]
    by_gender = by_gender[:by_gender.index(DA["report_by_age"])] if DA["report_by_age"] in by_gender else by_gender
    # Columns: all, woman (3), man (5): the deck's row and the total.
    assert f"{DA['report_all']} {DA['form_gender_woman']} {DA['form_gender_man']}" in by_gender, by_gender[:600]
    assert f"{target.group} 8 {fewer} 5" in by_gender, by_gender[:600]
    assert f"{DA['report_total']} 8 {fewer} 5" in by_gender, by_gender[:600]
    # The scale's means: the 3 women's hidden, the 5 men's shown.
    assert f"{target.title} 4,0 (8) {fewer} 4,0 (5)" in by_gender, by_gender[:1200]
    # Topics by gender: 5 men chose the first (shown), 2 the second (fewer than 5).
    topics = by_gender[by_gender.index(DA["form_topics"]):]
    assert f"{first} 100 % (5) – 100 % (5)" in topics, topics[:600]
    assert f"{second} 40 % (2) – {fewer}" in topics, topics[:600]

    by_age = text[text.index(DA["report_by_age"]):]
    bands = "Under 18 år 18–29 år 30–39 år 40–49 år 50–59 år 60–69 år 70 år eller derover"
    assert bands in by_age                                  # every band of the YAML, in order
    assert f"{target.group} 8 0 0 5 0 0 {fewer} 0" in by_age, by_age[:800]
    # Who responded: no group of fewer than 5 is counted there either.
    who = text[text.index(DA["report_background"]):text.index(DA["report_by_age"])]
    assert f"{DA['form_gender_woman']} {fewer}" in who and f"{DA['form_gender_man']} 5 · 62 %" in who, who[:800]


@pytest.mark.parametrize("bands, bad, words", [
    ("[18-29, 30-49, 6o-69, 70+]", "6o-69", "is not a band"),
    ("[18-29, 30-49, 69-60, 70+]", "69-60", "ends before it starts"),
    ("[18-29, 30-49, 45-69, 70+]", "45-69", "overlaps '30-49'"),
    ("[18-29, 70+, 80-89]", "80-89", "open end"),
])
def test_a_bad_age_band_is_one_problem_at_its_line(make_kit, bands, bad, words):
    kit = make_kit()
    ask_who_answers(kit)
    path = kit / "kit.yaml"
    text = path.read_text(encoding="utf-8")
    listed = "    age_bands:\n" + "".join(f"      - {b}\n" for b in bands.strip("[]").split(", "))
    path.write_text(text.replace("    background: [age, area, formats]\n",
                                 "    background: [age, area, formats]\n" + listed, 1), encoding="utf-8")
    run = run_cli("validate", kit)
    assert run.code == 1 and "Traceback" not in run.stderr, run.stderr
    found = run.problems()
    assert len(found) == 1, run.stderr
    line, column = line_col(path, f"      - {bad}", at=bad)
    assert (found[0]["file"], int(found[0]["line"]), int(found[0]["col"])) == ("kit.yaml", line, column), run.stderr
    assert "follow_up.form.age_bands" in found[0]["rest"] and words in found[0]["rest"], run.stderr


@pytest.mark.parametrize("given, words", [
    ("    age_bands: []\n", "at least one band"),
    ("    areas: []\n", "at least one area"),
])
def test_an_empty_list_is_a_problem_at_its_line(make_kit, given, words):
    kit = make_kit()
    ask_who_answers(kit)
    path = kit / "kit.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    background: [age, area, formats]\n",
                                 "    background: [age, area, formats]\n" + given, 1), encoding="utf-8")
    run = run_cli("validate", kit)
    assert run.code == 1 and "Traceback" not in run.stderr, run.stderr
    found = run.problems()
    assert len(found) == 1 and words in found[0]["rest"], run.stderr
    assert int(found[0]["line"]) == line_col(path, given.strip())[0], run.stderr


def test_the_live_screen_breaks_the_answers_down_with_fewer_than_five(site):
    kit, server, db, found = site
    target = next(t for t in found if t.deck == "velfaerdstemaer")
    scale = next(q for q in target.form.questions if q.type == "scale")
    with client() as http:
        for gender, value in [("woman", "2")] * 3 + [("man", "5")] * 5:
            sent = answer(http, target.url, [(f"q-{scale.id}", value), ("b-gender", gender)])
            assert thanked(sent, DA), sent.text[:500]
        live_url = re.search(r"^Live screen for the projector: (\S+)$", server.output, re.MULTILINE).group(1)
        board = http.get(live_url)
    assert board.status_code == 200
    split = live_table(board.text, DA["form_gender"])
    fewer = DA["fewer_than"].format(n=5)
    assert split[DA["form_gender_woman"]] == [fewer]                   # 3 people: no count, no mean
    assert split[DA["form_gender_man"]] == ["5", "5,0"]                # 5 people: their count and mean
    assert "3" not in split[DA["form_gender_woman"]]


def live_table(html: str, caption: str) -> dict[str, list[str]]:
    """The rows of the live screen's table with this caption: row heading -> cells."""

    class Rows(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tables: list[tuple[str, dict[str, list[str]]]] = []
            self.text, self.cell, self.head = "", None, None

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.tables.append(("", {}))
            if tag in ("caption", "th", "td"):
                self.text = ""

        def handle_data(self, data):
            self.text += data

        def handle_endtag(self, tag):
            if not self.tables:
                return
            text = " ".join(self.text.split())
            if tag == "caption":
                self.tables[-1] = (text, self.tables[-1][1])
            elif tag == "th":
                self.head = text
            elif tag == "td" and self.head:
                self.tables[-1][1].setdefault(self.head, []).append(text)

    parser = Rows()
    parser.feed(html)
    return next(rows for name, rows in parser.tables if name == caption)


def test_a_deck_for_the_council_asks_no_personal_questions_the_kits_form_asks(tmp_path):
    """A kit's form that asks age, area and contact details itself; a
    deck set to the council audience leaves them out all the same."""
    port = free_port()
    kit = kit_served_at(REPO, tmp_path / "kit", f"http://127.0.0.1:{port}")
    ask_who_answers(kit)
    deck = kit / "decks" / "dilemmaer.yaml"
    deck.write_text(deck.read_text(encoding="utf-8").replace("cards:\n", COUNCIL_DECK, 1), encoding="utf-8")
    found = targets(load_kit(kit))
    council = next(t for t in found if t.deck == "dilemmaer")
    kits_own = next(t for t in found if t.deck == "velfaerdstemaer")
    with Server(kit, port, str(tmp_path / "responses.db")), client() as http:
        council_fields = field_values(http.get(council.url).text)
        kit_fields = field_values(http.get(kits_own.url).text)
    assert {"b-age", "b-area", "c-consent"} <= kit_fields.keys()
    assert not [name for name in PERSONAL if name in council_fields], council_fields.keys()
    assert "b-topics" in council_fields and "b-formats" in council_fields
