"""Load a kit directory: kit.yaml and decks/*.yaml, checked as a whole."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from workshop_kit.builtin import builtin
from workshop_kit.content.boards import BOARD_MODELS, board_type, filled_in
from workshop_kit.content.card_type import CardType, load_card_types
from workshop_kit.content.forms import Form
from workshop_kit.content.guide import GUIDE_DECK, Guide, guide_url, read_guide
from workshop_kit.content.model import Card, DeckHead, Kit, Size, is_slug, placeholders, slug_from
from workshop_kit.content.pictures import Picture, Pictures
from workshop_kit.content.sheet_layout import SheetLayout, default_layout, load_sheet_layout
from workshop_kit.content.short_links import short_codes, short_url
from workshop_kit.content.sources import Citation, numbered
from workshop_kit.content.validate import validate
from workshop_kit.content.yaml_source import Source, read_yaml
from workshop_kit.problems import ContentError, Problem, did_you_mean, display_path

PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net")


@dataclass(frozen=True)
class Deck:
    slug: str
    file: str
    type: str
    name: str
    description: str
    size: Size
    colour: Any  # hex string or CMYK
    qr_enabled: bool
    cards: tuple[Card, ...]
    qr_urls: tuple[str | None, ...]
    source: Source = field(repr=False, compare=False)
    form: Form | None = None
    copies: int = 1  # copies of the whole deck printed
    layout_name: str | None = None  # the deck's own sheet layout, instead of the kit's
    # with short links: the follow-up URL each card's short link (in qr_urls) stands for
    full_urls: tuple[str | None, ...] = ()
    form_url: str | None = None  # the deck's qr.form_url: a form elsewhere for its cards

    def printed(self) -> list[int]:
        """The index of each card as often as it is printed, in print order:
        the whole deck after the whole deck, a card's copies together."""
        return [i for _ in range(self.copies) for i, card in enumerate(self.cards) for _ in range(card.copies)]

    def card_line(self, index: int, path: tuple = ()) -> tuple[int | None, int | None]:
        return self.source.where(("cards", index) + path)


@dataclass(frozen=True)
class Board:
    slug: str
    file: str
    type: str
    model: Any  # one of the board models
    qr_url: str | None
    source: Source = field(repr=False, compare=False)
    full_url: str | None = None  # with short links: the follow-up URL its short link stands for


@dataclass(frozen=True)
class KitContent:
    root: Path
    kit: Kit
    colours: dict[str, Any]
    labels: dict[str, str]
    decks: tuple[Deck, ...]
    boards: tuple[Board, ...] = ()
    kit_source: Source | None = field(default=None, repr=False, compare=False)
    guide: Guide | None = None
    sheet_layouts: dict[str, SheetLayout] = field(default_factory=dict)  # by name: the kit's, the decks'
    card_types: dict[str, CardType] = field(default_factory=dict)  # by name: the shipped and the kit's own
    # the picture files the kit and its templates name, each read and checked once
    pictures: Pictures | None = field(default=None, repr=False, compare=False)

    @property
    def logo(self) -> Picture | None:
        return self.pictures.get(self.kit.logo) if self.kit.logo and self.pictures else None

    def layout_of(self, deck: Deck) -> tuple[str, SheetLayout]:
        """The name and settings of the sheet layout of a deck's office sheets."""
        name = deck.layout_name or self.kit.sheet_layout
        return name, self.sheet_layouts.get(name) or default_layout()

    def board(self, slug: str) -> Board | None:
        return next((b for b in self.boards if b.slug == slug), None)

    def deck(self, slug: str) -> Deck | None:
        return next((d for d in self.decks if d.slug == slug), None)

    @property
    def cards_by_type(self) -> dict[str, dict[str, Card]]:
        """Type -> card id -> card; where decks of one type share an id, the first deck's card."""
        out: dict[str, dict[str, Card]] = {}
        for deck in self.decks:
            for card in deck.cards:
                out.setdefault(deck.type, {}).setdefault(card.id, card)
        return out

    @property
    def card_titles(self) -> dict[str, dict[str, str]]:
        """Type -> card id -> title: what a linking card prints of the cards it names."""
        return {kind: {cid: card.title for cid, card in cards.items()}
                for kind, cards in self.cards_by_type.items()}

    @property
    def sources(self) -> list[tuple[Citation, list[str]]]:
        """Every source of the kit's cards, boards and guide once, in the order
        first used, with the names of what uses it: the guide's numbered list."""
        used = [(f"{deck.name}: {card.title}", getattr(card, "sources", ()))  # on each type's model, not on Card
                for deck in self.decks for card in deck.cards]
        used += [(board.model.title, board.model.sources) for board in self.boards]
        if self.guide:
            used.append((self.guide.model.title, self.guide.model.sources))
        return numbered(used)

    @property
    def placeholder_urls(self) -> bool:
        """True while any follow-up URL still points at a documentation host."""
        urls = [u for d in self.decks for u in d.qr_urls] + [b.qr_url for b in self.boards]
        urls += [self.guide.qr_url] if self.guide else []
        return any(url and is_placeholder(url) for url in urls)


