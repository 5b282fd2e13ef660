"""Sources: a card, board or the guide names what it rests on under
`sources:`; the card back prints a short reference, and the guide a
numbered list of every source of the kit with what uses it. The PDFs
are read back with pypdf; a malformed source is one problem at its line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdf
import pytest

from kit_helpers import REPO, build_into, line_col, load_yaml, replace_once, run_cli
from workshop_kit.builtin import builtin

DA = builtin("labels/da")
ROLE = ("      - Analyserne kommer til at erstatte samtalen\n"
        "    reflection: Hvad skal du vide, før du tør give borgerne reel indflydelse?\n")
ROLES = Path("decks/politikerroller.yaml")
TIME = "    reflection: Hvad koster det os, hvis vi ikke inddrager borgerne?\n"


def full_kit(dest: Path) -> Path:
    """The whole shipped kit: kit.yaml, decks, boards, templates and the guide."""
    dest.mkdir()
    for name in ("kit.yaml", "guide.yaml"):
        shutil.copy2(REPO / name, dest / name)
    for folder in ("decks", "boards", "templates"):
        shutil.copytree(REPO / folder, dest / folder)
    return dest


def page_texts(path: Path) -> list[str]:
    """The text of every page, as pypdf extracts it, with line breaks as spaces."""
    return [" ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(path).pages]


def guide_sources(path: Path) -> list[tuple[int, str, str]]:
    """(number, reference, what uses it) of each entry of the guide's source list."""
    text = "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)
    start = text.rindex("\n" + DA["guide_sources"] + "\n")
    used = DA["guide_sources_used"].split("{")[0]
    tail = text[start:].split(DA["guide_follow_up"])[0]
    entries = re.findall(rf"^(\d+)\. (.+?)\n{re.escape(used)}(.+?)(?=^\d+\. |\Z)", tail, re.M | re.S)
    return [(int(n), " ".join(ref.split()), " ".join(names.split())) for n, ref, names in entries]


@pytest.fixture(scope="module")
def cited(tmp_path_factory):
    """The shipped kit with a source of its own on two cards and on a board, built."""
    kit = full_kit(tmp_path_factory.mktemp("sources") / "kit")
    source = ("    sources:\n      - title: Testloven\n        where: § 99\n"
              "        url: https://example.org/testloven\n")
    replace_once(kit / ROLES, ROLE, ROLE + source)  # the first role, Sikkerhedsvagten
    replace_once(kit / ROLES, TIME, TIME + source)  # and Kassereren: one source, two cards
    board = kit / "boards" / "tjekliste.yaml"
    board.write_text(board.read_text(encoding="utf-8") + "  - title: Tjeklisteloven\n    where: s. 7\n",
                     encoding="utf-8")
    out = tmp_path_factory.mktemp("sources") / "out"
    build_into(kit, out, "--mode", "shop")
    return kit, out


def test_a_source_on_a_card_prints_on_its_back(cited):
    _, out = cited
    pages = page_texts(out / "decks" / "politikerroller-print-shop.pdf")
    reference = f"{DA['sources']}: Testloven § 99"
    found = [i for i, text in enumerate(pages) if reference in text]
    # each card is a front and then a back: the reference is on the backs of the two cards
    assert [i % 2 for i in found] == [1, 1], found
    assert "Sikkerhedsvagten" in pages[found[0]] and "Kassereren" in pages[found[1]]
    assert not any(reference in text for text in page_texts(out / "decks" / "velfaerdstemaer-print-shop.pdf"))


def test_several_sources_print_under_the_plural_label(cited):
    _, out = cited
    pages = page_texts(out / "decks" / "dialogformater-print-shop.pdf")
    back = next(text for text in pages if "Fast borgerråd" in text and DA["scan"] in text)
    assert f"{DA['sources_many']}: Retssikkerhedsloven § 30; Retssikkerhedsloven § 37 a, stk. 2" in back


def test_the_guide_lists_every_source_once_numbered_with_what_uses_it(cited):
    kit, out = cited
    entries = guide_sources(out / "guide-a4.pdf")
    assert [n for n, _, _ in entries] == list(range(1, len(entries) + 1))
    by_reference = {reference: names for _, reference, names in entries}
    assert len(by_reference) == len(entries), "a source is listed twice"
    assert by_reference["Testloven § 99 – https://example.org/testloven"] == \
        "Politikerroller: Sikkerhedsvagten; Politikerroller: Kassereren"
    assert by_reference["Tjeklisteloven, s. 7"] == load_yaml(kit / "boards" / "tjekliste.yaml")["title"]
    # every source of every card of the kit is in the list
    for deck in sorted((kit / "decks").glob("*.yaml")):
        data = load_yaml(deck)
        for card in data["cards"]:
            for source in card.get("sources", []):
                assert any(ref.startswith(source["title"]) and f"{data['name']}: {card['title']}" in names
                           for ref, names in by_reference.items()), (deck.name, card["id"], source)
    guide = load_yaml(kit / "guide.yaml")
    assert any(guide["title"] in names for names in by_reference.values())


BAD = [
    ("{title: Planloven, paragraf: § 24}", "unknown field 'paragraf'"),
    ("{where: § 24}", "title"),
    ("{title: Planloven, url: www.retsinformation.dk}", "is not a web address"),
    ("Planloven § 24", "title, where and url"),
]


@pytest.mark.parametrize("source, message", BAD)
def test_a_malformed_source_is_one_problem_at_its_line(tmp_path, source, message):
    kit = full_kit(tmp_path / "kit")
    replace_once(kit / ROLES, ROLE, ROLE + f"    sources:\n      - {source}\n")
    run = run_cli("validate", kit)
    assert run.code == 1, run.output
    problems = run.problems()
    assert len(problems) == 1, run.stderr
    line, _ = line_col(kit / ROLES, f"      - {source}")
    assert problems[0]["file"] == ROLES.as_posix() and int(problems[0]["line"]) == line, run.stderr
    assert "sources[0]" in problems[0]["rest"] and message in problems[0]["rest"], run.stderr
    assert "Traceback" not in run.output
