"""Render the README's pictures from a real build.

    workshop-kit build && python docs/pictures.py

docs/cards.png: the first card of each deck, front above back, cropped to
the trim box at 150 dpi from the print-shop PDFs. docs/board-<name>.png:
each board's own PNG, scaled down for the page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
DPI = 150
GAP = 24
BOARDS = ("indflydelsescirkel", "indflydelsescirkel-direktion-filled", "partnermatrix",
          "partnermatrix-filled", "partnerliste", "tjekliste", "beslutningsark")


def trimmed(pdf: pdfium.PdfDocument, index: int) -> Image.Image:
    page = pdf[index]
    scale = DPI / 72
    image = page.render(scale=scale).to_pil()
    left, bottom, right, top = page.get_trimbox()
    height = page.get_height()
    return image.crop((round(left * scale), round((height - top) * scale),
                       round(right * scale), round((height - bottom) * scale)))


def main() -> None:
    out = ROOT / "output"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    shop = [f for f in manifest["files"] if f.get("mode") == "shop"]
    columns = []
    for f in shop:
        pdf = pdfium.PdfDocument(out / f["path"])
        columns.append((trimmed(pdf, 0), trimmed(pdf, 1)))
    w, h = columns[0][0].size
    sheet = Image.new("RGB", (len(columns) * (w + GAP) + GAP, 2 * (h + GAP) + GAP), "#E9ECF1")
    for c, (front, back) in enumerate(columns):
        sheet.paste(front, (GAP + c * (w + GAP), GAP))
        sheet.paste(back, (GAP + c * (w + GAP), 2 * GAP + h))
    sheet.save(ROOT / "docs" / "cards.png", optimize=True)
    print(f"wrote docs/cards.png ({sheet.width} x {sheet.height})")
    for f in manifest["files"]:
        if f["kind"] == "board-png" and Path(f["path"]).stem in BOARDS:
            image = Image.open(out / f["path"]).convert("RGB")
            image.thumbnail((1000, 1000))
            name = "board-" + Path(f["path"]).stem + ".png"
            image.save(ROOT / "docs" / name, optimize=True)
            print(f"wrote docs/{name}")


if __name__ == "__main__":
    main()
