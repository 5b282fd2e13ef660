"""From the markers found on a photo to the tokens' places on the board:
the homography from the four corner markers, each token's centre and turn
in board millimetres, and the tokens of several photos merged."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from workshop_kit.capture.board_marks import BoardMarks
from workshop_kit.capture.detect import find_markers, opencv
from workshop_kit.capture.errors import CaptureError
from workshop_kit.capture.photo import Photo
from workshop_kit.layout.elements.corners import CORNER_NAMES

RECTIFIED_WIDTH = 2400  # pixels across the straightened photo


@dataclass
class Seen:
    """A token as one photo shows it: its centre (mm, y up) and turn (degrees)."""

    x: float
    y: float
    angle: float


@dataclass
class PhotoResult:
    name: str
    tokens: dict[int, Seen] = field(default_factory=dict)  # by marker id
    strangers: list[int] = field(default_factory=list)     # ids that are no token of this board
    rectified: np.ndarray | None = None


def read_board(photo: Photo, marks: BoardMarks) -> PhotoResult:
    """The tokens on one photo of the board; CaptureError when its four
    corner markers are not all found."""
    found = find_markers(photo.grey)
    missing = [CORNER_NAMES[i] for i in sorted(marks.corners) if i not in found]
    if missing:
        seen = 4 - len(missing)
        raise CaptureError(
            f"the board was not found on '{photo.name}': {seen} of its 4 corner markers "
            f"{'was' if seen == 1 else 'were'} seen (not {', '.join(missing)}). Take the photo again with "
            f"all four corners of the board in view, nothing lying on them and no glare on them")
    cv2 = opencv()
    image_points = np.concatenate([found[i] for i in sorted(marks.corners)])
    board_points = np.concatenate([_square_corners(marks.corners[i]) for i in sorted(marks.corners)])
    homography, _ = cv2.findHomography(image_points, board_points, 0)
    if homography is None:
        raise CaptureError(f"the board on '{photo.name}' could not be straightened; take the photo again "
                           f"from more in front of the board")
    result = PhotoResult(photo.name)
    for marker_id, quad in found.items():
        if marker_id in marks.corners:
            continue
        token = marks.tokens.get(marker_id)
        if token is None:
            result.strangers.append(marker_id)
            continue
        tl, tr, br, bl = cv2.perspectiveTransform(quad.reshape(1, 4, 2), homography).reshape(4, 2)
        across = (tr - tl + br - bl) / 2
        up = (tl - bl + tr - br) / 2
        u = across / np.linalg.norm(across)
        v = up / np.linalg.norm(up)
        centre = (tl + tr + br + bl) / 4 + token.offset[0] * u + token.offset[1] * v
        result.tokens[marker_id] = Seen(float(centre[0]), float(centre[1]),
                                        math.degrees(math.atan2(u[1], u[0])))
    result.rectified = _rectified(cv2, photo, homography, marks.size)
    return result


def _square_corners(box) -> np.ndarray:
    """A marker's black square's corners in the order the detector gives them (y up)."""
    return np.array([(box.x, box.top), (box.right, box.top), (box.right, box.y), (box.x, box.y)], np.float64)


def _rectified(cv2, photo: Photo, homography: np.ndarray, size: tuple[float, float]) -> np.ndarray:
    """The photo straightened onto the board, RECTIFIED_WIDTH pixels across."""
    width, height = size
    k = RECTIFIED_WIDTH / width
    to_pixels = np.array([[k, 0, 0], [0, -k, k * height], [0, 0, 1]], np.float64)
    return cv2.warpPerspective(photo.colour, to_pixels @ homography, (RECTIFIED_WIDTH, round(k * height)),
                               flags=cv2.INTER_AREA, borderValue=(255, 255, 255))


def merged(results: list[PhotoResult]) -> dict[int, tuple[Seen, list[str]]]:
    """Each token seen on any photo, its place the mean of the photos that
    show it, with the names of those photos."""
    out: dict[int, tuple[Seen, list[str]]] = {}
    for marker_id in sorted({i for r in results for i in r.tokens}):
        seen = [(r.tokens[marker_id], r.name) for r in results if marker_id in r.tokens]
        x = sum(s.x for s, _ in seen) / len(seen)
        y = sum(s.y for s, _ in seen) / len(seen)
        sx = sum(math.cos(math.radians(s.angle)) for s, _ in seen)
        sy = sum(math.sin(math.radians(s.angle)) for s, _ in seen)
        out[marker_id] = (Seen(x, y, math.degrees(math.atan2(sy, sx))), [name for _, name in seen])
    return out
