"""workshop-kit capture: from phone photos of a used board to the
filled-in board. Each photo is read upright (photo.py), its markers found
(detect.py), the board straightened by its four corner markers and each
token placed in board millimetres (placements.py), as the board's own
layout says its markers lie (board_marks.py); the place is given its
meaning by the element the tokens lie on (a ring, the scores), and the
board is written as YAML the build reads (board_yaml.py)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from workshop_kit.capture.board_marks import board_marks
from workshop_kit.capture.board_yaml import MADE_BY, filled_yaml
from workshop_kit.capture.detect import opencv
from workshop_kit.capture.errors import CaptureError
from workshop_kit.capture.photo import read_photo
from workshop_kit.capture.placements import merged, read_board
from workshop_kit.content.boards import board_type
from workshop_kit.output.captures import FOLDER

__all__ = ["Capture", "CaptureError", "capture", "described"]


NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # a board's file name, as the kit's other boards have


@dataclass
class Capture:
    board: str                  # the photographed board
    name: str                   # the captured board: boards/<name>.yaml
    yaml_file: str              # its path in the kit
    place_field: str = ""       # the field of a token's item that says where it was placed (ring, score)
    placements: list[dict] = field(default_factory=list)
    not_found: list[dict] = field(default_factory=list)
    rectified: list[str] = field(default_factory=list)  # the straightened photos, in the output folder
    pixels: tuple[int, int] = (0, 0)  # the size of each straightened photo
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"board": self.board, "name": self.name, "yaml": self.yaml_file, "placements": self.placements,
                "not_found": self.not_found, "rectified": self.rectified, "pixels": list(self.pixels),
                "warnings": self.warnings}


def described(place) -> str:
    """Where a token was placed, in a few words: its ring, or its scores."""
    if isinstance(place, dict):
        return ", ".join(f"{key} {value}" for key, value in place.items())
    return str(place) if place is not None else "off the board"


def capture(checked, slug: str, photos: list[Path], *, poster: str, name: str | None, out: Path) -> Capture:
    """Read the photos of board `slug`, write boards/<name>.yaml into the
    kit and the straightened photos and the placements into `out`/captures."""
    from workshop_kit.layout.board import BoardLayout

    opencv()  # say how to install it before anything else
    content = checked.content
    boards = {b.slug: b for b in content.boards}
    if slug not in boards:
        raise CaptureError(f"no board '{slug}' in the kit (boards: {', '.join(sorted(boards))})")
    board = boards[slug]
    layout = BoardLayout(content, checked.board_templates, checked.family)
    marks = board_marks(layout, board, poster, content.kit.paper)
    name = name or f"{slug}-captured"
    _check_name(content.root, name)
    results = [read_board(read_photo(path), marks) for path in photos]
    seen = merged(results)
    field_name = marks.placement.field
    result = Capture(slug, name, f"boards/{name}.yaml", field_name)
    places: dict[int, object] = {}
    for marker_id, token in sorted(marks.tokens.items(), key=lambda t: t[1].index):
        if marker_id not in seen:
            result.not_found.append({"id": token.id, "name": token.name})
            continue
        where, on = seen[marker_id]
        meaning = marks.placement.meaning(marks.model, where.x, where.y)
        places[token.index] = meaning
        result.placements.append({"id": token.id, "name": token.name, field_name: meaning,
                                  "x_mm": round(where.x, 1), "y_mm": round(marks.size[1] - where.y, 1),
                                  "angle": round(where.angle, 1), "photos": on})
        if meaning is None:
            result.warnings.append(f"'{token.name}' lies off the board's {marks.placement.element.kind}; "
                                   f"it is left without a place")
    for r in results:
        for stranger in sorted(r.strangers):
            result.warnings.append(f"'{r.name}' shows a marker ({stranger}) that is no token of board "
                                   f"'{slug}'; it is left out")
    kind = board_type(board.type)
    assert kind.tokens is not None  # a board with a placement has tokens (board_marks)
    text = filled_yaml(content.root / board.file, kind.tokens, field_name, places, board.type,
                       [r.name for r in results])
    _write(content.root, out, result, results, text)
    return result


def _check_name(root: Path, name: str) -> None:
    """CaptureError unless boards/<name>.yaml is a new file or one capture wrote."""
    if not NAME.match(name):
        raise CaptureError(f"'{name}' cannot name a board: use lowercase letters a-z, digits and hyphens")
    path = root / "boards" / f"{name}.yaml"
    if path.is_file() and MADE_BY not in path.read_text(encoding="utf-8", errors="replace")[:400]:
        raise CaptureError(f"boards/{name}.yaml is a board of the kit that capture did not write; "
                           f"give the captured board another name with --as")


def _write(root: Path, out: Path, result: Capture, results: list, text: str) -> None:
    """The board's YAML into the kit, the straightened photos and the placements into `out`/captures/."""
    import io

    from PIL import Image

    from workshop_kit.output.files import Staging

    names = ([f"{FOLDER}/{result.name}-photo.jpg"] if len(results) == 1 else
             [f"{FOLDER}/{result.name}-photo-{i}.jpg" for i in range(1, len(results) + 1)])
    result.rectified = names
    height, width = results[0].rectified.shape[:2]
    result.pixels = (width, height)
    with Staging(out) as staging:
        for r, name in zip(results, names):
            buffer = io.BytesIO()
            Image.fromarray(r.rectified).save(buffer, "JPEG", quality=85)
            staging.write(name, buffer.getvalue())
        staging.write(f"{FOLDER}/{result.name}.json",
                      json.dumps(result.as_json(), ensure_ascii=False, indent=2).encode("utf-8"))
        staging.commit()
    with Staging(root / "boards") as staging:
        staging.write(f"{result.name}.yaml", text.encode("utf-8"))
        staging.commit()
