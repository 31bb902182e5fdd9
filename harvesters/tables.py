"""A table that a source has read (file, JSON records, SQL rows) → what is published: the personal-data guard,
formula neutralising, the data dictionary, the CSV and the dataset around it. Pure: no network, no database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ckanext.tangerang.bilingual import msg

from . import pii
from .mapping import map_record, slug

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat() if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "" if text in ("NaT", "nan") else text


def neutralise(value: str) -> str:
    """A cell a spreadsheet would execute (``=``, ``+``, ``-``, ``@``) gets a leading apostrophe; numbers stay."""
    if value and value.startswith(FORMULA_START) and not _NUMBER.match(value.strip()):
        return "'" + value
    return value


def infer_type(values: Sequence[str]) -> str:
    filled = [v.strip() for v in values if v and v.strip()]
    if not filled:
        return "kosong"
    if all(_INTEGER.match(v) for v in filled):
        # Leading zeros (codes, phone-like ids) are identifiers, not numbers.
        if any(len(v.lstrip("+-")) > 1 and v.lstrip("+-").startswith("0") for v in filled):
            return "teks"
        return "bilangan_bulat"
    if all(_NUMBER.match(v) for v in filled):
        return "bilangan_desimal"
    if all(_DATE.match(v) for v in filled):
        return "tanggal"
    if all(_DATETIME.match(v) for v in filled):
        return "tanggal_waktu"
    if all(v.lower() in ("true", "false", "ya", "tidak") for v in filled):
        return "boolean"
    return "teks"


def profile(
    columns: Sequence[str], rows: Sequence[Sequence[str]], described: dict[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The data dictionary: per column its name, inferred type, non-empty count, and min/max (numbers and
    dates) or the number of distinct values (text)."""
    described = described or {}
    out = []
    for index, column in enumerate(columns):
        values = [row[index] if index < len(row) else "" for row in rows]
        filled = [v for v in values if v and v.strip()]
        kind = infer_type(values)
        entry: dict[str, Any] = {"kolom": column, "tipe": kind, "jumlah_terisi": len(filled)}
        if kind in ("bilangan_bulat", "bilangan_desimal") and filled:
            numbers = [float(v) for v in filled]
            cast = int if kind == "bilangan_bulat" else float
            entry["min"], entry["maks"] = cast(min(numbers)), cast(max(numbers))
        elif kind in ("tanggal", "tanggal_waktu") and filled:
            entry["min"], entry["maks"] = min(filled), max(filled)
        else:
            entry["jumlah_unik"] = len(set(filled))
        for key in ("deskripsi", "satuan"):
            if described.get(column, {}).get(key):
                entry[key] = described[column][key]
        out.append(entry)
    return out


def to_csv(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise(str(c)) for c in columns])
    for row in rows:
        writer.writerow([neutralise(str(v)) for v in row])
    return buffer.getvalue().encode("utf-8")


@dataclass
class PreparedTable:
    csv: bytes
    kamus: list[dict[str, Any]]
    rows: int
    note: str  # catatan_data_pribadi, empty when the table held no personal data
    personal: bool


def prepare_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    config: Mapping[str, Any] | None = None,
    spec: Mapping[str, Any] | None = None,
) -> PreparedTable:
    """Guard, neutralise, profile and serialise a table that a source has read; raises
    :class:`pii.PersonalDataHeld` on hold.

    The source's ``config`` says what to do with personal data (``data_pribadi``, ``agregasi``); the table's
    ``spec`` describes its columns (``kolom``)."""
    config = config or {}
    policy = config.get("data_pribadi", "tahan")
    if not columns:
        raise ValueError(msg("Tabel tanpa kolom", "The table has no columns"))
    if not rows:
        raise ValueError(
            msg(
                "Tabel kosong (0 baris); dianggap mencurigakan, dataset tidak diubah",
                "The table is empty (0 rows); treated as suspicious, the dataset is left as it was",
            )
        )
    text_rows = [[cell_text(v) for v in row] for row in rows]
    result = pii.guard(
        [str(c) for c in columns], text_rows, "tahan" if policy == "hold" else policy, config.get("agregasi")
    )
    clean_rows = [[neutralise(str(v)) for v in row] for row in result.rows]
    return PreparedTable(
        csv=to_csv(result.columns, clean_rows),
        kamus=profile(result.columns, result.rows, (spec or {}).get("kolom")),
        rows=len(result.rows),
        note=result.note,
        personal=bool(result.findings),
    )


def table_resources(
    title: str, table: PreparedTable, original_url: str | None, original_format: str
) -> list[dict]:
    """The published CSV (uploaded) and, when the table held no personal data, a link to the original."""
    resources: list[dict[str, Any]] = [
        {
            "name": f"{title} (CSV)",
            "format": "CSV",
            "mimetype": "text/csv",
            "kamus_data": table.kamus,
            "jumlah_baris": table.rows,
            "_upload": table.csv,
            "_filename": f"{slug(title, 80) or 'data'}.csv",
        }
    ]
    if original_url and not table.personal:
        resources.append(
            {
                "name": f"Berkas asli ({original_format.upper()})",
                "url": original_url,
                "format": original_format.upper(),
            }
        )
    return resources


def tabular_dataset(
    config: dict[str, Any], table_spec: dict[str, Any], table: PreparedTable, url: str | None, kind: str
) -> dict[str, Any]:
    """The dataset of one prepared table; pure."""
    fields = {**(config.get("defaults") or {}), **(table_spec.get("dataset") or {})}
    dataset = map_record({}, {}, defaults=fields)
    dataset.setdefault("name", slug(table_spec["id"]))
    dataset.setdefault("title", table_spec["id"])
    dataset.setdefault(
        "notes",
        msg(
            f"Tabel {table_spec['id']} dari aplikasi sumber.",
            f"Table {table_spec['id']} from the source application.",
        ),
    )
    dataset["resources"] = table_resources(dataset["title"], table, url, kind)
    if table.note:
        dataset["catatan_data_pribadi"] = table.note
    return dataset
