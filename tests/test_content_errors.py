"""Broken content: every problem is reported with file:line:column and the
field, the exit status is 1, there is no traceback, and the previous
output stays byte for byte as it was.

Each case copies the shipped kit into a temporary folder, breaks one
thing, and builds into a copy of the session's earlier build output.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kit_helpers import REPO, Earlier, line_col, load_yaml, replace_once, tree_digest, use_url_template

POLITICIANS = "decks/politikerroller.yaml"
THEMES = "decks/velfaerdstemaer.yaml"
DILEMMAS = "decks/dilemmaer.yaml"
FIRST_TAGLINE = "    tagline: Bestiller lige en ekstra analyse"


def field_pattern(*parts) -> str:
    """A regex for a field path such as cards[0].tagline; the card's id may
    follow its index, as in cards[0] (id: x).tagline."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += rf"\[{part}\](?: \(id: [a-z0-9-]+\))?"
        else:
            out += (r"\." if out else "") + re.escape(part)
    return out


def rejected(cli, kit: Path, earlier: Earlier, command: str = "build", code: int = 1):
    args = ["--out", earlier.out] if command == "build" else []
    run = cli(command, kit, *args)
    assert run.code == code, run.output
    assert "Traceback" not in run.output, run.output
    assert "Traceback" not in run.stderr
    earlier.assert_unchanged()
    return run


def problem_at(run, file: str, line: int, column: int | None = None) -> str:
    """The rest of the reported problem at file:line[:column] (must exist)."""
    for match in run.problems():
        if match["file"] == file and int(match["line"]) == line \
                and (column is None or int(match["col"]) == column):
            return match["rest"]
    raise AssertionError(f"no problem reported at {file}:{line}:{column}:\n{run.stderr}")


# --- one problem each -------------------------------------------------------------

def test_malformed_yaml(cli, make_kit, earlier):
    kit = make_kit()
    replace_once(kit / POLITICIANS, FIRST_TAGLINE, "    tagline: Bestiller: lige en ekstra analyse")
    line, column = line_col(kit / POLITICIANS, "tagline: Bestiller: lige", at=": lige")
    run = rejected(cli, kit, earlier)
    rest = problem_at(run, POLITICIANS, line, column)
    assert "YAML" in rest


def test_unknown_key_gets_a_did_you_mean_hint(cli, make_kit, earlier):
    kit = make_kit()
    replace_once(kit / POLITICIANS, "    title: Sikkerhedsvagten", "    titel: Sikkerhedsvagten")
    line, column = line_col(kit / POLITICIANS, "titel: Sikkerhedsvagten", at="titel")
    run = rejected(cli, kit, earlier)
    rest = problem_at(run, POLITICIANS, line, column)
    assert re.search(field_pattern("cards", 0, "titel"), rest), rest
    assert "did you mean 'title'" in rest
    # one mistake, one problem: the field the key was meant to be is not reported missing too
    assert len(run.problems()) == 1, run.stderr
    assert "missing required field 'title'" not in run.stderr


def test_missing_required_field(cli, make_kit, earlier):
    kit = make_kit()
    replace_once(kit / POLITICIANS, FIRST_TAGLINE + "\n", "")
    # reported at the card that lacks it
    line, column = line_col(kit / POLITICIANS, "- id: sikkerhedsvagten", at="id")
    run = rejected(cli, kit, earlier)
    rest = problem_at(run, POLITICIANS, line, column)
    assert re.search(field_pattern("cards", 0), rest), rest
    assert "missing" in rest and "tagline" in rest


def test_wrong_type(cli, make_kit, earlier):
    kit = make_kit()
    replace_once(kit / POLITICIANS, FIRST_TAGLINE, "    tagline: 42")
    line, column = line_col(kit / POLITICIANS, "tagline: 42", at="42")
    run = rejected(cli, kit, earlier)
    rest = problem_at(run, POLITICIANS, line, column)
    assert re.search(field_pattern("cards", 0, "tagline"), rest), rest
    assert "string" in rest and "42" in rest