def is_placeholder(url: str) -> bool:
    """True when a URL leads to a documentation host such as example.org."""
    host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
    return host.removeprefix("www.") in PLACEHOLDER_HOSTS


def load_kit(root: Path) -> KitContent:
    """The validated kit, or ContentError with every problem found."""
    root = Path(root)
    problems: list[Problem] = []
    kit_file = root / "kit.yaml"
    if not kit_file.is_file():
        raise ContentError([Problem(display_path(kit_file, Path.cwd()), None, None, "",
                                    "no kit.yaml here; is this a workshop-kit folder?")])
    kit_src = read_yaml(kit_file, "kit.yaml", problems, root=root)
    kit = validate(kit_src, Kit, problems) if kit_src else None
    pictures = Pictures(root)
    if kit and kit.logo:
        pictures.check(kit.logo, kit_src, ("logo",), problems)

    sizes = builtin("card_sizes")
    default_size = None
    if kit:
        assert kit_src is not None  # kit.yaml is validated only once it is read
        default_size = _size(kit.card_size, kit_src, ("card_size",), sizes, problems)
    unread_types: set[str] = set()  # card types whose template cannot be read or has problems
    card_types = load_card_types(root, problems, unread_types)
    colours, labels = kit_colours_and_labels(card_types, kit.language if kit else "da")
    if kit:
        assert kit_src is not None  # kit.yaml is validated only once it is read
        colours.update(kit.theme.colours)
        for key, text in kit.labels.items():
            if key not in labels:
                problems.append(kit_src.problem(("labels", key), _unknown("label", key, labels), key=True))
            else:
                wrong = _placeholder_problem(text, set(placeholders(labels[key])))
                if wrong:
                    problems.append(kit_src.problem(("labels", key), wrong))
            labels[key] = text

    decks: list[Deck] = []
    linked: list[SimpleNamespace] = []  # the valid cards of each deck, for the link check
    deck_files = sorted((root / "decks").glob("*.yaml")) if (root / "decks").is_dir() else []
    for path in deck_files:
        deck = _load_deck(path, root, kit, default_size, sizes, problems, linked, card_types, pictures,
                          unread_types)
        if deck:
            decks.append(deck)
    layouts = _sheet_layouts(root, kit, kit_src, decks, problems)
    board_files = sorted((root / "boards").glob("*.yaml")) if (root / "boards").is_dir() else []
    boards = [b for b in (_load_board(p, root, kit, problems) for p in board_files) if b]
    if not deck_files and not board_files:
        problems.append(Problem("decks/", None, None, "", "no deck files (decks/*.yaml) found"))

    read = read_guide(root, problems)
    if read:
        _check_guide_tools(read[0], [p.stem for p in deck_files], [p.stem for p in board_files],
                           {b.slug: filled_in(b.type, b.model) for b in boards}, problems)

    # While a deck or board file cannot be read, what it holds is unknown:
    # a link into it or a board that names it is not a problem of its own.
    unread = {Path(p.file).stem for p in problems if p.unreadable and p.file.startswith("boards/")}
    following: list[Problem] = []
    deck_unread = any(p.unreadable and p.file.startswith(("decks/", "templates/")) for p in problems)
    deck_unread = deck_unread or bool(unread_types)
    _check_links(linked, card_types, following if deck_unread else problems)
    _check_boards(boards, problems, unread, following)
    guide = Guide(read[0].file, read[1], guide_url(kit, read[1]), read[0]) if read and read[1] and kit else None
    if kit and kit.follow_up.links == "short" and not problems:
        decks, boards, guide = _short_links(kit, decks, boards, guide, problems)
    if problems:
        raise ContentError(problems, held_back=len(following))
    assert kit is not None  # no problems: kit.yaml was read and is valid
    return KitContent(root, kit, colours, labels, tuple(decks), tuple(boards), kit_src, guide, layouts,
                      card_types, pictures)


