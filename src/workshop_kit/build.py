"""The pipeline, stage after stage: content -> layout -> impose -> draw -> output."""

from __future__ import annotations

import difflib
import json
import time
from types import SimpleNamespace
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from workshop_kit.builtin import builtin
from workshop_kit.content import Deck, KitContent, load_kit
from workshop_kit.draw.pdf import render
from workshop_kit.fonts import Family, FontMissing, family
from workshop_kit.impose.home import DoesNotFit, impose_home
from workshop_kit.impose.shop import impose_shop
from workshop_kit.layout.card import CardLayout
from workshop_kit.layout.checks import check_contrast, check_template
from workshop_kit.content.boards import BOARD_MODELS
from workshop_kit.content.model import CARD_MODELS
from workshop_kit.draw.raster import png_size, rasterise
from workshop_kit.draw.svg import render_svg
from workshop_kit.impose.poster import poster as poster_sheets, needs_tiles, tile
from workshop_kit.layout.board import BoardLayout, sheet_size, tiles_with_labels
from workshop_kit.layout.template import LoadedTemplate, load_board_template, load_template
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
    board_templates: dict[str, LoadedTemplate] = field(default_factory=dict)

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
    boards: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def check(root: Path) -> Checked:
    """Load and check the whole kit; ContentError lists every problem."""
    problems: list[Problem] = []
    try:
        content = load_kit(root)
    except ContentError as error:
        # Report the templates' own problems in the same run.
        problems = list(error.problems)
        defaults = SimpleNamespace(labels=builtin("labels/da"), colours=builtin("theme")["colours"])
        for card_type in CARD_MODELS:
            loaded = load_template(Path(root), card_type, problems)
            if loaded is not None:
                problems.extend(check_template(defaults, card_type, loaded))
        raise ContentError(problems) from None
    try:
        fam = family(content.kit.theme.font)
    except FontMissing as exc:
        line, column = content.kit_source.where(("theme", "font"))
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
        problems.extend(_check_sheet(content, deck))
    board_templates: dict[str, LoadedTemplate] = {}
    for board_type in sorted({b.type for b in content.boards}):
        loaded = load_board_template(content.root, board_type, problems)
        if loaded is None:
            continue
        found = check_template(content, board_type, loaded, BOARD_MODELS[board_type], ("face",))
        template = loaded.template
        width, height = sheet_size(template.paper, template.orientation)
        found += check_contrast(content, loaded, board_type, None, width, height,
                                f"board type '{board_type}'", ("face",))
        problems.extend(found)
        if not found:
            board_templates[board_type] = loaded
    if problems:
        raise ContentError(problems)
    return Checked(content, templates, fam, board_templates)


def _check_sheet(content: KitContent, deck: Deck) -> list[Problem]:
    """A card size that does not fit the kit's paper, pointed at where it is set."""
    try:
        impose_home(1, deck.size.width, deck.size.height, content.kit.paper, None)
        return []
    except DoesNotFit as exc:
        own = "card_size" in deck.source.data
        source = deck.source if own else content.kit_source
        return [source.problem(("card_size",), f"{exc}; choose a smaller card or a larger paper")]


def select(content: KitContent, only: tuple[str, ...]) -> tuple[list[Deck], list]:
    """The decks and boards named by --only (all when none are named)."""
    if not only:
        return list(content.decks), list(content.boards)
    only = tuple(dict.fromkeys(only))  # a name given twice is built once
    names = {d.slug: d for d in content.decks}
    boards = {b.slug: b for b in content.boards}
    for name in only:
        if name not in names and name not in boards:
            known = list(names) + list(boards)
            hint = difflib.get_close_matches(name, known, n=1)
            raise UsageError(f"no deck or board named '{name}'" + (f"; did you mean '{hint[0]}'?" if hint else "")
                             + f" (decks and boards: {', '.join(known)})")
    return [names[n] for n in only if n in names], [boards[n] for n in only if n in boards]


