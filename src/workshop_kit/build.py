"""The pipeline, stage after stage: content -> layout -> impose -> draw -> output."""

from __future__ import annotations

import difflib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from workshop_kit.content import Deck, KitContent, load_kit
from workshop_kit.draw.pdf import render
from workshop_kit.fonts import Family, FontMissing, family
from workshop_kit.impose.home import DoesNotFit, impose_home
from workshop_kit.impose.shop import impose_shop
from workshop_kit.layout.card import CardLayout
from workshop_kit.layout.checks import check_contrast, check_template
from workshop_kit.layout.template import LoadedTemplate, load_template
from workshop_kit.output.files import Staging
from workshop_kit.output.manifest import Manifest
from workshop_kit.problems import ContentError, Problem
from workshop_kit.workers import fork_map

MODES = ("home", "shop")
LAYOUT_CHUNK = 100  # cards laid out by one worker job


class UsageError(Exception):
    """The command was asked for something that is not there (exit 2)."""


@dataclass
class Checked:
    """A kit that passed every check, ready to lay out."""

    content: KitContent
    templates: dict[str, LoadedTemplate]
    family: Family

    @property
    def warnings(self) -> list[str]:
        if self.content.placeholder_urls:
            return ["the follow-up URL points at a placeholder host (example.org): the QR codes "
                    "lead nowhere until you set follow_up.url in kit.yaml to your own form"]
        return []


@dataclass
class BuildResult:
    files: list[str] = field(default_factory=list)
    cards: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def check(root: Path) -> Checked:
    """Load and check the whole kit; ContentError lists every problem."""
    content = load_kit(root)
    problems: list[Problem] = []
    try:
        fam = family(content.kit.theme.font)
    except FontMissing as exc:
        line, column = (None, None)
        raise ContentError([Problem("kit.yaml", line, column, "theme.font", str(exc))]) from None
    templates: dict[str, LoadedTemplate] = {}
    for card_type in sorted({d.type for d in content.decks}):
        loaded = load_template(content.root, card_type, problems)
        if loaded is None:
            continue
        found = check_template(content, card_type, loaded)
        problems.extend(found)
        if not found:
            templates[card_type] = loaded
    for deck in content.decks:
        if deck.type in templates:
            problems.extend(check_contrast(content, templates[deck.type], deck.type, deck.colour,
                                           deck.size.width, deck.size.height, f"deck '{deck.slug}'"))
    if problems:
        raise ContentError(problems)
    return Checked(content, templates, fam)


def select(content: KitContent, only: tuple[str, ...]) -> list[Deck]:
    if not only:
        return list(content.decks)
    names = {d.slug: d for d in content.decks}
    for name in only:
        if name not in names:
            hint = difflib.get_close_matches(name, list(names), n=1)
            raise UsageError(f"no deck named '{name}'" + (f"; did you mean '{hint[0]}'?" if hint else "")
                             + f" (decks: {', '.join(names)})")
    return [names[n] for n in only if n in names]


def build(root: Path, out: Path, *, only: tuple[str, ...] = (), paper: str | None = None,
          modes: tuple[str, ...] = MODES, progress: Callable[[str], None] | None = None) -> BuildResult:
    started = time.perf_counter()
    checked = check(root)
    content = checked.content
    kit = content.kit
    decks = select(content, only)
    paper = paper or kit.paper
    layout = CardLayout(content, checked.templates, checked.family)

    problems: list[Problem] = []
    laid_out = []
    chunks = [(deck, start, min(start + LAYOUT_CHUNK, len(deck.cards)))
              for deck in decks for start in range(0, len(deck.cards), LAYOUT_CHUNK)]
    done = fork_map(lambda c: layout.cards(c[0], c[1], c[2]), chunks)
    for deck in decks:
        cards = []
        for (chunk_deck, _, _), (faces, found) in zip(chunks, done):
            if chunk_deck is deck:
                cards.extend(faces)
                problems.extend(found)
        laid_out.append((deck, cards))
    if problems:
        raise ContentError(problems)

    jobs = []
    for deck, cards in laid_out:
        for mode in modes:
            if mode == "home":
                try:
                    sheets = impose_home(len(cards), deck.size.width, deck.size.height, paper, kit.duplex)
                except DoesNotFit as exc:
                    raise UsageError(f"deck '{deck.slug}': {exc}; choose a larger --paper") from None
                name = f"decks/{deck.slug}-{paper}-duplex.pdf"
            else:
                sheets = impose_shop(len(cards), deck.size.width, deck.size.height, kit.bleed)
                name = f"decks/{deck.slug}-print-shop.pdf"
            jobs.append((name, deck, cards, sheets))

    def draw(job) -> bytes:
        name, deck, cards, sheets = job
        faces = [(c.front, c.back) for c in cards]
        return render(sheets, lambda item, side: faces[item][side == "back"],
                      title=f"{deck.name} – {kit.title}", author=kit.organisation,
                      font=checked.family.face("regular"), lang=kit.language)

    if progress:
        progress(f"{len(jobs)} files")
    pdfs = fork_map(draw, jobs)

    result = BuildResult(warnings=checked.warnings)
    manifest = _previous_manifest(out, kit.id, {d.slug for d in decks})
    for deck, cards in laid_out:
        for card in cards:
            manifest.add_card(deck.slug, card.card_id, card.title, card.qr_url,
                              (deck.size.width, deck.size.height))
        result.cards += len(cards)
    with Staging(out) as staging:
        for (name, deck, cards, sheets), pdf in zip(jobs, pdfs):
            staging.write(name, pdf)
            manifest.add_sheets(name, "card-deck", deck.slug, sheets,
                                [(deck.slug, c.card_id) for c in cards])
            result.files.append(name)
        staging.write("manifest.json", manifest.to_json())
        staging.commit(last="manifest.json")
    result.files.append("manifest.json")
    result.seconds = time.perf_counter() - started
    return result


def _previous_manifest(out: Path, kit_id: str, rebuilt: set[str]) -> Manifest:
    """The last build's manifest without the decks built now (for --only)."""
    kit = {"id": kit_id}
    path = out / "manifest.json"
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Manifest(kit)
    if old.get("kit", {}).get("id") != kit_id:
        return Manifest(kit)
    manifest = Manifest(kit)
    manifest.files = [f for f in old.get("files", []) if f.get("deck") not in rebuilt
                      and (out / f.get("path", "")).is_file()]
    for card in old.get("cards", []):
        if card.get("deck") not in rebuilt:
            manifest.cards[(card["deck"], card["id"])] = card
    return manifest
