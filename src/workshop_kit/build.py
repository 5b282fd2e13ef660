"""The pipeline, stage after stage: content -> layout -> impose -> draw -> output."""

from __future__ import annotations

import copy
import time
from contextlib import suppress
from dataclasses import dataclass, field, replace
from functools import cache, partial
from pathlib import Path
from typing import Callable, NamedTuple, Sequence

from workshop_kit import qr
from workshop_kit.builtin import paper_size
from workshop_kit.content import Deck, KitContent, load_kit
from workshop_kit.content.boards import BOARD_MODELS
from workshop_kit.content.card_type import load_card_types
from workshop_kit.content.follow_up import formats_without_choices, outside_base, targets, url_setting
from workshop_kit.content.guide import Guide
from workshop_kit.content.kit import kit_colours_and_labels
from workshop_kit.content.sheet_layout import SheetLayout
from workshop_kit.draw.pdf import render
from workshop_kit.draw.raster import image_size, page_count, rasterise
from workshop_kit.draw.svg import render_svg
from workshop_kit.file_kind import FileKind
from workshop_kit.fingerprints import board_key, build_options, deck_key, faces_key, guide_key, inputs_digest
from workshop_kit.fonts import Family, family, kit_family
from workshop_kit.impose.home import DoesNotFit, home_grid, impose_home
from workshop_kit.impose.plan import Sheets
from workshop_kit.impose.poster import needs_tiles, poster as poster_sheets, tile
from workshop_kit.impose.shop import impose_shop
from workshop_kit.layout.board import BOARD_PLACEHOLDERS, BoardLayout
from workshop_kit.layout.boxes import CardFaces, qr_boxes
from workshop_kit.layout.card import CardLayout, card_size_setting
from workshop_kit.layout.checks import BuiltinLook, check_contrast, check_template, low_resolution
from workshop_kit.layout.elements.marker import carries_markers, marker_note
from workshop_kit.layout.face import too_long
from workshop_kit.layout.guide import absent_tools, glyph_problems
from workshop_kit.layout.template import BoardTemplate, LoadedTemplate, Template, load_board_template, load_template
from workshop_kit.layout.tiles import tiles_with_labels
from workshop_kit.output import qr_cache
from workshop_kit.output.captures import captures_in
from workshop_kit.output.card_pictures import card_picture_jobs
from workshop_kit.output.deck_parts import Parts, contact_jobs, deck_file_jobs
from workshop_kit.output.files import Staging
from workshop_kit.output.index_page import index_page, prepare as prepare_index
from workshop_kit.output.jobs import Job, Made, Staged, content, file_job, run_job
from workshop_kit.output.manifest import Manifest
from workshop_kit.output.previous import INDEX, PreviousBuild
from workshop_kit.output.thumbnails import ContactSheet, board_path, board_thumbnail, is_thumbnail, thumbnail_sheets
from workshop_kit.printing import file_about, paper_name
from workshop_kit.problems import ContentError, Problem, Shared, did_you_mean
from workshop_kit.qr import capacity
from workshop_kit.stop import finishing
from workshop_kit.workers import fork_map

MODES = ("home", "shop")
# an office file's name says how to print it
SIDES_IN_NAME = {"duplex": "duplex", "fronts": "fronts-only", "fold": "fold"}
LAYOUT_CHUNK = 100  # cards laid out by one worker job
LAYOUT_IN_PROCESS = 40  # as many cards are laid out in the build process: starting workers costs more
BOARD_IN_CARDS = 15  # a board takes as long to lay out as about this many cards


class UsageError(Exception):
    """The command was asked for something that is not there (exit 2)."""


