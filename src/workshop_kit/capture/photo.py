"""A photo read as the camera meant it: turned upright by its EXIF
orientation, as colour and grey pixels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from workshop_kit.capture.errors import CaptureError


@dataclass(frozen=True)
class Photo:
    name: str            # the file's name, for messages
    colour: np.ndarray   # height x width x 3, RGB
    grey: np.ndarray     # height x width


def _heif() -> bool:
    """True when pillow-heif is installed: Pillow then opens HEIC photos too."""
    try:
        from pillow_heif import register_heif_opener  # type: ignore[import-not-found]
    except ImportError:
        return False
    register_heif_opener()
    return True


def read_photo(path: Path) -> Photo:
    """The photo at `path`, upright; CaptureError if it cannot be read."""
    heif = _heif() if path.suffix.lower() in (".heic", ".heif") else False
    try:
        with Image.open(path) as image:
            upright = ImageOps.exif_transpose(image)
            upright.load()
            if upright.mode != "RGB":
                upright = upright.convert("RGB")
    except FileNotFoundError:
        raise CaptureError(f"no photo '{path}'") from None
    except (UnidentifiedImageError, OSError, ValueError):
        hint = ("; HEIC needs pillow-heif: pip install pillow-heif, or save the photo as JPEG"
                if path.suffix.lower() in (".heic", ".heif") and not heif else "; save it as JPEG or PNG")
        raise CaptureError(f"'{path.name}' is not a photo workshop-kit can read{hint}") from None
    colour = np.asarray(upright)
    grey = np.asarray(upright.convert("L"))
    return Photo(path.name, colour, grey)