def test_duplicate_card_id_names_both_lines(cli, make_kit, earlier):
    kit = make_kit()
    first, _ = line_col(kit / POLITICIANS, "- id: sikkerhedsvagten")
    replace_once(kit / POLITICIANS, "  - id: facitlisten", "  - id: sikkerhedsvagten")
    text = (kit / POLITICIANS).read_text(encoding="utf-8").splitlines()
    second = [n for n, line in enumerate(text, 1) if "- id: sikkerhedsvagten" in line][1]
    run = rejected(cli, kit, earlier)
    rest = problem_at(run, POLITICIANS, second, text[second - 1].index("sikkerhedsvagten") + 1)
    assert re.search(field_pattern("cards", 1, "id"), rest), rest
    assert "duplicate" in rest and "sikkerhedsvagten" in rest
    assert re.search(rf"\b{first}\b", rest), f"the first use (line {first}) is not named: {rest}"


def test_link_to_a_card_that_does_not_exist(cli, make_kit, earlier):
    kit = make_kit()
    replace_once(kit / DILEMMAS, "      - partnerskab\n", "      - partnerskaab\n")
    line, column = line_col(kit / DILEMMAS, "- partnerskaab", at="partnerskaab")
    run = rejected(cli, kit, earlier)
    rest = problem_at(run, DILEMMAS, line, column)
    assert re.search(field_pattern("cards", 0, "formats") + r"\[0\]", rest), rest
    assert "partnerskaab" in rest and "did you mean 'partnerskab'" in rest


def test_text_that_cannot_fit_names_deck_card_and_field(cli, make_kit, earlier):
    kit = make_kit()
    long = " ".join(["Borgerne møder op til et langt og svært møde om skolen."] * 27)
    assert 1400 < len(long) < 1600
    replace_once(kit / DILEMMAS, "    scenario: En SFO-leder", f"    scenario: {long} En SFO-leder")
    line, column = line_col(kit / DILEMMAS, "    scenario: Borgerne", at="Borgerne")
    run = rejected(cli, kit, earlier)
    rest = problem_at(run, DILEMMAS, line, column)
    assert "dilemmaer" in rest                    # the deck
    assert "frivillige-i-sfo" in rest             # the card
    assert re.search(field_pattern("cards", 0, "scenario"), rest), rest
    assert "fit" in rest


@pytest.mark.parametrize("url", ["ftp://example.org/f/{kit}/{deck}/{card}",
                                 "example.org/f/{kit}/{deck}/{card}"], ids=["ftp", "no-scheme"])
def test_bad_follow_up_url(cli, make_kit, earlier, url):
    kit = make_kit()
    use_url_template(kit, url)
    line, column = line_col(kit / "kit.yaml", f"url: {url}", at=url)
    run = rejected(cli, kit, earlier)
    rest = problem_at(run, "kit.yaml", line, column)
    assert "follow_up.url" in rest and "https://" in rest


def test_unknown_placeholder_in_the_url_template(cli, make_kit, earlier):
    kit = make_kit()
    use_url_template(kit)
    replace_once(kit / "kit.yaml", "/{card}", "/{kort}")
    line, column = line_col(kit / "kit.yaml", "{kort}", at="https://")
    run = rejected(cli, kit, earlier)
    rest = problem_at(run, "kit.yaml", line, column)
    assert "follow_up.url" in rest and "{kort}" in rest


def test_a_broken_card_does_not_break_the_links_to_its_deck(cli, make_kit, earlier):
    kit = make_kit()
    replace_once(kit / DILEMMAS, "    question: Hvad skylder", "    questoin: Hvad skylder")
    run = rejected(cli, kit, earlier)
    [problem] = run.problems()  # unknown questoin, meant to be question (so not also reported missing)
    assert problem["file"] == DILEMMAS and "did you mean 'question'" in problem["rest"], run.stderr
    assert "no dilemma card" not in run.stderr


