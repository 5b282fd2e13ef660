"""The CSV and Excel exports: what a spreadsheet opens must never run as a formula."""

from __future__ import annotations

import csv
import io

import openpyxl

from workshop_kit.serve.export import to_csv, to_xlsx

ROWS = [["Nr.", "Svar"], ["1", '=HYPERLINK("http://evil.example","klik")'], ["2", "@SUM(A1)"], ["3", "æøå; ok"]]


def test_csv_cells_that_look_like_formulas_are_text():
    data = to_csv(ROWS, "da")
    assert data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1].startswith("'=") and rows[2][1].startswith("'@")
    assert rows[3][1] == "æøå; ok" and rows[0] == ["Nr.", "Svar"]
    assert b"," in to_csv([["a", "b"]], "en") and b";" not in to_csv([["a", "b"]], "en")


def test_xlsx_cells_that_look_like_formulas_are_strings():
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(ROWS, "temadag"))).active
    assert sheet.title == "temadag"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == ROWS
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row)
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
