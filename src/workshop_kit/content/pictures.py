"""Picture files of a kit (a logo, a card's pictogram, a template's
picture), read and checked in one place: every path that shows a picture
gets it from here.

Pictures are input from anyone who hands the consultant a file, so each is
taken as hostile until checked: it must lie in the kit's pictures/ folder
(no '..', no absolute path, no link leading out), be a file of at most
MAX_BYTES, and be the PNG, JPEG or SVG its content says it is (its magic
bytes, not its name). A bitmap is opened by Pillow with a bound on its
pixels and verified; an SVG is parsed by defusedxml (no DOCTYPE, no
entities) and may refer to nothing outside itself but data: images. What
lies outside the kit is never read, and never named in a message."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

from workshop_kit.problems import did_you_mean

FOLDER = "pictures"
MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 megapixels: far more than any card or board needs
MIN_DPI = 200  # a bitmap printed at fewer pixels per inch than this looks blurred
KINDS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".svg": "svg"}
NAMES = {"png": "PNG", "jpeg": "JPEG", "svg": "SVG"}
MIME = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}
_DATA_IMAGE = re.compile(r"^\s*data:image/(png|jpeg)[;,]", re.IGNORECASE)
_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|mm|cm|in)?\s*$")
_SVG_NS = "{http://www.w3.org/2000/svg}"


class NotAPicture(ValueError):
    """Why a picture file cannot be used, in words for the consultant."""


@dataclass(frozen=True)
class Picture:
    """A checked picture file of the kit and its bytes (read once)."""

    path: str                  # as written, inside the kit: pictures/logo.svg
    kind: str                  # "png", "jpeg" or "svg"
    digest: str                # of its bytes: what a build that shows it depends on
    width: float               # pixels (a bitmap), or the SVG's own units
    height: float
    data: bytes = field(repr=False, compare=False)

    @property
    def bitmap(self) -> bool:
        return self.kind != "svg"

    def data_uri(self) -> str:
        return f"data:{MIME[self.kind]};base64,{base64.b64encode(self.data).decode('ascii')}"

    def dpi(self, width_mm: float) -> float:
        """The pixels per inch of a bitmap printed `width_mm` wide."""
        return self.width / (width_mm / 25.4)


class Pictures:
    """The picture files of one kit, each read and checked once."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.found: dict[str, Picture | NotAPicture] = {}

    def get(self, written: str) -> Picture | None:
        found = self.found.get(written)
        return found if isinstance(found, Picture) else None

    def read(self, written: str) -> Picture:
        """The picture a kit file names, or NotAPicture saying why not."""
        if written not in self.found:
            try:
                self.found[written] = _read(self.root, written)
            except NotAPicture as exc:
                self.found[written] = exc
        found = self.found[written]
        if isinstance(found, NotAPicture):
            raise found
        return found

    def check(self, written, source, path: tuple, problems: list) -> Picture | None:
        """The picture, or None with a problem at `path` of `source`."""
        try:
            return self.read(written)
        except NotAPicture as exc:
            problems.append(source.problem(path, str(exc)))
            return None

    def digests(self) -> dict[str, str]:
        """Path -> digest of every picture read: what the kit's pictures are now."""
        return {name: p.digest for name, p in sorted(self.found.items()) if isinstance(p, Picture)}


def _read(root: Path, written: str) -> Picture:
    relative = _relative(written)
    try:
        return _read_file(root, relative, written)
    except OSError as exc:  # a name too long, a folder that may not be read
        raise NotAPicture(f"'{written}' cannot be read: {exc.strerror or 'not a usable name'}") from None


