"""Colour roles of a theme, and the contrast between two colours."""

from __future__ import annotations

from workshop_kit.content.model import CMYK

MIN_CONTRAST = 4.5  # WCAG 2 AA for body text


class Palette:
    """Theme roles for one deck: 'accent' and 'tint' follow the deck's type."""

    def __init__(self, colours: dict, card_type: str, accent=None):
        self.colours = dict(colours)
        self.colours["accent"] = accent or colours.get(card_type)
        self.colours["tint"] = colours.get(f"tint-{card_type}", colours.get("paper"))

    def __contains__(self, role: str) -> bool:
        return self.colours.get(role) is not None

    def __getitem__(self, role: str):
        return self.colours[role]

    def roles(self) -> list[str]:
        return sorted(r for r, c in self.colours.items() if c is not None)


def rgb(colour) -> tuple[float, float, float]:
    """0..1 RGB of a #RRGGBB string or a CMYK model (a plain conversion)."""
    if isinstance(colour, CMYK):
        c, m, y, k = (v / 100 for v in colour.cmyk)
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    value = colour.lstrip("#")
    r, g, b = (int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return (r, g, b)


def hex_colour(colour) -> str:
    """#RRGGBB of a colour: a hex string as it is, CMYK converted plainly,
    for the screen (SVG, web pages)."""
    if isinstance(colour, CMYK):
        return "#" + "".join(f"{round(v * 255):02X}" for v in rgb(colour))
    return colour


def _luminance(colour) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(colour, amount: float):
    """`amount` of a colour laid on white paper (0 = white, 1 = the colour)."""
    if isinstance(colour, CMYK):
        return CMYK(cmyk=tuple(round(v * amount, 2) for v in colour.cmyk))
    r, g, b = rgb(colour)
    return "#" + "".join(f"{round(255 * (1 - amount * (1 - v))):02X}" for v in (r, g, b))
