"""Every stored answer as a table: one row per response, one column per
question, for CSV and Excel. In Excel the numbers are numbers (the row
number, the scale answers) and the time received is a date and time in the
server's time zone, named in the header."""

from __future__ import annotations

import csv
import io
import os
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from workshop_kit.content.follow_up import Target
from workshop_kit.content.forms import BACKGROUND, BACKGROUND_ID, CONTACT_FIELDS, value_label

DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"
Cell = str | int | datetime


def local_zone() -> tuple[tzinfo, str]:
    """The server's time zone and its name: the IANA name (Europe/Copenhagen)
    when the system gives one, else the zone's abbreviation."""
    names = [os.environ.get("TZ", "").lstrip(":")]
    try:
        names.append(str(Path("/etc/localtime").readlink()).split("zoneinfo/", 1)[1])
    except (OSError, IndexError):
        pass
    for name in filter(None, names):
        try:
            return ZoneInfo(name), name
        except (ZoneInfoNotFoundError, ValueError):
            continue
    now = datetime.now().astimezone()
    assert now.tzinfo is not None  # astimezone() gives an aware time
    return now.tzinfo, now.tzname() or "UTC"


def table(targets: list[Target], responses: list, labels: dict[str, str],
          zone: tuple[tzinfo, str] | None = None) -> list[list[Cell]]:
    """Header row, then one row per response (oldest first). Several choices
    of one question share a cell, separated by '; '. The row number and
    each scale answer are numbers; the time received is an aware datetime
    in `zone` (the server's own when None), named in its column's header."""
    tz, zone_name = zone or local_zone()
    by_key = {t.key: t for t in targets}
    questions: dict[str, str] = {}
    scales: set[str] = set()
    for t in targets:
        for question in t.form.questions:
            questions.setdefault(question.id, question.text)
            if question.type == "scale":
                scales.add(question.id)
    for response in responses:  # answers to questions no form asks any more
        for qid, _ in response.answers:
            if not qid.startswith(BACKGROUND_ID):
                questions.setdefault(qid, qid)
    contact = any(t.form.contact for t in targets) or any(r.contact for r in responses)

    header: list[Cell] = [labels["export_id"], f"{labels['export_received']} ({zone_name})", labels["admin_deck"],
                          labels["export_card"], labels["admin_card"]]
    header += list(questions.values())
    header += [labels[f"form_{kind}"] for kind in BACKGROUND]
    if contact:
        header += [labels["export_consent"]] + [labels[f"form_contact_{f}"] for f in CONTACT_FIELDS]
    rows = [header]
    for response in responses:
        given: dict[str, list[str]] = defaultdict(list)
        for qid, value in response.answers:
            given[qid].append(value)
        target = by_key.get((response.deck, response.card))
        row: list[Cell] = [response.id, response.received_at.astimezone(tz),
                           target.group if target else response.deck, response.card,
                           target.title if target else ""]
        row += [_number(given.get(qid, [])) if qid in scales else "; ".join(given.get(qid, []))
                for qid in questions]
        # bands as stored (60-69), gender in the kit's language
        row += ["; ".join(value_label(kind, v, labels) if kind == "gender" else v
                          for v in given.get(BACKGROUND_ID + kind, [])) for kind in BACKGROUND]
        if contact:
            c = response.contact
            row += [c.consent] + [getattr(c, f) for f in CONTACT_FIELDS] if c else [""] * (1 + len(CONTACT_FIELDS))
        rows.append(row)
    return rows


def _number(values: list[str]) -> int | str:
    """A scale answer as a number; several or none as text."""
    return int(values[0]) if len(values) == 1 and values[0].isdigit() else "; ".join(values)


def _safe(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def _text(cell: Cell) -> str:
    return cell.isoformat(timespec="seconds") if isinstance(cell, datetime) else str(cell)


def to_csv(rows: Sequence[Sequence[Cell]], language: str) -> bytes:
    """UTF-8 with a byte order mark, so that Excel shows æ ø å; Danish Excel
    expects ';' between columns."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if language == "da" else ",", lineterminator="\r\n")
    writer.writerows([[_safe(_text(c)) for c in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_value(cell: Cell) -> Cell:
    """What an Excel cell can hold: a date and time without its zone (the
    header names it), text without the control characters XLSX cannot
    store (an answer stored before they were taken out at input)."""
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=None)
    return ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell


def to_xlsx(rows: Sequence[Sequence[Cell]], sheet: str) -> bytes:
    book = Workbook(write_only=False)
    ws = book.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = sheet[:31]
    for row in rows:
        ws.append([_xlsx_value(c) for c in row])
    for line in ws.iter_rows():
        for cell in line:
            assert isinstance(cell, SheetCell)  # none is merged
            if cell.data_type == "f":  # text that starts with '=' stays text
                cell.data_type = "s"
            elif cell.is_date:
                cell.number_format = DATE_FORMAT
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for column in ws.columns:
        cells = [c for c in column if isinstance(c, SheetCell)]  # all of them: none is merged
        width = max((len(DATE_FORMAT if c.is_date else str(c.value or "")) for c in cells), default=8)
        ws.column_dimensions[cells[0].column_letter].width = min(60, max(8, width + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
