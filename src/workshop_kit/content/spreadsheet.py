"""Cards from a spreadsheet: one row per card, the first row names the fields.

An .xlsx workbook (its first sheet, read with openpyxl) or a CSV file
(UTF-8 with or without a byte order mark, `,` or `;` between the cells, as
Excel writes it) becomes a table of texts. Its headers are the card fields,
nested ones dotted (`effort.time`, `barriers.legislation`); a list field
takes one item per line inside the cell, or in a one-line cell items
separated by `;`. Every problem points at its row and column.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from workshop_kit.content.model import SLUG, Card, slug_from
from workshop_kit.content.validate import error_message
from workshop_kit.problems import ContentError, Problem, did_you_mean

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv")


def column_letter(number: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class CellProblem(Problem):
    """A problem in a spreadsheet: `line` is the row, `column` the column number."""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f": row {self.line}"
            if self.column is not None:
                where += f", column {column_letter(self.column)}"
        if self.field:
            where += f" ({self.field})" if self.line is not None else f": {self.field}"
        return f"{where}: {self.message}"


# --- reading the file -----------------------------------------------------------

@dataclass
class Table:
    """The texts of a sheet: its header row and the rows below it."""

    file: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cell texts), blank rows left out


def read_table(path: Path, shown_as: str) -> Table:
    """The table in an .xlsx or .csv file, or ContentError saying why it cannot be read."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw_rows = _csv_rows(path, shown_as)
    elif suffix in (".xlsx", ".xlsm"):
        raw_rows = _xlsx_rows(path, shown_as)
    else:
        raise ContentError([CellProblem(shown_as, None, None, "",
                                        "not a spreadsheet: give an .xlsx or a .csv file")])
    rows = [(number, [cell_text(v) for v in values]) for number, values in raw_rows]
    rows = [(number, cells) for number, cells in rows if any(cells)]
    if not rows:
        raise ContentError([CellProblem(shown_as, None, None, "", "the sheet is empty")])
    (header_row, headers), *body = rows
    return Table(shown_as, header_row, [h.strip() for h in headers], body)


