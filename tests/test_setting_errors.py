"""A problem caused by a setting that many cards share (a follow-up URL,
a theme colour, the card size) is reported once, at the line of that
setting; a text that does not fit names the fields that fill its box."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kit_helpers import ALL_DECKS, line_col, load_yaml, replace_once, run_cli

SHIPPED_BASE = "base_url: https://example.org"
# A municipal address of 95 characters, as a council would set it.
MUNICIPAL = "https://www.xxxxxxxxx-kommune.dk/borgerinddragelse/temadage/opfoelgning/svar-fra-deltagere-2026"


def one_problem(run, kit: Path, file: str, needle: str, at: str | None = None) -> re.Match:
    """The single 'file:line:col:' line of a failed command: at `needle`'s line of `file`."""
    assert run.code == 1, run.output
    assert "Traceback" not in run.output, run.output
    found = run.problems()
    assert len(found) == 1, run.stderr
    assert "1 problem in the content" in run.stderr, run.stderr
    line, column = line_col(kit / file, needle, at)
    assert (found[0]["file"], int(found[0]["line"]), int(found[0]["col"])) == (file, line, column), run.stderr
    return found[0]


def card_count(kit: Path) -> int:
    return sum(len(load_yaml(p)["cards"]) for p in (kit / "decks").glob("*.yaml"))


def test_a_long_base_url_is_one_problem_at_base_url(make_kit, tmp_path):
    assert len(MUNICIPAL) == 95
    kit = make_kit()
    # A 95-character address grows the QR codes within the templates' max_size.
    replace_once(kit / "kit.yaml", SHIPPED_BASE, f"base_url: {MUNICIPAL}")
    run = run_cli("validate", kit)
    assert run.code == 0 and "modules would be" not in run.output, run.output
    # One too long even for the largest QR code a card takes is one problem.
    longer = MUNICIPAL + "/byraadets-temadag-om-borgerinddragelse-i-byraadssalen" * 8
    replace_once(kit / "kit.yaml", MUNICIPAL, longer)
    run = run_cli("build", kit, "--out", tmp_path / "out")
    found = one_problem(run, kit, "kit.yaml", "base_url:", "https")
    rest = found["rest"]
    assert rest.startswith(" follow_up.base_url: "), rest
    assert "modules would be" in rest and f"on {card_count(kit)} cards" in rest, rest
    assert "links: short" in rest, rest
    assert not (tmp_path / "out").exists()

    # Shortening base_url by what the problem says makes every QR code dense enough.
    cut = int(re.search(r"shorten it by at least (\d+) characters", rest)[1])
    shorter = longer[:-cut]
    replace_once(kit / "kit.yaml", longer, shorter)
    run = run_cli("validate", kit)
    assert "modules would be" not in run.output, run.output
    assert "Traceback" not in run.output, run.output
    # ... and one character less is not enough.
    replace_once(kit / "kit.yaml", shorter, longer[:-cut + 1])
    run = run_cli("validate", kit)
    assert "modules would be" in run.output, run.output


@pytest.mark.parametrize("source", ["kit", "deck", "card"])
def test_a_url_too_long_for_any_qr_code_is_a_problem_where_it_is_set(make_kit, tmp_path, source):
    kit = make_kit(("politikerroller",))
    long_url = "https://example.org/" + "a" * 3000 + "/{card}"
    deck = kit / "decks" / "politikerroller.yaml"
    if source == "kit":
        replace_once(kit / "kit.yaml", SHIPPED_BASE, f"base_url: https://example.org/{'a' * 3000}")
        file, needle, at = "kit.yaml", "base_url:", "https"
    elif source == "deck":
        replace_once(deck, "\ncards:", f"\nqr:\n  url: {long_url}\ncards:")
        file, needle, at = "decks/politikerroller.yaml", "  url: https", "https"
    else:
        replace_once(deck, "    title: Lytteren", f"    title: Lytteren\n    qr_url: {long_url}")
        file, needle, at = "decks/politikerroller.yaml", "qr_url: https", "https"
    run = run_cli("build", kit, "--out", tmp_path / "out")
    found = one_problem(run, kit, file, needle, at)
    assert "more than any QR code holds (at most 2331 characters)" in found["rest"], run.stderr
    assert not (tmp_path / "out").exists()


