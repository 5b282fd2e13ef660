"""Who the follow-up forms ask, against a real `workshop-kit serve`: the
shipped kits' cards, boards and guide are scanned by councillors at the
workshop, whose form asks which topics and formats they would take up and
never their age, gender, area or contact details; a deck a consultant sets
to `audience: citizens` asks citizens after the workshop who they are.

The kits are copied as a consultant copies them, served on loopback, and
every form page is fetched as a phone fetches it and read back as HTML.
"""

from __future__ import annotations

import pytest

from kit_helpers import REPO, load_yaml, normalise, pdf_text, run_cli
from serve_helpers import Server, answer, client, field_values, free_port, kit_served_at, stored, texts_in, thanked
from workshop_kit.content.follow_up import targets
from workshop_kit.content.kit import load_kit
from workshop_kit.store.database import database_url

LABELS = REPO / "src" / "workshop_kit" / "data" / "labels"
# The fields and questions on who someone is: none of them on a councillor's form.
PERSONAL_FIELDS = ("b-age", "b-gender", "b-area", "b-time", "c-consent", "c-name", "c-email", "c-phone")
PERSONAL_LABELS = ("form_age", "form_gender", "form_area", "form_time", "form_contact",
                   "form_contact_name", "form_contact_email", "form_contact_phone")
DEFAULT_AGE_BANDS = ["0-17", "18-29", "30-49", "50-64", "65+"]


def asked(html: str) -> list[str]:
    """The texts of a form page's legends and field labels: the questions it asks."""
    return texts_in(html, lambda tag, attrs: tag == "legend"
                    or tag == "label" and "field" in (attrs.get("class") or "").split())


def titles(kit, card_type: str) -> list[str]:
    """The titles of the kit's cards of one type, as its deck YAML has them."""
    out: list[str] = []
    for path in sorted((kit / "decks").glob("*.yaml")):
        deck = load_yaml(path)
        if deck.get("type") == card_type:
            out += [card["title"] for card in deck["cards"] if card["title"] not in out]
    return out


@pytest.mark.parametrize("shipped", [REPO, REPO / "kits" / "en"], ids=["da", "en"])
def test_the_shipped_kits_ask_councillors_no_age_area_or_contact(shipped, tmp_path):
    port = free_port()
    kit = kit_served_at(shipped, tmp_path / "kit", f"http://127.0.0.1:{port}")
    content = load_kit(kit)
    labels = load_yaml(LABELS / f"{content.kit.language}.yaml")
    found = targets(content)
    assert {t.deck for t in found} >= {"boards", "guide"} and len(found) > 60
    topics, formats = titles(kit, "welfare-theme"), titles(kit, "dialogue-format")
    assert topics and formats
    with Server(kit, port, str(tmp_path / "responses.db")), client() as http:
        pages = {t.url: http.get(t.url) for t in found}  # every card, board and the guide
    for url, page in pages.items():
        assert page.status_code == 200, (url, page.text[:300])
        names, questions = field_values(page.text), asked(page.text)
        assert not [n for n in PERSONAL_FIELDS if n in names], (url, sorted(names))
        assert not [labels[k] for k in PERSONAL_LABELS if labels[k] in questions], (url, questions)
        assert labels["form_contact_consent"] not in page.text, url
        # What they would take up, and how: the kit's own welfare themes and dialogue formats.
        assert names.get("b-topics") == topics, (url, names.get("b-topics"))
        assert names.get("b-formats") == formats, (url, names.get("b-formats"))
        assert labels["form_topics"] in questions and labels["form_formats"] in questions, (url, questions)


