"""Cards from a spreadsheet: one row per card, the first row names the fields.

An .xlsx workbook (its first sheet or a named one, read with openpyxl) or a
CSV file (UTF-8 with or without a byte order mark, `,`, `;` or a tab between
the cells, quoted as Excel writes it) becomes a table of texts. Reading is
bounded: the file's size, the uncompressed size of a workbook's parts (from
the zip's directory, before openpyxl opens it), the rows and columns, and
the length of a cell.

Its headers are the card fields, nested ones dotted (`effort.time`,
`barriers.legislation`), or the labels the cards print for them in Danish
or English (`Spørgsmål til byrådet`, `Rammevilkår`, `Indsats: Tid`). A list field
takes one item per line inside the cell, or in a one-line cell items
separated by `;`. Every problem points at its row and column; a column that
names no field is left out with a warning.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from workshop_kit.builtin import builtin
from workshop_kit.content.model import Card, slug_from
from workshop_kit.content.sources import Citation
from workshop_kit.content.validate import error_message
from workshop_kit.problems import ContentError, Problem, did_you_mean

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv")

# What a sheet of cards may take; a deck of a few dozen cards is far below each.
FILE_MAX = 20 * 1024 * 1024         # bytes of the file itself
UNPACKED_MAX = 100 * 1024 * 1024    # bytes of a workbook's parts, uncompressed
ROWS_MAX = 5000
COLUMNS_MAX = 200
CELL_MAX = 10_000                   # characters in a cell
SNIFF_SAMPLE = 64 * 1024            # characters of a CSV file its dialect is guessed from


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


class SheetProblems(ContentError):
    """The problems of a sheet, and the warnings about it (columns left out)."""

    def __init__(self, problems: list[Problem], warnings: list[str]):
        super().__init__(problems)
        self.warnings = warnings


# --- reading the file -----------------------------------------------------------

@dataclass
class Table:
    """The texts of a sheet: its header row and the rows below it."""

    file: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cell texts), blank rows left out
    problems: list[Problem] = field(default_factory=list)  # cells too long, cut to CELL_MAX


def read_table(path: Path, shown_as: str, sheet: str | None = None) -> Table:
    """The table in an .xlsx or .csv file (the named sheet of a workbook, or
    its first), or ContentError saying why it cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES:
        raise _unreadable(shown_as, "not a spreadsheet: give an .xlsx or a .csv file")
    size = path.stat().st_size
    if size > FILE_MAX:
        raise _unreadable(shown_as, f"the file is {_megabytes(size)}; a sheet of cards may be "
                                    f"at most {_megabytes(FILE_MAX)}")
    if suffix == ".csv":
        if sheet is not None:
            raise _unreadable(shown_as, f"a CSV file has no sheets; --sheet {sheet} is for an .xlsx file")
        raw_rows = _csv_rows(path, shown_as)
    else:
        raw_rows = _xlsx_rows(path, shown_as, sheet)
    problems: list[Problem] = []
    rows = []
    for number, values in raw_rows:
        cells = [cell_text(v) for v in values]
        for column, text in enumerate(cells, start=1):
            if len(text) > CELL_MAX:
                problems.append(CellProblem(shown_as, number, column, "",
                                            f"the cell has {len(text)} characters; at most {CELL_MAX}"))
                cells[column - 1] = text[:CELL_MAX]  # so that the rest of the row is still checked
        if any(c.strip() for c in cells):
            rows.append((number, cells))
    if not rows:
        raise _unreadable(shown_as, "the sheet is empty")
    (header_row, headers), *body = rows
    return Table(shown_as, header_row, [h.strip() for h in headers], body, problems)


def _unreadable(shown_as: str, message: str) -> ContentError:
    return ContentError([CellProblem(shown_as, None, None, "", message)])


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def _bounded_rows(rows, shown_as: str):
    """(row number, values) of each row that is not blank, without its blank
    cells at the end; ContentError at the first row with a value beyond the
    last row or column allowed. (A workbook's rows are read up to one column
    beyond that, so a value further out is not seen.)"""
    for number, values in rows:
        values = list(values)
        while values and values[-1] in (None, ""):
            values.pop()
        if not values:
            continue
        if len(values) > COLUMNS_MAX:
            raise ContentError([CellProblem(shown_as, number, len(values), "",
                                            f"a sheet of cards may have at most {COLUMNS_MAX} columns")])
        if number > ROWS_MAX:
            raise ContentError([CellProblem(shown_as, number, None, "",
                                            f"a sheet of cards may have at most {ROWS_MAX} rows")])
        yield number, values


