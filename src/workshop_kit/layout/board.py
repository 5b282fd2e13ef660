"""A board and its template -> the board's face (and its tokens), in mm.

The shapes that carry a board's content (the rings of the influence
circle, the quadrants of the partner matrix, the partner table and the
checklist) are element kinds of the board templates; everything else on a
board is the same fills, texts and QR codes as on a card."""

from __future__ import annotations

import math
from dataclasses import dataclass

from workshop_kit.builtin import paper_size
from workshop_kit.content import Board, KitContent
from workshop_kit.content.boards import filled_in
from workshop_kit.content.follow_up import url_setting
from workshop_kit.content.model import slug_from
from workshop_kit.content.yaml_source import field_name
from workshop_kit.fonts import Family
from workshop_kit.layout.boxes import Box, Circle, Face, Fill, Group, Stroke, TextRun, moved
from workshop_kit.layout.colours import Palette, mix
from workshop_kit.layout.face import FaceBuilder, Subject, scaled_box, short_url
from workshop_kit.layout.template import BoardTemplate, Element, LoadedTemplate
from workshop_kit.layout.text import PT_TO_MM, Block, Span, runs_at
from workshop_kit.problems import Problem

AXIS_BAND = 16   # mm beside and below the matrix for its axes, on the reference layout
POST_IT_MM = 76  # a standard square post-it, printed at its real size
TABLE_FIELDS = ("name", "common_interest", "importance", "challenges", "relation", "contact")
TABLE_LABELS = ("partner", "common_interest", "partner_importance", "challenges", "relation", "contact")
TABLE_WEIGHTS = (1.35, 1.2, 1.0, 1.2, 1.0, 1.0)


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
        self.builder = FaceBuilder(kit, family, HANDLERS)

    def faces(self, board: Board, poster: str, paper: str, problems: list[Problem]) -> list[BoardFaces]:
        """The blank board, and a filled-in one where the content places
        things: a poster of size `poster`, or a worksheet (a template that
        is not scalable) on the office `paper`. The template's layout on its
        own paper is scaled to fit."""
        template: BoardTemplate = self.templates[board.type].template
        worksheet = not template.scalable
        paper = paper if worksheet else poster
        width, height = paper_size(paper, template.orientation)
        ref_width, ref_height = paper_size(template.paper, template.orientation)
        scale = min(width / ref_width, height / ref_height)
        palette = Palette(self.kit.colours, board.type)
        out = []
        variants = ["blank"] + (["filled"] if filled_in(board.type, board.model) else [])
        for variant in variants:
            subject = BoardSubject(board.model, board.type, board.qr_url, self._values(board),
                                   _board_problem(board), palette, scale, found_on=("board", board.slug),
                                   setting=_board_setting(self.kit, board), variant=variant,
                                   layout=self, board=board)
            face = self.builder.face(template.face, width, height, subject, problems)
            out.append(BoardFaces(board.slug, variant, face, paper, worksheet=worksheet))
        box = _placement_box(template, width, height, scale)
        size = _token_size(board, box, scale) if box else None
        if size:
            faces = self.token_faces(board, size, scale, problems)
            tokens = tuple(faces[i] for i in sorted(faces))
            out[0] = BoardFaces(board.slug, "blank", out[0].face, paper, tokens, size, worksheet)
        return out

    def token_faces(self, board: Board, size: tuple[float, float], scale: float,
                    problems: list[Problem], only: list[int] | None = None) -> dict[int, Face]:
        """Token faces by index of their element or partner (`only` those)."""
        template: BoardTemplate = self.templates[board.type].template
        if template.token is None:
            return {}
        palette = Palette(self.kit.colours, board.type)
        faces = {}
        items = _token_items(board)
        board_values = self._values(board)
        for i in (range(len(items)) if only is None else only):
            item = items[i]
            text = getattr(item, "text", None) or getattr(item, "name", "")
            values = dict(board_values, text=text)
            subject = Subject(item, board.type, None, values,
                              _board_problem(board, (_token_list(board), i)), palette, scale)
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


@dataclass
class BoardSubject(Subject):
    variant: str = "blank"
    layout: BoardLayout | None = None
    board: Board | None = None


def _token_list(board: Board) -> str:
    return "elements" if board.type == "influence-circle" else "partners"


def _token_items(board: Board) -> list:
    return list(getattr(board.model, _token_list(board), []))


