"""CSV downloads of the stewards' pages, made to open in a spreadsheet for a meeting: UTF-8 with a byte-order mark
(so that Excel reads it as UTF-8) and no cell that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response

BOM = "\ufeff"
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
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()


def response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A download of the CSV as ``filename``."""
    return Response(
        text(header, rows).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
