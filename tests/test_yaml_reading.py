"""A file read again as it was (a watch reads the kit at every save) gives
the same values as the first reading, in objects of its own; a file whose
text changed is read anew."""

from __future__ import annotations

from workshop_kit.content.yaml_source import read_yaml


def test_a_file_read_again_gives_its_values_in_new_objects(tmp_path):
    path = tmp_path / "deck.yaml"
    path.write_text("name: Dilemmaer\ncards:\n  - id: a\n    title: Første\n", encoding="utf-8")
    first = read_yaml(path, "decks/deck.yaml", [])
    first.data["cards"][0]["title"] = "changed by its reader"
    first.data["cards"].append({"id": "b"})
    again = read_yaml(path, "decks/deck.yaml", [])
    assert again.data == {"name": "Dilemmaer", "cards": [{"id": "a", "title": "Første"}]}
    assert again.where(("cards", 0, "title")) == (4, 12)


def test_a_changed_file_is_read_anew_with_its_own_places(tmp_path):
    path = tmp_path / "deck.yaml"
    path.write_text("name: Dilemmaer\n", encoding="utf-8")
    assert read_yaml(path, "decks/deck.yaml", []).data == {"name": "Dilemmaer"}
    path.write_text("# a comment\n\nname: Dilemmaer om skolen\n", encoding="utf-8")
    again = read_yaml(path, "decks/deck.yaml", [])
    assert again.data == {"name": "Dilemmaer om skolen"}
    assert again.where(("name",)) == (3, 7)


def test_a_file_that_became_unreadable_is_a_problem_again(tmp_path):
    path = tmp_path / "deck.yaml"
    path.write_text("name: Dilemmaer\n", encoding="utf-8")
    assert read_yaml(path, "decks/deck.yaml", []) is not None
    path.write_text("name: [Dilemmaer\n", encoding="utf-8")
    problems: list = []
    assert read_yaml(path, "decks/deck.yaml", problems) is None
    assert len(problems) == 1 and "syntax" in problems[0].message
