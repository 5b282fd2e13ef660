"""Text in the SVG keeps the style the layout gave it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from workshop_kit.draw.svg import render_svg
from workshop_kit.fonts import family
from workshop_kit.layout.boxes import Face, TextRun

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("style, weight, slant", [
    ("regular", None, None), ("bold", "700", None), ("italic", None, "italic"), ("bold-italic", "700", "italic"),
])
def test_each_style_of_the_font_is_written_as_weight_and_slant(style, weight, slant):
    fonts = family("Fira Sans")
    run = TextRun(5, 10, "Borgerbudget", fonts.face(style), 9, "#1D2330")
    root = ET.fromstring(render_svg(Face(63, 88, "#FFFFFF", (run,)), fonts, "kort"))
    [text] = root.iter(f"{SVG}text")
    assert "".join(text.itertext()) == "Borgerbudget"
    assert text.get("font-weight") == weight and text.get("font-style") == slant