def test_a_low_contrast_theme_colour_is_one_problem_at_the_colour(make_kit):
    kit = make_kit()
    replace_once(kit / "kit.yaml", '    politician-role: "#5B3F8C"',
                 '    politician-role: "#5B3F8C"\n    ink: "#AAAAAA"')
    run = run_cli("validate", kit)
    found = one_problem(run, kit, "kit.yaml", 'ink: "#AAAAAA"', '"#AAAAAA"')
    rest = found["rest"]
    assert rest.startswith(" theme.colours.ink: text colour 'ink'"), rest
    assert "below 4.5:1" in rest and f"on {len(ALL_DECKS)} decks" in rest, rest
    assert "templates/" not in "".join(m["file"] for m in run.problems())


def test_a_low_contrast_deck_colour_is_one_problem_at_the_deck_colour(make_kit):
    kit = make_kit(("politikerroller",))
    deck = kit / "decks" / "politikerroller.yaml"
    replace_once(deck, "\ncards:", '\ncolour: "#F4F4F4"\ncards:')
    run = run_cli("validate", kit)
    found = one_problem(run, kit, "decks/politikerroller.yaml", 'colour: "#F4F4F4"', '"#F4F4F4"')
    assert found["rest"].startswith(" colour: "), run.stderr


def test_a_low_contrast_pair_the_template_chooses_is_reported_at_the_template(make_kit):
    kit = make_kit(("politikerroller",))
    template = kit / "templates" / "politician-role.yaml"
    text = template.read_text(encoding="utf-8")
    # The footer of the front: 'rule' (a light grey for lines) on paper, both the built-in theme's.
    front_footer = text.index("colour: muted")
    template.write_text(text[:front_footer] + "colour: rule" + text[front_footer + len("colour: muted"):],
                        encoding="utf-8")
    run = run_cli("validate", kit)
    found = one_problem(run, kit, "templates/politician-role.yaml", "colour: rule", "rule")
    assert "text colour 'rule' on 'paper'" in found["rest"], run.stderr


def test_a_footer_too_wide_on_a_10000_card_deck_is_one_problem_at_card_size(make_kit):
    kit = make_kit(("politikerroller",))
    replace_once(kit / "kit.yaml", "card_size: tarot", "card_size: poker")
    # "<name> · 999/10000" fits the two lines of the footer beside the code of a poker card's back,
    # "<name> · 1000/10000" does not.
    lines = ["type: politician-role", "name: Byrådets roller i byrådssalen for os", "cards:"]
    for i in range(10000):
        lines += [f"  - id: rolle-{i}", f"    title: Rolle {i}", "    tagline: Kort", "    description: Kort.",
                  "    strengths: [Godt]", "    pitfalls: [Skidt]", "    reflection: Hvorfor?"]
    (kit / "decks" / "politikerroller.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = run_cli("validate", kit, timeout=600)
    found = one_problem(run, kit, "kit.yaml", "card_size:", "poker")
    rest = found["rest"]
    assert rest.startswith(" card_size: a fixed text of the politician-role template does not fit"), rest
    affected = int(re.search(r"on (\d+) cards", rest)[1])
    assert 1 < affected <= 10000 - 999, rest  # digits differ in width: not every four-digit number is too wide
    # the first card it names is the 1000th, the first with a four-digit number
    assert ": politikerroller/rolle-999, politikerroller/rolle-1000, " in rest, rest


def test_a_text_that_does_not_fit_names_the_field_that_grew(make_kit):
    kit = make_kit()
    deck = kit / "decks" / "dilemmaer.yaml"
    question = "    question: Hvordan håndterer I som byråd kritikken – og hvor går grænsen for de frivilliges opgaver?"
    longer = question + " Og hvem afgør, hvad der er en kerneopgave, når forældrene spørger?" * 30
    replace_once(deck, question, longer)
    run = run_cli("validate", kit)
    found = one_problem(run, kit, "decks/dilemmaer.yaml", longer, "Hvordan")
    rest = found["rest"]
    assert rest.startswith(" cards[0] (id: frivillige-i-sfo).question: "), rest
    shares = re.search(r"question (\d+) %, scenario (\d+) % of the text", rest)
    assert shares and int(shares[1]) > int(shares[2]), rest
    assert "question is longer than on most cards of the deck" in rest, rest
    cut = int(re.search(r"shorten by about (\d+) characters", rest)[1])
    assert 0 < cut < len(longer) - len(question), rest
