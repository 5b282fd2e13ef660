"""The building blocks every content model uses: text, slugs, strict models."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG.pattern),
    Field(description="Lowercase letters a-z, digits and hyphens; used in URLs and file names."),
]


def is_slug(text: str) -> bool:
    """An id or file name as URLs take it: lowercase a-z, digits and hyphens."""
    return SLUG.match(text) is not None


def slug_from(text: str) -> str:
    """'Frivillige i SFO’en' -> 'frivillige-i-sfo-en'; æ ø å become ae oe aa,
    other accents are dropped."""
    text = text.lower()
    for letter, spelled in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        text = text.replace(letter, spelled)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