@dataclass
class Checked:
    """A kit that passed every check, ready to lay out."""

    content: KitContent
    templates: dict[str, LoadedTemplate[Template]]
    family: Family
    board_templates: dict[str, LoadedTemplate] = field(default_factory=dict)
    blurred: list[str] = field(default_factory=list)  # bitmaps printed at too few dpi

    @property
    def warnings(self) -> list[str]:
        found = list(dict.fromkeys(self.blurred))
        if self.content.placeholder_urls:
            found.append("the follow-up URL points at a placeholder host (example.org): the QR codes "
                         "lead nowhere until you set follow_up.base_url in kit.yaml to the address "
                         "where `workshop-kit serve` answers")
        found_targets = targets(self.content)
        elsewhere = outside_base(self.content, found_targets)
        if elsewhere:
            shown = ", ".join(f"{t.deck}/{t.card}" for t in elsewhere[:3]) + (", ..." if len(elsewhere) > 3 else "")
            found.append(f"{len(elsewhere)} QR code(s) lead outside follow_up.base_url "
                         f"({self.content.kit.follow_up.base_url}), so `workshop-kit serve` will not "
                         f"answer them: {shown}")
        wanting = {"topics": ("topics", "welfare-theme"), "formats": ("preferred dialogue formats", "dialogue-format")}
        for kind in formats_without_choices(self.content, found_targets):
            what, cards = wanting[kind]
            found.append(f"a follow-up form asks for {what} (background: {kind}), "
                         f"and the kit has no {cards} cards to offer; the question is left out")
        return found


@dataclass
class BuildResult:
    # The files manifest.json lists under "files" (decks, boards, guide): the
    # count of "Built ... N files" and "Up to date ... N files". index.html,
    # manifest.json and the thumbnails are not counted.
    files: list[str] = field(default_factory=list)
    cards: int = 0
    boards: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    kept: list[str] = field(default_factory=list)  # decks and boards whose files were up to date
    written: list[str] = field(default_factory=list)  # those of `files` written by this build


def check(root: Path) -> Checked:
    """Load and check the whole kit; ContentError lists every problem."""
    problems: list[Problem] = []
    try:
        content = load_kit(root)
    except ContentError as error:
        # Report the templates' own problems in the same run.
        problems = list(error.problems)
        card_types = load_card_types(Path(root), [])  # their problems are among the content's
        colours, labels = kit_colours_and_labels(card_types, "da")
        defaults = BuiltinLook(colours, labels, card_types)
        for card_type in card_types:
            loaded = load_template(Path(root), card_type, problems)
            if loaded is not None:
                problems.extend(check_template(defaults, card_type, loaded))
        raise ContentError(problems, error.held_back) from None
    fam = kit_family(content)
    checks: list[Problem | Shared] = []  # the templates' checks: a colour's contrast is shared by its templates
    templates = _checked_templates(  # every card type's, used by a deck or not yet
        content, set(content.card_types), checks,
        lambda t: load_template(content.root, t, problems),
        lambda t, loaded: check_template(content, t, loaded))
    for deck in content.decks:
        if deck.type in templates:
            checks.extend(check_contrast(content, templates[deck.type], deck.type, deck,
                                         deck.size.width, deck.size.height))
        problems.extend(_check_sheet(content, deck))

    def check_board_template(board_type: str, loaded: LoadedTemplate[BoardTemplate]) -> list[Problem | Shared]:
        width, height = paper_size(loaded.template.paper, loaded.template.orientation)
        return [*check_template(content, board_type, loaded, BOARD_MODELS[board_type], ("face", "token"),
                                "boards", BOARD_PLACEHOLDERS),
                *check_contrast(content, loaded, board_type, None, width, height, ("face",))]

    board_templates = _checked_templates(
        content, {b.type for b in content.boards}, checks,
        lambda t: load_board_template(content.root, t, problems), check_board_template)
    if content.guide:
        problems.extend(glyph_problems(content.guide.source, fam))
    if problems or checks:
        raise ContentError([*problems, *checks])
    blurred = [w for deck in content.decks if deck.type in templates
               for w in low_resolution(content, templates[deck.type], deck.size.width, deck.size.height, deck.cards)]
    for board in board_templates.values():
        blurred += low_resolution(content, board, *paper_size(board.template.paper, board.template.orientation),
                                  sides=("face",))
    return Checked(content, templates, fam, board_templates, blurred)


def _checked_templates(content: KitContent, types: set[str], problems: list[Problem | Shared],
                       load: Callable, check_one: Callable) -> dict[str, LoadedTemplate]:
    """The templates of the given types that load and pass their checks."""
    passed: dict[str, LoadedTemplate] = {}
    for kind in sorted(types):
        loaded = load(kind)
        if loaded is None:
            continue
        found = check_one(kind, loaded)
        problems.extend(found)
        if not found:
            passed[kind] = loaded
    return passed


