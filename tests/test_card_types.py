"""A card type is a template file: a kit adds one with templates/<type>.yaml,
whose `fields:` declare what its cards hold, and everything a shipped type
has works for it: validation at file:line:col, links checked against the
linked deck, the PDFs, index.html, the JSON Schema with the kit's card ids
as choices, and `workshop-kit new-type` to start one.

Every check runs the real command and reads what it wrote.
"""

from __future__ import annotations

import json
from pathlib import Path

import pypdf
import pytest
from jsonschema import Draft202012Validator
from PIL import Image

from kit_helpers import build_into, lengthen_deck, line_col, load_yaml, normalise, replace_once, run_cli, tree_digest
from workshop_kit.build import LAYOUT_CHUNK

LINKED = ("dilemmaer", "dialogformater", "velfaerdstemaer")  # the dilemmas and the decks they link to

QUESTION_TEMPLATE = """\
# yaml-language-server: $schema=../schemas/template-card.schema.json
name: {en: Question, da: Spørgsmål}
colour: "#0B5563"
tint: "#E3F0F2"
fields:
  prompt:
    kind: text
    max_length: 200
    description: {en: "The question put to the table.", da: "Spørgsmålet til bordet."}
  horizon:
    kind: choice
    choices: [kort sigt, lang sigt]
    label: {en: Horizon, da: Tidshorisont}
    description: {en: "When an answer is needed.", da: "Hvornår der skal et svar."}
  dilemmas:
    kind: links
    to: dilemma
    required: false
    label: {en: See the dilemmas, da: Se dilemmaerne}
    description: {en: "Ids of dilemma cards.", da: "Id'er på dilemmakort."}
  sketch:
    kind: image
    required: false
    description: {en: "A picture for the card.", da: "Et billede til kortet."}
front:
  background: paper
  elements:
    - kind: fill
      box: {left: 0, right: 0, top: 0, height: 16}
      fill: accent
    - kind: text
      box: {left: 4.5, right: 4.5, top: 2.6, height: 3.6}
      content: [{text: "{type}"}]
      size: 7
      colour: on-accent
    - kind: text
      box: {left: 4.5, right: 4.5, top: 6.4, height: 8.4}
      content: [{text: "{title}"}]
      font: bold
      size: 13
      min_size: 9
      colour: on-accent
    - kind: text
      box: {left: 4.5, right: 4.5, top: 19, bottom: 8.5}
      content:
        - field: prompt
        - {label: horizon, field: horizon, inline: true}
      size: 9
back:
  background: tint
  elements:
    - kind: image
      src: "{sketch}"
      box: {left: 4.5, top: 26, width: 20, height: 15}
    - kind: text
      box: {left: 4.5, right: 4.5, top: 4, bottom: 24}
      content:
        - {label: dilemmas, field: dilemmas}
      size: 8
    - kind: qr
      when: qr
      box: {right: 3.5, bottom: 3.5, width: 18, height: 18}
"""

QUESTION_DECK = """\
type: question
name: Spørgsmål til bordet
cards:
  - id: hvem-bestemmer
    title: Hvem bestemmer?
    prompt: Hvem skal have det sidste ord, når borgerne og byrådet er uenige?
    horizon: kort sigt
    dilemmas:
      - anbefaling-mod-flertal
      - frivillige-i-sfo

  - id: hvad-koster-det
    title: Hvad koster det?
    prompt: Hvor mange timer vil vi bruge på dialog, før vi beslutter?
    horizon: lang sigt
"""


def question_kit(make_kit) -> Path:
    kit = make_kit(LINKED)
    (kit / "templates" / "question.yaml").write_text(QUESTION_TEMPLATE, encoding="utf-8")
    (kit / "decks" / "spoergsmaal.yaml").write_text(QUESTION_DECK, encoding="utf-8")
    return kit


def dilemma_titles(kit: Path) -> dict[str, str]:
    return {c["id"]: c["title"] for c in load_yaml(kit / "decks" / "dilemmaer.yaml")["cards"]}


