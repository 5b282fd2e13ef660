"""Spreadsheets as people keep them: Danish or English headers, extra
columns, a named sheet, every problem of a sheet in one run, CSV with any
standard quoting, a workbook that would unpack to too much; and `export`,
which writes a deck back to a sheet that `import` turns into the same deck
file. Every sheet is a real .xlsx written with openpyxl or a real CSV file,
and every run is the real command.
"""

from __future__ import annotations

import io
import resource
import shutil
import struct
import zipfile
from contextlib import contextmanager

import openpyxl
import pytest
from openpyxl import Workbook

from kit_helpers import ALL_DECKS, REPO, copy_kit, line_col, load_yaml, run_cli, tree_digest
from workshop_kit.builtin import builtin

DA, EN = builtin("labels/da"), builtin("labels/en")
BASE_DECKS = ("velfaerdstemaer", "politikerroller")  # the dilemmas below link to the themes


def write_xlsx(path, *sheets: tuple[str, list[list]]):
    """A workbook with these sheets (title, rows), in this order."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def problem_lines(run, file: str) -> list[str]:
    return [line.strip() for line in run.stderr.splitlines() if line.strip().startswith(f"{file}:")]


@pytest.fixture
def kit(tmp_path):
    return copy_kit(tmp_path / "kit", BASE_DECKS)


DILEMMA_ROWS = [
    ["frivillige-i-skolen", "Frivillige i skolen", "Forældre vil hjælpe i frikvarteret.",
     "Hvor går grænsen?", "skole\nboern-og-unge"],
    ["aeldreraadet", "Ældrerådet på sidelinjen", "Rådet hører først om planen, da den er vedtaget.",
     "Hvordan får I rådet med?", "aeldre"],
]


@pytest.mark.parametrize("labels", [DA, EN], ids=["danish", "english"])
def test_headers_in_the_language_of_the_cards(kit, tmp_path, labels):
    """The labels the cards print as headings name the columns, in Danish or
    English, whatever the case and spacing."""
    title = "Titel" if labels is DA else "Title"
    headers = ["ID", f"  {title.upper()} ", labels["scenario"], labels["question"].lower(), labels["themes"]]
    sheet = write_xlsx(tmp_path / "kort.xlsx", ("Ark1", [headers, *DILEMMA_ROWS]))
    run = run_cli("import", sheet, "--deck", "dilemmaer", "--type", "dilemma", "--kit", kit)
    assert run.code == 0, run.output
    assert "warning: kort.xlsx" not in run.stderr
    cards = load_yaml(kit / "decks" / "dilemmaer.yaml")["cards"]
    assert cards[0] == {"id": "frivillige-i-skolen", "title": "Frivillige i skolen",
                        "scenario": "Forældre vil hjælpe i frikvarteret.", "question": "Hvor går grænsen?",
                        "themes": ["skole", "boern-og-unge"]}
    assert cards[1]["themes"] == ["aeldre"]


def test_nested_fields_by_their_labels(kit, tmp_path):
    """A nested field by its own label ('Rammevilkår') or after its parent's
    ('Barrierer og dilemmaer: Handlerum'), next to field names."""
    headers = ["id", "Titel", DA["summary"], DA["opportunities"], DA["framework_conditions"],
               f"{DA['barriers']}: {DA['room_for_action']}", "barriers.professional_practice",
               EN["legislation"], DA["questions"]]
    row = ["skole", "Skolen", "Hvad står på spil.", "Én mulighed\nEn anden", "Rammer", "Rum", "Fag", "Loven",
           "Et spørgsmål?"]
    sheet = write_xlsx(tmp_path / "temaer.xlsx", ("Temaer", [headers, row]))
    run = run_cli("import", sheet, "--deck", "temaer", "--type", "welfare-theme", "--kit", kit)
    assert run.code == 0, run.output
    card = load_yaml(kit / "decks" / "temaer.yaml")["cards"][0]
    assert card["barriers"] == {"framework_conditions": "Rammer", "room_for_action": "Rum",
                                "professional_practice": "Fag", "legislation": "Loven"}
    assert card["opportunities"] == ["Én mulighed", "En anden"] and card["questions"] == ["Et spørgsmål?"]


def test_an_extra_column_is_left_out_with_a_warning(kit, tmp_path):
    headers = ["id", "Titel", "Situationen", "Spørgsmålet til byrådet", "Noter", "Temaer", "Senarie"]
    rows = [row[:4] + ["Husk at spørge Per", row[4], "x"] for row in DILEMMA_ROWS]
    sheet = write_xlsx(tmp_path / "kort.xlsx", ("Ark1", [headers, *rows]))
    run = run_cli("import", sheet, "--deck", "dilemmaer", "--type", "dilemma", "--kit", kit)
    assert run.code == 0, run.output
    warnings = [line for line in run.stderr.splitlines() if line.startswith("warning: kort.xlsx")]
    assert warnings == [
        "warning: kort.xlsx: row 1, column E: 'Noter' names no field; the column is left out; "
        "the fields of a dilemma card: id, title, qr_url, form, form_url, code, copies, picture, scenario, "
        "question, formats, themes, sources",
        "warning: kort.xlsx: row 1, column G: 'Senarie' names no field; the column is left out; "
        "did you mean 'scenario'?",
    ], run.stderr
    cards = load_yaml(kit / "decks" / "dilemmaer.yaml")["cards"]
    assert [c["id"] for c in cards] == ["frivillige-i-skolen", "aeldreraadet"]
    assert "Husk at spørge Per" not in (kit / "decks" / "dilemmaer.yaml").read_text(encoding="utf-8")


def test_a_named_sheet(kit, tmp_path):
    cover = ("Forside", [["Dilemmaer til temadagen"], ["Udfyld arket 'Dilemmaer'."]])
    cards = ("Dilemmaer", [["id", "Titel", "Situationen", "Spørgsmålet til byrådet", "Temaer"], *DILEMMA_ROWS])
    sheet = write_xlsx(tmp_path / "temadag.xlsx", cover, cards)
    args = ("import", sheet, "--deck", "dilemmaer", "--type", "dilemma", "--kit", kit)

    run = run_cli(*args, "--sheet", "Dilemmaer")
    assert run.code == 0, run.output
    assert [c["title"] for c in load_yaml(kit / "decks" / "dilemmaer.yaml")["cards"]] == [
        "Frivillige i skolen", "Ældrerådet på sidelinjen"]

    before = tree_digest(kit)
    run = run_cli(*args, "--force", "--sheet", "Dilemaer")
    assert run.code == 1, run.output
    assert "Traceback" not in run.output
    assert problem_lines(run, "temadag.xlsx") == [
        "temadag.xlsx: no sheet named 'Dilemaer'; did you mean 'Dilemmaer'? (the sheets: 'Forside', 'Dilemmaer')"]
    assert tree_digest(kit) == before

    run = run_cli(*args, "--force")  # the first sheet is not the cards
    assert run.code == 1, run.output
    assert "temadag.xlsx: row 1 (scenario): no column for the required field 'scenario'" in run.stderr


def test_every_problem_of_a_sheet_in_one_run(kit, tmp_path):
    headers = ["id", "Titel", "Situationen", "Spørgsmålet til byrådet", "Temaer"]
    rows = [
        DILEMMA_ROWS[0],
        ["uden-titel", None, "En situation.", "Et spørgsmål?", "skole"],            # row 3
        ["forkert-tema", "Forkert tema", "En situation.", "Et spørgsmål?", "Skolen"],  # row 4
        DILEMMA_ROWS[1],
        ["Uden Situation", "Uden situation", None, "Et spørgsmål?", None],          # row 6: two problems
    ]
    sheet = write_xlsx(tmp_path / "kort.xlsx", ("Ark1", [headers, *rows]))
    before = tree_digest(kit)
    run = run_cli("import", sheet, "--deck", "dilemmaer", "--type", "dilemma", "--kit", kit)
    assert run.code == 1, run.output
    assert "Traceback" not in run.output
    assert "4 problems in kort.xlsx:" in run.stderr
    assert problem_lines(run, "kort.xlsx") == [
        "kort.xlsx: row 3, column B (title): field required",
        "kort.xlsx: row 4, column E (themes): item 1: 'Skolen' is not an id: use lowercase a-z, digits and "
        "hyphens, e.g. 'skolen'",
        "kort.xlsx: row 6, column A (id): 'Uden Situation' is not an id: use lowercase a-z, digits and "
        "hyphens, e.g. 'uden-situation'",
        "kort.xlsx: row 6, column C (scenario): field required",
    ]
    assert tree_digest(kit) == before


def test_a_csv_cell_with_doubled_quotes_stays_one_cell(kit, tmp_path):
    """Excel quotes a cell with a quote in it and doubles the quote; the
    header line has no quotes at all."""
    text = ("id;title;scenario;question;themes\r\n"
            'hej;Hej;"Sig ""hej"", du; og gå så";Hvad nu?;skole\r\n'
            'farvel;Farvel;"To linjer:\r\n""farvel""";"Og så?";aeldre\r\n')
    sheet = tmp_path / "kort.csv"
    sheet.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    run = run_cli("import", sheet, "--deck", "dilemmaer", "--type", "dilemma", "--kit", kit)
    assert run.code == 0, run.output
    first, second = load_yaml(kit / "decks" / "dilemmaer.yaml")["cards"]
    assert first == {"id": "hej", "title": "Hej", "scenario": 'Sig "hej", du; og gå så', "question": "Hvad nu?",
                     "themes": ["skole"]}
    assert second["scenario"] == 'To linjer:\n"farvel"' and second["themes"] == ["aeldre"]