def lay_out(checked: Checked, decks: list[Deck], boards: list, poster: str = "a3"):
    """Faces of every card and board; ContentError if any text does not
    fit or a QR code would be too small."""
    content = checked.content
    problems: list[Problem] = []
    layout = CardLayout(content, checked.templates, checked.family)
    chunks = [(deck, start, min(start + LAYOUT_CHUNK, len(deck.cards)))
              for deck in decks for start in range(0, len(deck.cards), LAYOUT_CHUNK)]
    done = fork_map(lambda i: layout.cards(*chunks[i]), range(len(chunks)))
    laid_out = []
    for deck in decks:
        cards = []
        for (chunk_deck, _, _), (faces, found) in zip(chunks, done):
            if chunk_deck is deck:
                cards.extend(faces)
                problems.extend(found)
        laid_out.append((deck, cards))
    board_layout = BoardLayout(content, checked.board_templates, checked.family)
    boards_out = [(board, board_layout.faces(board, poster, problems)) for board in boards]
    if problems:
        raise ContentError(problems)
    return laid_out, boards_out, board_layout


@dataclass
class Job:
    """One output file: how to make its bytes and what the manifest says of it."""

    name: str
    make: Callable[[], bytes]
    record: Callable[[Manifest, bytes], None]


def build(root: Path, out: Path, *, only: tuple[str, ...] = (), paper: str | None = None,
          modes: tuple[str, ...] = MODES, poster: str = "a3", tile_paper: str = "a4", dpi: int = 150,
          progress: Callable[[str], None] | None = None) -> BuildResult:
    started = time.perf_counter()
    checked = check(root)
    content = checked.content
    kit = content.kit
    decks, boards = select(content, only)
    paper = paper or kit.paper
    meta = dict(author=kit.organisation, font=checked.family.face("regular"), lang=kit.language)

    laid_out, boards_out, board_layout = lay_out(checked, decks, boards, poster)

    jobs: list[Job] = []
    for deck, cards in laid_out:
        jobs += deck_jobs(deck, cards, modes, paper, kit, meta)
    for board, variants in boards_out:
        jobs += board_jobs(board, variants, board_layout, tile_paper, kit.paper, dpi, kit, meta)

    if progress:
        progress(f"{len(jobs)} files")
    outputs = fork_map(lambda i: jobs[i].make(), range(len(jobs)))

    result = BuildResult(warnings=checked.warnings)
    manifest = _previous_manifest(out, kit.id, {d.slug for d in decks} | {b.slug for b in boards})
    for deck, cards in laid_out:
        for card in cards:
            manifest.add_card(deck.slug, card.card_id, card.title, card.qr_url,
                              (deck.size.width, deck.size.height))
        result.cards += len(cards)
    for board in boards:
        manifest.add_board(board.slug, board.type, board.model.title, board.qr_url)
    with Staging(out) as staging:
        for job, data in zip(jobs, outputs):
            staging.write(job.name, data)
            job.record(manifest, data)
            result.files.append(job.name)
        staging.write("manifest.json", manifest.to_json())
        staging.commit(last="manifest.json")
    result.files.append("manifest.json")
    result.boards = len(boards)
    result.seconds = time.perf_counter() - started
    return result


def deck_jobs(deck: Deck, cards: list, modes, paper: str, kit, meta: dict) -> list[Job]:
    jobs = []
    faces = [(c.front, c.back) for c in cards]
    keys = [(deck.slug, c.card_id) for c in cards]
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

        def make(sheets=sheets) -> bytes:
            return render(sheets, lambda item, side: faces[item][side == "back"],
                          title=f"{deck.name} – {kit.title}", **meta)

        def record(manifest: Manifest, data: bytes, name=name, sheets=sheets) -> None:
            manifest.add_sheets(name, "card-deck", deck.slug, sheets, keys)

        jobs.append(Job(name, make, record))
    return jobs