def _check_sheet(content: KitContent, deck: Deck) -> list[Problem]:
    """A card size that does not fit the kit's paper as its sheet layout
    lays it out, pointed at where the size is set."""
    try:
        home_grid(deck.size.width, deck.size.height, content.kit.paper, content.layout_of(deck)[1])
        return []
    except DoesNotFit as exc:
        source, path = card_size_setting(content, deck)
        return [source.problem(path, f"{exc}; choose a smaller card or a larger paper")]


def _guide_qr(content: KitContent, guide: Guide) -> list[Shared]:
    """The guide's follow-up URL must fit a QR code (the guide prints the
    code as large as it needs), reported where the URL is set."""
    length, limit = len(guide.qr_url.encode("utf-8")), capacity()
    if length <= limit:
        return []
    source, path = url_setting(content, (guide.source, ("follow_up_url",)))
    return [Shared(source.problem(path, too_long(" of the guide", length, limit)),
                   "qr-too-long", ("guide", guide.file), length)]


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
            raise UsageError(f"no deck or board named '{name}'{did_you_mean(name, known)}"
                             f" (decks and boards: {', '.join(known)})")
    return [names[n] for n in only if n in names], [boards[n] for n in only if n in boards]


class LaidOutDeck(NamedTuple):
    deck: Deck
    cards: list[CardFaces]
    faces: list[str]  # each card's faces key: what its thumbnails show


def lay_out(checked: Checked, decks: list[Deck], boards: list, poster: str = "a3", paper: str | None = None,
            progress: Callable[..., None] | None = None):
    """Faces of every card and board, the worksheets on the office `paper`
    (the kit's by default); ContentError if any text does not fit or a QR
    code would be too small. `progress(done, total, "cards")` is told how
    many cards are laid out. The QR codes encoded here are added to those
    the process knows (qr.known)."""
    content = checked.content
    problems: list[Problem] = []
    layout = CardLayout(content, checked.templates, checked.family)
    board_layout = BoardLayout(content, checked.board_templates, checked.family)
    office = paper or content.kit.paper
    chunks = [(deck, start, min(start + LAYOUT_CHUNK, len(deck.cards)))
              for deck in decks for start in range(0, len(deck.cards), LAYOUT_CHUNK)]
    # The boards first: a board takes as long as dozens of cards.
    work: list[tuple] = [(board, poster, office) for board in boards] + chunks
    total, laid = sum(len(deck.cards) for deck in decks), 0

    def finished(index: int, _) -> None:
        assert progress is not None  # passed to fork_map only with a progress
        nonlocal laid
        if index >= len(boards):
            _, start, end = chunks[index - len(boards)]
            laid += end - start
            progress(laid, total, "cards")

    if progress and total:
        progress(0, total, "cards")
    # A few cards are laid out here: quicker than starting workers, and the
    # text measurements stay cached in this process for the next rebuild.
    # The workers are given the QR codes known here, and return those they encode.
    done = fork_map(partial(_lay_out_work, layout, board_layout, work, qr.known()), range(len(work)),
                    finished if progress else None,
                    parallel=total + BOARD_IN_CARDS * len(boards) > LAYOUT_IN_PROCESS)
    boards_done, chunks_done = done[:len(boards)], done[len(boards):]
    for _, found, encoded, _ in chunks_done + boards_done:  # (the cards' problems first)
        qr.remember(encoded)
        problems.extend(found)
    laid_out = []
    for deck in decks:
        cards, keys = [], []
        for (chunk_deck, _, _), (faces, _, _, faces_keys) in zip(chunks, chunks_done):
            if chunk_deck is deck:
                cards.extend(faces)
                keys.extend(faces_keys)
        laid_out.append(LaidOutDeck(deck, cards, keys))
    boards_out = [(board, faces) for board, (faces, _, _, _) in zip(boards, boards_done)]
    too_long_url = _guide_qr(content, content.guide) if content.guide else []
    if problems or too_long_url:
        raise ContentError([*problems, *too_long_url])
    return laid_out, boards_out, board_layout