def _check_parts(path: Path, shown_as: str) -> None:
    """ContentError if the workbook would unpack to more than UNPACKED_MAX,
    by the sizes its zip directory states. A part that unpacks to more than
    it states is cut off there by zipfile, which then fails its checksum."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable(shown_as, f"cannot be read as an Excel workbook ({exc})") from None
    if unpacked > UNPACKED_MAX:
        raise _unreadable(shown_as, f"the workbook unpacks to {_megabytes(unpacked)}; a sheet of cards "
                                    f"may unpack to at most {_megabytes(UNPACKED_MAX)}")


def _xlsx_rows(path: Path, shown_as: str, sheet: str | None) -> list[tuple[int, list]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_parts(path, shown_as)
    unreadable = (zipfile.BadZipFile, zlib.error, InvalidFileException, KeyError, ValueError, TypeError,
                  OSError, EOFError, NotImplementedError, RuntimeError,  # a compression or encryption zipfile lacks
                  SyntaxError)  # SyntaxError: the XML parsers' ParseError
    try:  # read-only: the rows are parsed one at a time, never the whole sheet at once
        workbook = load_workbook(path, read_only=True, data_only=True)
    except unreadable as exc:
        raise _unreadable(shown_as, f"cannot be read as an Excel workbook ({exc})") from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            names = ", ".join(f"'{n}'" for n in workbook.sheetnames)
            raise _unreadable(shown_as, f"no sheet named '{sheet}'{did_you_mean(sheet, workbook.sheetnames)}"
                                        f" (the sheets: {names})")
        # The size a sheet states is not trusted: some programs get it wrong.
        worksheet.reset_dimensions()
        rows = worksheet.iter_rows(min_row=1, min_col=1, max_col=COLUMNS_MAX + 1, values_only=True)
        # data_only: a formula gives its last computed value
        return list(_bounded_rows(enumerate(rows, start=1), shown_as))
    except unreadable as exc:
        raise _unreadable(shown_as, f"cannot be read as an Excel workbook ({exc})") from None
    finally:
        workbook.close()


def _csv_rows(path: Path, shown_as: str) -> list[tuple[int, list[str]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _unreadable(shown_as, "not UTF-8 text; in Excel, save it as 'CSV UTF-8'") from None
    reader = csv.reader(io.StringIO(text, newline=""), csv_dialect(text))
    try:
        rows = list(_bounded_rows(enumerate(reader, start=1), shown_as))
    except csv.Error as exc:
        raise ContentError([CellProblem(shown_as, reader.line_num, None, "",
                                        f"malformed CSV: {exc}")]) from None
    return [(number, [_unmarked(cell) for cell in cells]) for number, cells in rows]


DELIMITERS = ";,\t"


def csv_dialect(text: str) -> type[csv.Dialect]:
    """The quoting Excel writes and RFC 4180 describes (a cell with the
    delimiter, a quote or a line break in double quotes, a quote inside
    doubled), with the delimiter guessed from a large sample of the file by
    the csv module's sniffer; when it cannot tell, or guesses one the header
    line does not have, the delimiter the header line has most of outside
    quotes, or ','. (The sniffer's guess of the quoting itself is not used:
    from a sample without a doubled quote it guesses there are none.)"""
    sample = text[:SNIFF_SAMPLE]
    if len(text) > SNIFF_SAMPLE and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = None
    header = _header_counts(sample)
    if delimiter is None or (header[delimiter] == 0 and any(header.values())):
        delimiter = max(DELIMITERS, key=lambda d: header[d]) if any(header.values()) else ","
    return type("SheetDialect", (csv.excel,), {"delimiter": delimiter})


def _header_counts(text: str) -> dict[str, int]:
    """How often each delimiter occurs in the first record, outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    return counts


def _unmarked(cell: str) -> str:
    """A cell without the apostrophe that keeps a spreadsheet from reading
    text such as '=, '+ or '- as a formula (as the CSV export writes them)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@") else cell


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a needless .0, dates as YYYY-MM-DD,
    letters with their accents as one character (NFC)."""
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
    return unicodedata.normalize("NFC", str(value).replace("\r\n", "\n").replace("\r", "\n"))


