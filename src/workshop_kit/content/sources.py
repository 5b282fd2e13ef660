"""Sources: what a card, a board or the guide rests on (a law and its
paragraph, a report and its page or section, the kit's source material),
and the numbered list of them that the guide prints."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints, WithJsonSchema, model_validator

from workshop_kit.content.basics import Strict, Text

URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^/\s]\S*$"


def _check_url(value: str) -> str:
    lowered = value.lower()
    if not (lowered.startswith("https://") or lowered.startswith("http://")) or " " in value \
            or not value.split("://", 1)[1].split("/", 1)[0]:
        raise ValueError(f"'{value}' is not a web address; write it as https://…")
    return value


Url = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_check_url),
                WithJsonSchema({"type": "string", "pattern": URL_PATTERN,
                                "examples": ["https://www.retsinformation.dk"]})]


class Citation(Strict):
    """One source: a law, a report or the kit's source material."""

    title: Text = Field(description="The law, report or document, e.g. Planloven or Lokaldemokrati i nybrud.",
                        examples=["Styrelsesloven"])
    where: Text | None = Field(None, description="Where in it: a paragraph (§ 17, stk. 4), a page (s. 12) "
                                                 "or a section (case: Odense).",
                               examples=["§ 17, stk. 4"])
    url: Url | None = Field(None, description="Where to read it, https://…")

    @model_validator(mode="before")
    @classmethod
    def _mapping(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(f"'{value}' is a text; write a source with title, where and url, "
                             "e.g. {title: Planloven, where: § 24}")
        return value

    @property
    def reference(self) -> str:
        """The short reference a card prints: 'Planloven § 24', 'Lokaldemokrati i nybrud, indsigt 4'."""
        if not self.where:
            return self.title
        joint = " " if self.where.startswith("§") else ", "
        return f"{self.title}{joint}{self.where}"


SOURCES_HELP = ("What the text rests on: each a law with its paragraph, a report with its page or "
                "section, or the source material, as {title, where, url}. The card back prints a short "
                "reference, and the guide lists every source of the kit, numbered.")


def sources_field(help_text: str = SOURCES_HELP):
    """The `sources:` field of a card, a board or the guide."""
    return Field(default_factory=list, description=help_text)


def numbered(used: Iterable[tuple[str, Iterable[Citation]]]) -> list[tuple[Citation, list[str]]]:
    """Each source once, in the order first used, with the names of what uses it.

    `used` gives, in order, the name of a card, board or the guide and its sources."""
    found: dict[tuple, tuple[Citation, list[str]]] = {}
    for name, citations in used:
        for citation in citations:
            key = (citation.title, citation.where or "", citation.url or "")
            _, names = found.setdefault(key, (citation, []))
            if name not in names:
                names.append(name)
    return list(found.values())