def prime(root: Path) -> None:
    """Lay out and draw one card of each deck here and throw it away, so
    that fonts, hyphenation dictionaries and text measurements are loaded
    before the first rebuild of a watch, not during it."""
    try:
        checked = check(root)
    except ContentError:
        return
    layout = CardLayout(checked.content, checked.templates, checked.family)
    for deck in checked.content.decks:
        cards, _ = layout.cards(deck, 0, 1)
        if cards:
            sheets = impose_shop(1, deck.size.width, deck.size.height, checked.content.kit.bleed)
            render(sheets, lambda item, side: cards[0].front if side == "front" else cards[0].back,  # noqa: B023 (called in this iteration)
                   title="", subject="", author="", font=checked.family.face("regular"),
                   lang=checked.content.kit.language)


def _lay_out_work(layout: CardLayout, board_layout: BoardLayout, work: list, known: dict, i: int):
    """The faces of a board or of a chunk of cards, the problems found, the
    QR codes encoded for them (a worker gets `known`, those of the parent),
    and each card's faces key (what its thumbnails show)."""
    qr.remember(known)
    if isinstance(work[i][0], Deck):
        faces, found = layout.cards(*work[i])
        return faces, found, qr.fresh(), [faces_key(card) for card in faces]
    board, poster, office = work[i]
    found = []
    return board_layout.faces(board, poster, office, found), found, qr.fresh(), []


