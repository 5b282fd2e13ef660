"""A deck's print file and its thumbnails, drawn together and, for a large
deck, in parts on several cores.

The job that draws a deck's pages also cuts the deck's contact sheets out
of them (output/thumbnails.py), so that no face is drawn twice. A deck of
more than PART_CARDS cards is drawn in parts of about the same number of
pages, one job a part, each a range of pages that holds whole cards; a
contact sheet whose faces begin in the part before is cut by the part
that holds its last face, which draws those pages too. The parts come
back as PDFs of their own, and the build joins them into the deck's file
(`Parts`), each page once, before it is staged. Where the deck's pages
do not show every face, its contact sheets are drawn on pages of their
own (thumbnails.contact_pages), CONTACT_SHEETS_PER_JOB to a job."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from functools import partial
from typing import Callable

from workshop_kit.draw.pdf import render
from workshop_kit.draw.raster import FaceCut
from workshop_kit.impose.plan import Sheets
from workshop_kit.output.jobs import PART, Job, Made
from workshop_kit.output.manifest import Manifest
from workshop_kit.output.thumbnails import ContactSheet, contact_pages, cut_sheets, face_cuts, record_sheets
from workshop_kit.workers import cores

PART_CARDS = 100  # a deck is drawn in parts of at least this many cards, a part a core (a part costs 20-30 ms more)
CONTACT_SHEETS_PER_JOB = 5  # contact sheets drawn on pages of their own: about a sixth of a second of work



def deck_file_jobs(name: str, sheets: Sheets, faces: list, described: dict, meta: dict,
                   record: Callable[[Manifest], None], thumbnails: list[ContactSheet],
                   with_thumbnails: bool) -> list[Job]:
    """The jobs that draw the deck's file `name` (its `sheets`, each card's
    (front, back) in `faces`) and, if `with_thumbnails`, cut its contact
    sheets out of the pages; `record` adds the file to the manifest."""
    cuts = face_cuts(sheets, thumbnails) if with_thumbnails else []
    if cuts is None:  # pages without every face: the contact sheets are drawn apart
        return [_job(name, sheets, faces, described, meta, record, [], [])] + contact_jobs(thumbnails, faces, meta)
    cards = sum(p.side == "front" for page in sheets.pages for p in page.placements)
    ranges = split_pages(len(sheets.pages), card_spans(sheets), max(1, min(cores(), cards // PART_CARDS)))
    jobs = []
    for k, (first, end) in enumerate(ranges):
        # A contact sheet is cut by the part that holds its last face; the
        # pages of its first faces, when they are the part before's, are
        # drawn again by this one and left out when the parts are joined.
        mine = [i for i, sheet in enumerate(cuts) if first <= max(cut.page for cut in sheet) < end]
        start = min([first] + [cut.page for i in mine for cut in cuts[i]])
        part_cuts = [[replace(cut, page=cut.page - start, picture=j) for cut in cuts[i]] for j, i in enumerate(mine)]
        jobs.append(_job(name if len(ranges) == 1 else part_name(name, k, len(ranges), first - start),
                         replace(sheets, pages=sheets.pages[start:end]), faces, described, meta,
                         record if k == 0 else None, [thumbnails[i] for i in mine], part_cuts))
    return jobs


def card_spans(sheets: Sheets) -> list[tuple[int, int]]:
    """The first and last page of each card's faces (a part holds whole cards)."""
    spans: dict[int, tuple[int, int]] = {}
    for number, page in enumerate(sheets.pages):
        for placement in page.placements:
            first, _ = spans.get(placement.item, (number, number))
            spans[placement.item] = (first, number)
    return list(spans.values())


def contact_jobs(thumbnails: list[ContactSheet], faces: list, meta: dict) -> list[Job]:
    """The contact sheets drawn on pages of their own."""
    jobs = []
    for i in range(0, len(thumbnails), CONTACT_SHEETS_PER_JOB):
        chunk = thumbnails[i:i + CONTACT_SHEETS_PER_JOB]
        pages, cuts = contact_pages(chunk)
        jobs.append(_job(None, pages, faces, {"title": chunk[0].deck, "subject": "thumbnails"}, meta, None,
                         chunk, cuts))
    return jobs


