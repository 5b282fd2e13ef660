"""`workshop-kit import`: a spreadsheet (a real .xlsx written with openpyxl,
or a real CSV file as Excel writes it) becomes a deck file that loads and
builds; every bad row is reported at its row and column, and nothing is
written then.
"""

from __future__ import annotations

import json

import pypdfium2 as pdfium
import pytest
from jsonschema import Draft202012Validator
from openpyxl import Workbook

from kit_helpers import REPO, copy_kit, load_yaml, normalise, tree_digest
from workshop_kit.content.model import slug_from as id_from_title
from workshop_kit.content.spreadsheet import column_letter, split_items

# Two decks that link to no other deck; the dilemmas link to the themes.
BASE_DECKS = ("velfaerdstemaer", "politikerroller")
HEADERS = ["id", "title", "scenario", "question", "formats", "themes"]
GOOD_ROWS = [
    ["frivillige-i-skolen", "Frivillige i skolen",
     "Forældre vil hjælpe i frikvarteret, men lærerne frygter for fagligheden.",
     "Hvor går grænsen for de frivilliges opgaver?", None, "skole\nboern-og-unge"],
    [None, "Ældrerådet på sidelinjen",
     "Ældrerådet hører først om den nye plan, da den er vedtaget.",
     "Hvordan får I rådet med fra starten?", None, "aeldre"],
    [None, None, None, None, None, None],  # a blank row is skipped
    ["sundhed-for-alle", "Sundhed for alle",
     "Sundhedshuset vil nå dem, der aldrig kommer.", "Hvem skal I spørge først?", None,
     "sundhed; aeldre"],
]


def write_xlsx(path, headers, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path, text: str, *, bom: bool, crlf: bool = True):
    data = text.replace("\n", "\r\n") if crlf else text
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))
    return path


@pytest.fixture
def kit(tmp_path):
    return copy_kit(tmp_path / "kit", BASE_DECKS)


def test_a_good_sheet_becomes_a_deck_that_builds(cli, kit, tmp_path):
    sheet = write_xlsx(tmp_path / "dilemmaer.xlsx", HEADERS, GOOD_ROWS)
    run = cli("import", sheet, "--deck", "dilemmaer", "--type", "dilemma", "--kit", kit,
              "--name", "Dilemmaer fra regnearket")
    assert run.code == 0, run.output
    assert "Traceback" not in run.output
    assert "Imported 3 cards" in run.stdout
    assert "row 3: no id; made 'aeldreraadet-paa-sidelinjen' from the title" in run.stderr

    deck_file = kit / "decks" / "dilemmaer.yaml"
    text = deck_file.read_text(encoding="utf-8")
    assert text.split("\n", 1)[0] == "# yaml-language-server: $schema=../schemas/deck-dilemma.schema.json"
    deck = load_yaml(deck_file)
    assert deck["type"] == "dilemma" and deck["name"] == "Dilemmaer fra regnearket"
    assert [c["id"] for c in deck["cards"]] == ["frivillige-i-skolen", "aeldreraadet-paa-sidelinjen",
                                                "sundhed-for-alle"]
    assert deck["cards"][0]["themes"] == ["skole", "boern-og-unge"]  # one item per line
    assert deck["cards"][2]["themes"] == ["sundhed", "aeldre"]       # or separated by ;
    assert "formats" not in deck["cards"][0]                          # an empty cell is left out
    schema = json.loads((REPO / "schemas" / "deck-dilemma.schema.json").read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(deck)) == []

    listed = cli("list", kit, "--json")
    assert listed.code == 0, listed.output
    decks = {d["name"]: d for d in json.loads(listed.stdout)["decks"]}
    assert [c["title"] for c in decks["dilemmaer"]["cards"]] == [
        "Frivillige i skolen", "Ældrerådet på sidelinjen", "Sundhed for alle"]

    out = tmp_path / "out"
    built = cli("build", kit, "--out", out, "--only", "dilemmaer", "--mode", "shop")
    assert built.code == 0, built.output
    doc = pdfium.PdfDocument(str(out / "decks" / "dilemmaer-print-shop.pdf"))
    assert len(doc) == 6  # front and back of three cards
    fronts = [normalise(doc[i].get_textpage().get_text_range()) for i in range(0, len(doc), 2)]
    for front, title in zip(fronts, ["Frivillige i skolen", "Ældrerådet på sidelinjen", "Sundhed for alle"]):
        assert title in front, front


@pytest.mark.parametrize("deck, card_type", [("dilemmaer", "dilemma"), ("dialogformater", "dialogue-format"),
                                             ("velfaerdstemaer", "welfare-theme")])