def board_jobs(board, variants, board_layout, tile_paper: str, token_paper: str, dpi: int,
               kit, meta: dict) -> list[Job]:
    jobs = []
    title = f"{board.model.title} – {kit.title}"
    for v in variants:
        face = v.face
        stem = f"boards/{board.slug}" + ("-filled" if v.variant == "filled" else "")
        size = [round(face.width, 3), round(face.height, 3)]
        common = {"board": board.slug, "variant": v.variant, "qr_urls": [board.qr_url] if board.qr_url else []}
        sheets = poster_sheets(face.width, face.height, v.paper)

        def make_pdf(sheets=sheets, face=face) -> bytes:
            return render(sheets, lambda item, side: face, title=title, **meta)

        name = f"{stem}-{v.paper}.pdf"
        jobs.append(Job(name, make_pdf, lambda m, d, name=name, sheets=sheets, size=size, common=common: m.add_file(
            path=name, kind="board-poster", paper=sheets.paper, pages=1, size_mm=size, **common)))

        svg_name = f"{stem}.svg"
        jobs.append(Job(svg_name, lambda face=face: render_svg(face, board_layout.builder.family, title),
                        lambda m, d, svg_name=svg_name, size=size, common=common: m.add_file(
                            path=svg_name, kind="board-svg", size_mm=size, **common)))

        png_name = f"{stem}.png"
        jobs.append(Job(png_name, lambda make_pdf=make_pdf: rasterise(make_pdf(), dpi),
                        lambda m, d, png_name=png_name, size=size, common=common: m.add_file(
                            path=png_name, kind="board-png", size_mm=size, dpi=dpi,
                            pixels=list(png_size(d)), **common)))

        if v.variant == "blank" and needs_tiles(face.width, face.height, tile_paper):
            tiles = tile(face.width, face.height, tile_paper)
            tiles = tiles_with_labels(tiles, board_layout, board)
            tiles_name = f"{stem}-{v.paper}-tiles-{tile_paper}.pdf"
            jobs.append(Job(tiles_name,
                            lambda tiles=tiles, face=face: render(tiles.sheets, lambda item, side: face,
                                                                  title=title, **meta),
                            lambda m, d, tiles=tiles, tiles_name=tiles_name, size=size, common=common: m.add_file(
                                path=tiles_name, kind="board-tiles", paper=tile_paper,
                                pages=len(tiles.tiles), size_mm=size, rows=tiles.rows,
                                columns=tiles.columns, overlap_mm=tiles.overlap,
                                tiles=[{"page": i + 1, "row": t.row, "column": t.column,
                                        "region_mm": [round(t.region.x, 3), round(t.region.y, 3),
                                                      round(t.region.width, 3), round(t.region.height, 3)]}
                                       for i, t in enumerate(tiles.tiles)], **common)))
        if v.tokens:
            w, h = v.token_size
            token_sheets = impose_home(len(v.tokens), w, h, token_paper, None)
            tokens = v.tokens
            token_name = f"boards/{board.slug}-tokens-{token_paper}.pdf"
            jobs.append(Job(token_name,
                            lambda token_sheets=token_sheets, tokens=tokens: render(
                                token_sheets, lambda item, side: tokens[item], title=title, **meta),
                            lambda m, d, token_sheets=token_sheets, token_name=token_name, w=w, h=h,
                                   tokens=tokens, common=common: m.add_file(
                                path=token_name, kind="token-sheet", paper=token_paper,
                                pages=len(token_sheets.pages), tokens=len(tokens),
                                token_size_mm=[w, h], per_sheet=token_sheets.per_sheet, **common)))
    return jobs


def _previous_manifest(out: Path, kit_id: str, rebuilt: set[str]) -> Manifest:
    """The last build's manifest without the decks and boards built now (for --only)."""
    kit = {"id": kit_id}
    path = out / "manifest.json"
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Manifest(kit)
    if old.get("kit", {}).get("id") != kit_id:
        return Manifest(kit)
    manifest = Manifest(kit)
    manifest.files = [f for f in old.get("files", [])
                      if f.get("deck", f.get("board")) not in rebuilt and (out / f.get("path", "")).is_file()]
    for card in old.get("cards", []):
        if card.get("deck") not in rebuilt:
            manifest.cards[(card["deck"], card["id"])] = card
    for board in old.get("boards", []):
        if board.get("board") not in rebuilt:
            manifest.boards[board["board"]] = board
    return manifest