def test_a_deck_for_citizens_asks_their_age_and_area(tmp_path):
    port = free_port()
    kit = kit_served_at(REPO, tmp_path / "kit", f"http://127.0.0.1:{port}")
    deck = kit / "decks" / "dilemmaer.yaml"
    text = deck.read_text(encoding="utf-8")
    assert text.count("\ncards:\n") == 1
    deck.write_text(text.replace("\ncards:\n", "\nform:\n  audience: citizens\ncards:\n"), encoding="utf-8")
    content = load_kit(kit)
    labels = load_yaml(LABELS / "da.yaml")
    citizens = next(t for t in targets(content) if t.deck == "dilemmaer")
    council = next(t for t in targets(content) if t.deck == "velfaerdstemaer")
    db = tmp_path / "responses.db"
    with Server(kit, port, str(db)), client() as http:
        citizens_page, council_page = http.get(citizens.url), http.get(council.url)
        assert citizens_page.status_code == council_page.status_code == 200
        asks = field_values(citizens_page.text)
        assert asks["b-age"] == DEFAULT_AGE_BANDS
        assert asks["b-area"] == [""]                                    # written freely: no areas given
        assert asks["b-gender"] == ["woman", "man", "other"] and len(asks["b-time"]) >= 2
        assert {"c-consent", "c-name", "c-email"} <= asks.keys()
        questions = asked(citizens_page.text)
        assert labels["form_age"] in questions and labels["form_area"] in questions, questions
        assert labels["form_contact_consent"] in citizens_page.text
        # The deck keeps the kit's questions; the rest of the kit still asks the council.
        council_asks = field_values(council_page.text)
        assert [n for n in asks if n.startswith("q-")] == [n for n in council_asks if n.startswith("q-")]
        assert not [n for n in PERSONAL_FIELDS if n in council_asks]

        scale = next(q for q in citizens.form.questions if q.type == "scale")
        sent = answer(http, citizens.url, [(f"q-{scale.id}", "4"), ("b-age", "65+"), ("b-area", "Vestbyen")])
        assert thanked(sent, labels), sent.text[:500]
    [response] = stored(database_url(str(db), kit), content.kit.id)
    assert ("background.age", "65+") in response.answers and ("background.area", "Vestbyen") in response.answers


def test_the_report_and_live_screen_of_the_shipped_form_break_down_by_topics_and_formats_only(tmp_path):
    """Councillors' answers to the shipped form: the live screen and the
    report split them by the topics and formats chosen, and have no empty
    section by age, gender, area or time."""
    port = free_port()
    kit = kit_served_at(REPO, tmp_path / "kit", f"http://127.0.0.1:{port}")
    content = load_kit(kit)
    labels = load_yaml(LABELS / "da.yaml")
    found = [t for t in targets(content) if t.deck == "velfaerdstemaer"][:3]
    topics, formats = titles(kit, "welfare-theme"), titles(kit, "dialogue-format")
    db = tmp_path / "responses.db"
    with Server(kit, port, str(db)) as server, client() as http:
        for n in range(6):
            target = found[n % len(found)]
            scale = next(q for q in target.form.questions if q.type == "scale")
            sent = answer(http, target.url, [(f"q-{scale.id}", str(n % 5 + 1)), ("b-topics", topics[n % 2]),
                                             ("b-formats", formats[0]), ("b-formats", formats[1 + n % 3])])
            assert thanked(sent, labels), sent.text[:500]
        live_url = next(line.split(": ", 1)[1] for line in server.output.splitlines()
                        if line.startswith("Live screen for the projector: "))
        live = http.get(live_url)
    assert live.status_code == 200
    captions = texts_in(live.text, lambda tag, attrs: tag == "caption")  # the tables by who answered
    assert captions == [labels["form_topics"], labels["form_formats"]], captions

    out = tmp_path / "report.pdf"
    run = run_cli("report", kit, "--db", db, "-o", out)
    assert run.code == 0 and "Traceback" not in run.output, run.output
    text = normalise(pdf_text(out))
    assert labels["report_by_topics"] in text and labels["report_by_formats"] in text
    for kind in ("age", "gender", "area", "time"):
        assert labels[f"report_by_{kind}"] not in text, kind
        assert labels[f"form_{kind}"] not in text, kind
    who = text[text.index(labels["report_background"]):text.index(labels["report_by_topics"])]
    assert labels["form_topics"] in who and labels["form_formats"] in who, who[:600]
    assert labels["report_given"].format(answered=6, responses=6) in who, who[:600]
    by_formats = text[text.index(labels["report_by_formats"]):]
    assert formats[0] in by_formats[:600], by_formats[:600]


