"""Fonts from installed Python font packages, registered once with ReportLab.

Layout measures text with these metrics; the PDF writer embeds them as
subsets. Nothing is taken from the operating system.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from functools import cache, cached_property

import fontpkg
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from workshop_kit.problems import ContentError, Problem

STYLES = {
    "regular": (400, "normal"),
    "bold": (700, "normal"),
    "italic": (400, "italic"),
    "bold-italic": (700, "italic"),
}


class FontMissing(Exception):
    pass


class TaggedFont(TTFont):
    """A TrueType font whose subsets are tagged by what they hold.

    ReportLab names the n-th subset of a font in a file AAAAAA+, AAAAAB+, ...
    in every file, so two files hold different subsets under one name, and a
    print shop that merges them may print one file's text with the other's
    glyphs. Here the six letters come from a digest of the font and of the
    characters in the subset, in their order: the same subset has the same
    tag in every build, and different subsets have different tags."""

    @cached_property
    def _font_digest(self) -> bytes:
        return hashlib.sha256(self.face._ttf_data).digest()  # type: ignore[attr-defined]  # the stub omits the font data

    def subset_tag(self, subset: list[int]) -> str:
        """Six capital letters for a subset (a list of its characters' code points)."""
        digest = hashlib.sha256(self._font_digest + ",".join(map(str, subset)).encode()).digest()
        number = int.from_bytes(digest[:8], "big")
        letters = []
        for _ in range(6):
            number, index = divmod(number, 26)
            letters.append(chr(ord("A") + index))
        return "".join(letters)

    def addObjects(self, doc) -> None:
        state = self.state.get(doc)
        _subset_tags.tags = [self.subset_tag(s) for s in state.subsets] if state is not None else None
        try:
            super().addObjects(doc)
        finally:
            _subset_tags.tags = None


# TTFont.addObjects takes each subset's tag from ttfonts.SUBSETN(n); while a
# TaggedFont writes its subsets, that answers with the tags it worked out.
_subset_tags = threading.local()
_numbered_tag = ttfonts.SUBSETN


def _subset_tag(n, table=None) -> bytes:
    tags = getattr(_subset_tags, "tags", None)
    return tags[n].encode("ascii") if tags else _numbered_tag(n)


ttfonts.SUBSETN = _subset_tag


@dataclass(frozen=True)
class Family:
    name: str

    def face(self, style: str) -> str:
        """The registered ReportLab name of a style of this family."""
        return _register(self.name, style)

    def width(self, text: str, style: str, size_pt: float) -> float:
        """Advance width in points."""
        return _unit_width(self.face(style), text) * size_pt

    def ascent(self, style: str) -> float:
        """Ascent as a fraction of the font size."""
        face = pdfmetrics.getFont(self.face(style)).face  # type: ignore[attr-defined]  # every Font has a face; the stub omits it
        return face.ascent / 1000

    def missing(self, text: str, style: str) -> list[str]:
        """Characters of text that the font has no glyph for."""
        unknown = set(text) - _coverage(self.face(style))
        return [c for c in dict.fromkeys(text) if c in unknown and not c.isspace()] if unknown else []

    def missing_message(self, missing: list[str]) -> str:
        """What to tell the writer of a text with characters the font lacks."""
        chars = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in dict.fromkeys(missing))
        return f"the font {self.name} has no {chars}; write it another way"

    def files(self) -> dict[str, str]:
        return {style: str(_path(self.name, style)) for style in STYLES}


@cache
def family(name: str) -> Family:
    fam = Family(name)
    for style in STYLES:
        fam.face(style)  # fail early if the package is missing
    return fam


def kit_family(content) -> Family:
    """The font of a kit (its KitContent); ContentError at theme.font when
    it is not installed. Shared by the build and the report."""
    try:
        return family(content.kit.theme.font)
    except FontMissing as exc:
        line, column = content.kit_source.where(("theme", "font"))
        raise ContentError([Problem("kit.yaml", line, column, "theme.font", str(exc))]) from None


def _path(name: str, style: str):
    weight, slant = STYLES[style]
    try:
        return fontpkg.path(name, weight, slant, nearest=True)
    except fontpkg.FontpkgError as exc:
        raise FontMissing(
            f"font '{name}' is not installed; install its font package "
            f"(e.g. pip install fontpkg-{fontpkg.slugify(name)})"
        ) from exc


def style_of(face_name: str) -> str:
    """The style of a registered face name (FamilyName-bold-italic -> bold-italic)."""
    return next(style for style in sorted(STYLES, key=len, reverse=True) if face_name.endswith(f"-{style}"))


@cache
def _register(name: str, style: str) -> str:
    face_name = f"{name.replace(' ', '')}-{style}"
    pdfmetrics.registerFont(TaggedFont(face_name, str(_path(name, style))))
    return face_name


@cache
def _unit_width(face_name: str, text: str) -> float:
    return pdfmetrics.stringWidth(text, face_name, 1.0)


@cache
def _coverage(face_name: str) -> frozenset[str]:
    """Every character the face has a glyph for."""
    font = pdfmetrics.getFont(face_name)
    return frozenset(map(chr, font.face.charToGlyph))  # type: ignore[attr-defined]  # the stub omits Font.face
