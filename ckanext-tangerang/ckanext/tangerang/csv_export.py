"""Spreadsheet downloads (CSV and XLSX), made to open in a spreadsheet for a meeting: CSV in UTF-8 with a byte-order
mark (so that Excel reads it as UTF-8), and in both formats no cell that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from flask import Response
from openpyxl import Workbook

BOM = "\ufeff"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters XML 1.0 cannot hold (openpyxl refuses a cell with one of them).
_NOT_XML = dict.fromkeys([*range(9), 11, 12, *range(14, 32)])
# What a spreadsheet takes as the start of a formula (or of a command, for tab and carriage return: OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A value as a CSV cell: numbers as they are, ``None`` empty, text that a spreadsheet would evaluate
    prefixed with an apostrophe (shown as text, the apostrophe hidden)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The CSV text, with the byte-order mark, one line per row after the header."""
    return "".join(chunks(header, rows))


def chunks(header: Sequence[str], rows: Iterable[Sequence[Any]], size: int = 1000) -> Iterator[str]:
    """The same CSV text in pieces of ``size`` rows, for a streamed download that never holds the whole table."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    for n, row in enumerate(rows, 1):
        writer.writerow([cell(v) for v in row])
        if n % size == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A download of the CSV as ``filename``."""
    return Response(
        text(header, rows).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "data") -> bytes:
    """The XLSX workbook of one sheet, with the same neutralised cells as the CSV and the characters XML cannot
    hold left out."""
    out = io.BytesIO()
    write_xlsx(out, header, rows, sheet)
    return out.getvalue()


def write_xlsx(
    out: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "data"
) -> None:
    """The workbook written into the file ``out``, row by row (openpyxl's write-only mode keeps memory flat)."""
    book = Workbook(write_only=True)
    table = book.create_sheet(sheet[:31])
    for row in _chain(header, rows):
        table.append([_xlsx_cell(v) for v in row])
    book.save(out)


def _chain(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterable[Sequence[Any]]:
    yield header
    yield from rows


def _xlsx_cell(value: Any) -> Any:
    value = cell(value)
    return value.translate(_NOT_XML) if isinstance(value, str) else value


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A download of the XLSX workbook as ``filename``."""
    return Response(
        xlsx(header, rows),
        mimetype=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