# --- the columns of a card ----------------------------------------------------------

@dataclass(frozen=True)
class Column:
    path: tuple[str, ...]  # ('effort', 'time')
    is_list: bool
    required: bool
    is_number: bool = False  # a whole number: a cell of digits is read as one
    is_citations: bool = False  # sources: one a line, as 'title | where | url'


def card_columns(model: type[Card]) -> dict[str, Column]:
    """The headers a sheet of these cards may have, in the model's order."""
    out: dict[str, Column] = {}
    for name, info in model.model_fields.items():
        nested = info.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            for sub, sub_info in nested.model_fields.items():
                out[f"{name}.{sub}"] = Column((name, sub), _is_list(sub_info.annotation),
                                              info.is_required() and sub_info.is_required(),
                                              _is_number(sub_info.annotation))
        else:
            out[name] = Column((name,), _is_list(info.annotation), info.is_required(), _is_number(info.annotation),
                               _is_citations(info.annotation))
    return out


def _is_number(annotation: Any) -> bool:
    return annotation is int or int in get_args(annotation)


def _is_citations(annotation: Any) -> bool:
    return get_origin(annotation) is list and get_args(annotation) == (Citation,)


CITATION_PARTS = ("title", "where", "url")


def citation_cell_item(citation: dict) -> str:
    """A source as one line of a sheet's cell: 'Planloven | § 24 | https://…', empty parts left out at the end."""
    parts = [str(citation.get(part) or "") for part in CITATION_PARTS]
    while parts and not parts[-1]:
        parts.pop()
    return " | ".join(parts)


def citation_from_item(text: str) -> dict:
    """The source a line of a sheet's cell gives: title, where and url apart by '|'."""
    parts = [part.strip() for part in text.split("|")]
    if len(parts) > len(CITATION_PARTS):
        parts = parts[:2] + ["|".join(parts[2:])]
    return {part: value for part, value in zip(CITATION_PARTS, parts) if value}


def _is_list(annotation: Any) -> bool:
    return get_origin(annotation) is list or any(_is_list(a) for a in get_args(annotation))


def split_items(text: str) -> list[str]:
    """One item per line; a one-line cell may separate its items with ';'.
    (A cell with one item that has a ';' in it ends with a line break.)"""
    parts = text.split("\n") if "\n" in text else text.split(";")
    return [p.strip() for p in parts if p.strip()]


def item_cell(items: list[str]) -> str:
    """The cell of a list field that split_items reads back as the same items."""
    text = "\n".join(items)
    return text + "\n" if len(items) == 1 and ";" in text else text


# --- headers ------------------------------------------------------------------

def header_key(text: str) -> str:
    """A header as it is matched: case and runs of spaces do not count, nor a ':' at its end."""
    return " ".join(text.casefold().split()).rstrip(":").rstrip()


TITLE_HEADERS = {"da": "Titel", "en": "Title"}  # a card prints its title without a label


def sheet_labels(language: str, labels: dict[str, str] | None = None) -> dict[str, str]:
    """The labels a sheet's headers use in a language: the labels the cards
    print for their fields (`labels`: the kit's; default: the built-in
    ones), and a header for the title."""
    return {"title": TITLE_HEADERS[language], **(labels or builtin(f"labels/{language}"))}


def header_labels(language: str, labels: dict[str, str] | None = None) -> list[dict[str, str]]:
    """The label sets a sheet's headers may come from: the kit's (its
    language, with the labels kit.yaml replaces), then Danish and English."""
    return [sheet_labels(language, labels), sheet_labels("da"), sheet_labels("en")]


def _column_labels(column: Column, labels: dict[str, str]) -> list[str]:
    """What a column may be headed in one language: the label of its field;
    a nested field's own label alone or after its parent's ('Indsats: Tid'),
    or its own name alone ('time')."""
    own = labels.get(column.path[-1])
    if len(column.path) == 1:
        return [own] if own else []
    parent = labels.get(column.path[0])
    return ([own] if own else []) + ([f"{parent}: {own}"] if parent and own else []) + [column.path[-1]]


