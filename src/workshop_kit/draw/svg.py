"""Render a face to SVG with svgwrite: text stays text, groups keep their
names, so the board can be edited in Inkscape or Illustrator."""

from __future__ import annotations

import base64
from functools import lru_cache

from workshop_kit.fonts import STYLES, Family, style_of
from workshop_kit.layout.boxes import Circle, Face, Fill, Group, Image, QRSymbol, Stroke, TextRun
from workshop_kit.layout.colours import hex_colour
from workshop_kit.qr import QUIET_ZONE


@lru_cache(maxsize=8)
def _font_css(family: Family) -> str:
    """@font-face rules with the font files inlined, so the SVG shows the
    same letters wherever it is opened."""
    rules = []
    for style, path in family.files().items():
        data = base64.b64encode(open(path, "rb").read()).decode("ascii")
        weight = "bold" if "bold" in style else "normal"
        slant = "italic" if "italic" in style else "normal"
        rules.append(f"@font-face {{ font-family: '{family.name}'; font-weight: {weight}; "
                     f"font-style: {slant}; src: url(data:font/ttf;base64,{data}) format('truetype'); }}")
    return "\n".join(rules)


def render_svg(face: Face, family: Family, title: str) -> bytes:
    import svgwrite  # here: its import builds a grammar (0.09 s), which a build of decks alone never needs

    w, h = face.width, face.height
    dwg = svgwrite.Drawing(size=(f"{w}mm", f"{h}mm"), viewBox=f"0 0 {w} {h}", profile="full", debug=False)
    dwg.set_desc(title=title)
    dwg.defs.add(dwg.style(_font_css(family)))
    dwg.add(dwg.rect((0, 0), (w, h), fill=hex_colour(face.background), id="background"))
    _add(dwg, dwg, face.items, h, family, {})
    return dwg.tostring().encode("utf-8")


def _add(dwg, parent, items, height: float, family: Family, ids: dict[str, int]) -> None:
    for item in items:
        if isinstance(item, Group):
            group = dwg.g(id=_unique(ids, item.name))
            parent.add(group)
            _add(dwg, group, item.items, height, family, ids)
        elif isinstance(item, Fill):
            b = item.box
            parent.add(dwg.rect((b.x, height - b.top), (b.width, b.height), fill=hex_colour(item.colour)))
        elif isinstance(item, Circle):
            parent.add(dwg.circle((item.cx, height - item.cy), item.r,
                                  fill=hex_colour(item.fill) if item.fill is not None else "none",
                                  stroke=hex_colour(item.stroke) if item.stroke is not None else "none",
                                  stroke_width=item.stroke_mm))
        elif isinstance(item, Stroke):
            points = [(x, height - y) for x, y in item.points]
            shape = dwg.polygon(points) if item.closed else dwg.polyline(points)
            shape.update({"fill": "none", "stroke": hex_colour(item.colour), "stroke-width": item.width_mm})
            if item.dash_mm:
                shape.update({"stroke-dasharray": f"{item.dash_mm} {item.dash_mm}"})
            parent.add(shape)
        elif isinstance(item, QRSymbol):
            parent.add(_qr(dwg, item, height))
        elif isinstance(item, Image):
            parent.add(_image(dwg, item, height))
        elif isinstance(item, TextRun):
            parent.add(_text(dwg, item, height, family))


def _unique(seen: dict[str, int], name: str) -> str:
    """The group's name, numbered from its second use on (ids are unique in SVG)."""
    count = seen.get(name, 0)
    seen[name] = count + 1
    return name if count == 0 else f"{name}-{count + 1}"


def _text(dwg, run: TextRun, height: float, family: Family):
    weight, slant = STYLES[style_of(run.font)]
    size_mm = run.size_pt * 25.4 / 72
    attrs = {
        "font-family": f"'{family.name}', sans-serif",
        "font-size": f"{size_mm:.3f}",
        "fill": hex_colour(run.colour),
        "xml:space": "preserve",
    }
    if weight != 400:
        attrs["font-weight"] = str(weight)
    if slant != "normal":
        attrs["font-style"] = slant
    x, y = run.x, height - run.baseline
    text = dwg.text(run.text, insert=(x, y), **{k.replace("-", "_"): v for k, v in attrs.items()
                                                if k != "xml:space"})
    text.attribs["xml:space"] = "preserve"
    if run.angle:
        text.update({"transform": f"rotate({-run.angle:g} {x:.3f} {y:.3f})"})
    return text


def _qr(dwg, symbol: QRSymbol, height: float):
    b = symbol.box
    m = symbol.module_mm
    group = dwg.g(class_="qr-code")
    group.add(dwg.rect((b.x, height - b.top), (b.width, b.height), fill=hex_colour(symbol.light)))
    ops = [f"M{start} {r}h{length}v1h{-length}z" for r, start, length in symbol.matrix.dark_runs]
    x0 = b.x + QUIET_ZONE * m
    y0 = height - b.top + QUIET_ZONE * m
    group.add(dwg.path(d="".join(ops), fill=hex_colour(symbol.dark),
                       transform=f"translate({x0:.4f} {y0:.4f}) scale({m:.5f})"))
    return group


ASPECT = {"left": "xMin", "center": "xMid", "right": "xMax", "top": "YMin", "middle": "YMid", "bottom": "YMax"}


def _image(dwg, item: Image, height: float):
    """The picture as its own file in a data: URI (an SVG stays vector),
    fitted to its box by the viewer (meet: contain; slice: cover)."""
    b = item.box
    image = dwg.image(href=item.picture.data_uri(), insert=(b.x, height - b.top), size=(b.width, b.height))
    scale = "slice" if item.fit == "cover" else "meet"
    image.attribs["preserveAspectRatio"] = f"{ASPECT[item.align]}{ASPECT[item.valign]} {scale}"
    return image