def build(root: Path, out: Path, *, only: tuple[str, ...] = (), paper: str | None = None,
          modes: tuple[str, ...] = MODES, poster: str = "a3", tile_paper: str | None = None, dpi: int = 150,
          card_pictures: str | None = None, pdfx: str | None = None, progress: Callable[..., None] | None = None,
          force: bool = False) -> BuildResult:
    """Build the kit into `out`. The office paper (`paper`, the kit's by
    default) takes the card sheets, worksheets, token sheets and the guide,
    and the tiles unless `tile_paper` is given. Decks and boards whose
    inputs have not changed since the last build keep their files (unless
    `force`). `progress(done, total, unit)` is told how many cards are laid
    out ("cards"), then how many of the files to draw are drawn ("files").
    The QR codes of the last build are read from its output folder, and
    those of the kit's URLs kept there for the next. `card_pictures` ("png"
    or "svg") adds a picture of every card face, a PNG at `dpi`. `pdfx`
    ("x-4" or "x-1a") makes the print-shop files PDF/X files in CMYK."""
    started = time.perf_counter()
    if pdfx and "shop" not in modes:
        raise UsageError("--pdfx makes the print-shop files PDF/X, and --mode home makes none; "
                         "use --mode shop or both")
    inputs = inputs_digest(root, build_options(only, paper, modes, poster, tile_paper, dpi, card_pictures, pdfx))
    checked = check(root)
    content = checked.content
    kit = content.kit
    decks, boards = select(content, only)
    paper = paper or kit.paper
    tile_paper = tile_paper or paper
    meta = dict(author=kit.organisation, font=checked.family.face("regular"), lang=kit.language)

    def about(kind: str, **values) -> dict[str, str]:
        return file_about(content.labels, kind, kit=kit.title, **values)

    previous = PreviousBuild.read(out, kit.id)
    pictures = {"pictures": card_pictures, "dpi": dpi if card_pictures == "png" else None}
    keys = {d.slug: deck_key(checked, d, {"paper": paper, "modes": list(modes), "copies": d.copies,
                                          "sheet_layout": content.layout_of(d), "pdfx": pdfx,
                                          **pictures}) for d in decks}
    keys.update({b.slug: board_key(checked, b, {"poster": poster, "paper": paper, "tile": tile_paper,
                                                "dpi": dpi}) for b in boards})
    kept = set() if force else {part for part, key in keys.items() if previous.fresh(part, key)}
    decks_now = [d for d in decks if d.slug not in kept]
    boards_now = [b for b in boards if b.slug not in kept]
    cached = qr_cache.read(out)
    qr.remember(cached)
    laid_out, boards_out, board_layout = lay_out(checked, decks_now, boards_now, poster, paper, progress)

    jobs: list[Job] = []
    kept_pictures: list[Callable[[Manifest], None]] = []
    for deck, cards, faces in laid_out:
        thumbnails, same = thumbnail_sheets(deck.slug, cards, faces, deck.size.width, deck.size.height,
                                            {} if force else previous.thumbnail_sheets(deck.slug))
        jobs += deck_jobs(deck, cards, modes, paper, kit, meta, about, content.layout_of(deck), thumbnails,
                          pdfx)
        kept_pictures += same
        if card_pictures:
            jobs += card_picture_jobs(deck.slug, cards, card_pictures, dpi, meta, checked.family.name,
                                      {side: content.labels.get(f"index_{side}", side) for side in ("front", "back")})
    # The boards' jobs first: each rasterises a poster, the longest work of
    # a build, and the cores stay busy best when the long jobs start first.
    jobs[:0] = [job for board, variants in boards_out
                for job in board_jobs(board, variants, board_layout, tile_paper, paper, dpi, kit, meta, about)]

    rebuilt = {d.slug for d in decks_now} | {b.slug for b in boards_now}
    if not only:  # decks and boards that left the kit leave the output too
        rebuilt |= {p for p in previous.build.get("parts", {}) if p not in keys}
    manifest = Manifest({"id": kit.id, "title": kit.title, "organisation": kit.organisation,
                         "language": kit.language, "duplex": kit.duplex, "bleed_mm": kit.bleed})
    carried = previous.carried_over(rebuilt)
    manifest.files = carried["files"]
    for deck, cards, _ in laid_out:
        manifest.add_deck(deck.slug, deck.name, deck.type, len(cards), (deck.size.width, deck.size.height),
                          deck.copies, len(deck.printed()))
        for card, model in zip(cards, deck.cards):
            manifest.add_card(deck.slug, card.card_id, card.title, card.qr_url,
                              (deck.size.width, deck.size.height), deck.copies * model.copies)
    for record in kept_pictures:  # contact sheets whose cards did not change keep their pictures
        record(manifest)
    for board in boards_now:
        manifest.add_board(board.slug, board.type, board.model.title, board.qr_url)
    result = BuildResult(warnings=checked.warnings, kept=sorted(kept))
    kept_guide = None
    if content.guide:
        # The guide's materials list counts the pages of every other file:
        # they are known before anything is drawn, so it is drawn beside them.
        planned = planned_files(jobs, manifest)
        absent = absent_tools(content.guide.model.used_tools(), planned)
        if absent:
            result.warnings.append(f"no guide written: the output has no files of {', '.join(absent)}, "
                                   "which the programme uses; build without --only to write it")
        else:
            key = guide_key(checked, planned, paper)
            kept_guide = None if force else previous.whole_build_file(FileKind.GUIDE, key)
            if kept_guide is None:  # first: one of the longest jobs, it should not be the last to start
                jobs.insert(0, guide_job(checked, content.guide, planned, paper, meta, key))

    total, drawn = sum(job.files for job in jobs), 0
    if progress:
        progress(0, total, "files")
    # The staging folder is there while the files are drawn: a build stopped
    # from here on removes it, and one killed leaves it to the next build.
    with Staging(out) as staging:
        sizes: dict[str, int] = {}
        parts = Parts()  # files drawn in parts, until they are whole

        def finished(index: int, files: Made) -> None:
            """A job's files are taken into the staging and recorded as they
            come in: the worker staged each whole file, and the parts of a
            file drawn in parts are joined here once all are in."""
            nonlocal drawn
            for part, data in files.items():
                if isinstance(data, Staged):
                    staging.adopt(part, durable=not is_thumbnail(part))
                    sizes[part] = len(data)
                elif whole := parts.add(part, data):
                    name, data = whole
                    staging.write(name, data, durable=not is_thumbnail(name))
                    sizes[name] = len(data)
            jobs[index].record(manifest, files)
            drawn += jobs[index].files
            if progress:
                progress(drawn, total, "files")

        fork_map(partial(run_job, checked.family.name, [job.make for job in jobs], (staging.dir, out)),
                 range(len(jobs)), finished, keep=False, meanwhile=prepare_index)
        for entry in manifest.files:
            if entry["path"] in sizes:
                entry["bytes"] = sizes[entry["path"]]
        manifest.carry_over(carried, order=[d.slug for d in content.decks] + [b.slug for b in content.boards])
        manifest.build = {"inputs": inputs, "warnings": result.warnings,
                          "parts": dict(sorted({**carried["parts"],
                                                **{p: keys[p] for p in rebuilt if p in keys}}.items()))}
        if kept_guide is not None:
            manifest.add_file(**kept_guide)
            manifest.files.sort(key=lambda f: f["path"])
        _keep_qr_codes(staging, out, content, cached, force)
        for slug, captured in captures_in(out, list(manifest.boards)).items():  # (workshop-kit capture)
            manifest.boards[slug]["capture"] = captured
        staging.write(INDEX, index_page(manifest.data(), content.labels).encode("utf-8"))
        staging.write("manifest.json", manifest.to_json())
        with finishing(written=True):  # the files the new manifest no longer lists go with the commit
            staging.commit(last="manifest.json")
            for name in previous.stale(manifest.paths()):
                with suppress(OSError):  # (one that stays is listed nowhere, and harms nothing)
                    (out / name).unlink(missing_ok=True)
    result.files = [f["path"] for f in manifest.files]
    result.written = [name for name in result.files if name in sizes]
    result.cards = sum(len(d.cards) for d in decks)
    result.boards = len(boards)
    result.seconds = time.perf_counter() - started
    return result