def _token_size(board: Board, box: Box, scale: float) -> tuple[float, float] | None:
    """Tokens sized to what they are placed on: a ring's width on the
    circle, a score cell of the matrix; `box` is that element's box."""
    if not _token_items(board):
        return None
    if board.type == "influence-circle":
        band = min(box.width, box.height) / 2 / len(board.model.rings)
        width = min(band * 0.95, 60)
        return round(width, 1), round(min(band * 0.4, width * 0.42), 1)
    if board.type == "partner-matrix":
        width = min((box.width - AXIS_BAND * scale) / 5 * 0.9, 90)
        return round(width, 1), round(width * 0.38, 1)
    return None


def _placement_box(template: BoardTemplate, width: float, height: float, scale: float) -> Box | None:
    """The box of the board's rings or matrix, where its tokens are placed."""
    for element in template.face.elements:
        if element.kind in ("rings", "matrix"):
            return scaled_box(element, width, height, scale)
    return None


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


def _label(builder: FaceBuilder, element: Element, box: Box, subject: Subject, problems,
           text: str, style: str = "bold", colour=None, align="center", valign="middle") -> list[TextRun]:
    """One fitted label in a box, styled from the element."""
    el = element.model_copy(update={"align": align, "valign": valign})
    colour = colour if colour is not None else subject.palette[element.colour]
    return builder.text(box, el, subject, problems, blocks=[Block((Span(text, style, colour),))])


# --- the influence circle ----------------------------------------------------

def _rings(builder: FaceBuilder, element: Element, box: Box, subject: BoardSubject, problems) -> list:
    model = subject.model
    palette = subject.palette
    n = len(model.rings)
    cx, cy = box.x + box.width / 2, box.y + box.height / 2
    radius = min(box.width, box.height) / 2
    rule = palette["rule"]
    shapes, labels = [], []
    for i in reversed(range(n)):
        ring = model.rings[i]
        fill = ring.colour or mix(palette["accent"], 0.08 + 0.30 * (n - 1 - i) / max(n - 1, 1))
        r = radius * (i + 1) / n
        shapes.append(Group(f"ring-{i + 1}-{slug_from(ring.name)}",
                            (Circle(cx, cy, r, fill, rule, 0.35 * subject.scale),)))
    band = radius / n
    for i, ring in enumerate(model.rings):
        label_box = _ring_label_box(cx, cy, band, i)
        labels.append(Group(f"label-{slug_from(ring.name)}",
                            tuple(_label(builder, element, label_box, subject, problems,
                                         ring.name.upper(), colour=palette[element.colour]))))
    items = shapes + labels
    if subject.variant == "filled":
        items.append(Group("placed-elements", tuple(_placed_elements(subject, box, cx, cy, band, problems))))
    return items


def _placed_elements(subject: BoardSubject, box: Box, cx: float, cy: float, band: float, problems) -> list:
    """Each element's token inside the ring it was placed in, none
    overlapping another or a ring's label. The tokens of a crowded ring
    shrink until all of them find a place, as long as their text still fits."""
    model = subject.model
    layout, board = subject.layout, subject.board
    width, height = _token_size(board, box, subject.scale)
    names = [r.name for r in model.rings]
    taken = [_ring_label_box(cx, cy, band, i) for i in range(len(names))]
    placed = []
    for i, name in enumerate(names):
        members = [k for k, e in enumerate(model.elements) if e.ring == name]
        if not members:
            continue
        for shrink in (1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6):
            w, h = width * shrink, height * shrink
            spots = _spots(members, i, cx, cy, band, w, h, taken)
            if spots is None:
                continue
            fit_problems: list[Problem] = []
            faces = layout.token_faces(board, (w, h), subject.scale, fit_problems, members)
            if fit_problems:
                continue
            break
        else:
            problems.append(subject.problem(("rings", i),
                f"the {len(members)} elements of ring '{name}' do not fit in it on the filled-in "
                f"board; print a larger --poster or place fewer elements there"))
            continue
        taken += [Box(x, y, w, h) for x, y in spots.values()]
        placed += [_placed_token(f"element-{model.elements[k].id}", faces[k], x, y, subject)
                   for k, (x, y) in spots.items()]
    return placed


def _ring_label_box(cx: float, cy: float, band: float, i: int) -> Box:
    """Where the ring's name is printed (as in _rings)."""
    r0, r1 = band * i, band * (i + 1)
    mid = cy + (r0 + r1) / 2 if i else cy + r1 * 0.68
    half = math.sqrt(max(r1 ** 2 - (mid - cy + band * 0.13) ** 2, 0)) * 0.85
    return Box(cx - half, mid - band * 0.13, 2 * half, band * 0.26)


