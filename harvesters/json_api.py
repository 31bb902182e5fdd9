"""``tangerang_json_api`` harvester: paginated REST/JSON endpoints of the city's applications.

Two modes. In ``datasets`` mode every record of the listing is one dataset (its metadata mapped field by field);
in ``table`` mode all records of the endpoint together are one table, published as a CSV resource of one dataset
(through the same guard, neutralising and data dictionary as the tabular harvester).

Source config (JSON)::

    {
      "mode": "datasets" | "table",                 # default "datasets"
      "params": {"tahun": 2025},                     # query parameters of the first request
      "records_path": "data",                        # where the list is in a page (default: data/results/items,
                                                     # or the page itself when it is a list)
      "pagination": {"type": "next_link" | "page" | "offset" | "cursor" | "none",   # default next_link
                     "next_path": "next", "page_param": "page", "size_param": "per_page", "size": 100,
                     "offset_param": "offset", "cursor_param": "cursor", "cursor_path": "next_cursor",
                     "total_path": "total"},         # a total the records must reach, else the listing is incomplete
      "auth": {"header": "Authorization", "prefix": "Bearer ", "token_env": "LAKSA_API_TOKEN"},
      "aplikasi_sumber": "laksa", "defaults": {...}, "limits": {...}, "konfirmasi_penghapusan": 0,
      # datasets mode
      "id_field": "id",                              # the upstream id (path)
      "fields": {"title": "judul", "notes": "deskripsi", "tags": "kata_kunci", ...},    # schema field → path
      "values": {"tingkat_penyajian": {"fasilitas": null}},                           # per-field value maps
      "resources_path": "distribusi", "resource_fields": {"url": "url", "name": "judul", "format": "format"},
      # table mode
      "table": {"id": "pengaduan-2025", "dataset": {"title": "...", ...}, "kolom": {...}},
      "data_pribadi": "tahan" | "drop" | "aggregate", "agregasi": [...]
    }
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ckanext.tangerang.bilingual import msg

from .base import Listing, Run, TangerangHarvesterBase, UpstreamRecord
from .config import Check, all_of, anything, check_defaults, dict_of, is_dict, is_name, is_str, obj, one_of
from .http import HarvestHttpError
from .mapping import get_path, map_record
from .pages import check_pagination, walk_pages
from .tables import PreparedTable, prepare_table, tabular_dataset

TABLE = obj(
    {"id": is_str, "dataset": check_defaults, "kolom": anything},
    required=("id",),
    missing=msg("id wajib (teks)", "id is required (text)"),
)


# --- table mode ------------------------------------------------------------------------------------------


def keyed_records(listing: Listing, id_field: str) -> Listing:
    """The listing's raw records as ``UpstreamRecord``s keyed by ``id_field``; a record without one is a problem
    of the listing, which then counts as incomplete (so no withdrawals are made from it)."""
    records = []
    for position, record in enumerate(listing.records, 1):
        upstream_id = get_path(record, id_field) if isinstance(record, Mapping) else None
        if upstream_id in (None, ""):
            listing.complete = False
            listing.problems.append(
                msg(f"rekaman ke-{position} tanpa '{id_field}'", f"record {position} has no '{id_field}'")
            )
            continue
        records.append(UpstreamRecord(id=str(upstream_id), content=record))
    listing.records = records
    return listing


def records_to_table(records: list[Any]) -> tuple[list[str], list[list[str]]]:
    """JSON records → (columns in first-seen order, rows of strings); nested values as JSON text."""
    columns: dict[str, None] = {}
    for record in records:
        if not isinstance(record, Mapping):
            raise ValueError(msg("Rekaman bukan objek JSON", "A record is not a JSON object"))
        for key in record:
            columns.setdefault(str(key), None)
    names = list(columns)

    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        return str(value)

    return names, [[text(record.get(name)) for name in names] for record in records]


# --- datasets mode ---------------------------------------------------------------------------------------


def record_dataset(record: Mapping[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """One upstream record → one dataset dict (schema fields and link resources); pure."""
    return map_record(
        record,
        config.get("fields") or {},
        values=config.get("values"),
        defaults=config.get("defaults"),
        resources_path=config.get("resources_path"),
        resource_fields=config.get("resource_fields"),
    )


class JsonApiHarvester(TangerangHarvesterBase):
    NAME = "tangerang_json_api"
    TITLE = "Tangerang: API JSON (JSON API)"
    DESCRIPTION = (
        "API REST/JSON berhalaman dari aplikasi kota: tiap rekaman menjadi dataset, atau semua rekaman menjadi "
        "satu tabel. / Paginated REST/JSON APIs of the city's applications: each record a dataset, or all records "
        "one table."
    )
    CONFIG: dict[str, Check] = {
        "mode": one_of("datasets", "table"),
        "params": is_dict,
        "records_path": is_str,
        "pagination": check_pagination,
        "id_field": is_str,
        # schema field → path
        "fields": all_of(
            dict_of(
                is_name,
                message=msg("harus objek {field skema: jalur}", "must be an object {schema field: path}"),
            ),
            check_defaults,
        ),
        # field → {upstream value: ours}
        "values": dict_of(
            is_dict,
            message=msg(
                "harus objek {field: {nilai hulu: nilai kita}}", "must be an object {field: {upstream: ours}}"
            ),
        ),
        "resources_path": is_str,
        "resource_fields": is_dict,
        "table": TABLE,
    }

    def check_config(self, config: dict[str, Any]) -> list[str]:
        if config.get("mode", "datasets") == "table":
            if "table" not in config:
                return [
                    msg('mode table memerlukan "table": {"id": ...}', 'mode table needs "table": {"id": ...}')
                ]
            return []
        if "title" not in (config.get("fields") or {}):
            return [
                msg(
                    'mode datasets memerlukan "fields" dengan paling sedikit "title" (mis. {"title": "judul"})',
                    'mode datasets needs "fields" with at least "title" (e.g. {"title": "judul"})',
                )
            ]
        return []

    def gather_records(self, run: Run) -> Listing:
        config = run.config
        if config.get("mode", "datasets") == "table":
            table = config["table"]
            return Listing([UpstreamRecord(id=table["id"], content={"table": table})])
        return keyed_records(walk_pages(run.client, run.url, config), config.get("id_field", "id"))

    def self_contained(self, run: Run, content: dict[str, Any]) -> bool:
        return "table" not in content  # datasets mode: the record is the dataset; table mode reads its rows

    def fetch_payload(self, run: Run, content: dict[str, Any]) -> PreparedTable | None:
        if "table" not in content:
            return None
        listing = walk_pages(run.client, run.url, run.config)
        if not listing.complete:
            raise HarvestHttpError(
                msg(
                    "Data tidak lengkap, dataset tidak diubah",
                    "The data is incomplete, the dataset is left as it was",
                )
                + ": "
                + "; ".join(listing.problems)
            )
        columns, rows = records_to_table(listing.records)
        return prepare_table(columns, rows, run.config, content["table"])

    def build_dataset(
        self, run: Run, content: dict[str, Any], payload: PreparedTable | None
    ) -> dict[str, Any]:
        if payload is not None:
            return tabular_dataset(run.config, content["table"], payload, None, "json")
        return record_dataset(content, run.config)
