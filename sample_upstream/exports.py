"""CSV and XLSX renderings of row lists, byte-for-byte deterministic and labelled as sample data."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from .data import SAMPLE_NOTICE

NOTICE_COLUMN = "catatan"
FIXED_ZIP_TIME = (2026, 10, 31, 0, 0, 0)
FIXED_CORE_TIME = "2026-10-31T00:00:00Z"


def csv_bytes(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], *, delimiter: str = ",", encoding: str = "utf-8"
) -> bytes:
    """Rows as CSV with a trailing ``catatan`` column carrying the sample-data notice on every row."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([*columns, NOTICE_COLUMN])
    for row in rows:
        writer.writerow([("" if row.get(c) is None else row.get(c)) for c in columns] + [SAMPLE_NOTICE])
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[dict[str, Any]], columns: Sequence[str], sheet: str) -> bytes:
    """An XLSX workbook: the data sheet (with the ``catatan`` column) and a ``catatan`` sheet with the
    notice."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append([*columns, NOTICE_COLUMN])
    for row in rows:
        ws.append([row.get(c) for c in columns] + [SAMPLE_NOTICE])
    note = wb.create_sheet(NOTICE_COLUMN)
    note.append([SAMPLE_NOTICE])
    note.append(["Angka dalam berkas ini dibangkitkan untuk demo dan pengujian, bukan data resmi."])
    wb.properties.creator = "sample_upstream (data contoh)"
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue())


def _normalise_zip(raw: bytes) -> bytes:
    """Rewrite the archive with fixed entry times and core timestamps: openpyxl stamps both with "now"."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    rb"\g<1>" + FIXED_CORE_TIME.encode() + rb"\g<2>",
                    data,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    return out.getvalue()
