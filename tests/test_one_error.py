"""One mistake, one error, at its source.

A deck file that cannot be read (a tab, an unquoted colon, a byte that is
not UTF-8, a NUL, a key given twice, an alias bomb, a file too large, a
link out of the kit) is the one problem reported, at its line and column;
the links into that deck, which only follow from it, are held back and
counted. `validate` and `build` say the same, exit 1, print no traceback,
and the build leaves the earlier output as it was. YAML's traps (a colour
read as a comment, `no` read as false, a number where text was meant) and
ids that are not ids get a hint in words.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kit_helpers import REPO, Earlier, build_into, line_col, load_yaml, replace_once, run_cli, tree_digest

DILEMMAS = "decks/dilemmaer.yaml"
POLITICIANS = "decks/politikerroller.yaml"
TITLE = "    title: Frivillige i SFO’en?"
SECRET = "hemmelig-adgangskode: 1234\n"
HELD_BACK = re.compile(r"^(\d+) problems? that follows? from this (?:were|was) held back", re.MULTILINE)


def problem_lines(run) -> list[str]:
    """The reported problems: the indented lines under 'N problems in the content:'."""
    return [line.strip() for line in run.stderr.splitlines() if line.startswith("  ")]


def refused(kit: Path, earlier: Earlier, *build_options: str) -> tuple[str, int]:
    """validate and build both report exactly one and the same problem and
    exit 1, without a traceback; the build changes nothing. The problem and
    how many problems were held back."""
    found = []
    for run in (run_cli("validate", kit), run_cli("build", kit, "--out", earlier.out, *build_options)):
        assert run.code == 1, run.output
        assert "Traceback" not in run.output and "MemoryError" not in run.output, run.output
        assert problem_lines(run) and re.match(r"^1 problem in ", run.stderr), run.stderr
        assert len(problem_lines(run)) == 1, run.stderr
        held = HELD_BACK.search(run.stderr)
        found.append((problem_lines(run)[0], int(held[1]) if held else 0))
    earlier.assert_unchanged()
    assert found[0] == found[1], found
    return found[0]


def links_into(kit: Path, card_type: str) -> int:
    """How many links the kit's other decks make to cards of a type, read from their YAML."""
    links = {"dialogue-format": {"dilemmas": "dilemma"},
             "dilemma": {"formats": "dialogue-format", "themes": "welfare-theme"}}
    count = 0
    for path in (kit / "decks").glob("*.yaml"):
        deck = load_yaml(path)
        for field, target in links.get(deck["type"], {}).items():
            if target == card_type and deck["type"] != card_type:
                count += sum(len(card.get(field, [])) for card in deck["cards"])
    assert count > 0
    return count


def position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character of a text."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


# --- a deck that cannot be read ------------------------------------------------

def _tab(text):
    return text.replace(TITLE, "\t" + TITLE.lstrip(), 1), TITLE.lstrip(), "\t", "spaces, not tabs"


def _colon(text):
    broken = TITLE.replace("Frivillige i", "Frivillige: i")
    return text.replace(TITLE, broken, 1), broken, ": i", "put the text in quotes"


def _indent(text):
    line = "    scenario: En SFO-leder"
    return text.replace(line, " " + line, 1), " " + line, ": En", "indent"


def _twice(text):
    return text.replace(TITLE + "\n", TITLE + "\n    title: Igen\n", 1), "title: Igen", "title", "twice"


