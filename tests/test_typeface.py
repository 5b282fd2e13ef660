"""The kits' typeface: a zero that cannot be read as the Danish Ø.

In Danish text a slashed zero reads as a letter: "3Ø deltagere",
"Ø9:ØØ". Both glyphs are drawn with the font file the kit's theme names
(the file the build embeds) and compared as pictures.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from kit_helpers import REPO, load_yaml
from workshop_kit.fonts import family

SIZE = 200  # pixels per em


def glyph(font_file: str, char: str) -> np.ndarray:
    """The glyph's ink (True where dark), cropped to its bounding box."""
    font = ImageFont.truetype(font_file, SIZE)
    picture = Image.new("L", (2 * SIZE, 2 * SIZE), 0)
    ImageDraw.Draw(picture).text((SIZE // 2, SIZE // 4), char, font=font, fill=255)
    ink = np.asarray(picture) > 127
    rows, cols = np.nonzero(ink)
    return ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]


def centre_ink(ink: np.ndarray) -> float:
    """Share of inked pixels in the middle fifth of the glyph's box, where
    a plain zero has its empty counter and a slashed one its stroke."""
    h, w = ink.shape
    return float(ink[2 * h // 5:3 * h // 5, 2 * w // 5:3 * w // 5].mean())


@pytest.mark.parametrize("kit", [".", "kits/en"])
@pytest.mark.parametrize("style", ["regular", "bold"])
def test_the_zero_has_no_stroke_through_it_and_differs_from_o_slash(kit, style):
    font_name = load_yaml(REPO / kit / "kit.yaml")["theme"]["font"]
    font_file = family(font_name).files()[style]
    zero, o_slash = glyph(font_file, "0"), glyph(font_file, "Ø")

    assert centre_ink(o_slash) > 0.15, "the Ø is expected to have its stroke through the middle"
    assert centre_ink(zero) < 0.02, f"{font_name} {style}: the 0 has ink in its counter (a slash or dot)"

    # Compared at one height, the two glyphs differ in a clear share of pixels.
    height = max(zero.shape[0], o_slash.shape[0])
    a = np.asarray(Image.fromarray(zero).resize((height * 3 // 4, height)))
    b = np.asarray(Image.fromarray(o_slash).resize((height * 3 // 4, height)))
    assert (a != b).mean() > 0.08