def kit_colours_and_labels(card_types: dict[str, CardType], language: str) -> tuple[dict, dict]:
    """The colours and printed texts of the built-in theme and labels, with
    those the card templates declare over them (kit.yaml goes over both)."""
    colours = dict(builtin("theme")["colours"])
    labels = dict(builtin(f"labels/{language}"))
    for name, card_type in card_types.items():
        labels.update(card_type.labels(language))
        if card_type.colour is not None:
            colours[name] = card_type.colour
        if card_type.tint is not None:
            colours[f"tint-{name}"] = card_type.tint
        colours.setdefault(name, colours["ink"])  # a type of no colour: its bands in the ink colour
    return colours, labels


def _short_links(kit: Kit, decks: list[Deck], boards: list[Board], guide: Guide | None,
                 problems: list) -> tuple[list[Deck], list[Board], Guide | None]:
    """The decks, boards and guide with short links in their QR codes
    (follow_up.links: short), each keeping the URL it stands for; a code
    set twice is a problem where it is set the second time."""
    keys: list[tuple[str, str]] = []
    own: dict[tuple[str, str], str] = {}
    set_at: dict[str, tuple[Source, tuple]] = {}

    def take(key: tuple[str, str], code: str | None, source: Source, path: tuple) -> None:
        keys.append(key)
        if code is None:
            return
        if code in set_at:
            first, at = set_at[code]
            line, _ = first.where(at)
            problems.append(source.problem(path, f"the short-link code '{code}' is used before "
                                                 f"({first.file}, line {line}); give each its own"))
            return
        set_at[code] = (source, path)
        own[key] = code

    for deck in decks:
        if isinstance(deck.source.data, dict) and isinstance(deck.source.data.get("qr"), dict) \
                and "code" in deck.source.data["qr"]:
            problems.append(deck.source.problem(("qr", "code"), "a deck has no short-link code of its own; "
                                                "set code on a card"))
        for i, (card, url) in enumerate(zip(deck.cards, deck.qr_urls)):
            if url:
                take((deck.slug, card.id), card.code, deck.source, ("cards", i, "code"))
    for board in boards:
        if board.qr_url:
            take((BOARDS_DECK, board.slug), board.model.qr.code, board.source, ("qr", "code"))
    if guide:
        take((GUIDE_DECK, kit.id), guide.model.code, guide.source, ("code",))
    codes = short_codes(kit.id, keys, own)
    base = kit.follow_up.base_url
    assert base is not None  # links: short without a base_url is refused by the kit's model

    def short(deck: str, card: str) -> str:
        return short_url(base, codes[(deck, card)])

    decks = [replace(d, full_urls=d.qr_urls, qr_urls=tuple(
        short(d.slug, card.id) if url else None for card, url in zip(d.cards, d.qr_urls))) for d in decks]
    boards = [replace(b, full_url=b.qr_url, qr_url=short(BOARDS_DECK, b.slug)) if b.qr_url else b
              for b in boards]
    if guide:
        guide = replace(guide, full_url=guide.qr_url, qr_url=short(GUIDE_DECK, kit.id))
    return decks, boards, guide


