"""The report for the council, stage after stage: the kit, its stored
responses, the summary (tally.py), the PDF (draw/report_pdf.py),
and the file, written atomically.

The report's default place is `output/report.pdf` of the kit: a build
removes only the files its own manifest listed, so the report stays when
the kit is built again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path
from typing import Iterable

from workshop_kit.content import KitContent, load_kit
from workshop_kit.fonts import Family, kit_family
from workshop_kit.output.files import Staging
from workshop_kit.store.records import StoredResponse
from workshop_kit.tally import Summary, summarise

REPORT_NAME = "report.pdf"


@dataclass
class Report:
    path: Path
    summary: Summary
    pages: int


@dataclass(frozen=True)
class LoadedKit:
    content: KitContent
    family: Family


def default_output(kit_dir: Path) -> Path:
    return Path(kit_dir) / "output" / REPORT_NAME


def load(kit_dir: Path) -> LoadedKit:
    """The kit and its font; ContentError lists every problem."""
    content = load_kit(kit_dir)
    return LoadedKit(content, kit_family(content))


def stored_responses(kit: LoadedKit, url: str) -> list[StoredResponse]:
    """The kit's responses in the database at `url` (see database_url),
    which must exist and be up to date; DatabaseError when it cannot be read."""
    from workshop_kit.store import open_database

    with open_database(url, migrate=False, create=False) as database:
        return database.responses(kit.content.kit.id)


def captured_boards(content: KitContent) -> list:
    """The kit's boards that workshop-kit capture read from photos, as the
    last build of output/ drew them (the filled-in board's PNG)."""
    from workshop_kit.draw.report_pdf import CapturedBoard
    from workshop_kit.output.captures import captures_in, where

    out = Path(content.root) / "output"
    boards = {b.slug: b for b in content.boards}
    found = []
    for slug, record in captures_in(out, list(boards)).items():
        filled = out / "boards" / f"{slug}-filled.png"
        pictures = ([filled] if filled.is_file() else []) + [out / p for p in record["photos"]]
        found.append(CapturedBoard(boards[slug].model.title, pictures,
                                   [(str(p.get("name", "")), where(p, content.labels)) for p in record["placements"]],
                                   [str(p.get("name", "")) for p in record["not_found"]]))
    return found


def write_report(kit: LoadedKit, responses: Iterable[StoredResponse], output: Path, *,
                 made: date | None = None, tz: tzinfo | None = None) -> Report:
    """Summarise the responses, draw the PDF and put it at `output`
    atomically: a report that fails leaves the previous one as it was."""
    # Imported here: ReportLab's platypus is only needed once the summary is made.
    from workshop_kit.draw.report_pdf import render_report

    content = kit.content
    summary = summarise(content, responses)
    pdf, pages = render_report(content, summary, kit.family, content.kit.paper, made=made or date.today(), tz=tz,
                               author=content.kit.organisation, font=kit.family.face("regular"),
                               lang=content.kit.language, captured=captured_boards(content))
    output = Path(output)
    with Staging(output.parent) as staging:
        staging.write(output.name, pdf)
        staging.commit()
    return Report(output, summary, pages)
