"""The HTML/CSS route: a reference for bench/run.py.

    python bench/html_route.py KIT_DIR OUT_DIR

Builds the dilemma deck of a kit (the one bench/run.py generates) the way
a card tool built on HTML and CSS would: a Jinja2 template with CSS for
poker-size cards 9-up on A4, fronts and backs on alternate pages with the
backs mirrored for long-edge duplex, crop marks drawn as CSS borders on
pseudo-elements, the kit's font (Atkinson Hyperlegible, from its font
package) by @font-face, and a QR code per card as inline SVG from segno,
leading to the same URL as workshop-kit's (base_url/f/{kit}/{deck}/{card}).
WeasyPrint makes the PDF. Then a JPEG of every card face, 240 pixels wide
as workshop-kit's thumbnails: PDFium rasterises each page of that PDF at
that width per card, and the faces are cut out of it.

What it leaves out, compared with `workshop-kit build --mode home`: the
check of the content against the model (it only reads the YAML), text that
shrinks to fit its box, the check of text contrast and of characters the
font lacks, index.html and manifest.json. The thumbnails are cut out of the
print pages, where workshop-kit draws each face on a page of its own and
rasterises that. It runs in one process, as WeasyPrint renders one
document. All of this makes the reference quicker, not slower.

Needs the optional extra: pip install ".[bench]".
"""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path

PAPER = (210.0, 297.0)       # A4, mm
CARD = (63.0, 88.0)          # poker, mm
GRID = (3, 3)                # columns, rows
PRINTER_MARGIN = 5.0         # office printers print no closer to the edge
MARK_OFFSET, MARK_LENGTH, MARK_WIDTH_PT = 3.0, 5.0, 0.25
THUMB_WIDTH_PX = 240         # as workshop-kit's card thumbnails
PT_PER_MM = 72 / 25.4

COLOURS = {"ink": "#1D2330", "muted": "#4A5364", "accent": "#A3361F", "tint": "#F7E7E3",
           "on-accent": "#FFFFFF"}
LABELS = {"type": "Dilemma", "question": "Spørgsmålet til byrådet", "scan": "Scan for at følge op"}

