"""Photos of a used board as a phone would take them, for the capture
tests and the benchmark: the real board PDF rasterised (pypdfium2), the
real token faces drawn and laid on it at known places and turns, then
seen in perspective, blurred, noisy, unevenly lit, saved as a JPEG of
quality 60 with an EXIF orientation (OpenCV for the warp, Pillow for
the file)."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

MM_PT = 72 / 25.4


def render_pdf(path: Path, px_per_mm: float, page: int = 0) -> Image.Image:
    """A page of a PDF as RGB pixels, `px_per_mm` pixels to a millimetre."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return document[page].render(scale=px_per_mm / MM_PT).to_pil().convert("RGB")
    finally:
        document.close()


def token_images(kit: Path, board: str, px_per_mm: float, poster: str = "a3") -> list[Image.Image]:
    """The board's tokens as they print, in the order of its elements or partners."""
    from reportlab.pdfgen.canvas import Canvas

    from workshop_kit.build import check
    from workshop_kit.draw.pdf import draw_face
    from workshop_kit.layout.board import BoardLayout

    checked = check(kit)
    found = {b.slug: b for b in checked.content.boards}[board]
    faces = BoardLayout(checked.content, checked.board_templates, checked.family).faces(
        found, poster, "a4", [])[0].tokens
    images = []
    for face in faces:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=(face.width * MM_PT, face.height * MM_PT))
        draw_face(canvas, face, 0, 0, 0)
        canvas.showPage()
        canvas.save()
        path = kit / f".token-{len(images)}.pdf"
        path.write_bytes(buffer.getvalue())
        images.append(render_pdf(path, px_per_mm))
        path.unlink()
    return images


@dataclass(frozen=True)
class Laid:
    """A token laid on the board: its centre in mm from the board's left and
    top edges, turned `angle` degrees counter-clockwise; `covered` hides the
    half with its marker under a piece of paper."""

    index: int
    x: float
    y: float
    angle: float = 0.0
    covered: bool = False


def lay_tokens(board: Image.Image, tokens: list[Image.Image], laid: list[Laid], px_per_mm: float) -> Image.Image:
    """The board with the tokens on it."""
    out = board.copy()
    for t in laid:
        token = tokens[t.index].convert("RGBA")
        if t.covered:  # a sheet of paper over the half with the marker
            cover = ImageDraw.Draw(token)
            cover.rectangle((0, 0, token.width * 0.55, token.height), fill=(236, 232, 220, 255))
        turned = token.rotate(t.angle, resample=Image.BICUBIC, expand=True)
        x = round(t.x * px_per_mm - turned.width / 2)
        y = round(t.y * px_per_mm - turned.height / 2)
        out.paste(turned, (x, y), turned)
    return out


def photograph(picture: Image.Image, *, tilt: float = 30.0, turn: float = 8.0, blur: float = 2.5,
               noise: float = 6.0, light: float = 0.45, quality: int = 60, orientation: int = 6,
               size: tuple[int, int] = (4000, 3000), fill: float = 0.86, seed: int = 1) -> bytes:
    """A JPEG of `picture` lying on a table, seen `tilt` degrees from straight
    above (the far edge smaller) and turned `turn` degrees in the frame,
    filling `fill` of the frame's width or height, Gaussian blur of sigma
    `blur` px, noise, light falling off by `light` across the frame; stored
    sideways with the EXIF `orientation` that turns it upright again (6: turn 90 degrees clockwise to view)."""
    import cv2

    rng = np.random.default_rng(seed)
    w, h = picture.size
    width, height = size
    # The board's corners seen by a pinhole camera: tilted about the board's
    # horizontal axis, the far (top) edge further away.
    f = 1.0
    distance = 2.2
    corners = []
    for cx, cy in ((-0.5, -0.5 * h / w), (0.5, -0.5 * h / w), (0.5, 0.5 * h / w), (-0.5, 0.5 * h / w)):
        t = math.radians(tilt)
        y3, z3 = cy * math.cos(t), distance - cy * math.sin(t)
        corners.append((f * cx / z3, f * y3 / z3))
    a = math.radians(turn)
    corners = [(x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)) for x, y in corners]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    k = min(width * fill / (max(xs) - min(xs)), height * fill / (max(ys) - min(ys)))
    ox = width / 2 - k * (max(xs) + min(xs)) / 2
    oy = height / 2 - k * (max(ys) + min(ys)) / 2
    target = np.float32([(ox + k * x, oy + k * y) for x, y in corners])
    source = np.float32([(0, 0), (w, 0), (w, h), (0, h)])
    matrix = cv2.getPerspectiveTransform(source, target)
    image = cv2.warpPerspective(np.asarray(picture), matrix, size, flags=cv2.INTER_AREA,
                                borderValue=(120, 100, 80))  # a wooden table
    image = image.astype(np.float32)
    if blur:
        image = cv2.GaussianBlur(image, (0, 0), blur)
    gradient = np.linspace(1.0, 1.0 - light, width, dtype=np.float32)[None, :, None]
    image = image * gradient * np.linspace(1.05, 0.9, height, dtype=np.float32)[:, None, None]
    image += rng.normal(0, noise, image.shape).astype(np.float32)
    photo = Image.fromarray(np.clip(image, 0, 255).astype(np.uint8))
    stored = {1: photo, 6: photo.transpose(Image.Transpose.ROTATE_90),
              8: photo.transpose(Image.Transpose.ROTATE_270), 3: photo.transpose(Image.Transpose.ROTATE_180)}
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    stored[orientation].save(buffer, "JPEG", quality=quality, exif=exif.tobytes())
    return buffer.getvalue()
