"""Follow-up forms in the YAML: where each QR code's form comes from, and the
problems of a broken form, each with file:line:column and field."""

from __future__ import annotations

import pytest

from kit_helpers import ask_who_answers, copy_kit, line_col, replace_once
from workshop_kit.content.follow_up import background_choices, base_url, default_form, kit_form, served_path, targets
from workshop_kit.content.kit import load_kit
from workshop_kit.serve.answers import Page, Refused, age_bands, read

KIT_FORM_QUESTION = "      - id: vigtighed\n"


def problems_of(run) -> list[tuple[str, int, int, str]]:
    return [(m["file"], int(m["line"]), int(m["col"]), m["rest"]) for m in run.problems()]


# --- where the forms come from --------------------------------------------------

def test_every_qr_code_has_a_target_with_the_kits_form(shipped_kit):
    content = load_kit(shipped_kit)
    found = targets(content)
    cards = sum(len(d.cards) for d in content.decks)
    assert len(found) == cards + len(content.boards) + 1  # and the guide
    assert len({t.url for t in found}) == len(found)
    assert all(t.form == kit_form(content) for t in found)
    assert kit_form(content).questions == content.kit.follow_up.form.questions
    assert [t.deck for t in found[-len(content.boards) - 1:]] == ["boards"] * len(content.boards) + ["guide"]
    base = base_url(content)
    assert base == "https://example.org"
    assert all(served_path(t.url, base) == f"/f/temadag/{t.deck}/{t.card}" for t in found)


def test_a_card_form_beats_the_deck_form_which_beats_the_kit_form(make_kit):
    kit = make_kit()
    deck = kit / "decks" / "dilemmaer.yaml"
    text = deck.read_text(encoding="utf-8")
    own_deck = "form:\n  questions:\n    - {id: deck-q, type: text, text: Om bunken}\n"
    text = text.replace("cards:\n", own_deck + "cards:\n", 1)
    first_card = text.index("  - id: ")
    end_of_id = text.index("\n", first_card) + 1
    text = (text[:end_of_id] + "    form:\n      questions:\n        - {id: card-q, type: scale, text: Om kortet}\n"
            + text[end_of_id:])
    deck.write_text(text, encoding="utf-8")
    found = [t for t in targets(load_kit(kit)) if t.deck == "dilemmaer"]
    assert [q.id for q in found[0].form.questions] == ["card-q"]
    assert {q.id for t in found[1:] for q in t.form.questions} == {"deck-q"}
    others = [t for t in targets(load_kit(kit)) if t.deck != "dilemmaer"]
    assert all(t.form.questions[0].id == "vigtighed" for t in others)


def test_a_kit_without_a_form_gets_the_built_in_one(make_kit):
    kit = make_kit()
    text = (kit / "kit.yaml").read_text(encoding="utf-8")
    start = text.index("  form:\n")
    end = text.index("\ntheme:")
    (kit / "kit.yaml").write_text(text[:start] + text[end + 1:], encoding="utf-8")
    found = targets(load_kit(kit))
    assert {tuple((q.id, q.type) for q in t.form.questions) for t in found} == {
        (("nytte", "scale"), ("med-videre", "text"))}
    assert all(t.form == default_form("da") for t in found)


@pytest.mark.parametrize("url, base, path", [
    ("https://x.dk/f/k/d/c", "https://x.dk", "/f/k/d/c"),
    ("https://X.dk/app/f/k/d/c", "https://x.dk/app", "/f/k/d/c"),
    ("https://x.dk/application/f", "https://x.dk/app", None),
    ("https://x.dk/f?card=c", "https://x.dk", "/f?card=c"),
    ("http://x.dk/f/k/d/c", "https://x.dk", None),
    ("https://x.dk:8443/f", "https://x.dk", None),
])
def test_served_path(url, base, path):
    assert served_path(url, base) == path


def test_a_server_answers_the_path_whatever_host_led_there():
    assert served_path("https://example.org/f/k/d/c", "http://192.168.1.20:8000", any_host=True) == "/f/k/d/c"
    assert served_path("https://example.org/app/f/k", "http://10.0.0.5/app", any_host=True) == "/f/k"
    assert served_path("https://example.org/other/f/k", "http://10.0.0.5/app", any_host=True) is None


def test_build_warns_when_a_qr_code_leads_outside_the_base_url(invoke, make_kit):
    kit = make_kit()
    replace_once(kit / "decks" / "dilemmaer.yaml", "cards:\n", "qr:\n  url: https://forms.example.com/{card}\ncards:\n")
    run = invoke("validate", kit)
    assert run.code == 0, run.output
    assert "lead outside follow_up.base_url" in run.output and "dilemmaer/" in run.output


# --- broken forms -----------------------------------------------------------------

