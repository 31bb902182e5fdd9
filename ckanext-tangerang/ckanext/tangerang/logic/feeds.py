"""The public catalogue as aggregators and search engines read it: the one query of public datasets (what an
anonymous visitor may see, paged, modified since a date, in a stable order), the checks of its parameters, and
the scheduled export files (JSON, CSV, XLSX) of the datasets' Satu Data records (satudata.py).

Public is what CKAN shows an anonymous caller: ``package_search`` without ``include_private`` keeps to public
(not tertutup) active datasets, and after_dataset_search drops terbatas URLs for whoever may not download them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
import pytz
from ckan.types import DataDict

from ckanext.tangerang import csv_export, dates, satudata
from ckanext.tangerang.bilingual import msg
from ckanext.tangerang.logic.search_policy import SearchParameterError

DATASETS = "+dataset_type:dataset"
# Newest changes last, so that a harvester paging forward from its last modified_since misses nothing.
STABLE_SORT = "metadata_modified asc, id asc"
DEFAULT_ROWS = 100
MAX_ROWS = 1000
# The export files under ckan.storage_path, and their content types.
EXPORT_DIR = "katalog"
EXPORTS = {"csv": "text/csv", "xlsx": csv_export.XLSX_TYPE, "json": "application/json"}
EXPORT_NAME = "katalog"


def modified_since(value: Any) -> str | None:
    """An ISO 8601 day or time (UTC without a time zone) as Solr's UTC time, None for none."""
    if value in (None, ""):
        return None
    parsed = dates.parse(value)
    if parsed is None:
        raise SearchParameterError(
            {
                "modified_since": [
                    msg(
                        "Tanggal tidak dikenal: tulis menurut ISO 8601, misalnya 2026-12-01 atau "
                        "2026-12-01T08:00:00+07:00.",
                        "Unknown date: write it in ISO 8601, for example 2026-12-01 or 2026-12-01T08:00:00+07:00.",
                    )
                ]
            }
        )
    if not isinstance(parsed, dt.datetime):
        parsed = dt.datetime.combine(parsed, dt.time(), tzinfo=pytz.utc)
    return parsed.astimezone(pytz.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def positive_int(name: str, value: Any, default: int, maximum: int) -> int:
    """A paging parameter: a whole number from 1 to ``maximum``, ``default`` when absent."""
    if value in (None, ""):
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= maximum:
        raise SearchParameterError(
            {
                name: [
                    msg(
                        f"Harus bilangan bulat dari 1 sampai {maximum}.",
                        f"Must be a whole number from 1 to {maximum}.",
                    )
                ]
            }
        )
    return number


def dcat_request(data_dict: DataDict) -> DataDict:
    """ckanext-dcat's catalogue parameters, ``modified_since`` checked with a bilingual error (``page`` is
    request_guard.py's, for every route), for datasets only: applications
    (type aplikasi) are the portal's records of the city's software, not data, and stay out of the DCAT
    catalogue. ckanext-dcat reads ``modified_since`` again; it gets UTC without a time zone, which it takes as
    UTC (it appends a ``Z`` to whatever it parses)."""
    data_dict = dict(data_dict)
    since = modified_since(data_dict.get("modified_since"))
    if since:
        data_dict["modified_since"] = since.rstrip("Z")
    fq = data_dict.get("fq")
    data_dict["fq"] = f"{DATASETS} +({fq})" if fq else DATASETS
    return data_dict


def search_public(
    start: int, rows: int, since: str | None = None, fl: str | None = None, fq: str = DATASETS
) -> dict[str, Any]:
    """One page of what an anonymous visitor finds (datasets by default), in ``STABLE_SORT``."""
    data_dict: DataDict = {"q": "*:*", "fq": fq, "sort": STABLE_SORT, "start": start, "rows": rows}
    if since:
        data_dict["fq"] += f" +metadata_modified:[{since} TO *]"
    if fl:
        data_dict["fl"] = fl
    return tk.get_action("package_search")({"user": ""}, data_dict)


def iterate_public(
    fl: str | None = None, fq: str = DATASETS, batch: int = MAX_ROWS
) -> Iterator[dict[str, Any]]:
    """Every public result, batch by batch."""
    start = 0
    while True:
        page = search_public(start, batch, fl=fl, fq=fq)
        yield from page["results"]
        start += batch
        if start >= page["count"] or not page["results"]:
            return


def site_url() -> str:
    return tk.config.get("ckan.site_url").rstrip("/")


def feed_page(data_dict: DataDict) -> dict[str, Any]:
    """A page of the Satu Data feed: ``page``, ``rows`` and ``modified_since`` checked, the records, and the
    links to the neighbouring pages."""
    page = int(data_dict.get("page") or 1)  # request_guard.py has answered 400 for any other page
    rows = positive_int("rows", data_dict.get("rows"), DEFAULT_ROWS, MAX_ROWS)
    since = modified_since(data_dict.get("modified_since"))
    result = search_public((page - 1) * rows, rows, since)
    base = site_url()
    records = [satudata.record(d, base) for d in result["results"]]
    last = max(1, -(-result["count"] // rows))

    def link(number: int) -> str:
        query = {"page": number, "rows": rows, **({"modified_since": since} if since else {})}
        return f"{base}/satudata.json?{urlencode(query)}"

    return {
        "jumlah": result["count"],
        "halaman": page,
        "baris": rows,
        "pertama": link(1),
        "sebelumnya": link(page - 1) if page > 1 else None,
        "berikutnya": link(page + 1) if page < last else None,
        "terakhir": link(last),
        "dataset": records,
    }


# ---------------------------------------------------------------------------------------------- the exports


def export_dir() -> Path:
    return Path(tk.config.get("ckan.storage_path")) / EXPORT_DIR


def export_path(fmt: str) -> Path:
    return export_dir() / f"{EXPORT_NAME}.{fmt}"


def _write_atomically(path: Path, write: Callable[[Any], None], generated: dt.datetime) -> None:
    """Writes a temporary file next to ``path`` and renames it over ``path``: a reader sees the old file or the
    new one, never half of one. The file's time is the export's (``generated``)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.chmod(temporary, 0o644)
        os.utime(temporary, (generated.timestamp(), generated.timestamp()))
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def export_catalog() -> dict[str, Any]:
    """Writes the public catalogue's Satu Data records as katalog.json, katalog.csv and katalog.xlsx; returns
    how many datasets, when, where and how long it took."""
    began = time.monotonic()
    generated = dt.datetime.now(pytz.utc).replace(microsecond=0)
    base = site_url()
    records = [satudata.record(d, base) for d in iterate_public()]
    rows = [satudata.row(r) for r in records]
    directory = export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    document = {"dibuat": generated.isoformat(), "jumlah": len(records), "dataset": records}
    _write_atomically(
        export_path("csv"),
        lambda out: out.write(csv_export.text(satudata.HEADER, rows).encode("utf-8")),
        generated,
    )
    _write_atomically(
        export_path("xlsx"),
        lambda out: out.write(csv_export.xlsx(satudata.HEADER, rows, "katalog")),
        generated,
    )
    # The JSON last: its presence says the export is complete (export_generated).
    _write_atomically(
        export_path("json"),
        lambda out: out.write(json.dumps(document, ensure_ascii=False).encode("utf-8")),
        generated,
    )
    return {
        "datasets": len(records),
        "generated": generated.isoformat(),
        "directory": str(directory),
        "seconds": time.monotonic() - began,
    }


def export_generated() -> dt.datetime | None:
    """When the exports were last made (the JSON file's time, set to its ``dibuat``), None before the first."""
    try:
        return dt.datetime.fromtimestamp(export_path("json").stat().st_mtime, tz=pytz.utc)
    except OSError:
        return None