def _read_file(root: Path, relative: PurePosixPath, written: str) -> Picture:
    full = root / relative
    kit = os.path.realpath(root)
    real = os.path.realpath(full)
    if not (real + os.sep).startswith(os.path.join(kit, FOLDER) + os.sep):
        raise NotAPicture(f"'{written}' leads outside the kit's {FOLDER}/ folder (a link?); "
                          f"copy the picture into {FOLDER}/ instead of linking to it")
    if full.is_dir():
        raise NotAPicture(f"'{written}' is a folder, not a picture file")
    if not full.exists():
        raise NotAPicture(f"no picture '{written}' in the kit{_near(full, relative)}")
    if not full.is_file():
        raise NotAPicture(f"'{written}' is not a file that can be read")
    kind = KINDS.get(full.suffix.lower())
    if kind is None:
        raise NotAPicture(f"'{written}' is not a PNG, JPEG or SVG file (by its name); "
                          "save the picture as .png, .jpg or .svg")
    if full.stat().st_size > MAX_BYTES:
        raise NotAPicture(_too_large(written))
    with open(full, "rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise NotAPicture(_too_large(written))
    found = _sniff(data)
    if found != kind:
        what = f"a {NAMES[found]} file" if found else "not a picture file"
        raise NotAPicture(f"'{written}' is named as a {NAMES[kind]} file, but its content is {what}; "
                          f"save it again as {NAMES[kind]}"
                          + (f" or name it .{found.replace('jpeg', 'jpg')}" if found else ""))
    width, height = _svg_size(data, written) if kind == "svg" else _bitmap_size(data, f"'{written}'", kind)
    if kind == "svg" and (missing := svg_renderer_missing()):
        raise NotAPicture(f"'{written}' is an SVG picture, which the PDFs draw with the Cairo library: {missing}")
    return Picture(written, kind, hashlib.sha256(data).hexdigest()[:24], width, height, data)


@lru_cache(maxsize=1)
def svg_renderer_missing() -> str | None:
    """What to install when cairosvg cannot draw here (it loads the system's
    Cairo library when it is imported); None when it can."""
    try:
        import cairosvg  # noqa: F401
    except OSError:  # cairocffi: no library called "cairo-2" was found
        return ("it is not installed (Debian, Ubuntu: apt install libcairo2; macOS: brew install cairo), "
                "or use a PNG instead")
    return None


def _relative(written: str) -> PurePosixPath:
    if not isinstance(written, str) or not written.strip():
        raise NotAPicture("give the path of a picture in the kit's pictures/ folder, e.g. pictures/logo.svg")
    if any(ord(c) < 32 or ord(c) == 127 for c in written):
        raise NotAPicture("the picture's path holds a control character; write it as a plain path, "
                          f"e.g. {FOLDER}/logo.svg")
    if "\\" in written or re.match(r"^[A-Za-z]:", written) or written.startswith("/") or written.startswith("~"):
        raise NotAPicture(f"'{written}' is not a path inside the kit; write it from the kit folder "
                          f"with / between folders, e.g. {FOLDER}/logo.svg")
    relative = PurePosixPath(written)
    if ".." in relative.parts:
        raise NotAPicture(f"'{written}' leads out of the kit folder ('..'); put the picture in "
                          f"the kit's {FOLDER}/ folder")
    if relative.parts[:1] != (FOLDER,) or len(relative.parts) < 2:
        raise NotAPicture(f"'{written}' is not in the kit's {FOLDER}/ folder; put the picture there "
                          f"and write e.g. {FOLDER}/{relative.name or 'logo.svg'}")
    return relative


def _near(full: Path, relative: PurePosixPath) -> str:
    """"; did you mean 'pictures/x.png'?" for a near name in the same folder."""
    folder = full.parent
    if not folder.is_dir():
        return f" (there is no folder {relative.parent}/)"
    names = [p.name for p in folder.iterdir() if p.is_file()]
    match = did_you_mean(relative.name, names)
    return match.replace("'", f"'{relative.parent}/", 1) if match else ""


def _too_large(written: str) -> str:
    return (f"'{written}' is larger than {MAX_BYTES // (1024 * 1024)} MB, the most a picture may be; "
            "save it smaller (a card needs about 1000 pixels across)")


def _sniff(data: bytes) -> str | None:
    """The kind of picture the bytes are, by their first bytes."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype")):
        if b"<svg" in data.lower():
            return "svg"
    return None


def _bitmap_size(data: bytes, what: str, kind: str) -> tuple[int, int]:
    """Pixels across and down of a bitmap that Pillow opens and verifies,
    with its pixels bounded (a decompression bomb is refused); `what` names
    it in a message ("'pictures/x.png'")."""
    from PIL import Image

    bound = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                size = image.size
                if image.format != kind.upper():
                    raise NotAPicture(f"{what} is not a {NAMES[kind]} file Pillow can read")
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise NotAPicture(f"{what} has more than {MAX_PIXELS // 1_000_000} million pixels "
                          "(or claims to), too many to print; save it smaller") from None
    except NotAPicture:
        raise
    except Exception:  # Pillow raises many kinds for a damaged file
        raise NotAPicture(f"{what} is damaged: it starts as a {NAMES[kind]} file, "
                          "but Pillow cannot read its pixels; save it again") from None
    finally:
        Image.MAX_IMAGE_PIXELS = bound
    return size


def _svg_size(data: bytes, written: str) -> tuple[float, float]:
    """The width and height of an SVG that refers to nothing outside itself."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    lowered = data.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise NotAPicture(f"'{written}' declares a DOCTYPE or XML entities, which a picture "
                          "must not; save the SVG again without them (e.g. as plain SVG)")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError) as exc:
        line = getattr(exc, "position", (None,))[0]
        at = f" (line {line} of the SVG)" if line else ""
        raise NotAPicture(f"'{written}' is not a valid SVG file{at}; save it again") from None
    if root.tag != f"{_SVG_NS}svg":
        raise NotAPicture(f"'{written}' is not an SVG picture (its first element is not <svg>)")
    for element in root.iter():
        tag = element.tag.split("}")[-1] if isinstance(element.tag, str) else ""
        if tag in ("script", "foreignObject"):
            raise NotAPicture(f"'{written}' holds a <{tag}> element, which a picture must not")
        for name, value in element.attrib.items():
            local = name.split("}")[-1]
            if local.lower().startswith("on"):
                raise NotAPicture(f"'{written}' has a script attribute ({local}), which a picture must not")
            if local == "href" and not value.strip().startswith("#"):
                _embedded(written, value)
            _check_urls(written, value)
        if tag == "style" and element.text:
            if "@import" in element.text.lower():
                raise NotAPicture(f"'{written}' imports a style sheet from elsewhere (@import), "
                                  "which a picture must not")
            _check_urls(written, element.text)
    return _dimensions(root, written)


