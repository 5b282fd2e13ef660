"""A board and its template -> the board's face (and its tokens), in mm.

The shapes that carry a board's content (the rings of the influence
circle, the quadrants of the partner matrix, the partner table and the
checklist) are element kinds of the board templates (layout/elements/);
everything else on a board is the same fills, texts and QR codes as on a
card."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workshop_kit.builtin import paper_size
from workshop_kit.content import Board, KitContent
from workshop_kit.content.boards import board_type
from workshop_kit.content.follow_up import url_setting
from workshop_kit.content.yaml_source import field_name
from workshop_kit.fonts import Family
from workshop_kit.layout.boxes import Box, Face
from workshop_kit.layout.colours import Palette
from workshop_kit.layout.elements.registry import kind_of
from workshop_kit.layout.face import FaceBuilder, Subject, scaled_box, short_url
from workshop_kit.layout.template import BoardTemplate, LoadedTemplate
from workshop_kit.problems import Problem


@dataclass(frozen=True)
class BoardFaces:
    board: str
    variant: str          # "blank" or "filled"
    face: Face
    paper: str
    tokens: tuple[Face, ...] = ()
    token_size: tuple[float, float] | None = None
    worksheet: bool = False  # on the office paper, not a poster


class BoardLayout:
    def __init__(self, kit: KitContent, templates: dict[str, LoadedTemplate], family: Family):
        self.kit = kit
        self.templates = templates
        self.builder = FaceBuilder(kit, family)

    def faces(self, board: Board, poster: str, paper: str, problems: list[Problem]) -> list[BoardFaces]:
        """The blank board, and a filled-in one where the content places
        things: a poster of size `poster`, or a worksheet (a template that
        is not scalable) on the office `paper`. The template's layout on its
        own paper is scaled to fit."""
        template: BoardTemplate = self.templates[board.type].template
        worksheet = not template.scalable
        paper = paper if worksheet else poster
        width, height, scale = _sheet(template, paper)
        palette = Palette(self.kit.colours, board.type)
        out = []
        variants = ["blank"] + (["filled"] if board_type(board.type).filled_in(board.model) else [])
        for variant in variants:
            subject = BoardSubject(board.model, board.type, board.qr_url, self._values(board),
                                   _board_problem(board), palette, scale, found_on=("board", board.slug),
                                   setting=_board_setting(self.kit, board), variant=variant,
                                   layout=self, board=board)
            face = self.builder.face(template.face, width, height, subject, problems)
            out.append(BoardFaces(board.slug, variant, face, paper, worksheet=worksheet))
        element, box = _placement(template, width, height, scale)
        size = _token_size(board, element, box, scale) if element else None
        if size:
            faces = self.token_faces(board, size, scale, problems)
            tokens = tuple(faces[i] for i in sorted(faces))
            out[0] = BoardFaces(board.slug, "blank", out[0].face, paper, tokens, size, worksheet)
        return out

    def placement(self, board: Board, poster: str) -> Placement | None:
        """Where the board's tokens are placed on it as a `poster`; None for
        a board without tokens to place."""
        template: BoardTemplate = self.templates[board.type].template
        width, height, scale = _sheet(template, poster if template.scalable else template.paper)
        element, box = _placement(template, width, height, scale)
        if element is None or not board_type(board.type).token_items(board.model):
            return None
        return Placement(element, box, scale, (width, height))

    def token_faces(self, board: Board, size: tuple[float, float], scale: float,
                    problems: list[Problem], only: list[int] | None = None) -> dict[int, Face]:
        """Token faces by index of their element or partner (`only` those)."""
        template: BoardTemplate = self.templates[board.type].template
        if template.token is None:
            return {}
        palette = Palette(self.kit.colours, board.type)
        faces = {}
        kind = board_type(board.type)
        items = kind.token_items(board.model)
        board_values = self._values(board)
        for i in (range(len(items)) if only is None else only):
            item = items[i]
            values = dict(board_values, text=kind.token_text(item), token_index=str(i))
            subject = Subject(item, board.type, None, values,
                              _board_problem(board, (kind.tokens, i)), palette, scale)
            faces[i] = self.builder.face(template.token, size[0], size[1], subject, problems)
        return faces

    def _values(self, board: Board) -> dict[str, str]:
        labels = self.kit.labels
        whose = getattr(board.model, "whose", "")
        return {
            "title": board.model.title,
            "intro": board.model.intro,
            "whose": f"{labels['whose']}: {whose if whose else '_' * 24}",
            "kit": self.kit.kit.title,
            "organisation": self.kit.kit.organisation,
            "type": labels.get(board.type, board.type),
            "url": short_url(board.qr_url) if board.qr_url else "",
        }


@dataclass(frozen=True)
class Placement:
    """The element a board's tokens are placed on, its box and the board's
    scale and size (mm) on the poster it is printed as."""

    element: Any
    box: Box
    scale: float
    size: tuple[float, float]

    @property
    def field(self) -> str:
        """The field of a token's item that says where it was placed (ring, score)."""
        return kind_of(self.element.kind).places

    def meaning(self, model, x: float, y: float):
        """What a token whose centre lies at (x, y) mm means on the board, as
        the value of `field` (a ring's name, the scores); None off it."""
        meaning = kind_of(self.element.kind).meaning
        return meaning(model, self.box, self.scale, x, y) if meaning else None


def _sheet(template: BoardTemplate, paper: str) -> tuple[float, float, float]:
    """The width and height of a board on `paper`, and how much larger it
    is than the template's layout on its own paper."""
    width, height = paper_size(paper, template.orientation)
    ref_width, ref_height = paper_size(template.paper, template.orientation)
    return width, height, min(width / ref_width, height / ref_height)


@dataclass
class BoardSubject(Subject):
    variant: str = "blank"
    layout: BoardLayout = field(kw_only=True)
    board: Board = field(kw_only=True)


def _token_size(board: Board, element, box: Box, scale: float) -> tuple[float, float] | None:
    """Tokens sized to what they are placed on (a ring's width on the
    circle, a score cell of the matrix): `element` and `box`, as its kind says."""
    if not board_type(board.type).token_items(board.model):
        return None
    size_of = kind_of(element.kind).token_size
    assert size_of is not None  # `element` is the one the tokens are placed on (_placement)
    return size_of(board.model, box, scale)


def _placement(template: BoardTemplate, width: float, height: float, scale: float) -> tuple:
    """The element the board's tokens are placed on, and its box; (None, None) if none is."""
    for element in template.face.elements:
        if kind_of(element.kind).token_size is not None:
            return element, scaled_box(element, width, height, scale)
    return None, None


def _board_setting(kit: KitContent, board: Board):
    """Where a board's follow-up URL is set: its qr.url or kit.yaml."""
    def setting(name: str, message: str) -> Problem | None:
        if name != "url":
            return None
        source, path = url_setting(kit, (board.source, ("qr", "url")))
        return source.problem(path, message)

    return setting


def _board_problem(board: Board, prefix: tuple = ()):
    def problem(path: tuple, message: str) -> Problem:
        full = prefix + path
        line, column = board.source.where(full)
        field = field_name(full)
        return Problem(board.file, line, column, field, f"board '{board.slug}': {message}")
    return problem


# What a board template's fixed texts can use: the keys of
# BoardLayout._values; a token's text is {text}.
BOARD_PLACEHOLDERS = frozenset({"title", "intro", "whose", "kit", "organisation", "type", "url", "text"})