def one_problem(kit: Path) -> str:
    """The one problem `validate` reports, as its line on stderr."""
    run = run_cli("validate", kit)
    assert run.code == 1 and "Traceback" not in run.output, run.output
    assert run.stderr.startswith("1 problem in the content:"), run.stderr
    lines = [line.strip() for line in run.stderr.splitlines()[1:] if line.startswith("  ")]
    assert len(lines) == 1, run.stderr
    return lines[0]


# --- a type of the kit's own -------------------------------------------------------

def test_a_kit_with_a_type_of_its_own_validates_and_builds(make_kit, tmp_path):
    kit = question_kit(make_kit)
    run = run_cli("validate", kit)
    assert run.code == 0, run.output
    assert "4 decks" in run.stdout

    out = tmp_path / "out"
    run = run_cli("build", kit, "--out", out, "--mode", "home")
    assert run.code == 0, run.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = next(f for f in manifest["files"] if f.get("deck") == "spoergsmaal")
    reader = pypdf.PdfReader(out / entry["path"])
    text = normalise(" ".join(page.extract_text() for page in reader.pages))
    titles = dilemma_titles(kit)
    for card in load_yaml(kit / "decks" / "spoergsmaal.yaml")["cards"]:
        assert card["title"] in text and normalise(card["prompt"]) in text, card["id"]
    assert "Spørgsmål" in text  # {type}: the name the template declares
    assert "Tidshorisont: kort sigt" in text and "Tidshorisont: lang sigt" in text  # its own label
    # a link prints the titles of the dilemma cards it names
    assert normalise(titles["anbefaling-mod-flertal"]) in text and normalise(titles["frivillige-i-sfo"]) in text

    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Spørgsmål til bordet" in page
    assert "Hvem bestemmer?" in page and "Hvad koster det?" in page


def test_its_cards_have_follow_up_forms_and_are_in_the_report(make_kit, tmp_path):
    from datetime import datetime, timezone

    from workshop_kit.store import Response, database_url, open_database

    kit = question_kit(make_kit)
    out = tmp_path / "out"
    run = run_cli("build", kit, "--out", out, "--only", "spoergsmaal", "--mode", "home")
    assert run.code == 0, run.output
    cards = [c for c in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["cards"]
             if c["deck"] == "spoergsmaal"]
    assert [c["qr_url"].rsplit("/", 2)[-2:] for c in cards] == [["spoergsmaal", "hvem-bestemmer"],
                                                                  ["spoergsmaal", "hvad-koster-det"]]
    with open_database(database_url(None, kit)) as database:
        assert database.save(Response("0" * 32, load_yaml(kit / "kit.yaml")["id"], "spoergsmaal", "hvem-bestemmer",
                                      "da", (("vigtighed", "4"), ("pointe", "Borgerne skal høres først")), None,
                                      datetime(2025, 3, 4, 12, tzinfo=timezone.utc)))
    report = tmp_path / "report.pdf"
    run = run_cli("report", kit, "-o", report)
    assert run.code == 0 and "Traceback" not in run.output, run.output
    text = normalise(" ".join(page.extract_text() for page in pypdf.PdfReader(report).pages))
    assert "Spørgsmål til bordet" in text and "Hvem bestemmer?" in text and "Hvad koster det?" in text
    assert "Borgerne skal høres først" in text


