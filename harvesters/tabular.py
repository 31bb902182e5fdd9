"""``tangerang_tabular`` harvester: CSV and XLSX files → one dataset per table, with a clean CSV in the FileStore.

Source config (JSON; every key optional except where noted)::

    {
      "aplikasi_sumber": "sobatdukcapil",          # the aplikasi record that produces the data
      "defaults": {"klasifikasi": "terbuka", "sektor": "1.02", "frekuensi": "tahunan", "cakupan_wilayah": ["36.71"]},
      "tables": [                                   # absent: the source URL itself is the one table
        {"id": "penduduk-2025",                     # required: the upstream id of the table (GUID part)
         "url": "export/penduduk-2025.csv",         # required; relative to the source URL
         "format": "csv" | "xlsx",                  # else from the file name or Content-Type
         "sheet": "harga",                          # XLSX: sheet name or 0-based index (default the first)
         "delimiter": ";", "encoding": "cp1252",    # CSV: else sniffed / detected
         "dataset": {"title": "...", "notes": "...", ...},       # schema fields of this table's dataset
         "kolom": {"jumlah_penduduk": {"deskripsi": "...", "satuan": "jiwa"}}}
      ],
      "data_pribadi": "tahan" | "drop" | "aggregate",   # personal data: hold (default), drop or aggregate
      "agregasi": ["kecamatan_kode", "kategori"],        # grouping columns for "aggregate"
      "limits": {"max_bytes": 10485760, "max_records": 200000, "read_timeout": 30, ...}
    }

Every table is read as text (no type guessing that loses leading zeros), screened for personal data before
anything is kept, cells that a spreadsheet would run as formulas are neutralised, and it is published as UTF-8
CSV with a data dictionary (``kamus_data``) and its row count (``jumlah_baris``).
"""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import urljoin, urlsplit

from ckanext.tangerang.bilingual import msg

from .base import Listing, Run, TangerangHarvesterBase, UpstreamRecord
from .config import (
    Check,
    anything,
    check_defaults,
    is_dict,
    is_str,
    is_text,
    obj,
    one_of,
    optional,
    table_list,
)
from .http import HarvestHttpError
from .tables import cell_text as _cell_text
from .tables import prepare_table, tabular_dataset

# One entry of "tables"; sheet, delimiter and encoding go to the readers as written.
TABLE = obj(
    {
        "id": is_str,
        "url": is_text,
        "format": optional(one_of("csv", "xlsx")),
        "sheet": anything,
        "delimiter": anything,
        "encoding": anything,
        "dataset": check_defaults,
        "kolom": is_dict,
    },
    required=("id", "url"),
    missing=msg("id dan url wajib (teks)", "id and url are required (text)"),
)


# --- reading files ---------------------------------------------------------------------------------------


def decode_text(data: bytes, declared: str | None = None, forced: str | None = None) -> tuple[str, str]:
    """Bytes → text: the configured encoding, else UTF-8, else the declared charset, else Windows-1252, else
    charset-normalizer's guess."""
    if forced:
        return data.decode(forced), forced
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared and declared.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    # Legacy exports of Indonesian offices are Windows-1252 far more often than anything else, and on short
    # files charset-normalizer cannot tell it from its central-European cousins; it decides the rest (UTF-16,
    # bytes cp1252 leaves undefined).
    if b"\x00" not in data[:4096]:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1024 * 1024]).best()
    if best is not None:
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    raise ValueError(
        msg("Pengodean teks berkas tidak dikenali", "The file's text encoding could not be detected")
    )


def sniff_delimiter(text: str) -> str:
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(",;\t|", key=first.count)


def read_csv(
    data: bytes, declared: str | None = None, delimiter: str | None = None, encoding: str | None = None
):
    """CSV bytes → (columns, rows of strings). Raises ValueError with a readable message."""
    import pandas as pd

    text, _used = decode_text(data, declared, encoding)
    sep = delimiter or sniff_delimiter(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, engine="python")
    except (pd.errors.ParserError, csv.Error, ValueError) as error:
        raise ValueError(
            msg(f"CSV tidak dapat dibaca: {error}", f"The CSV could not be read: {error}")
        ) from None
    width = len(frame.columns)
    for number, record in enumerate(csv.reader(io.StringIO(text), delimiter=sep), 1):
        if record and len(record) != width:
            raise ValueError(
                msg(
                    f"CSV baris {number}: {len(record)} kolom, tajuk {width} (berkas terpotong atau rusak?)",
                    f"CSV line {number}: {len(record)} fields, header {width} (file truncated or corrupt?)",
                )
            )
    return [str(c) for c in frame.columns], frame.values.tolist()


