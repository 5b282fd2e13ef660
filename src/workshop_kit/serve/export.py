"""Every stored answer as a table: one row per response, one column per
question, for CSV and Excel."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from openpyxl import Workbook
from openpyxl.styles import Font

from workshop_kit.content.follow_up import Target
from workshop_kit.content.forms import BACKGROUND, BACKGROUND_ID, CONTACT_FIELDS


def table(targets: list[Target], responses: list, labels: dict[str, str]) -> list[list[str]]:
    """Header row, then one row per response (oldest first). Several choices
    of one question share a cell, separated by '; '."""
    by_key = {t.key: t for t in targets}
    questions: dict[str, str] = {}
    for target in targets:
        for question in target.form.questions:
            questions.setdefault(question.id, question.text)
    for response in responses:  # answers to questions no form asks any more
        for qid, _ in response.answers:
            if not qid.startswith(BACKGROUND_ID):
                questions.setdefault(qid, qid)
    contact = any(t.form.contact for t in targets) or any(r.contact for r in responses)

    header = [labels["export_id"], labels["export_received"], labels["admin_deck"], labels["export_card"],
              labels["admin_card"]]
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
        row = [str(response.id), response.received_at.astimezone().isoformat(timespec="seconds"),
               target.group if target else response.deck, response.card,
               target.title if target else ""]
        row += ["; ".join(given.get(qid, [])) for qid in questions]
        row += ["; ".join(given.get(BACKGROUND_ID + kind, [])) for kind in BACKGROUND]
        if contact:
            c = response.contact
            row += [c.consent] + [getattr(c, f) for f in CONTACT_FIELDS] if c else [""] * (1 + len(CONTACT_FIELDS))
        rows.append(row)
    return rows


def _safe(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def to_csv(rows: list[list[str]], language: str) -> bytes:
    """UTF-8 with a byte order mark, so that Excel shows æ ø å; Danish Excel
    expects ';' between columns."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if language == "da" else ",", lineterminator="\r\n")
    writer.writerows([[_safe(c) for c in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list[str]], sheet: str) -> bytes:
    book = Workbook(write_only=False)
    ws = book.active
    ws.title = sheet[:31]
    for row in rows:
        ws.append(row)
    for line in ws.iter_rows():
        for cell in line:
            if cell.data_type == "f":  # text that starts with '=' stays text
                cell.data_type = "s"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for column in ws.columns:
        width = max((len(str(c.value or "")) for c in column), default=8)
        ws.column_dimensions[column[0].column_letter].width = min(60, max(8, width + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