TEMPLATE = """<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<title>{{ deck.name }}</title>
<style>
{% for weight, style, path in fonts %}
@font-face { font-family: "Atkinson Hyperlegible"; font-weight: {{ weight }}; font-style: {{ style }};
             src: url("{{ path }}"); }
{% endfor %}
@page { size: {{ paper[0] }}mm {{ paper[1] }}mm; margin: 0; }
* { box-sizing: border-box; margin: 0; padding: 0; }
html { font-family: "Atkinson Hyperlegible"; color: {{ c.ink }}; line-height: 1.2; }
.sheet { position: relative; width: {{ paper[0] }}mm; height: {{ paper[1] }}mm; page-break-after: always;
         overflow: hidden; }
.sheet:last-child { page-break-after: auto; }
.card { position: absolute; width: {{ card[0] }}mm; height: {{ card[1] }}mm; overflow: hidden;
        hyphens: auto; }
.front { background: #fff; }
.back { background: {{ c.tint }}; }
.band { position: absolute; left: 0; right: 0; top: 0; background: {{ c.accent }}; color: {{ c['on-accent'] }};
        font-weight: 700; padding: 0 4.5mm; hyphens: manual; }
.front .band { height: 16mm; }
.front .type { font-size: 7pt; padding-top: 2.6mm; height: 6.4mm; }
.front .title { font-size: 13pt; height: 8.4mm; display: flex; align-items: center; }
.back .band { height: 9mm; font-size: 9pt; display: flex; align-items: center; }
.body { position: absolute; left: 4.5mm; right: 4.5mm; top: 19mm; bottom: 8.5mm; font-size: 9pt; }
.body .label { color: {{ c.accent }}; font-weight: 700; margin-top: 1.5mm; }
.body .question { font-weight: 700; }
.footer { position: absolute; bottom: 3.2mm; height: 4mm; line-height: 4mm; font-size: 7pt;
          color: {{ c.muted }}; }
.front .footer { left: 4.5mm; right: 4.5mm; text-align: right; }
.back .footer { left: 4.5mm; right: 23mm; }
.scan { position: absolute; left: 4.5mm; right: 23mm; bottom: 9mm; max-height: 12mm; font-size: 7pt;
        hyphens: manual; }
.scan b { display: block; }
.qr { position: absolute; right: 3.5mm; bottom: 3.5mm; width: 18mm; height: 18mm; background: #fff; }
.qr svg { display: block; width: 18mm; height: 18mm; }
.cut { position: absolute; }
.cut::before, .cut::after { content: ""; position: absolute; }
.cut.x::before, .cut.x::after { left: 0; width: 0; border-left: {{ mark_pt }}pt solid #000;
                                height: {{ marks.x_length }}mm; }
.cut.x::before { top: {{ marks.x_before }}mm; }
.cut.x::after { top: {{ marks.x_after }}mm; }
.cut.y::before, .cut.y::after { top: 0; height: 0; border-top: {{ mark_pt }}pt solid #000;
                                width: {{ marks.y_length }}mm; }
.cut.y::before { left: {{ marks.y_before }}mm; }
.cut.y::after { left: {{ marks.y_after }}mm; }
</style>
</head>
{% macro crop_marks() %}
  {% for x in cuts.x %}<div class="cut x" style="left: {{ x }}mm; top: 0"></div>{% endfor %}
  {% for y in cuts.y %}<div class="cut y" style="top: {{ y }}mm; left: 0"></div>{% endfor %}
{% endmacro %}
<body>
{% for sheet in sheets %}
<section class="sheet">
  {% for slot in sheet.front %}
  {% set card = slot.card %}
  <div class="card front" style="left: {{ slot.x }}mm; top: {{ slot.y }}mm">
    <div class="band"><div class="type">{{ labels.type }}</div><div class="title">{{ card.title }}</div></div>
    <div class="body">
      <p>{{ card.scenario }}</p>
      <p class="label">{{ labels.question }}</p>
      <p class="question">{{ card.question }}</p>
    </div>
    <div class="footer">{{ deck.name }} · {{ card.number }}/{{ total }}</div>
  </div>
  {% endfor %}
  {{ crop_marks() }}
</section>
<section class="sheet">
  {% for slot in sheet.back %}
  {% set card = slot.card %}
  <div class="card back" style="left: {{ slot.x }}mm; top: {{ slot.y }}mm">
    <div class="band">{{ card.title }}</div>
    <div class="scan"><b>{{ labels.scan }}</b><span>{{ card.url_text }}</span></div>
    <div class="qr">{{ card.qr }}</div>
    <div class="footer">{{ deck.name }} · {{ card.number }}/{{ total }}</div>
  </div>
  {% endfor %}
  {{ crop_marks() }}
</section>
{% endfor %}
</body>
</html>
"""


def grid() -> tuple[list[tuple[float, float]], dict, dict]:
    """The card positions on a sheet (mm from its top left corner), the cut
    lines and the crop marks: they start MARK_OFFSET outside the block of
    cards and stop at the printer margin."""
    (pw, ph), (cw, ch), (cols, rows) = PAPER, CARD, GRID
    left, top = (pw - cols * cw) / 2, (ph - rows * ch) / 2
    slots = [(left + c * cw, top + r * ch) for r in range(rows) for c in range(cols)]
    cuts = {"x": [left + c * cw for c in range(cols + 1)], "y": [top + r * ch for r in range(rows + 1)]}
    x_length = min(MARK_LENGTH, top - MARK_OFFSET - PRINTER_MARGIN)
    y_length = min(MARK_LENGTH, left - MARK_OFFSET - PRINTER_MARGIN)
    marks = {"x_length": x_length, "x_before": top - MARK_OFFSET - x_length,
             "x_after": top + rows * ch + MARK_OFFSET,
             "y_length": y_length, "y_before": left - MARK_OFFSET - y_length,
             "y_after": left + cols * cw + MARK_OFFSET}
    return slots, cuts, marks


