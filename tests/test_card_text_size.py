"""The shipped decks' text is large enough for six people reading one card
on the table between them: 9 pt or more for everything but the small print
(the card type above the title, the footer, the scan label and the URL).

The sizes are read from the built print-shop PDFs: each text run's font
size times the scale of its text and current transformation matrices.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from kit_helpers import REPO, build_into, load_yaml

BODY_MIN_PT = 9
FOOTER = re.compile(r" · \d+/\d+$")
LABELS = REPO / "src" / "workshop_kit" / "data" / "labels"


def text_runs(pdf: Path) -> list[tuple[int, float, str]]:
    """(page index, size in pt, text) of every text run that prints something."""
    runs: list[tuple[int, float, str]] = []
    for index, page in enumerate(PdfReader(pdf).pages):
        def visit(text, cm, tm, font, size, index=index):
            if text.strip():
                scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
                runs.append((index, round(size * scale, 2), text.strip()))
        page.extract_text(visitor_text=visit)
    return runs


def small_print(kit: Path) -> set[str]:
    """The labels printed as small print: the card types' names and the scan label."""
    config = load_yaml(kit / "kit.yaml")
    labels = yaml.safe_load((LABELS / f"{config.get('language', 'da')}.yaml").read_text(encoding="utf-8"))
    labels.update(config.get("labels") or {})
    language = config.get("language", "da")
    types = {load_yaml(deck)["type"] for deck in (kit / "decks").glob("*.yaml")}
    own = {}  # a card type of the kit's own (or the shipped templates') names itself
    for t in types:
        template = next((f for f in (kit / "templates" / f"{t}.yaml", REPO / "templates" / f"{t}.yaml")
                         if f.exists()), None)
        if template is not None:
            own[t] = (load_yaml(template).get("name") or {}).get(language)
    return {own.get(t) or labels[t] for t in types} | {labels["scan"]}


@pytest.fixture(scope="module", params=[".", "kits/en"])
def shop_build(request, tmp_path_factory):
    kit = (REPO / request.param).resolve()
    return kit, build_into(kit, tmp_path_factory.mktemp("text-size") / "out", "--mode", "shop")


def test_body_text_on_every_shipped_card_is_at_least_9_pt(shop_build):
    kit, built = shop_build
    labels = small_print(kit)
    files = built.files_of("shop")
    assert len(files) >= 4
    checked = 0
    for entry in files:
        urls = [card["qr_url"] for card in built.cards if card["deck"] == entry["deck"]]
        runs = text_runs(built.path(entry["path"]))
        assert runs, entry["path"]
        pages_with_body = set()
        for page, size, text in runs:
            if text in labels or FOOTER.search(text) or any(text in url for url in urls):
                continue
            pages_with_body.add(page)
            checked += 1
            assert size >= BODY_MIN_PT, (entry["path"], page, size, text)
        cards = sum(1 for card in built.cards if card["deck"] == entry["deck"])
        assert len(pages_with_body) == 2 * cards, (entry["path"], "a face without body text")
    assert checked > 500


def test_small_print_stays_at_or_above_the_7_pt_floor(shop_build):
    _, built = shop_build
    for entry in built.files_of("shop"):
        sizes = [size for _, size, _ in text_runs(built.path(entry["path"]))]
        assert min(sizes) >= 7, entry["path"]