def _embedded(written: str, value: str) -> None:
    """An image embedded in an SVG as a data: URI is a PNG or JPEG checked
    as one of the kit's (a bomb is refused inside an SVG too)."""
    found = _DATA_IMAGE.match(value)
    if not found:
        raise NotAPicture(_external(written, value))
    head, _, encoded = value.strip().partition(",")
    data: bytes
    try:
        data = base64.b64decode(encoded, validate=False) if head.lower().endswith(";base64") else b""
    except ValueError:
        data = b""
    kind = found.group(1).lower()
    if _sniff(data) != kind:
        raise NotAPicture(f"'{written}' embeds an image that is not the {NAMES[kind]} it claims to be")
    _bitmap_size(data, f"an image embedded in '{written}'", kind)


def _check_urls(written: str, text: str) -> None:
    """Every url(...) of a style refers to a part of the picture, or is an image it embeds."""
    for target in _URL.findall(text):
        if not target.startswith("#"):
            _embedded(written, target)


def _external(written: str, target: str) -> str:
    scheme = target.split(":", 1)[0].lower() + ":" if ":" in target else "a file"
    return (f"'{written}' refers to something outside itself ({scheme[:12]}); a picture must hold "
            "all it shows: embed its images, or save it as plain SVG")


def _dimensions(root, written: str) -> tuple[float, float]:
    box = root.get("viewBox")
    if box:
        parts = re.split(r"[\s,]+", box.strip())
        try:
            width, height = float(parts[2]), float(parts[3])
        except (IndexError, ValueError):
            width = height = 0
        if width > 0 and height > 0:
            return width, height
    width_m, height_m = (_NUMBER.match(root.get(name) or "") for name in ("width", "height"))
    if width_m and height_m and float(width_m.group(1)) > 0 and float(height_m.group(1)) > 0:
        return float(width_m.group(1)), float(height_m.group(1))
    raise NotAPicture(f"'{written}' has no size: give its <svg> a viewBox (or a width and a height)")