def header_names(model: type[Card], label_sets: list[dict[str, str]]) -> dict[str, str]:
    """Every header (as header_key makes it) that names a column of these
    cards -> the column's field name. A field name always names its own
    column; a label that would name two columns names neither."""
    known = card_columns(model)
    names = {header_key(name): name for name in known}
    fields_of: dict[str, set[str]] = {}
    for labels in label_sets:
        for name, column in known.items():
            for label in _column_labels(column, labels):
                fields_of.setdefault(header_key(label), set()).add(name)
    for key, fields in fields_of.items():
        if len(fields) == 1 and key not in names:
            names[key] = next(iter(fields))
    return names


def column_headers(model: type[Card], language: str, labels: dict[str, str]) -> dict[str, str]:
    """The header a sheet written for the kit gives each column: the label
    the cards print (in the kit's language, `labels`), or the field name
    when there is none or it would not be read back as this column."""
    known = card_columns(model)
    names = header_names(model, header_labels(language, labels))
    labels = sheet_labels(language, labels)
    out = {}
    for name, column in known.items():
        chosen = [label for label in _column_labels(column, labels) if names.get(header_key(label)) == name]
        out[name] = chosen[0] if chosen else name
    return out


# --- the cards ----------------------------------------------------------------

@dataclass
class SheetCards:
    """The cards of a sheet as plain data, and where each came from."""

    file: str
    cards: list[dict] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)       # the sheet row of each card
    columns: dict[str, int] = field(default_factory=dict)  # field name -> column number
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def cell(self, index: int, field_path: str, message: str) -> CellProblem:
        """A problem of card `index` at the column of a field path such as 'formats[1]'."""
        name = re.sub(r"\[\d+\]", "", field_path)
        while name and name not in self.columns:
            name = name.rpartition(".")[0]
        return CellProblem(self.file, self.rows[index], self.columns.get(name), name or field_path,
                           message)


def cards_from_table(table: Table, model: type[Card], card_type: str,
                     names: dict[str, str] | None = None) -> SheetCards:
    """Every row as a card of the model, or ContentError with the problem of
    every cell. `names`: header_names of the kit's labels (default: the
    built-in Danish and English ones)."""
    known = card_columns(model)
    if names is None:
        names = header_names(model, header_labels("da"))
    problems: list[Problem] = list(table.problems)
    result = SheetCards(table.file)
    used = _header(table, known, names, card_type, result, problems)

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
        raise SheetProblems(problems, result.warnings)
    return result


def _header(table: Table, known: dict[str, Column], names: dict[str, str], card_type: str,
            result: SheetCards, problems: list[Problem]) -> dict[int, str]:
    """The field of each column (by 0-based index); sets result.columns. A
    column that names no field is left out, with a warning."""
    used: dict[int, str] = {}
    width = max([len(table.headers)] + [len(cells) for _, cells in table.rows])
    headers = table.headers + [""] * (width - len(table.headers))
    for i, header in enumerate(headers):
        where = f"{table.file}: row {table.header_row}, column {column_letter(i + 1)}"
        if not header:
            if any(i < len(cells) and cells[i].strip() for _, cells in table.rows):
                result.warnings.append(f"{where}: this column has values but no header; it is left out")
            continue
        name = names.get(header_key(header))
        if name is None:
            hint = (did_you_mean(header_key(header), known) or did_you_mean(header_key(header), names)
                    or f"; the fields of a {card_type} card: {', '.join(known)}")
            shown = header if len(header) <= 40 else header[:39] + "…"
            result.warnings.append(f"{where}: '{shown}' names no field; the column is left out{hint}")
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
    values = {used[i]: cell for i, cell in enumerate(cells) if i in used and cell.strip()}
    data: dict[str, Any] = {}
    for name, column in known.items():
        top = column.path[0]
        if len(column.path) == 2 and model.model_fields[top].is_required():
            data.setdefault(top, {})  # so that a missing part is reported at its own column
        if name not in values:
            continue
        value: list[str] | list[dict] | str | int
        if column.is_citations:
            value = [citation_from_item(item) for item in values[name].split("\n") if item.strip()]
        elif column.is_list:
            value = split_items(values[name])
        else:  # a number field is never a list
            value = values[name].strip()
            if column.is_number and re.fullmatch(r"-?\d+", value):
                value = int(value)
        if len(column.path) == 2:
            data.setdefault(top, {})[column.path[1]] = value
        else:
            data[top] = value
    return data


def _row_problems(result: SheetCards, index: int, errors: list[ErrorDetails]) -> list[CellProblem]:
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
