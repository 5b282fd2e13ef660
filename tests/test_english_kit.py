"""The English kit in kits/en: it builds as it stands, and its PDFs, read
back with pypdfium2, carry the English fixed texts (labels/en.yaml) and
none of the Danish ones (labels/da.yaml).

The kit has no templates of its own, so the build also shows that the
built-in card and board templates serve an English kit. It is built once
for this module.
"""

from __future__ import annotations

import re

import pytest

from kit_helpers import REPO, Built, load_yaml, normalise
from workshop_kit.builtin import builtin, default_templates_dir

KIT = REPO / "kits" / "en"
EN = builtin("labels/en")
DA = builtin("labels/da")
DECKS = {p.stem: load_yaml(p) for p in sorted((KIT / "decks").glob("*.yaml"))}
BOARDS = {p.stem: load_yaml(p) for p in sorted((KIT / "boards").glob("*.yaml"))}


def pdf_text(built: Built, path: str) -> str:
    """All the text of a PDF, line breaks and hyphenation undone."""
    doc = built.pdfium(path)
    return normalise(" ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))))


def template_labels(name: str) -> set[str]:
    """The label keys a built-in template prints."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("label"), str):
                found.add(node["label"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(load_yaml(default_templates_dir() / f"{name}.yaml"))
    return found


def english_label(card_type: str, key: str | None = None) -> str:
    """What an English card of a type prints for a label (its type's name
    when no key is given): what its template declares, else labels/en.yaml."""
    template = load_yaml(default_templates_dir() / f"{card_type}.yaml")
    if key is None:
        return (template.get("name") or {}).get("en") or EN[card_type]
    declared = (template.get("fields") or {}).get(key) or {}
    return (declared.get("label") or {}).get("en") or EN[key]


def danish_only_labels() -> dict[str, re.Pattern]:
    """Every Danish label that differs from its English one, as a pattern
    that matches it as whole words, with any numbers in its placeholders."""
    patterns = {}
    for key, text in DA.items():
        if text.casefold() == EN[key].casefold():
            continue
        parts = re.split(r"\{\w+\}", text)
        body = r"\d+".join(re.escape(p) for p in parts)
        patterns[key] = re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)
    return patterns


def test_the_english_labels_have_every_danish_key():
    assert list(EN) == list(DA)
    assert all(isinstance(text, str) and text.strip() for text in EN.values())
    assert len(danish_only_labels()) > 40  # the two files really differ


def test_every_deck_and_board_is_built(english):
    assert english.manifest["kit"]["id"] == load_yaml(KIT / "kit.yaml")["id"]
    assert {f["deck"] for f in english.deck_files} == set(DECKS)
    assert {b["board"] for b in english.manifest["boards"]} == set(BOARDS)
    for slug, deck in DECKS.items():
        printed = sorted(c["id"] for c in english.cards if c["deck"] == slug)
        assert printed == sorted(c["id"] for c in deck["cards"]), slug


@pytest.mark.parametrize("slug", sorted(DECKS))
def test_cards_print_the_english_labels_deck_name_and_titles(english, slug):
    deck = DECKS[slug]
    for mode in ("home", "shop"):
        text = pdf_text(english, english.file(slug, mode)["path"])
        wanted = {english_label(deck["type"]), deck["name"], EN["scan"]}
        cited = any(card.get("sources") for card in deck["cards"])  # a deck without sources prints no heading for them
        wanted |= {english_label(deck["type"], key) for key in template_labels(deck["type"])
                   if key != "sources" or cited}
        wanted |= {card["title"] for card in deck["cards"]}
        missing = sorted(w for w in wanted if normalise(w) not in text)
        assert not missing, (slug, mode, missing)


def test_boards_print_the_english_labels(english):
    def text_of(board: str, kind: str, variant: str = "blank") -> str:
        found = [f for f in english.files
                 if f.get("board") == board and f["kind"] == kind and f["variant"] == variant]
        assert len(found) == 1, (board, kind, variant)
        return pdf_text(english, found[0]["path"])

    circle = text_of("influence-circle", "board-poster")
    assert f"{EN['whose']}: ____" in circle
    for key in ("steps", "development", "scan"):
        assert EN[key] in circle, key
    for ring in BOARDS["influence-circle"]["rings"]:
        assert ring["name"].upper() in circle.upper()

    whose = BOARDS["influence-circle-executive-board"]["whose"]
    filled = text_of("influence-circle-executive-board", "board-poster", "filled")
    assert f"{EN['whose']}: {whose}" in filled

    table = text_of("partner-list", "board-poster")
    for key in ("partner", "common_interest", "partner_importance", "challenges", "relation", "contact"):
        assert EN[key] in table, key
    example = BOARDS["partner-list"]["example"]["name"]
    assert f"{EN['example_row']}: {example}" in table

    tiles = text_of("partner-matrix", "board-tiles")
    assert EN["tile"].format(row=1, column=1) in tiles
    assert EN["tile_help"] in tiles


def test_no_danish_label_is_printed(english):
    patterns = danish_only_labels()
    pdfs = [f["path"] for f in english.files if f["path"].endswith(".pdf")]
    assert len(pdfs) >= 4 + 5  # every deck and every board
    for path in pdfs:
        text = pdf_text(english, path)
        found = {key: p.pattern for key, p in patterns.items() if p.search(text)}
        assert not found, (path, found)
