"""A section sign stays on the line of its number: "§ 17" never breaks
after the "§", on a card of the shipped kit or in a text written to put
a "§" at every place of a line (read back from the built PDF)."""

from __future__ import annotations

import re

from kit_helpers import build_into, pdf_text, replace_once


def line_ends(text: str) -> list[str]:
    return [line.rstrip() for line in re.split(r"\r?\n", text) if line.strip()]


def test_no_line_of_the_shipped_cards_ends_in_a_section_sign(built):
    decks = [entry["path"] for entry in built.files if entry.get("deck") and entry.get("mode") == "shop"]
    lines = [line for path in decks for line in line_ends(pdf_text(built.path(path)))]
    assert sum("§" in line for line in lines) >= 10
    assert [line for line in lines if line.endswith("§")] == []


def test_a_section_sign_anywhere_in_a_line_keeps_to_its_number(make_kit, tmp_path):
    kit = make_kit(("politikerroller",))
    words = ["a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg"]
    text = " ".join(f"{words[n % len(words)]} § {n}," for n in range(1, 36))
    replace_once(kit / "decks" / "politikerroller.yaml",
                 "    description: Vil være helt sikker på, at en beslutning ikke giver ballade bagefter. "
                 "Beder om et notat mere, en juridisk vurdering mere og en runde mere i udvalget.",
                 f"    description: {text}")
    built = build_into(kit, tmp_path / "out", "--mode", "shop")
    lines = line_ends(pdf_text(built.path(built.file("politikerroller", "shop")["path"])))
    signs = [line for line in lines if "§" in line]
    assert len(signs) >= 5 and sum(line.count("§") for line in signs) == 35
    assert [line for line in signs if line.endswith("§")] == []
    assert all(re.search(r"§ \d", line) for line in signs)