def _spots(members: list[int], i: int, cx: float, cy: float, band: float, w: float, h: float,
           taken: list[Box]) -> dict[int, tuple[float, float]] | None:
    """Bottom-left corners for the tokens of ring i, or None if it is too full."""
    r0, r1 = band * i, band * (i + 1)
    candidates = []
    for step in range(10):
        radius = r0 + (r1 - r0) * (step + 0.5) / 10
        count = max(12, int(2 * math.pi * radius / 1.5))
        for a in range(count):
            angle = 270 + 360 * a / count  # start at the bottom, away from the label
            x = cx + radius * math.cos(math.radians(angle)) - w / 2
            y = cy + radius * math.sin(math.radians(angle)) - h / 2
            box = Box(x, y, w, h)
            if _in_annulus(box, cx, cy, r0, r1) and not any(_overlap(box, other) for other in taken):
                candidates.append((angle % 360, box))
    spots: dict[int, tuple[float, float]] = {}
    for j, k in enumerate(members):
        if not candidates:
            return None
        ideal = (270 + 360 * (j + 0.5) / len(members)) % 360 if i else 270
        _, box = min(candidates, key=lambda t: abs((t[0] - ideal + 180) % 360 - 180))
        spots[k] = (box.x, box.y)
        candidates = [(angle, other) for angle, other in candidates if not _overlap(box, other)]
    return spots


def _in_annulus(box: Box, cx: float, cy: float, r0: float, r1: float) -> bool:
    corners = ((box.x, box.y), (box.right, box.y), (box.x, box.top), (box.right, box.top))
    if any(math.hypot(x - cx, y - cy) > r1 for x, y in corners):
        return False
    nearest_x = min(max(cx, box.x), box.right)
    nearest_y = min(max(cy, box.y), box.top)
    return math.hypot(nearest_x - cx, nearest_y - cy) >= r0


def _overlap(a: Box, b: Box, gap: float = 0.8) -> bool:
    return not (a.right + gap <= b.x or b.right + gap <= a.x or a.top + gap <= b.y or b.top + gap <= a.y)


def _placed_token(name: str, face: Face, x: float, y: float, subject: Subject) -> Group:
    """A token drawn where it was placed, outlined so it stands out."""
    outline = Stroke(((x, y), (x + face.width, y), (x + face.width, y + face.height), (x, y + face.height)),
                     subject.palette["accent"], 0.4 * subject.scale, closed=True)
    return Group(name, (Fill(Box(x, y, face.width, face.height), face.background),)
                 + moved(face.items, x, y) + (outline,))


# --- the partner priority matrix ---------------------------------------------

def _matrix(builder: FaceBuilder, element: Element, box: Box, subject: BoardSubject, problems) -> list:
    model = subject.model
    palette = subject.palette
    s = subject.scale
    rule = palette["rule"]
    axis_band = AXIS_BAND * s
    plot = Box(box.x + axis_band, box.y + axis_band, box.width - axis_band, box.height - axis_band)
    qw, qh = plot.width / 2, plot.height / 2
    quadrants = {  # (column, row) from bottom-left: x = ease, y = importance
        "not_worth": (0, 0, 0.04), "not_now": (1, 0, 0.10),
        "discuss": (0, 1, 0.10), "start_here": (1, 1, 0.22),
    }
    items: list = []
    for key, (col, row, strength) in quadrants.items():
        q = Box(plot.x + col * qw, plot.y + row * qh, qw, qh)
        parts: list = [Fill(q, mix(palette[element.fill], strength)),
                       Stroke(((q.x, q.y), (q.right, q.y), (q.right, q.top), (q.x, q.top)),
                              rule, 0.35 * s, closed=True)]
        pad = 5 * s
        label_box = Box(q.x + pad, q.top - pad - 16 * s, q.width - 2 * pad, 16 * s)
        parts += _label(builder, element, label_box, subject, problems,
                        getattr(model.quadrants, key), align="left", valign="top")
        room = q.height - 16 * s - 3 * pad
        if subject.variant == "blank" and room >= POST_IT_MM and q.width - 2 * pad >= POST_IT_MM:
            gx = q.x + (q.width - POST_IT_MM) / 2
            gy = q.y + pad + (room - POST_IT_MM) / 2
            parts.append(Stroke(((gx, gy), (gx + POST_IT_MM, gy), (gx + POST_IT_MM, gy + POST_IT_MM),
                                 (gx, gy + POST_IT_MM)), rule, 0.3 * s, closed=True, dash_mm=2.5))
        items.append(Group(f"quadrant-{key.replace('_', '-')}", tuple(parts)))
    items.append(Group("axes", tuple(_axes(builder, element, box, plot, subject, problems))))
    if subject.variant == "filled":
        items.append(Group("placed-partners", tuple(_placed_partners(subject, box, plot, problems))))
    return items