def _sheet_layouts(root: Path, kit: Kit | None, kit_src: Source | None, decks: list[Deck],
                   problems: list[Problem]) -> dict[str, SheetLayout]:
    """The sheet layouts the kit and its decks name, by name; a name with no
    layout is a problem where it is named (in every file that names it)."""
    named = (([(kit.sheet_layout, kit_src)] if kit and kit_src else [])
             + [(d.layout_name, d.source) for d in decks if d.layout_name])
    layouts: dict[str, SheetLayout] = {}
    for name, source in named:
        if name not in layouts:
            found = load_sheet_layout(root, name, source, ("sheet_layout",), problems)
            if found is not None:
                layouts[name] = found
    return layouts


def _placeholder_problem(text: str, allowed: set[str]) -> str | None:
    """Why a label's text cannot be filled in, if it cannot."""
    try:
        used = placeholders(text)
    except ValueError as exc:
        return f"'{text}' is not a valid label text ({exc}); write a single brace as {{{{ or }}}}"
    unknown = sorted(set(used) - allowed)
    if unknown:
        known = ", ".join(f"{{{name}}}" for name in sorted(allowed)) or "none"
        return f"unknown placeholder {{{unknown[0]}}} in this label (it can use: {known})"
    return None


def _unknown(what: str, name: str, known) -> str:
    return f"unknown {what} '{name}'{did_you_mean(name, known)}"


def _size(value, source: Source, path: tuple, sizes: dict, problems: list) -> Size | None:
    if isinstance(value, Size):
        return value
    if value in sizes:
        return Size(**sizes[value])
    problems.append(source.problem(path, _unknown("card size", value, sizes)
                                   + f" (presets: {', '.join(sizes)}; or give width and height in mm)"))
    return None


def _load_deck(path: Path, root: Path, kit: Kit | None, default_size, sizes, problems,
               linked: list, card_types: dict[str, CardType], pictures: Pictures,
               unread_types: AbstractSet[str] = frozenset()) -> Deck | None:
    shown = display_path(path, root)
    source = read_yaml(path, shown, problems, root=root)
    if source is None:
        return None
    slug = path.stem
    if not is_slug(slug):
        problems.append(Problem(shown, None, None, "", "a deck file name must be lowercase a-z, digits and "
                                "hyphens (it is used in URLs)" + _rename_hint(path)))
    if not isinstance(source.data, dict):
        problems.append(source.problem((), "a deck file must be a mapping with type, name and cards"))
        return None
    head = validate(source, DeckHead, problems)
    raw_cards = source.data.get("cards")
    given_type = source.data.get("type")
    if given_type in unread_types:
        return None  # its cards are checked once its template can be read
    if head is not None and head.type not in card_types:
        problems.append(source.problem(("type",), _unknown("card type", head.type, card_types)
                                       + f" (types: {', '.join(card_types)}; a kit adds one with "
                                         f"templates/{head.type}.yaml)"))
        return None
    if head is None:
        # Check the cards too, so that one run shows every problem.
        if isinstance(raw_cards, list) and isinstance(given_type, str) and given_type in card_types:
            valid, _ = _validate_cards(source, card_types[given_type], raw_cards, problems, pictures)
            linked.append(SimpleNamespace(type=given_type, cards=valid, source=source,
                                          ids=_raw_ids(raw_cards)))
        return None
    valid, ok = _validate_cards(source, card_types[head.type], head.cards, problems, pictures)
    # Links are checked even when kit.yaml or some cards have problems; the
    # ids of cards with problems still count as there, so that one broken
    # card does not make every link to its deck a problem too.
    linked.append(SimpleNamespace(type=head.type, cards=valid, source=source, ids=_raw_ids(head.cards)))
    cards = valid if ok else None
    size = _size(head.card_size, source, ("card_size",), sizes, problems) if head.card_size else default_size
    colour = head.colour
    if cards is None or size is None or kit is None:
        return None
    urls = tuple(
        kit.follow_up_url(slug, card.id, card.qr_url, head.qr.url) if head.qr.enabled else None
        for card in cards
    )
    return Deck(slug, shown, head.type, head.name, head.description, size, colour,
                head.qr.enabled, tuple(cards), urls, source, head.form, head.copies, head.sheet_layout,
                form_url=head.qr.form_url)