@pytest.mark.parametrize("old, new, at, words", [
    ("        type: scale\n", "        type: rating\n", "rating", ["type", "single", "scale"]),
    ("          - Jeg vil gerne holdes orienteret\n          - Jeg vil gerne give mit besyv med én gang\n",
     "          - Jeg vil gerne holdes orienteret\n          - Jeg vil gerne holdes orienteret\n",
     "- Jeg vil gerne holdes orienteret", ["twice"]),
    ("        max_length: 1500\n", "        max_length: 50000\n", "50000", ["5000"]),
    ("    background: [age, area, formats]\n", "    background: [age, income]\n", "income", ["background"]),
    ("      - id: engagement\n", "      - id: vigtighed\n", "- id: vigtighed", ["question id", "twice"]),
    ("      fields: [name, email, phone]\n", "      fields: [name, address]\n", "address", ["fields"]),
])
def test_a_broken_form_is_a_problem_at_its_line(cli, make_kit, old, new, at, words):
    kit = make_kit()
    ask_who_answers(kit)  # background and contact of the form's own
    replace_once(kit / "kit.yaml", old, new)
    run = cli("validate", kit)
    assert run.code == 1 and "Traceback" not in run.stderr, run.stderr
    found = problems_of(run)
    assert found and all(f == "kit.yaml" for f, *_ in found), run.stderr
    line = line_col(kit / "kit.yaml", new.strip().split("\n")[-1].strip())[0]
    assert any(abs(at - line) <= 2 and "follow_up.form" in rest for _, at, _, rest in found), run.stderr
    assert all(any(w in rest for _, _, _, rest in found) for w in words), run.stderr


def test_every_broken_form_is_reported_at_once(cli, make_kit):
    kit = make_kit()
    replace_once(kit / "kit.yaml", "        type: scale\n", "        type: rating\n")
    replace_once(kit / "kit.yaml", "        max_length: 1500\n", "        max_length: 0\n")
    replace_once(kit / "decks" / "dilemmaer.yaml", "cards:\n", "form:\n  questions: []\ncards:\n")
    run = cli("validate", kit)
    files = sorted(f for f, *_ in problems_of(run))
    assert files == ["decks/dilemmaer.yaml", "kit.yaml", "kit.yaml"], run.stderr


def test_follow_up_needs_a_base_url_or_a_url(cli, make_kit):
    kit = make_kit()
    replace_once(kit / "kit.yaml", "  base_url: https://example.org\n", "")
    run = cli("validate", kit)
    assert run.code == 1
    assert any(f == "kit.yaml" and "base_url" in rest for f, _, _, rest in problems_of(run)), run.stderr


def test_a_base_url_with_a_placeholder_is_refused(cli, make_kit):
    kit = make_kit()
    replace_once(kit / "kit.yaml", "base_url: https://example.org", "base_url: https://example.org/{kit}")
    run = cli("validate", kit)
    line, column = line_col(kit / "kit.yaml", "base_url: https://example.org/{kit}", at="https://")
    assert ("kit.yaml", line, column) in [p[:3] for p in problems_of(run)], run.stderr


# --- reading what a participant sent ------------------------------------------------

@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Page:
    """The form of the shipped kit's first card, asking age, area and
    formats, and contact details with consent."""
    kit = copy_kit(tmp_path_factory.mktemp("kit"))
    ask_who_answers(kit)
    content = load_kit(kit)
    target = targets(content)[0]
    return Page(target.form, background_choices(content, target.form))


@pytest.fixture(scope="module")
def labels(shipped_kit) -> dict:
    return load_kit(shipped_kit).labels


def test_a_full_answer_is_read_in_order(page, labels):
    sent = read(page, [("q-vigtighed", "4"), ("q-hvem", "Borgere"), ("q-hvem", "Byrådet"),
                       ("q-pointe", "  Mere tid \r\n til dialog "), ("b-age", "65+"), ("b-area", "Vestbyen"),
                       ("b-formats", page.choices["formats"][0][0]), ("c-consent", "yes"),
                       ("c-email", "a@b.dk")], labels)
    assert not sent.errors
    assert sent.answers == [("vigtighed", "4"), ("hvem", "Borgere"), ("hvem", "Byrådet"),
                            ("pointe", "Mere tid \n til dialog"), ("background.age", "65+"),
                            ("background.area", "Vestbyen"), ("background.formats", page.choices["formats"][0][0])]
    assert sent.contact["email"] == "a@b.dk" and sent.contact["consent"] == page.form.contact.consent


@pytest.mark.parametrize("fields, field", [
    ([("q-vigtighed", "6")], "q-vigtighed"),
    ([("q-engagement", "Måske")], "q-engagement"),
    ([("q-pointe", "x" * 1501)], "q-pointe"),
    ([("b-age", "40")], "b-age"),
    ([("b-area", "y" * 101)], "b-area"),
    ([("c-name", "Anna")], "c-consent"),   # contact details without consent are not kept
    ([("c-consent", "yes"), ("c-email", "not an address")], "c-email"),
    ([("c-consent", "yes")], "c-name"),
])
def test_answers_a_participant_can_correct_are_named(page, labels, fields, field):
    sent = read(page, fields, labels)
    assert field in sent.errors, sent.errors


@pytest.mark.parametrize("fields", [[("q-unknown", "1")], [("q-vigtighed", "1"), ("q-vigtighed", "2")],
                                    [("admin", "1")]])
def test_fields_no_page_sends_are_refused(page, labels, fields):
    with pytest.raises(Refused):
        read(page, fields, labels)


def test_without_consent_nothing_personal_is_kept(page, labels):
    sent = read(page, [("q-vigtighed", "3")], labels)
    assert not sent.errors and sent.contact is None


def test_age_bands_are_named_in_the_kits_language(labels):
    assert age_bands(labels) == [("0-17", "Under 18 år"), ("18-29", "18–29 år"), ("30-49", "30–49 år"),
                                 ("50-64", "50–64 år"), ("65+", "65 år eller derover")]