def _axes(builder, element, box: Box, plot: Box, subject: Subject, problems) -> list:
    model = subject.model
    s = subject.scale
    ink = subject.palette[element.colour]
    size = element.size * s
    family = builder.family
    items: list = []
    y = plot.y - 5 * s  # the horizontal axis: ease of cooperation, hard to easy
    items.append(_arrow((plot.x, y), (plot.right, y), ink, 0.5 * s, 3 * s))
    x = plot.x - 5 * s  # the vertical axis: importance for success, low to high
    items.append(_arrow((x, plot.y), (x, plot.top), ink, 0.5 * s, 3 * s))
    base = y - 4.5 * s - size * 0.7 * PT_TO_MM
    ease, importance = model.axes.ease, model.axes.importance
    items += runs_at(family, ease.label, "bold", size, ink, plot.x + plot.width / 2, base, "center")
    items += runs_at(family, ease.low, "regular", size, ink, plot.x, base, "left")
    items += runs_at(family, ease.high, "regular", size, ink, plot.right, base, "right")
    left = x - 4.5 * s
    items += runs_at(family, importance.label, "bold", size, ink, left, plot.y + plot.height / 2, "center", 90)
    items += runs_at(family, importance.low, "regular", size, ink, left, plot.y, "left", 90)
    items += runs_at(family, importance.high, "regular", size, ink, left, plot.top, "right", 90)
    return items


def _arrow(start, end, colour, width: float, head: float) -> Group:
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    left = (x1 - head * ux + head * 0.5 * uy, y1 - head * uy - head * 0.5 * ux)
    right = (x1 - head * ux - head * 0.5 * uy, y1 - head * uy + head * 0.5 * ux)
    return Group("arrow", (Stroke((start, end), colour, width), Stroke((left, end, right), colour, width)))


def _placed_partners(subject: BoardSubject, box: Box, plot: Box, problems) -> list:
    """Each scored partner in the cell of its scores (a 5 x 5 grid over the
    matrix, so a middle score of 3 sits on the line between two quadrants:
    a partner still to be discussed). Partners with the same scores share
    their cell side by side, their tokens shrunk to fit."""
    model = subject.model
    board, layout = subject.board, subject.layout
    width, height = _token_size(board, box, subject.scale)
    cell_w, cell_h = plot.width / 5, plot.height / 5
    cells: dict[tuple[int, int], list[int]] = {}
    for k, partner in enumerate(model.partners):
        if partner.score is not None:
            cells.setdefault((partner.score.ease, partner.score.importance), []).append(k)
    most = max((len(v) for v in cells.values()), default=1)
    shrink = min(1.0, (cell_h * 0.92) / (most * height * 1.08))
    w, h = min(width, cell_w * 0.94), height * shrink
    if h < height * 0.5:
        problems.append(subject.problem(("partners",),
            f"{most} partners have the same scores and do not fit in one cell of the matrix; "
            f"print a larger --poster or spread the scores"))
        return []
    faces = layout.token_faces(board, (w, h), subject.scale, problems,
                               [k for members in cells.values() for k in members])
    out = []
    for (ease, importance), members in cells.items():
        cx = plot.x + (ease - 0.5) * cell_w
        cy = plot.y + (importance - 0.5) * cell_h
        total = len(members) * h * 1.08 - h * 0.08
        for j, k in enumerate(members):
            x, y = cx - w / 2, cy + total / 2 - (j + 1) * h * 1.08 + h * 0.08
            out.append(_placed_token(f"partner-{model.partners[k].id}", faces[k], x, y, subject))
    return out


# --- worksheets --------------------------------------------------------------

def _lines(builder, element: Element, box: Box, subject: Subject, problems) -> list:
    """Ruled lines to write on."""
    s = subject.scale
    rule = subject.palette[element.fill or "rule"]
    step = 9 * s
    out, y = [], box.top - step
    while y >= box.y - 1e-6:
        out.append(Stroke(((box.x, y), (box.right, y)), rule, 0.3 * s))
        y -= step
    return [Group("lines", tuple(out))]


