"""The markers OpenCV's ArUco detector finds on a photo, by id."""

from __future__ import annotations

import numpy as np

from workshop_kit.capture.errors import CaptureError
from workshop_kit.layout.elements.marker import DICTIONARY

# The detector's settings for a whole board in a phone photo: markers from
# 1 % of the photo's width, thresholds over larger windows (blur and uneven
# light), the cells read from their middles (blur smears their edges).
TUNING = {"minMarkerPerimeterRate": 0.01, "adaptiveThreshWinSizeMax": 53, "adaptiveThreshWinSizeStep": 8,
          "perspectiveRemovePixelPerCell": 8, "perspectiveRemoveIgnoredMarginPerCell": 0.2}
INSTALL = 'capture needs OpenCV: pip install "workshop-kit[capture]"'


def opencv():
    """The cv2 module; CaptureError saying how to install it when it is missing."""
    try:
        import cv2
    except ImportError:
        raise CaptureError(INSTALL) from None
    return cv2


def find_markers(grey: np.ndarray) -> dict[int, np.ndarray]:
    """The four corners (top-left, top-right, bottom-right, bottom-left of
    the marker as printed) in photo pixels, of every marker found, by id;
    of an id found twice, the larger."""
    cv2 = opencv()
    parameters = cv2.aruco.DetectorParameters()
    parameters.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    for name, value in TUNING.items():
        setattr(parameters, name, value)
    detector = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, DICTIONARY)),
                                       parameters)
    corners, ids, _ = detector.detectMarkers(grey)
    found: dict[int, np.ndarray] = {}
    for quad, marker_id in zip(corners, np.asarray(ids if ids is not None else []).reshape(-1).tolist()):
        points = np.asarray(quad).reshape(4, 2).astype(np.float64)
        if marker_id not in found or _area(points) > _area(found[marker_id]):
            found[marker_id] = points
    return found


def _area(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))) / 2
