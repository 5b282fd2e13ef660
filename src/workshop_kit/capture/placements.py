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
MISREAD = 0.25  # a token's marker found this much larger or smaller than printed is taken for a misread


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
    cv2 = opencv()
    found = _first_look(cv2, photo.grey, sorted(marks.corners))
    missing = [name for name, i in zip(CORNER_NAMES, sorted(marks.corners)) if i not in found]
    if missing:
        seen = 4 - len(missing)
        other = (f" The markers seen are another board's: name that board instead of '{marks.slug}'."
                 if not seen and not set(found) & set(marks.tokens) and len(found) >= 2 else "")
        raise CaptureError(
            f"the board was not found on '{photo.name}': {seen} of its 4 corner markers "
            f"{'was' if seen == 1 else 'were'} seen (not {', '.join(missing)}). Take the photo again with "
            f"all four corners of the board in view, nothing lying on them and no glare on them.{other}")
    image_points = np.concatenate([found[i] for i in sorted(marks.corners)])
    board_points = np.concatenate([_square_corners(marks.corners[i]) for i in sorted(marks.corners)])
    homography, _ = cv2.findHomography(image_points, board_points, 0)
    if homography is None:
        raise CaptureError(f"the board on '{photo.name}' could not be straightened; take the photo again "
                           f"from more in front of the board")
    result = PhotoResult(photo.name)
    to_pixels = _to_pixels(marks.size)
    straight = cv2.warpPerspective(photo.grey, to_pixels @ homography, _pixels(marks.size),
                                   flags=cv2.INTER_LINEAR, borderValue=255)
    # A second look, on the straightened board, sharpened: finds the markers
    # that the tilt squeezed and the blur smeared on the photo itself.
    sharpened = cv2.addWeighted(straight, 2.0, cv2.GaussianBlur(straight, (0, 0), 3), -1.0, 0)
    from_pixels = np.linalg.inv(to_pixels)
    quads = {i: _mapped(cv2, quad, homography) for i, quad in found.items()}
    quads.update({i: _mapped(cv2, quad, from_pixels) for i, quad in find_markers(sharpened).items()})
    for marker_id, quad in sorted(quads.items()):
        if marker_id in marks.corners:
            continue
        token = marks.tokens.get(marker_id)
        if token is None:
            result.strangers.append(marker_id)
            continue
        tl, tr, br, bl = quad
        across = (tr - tl + br - bl) / 2
        up = (tl - bl + tr - br) / 2
        side = (np.linalg.norm(across) + np.linalg.norm(up)) / 2
        if abs(side / token.marker_size - 1) > MISREAD:  # not the size it was printed at: a misread
            continue
        u = across / np.linalg.norm(across)
        v = up / np.linalg.norm(up)
        centre = (tl + tr + br + bl) / 4 + token.offset[0] * u + token.offset[1] * v
        result.tokens[marker_id] = Seen(float(centre[0]), float(centre[1]),
                                        math.degrees(math.atan2(u[1], u[0])))
    result.rectified = cv2.warpPerspective(photo.colour, to_pixels @ homography, _pixels(marks.size),
                                           flags=cv2.INTER_AREA, borderValue=(255, 255, 255))
    return result


def _first_look(cv2, grey: np.ndarray, corners: list[int]) -> dict[int, np.ndarray]:
    """The markers on the photo, looked for at half its size (four times
    quicker), the corner markers' points then refined on the whole photo;
    looked for on the whole photo when a corner marker is not seen so."""
    half = cv2.resize(grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    found = {i: quad * 2 + 0.5 for i, quad in find_markers(half).items()}  # pixel centres at full size
    if not all(i in found for i in corners):
        return find_markers(grey)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_COUNT, 30, 0.01)
    for i in corners:
        points = found[i].astype(np.float32).reshape(-1, 1, 2)
        found[i] = cv2.cornerSubPix(grey, points, (7, 7), (-1, -1), criteria).reshape(4, 2).astype(np.float64)
    return found


def _mapped(cv2, quad: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(quad.reshape(1, 4, 2), matrix).reshape(4, 2)


def _to_pixels(size: tuple[float, float]) -> np.ndarray:
    """Board mm (y up) to the pixels of the straightened photo (y down)."""
    k = RECTIFIED_WIDTH / size[0]
    return np.array([[k, 0, 0], [0, -k, k * size[1]], [0, 0, 1]], np.float64)


def _pixels(size: tuple[float, float]) -> tuple[int, int]:
    return RECTIFIED_WIDTH, round(RECTIFIED_WIDTH / size[0] * size[1])


def _square_corners(box) -> np.ndarray:
    """A marker's black square's corners in the order the detector gives them (y up)."""
    return np.array([(box.x, box.top), (box.right, box.top), (box.right, box.y), (box.x, box.y)], np.float64)


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