def test_a_too_long_cell_is_a_problem_at_its_cell(kit, tmp_path):
    rows = [["id", "Titel", "Situationen", "Spørgsmålet til byrådet", "Temaer"],
            DILEMMA_ROWS[0], ["lang", "Lang", "x" * 20_000, "Et spørgsmål?", "Skole"]]
    sheet = write_xlsx(tmp_path / "lang.xlsx", ("Ark1", rows))
    run = run_cli("import", sheet, "--deck", "lange", "--type", "dilemma", "--kit", kit)
    assert run.code == 1, run.output
    assert problem_lines(run, "lang.xlsx") == [  # and the rest of the row is checked in the same run
        "lang.xlsx: row 3, column C: the cell has 20000 characters; at most 10000",
        "lang.xlsx: row 3, column E (themes): item 1: 'Skole' is not an id: use lowercase a-z, digits and "
        "hyphens, e.g. 'skole'"]
    assert not (kit / "decks" / "lange.yaml").exists()


def write_zip_bomb(path, megabytes: int):
    """A real workbook whose first sheet is made to unpack to `megabytes` MB
    of rows, each a cell with 'x'. It is written a megabyte at a time and
    takes about a thousandth of that on disk."""
    small = io.BytesIO()
    write_xlsx(small, ("Ark1", [["id", "title"]]))
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    chunk = row * -(-(1 << 20) // len(row))  # a megabyte or a few bytes more
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info.filename, source.read(info))
                continue
            with out.open(info.filename, "w", force_zip64=megabytes > 1000) as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                            b"<sheetData>")
                for _ in range(megabytes):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return path