def test_a_label_with_an_unknown_placeholder(cli, make_kit, earlier):
    kit = make_kit()
    with open(kit / "kit.yaml", "a", encoding="utf-8") as fh:
        fh.write('labels:\n  number: "Kort {n} af {alle}"\n')
    line, column = line_col(kit / "kit.yaml", "Kort {n}", at='"Kort')
    run = rejected(cli, kit, earlier)
    rest = problem_at(run, "kit.yaml", line, column)
    assert "labels.number" in rest and "{alle}" in rest and "{total}" in rest


def test_missing_kit_yaml(cli, make_kit, earlier):
    kit = make_kit()
    (kit / "kit.yaml").unlink()
    run = rejected(cli, kit, earlier, code=2)  # not a kit's folder: a usage error
    assert f"no kit.yaml in {kit}" in run.stderr


def test_empty_deck(cli, make_kit, earlier):
    kit = make_kit()
    path = kit / POLITICIANS
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("cards:")] + "cards: []\n", encoding="utf-8")
    line, column = line_col(path, "cards: []", at="[]")
    run = rejected(cli, kit, earlier)
    rest = problem_at(run, POLITICIANS, line, column)
    assert re.match(r"\s*cards:", rest), rest


# --- several problems at once, validate, usage errors ----------------------------

def _break_three_files(kit: Path) -> None:
    replace_once(kit / "kit.yaml", "url: https://", "url: ftp://")
    replace_once(kit / POLITICIANS, "    title: Sikkerhedsvagten", "    titel: Sikkerhedsvagten")
    replace_once(kit / THEMES, "    title: Ældre og pleje", "    title: 7")


def test_problems_in_several_files_are_reported_in_one_run(cli, make_kit, earlier):
    kit = make_kit()
    _break_three_files(kit)
    before = tree_digest(kit)
    run = rejected(cli, kit, earlier)
    files = {m["file"] for m in run.problems()}
    assert {"kit.yaml", POLITICIANS, THEMES} <= files, run.stderr
    count = re.search(r"(\d+) problems", run.stderr)
    assert count and int(count[1]) == len(run.problems()) >= 3, run.stderr
    # validate reports the very same problems, and writes nothing
    checked = rejected(cli, kit, earlier, command="validate")
    assert [m[0].strip() for m in checked.problems()] == [m[0].strip() for m in run.problems()]
    assert tree_digest(kit) == before
    assert not (kit / "output").exists()


def test_validate_writes_nothing_for_a_good_kit(cli, make_kit):
    kit = make_kit()
    before = tree_digest(kit)
    run = cli("validate", kit)
    assert run.code == 0, run.output
    assert tree_digest(kit) == before and not (kit / "output").exists()


def test_validate_reports_text_that_cannot_fit(cli, make_kit, earlier):
    kit = make_kit()
    long = " ".join(["Borgerne møder op til et langt og svært møde om skolen."] * 27)
    replace_once(kit / DILEMMAS, "    scenario: En SFO-leder", f"    scenario: {long} En SFO-leder")
    run = rejected(cli, kit, earlier, command="validate")  # (build: see test_text_that_cannot_fit...)
    assert "frivillige-i-sfo" in run.stderr


def test_template_and_deck_problems_are_reported_together(cli, make_kit, earlier):
    kit = make_kit()
    replace_once(kit / POLITICIANS, FIRST_TAGLINE, "    tagline: 42")
    replace_once(kit / "templates/politician-role.yaml", "- field: description", "- field: descripton")
    run = rejected(cli, kit, earlier)
    files = {m["file"] for m in run.problems()}
    assert {POLITICIANS, "templates/politician-role.yaml"} <= files, run.stderr


