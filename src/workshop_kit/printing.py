"""What the files of a build mean for the people who print them, shared by
the facilitator guide, index.html and the PDFs' own titles: sides and
cutting by sheet layout, sheets per copy, paper names and fixed texts with their
{placeholders} filled in. Below every stage that words a file: layout's
materials list, draw's PDFs, output's index page and the build."""

from __future__ import annotations

import math
import string
from typing import Any


def printed_duplex(entry: dict[str, Any]) -> bool:
    """An office file of cards printed on both sides (its sheet layout's sides: duplex)."""
    return entry.get("kind") == "card-deck" and entry.get("layout", {}).get("sides", "duplex") == "duplex"


def cutting_label(entry: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The label that says how to cut an office file of cards, and its values,
    from the sheet layout the manifest records for it."""
    layout = entry.get("layout", {})
    if layout.get("sides") == "fold":
        return "index_cut_fold", {}
    if layout.get("marks") == "cut-lines":
        return "index_cut_lines", {}
    if layout.get("marks") == "none":
        return "index_cut_edges", {}
    if layout.get("gap_mm"):
        return "index_cut_cards_gap", {"gap": f"{layout['gap_mm']:g}"}
    return "index_cut_cards", {}


def sheets_of(pages: int, duplex: bool) -> int:
    """Sheets of paper for one copy: a duplex sheet carries two pages."""
    return math.ceil(pages / 2) if duplex else pages


def paper_name(paper: str) -> str:
    """'a4' -> 'A4', 'letter' -> 'Letter'."""
    return paper.upper() if paper[:1] == "a" else paper.capitalize()


def file_about(labels: dict[str, str], kind: str, **values: Any) -> dict[str, str]:
    """The title and subject a PDF of this kind gives in its document
    information: the labels pdf_title_<kind> and pdf_subject_<kind>."""
    return {"title": fill_label(labels, f"pdf_title_{kind}", **values),
            "subject": fill_label(labels, f"pdf_subject_{kind}", **values)}


class _Kept(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill_label(labels: dict[str, str], key: str, **values: Any) -> str:
    """A label with its {placeholders} filled in; an unknown placeholder or a
    stray brace is printed as written rather than stopping the build."""
    template = labels.get(key, key)
    if not values:
        return template
    try:
        return string.Formatter().vformat(template, (), _Kept(values))
    except (ValueError, IndexError, AttributeError, KeyError):
        return template