def _clip_list(text: str, most: int = 200) -> str:
    return text if len(text) <= most else text[:most].rsplit(", ", 1)[0] + ", ..."


def _rename_hint(path: Path) -> str:
    slug = slug_from(path.stem)
    return f"; rename it {slug}.yaml" if slug else ""


def _duplicate(source: Source, list_name: str, seen: dict[str, int], index: int, item_id: str) -> Problem | None:
    """The problem of an id used before in the same list (`seen`: id -> first index), if it was."""
    if item_id not in seen:
        seen[item_id] = index
        return None
    line, _ = source.where((list_name, seen[item_id], "id"))
    return source.problem((list_name, index, "id"), f"duplicate id '{item_id}' (first used on line {line})")


def _raw_ids(raw_cards: list) -> list[str]:
    return [c["id"] for c in raw_cards if isinstance(c, dict) and isinstance(c.get("id"), str)]


def _validate_cards(source: Source, card_type: CardType, raw_cards: list, problems: list,
                    pictures: Pictures) -> tuple[list[Card], bool]:
    """The cards that are valid, and whether all of them are (ids unique too
    and their pictures there: the `picture` every card may have and those
    of the type's image fields, each checked as the kit's pictures are)."""
    model = card_type.model
    images = ["picture", *(name for name, spec in card_type.fields.items() if spec.kind == "image")]
    cards: list[Card] = []
    seen: dict[str, int] = {}
    ok = True
    for i, raw in enumerate(raw_cards):
        found: list[Problem] = []
        card = validate(source, model, found, data=raw, prefix=("cards", i))
        for name in images if card is not None else ():
            written = getattr(card, name, None)
            if written and not pictures.check(written, source, ("cards", i, name), found):
                ok = False
        card_id = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(card_id, str):  # name the card in its problems
            found = [replace(p, field=p.field.replace(f"cards[{i}]", f"cards[{i}] (id: {card_id})", 1))
                     for p in found]
        problems.extend(found)
        if card is None:
            ok = False
            continue
        duplicate = _duplicate(source, "cards", seen, i, card.id)
        if duplicate:
            problems.append(duplicate)
            ok = False
        cards.append(card)
    return cards, ok


BOARDS_DECK = "boards"  # what {deck} stands for in a board's follow-up URL; {card} is the board


def _load_board(path: Path, root: Path, kit: Kit | None, problems: list) -> Board | None:
    shown = display_path(path, root)
    source = read_yaml(path, shown, problems, root=root)
    if source is None:
        return None
    if not is_slug(path.stem):
        problems.append(Problem(shown, None, None, "", "a board file name must be lowercase a-z, digits and "
                                "hyphens (it is used in URLs)" + _rename_hint(path)))
        return None
    data = source.data
    kind = data.get("type") if isinstance(data, dict) else None
    if kind not in BOARD_MODELS:
        path_ = ("type",) if isinstance(data, dict) and "type" in data else ()
        problems.append(source.problem(path_, _unknown("board type", str(kind), BOARD_MODELS)
                                       + f" (board types: {', '.join(BOARD_MODELS)})"))
        return None
    model = validate(source, BOARD_MODELS[kind], problems)
    if model is None or kit is None:
        return None
    url = None
    if model.qr.enabled:
        url = kit.follow_up_url(BOARDS_DECK, path.stem, model.qr.url)
    return Board(path.stem, shown, kind, model, url, source)


