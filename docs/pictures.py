"""Render the README's pictures from a real build.

    workshop-kit build && python docs/pictures.py

docs/cards.png: the first card of each deck, front above back, cropped to
the trim box at 150 dpi from the print-shop PDFs. docs/board-<name>.png:
each board's own PNG, scaled down for the page. docs/capture.png (with
OpenCV installed): a synthetic phone photo of the influence circle with its
tokens laid on it (tests/photo_helpers.py) beside what `workshop-kit
capture` made of it, the straightened photo and the filled-in board.
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
    capture_picture(out)


def capture_picture(out: Path) -> None:
    """docs/capture.png: the photo, the straightened photo, the filled-in board."""
    import importlib.util
    import math
    import shutil
    import subprocess
    import sys
    import tempfile

    if importlib.util.find_spec("cv2") is None:
        print('docs/capture.png needs OpenCV: pip install ".[capture]"')
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from photo_helpers import Laid, lay_tokens, photograph, render_pdf, token_images

    k = 7.0
    with tempfile.TemporaryDirectory() as folder:
        kit = Path(folder) / "kit"
        shutil.copytree(ROOT, kit, ignore=shutil.ignore_patterns("output", ".git", "tests", "src", "kits", "docs",
                                                                 "bench", "*.md"))
        tokens = token_images(kit, "indflydelsescirkel", k)
        laid = []
        for i in range(12):  # three tokens in each ring, turned as a group leaves them
            ring, turn = i % 4, math.radians(205 + 41 * i)
            x, y = (140 + (ring + 0.5) * 30.5 * math.cos(turn), 162 + (ring + 0.5) * 30.5 * math.sin(turn)) \
                if ring else (140 + (i // 4 - 1) * 17, 150 + (i // 4) * 11)
            laid.append(Laid(i, x, y, angle=(i * 13) % 40 - 15))
        board = render_pdf(out / "boards" / "indflydelsescirkel-a3.pdf", k)
        photo = Path(folder) / "tavle.jpg"
        photo.write_bytes(photograph(lay_tokens(board, tokens, laid, k), tilt=30, blur=1.5, orientation=6))
        subprocess.run([sys.executable, "-m", "workshop_kit", "capture", "indflydelsescirkel", str(photo),
                        "--kit", str(kit), "--as", "cirkel"], check=True, capture_output=True)
        from PIL import ImageOps

        shown = [ImageOps.exif_transpose(Image.open(photo)).convert("RGB"),
                 Image.open(kit / "output" / "captures" / "cirkel-photo.jpg").convert("RGB"),
                 Image.open(kit / "output" / "boards" / "cirkel-filled.png").convert("RGB")]
    height = 300
    shown = [image.resize((round(image.width * height / image.height), height), Image.LANCZOS) for image in shown]
    sheet = Image.new("RGB", (sum(i.width for i in shown) + GAP * (len(shown) + 1), height + 2 * GAP), "#E9ECF1")
    x = GAP
    for image in shown:
        sheet.paste(image, (x, GAP))
        x += image.width + GAP
    sheet = sheet.quantize(256, method=Image.Quantize.MEDIANCUT)  # a photo's noise: a palette keeps the file small
    sheet.save(ROOT / "docs" / "capture.png", optimize=True)
    print(f"wrote docs/capture.png ({sheet.width} x {sheet.height})")


if __name__ == "__main__":
    main()
