"""csv_export.py: what a spreadsheet receives (pure, no database)."""

from __future__ import annotations

import csv
import io

import pytest

from ckanext.tangerang import csv_export


@pytest.mark.parametrize("text", ["=1+1", "+62 812", "-cmd", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_evaluate_is_kept_as_text(text):
    assert csv_export.cell(text) == "'" + text


@pytest.mark.parametrize(("value", "cell"), [(-3.5, -3.5), (7, 7), (None, ""), (True, "true"), ("Ya", "Ya")])
def test_numbers_stay_numbers_and_other_text_is_untouched(value, cell):
    assert csv_export.cell(value) == cell


def test_utf8_with_a_byte_order_mark_for_excel():
    text = csv_export.text(["Nama", "Jumlah"], [["Dinas Perhubungan, Kota", -2], ["=x", None]])
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["Nama", "Jumlah"],
        ["Dinas Perhubungan, Kota", "-2"],
        ["'=x", ""],
    ]


def test_xlsx_keeps_numbers_and_neutralises_formulas():
    from openpyxl import load_workbook

    data = csv_export.xlsx(["Nama", "Jumlah"], iter([['=HYPERLINK("x")', 3], ["Cipondoh\x01", None]]))
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows == [("Nama", "Jumlah"), ('\'=HYPERLINK("x")', 3), ("Cipondoh", None)]