def test_a_card_template_with_a_board_placeholder_or_element(cli, make_kit, earlier):
    kit = make_kit()
    template = kit / "templates/dilemma.yaml"
    replace_once(template, '"{deck} · {number}"', '"{intro} · {number}"')
    replace_once(template, "    - kind: text", "    - kind: rings")
    run = rejected(cli, kit, earlier)
    text_line, _ = line_col(template, "{intro}")
    kind_line, _ = line_col(template, "kind: rings")
    assert "unknown placeholder {intro}" in problem_at(run, "templates/dilemma.yaml", text_line)
    assert "cannot draw 'rings'" in problem_at(run, "templates/dilemma.yaml", kind_line)


def test_a_board_token_with_an_unknown_colour(cli, tmp_path, earlier):
    kit = tmp_path / "kit"
    shutil.copytree(REPO, kit, ignore=shutil.ignore_patterns("output", ".git", "tests", "src", "kits", "docs"))
    template = kit / "templates/boards/influence-circle.yaml"
    replace_once(template, "token:\n  background: tint", "token:\n  background: tnt")
    run = rejected(cli, kit, earlier)
    line, _ = line_col(template, "background: tnt")
    assert "unknown colour role 'tnt'" in problem_at(run, "templates/boards/influence-circle.yaml", line)


def test_colours_that_are_not_colours_in_the_theme_a_deck_and_a_ring(cli, tmp_path, earlier):
    kit = tmp_path / "kit"
    shutil.copytree(REPO, kit, ignore=shutil.ignore_patterns("output", ".git", "tests", "src", "kits", "docs"))
    replace_once(kit / "kit.yaml", 'dilemma: "#A3361F"', 'dilemma: "#A3361"')
    replace_once(kit / DILEMMAS, "name: Dilemmaer", "name: Dilemmaer\ncolour: rød")
    ring = kit / "boards/indflydelsescirkel.yaml"
    replace_once(ring, "  - {name: Kontrol}", "  - {name: Kontrol, colour: lyseblå}")
    run = rejected(cli, kit, earlier)
    for file, needle, value in (("kit.yaml", '"#A3361"', "#A3361"), (DILEMMAS, "colour: rød", "rød"),
                                ("boards/indflydelsescirkel.yaml", "colour: lyseblå", "lyseblå")):
        line, _ = line_col(kit / file, needle)
        assert f"'{value}' is not a colour" in problem_at(run, file, line), run.stderr
    assert len(run.problems()) == 3, run.stderr


def test_a_duplicate_partner_id_on_a_board_names_both_lines(cli, tmp_path, earlier):
    kit = tmp_path / "kit"
    shutil.copytree(REPO, kit, ignore=shutil.ignore_patterns("output", ".git", "tests", "src", "kits", "docs"))
    board = kit / "boards/partnermatrix.yaml"
    first = load_yaml(board)["partners"][0]["id"]
    second = load_yaml(board)["partners"][1]["id"]
    first_line, _ = line_col(board, f"id: {first}")
    replace_once(board, f"id: {second}", f"id: {first}")
    lines = [n for n, text in enumerate(board.read_text(encoding="utf-8").splitlines(), 1) if f"id: {first}" in text]
    run = rejected(cli, kit, earlier)
    rest = problem_at(run, "boards/partnermatrix.yaml", lines[1])
    assert f"duplicate id '{first}' (first used on line {first_line})" in rest, rest


def test_a_wrong_only_name_exits_2_with_a_hint(cli, shipped_kit, earlier):
    run = cli("build", shipped_kit, "--out", earlier.out, "--only", "politikerole")
    assert run.code == 2, run.output
    assert "Traceback" not in run.output
    assert "politikerole" in run.stderr and "did you mean 'politikerroller'" in run.stderr
    earlier.assert_unchanged()


def test_an_unknown_option_exits_2(cli, shipped_kit, earlier):
    run = cli("build", shipped_kit, "--out", earlier.out, "--colour", "red")
    assert run.code == 2, run.output
    assert "Traceback" not in run.output
    assert "--colour" in run.stderr
    earlier.assert_unchanged()


# --- regressions: bugs found by this suite (fixed since) -----------------------------