def _check_boards(boards: list[Board], problems: list, unread: set[str],
                  following: list | None = None) -> None:
    """Ids unique in each list of a board, and each board type's own checks
    against the kit's other boards; a problem that names a board file that
    could not be read is held back (`following`)."""
    by_slug = {b.slug: b for b in boards}
    for board in boards:
        for list_name, items in board.model:
            if not (isinstance(items, list) and items and all(hasattr(item, "id") for item in items)):
                continue
            seen: dict[str, int] = {}
            for i, item in enumerate(items):
                duplicate = _duplicate(board.source, list_name, seen, i, item.id)
                if duplicate:
                    problems.append(duplicate)
        for problem, held_back in board_type(board.type).check(board, by_slug, unread):
            (following if held_back and following is not None else problems).append(problem)


def _check_guide_tools(source: Source, decks: list[str], boards: list[str], filled: dict[str, bool],
                       problems: list) -> None:
    """Every tool the guide names is a deck or board of the kit; only a
    board that places things has a filled-in version to print. Read from
    the YAML as written, so that these are reported with the guide's other
    problems."""
    names = decks + boards
    data = source.data

    def unknown(name: str) -> str:
        return _unknown("deck or board", name, names) + f" (decks and boards: {', '.join(names)})"

    lists: list[tuple[tuple, Any]] = [(("steps",), data.get("steps"))]
    programmes = data.get("programmes")
    if isinstance(programmes, dict):
        lists += [(("programmes", name, "steps"), p.get("steps")) for name, p in programmes.items()
                  if isinstance(p, dict)]
    for path, steps in lists:
        for i, step in enumerate(steps if isinstance(steps, list) else []):
            tool = step.get("tool") if isinstance(step, dict) else None
            if isinstance(tool, str) and tool not in names:
                problems.append(source.problem(path + (i, "tool"), unknown(tool)))
    tools = data.get("tools") if isinstance(data.get("tools"), dict) else {}
    for name, tool in tools.items():
        if name not in names:
            problems.append(source.problem(("tools", name), unknown(name), key=True))
            continue
        how = tool.get("print") if isinstance(tool, dict) else None
        if how not in ("filled", "both") or filled.get(name):
            continue
        if name in filled:
            what = f"board '{name}' places none of its elements or partners"
        elif name in decks:
            what = f"'{name}' is a deck"
        else:
            continue  # a board with problems of its own
        problems.append(source.problem(("tools", name, "print"),
                                       f"{what}, so it has no filled-in version to print"))


def _check_links(decks: list[SimpleNamespace], card_types: dict[str, CardType], problems: list) -> None:
    """Each id a link field gives is a card of the type it links to."""
    ids: dict[str, list[str]] = {}
    for deck in decks:
        ids.setdefault(deck.type, []).extend(deck.ids)
    for deck in decks:
        for field_name, target in card_types[deck.type].links.items() if deck.type in card_types else ():
            for i, card in enumerate(deck.cards):
                value = getattr(card, field_name)
                refs = [value] if isinstance(value, str) else value or []
                for j, ref in enumerate(refs):
                    if ref in ids.get(target, []):
                        continue
                    known = ids.get(target, [])
                    message = f"no {target} card has the id '{ref}'"
                    hint = did_you_mean(ref, known)
                    if hint:
                        message += hint
                    elif not known:
                        message += f" (the kit has no {target} deck)"
                    else:
                        shown = ", ".join(dict.fromkeys(known))
                        message += f" (the {target} cards: {_clip_list(shown)})"
                    at = ("cards", i, field_name) + ((j,) if isinstance(value, list) else ())
                    problems.append(deck.source.problem(at, message))