def _keep_qr_codes(staging: Staging, out: Path, content: KitContent, cached: dict, force: bool) -> None:
    """Stage the QR cache: the codes of the kit's URLs this process knows,
    when they are not those of the cache file read (`cached`), or always
    when `force`d (which writes every file)."""
    urls = {target.url for target in targets(content)}
    keep = {key: symbol for key, symbol in qr.known().items() if key[0] in urls}
    if (force or keep.keys() != cached.keys()) and qr_cache.writable(out):
        staging.write(qr_cache.NAME, qr_cache.dump(keep))


def planned_files(jobs: list[Job], manifest: Manifest) -> list[dict]:
    """The manifest's files once the jobs are done, in its order, known
    before any is drawn: each job records what it makes on a copy of the
    manifest, given stand-ins for the bytes it only measures (so their
    bytes and pixels are not those of the files)."""
    scratch = copy.deepcopy(manifest)
    for job in jobs:
        job.record(scratch, _StandIns())
    return sorted(scratch.files, key=lambda f: f["path"])


class _StandIns(dict):
    """A picture of 1 x 1 pixel for every file name."""

    def __missing__(self, name: str) -> bytes:
        return _stand_in()


@cache
def _stand_in() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def guide_job(checked: Checked, guide: Guide, files: list[dict], paper: str, meta: dict, key: str) -> Job:
    """The facilitator guide, drawn beside the other files from the entries
    they will have (`files`), and its manifest entry (with the inputs it
    was drawn from, `key`)."""
    name = f"guide-{paper}.pdf"

    def record(manifest: Manifest, made: Made) -> None:
        manifest.add_file(path=name, kind=FileKind.GUIDE, paper=paper, pages=page_count(content(made[name])),
                          qr_urls=[guide.qr_url], inputs=key)

    return Job(partial(_draw_guide, name, checked.content, guide, files, paper, checked.family.name, meta), record)


def _draw_guide(name: str, content: KitContent, guide: Guide, files: list[dict], paper: str, font_family: str,
                meta: dict) -> dict[str, bytes]:
    # Imported here: ReportLab's platypus takes about 0.1 s to import, and
    # only a kit with a guide needs it.
    from workshop_kit.draw.guide_pdf import render_guide

    pdf, _ = render_guide(content, guide, files, paper, family(font_family), **meta)
    return {name: pdf}