def mirrored(index: int) -> int:
    """The slot of a card's back on the back page: long-edge duplex mirrors the columns."""
    cols = GRID[0]
    row, col = divmod(index, cols)
    return row * cols + (cols - 1 - col)


def build(kit_dir: Path, out: Path) -> int:
    import fontpkg
    import jinja2
    import pypdfium2 as pdfium
    import segno
    import weasyprint
    import yaml
    from markupsafe import Markup

    kit = yaml.safe_load((kit_dir / "kit.yaml").read_text(encoding="utf-8"))
    deck_file = kit_dir / "decks" / "dilemmaer.yaml"
    deck_name = deck_file.stem
    deck = yaml.safe_load(deck_file.read_text(encoding="utf-8"))
    base_url = kit["follow_up"]["base_url"].rstrip("/")

    cards = []
    for number, card in enumerate(deck["cards"], 1):
        url = f"{base_url}/f/{kit['id']}/{deck_name}/{card['id']}"
        qr = segno.make(url, error="m", micro=False)
        shown = url.split("://", 1)[-1]
        cards.append({**card, "number": number, "url": url,
                      "url_text": Markup("/<wbr>".join(Markup.escape(part) for part in shown.split("/"))),
                      "qr": Markup(qr.svg_inline(border=4, omitsize=True))})

    slots, cuts, marks = grid()
    per_sheet = len(slots)
    sheets = []
    for start in range(0, len(cards), per_sheet):
        chunk = cards[start:start + per_sheet]
        front = [{"card": card, "x": slots[i][0], "y": slots[i][1]} for i, card in enumerate(chunk)]
        back = [{"card": card, "x": slots[mirrored(i)][0], "y": slots[mirrored(i)][1]}
                for i, card in enumerate(chunk)]
        sheets.append({"front": front, "back": back})

    fonts = [(weight, style, Path(fontpkg.path("Atkinson Hyperlegible", weight, style)).as_uri())
             for weight in (400, 700) for style in ("normal", "italic")]
    html = jinja2.Environment(autoescape=True).from_string(TEMPLATE).render(
        deck=deck, total=len(cards), sheets=sheets, cuts=cuts, marks=marks, fonts=fonts,
        paper=PAPER, card=CARD, mark_pt=MARK_WIDTH_PT, c=COLOURS, labels=LABELS)
    pdf = weasyprint.HTML(string=html, base_url=str(kit_dir)).write_pdf()

    (out / "decks").mkdir(parents=True, exist_ok=True)
    (out / "decks" / f"{deck_name}-a4-duplex.pdf").write_bytes(pdf)
    thumbs = out / "thumbs" / "decks" / deck_name
    thumbs.mkdir(parents=True, exist_ok=True)

    scale = THUMB_WIDTH_PX / (CARD[0] * PT_PER_MM)   # pixels per point
    size = (THUMB_WIDTH_PX, math.ceil(CARD[1] * PT_PER_MM * scale))
    document = pdfium.PdfDocument(pdf)
    try:
        for page_index, page in enumerate(document):
            sheet = sheets[page_index // 2]
            side = "back" if page_index % 2 else "front"
            image = page.render(scale=scale).to_pil()
            for slot in sheet[side]:
                x, y = (round(v * PT_PER_MM * scale) for v in (slot["x"], slot["y"]))
                face = image.crop((x, y, x + size[0], y + size[1]))
                buffer = io.BytesIO()
                face.save(buffer, format="JPEG", quality=90, subsampling=0)
                (thumbs / f"{slot['card']['id']}-{side}.jpg").write_bytes(buffer.getvalue())
    finally:
        document.close()
    return len(cards)


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    build(Path(argv[0]), Path(argv[1]))


if __name__ == "__main__":
    main(sys.argv[1:])