def test_a_shipped_deck_goes_through_a_sheet_unchanged(cli, tmp_path, deck, card_type):
    """The shipped deck written into an .xlsx as a consultant would, imported
    over itself in a copy of the whole kit: the same cards come back."""
    kit = copy_kit(tmp_path / "kit")
    original = load_yaml(REPO / "decks" / f"{deck}.yaml")
    columns = list(dict.fromkeys(
        (f"{key}.{sub}" if isinstance(value, dict) else key)
        for card in original["cards"] for key, value in card.items()
        for sub in (value if isinstance(value, dict) else [None])))

    def cell(card, column):
        key, _, sub = column.partition(".")
        value = card.get(key, {}).get(sub) if sub else card.get(key)
        if key == "sources" and value:  # one source a line: title | where | url
            return "\n".join(" | ".join([s["title"], s.get("where", ""), s.get("url", "")]).rstrip(" |")
                             for s in value)
        return "\n".join(value) if isinstance(value, list) else value

    sheet = write_xlsx(tmp_path / f"{deck}.xlsx", columns,
                       [[cell(card, c) for c in columns] for card in original["cards"]])
    run = cli("import", sheet, "--deck", deck, "--type", card_type, "--kit", kit, "--force")
    assert run.code == 0, run.output
    imported = load_yaml(kit / "decks" / f"{deck}.yaml")
    assert imported["cards"] == original["cards"]
    assert {k: v for k, v in imported.items() if k != "cards"} == \
        {k: v for k, v in original.items() if k != "cards"}


def test_every_bad_row_is_reported_and_nothing_is_written(cli, kit, tmp_path):
    headers = HEADERS + ["scenarie"]
    rows = [
        ["frivillige-i-skolen", "Frivillige i skolen", "En situation.", "Et spørgsmål?", None, "skole", None],
        ["mangler-scenario", "Uden situation", None, "Et spørgsmål?", None, "skole", None],
        ["Ikke et id", "Forkert id", "En situation.", "Et spørgsmål?", None, None, None],
        ["frivillige-i-skolen", "Samme id igen", "En situation.", "Et spørgsmål?", None, None, None],
        ["forkert-tema", "Forkert tema", "En situation.", "Et spørgsmål?", None, "skole\nÆldre og pleje", None],
        [None, None, None, None, None, None, None],
        ["med-scenarie", "Med scenarie", "En situation.", "Et spørgsmål?", None, None, "overset"],
    ]
    sheet = write_xlsx(tmp_path / "dilemmaer.xlsx", headers, rows)
    before = tree_digest(kit)
    run = cli("import", sheet, "--deck", "dilemmaer", "--type", "dilemma", "--kit", kit)
    assert run.code == 1, run.output
    assert "Traceback" not in run.output
    lines = [line.strip() for line in run.stderr.splitlines()]
    assert "warning: dilemmaer.xlsx: row 1, column G: 'scenarie' names no field; the column is left out; " \
        "did you mean 'scenario'?" in lines, run.stderr
    expected = [
        "dilemmaer.xlsx: row 3, column C (scenario): field required",
        "dilemmaer.xlsx: row 4, column A (id): 'Ikke et id' is not an id: use lowercase a-z, digits "
        "and hyphens, e.g. 'ikke-et-id'",
        "dilemmaer.xlsx: row 5, column A (id): duplicate id 'frivillige-i-skolen' (first used on row 2)",
        "dilemmaer.xlsx: row 6, column F (themes): item 2: 'Ældre og pleje' is not an id: use lowercase "
        "a-z, digits and hyphens, e.g. 'aeldre-og-pleje'",
    ]
    for line in expected:
        assert line in lines, run.stderr
    assert "4 problems in dilemmaer.xlsx:" in run.stderr
    assert sorted(line for line in lines if line.startswith("dilemmaer.xlsx:")) == sorted(expected)
    assert tree_digest(kit) == before


def test_a_missing_required_column_is_reported_once(cli, kit, tmp_path):
    headers = ["id", "title", "scenario", "themes"]
    rows = [["a", "A", "En situation.", "skole"], ["b", "B", None, "skole"]]
    sheet = write_xlsx(tmp_path / "uden.xlsx", headers, rows)
    run = cli("import", sheet, "--deck", "dilemmaer", "--type", "dilemma", "--kit", kit)
    assert run.code == 1, run.output
    lines = [line.strip() for line in run.stderr.splitlines()]
    assert "uden.xlsx: row 1 (question): no column for the required field 'question'" in lines
    assert "uden.xlsx: row 3, column C (scenario): field required" in lines
    assert sum("question" in line for line in lines) == 1, run.stderr
    assert not (kit / "decks" / "dilemmaer.yaml").exists()