def _job(name: str | None, sheets: Sheets, faces: list, described: dict, meta: dict,
         record: Callable[[Manifest], None] | None, thumbnails: list[ContactSheet],
         cuts: list[list[FaceCut]]) -> Job:
    return Job(partial(_draw, name, sheets, faces, described, meta, thumbnails, cuts),
               partial(_record, record, thumbnails), files=len(thumbnails) + (record is not None))


def _draw(name: str | None, sheets: Sheets, faces: list, described: dict, meta: dict,
          thumbnails: list[ContactSheet], cuts: list[list[FaceCut]]) -> dict[str, bytes]:
    pdf = render(sheets, lambda item, side: faces[item][side == "back"], **described, **meta)
    files = cut_sheets(pdf, thumbnails, cuts)
    if name is not None:
        files[name] = pdf
    return files


def _record(record: Callable[[Manifest], None] | None, thumbnails: list[ContactSheet], manifest: Manifest,
            files: Made) -> None:
    if record is not None:
        record(manifest)
    record_sheets(thumbnails, manifest, files)


def split_pages(pages: int, spans: list[tuple[int, int]], parts: int) -> list[tuple[int, int]]:
    """Page ranges [first, end) for about `parts` parts of about equal size,
    divided only where no span (the first and last page of a card's
    faces) would be cut in two."""
    crossed = {page for first, last in spans for page in range(first + 1, last + 1)}
    free = [page for page in range(1, pages) if page not in crossed]
    cuts = sorted({min(free, key=lambda page: abs(page - k * pages / parts)) for k in range(1, parts)}) if free else []
    bounds = [0, *cuts, pages]
    return list(zip(bounds, bounds[1:]))


def part_name(name: str, k: int, count: int, borrowed: int) -> str:
    """What part k of `count` of the file `name` is called until the parts
    are joined; its first `borrowed` pages are the part before's."""
    return f"{name}{PART}{k} {count} {borrowed}"


class Parts:
    """The parts of files drawn in parts, held until each file is whole."""

    def __init__(self) -> None:
        self._held: dict[str, dict[int, tuple[bytes, int]]] = {}

    def add(self, name: str, data: bytes) -> tuple[str, bytes] | None:
        """(name, bytes) of the file, whole: at once for a file not drawn in
        parts, for a part when it is the last one in (else None)."""
        if PART not in name:
            return name, data
        whole, tail = name.split(PART)
        k, count, borrowed = (int(v) for v in tail.split())
        held = self._held.setdefault(whole, {})
        held[k] = (data, borrowed)
        if len(held) < count:
            return None
        del self._held[whole]
        return whole, join_pdfs([held[i] for i in range(count)])


def join_pdfs(parts: list[tuple[bytes, int]]) -> bytes:
    """One PDF of the parts' pages in order, each part's first pages left
    out as many as it says (pages of the part before, drawn again to cut
    a contact sheet): the pages of the others are taken into the first
    part's document, which keeps its own settings (title, viewer
    preferences, language, output intent). PDFium does it in a few
    milliseconds; pypdf took 0.13 s for 1000 cards, imports included."""
    import pypdfium2 as pdfium

    joined = pdfium.PdfDocument(parts[0][0])  # (the first part borrows no pages: none come before it)
    others = [(pdfium.PdfDocument(part), borrowed) for part, borrowed in parts[1:]]
    try:
        for other, borrowed in others:
            joined.import_pages(other, list(range(borrowed, len(other))))
        buffer = io.BytesIO()
        joined.save(buffer, version=joined.get_version())
        return _same_id(buffer.getvalue())
    finally:
        for document in (joined, *(other for other, _ in others)):
            document.close()


_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")


def _same_id(pdf: bytes) -> bytes:
    """PDFium writes the second half of the file's /ID at random: it is set
    to the first half (as ReportLab writes it), so that the same kit gives
    the same bytes. The trailer is at the end; the lengths stay as they are."""
    found = ([None] + list(_ID.finditer(pdf, max(0, len(pdf) - 4096))))[-1]  # the last trailer's
    if found is None or len(found.group(1)) != len(found.group(2)):
        return pdf
    return pdf[:found.start(2)] + found.group(1) + pdf[found.end(2):]