@pytest.mark.parametrize("slip", [_tab, _colon, _indent, _twice], ids=["tab", "colon", "indent", "key-twice"])
def test_a_syntax_error_is_the_one_problem_at_its_place(make_kit, earlier, slip):
    kit = make_kit()
    expected = links_into(kit, "dilemma")
    path = kit / DILEMMAS
    text, needle, at, hint = slip(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    line, column = line_col(path, needle, at=at)
    problem, held = refused(kit, earlier)
    assert problem.startswith(f"{DILEMMAS}:{line}:{column}:"), problem
    assert hint in problem, problem
    assert held == expected


def test_a_board_that_cannot_be_read_holds_back_the_board_that_takes_its_partners(make_kit, earlier):
    kit = make_kit()
    shutil.copytree(REPO / "boards", kit / "boards")
    taker = kit / "boards" / "partnerliste.yaml"  # the shipped list is blank: let it take the matrix's partners
    taker.write_text(taker.read_text(encoding="utf-8") + "partners_from: partnermatrix\n", encoding="utf-8")
    takers = [p for p in (kit / "boards").glob("*.yaml") if load_yaml(p).get("partners_from") == "partnermatrix"]
    assert takers
    path = kit / "boards" / "partnermatrix.yaml"
    path.write_text("\t" + path.read_text(encoding="utf-8"), encoding="utf-8")
    problem, held = refused(kit, earlier)
    assert problem.startswith("boards/partnermatrix.yaml:1:1:") and "spaces, not tabs" in problem, problem
    assert held == len(takers)


def test_a_windows_file_is_told_to_be_saved_as_utf8(make_kit, earlier):
    kit = make_kit()
    expected = links_into(kit, "dilemma")
    path = kit / DILEMMAS
    text = path.read_text(encoding="utf-8").replace("’", "'").replace("–", "-")
    path.write_bytes(text.encode("cp1252"))
    first = next(i for i, char in enumerate(text) if ord(char) > 127)  # the first byte UTF-8 cannot read
    line, column = position(text, first)
    problem, held = refused(kit, earlier)
    assert problem.startswith(f"{DILEMMAS}:{line}:{column}:"), problem
    assert "not UTF-8" in problem and "Windows" in problem and "save it as UTF-8" in problem
    assert held == expected


def test_a_nul_byte_is_found_where_it_is(make_kit, earlier):
    kit = make_kit()
    expected = links_into(kit, "dilemma")
    path = kit / DILEMMAS
    replace_once(path, TITLE, TITLE.replace("i SFO", "i\0SFO"))
    line, column = position(path.read_text(encoding="utf-8"), path.read_text(encoding="utf-8").index("\0"))
    problem, held = refused(kit, earlier)
    assert problem.startswith(f"{DILEMMAS}:{line}:{column}:"), problem
    assert "NUL" in problem
    assert held == expected


def test_an_alias_bomb_is_refused_in_bounded_time_and_memory(make_kit, earlier):
    kit = make_kit()
    expected = links_into(kit, "dilemma")
    lines = ['  a0: &a0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]']
    lines += [f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    with open(kit / DILEMMAS, "a", encoding="utf-8") as fh:
        fh.write("laughs:\n" + "\n".join(lines) + "\n")
    problem, held = refused(kit, earlier)
    assert re.match(rf"^{re.escape(DILEMMAS)}:\d+:\d+: .*aliases", problem), problem
    assert held == expected


def test_a_file_too_large_is_refused_before_it_is_parsed(make_kit, earlier):
    kit = make_kit()
    expected = links_into(kit, "dilemma")
    with open(kit / DILEMMAS, "a", encoding="utf-8") as fh:
        fh.write(("# " + "x" * 1000 + "\n") * 6000)  # about 6 MB of comments
    problem, held = refused(kit, earlier)
    assert problem.startswith(f"{DILEMMAS}: ") and "5 MB" in problem, problem
    assert held == expected


# --- what build and validate read --------------------------------------------------

def test_a_folder_named_yaml_is_a_problem_for_build_as_for_validate(make_kit, tmp_path):
    kit = make_kit(decks=("politikerroller",))
    out = tmp_path / "built"
    build_into(kit, out, "--mode", "shop")
    earlier = Earlier(out, tree_digest(out))
    for folder in ("decks/gammel.yaml", "boards/gammel.yaml"):
        (kit / folder).mkdir(parents=True)
        problem, _ = refused(kit, earlier, "--mode", "shop")
        assert problem.startswith(f"{folder}: ") and "folder" in problem, problem
        (kit / folder).rmdir()
    again = run_cli("build", kit, "--out", out, "--mode", "shop")
    assert again.code == 0 and "Up to date" in again.stdout, again.output
    # the same bytes, now a link to a copy outside the kit: not up to date, refused
    copy = tmp_path / "copy.yaml"
    copy.write_bytes((kit / POLITICIANS).read_bytes())
    (kit / POLITICIANS).unlink()
    (kit / POLITICIANS).symlink_to(copy)
    problem, _ = refused(kit, earlier, "--mode", "shop")
    assert problem.startswith(f"{POLITICIANS}: links outside the kit folder"), problem


@pytest.mark.parametrize("name", ["templates/dilemma.yaml", DILEMMAS, "guide.yaml"])
def test_a_file_linking_outside_the_kit_is_refused_unread(make_kit, earlier, tmp_path, name):
    kit = make_kit()
    outside = tmp_path / "elsewhere.yaml"
    # a valid file of its kind outside the kit, with a secret in it
    original = kit / name if (kit / name).exists() else None
    outside.write_text((original.read_text(encoding="utf-8") if original else "") + "# " + SECRET,
                       encoding="utf-8")
    if original:
        original.unlink()
    (kit / name).symlink_to(outside)
    problem, _ = refused(kit, earlier)
    assert problem == f"{name}: links outside the kit folder; copy the file into the kit instead of linking to it"
    for run in (run_cli("validate", kit), run_cli("build", kit, "--out", earlier.out)):
        assert "hemmelig" not in run.output and str(tmp_path) not in run.output, run.output


# --- YAML's traps and ids -----------------------------------------------------------

@pytest.mark.parametrize("written, hint", [
    ("no", 'YAML reads no as false: put the text in quotes, "no"'),
    ("2027", 'YAML reads 2027 as a number: put the text in quotes, "2027"'),
    ("#1 problem", "'#' starts a comment in YAML, so the value is empty: put the text in quotes"),
])
def test_a_text_yaml_reads_as_something_else_gets_a_hint(make_kit, earlier, written, hint):
    kit = make_kit()
    replace_once(kit / DILEMMAS, TITLE, f"    title: {written}")
    line, column = line_col(kit / DILEMMAS, f"    title: {written}", at=written)
    problem, held = refused(kit, earlier)
    assert problem.startswith(f"{DILEMMAS}:{line}:{column}:") and problem.endswith(hint), problem
    assert held == 0


def test_a_colour_read_as_a_comment_is_told(make_kit, earlier):
    kit = make_kit()
    replace_once(kit / DILEMMAS, "name: Dilemmaer\n", "name: Dilemmaer\ncolour: #A3361F\n")
    line, column = line_col(kit / DILEMMAS, "colour: #A3361F", at="#")
    problem, _ = refused(kit, earlier)
    assert problem.startswith(f"{DILEMMAS}:{line}:{column}: colour:"), problem
    assert "comment" in problem and 'colour: "#A3361F"' in problem


def test_an_id_that_is_not_an_id_gets_one_made_by_the_import_rule(make_kit, earlier):
    kit = make_kit()
    replace_once(kit / POLITICIANS, "  - id: sikkerhedsvagten", "  - id: Ældrerådet på sidelinjen")
    line, column = line_col(kit / POLITICIANS, "Ældrerådet på sidelinjen")
    problem, _ = refused(kit, earlier)
    assert problem.startswith(f"{POLITICIANS}:{line}:{column}:"), problem
    assert problem.endswith("e.g. 'aeldreraadet-paa-sidelinjen'"), problem


def test_a_deck_file_name_that_is_not_an_id_gets_a_new_name(make_kit, earlier):
    kit = make_kit()
    (kit / POLITICIANS).rename(kit / "decks" / "Politikerroller på tværs.yaml")
    problem, _ = refused(kit, earlier)
    assert problem.endswith("rename it politikerroller-paa-tvaers.yaml"), problem


def test_new_makes_the_kit_id_from_the_folder_name_and_says_so(tmp_path):
    run = run_cli("new", tmp_path / "Ærø Kommune")
    assert run.code == 0, run.output
    assert load_yaml(tmp_path / "Ærø Kommune" / "kit.yaml")["id"] == "aeroe-kommune"
    assert "'aeroe-kommune'" in run.stdout, run.stdout