def deck_jobs(deck: Deck, cards: list, modes, paper: str, kit, meta: dict, about: Callable,
              layout: tuple[str, SheetLayout] | None = None, thumbnails: Sequence[ContactSheet] = (),
              pdfx: str | None = None) -> list[Job]:
    """The card files of a deck, the office sheets laid out as `layout` (its
    name and settings; the office layout by default) says, the print-shop
    file a PDF/X file with `pdfx` ("x-4" or "x-1a"); `about(kind, **values)`
    gives a file's title and subject. The `thumbnails` (contact sheets) are
    cut out of the office sheets, or else the print-shop pages (unless they
    are in CMYK: then out of pages drawn for them)."""
    source = "home" if "home" in modes else None if pdfx else modes[0]
    faces = [(c.front, c.back) for c in cards]
    jobs = [job for mode in modes
            for job in _deck_jobs(deck, cards, faces, mode, paper, kit, meta, about, layout,
                                  list(thumbnails) if mode == source else None, pdfx)]
    if source is None:
        jobs += contact_jobs(list(thumbnails), faces, meta)
    return jobs


def _deck_jobs(deck: Deck, cards: list, faces: list, mode: str, paper: str, kit, meta: dict, about: Callable,
               layout: tuple[str, SheetLayout] | None, thumbnails: list[ContactSheet] | None,
               pdfx: str | None = None) -> list[Job]:
    printed = deck.printed()
    if mode == "home":
        try:
            layout_name, settings = layout or ("office", None)
            sheets = impose_home(printed, deck.size.width, deck.size.height, paper, kit.duplex, settings,
                                 layout_name)
        except DoesNotFit as exc:
            raise UsageError(f"deck '{deck.slug}': {exc}; choose a larger --paper") from None
        name = f"decks/{deck.slug}-{paper}-{SIDES_IN_NAME[sheets.layout['sides']]}.pdf"
    else:
        sheets = impose_shop(printed, deck.size.width, deck.size.height, kit.bleed)
        name = f"decks/{deck.slug}-print-shop.pdf"
    keys = [(deck.slug, c.card_id) for c in cards]
    described = about(mode, name=deck.name, paper=paper_name(paper), bleed=f"{kit.bleed:g}")
    if mode == "shop" and pdfx:
        described = {**described, "pdfx_standard": pdfx}
    return deck_file_jobs(name, sheets, faces, described, meta,
                          partial(_record_deck_file, name, deck.slug, sheets, keys), thumbnails or [],
                          thumbnails is not None)


def _record_deck_file(name: str, deck: str, sheets: Sheets, keys: list, manifest: Manifest) -> None:
    manifest.add_sheets(name, FileKind.CARD_DECK, deck, sheets, keys)


def board_jobs(board, variants, board_layout, tile_paper: str, token_paper: str, dpi: int,
               kit, meta: dict, about: Callable) -> list[Job]:
    """The files of a board; `about(kind, **values)` gives a file's title and subject."""
    jobs = []
    for v in variants:
        jobs += _board_variant_jobs(board, v, board_layout, tile_paper, dpi, kit, meta, about)
        if v.tokens:
            note = board_layout.kit.labels.get("tokens_marker_note") if carries_markers(v.tokens) else None
            jobs.append(_token_job(board, v, token_paper, meta, about, note))
    return jobs