def test_a_deck_of_its_own_type_goes_round_a_spreadsheet(make_kit, tmp_path):
    import csv

    kit = question_kit(make_kit)
    deck = kit / "decks" / "spoergsmaal.yaml"
    data = load_yaml(deck)
    sheet = tmp_path / "spoergsmaal.csv"
    run = run_cli("export", "spoergsmaal", "-o", sheet, "--kit", kit)
    assert run.code == 0, run.output
    rows = list(csv.reader(sheet.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    # a field is headed by the heading its template declares, or by its name
    assert {"prompt", "Tidshorisont", "Se dilemmaerne"} <= set(rows[0]), rows[0]
    deck.unlink()
    run = run_cli("import", sheet, "--deck", "spoergsmaal", "--type", "question", "--kit", kit,
                  "--name", data["name"])
    assert run.code == 0, run.output
    assert load_yaml(deck) == data


def test_kit_yaml_replaces_a_heading_the_template_declares(make_kit, tmp_path):
    kit = question_kit(make_kit)
    replace_once(kit / "kit.yaml", "theme:", "labels:\n  question.horizon: Hvornår\ntheme:")
    out = tmp_path / "out"
    run = run_cli("build", kit, "--out", out, "--only", "spoergsmaal", "--mode", "home")
    assert run.code == 0, run.output
    reader = pypdf.PdfReader(out / "decks" / "spoergsmaal-a4-duplex.pdf")
    text = normalise(" ".join(page.extract_text() for page in reader.pages))
    assert "Hvornår: kort sigt" in text and "Tidshorisont" not in text


def test_workers_started_fresh_lay_out_a_type_of_the_kits_own(make_kit, tmp_path, monkeypatch):
    """A worker that is not forked gets the cards by pickle, and makes
    their model again from the type's declaration: the files are those of
    the forked build."""
    kit = question_kit(make_kit)
    lengthen_deck(kit, "spoergsmaal", LAYOUT_CHUNK + 1)  # more than one layout job
    monkeypatch.setenv("WORKSHOP_KIT_START_METHOD", "fork")
    forked = build_into(kit, tmp_path / "forked", "--only", "spoergsmaal", "--mode", "shop")
    monkeypatch.setenv("WORKSHOP_KIT_START_METHOD", "spawn")
    fresh = build_into(kit, tmp_path / "fresh", "--only", "spoergsmaal", "--mode", "shop")
    assert len(fresh.cards) == LAYOUT_CHUNK + 1
    assert tree_digest(fresh.out) == tree_digest(forked.out)


def test_the_schema_offers_the_kits_dilemma_ids_to_the_link_field(make_kit, tmp_path):
    kit = question_kit(make_kit)
    out = tmp_path / "schemas"
    run = run_cli("schema", kit, "--out", out)
    assert run.code == 0, run.output
    schema = json.loads((out / "deck-question.schema.json").read_text(encoding="utf-8"))
    card = schema["$defs"]["QuestionCard"]["properties"]
    ids = sorted(dilemma_titles(kit))
    links = card["dilemmas"]
    items = next(b["items"] for b in links.get("anyOf", [links]) if b.get("type") == "array")
    assert items["enum"] == ids
    assert card["horizon"]["enum"] == ["kort sigt", "lang sigt"]
    assert "Spørgsmålet til bordet." in card["prompt"]["markdownDescription"]  # the Danish description too
    validator = Draft202012Validator(schema)
    deck = load_yaml(kit / "decks" / "spoergsmaal.yaml")
    assert list(validator.iter_errors(deck)) == []
    deck["cards"][0]["dilemmas"][0] = "ikke-et-dilemma"
    assert not validator.is_valid(deck)


# --- one problem per mistake --------------------------------------------------------

def test_a_misspelt_field_on_a_card_is_one_problem_at_its_key(make_kit):
    kit = question_kit(make_kit)
    deck = kit / "decks" / "spoergsmaal.yaml"
    replace_once(deck, "    horizon: lang sigt", "    horisont: lang sigt")
    line, col = line_col(deck, "horisont:")
    problem = one_problem(kit)
    assert problem.startswith(f"decks/spoergsmaal.yaml:{line}:{col}:"), problem
    assert "unknown field 'horisont'; did you mean 'horizon'?" in problem


def test_a_missing_required_field_is_one_problem(make_kit):
    kit = question_kit(make_kit)
    deck = kit / "decks" / "spoergsmaal.yaml"
    replace_once(deck, "    prompt: Hvor mange timer vil vi bruge på dialog, før vi beslutter?\n", "")
    problem = one_problem(kit)
    assert problem.startswith("decks/spoergsmaal.yaml:"), problem
    assert "(id: hvad-koster-det)" in problem and "missing required field 'prompt'" in problem


def test_a_choice_not_among_the_choices_is_one_problem(make_kit):
    kit = question_kit(make_kit)
    deck = kit / "decks" / "spoergsmaal.yaml"
    replace_once(deck, "    horizon: lang sigt", "    horizon: i morgen")
    line, col = line_col(deck, "i morgen")
    problem = one_problem(kit)
    assert problem.startswith(f"decks/spoergsmaal.yaml:{line}:{col}:"), problem
    assert "'kort sigt'" in problem and "'lang sigt'" in problem


def test_a_link_to_no_dilemma_is_one_problem_naming_the_dilemmas(make_kit):
    kit = question_kit(make_kit)
    deck = kit / "decks" / "spoergsmaal.yaml"
    replace_once(deck, "      - frivillige-i-sfo", "      - noget-helt-andet")
    line, col = line_col(deck, "noget-helt-andet")
    problem = one_problem(kit)
    assert problem.startswith(f"decks/spoergsmaal.yaml:{line}:{col}:"), problem
    assert "no dilemma card has the id 'noget-helt-andet'" in problem
    assert all(card_id in problem for card_id in list(dilemma_titles(kit))[:5]), problem


def test_a_field_of_an_unknown_kind_is_one_problem_at_the_template(make_kit):
    kit = question_kit(make_kit)
    template = kit / "templates" / "question.yaml"
    replace_once(template, "    kind: choice", "    kind: choise")
    line, col = line_col(template, "choise")
    problem = one_problem(kit)
    assert problem.startswith(f"templates/question.yaml:{line}:{col}:"), problem
    assert "unknown field kind 'choise'; did you mean 'choice'?" in problem


def test_a_link_to_a_type_the_kit_has_not_is_one_problem_at_the_template(make_kit):
    kit = question_kit(make_kit)
    template = kit / "templates" / "question.yaml"
    replace_once(template, "    to: dilemma", "    to: dilemmas")
    line, col = line_col(template, "    to: dilemmas", at="dilemmas")
    problem = one_problem(kit)
    assert problem.startswith(f"templates/question.yaml:{line}:{col}:"), problem
    assert "no card type 'dilemmas'; did you mean 'dilemma'?" in problem


def test_a_deck_of_a_type_with_no_template_is_one_problem_at_its_type(make_kit):
    kit = question_kit(make_kit)
    (kit / "templates" / "question.yaml").unlink()
    line, col = line_col(kit / "decks" / "spoergsmaal.yaml", "type: question", at="question")
    problem = one_problem(kit)
    assert problem.startswith(f"decks/spoergsmaal.yaml:{line}:{col}:"), problem
    assert "unknown card type 'question'" in problem and "templates/question.yaml" in problem


def test_a_picture_not_in_the_kit_is_one_problem_at_its_field(make_kit):
    kit = question_kit(make_kit)
    deck = kit / "decks" / "spoergsmaal.yaml"
    (kit / "pictures").mkdir()
    Image.new("RGB", (40, 30), "#FF00FF").save(kit / "pictures" / "kort.png")
    replace_once(deck, "    horizon: kort sigt", "    horizon: kort sigt\n    sketch: pictures/kort.png")
    assert run_cli("validate", kit).code == 0
    replace_once(deck, "    sketch: pictures/kort.png", "    sketch: pictures/kortet.png")
    line, col = line_col(deck, "pictures/kortet.png")
    problem = one_problem(kit)
    assert problem.startswith(f"decks/spoergsmaal.yaml:{line}:{col}:"), problem
    assert "pictures/kortet.png" in problem and "did you mean 'pictures/kort.png'?" in problem, problem


def test_a_kits_template_without_fields_takes_those_of_the_shipped_one(make_kit):
    """A kit made before card types declared their fields keeps working."""
    import yaml

    kit = make_kit(LINKED)
    template = kit / "templates" / "dilemma.yaml"
    data = load_yaml(template)
    del data["fields"]
    template.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    run = run_cli("validate", kit)
    assert run.code == 0, run.output
    (kit / "templates" / "question.yaml").write_text(QUESTION_TEMPLATE.replace("fields:", "old_fields:"),
                                                     encoding="utf-8")
    problem = one_problem(kit)
    assert problem.startswith("templates/question.yaml:") and "declares no fields" in problem, problem


# --- new-type -----------------------------------------------------------------------

@pytest.mark.parametrize("source", [None, "dilemma"])
def test_new_type_writes_a_template_that_builds_and_refuses_to_overwrite(make_kit, tmp_path, source):
    kit = make_kit(LINKED)
    args = ("new-type", "forslag", "--kit", kit) + (("--from", source) if source else ())
    run = run_cli(*args)
    assert run.code == 0, run.output
    template = kit / "templates" / "forslag.yaml"
    assert template.is_file() and "Next:" in run.stdout and "type: forslag" in run.stdout
    fields = load_yaml(template)["fields"]
    if source:
        assert fields == load_yaml(kit / "templates" / "dilemma.yaml")["fields"]
        card = "    scenario: En situation.\n    question: Et spørgsmål?\n    formats: [borgerpanel]\n"
    else:
        assert list(fields) == ["text"]
        card = "    text: Et forslag, byrådet kan tage stilling til.\n"
    (kit / "decks" / "forslag.yaml").write_text(
        "type: forslag\nname: Forslag\ncards:\n  - id: et-forslag\n    title: Et forslag\n" + card,
        encoding="utf-8")
    run = run_cli("build", kit, "--out", tmp_path / "out", "--mode", "home")
    assert run.code == 0, run.output
    text = normalise(" ".join(p.extract_text() for p in pypdf.PdfReader(
        tmp_path / "out" / "decks" / "forslag-a4-duplex.pdf").pages))
    assert "Et forslag" in text and "Forslag" in text

    before = template.read_bytes()
    again = run_cli(*args)
    assert again.code == 2 and "already" in again.stderr and "Traceback" not in again.output, again.output
    assert template.read_bytes() == before
    shipped = run_cli("new-type", "dilemma", "--kit", kit)
    assert shipped.code == 2 and "card type 'dilemma' already" in shipped.stderr, shipped.output


def test_an_image_field_is_drawn_where_its_template_says(make_kit, tmp_path):
    """The question type's back draws its `sketch` image field: a magenta
    picture shows in its box on the print-shop page, on the card that has
    one, and nothing on the card that has none."""
    import pypdfium2 as pdfium

    kit = question_kit(make_kit)
    (kit / "pictures").mkdir()
    Image.new("RGB", (40, 30), "#FF00FF").save(kit / "pictures" / "skitse.png")
    deck = kit / "decks" / "spoergsmaal.yaml"
    replace_once(deck, "    horizon: kort sigt", "    horizon: kort sigt\n    sketch: pictures/skitse.png")
    built = build_into(kit, tmp_path / "out", "--mode", "shop")
    cards = [c for c in built.cards if c["deck"] == "spoergsmaal"]
    shop = next(f for f in built.files if f.get("deck") == "spoergsmaal")
    shares = []
    for card in cards:
        [placement] = [p for p in card["placements"] if p["side"] == "back"]
        page = pdfium.PdfDocument(str(built.path(shop["path"])))[placement["page"] - 1]
        scale = 150 / 72
        image = page.render(scale=scale).to_pil().convert("RGB")
        x, y, w, h = placement["trim_mm"]
        px = scale * 72 / 25.4
        top = image.height - (y + h) * px
        box = image.crop((round((x + 4.5) * px), round(top + 26 * px), round((x + 24.5) * px), round(top + 41 * px)))
        data = box.tobytes()  # RGB, a byte each
        magenta = sum(1 for i in range(0, len(data), 3) if data[i] > 200 and data[i + 1] < 60 and data[i + 2] > 200)
        shares.append(magenta / (box.width * box.height))
    with_sketch = [i for i, c in enumerate(load_yaml(deck)["cards"]) if c.get("sketch")]
    assert with_sketch and all(shares[i] > 0.5 for i in with_sketch), shares
    assert all(shares[i] == 0 for i in range(len(cards)) if i not in with_sketch), shares