def test_an_existing_deck_is_replaced_only_with_force(cli, kit, tmp_path):
    target = kit / "decks" / "velfaerdstemaer.yaml"
    old = target.read_bytes()
    headers = ["id", "title", "summary", "opportunities", "barriers.framework_conditions",
               "barriers.room_for_action", "barriers.professional_practice", "barriers.legislation",
               "questions"]
    rows = [[theme, title, "Hvad står på spil.", "Én mulighed\nEn anden", "Rammer", "Handlerum",
             "Faglighed", "Loven", "Et spørgsmål?"]
            for theme, title in (("aeldre", "Ældre"), ("skole", "Skolen"), ("boern-og-unge", "Børn"),
                                 ("sundhed", "Sundhed"))]
    sheet = write_xlsx(tmp_path / "temaer.xlsx", headers, rows)
    args = ("import", sheet, "--deck", "velfaerdstemaer", "--type", "welfare-theme", "--kit", kit)

    run = cli(*args)
    assert run.code == 2, run.output
    assert "exists; give --force to replace it" in run.stderr
    assert target.read_bytes() == old

    run = cli(*args, "--force")
    assert run.code == 0, run.output
    assert "note: kept name, description of the deck file it replaced" in run.stderr
    deck = load_yaml(target)
    old_deck = load_yaml(REPO / "decks" / "velfaerdstemaer.yaml")
    assert [c["title"] for c in deck["cards"]] == ["Ældre", "Skolen", "Børn", "Sundhed"]
    assert deck["cards"][0]["barriers"]["legislation"] == "Loven"
    assert deck["cards"][0]["opportunities"] == ["Én mulighed", "En anden"]
    # the deck's own name and description stay
    assert deck["name"] == old_deck["name"] and deck["description"] == old_deck["description"]
    assert cli("validate", kit).code == 0


def test_a_kit_check_problem_points_at_the_row_and_leaves_the_old_deck(cli, kit, tmp_path):
    target = kit / "decks" / "velfaerdstemaer.yaml"
    old = target.read_bytes()
    # velfaerdstemaer without 'aeldre', which no longer exists for the dilemma below...
    rows = [["skole", "Skolen", "Hvad står på spil.", "Mulighed", "R", "H", "F", "L", "Spørgsmål?"]]
    headers = ["id", "title", "summary", "opportunities", "barriers.framework_conditions",
               "barriers.room_for_action", "barriers.professional_practice", "barriers.legislation",
               "questions"]
    sheet = write_xlsx(tmp_path / "temaer.xlsx", headers, rows)
    # ...and a dilemma deck that links to it
    dilemmas = write_xlsx(tmp_path / "d.xlsx", HEADERS, [GOOD_ROWS[1]])
    run = cli("import", dilemmas, "--deck", "dilemmaer", "--type", "dilemma", "--kit", kit)
    assert run.code == 0, run.output
    links = (kit / "decks" / "dilemmaer.yaml").read_bytes()

    run = cli("import", sheet, "--deck", "velfaerdstemaer", "--type", "welfare-theme", "--kit", kit, "--force")
    assert run.code == 1, run.output
    assert "Traceback" not in run.output
    assert "decks/dilemmaer.yaml" in run.stderr and "no welfare-theme card has the id 'aeldre'" in run.stderr
    assert target.read_bytes() == old  # put back as it was
    assert (kit / "decks" / "dilemmaer.yaml").read_bytes() == links

    # a link of the imported sheet itself is reported at its row and column
    bad = write_xlsx(tmp_path / "links.xlsx", HEADERS,
                     [GOOD_ROWS[0], ["x", "X", "S.", "Q?", None, "skole\nskoel"]])
    run = cli("import", bad, "--deck", "flere", "--type", "dilemma", "--kit", kit)
    assert run.code == 1, run.output
    assert "links.xlsx: row 3, column F (themes): no welfare-theme card has the id 'skoel'; " \
           "did you mean 'skole'?" in run.stderr
    assert not (kit / "decks" / "flere.yaml").exists()


def test_text_that_does_not_fit_points_at_the_cell(cli, kit, tmp_path):
    rows = [["lang", "Lang", "Situationen " * 200, "Spørgsmål?", None, "skole"]]
    sheet = write_xlsx(tmp_path / "lang.xlsx", HEADERS, rows)
    run = cli("import", sheet, "--deck", "lange", "--type", "dilemma", "--kit", kit)
    assert run.code == 1, run.output
    assert "lang.xlsx: row 2, column C (scenario):" in run.stderr, run.stderr
    assert not (kit / "decks" / "lange.yaml").exists()