def _board_variant_jobs(board, v, board_layout, tile_paper: str, dpi: int, kit, meta: dict,
                        about: Callable) -> list[Job]:
    """Poster PDF with its PNG and thumbnail (rendered once, in one job), the SVG, and the tiles."""
    face = v.face
    title = board.model.title
    svg_title = f"{title} – {kit.title}"
    kind = "worksheet" if v.worksheet else "filled" if v.variant == "filled" else "poster"
    described = about(kind, name=title, paper=paper_name(v.paper))
    stem = f"boards/{board.slug}" + ("-filled" if v.variant == "filled" else "")
    common = {"board": board.slug, "variant": v.variant, "qr_urls": [board.qr_url] if board.qr_url else [],
              "size_mm": [round(face.width, 3), round(face.height, 3)]}
    pdf_name, png_name = f"{stem}-{v.paper}.pdf", f"{stem}.png"
    sheets = poster_sheets(face.width, face.height, v.paper)

    def record_poster(manifest: Manifest, files: Made) -> None:
        manifest.add_file(path=pdf_name, kind=FileKind.BOARD_POSTER, paper=v.paper, pages=1, **common)
        manifest.add_file(path=png_name, kind=FileKind.BOARD_PNG, dpi=dpi,
                          pixels=list(image_size(content(files[png_name]))), **common)
        thumb = board_path(board.slug, v.variant)
        manifest.add_board_thumbnail(board.slug, v.variant, thumb, image_size(content(files[thumb])),
                                     len(files[thumb]))

    jobs = [Job(partial(_draw_poster, pdf_name, png_name, sheets, face, described, meta, board.slug, v.variant,
                        dpi), record_poster, files=3),
            file_job(f"{stem}.svg", partial(render_svg, face, board_layout.builder.family, svg_title),
                     kind=FileKind.BOARD_SVG, **common)]
    if v.variant == "blank" and needs_tiles(face.width, face.height, tile_paper):
        qr_box = next(iter(qr_boxes(face.items)), None)  # never split across tiles
        tiles = tiles_with_labels(tile(face.width, face.height, tile_paper, qr_box), board_layout, board)
        regions = [{"page": i + 1, "row": t.row, "column": t.column,
                    "region_mm": [round(n, 3) for n in (t.region.x, t.region.y, t.region.width, t.region.height)]}
                   for i, t in enumerate(tiles.tiles)]
        tiled = about("tiles", name=title, poster=paper_name(v.paper), paper=paper_name(tile_paper))
        jobs.append(file_job(f"{stem}-{v.paper}-tiles-{tile_paper}.pdf",
                             partial(_draw_items, tiles.sheets, None, face, tiled, meta),
                             kind=FileKind.BOARD_TILES, paper=tile_paper, pages=len(tiles.tiles),
                             rows=tiles.rows, columns=tiles.columns, overlap_mm=tiles.overlap,
                             tiles=regions, **common))
    return jobs


# Tokens stand apart on their sheet, each cut out on its own along crop
# marks in the margin; they have no backs. Each is cut TOKEN_BORDER mm
# outside its face, its background carried out to the cut, so that its
# text (which may come within a millimetre of the face's edge, as on the
# filled-in board) stays 2 mm inside the cut.
TOKEN_SHEET = SheetLayout(gap=4, marks="crop", sides="fronts")
TOKEN_BORDER = 1.5


def _token_job(board, v, paper: str, meta: dict, about: Callable, note: str | None = None) -> Job:
    face_w, face_h = v.token_size
    w, h = face_w + 2 * TOKEN_BORDER, face_h + 2 * TOKEN_BORDER
    sheets = impose_home(len(v.tokens), w, h, paper, None, TOKEN_SHEET, "tokens")
    sheets = replace(sheets, pages=tuple(
        replace(page, bleed=TOKEN_BORDER,
                placements=tuple(replace(p, x=p.x + TOKEN_BORDER, y=p.y + TOKEN_BORDER) for p in page.placements),
                extras=page.extras + marker_note(page, note, meta["font"], face_h))
        for page in sheets.pages))
    described = about("tokens", name=board.model.title, paper=paper_name(paper))
    # (a token sheet prints no QR code, so it lists none)
    return file_job(f"boards/{board.slug}-tokens-{paper}.pdf",
                    partial(_draw_items, sheets, v.tokens, None, described, meta),
                    kind=FileKind.TOKEN_SHEET, board=board.slug, variant=v.variant, paper=paper,
                    pages=len(sheets.pages), tokens=len(v.tokens), token_size_mm=[round(w, 3), round(h, 3)],
                    per_sheet=sheets.per_sheet, gap_mm=TOKEN_SHEET.gap)


def _draw_poster(pdf_name: str, png_name: str, sheets, face, described: dict, meta: dict, board: str,
                 variant: str, dpi: int) -> dict[str, bytes]:
    pdf = _draw_items(sheets, None, face, described, meta)
    thumb_name, thumb = board_thumbnail(board, variant, pdf)
    return {pdf_name: pdf, png_name: rasterise(pdf, dpi), thumb_name: thumb}


def _draw_items(sheets, items: list | None, face, described: dict, meta: dict) -> bytes:
    """The PDF of sheets whose items are `items` (the same on both sides), or all `face`;
    `described` gives its title and subject."""
    return render(sheets, lambda item, side: face if items is None else items[item], **described, **meta)