def _xlsx_rows(path: Path, shown_as: str) -> list[tuple[int, tuple]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:  # not read-only: that mode trusts the sheet's stated size, which some programs get wrong
        workbook = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise ContentError([CellProblem(shown_as, None, None, "",
                                        f"cannot be read as an Excel workbook ({exc})")]) from None
    sheet = workbook.worksheets[0]  # data_only: a formula gives its last computed value
    return list(enumerate(sheet.iter_rows(min_row=1, min_col=1, values_only=True), start=1))


def _csv_rows(path: Path, shown_as: str) -> list[tuple[int, list[str]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ContentError([CellProblem(shown_as, None, None, "",
                                        "not UTF-8 text; in Excel, save it as 'CSV UTF-8'")]) from None
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;")
    except csv.Error:  # a single column
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return [(number, cells) for number, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise ContentError([CellProblem(shown_as, reader.line_num, None, "",
                                        f"malformed CSV: {exc}")]) from None


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a needless .0, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


# --- the columns of a card ----------------------------------------------------------

@dataclass(frozen=True)
class Column:
    path: tuple[str, ...]  # ('effort', 'time')
    is_list: bool
    required: bool


def card_columns(model: type[Card]) -> dict[str, Column]:
    """The headers a sheet of these cards may have, in the model's order."""
    out: dict[str, Column] = {}
    for name, info in model.model_fields.items():
        nested = info.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            for sub, sub_info in nested.model_fields.items():
                out[f"{name}.{sub}"] = Column((name, sub), _is_list(sub_info.annotation),
                                              info.is_required() and sub_info.is_required())
        else:
            out[name] = Column((name,), _is_list(info.annotation), info.is_required())
    return out


def _is_list(annotation: Any) -> bool:
    return get_origin(annotation) is list or any(_is_list(a) for a in get_args(annotation))


def split_items(text: str) -> list[str]:
    """One item per line; a one-line cell may separate its items with ';'."""
    parts = text.split("\n") if "\n" in text else text.split(";")
    return [p.strip() for p in parts if p.strip()]


# --- the cards ----------------------------------------------------------------

@dataclass
class SheetCards:
    """The cards of a sheet as plain data, and where each came from."""

    file: str
    cards: list[dict] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)       # the sheet row of each card
    columns: dict[str, int] = field(default_factory=dict)  # header -> column number
    notes: list[str] = field(default_factory=list)

    def cell(self, index: int, field_path: str, message: str) -> CellProblem:
        """A problem of card `index` at the column of a field path such as 'formats[1]'."""
        name = re.sub(r"\[\d+\]", "", field_path)
        while name and name not in self.columns:
            name = name.rpartition(".")[0]
        return CellProblem(self.file, self.rows[index], self.columns.get(name), name or field_path,
                           message)


def cards_from_table(table: Table, model: type[Card], card_type: str) -> SheetCards:
    """Every row as a card of the model, or ContentError with the problem of every cell."""
    known = card_columns(model)
    problems: list[Problem] = []
    result = SheetCards(table.file)
    used = _header(table, known, card_type, result, problems)

    first_row: dict[str, int] = {}
    for number, cells in table.rows:
        index = len(result.cards)
        data = _row_data(cells, used, known, model)
        derived = False
        if "id" not in data and isinstance(data.get("title"), str):
            made = slug_from(data["title"])
            if made:
                data = {"id": made, **data}
                derived = True
                result.notes.append(f"row {number}: no id; made '{made}' from the title")
        result.cards.append(data)
        result.rows.append(number)
        try:
            card = model.model_validate(data)
        except ValidationError as exc:
            problems.extend(_row_problems(result, index, exc.errors(include_url=False)))
            continue
        if card.id in first_row:
            where = "title" if derived else "id"
            made = ", made from the title," if derived else ""
            problems.append(result.cell(index, where, f"duplicate id '{card.id}'{made} "
                                                      f"(first used on row {first_row[card.id]})"))
        first_row.setdefault(card.id, number)
    if problems:
        raise ContentError(problems)
    return result


def _header(table: Table, known: dict[str, Column], card_type: str, result: SheetCards,
            problems: list[Problem]) -> dict[int, str]:
    """The field of each column (by 0-based index); sets result.columns."""
    used: dict[int, str] = {}
    width = max([len(table.headers)] + [len(cells) for _, cells in table.rows])
    headers = table.headers + [""] * (width - len(table.headers))
    for i, header in enumerate(headers):
        name = header.lower()
        if not name:
            if any(i < len(cells) and cells[i] for _, cells in table.rows):
                problems.append(CellProblem(table.file, table.header_row, i + 1, "",
                                            "this column has values but no header"))
            continue
        if name not in known:
            message = f"unknown field '{header}'" + (
                did_you_mean(name, known) or f"; the fields of a {card_type} card: {', '.join(known)}")
            problems.append(CellProblem(table.file, table.header_row, i + 1, header, message))
            continue
        if name in result.columns:
            first = column_letter(result.columns[name])
            problems.append(CellProblem(table.file, table.header_row, i + 1, name,
                                        f"a second column for '{name}' (the first is column {first})"))
            continue
        result.columns[name] = i + 1
        used[i] = name
    for name, column in known.items():
        if column.required and name not in result.columns and name != "id":  # ids can come from titles
            problems.append(CellProblem(table.file, table.header_row, None, name,
                                        f"no column for the required field '{name}'"))
    return used


def _row_data(cells: list[str], used: dict[int, str], known: dict[str, Column],
              model: type[Card]) -> dict:
    """A row as card data, its fields in the model's order; empty cells left out."""
    values = {used[i]: cell for i, cell in enumerate(cells) if i in used and cell}
    data: dict[str, Any] = {}
    for name, column in known.items():
        top = column.path[0]
        if len(column.path) == 2 and model.model_fields[top].is_required():
            data.setdefault(top, {})  # so that a missing part is reported at its own column
        if name not in values:
            continue
        value = split_items(values[name]) if column.is_list else values[name]
        if len(column.path) == 2:
            data.setdefault(top, {})[column.path[1]] = value
        else:
            data[top] = value
    return data


def _row_problems(result: SheetCards, index: int, errors: list[dict]) -> list[Problem]:
    problems = []
    for error in errors:
        loc = [str(p) for p in error["loc"] if isinstance(p, str)]
        items = [p for p in error["loc"] if isinstance(p, int)]
        name = ".".join(loc)
        if error["type"] == "missing" and name not in result.columns and name != "id":
            continue  # reported once, as a missing column
        message = error_message(error)
        if items:
            message = f"item {items[-1] + 1}: {message}"
        problems.append(result.cell(index, name, message))
    return problems