def _table(builder: FaceBuilder, element: Element, box: Box, subject: BoardSubject, problems) -> list:
    model = subject.model
    palette = subject.palette
    labels = builder.kit.labels
    rule = palette["rule"]
    partners = []
    if model.partners_from:
        source = builder.kit.board(model.partners_from)
        partners = list(source.model.partners) if source else []
    rows: list[tuple[str, list[str]]] = []
    if model.example:
        rows.append(("example", [getattr(model.example, f) for f in TABLE_FIELDS]))
    for p in partners:
        rows.append(("partner", [getattr(p, f) for f in TABLE_FIELDS]))
    rows += [("blank", [""] * len(TABLE_FIELDS))] * model.blank_rows
    header_h = 12 * subject.scale
    row_h = min(16.0, (box.height - header_h) / max(len(rows), 1))
    if row_h < 7:
        problems.append(subject.problem(("blank_rows",),
            f"{len(rows)} rows do not fit on the sheet; use fewer blank rows"))
        return []
    total = sum(TABLE_WEIGHTS)
    xs = [box.x]
    for weight in TABLE_WEIGHTS:
        xs.append(xs[-1] + box.width * weight / total)
    top = box.top
    items: list = [Fill(Box(box.x, top - header_h, box.width, header_h), palette["accent"])]
    pad = 1.6
    for c, key in enumerate(TABLE_LABELS):
        cell = Box(xs[c] + pad, top - header_h + pad, xs[c + 1] - xs[c] - 2 * pad, header_h - 2 * pad)
        items += _label(builder, element, cell, subject, problems, labels[key],
                        colour=palette["on-accent"], align="left")
    y = top - header_h
    for r, (kind, values) in enumerate(rows):
        y -= row_h
        style = "italic" if kind == "example" else "regular"
        colour = palette["muted"] if kind == "example" else palette[element.colour]
        for c, value in enumerate(values):
            if not value:
                continue
            if kind == "example" and c == 0:
                value = f"{labels['example_row']}: {value}"
            cell = Box(xs[c] + pad, y + pad / 2, xs[c + 1] - xs[c] - 2 * pad, row_h - pad)
            items += _label(builder, element, cell, subject, problems, value, style=style,
                            colour=colour, align="left")
    bottom = y
    grid = [Stroke(((x, top), (x, bottom)), rule, 0.3) for x in xs]
    yy = top - header_h
    grid.append(Stroke(((box.x, top), (box.right, top)), rule, 0.3))
    for _ in range(len(rows) + 1):
        grid.append(Stroke(((box.x, yy), (box.right, yy)), rule, 0.3))
        yy -= row_h
    return [Group("table", tuple(items + grid))]


def _checklist(builder: FaceBuilder, element: Element, box: Box, subject: Subject, problems) -> list:
    model = subject.model
    palette = subject.palette
    ink = palette[element.colour]
    accent = palette[element.label_colour or element.colour]
    row_h = box.height / len(model.items)
    tick = min(9.0, row_h * 0.5)
    out = []
    for i, item in enumerate(model.items):
        top = box.top - i * row_h
        square = Box(box.x, top - tick - 1.5, tick, tick)
        shape = Stroke(((square.x, square.y), (square.right, square.y), (square.right, square.top),
                        (square.x, square.top)), ink, 0.5, closed=True)
        text_box = Box(box.x + tick + 5, top - row_h + 2, box.width - tick - 5, row_h - 3)
        blocks = [Block((Span(f"{i + 1}. {item.title}", "bold", accent),), keep_with_next=True)]
        blocks += [Block((Span(p, "regular", ink),), bullet=len(item.points) > 1, tight=n > 0)
                   for n, p in enumerate(item.points)]
        runs = builder.text(text_box, element, subject, problems, blocks=blocks)
        out.append(Group(f"item-{i + 1}", (shape,) + tuple(runs)))
    return out


# What a board template can use: the element kinds (the card's and the
# board's own, drawn by these handlers) and the {placeholders} of its fixed
# texts (the keys of BoardLayout._values; a token's text is {text}).
HANDLERS = {"rings": _rings, "matrix": _matrix, "table": _table, "checklist": _checklist, "lines": _lines}
BOARD_KINDS = frozenset({"fill", "text", "qr", *HANDLERS})
BOARD_PLACEHOLDERS = frozenset({"title", "intro", "whose", "kit", "organisation", "type", "url", "text"})