CSV_FORMATS = """\
id;title;what;when;who;effort.time;effort.resources;legal_basis;dilemmas
borgersamling;Borgersamling;"Lodtrukne borgere; mødes flere gange";Ved svære prioriteringer;Bredt ud;3–4 måneder;Facilitering;;
;Opgaveudvalg;Et midlertidigt udvalg;Når en plan skal udvikles;Engagerede borgere;6–12 måneder;Sekretær;Styrelseslovens § 17, stk. 4;
"""  # noqa: E501 (each row of the file is one line)


def test_a_semicolon_csv_with_a_bom_as_excel_writes_it(cli, kit, tmp_path):
    sheet = write_csv(tmp_path / "formater.csv", CSV_FORMATS, bom=True)
    run = cli("import", sheet, "--deck", "dialogformater", "--type", "dialogue-format", "--kit", kit,
              "--name", "Dialogformater")
    assert run.code == 0, run.output
    deck = load_yaml(kit / "decks" / "dialogformater.yaml")
    first, second = deck["cards"]
    assert first == {"id": "borgersamling", "title": "Borgersamling",
                     "what": "Lodtrukne borgere; mødes flere gange", "when": "Ved svære prioriteringer",
                     "who": "Bredt ud", "effort": {"time": "3–4 måneder", "resources": "Facilitering"}}
    assert second["id"] == "opgaveudvalg" and second["legal_basis"] == "Styrelseslovens § 17, stk. 4"


def test_a_comma_csv_without_a_bom(cli, kit, tmp_path):
    text = CSV_FORMATS.replace('"Lodtrukne borgere; mødes flere gange"', '"Lodtrukne borgere, mødes"')
    text = text.replace(";", ",").replace("Styrelseslovens § 17, stk. 4", '"Styrelseslovens § 17, stk. 4"')
    sheet = write_csv(tmp_path / "formater.csv", text, bom=False, crlf=False)
    run = cli("import", sheet, "--deck", "dialogformater", "--type", "dialogue-format", "--kit", kit)
    assert run.code == 0, run.output
    deck = load_yaml(kit / "decks" / "dialogformater.yaml")
    assert deck["cards"][0]["what"] == "Lodtrukne borgere, mødes"
    assert deck["cards"][1]["effort"] == {"time": "6–12 måneder", "resources": "Sekretær"}
    assert deck["cards"][1]["legal_basis"] == "Styrelseslovens § 17, stk. 4"


def test_a_nested_cell_missing_is_reported_at_its_column(cli, kit, tmp_path):
    text = CSV_FORMATS.replace(";Facilitering;", ";;")
    sheet = write_csv(tmp_path / "formater.csv", text, bom=True)
    run = cli("import", sheet, "--deck", "dialogformater", "--type", "dialogue-format", "--kit", kit)
    assert run.code == 1, run.output
    assert "formater.csv: row 2, column G (effort.resources): field required" in run.stderr, run.stderr
    assert not (kit / "decks" / "dialogformater.yaml").exists()


def test_a_csv_that_is_not_utf8(cli, kit, tmp_path):
    sheet = tmp_path / "ansi.csv"
    sheet.write_bytes("id;title\nx;Ældre\n".encode("cp1252"))
    run = cli("import", sheet, "--deck", "x", "--type", "dilemma", "--kit", kit)
    assert run.code == 1, run.output
    assert "Traceback" not in run.output
    assert "not UTF-8 text; in Excel, save it as 'CSV UTF-8'" in run.stderr


@pytest.mark.parametrize("args, message", [
    (("--deck", "Mine Dilemmaer", "--type", "dilemma"), "must be lowercase"),
    (("--deck", "x", "--type", "dilema"), "unknown card type 'dilema'; did you mean 'dilemma'?"),
])
def test_wrong_use_exits_2(cli, kit, tmp_path, args, message):
    sheet = write_xlsx(tmp_path / "s.xlsx", HEADERS, GOOD_ROWS)
    run = cli("import", sheet, *args, "--kit", kit)
    assert run.code == 2, run.output
    assert message in run.stderr


def test_id_from_title():
    assert id_from_title("Ældrerådet på sidelinjen") == "aeldreraadet-paa-sidelinjen"
    assert id_from_title("  Frivillige i SFO’en!  ") == "frivillige-i-sfo-en"
    assert id_from_title("Café & sundhed – 2025") == "cafe-sundhed-2025"
    assert id_from_title("Øst for Å") == "oest-for-aa"


def test_list_cells_and_column_letters():
    assert split_items("a\n b \n\nc") == ["a", "b", "c"]
    assert split_items("a; b;") == ["a", "b"]
    assert split_items("Hvad nu; og så?\nto") == ["Hvad nu; og så?", "to"]  # lines win over ;
    assert [column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