@contextmanager
def address_space(limit: int):
    """Processes started inside get at most `limit` bytes of address space,
    or this process's own size and 512 MB more if that is larger, so that
    this process can go on while it waits (the soft limit of this process,
    which they inherit, put back after)."""
    with open("/proc/self/status", encoding="ascii") as status:
        size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = max(limit, size + (512 << 20))
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(kit, tmp_path):
    sheet = write_zip_bomb(tmp_path / "kort.xlsx", 200)
    assert sheet.stat().st_size < 2 * 1024 * 1024
    with zipfile.ZipFile(sheet) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 200 * 1024 * 1024
    before = tree_digest(kit)
    with address_space(1 << 30):  # unpacked into openpyxl's cells, the sheet takes several times that
        run = run_cli("import", sheet, "--deck", "dilemmaer", "--type", "dilemma", "--kit", kit)
    assert run.code == 1, run.output
    assert "Traceback" not in run.output and "MemoryError" not in run.output
    assert problem_lines(run, "kort.xlsx") == [
        "kort.xlsx: the workbook unpacks to 200 MB; a sheet of cards may unpack to at most 100 MB"]
    assert tree_digest(kit) == before


def understate(path, member: str, size: int) -> None:
    """Make the zip's local header and central directory say that `member` unpacks to `size` bytes."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, name_length, name_start, size_at in ((b"PK\x01\x02", 28, 46, 24), (b"PK\x03\x04", 26, 30, 22)):
        at = data.find(signature)
        while at != -1:
            length = struct.unpack_from("<H", data, at + name_length)[0]
            if data[at + name_start:at + name_start + length] == name:
                struct.pack_into("<I", data, at + size_at, size)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def test_a_workbook_that_unpacks_to_more_than_it_states(kit, tmp_path):
    """zipfile stops at the stated size, and the part then fails its checksum."""
    sheet = write_zip_bomb(tmp_path / "kort.xlsx", 5)
    with zipfile.ZipFile(sheet) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 5 * 1024 * 1024
    understate(sheet, "xl/worksheets/sheet1.xml", 1000)
    with zipfile.ZipFile(sheet) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    run = run_cli("import", sheet, "--deck", "dilemmaer", "--type", "dilemma", "--kit", kit)
    assert run.code == 1, run.output
    assert "Traceback" not in run.output
    assert problem_lines(run, "kort.xlsx") == [
        "kort.xlsx: cannot be read as an Excel workbook (Bad CRC-32 for file 'xl/worksheets/sheet1.xml')"]


def test_a_file_too_large_and_a_sheet_too_wide(kit, tmp_path):
    big = tmp_path / "stor.csv"
    big.write_bytes(b"id;title\n" + b"a;" + b"x" * (21 * 1024 * 1024) + b"\n")
    run = run_cli("import", big, "--deck", "x", "--type", "dilemma", "--kit", kit)
    assert run.code == 1 and "Traceback" not in run.output, run.output
    assert problem_lines(run, "stor.csv") == ["stor.csv: the file is 21 MB; a sheet of cards may be at most 20 MB"]

    wide = write_xlsx(tmp_path / "bred.xlsx", ("Ark1", [["id", "title"] + ["x"] * 300, ["a", "A"]]))
    run = run_cli("import", wide, "--deck", "x", "--type", "dilemma", "--kit", kit)
    assert run.code == 1 and "Traceback" not in run.output, run.output
    assert problem_lines(run, "bred.xlsx") == ["bred.xlsx: row 1, column GS: a sheet of cards may have at most "
                                               "200 columns"]


# --- export ---------------------------------------------------------------------

@pytest.mark.parametrize("language, suffix", [("da", ".xlsx"), ("da", ".csv"), ("en", ".xlsx")])
def test_every_shipped_deck_goes_round_a_sheet_unchanged(tmp_path, language, suffix):
    """export, then import over the deck: the same deck, data and text, for
    the five decks of the shipped kit and of the English one."""
    if language == "da":
        kit, shipped = copy_kit(tmp_path / "kit", ALL_DECKS), REPO
    else:
        kit, shipped = shutil.copytree(REPO / "kits" / "en", tmp_path / "kit"), REPO / "kits" / "en"
    decks = sorted(p.stem for p in (shipped / "decks").glob("*.yaml"))
    assert len(decks) == 5
    for deck in decks:
        path = kit / "decks" / f"{deck}.yaml"
        original, data = path.read_bytes(), load_yaml(shipped / "decks" / f"{deck}.yaml")
        sheet = tmp_path / f"{deck}{suffix}"
        run = run_cli("export", deck, "-o", sheet, "--kit", kit)
        assert run.code == 0, run.output
        assert f"Exported {len(data['cards'])} cards of decks/{deck}.yaml to {sheet}" in run.stdout
        run = run_cli("import", sheet, "--deck", deck, "--type", data["type"], "--kit", kit, "--force")
        assert run.code == 0, run.output
        assert load_yaml(path) == data
        assert path.read_bytes() == original


def test_the_exported_sheet_is_headed_in_the_kits_language(tmp_path):
    kit = copy_kit(tmp_path / "kit", ALL_DECKS)
    sheet = tmp_path / "formater.xlsx"
    run = run_cli("export", "dialogformater", "-o", sheet, "--kit", kit)
    assert run.code == 0, run.output
    book = openpyxl.load_workbook(sheet)
    assert book.sheetnames == ["dialogformater"]
    rows = [[c.value for c in row] for row in book["dialogformater"].iter_rows()]
    declared = load_yaml(REPO / "templates" / "dialogue-format.yaml")["fields"]  # headings of its own
    assert rows[0] == ["id", "Titel", DA["what"], DA["when"], DA["who"], declared["mandate"]["label"]["da"],
                       DA["time"], DA["resources"], DA["legal_basis"], declared["case"]["label"]["da"],
                       declared["example"]["label"]["da"], DA["dilemmas"], DA["sources"]]
    deck = load_yaml(REPO / "decks" / "dialogformater.yaml")
    assert len(rows) == len(deck["cards"]) + 1
    first = deck["cards"][0]
    assert rows[1][:2] == [first["id"], first["title"]]
    assert rows[1][6] == first["effort"]["time"] and rows[1][11] == "\n".join(first["dilemmas"])

    english = tmp_path / "en.csv"
    run = run_cli("export", "dilemmas", "-o", english, "--kit", REPO / "kits" / "en")
    assert run.code == 0, run.output
    header = english.read_bytes().decode("utf-8-sig").split("\r\n", 1)[0]
    assert header == ",".join(["id", "Title", EN["scenario"], EN["question"], EN["formats"], EN["themes"],
                               EN["sources"]])


def test_text_a_spreadsheet_could_take_for_a_formula_or_a_list_goes_round(tmp_path, kit):
    deck = kit / "decks" / "politikerroller.yaml"
    text = deck.read_text(encoding="utf-8")
    text = text.replace("tagline: Bestiller lige en ekstra analyse", "tagline: '=Bestiller; en analyse mere'", 1)
    text = text.replace("      - Fanger juridiske og økonomiske faldgruber i tide\n"
                        "      - Giver borgerne et solidt grundlag at drøfte ud fra\n",
                        "      - '-1 analyse; +2 notater'\n", 1)
    deck.write_text(text, encoding="utf-8")
    expected = load_yaml(deck)
    assert expected["cards"][0]["strengths"] == ["-1 analyse; +2 notater"]
    for suffix in (".xlsx", ".csv"):
        sheet = tmp_path / f"roller{suffix}"
        run = run_cli("export", "politikerroller", "-o", sheet, "--kit", kit)
        assert run.code == 0, run.output
        run = run_cli("import", sheet, "--deck", "politikerroller", "--type", "politician-role", "--kit", kit,
                      "--force")
        assert run.code == 0, run.output
        assert load_yaml(deck) == expected


@pytest.mark.parametrize("args, message", [
    (("export", "dilemaer", "-o", "x.xlsx"), "no deck 'dilemaer' in "),
    (("export", "dilemmaer", "-o", "x.ods"), "x.ods: give a file name that ends in .xlsx or .csv"),
])
def test_export_wrong_use_exits_2(tmp_path, args, message):
    kit = copy_kit(tmp_path / "kit", ALL_DECKS)
    run = run_cli(*args, "--kit", kit, cwd=tmp_path)
    assert run.code == 2, run.output
    assert message in run.stderr
    assert not any(tmp_path.glob("x.*"))


def test_export_refuses_a_card_with_its_own_form(tmp_path):
    kit = copy_kit(tmp_path / "kit", ALL_DECKS)
    deck = kit / "decks" / "dilemmaer.yaml"
    text = deck.read_text(encoding="utf-8")
    deck.write_text(text.replace("    title: Frivillige i SFO’en?\n", "    title: Frivillige i SFO’en?\n"
                                 "    form:\n      questions:\n        - id: enig\n          text: Er du enig?\n"
                                 "          type: text\n", 1), encoding="utf-8")
    assert run_cli("validate", kit).code == 0
    line, column = line_col(deck, "questions:")
    run = run_cli("export", "dilemmaer", "-o", tmp_path / "d.xlsx", "--kit", kit)
    assert run.code == 1, run.output
    assert f"decks/dilemmaer.yaml:{line}:{column}: cards[0].form: " \
           "card 'frivillige-i-sfo' has a follow-up form of its own, " \
           "which a spreadsheet cannot hold" in run.stderr
    assert not (tmp_path / "d.xlsx").exists()