def read_xlsx_sheets(data: bytes) -> list[tuple[str, list[str], list[list[str]]]]:
    """XLSX bytes → every sheet as (name, columns, rows of strings); cached values only (formulas are never
    evaluated). Raises ValueError with a readable message.

    openpyxl in read-only mode, streaming the rows (pandas took ten times as long for the same sheets). As pandas
    names them: the first row holds the column names, an empty one becomes ``Unnamed: i``, a repeated one
    ``name.1``, ``name.2``. Rows with no value are left out; a row is cut or padded to the header's width."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        try:
            sheets = []
            for sheet in workbook.worksheets:
                rows = sheet.iter_rows(values_only=True)
                header = [_cell_text(v) or f"Unnamed: {i}" for i, v in enumerate(next(rows, None) or ())]
                seen: dict[str, int] = {}
                columns = []
                for name in header:
                    count = seen.get(name, 0)
                    seen[name] = count + 1
                    columns.append(f"{name}.{count}" if count else name)
                width = len(columns)
                body = [
                    [_cell_text(v) for v in (list(row) + [None] * width)[:width]]
                    for row in rows
                    if any(v not in (None, "") for v in row)
                ]
                sheets.append((sheet.title, columns, body))
        finally:
            workbook.close()
    except Exception as error:  # zipfile.BadZipFile, KeyError, openpyxl's own errors
        raise ValueError(
            msg(
                f"XLSX tidak dapat dibaca: {type(error).__name__}",
                f"The XLSX could not be read: {type(error).__name__}",
            )
        ) from None
    if not sheets:
        raise ValueError(msg("XLSX tanpa lembar kerja", "The XLSX has no worksheet"))
    return sheets


def read_xlsx(data: bytes, sheet: str | int | None = None) -> tuple[list[str], list[list[str]]]:
    """XLSX bytes → (columns, rows of strings) of one sheet: the first, one by position or one by name."""
    sheets = read_xlsx_sheets(data)
    if sheet is None or isinstance(sheet, int):
        index = sheet or 0
        if not 0 <= index < len(sheets):
            raise ValueError(
                msg(
                    f"XLSX tidak dapat dibaca: lembar ke-{index} tidak ada ({len(sheets)} lembar)",
                    f"The XLSX could not be read: there is no sheet {index} ({len(sheets)} sheets)",
                )
            )
        _name, columns, rows = sheets[index]
        return columns, rows
    for name, columns, rows in sheets:
        if name == sheet:
            return columns, rows
    names = ", ".join(name for name, _c, _r in sheets)
    raise ValueError(
        msg(
            f"XLSX tidak dapat dibaca: lembar '{sheet}' tidak ada (yang ada: {names})",
            f"The XLSX could not be read: no sheet named '{sheet}' (there are: {names})",
        )
    )


# --- the harvester ---------------------------------------------------------------------------------------


def file_format(url: str, content_type: str = "", configured: str | None = None) -> str:
    if configured:
        return configured
    path = urlsplit(url).path.lower()
    if path.endswith((".xlsx", ".xlsm")) or "spreadsheetml" in content_type:
        return "xlsx"
    return "csv"


class TabularHarvester(TangerangHarvesterBase):
    NAME = "tangerang_tabular"
    TITLE = "Tangerang: berkas CSV/XLSX (CSV/XLSX files)"
    DESCRIPTION = (
        "Tabel CSV atau XLSX menjadi dataset dengan CSV bersih, kamus data dan jumlah baris. / "
        "CSV or XLSX tables become datasets with a clean CSV, a data dictionary and a row count."
    )
    CONFIG: dict[str, Check] = {"tables": table_list(TABLE)}

    def config_urls(self, config: dict[str, Any]) -> list[str]:
        return [t["url"] for t in config.get("tables", []) if urlsplit(t["url"]).scheme]

    def _tables(self, run: Run) -> list[dict[str, Any]]:
        tables = run.config.get("tables")
        if tables:
            return tables
        name = urlsplit(run.url).path.rsplit("/", 1)[-1] or "tabel"
        return [{"id": name.rsplit(".", 1)[0] or name, "url": run.url}]

    def gather_records(self, run: Run) -> Listing:
        return Listing([UpstreamRecord(id=t["id"], content=t) for t in self._tables(run)])

    def fetch_payload(self, run: Run, content: dict[str, Any]) -> dict[str, Any]:
        url = urljoin(run.url, content["url"])
        response = run.client.get(url)
        kind = file_format(url, response.headers.get("content-type", ""), content.get("format"))
        if kind == "xlsx":
            columns, rows = read_xlsx(response.content, content.get("sheet"))
        else:
            columns, rows = read_csv(
                response.content, response.charset, content.get("delimiter"), content.get("encoding")
            )
        if len(rows) > run.limits.max_records:
            raise HarvestHttpError(
                msg(
                    f"{url}: {len(rows):,} baris melebihi batas {run.limits.max_records:,}",
                    f"{url}: {len(rows):,} rows exceed the limit of {run.limits.max_records:,}",
                )
            )
        table = prepare_table(columns, rows, run.config, content)
        return {"table": table, "url": url, "format": kind}

    def build_dataset(self, run: Run, content: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
        return tabular_dataset(run.config, content, payload["table"], payload["url"], payload["format"])