def test_a_format_spec_in_the_url_template_is_a_content_problem(cli, make_kit, earlier):
    kit = make_kit()
    use_url_template(kit)
    replace_once(kit / "kit.yaml", "/{card}", "/{card:d}")
    line, _ = line_col(kit / "kit.yaml", "{card:d}")
    run = rejected(cli, kit, earlier)
    assert "follow_up.url" in problem_at(run, "kit.yaml", line)


def test_a_conversion_in_the_url_template_is_refused(cli, make_kit, earlier):
    kit = make_kit()
    use_url_template(kit)
    replace_once(kit / "kit.yaml", "/{card}", "/{card!r}")
    run = rejected(cli, kit, earlier, command="validate")
    assert "follow_up.url" in run.stderr


def test_an_incomplete_card_size_is_one_problem_at_card_size(cli, make_kit, earlier):
    kit = make_kit()
    replace_once(kit / "kit.yaml", "card_size: tarot", "card_size: {width: 63}")
    line, column = line_col(kit / "kit.yaml", "card_size: {width: 63}", at="{")
    run = rejected(cli, kit, earlier)
    assert len(run.problems()) == 1, run.stderr
    rest = problem_at(run, "kit.yaml", line, column)
    assert re.match(r"\s*card_size: ", rest) and "height" in rest, rest


def test_an_unbreakable_word_gets_a_sensible_message(cli, make_kit, earlier):
    kit = make_kit()
    replace_once(kit / POLITICIANS, FIRST_TAGLINE, "    tagline: " + "x" * 80)
    run = rejected(cli, kit, earlier)
    rest = problem_at(run, POLITICIANS, line_col(kit / POLITICIANS, "x" * 80)[0])
    assert "sikkerhedsvagten" in rest
    assert not re.search(r"\binf\b", rest), rest
    assert "x" * 80 in rest, "the message names the word that is too wide"


def test_a_missing_font_points_at_its_line(cli, make_kit, earlier):
    kit = make_kit()
    replace_once(kit / "kit.yaml", "font: Fira Sans", "font: No Such Family")
    line, column = line_col(kit / "kit.yaml", "font: No Such Family", at="No Such")
    run = rejected(cli, kit, earlier)
    assert "theme.font" in problem_at(run, "kit.yaml", line, column)


def test_a_kit_yaml_problem_does_not_hide_broken_links(cli, make_kit, earlier):
    kit = make_kit()
    replace_once(kit / "kit.yaml", "url: https://", "url: ftp://")
    replace_once(kit / DILEMMAS, "      - partnerskab\n", "      - partnerskaab\n")
    run = rejected(cli, kit, earlier, command="validate")
    files = {m["file"] for m in run.problems()}
    assert {"kit.yaml", DILEMMAS} <= files, run.stderr


def test_a_card_too_large_for_the_kits_paper_is_reported_by_validate(cli, make_kit, earlier):
    kit = make_kit(("politikerroller",))
    replace_once(kit / "kit.yaml", "card_size: tarot", "card_size: {width: 200, height: 280}")
    line, column = line_col(kit / "kit.yaml", "card_size: {width: 200", at="{")
    for command in ("build", "validate"):
        run = rejected(cli, kit, earlier, command=command)
        rest = problem_at(run, "kit.yaml", line, column)
        assert "card_size" in rest and "fit" in rest, (command, rest)


def test_text_that_cannot_fit_in_a_nested_field_points_at_that_field(cli, make_kit, earlier):
    kit = make_kit()
    long = "Lang tekst om rammer og vilkår. " * 40
    replace_once(kit / THEMES, "      framework_conditions: Flere ældre",
                 f"      framework_conditions: {long}Flere ældre")
    line, column = line_col(kit / THEMES, "framework_conditions: Lang", at="Lang")
    run = rejected(cli, kit, earlier)
    rest = problem_at(run, THEMES, line, column)
    assert "aeldre" in rest and "framework_conditions" in rest, rest
