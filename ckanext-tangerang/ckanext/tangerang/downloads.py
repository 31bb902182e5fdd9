"""Downloads of a resource's DataStore table as CSV, JSON or XLSX under the resource's stable URL
(``/dataset/<id>/resource/<resource_id>/unduh.<format>``), filtered as ``datastore_search`` filters and streamed
page by page; the preview's filtered downloads sent there; and the count of every download through the portal."""

from __future__ import annotations

import json
import logging
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, request, stream_with_context

from ckanext.tangerang import csv_export
from ckanext.tangerang.bilingual import msg
from ckanext.tangerang.logic import downloads

log = logging.getLogger(__name__)

tangerang_unduh = Blueprint("tangerang_unduh", __name__)

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": csv_export.XLSX_TYPE,
}
# Rows per datastore_search call: the memory a download holds at once, whatever the table's size.
PAGE = 5000
# Endpoints (by the end of their name) that hand out a resource's data: an upload or the redirect to its link (for
# every dataset type's blueprint), CKAN's DataStore dump, and the downloads of this module. views.py withholds
# them for terbatas data; each answered GET is counted.
DATA_ENDPOINTS = ("resource.download", "datastore.dump", "tangerang_unduh.download")
SORT_DIRECTION = re.compile(r"\s+(asc|desc)$", re.IGNORECASE)
NO_TABLE = msg("Sumber data ini tidak memiliki tabel DataStore.", "This resource has no DataStore table.")
NOT_FOUND = msg("Sumber data tidak ditemukan.", "Resource not found.")


class BadRequest(ValueError):
    """A download's parameters that datastore_search would refuse: answered 400 with a bilingual message."""


@tangerang_unduh.route("/dataset/<id>/resource/<resource_id>/unduh.<fmt>")
def download(id: str, resource_id: str, fmt: str) -> Response:
    """The resource's DataStore table (the rows that ``q``, ``filters`` match, the ``fields`` chosen, in ``sort``
    order) as a CSV, JSON or XLSX file named after the resource."""
    if fmt not in CONTENT_TYPES:
        return tk.abort(404, NOT_FOUND)
    try:
        resource = tk.get_action("resource_show")({}, {"id": resource_id})
        package = tk.get_action("package_show")({}, {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, NOT_FOUND)
    if resource["package_id"] != package["id"]:
        return tk.abort(404, NOT_FOUND)
    try:
        table = tk.get_action("datastore_search")({}, {"resource_id": resource["id"], "limit": 0})
        search = search_params(request.args, [f["id"] for f in table["fields"]])
        search["resource_id"] = resource["id"]
        first = _page(search, 0, {})
    except tk.NotAuthorized as refused:
        return tk.abort(403, str(refused) or NO_TABLE)
    except tk.ObjectNotFound:
        return tk.abort(404, NO_TABLE)
    except BadRequest as bad:
        return tk.abort(400, str(bad))
    except tk.ValidationError as invalid:
        return tk.abort(400, _invalid(invalid))
    body = {"csv": _csv, "json": _json, "xlsx": _xlsx}[fmt](first["fields"], _rows(search, first))
    response = Response(stream_with_context(body), headers={"Content-Type": CONTENT_TYPES[fmt]})
    response.headers["Content-Disposition"] = disposition(resource.get("name") or resource["id"], fmt)
    return response


def search_params(args: Any, known: list[str]) -> dict[str, Any]:
    """datastore_search's parameters from a download's query string (the dump's names: ``q``, ``filters``,
    ``fields``, ``sort``, ``plain``, ``language``), checked against the table's fields; raises BadRequest."""
    search: dict[str, Any] = {}
    q = args.get("q") or ""
    if q.startswith("{"):
        search["q"] = _json_object("q", q)
        _known_fields("q", search["q"], known)
    elif q:
        search["q"] = q
    if args.get("filters"):
        search["filters"] = _json_object("filters", args["filters"])
        _known_fields("filters", search["filters"], known)
    fields = [f.strip() for f in (args.get("fields") or "").split(",") if f.strip()]
    _known_fields("fields", fields, known)
    search["fields"] = fields or [f for f in known if f != "_id"]
    sort = [s.strip() for s in (args.get("sort") or "").split(",") if s.strip()]
    _known_fields("sort", [SORT_DIRECTION.sub("", clause).strip('"') for clause in sort], known)
    search["sort"] = ",".join(sort) or "_id"
    if args.get("plain") is not None:
        try:
            search["plain"] = tk.asbool(args["plain"])
        except ValueError:
            raise BadRequest(
                msg("Parameter plain harus true atau false.", "The plain parameter must be true or false.")
            ) from None
    if args.get("language"):
        search["language"] = args["language"]
    return search


def _json_object(name: str, value: str) -> dict[str, Any]:
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise BadRequest(
            msg(
                f'Parameter {name} harus berupa objek JSON, misalnya {{"kolom": "nilai"}}.',
                f'The {name} parameter must be a JSON object, for example {{"column": "value"}}.',
            )
        )
    return parsed


def _known_fields(name: str, used: Any, known: list[str]) -> None:
    unknown = sorted(str(f) for f in used if f not in known)
    if unknown:
        listed = ", ".join(unknown)
        raise BadRequest(
            msg(f"Kolom tidak dikenal pada {name}: {listed}.", f"Unknown column in {name}: {listed}.")
        )


def _invalid(error: tk.ValidationError) -> str:
    details = "; ".join(f"{k}: {v}" for k, v in (error.error_dict or {}).items())
    return msg(f"Parameter unduhan tidak sah ({details}).", f"Invalid download parameters ({details}).")


def _page(search: dict[str, Any], offset: int, keyset: dict[str, Any]) -> dict[str, Any]:
    """One page of rows as lists: after the previous page's last ``_id`` when sorted by ``_id`` (keyset paging
    stays fast deep into a large table), by offset otherwise."""
    page = dict(search, limit=PAGE, include_total=False, include_next_page=True, records_format="lists")
    if keyset:
        page["filters"] = {**search.get("filters", {}), **keyset}
    else:
        page["offset"] = offset
    return tk.get_action("datastore_search")({}, page)


def _rows(search: dict[str, Any], result: dict[str, Any]) -> Iterator[list[Any]]:
    offset = 0
    by_id = search["sort"] in ("_id", "_id asc")
    while True:
        records = result["records"]
        yield from records
        if len(records) < result["limit"]:
            return
        offset += len(records)
        keyset = (result.get("next_page") or {}) if by_id else {}
        result = _page(search, offset, keyset)


def _csv(fields: list[dict[str, Any]], rows: Iterator[list[Any]]) -> Iterator[bytes]:
    for piece in csv_export.chunks([f["id"] for f in fields], rows):
        yield piece.encode("utf-8")


def _json(fields: list[dict[str, Any]], rows: Iterator[list[Any]]) -> Iterator[bytes]:
    """``{"fields": [{"id", "type"}], "records": [{field: value}]}``, values typed as the table's columns."""
    names = [f["id"] for f in fields]
    head = json.dumps([{"id": f["id"], "type": f["type"]} for f in fields], ensure_ascii=False)
    yield f'{{"fields": {head}, "records": ['.encode()
    for n, row in enumerate(rows):
        record = json.dumps(dict(zip(names, row, strict=False)), ensure_ascii=False, default=str)
        yield (",\n" if n else "\n").encode() + record.encode("utf-8")
    yield b"\n]}\n"


def _xlsx(fields: list[dict[str, Any]], rows: Iterator[list[Any]]) -> Iterator[bytes]:
    """The workbook is a zip, complete only at the end: written to a temporary file, then sent from it."""
    with tempfile.TemporaryFile() as out:
        csv_export.write_xlsx(out, [f["id"] for f in fields], rows)
        out.seek(0)
        while chunk := out.read(65536):
            yield chunk


def disposition(name: str, extension: str) -> str:
    """``attachment`` with the resource's name as the file name: an ASCII ``filename`` for every browser and the
    exact one as RFC 5987 ``filename*`` (UTF-8)."""
    exact = re.sub(r'[\x00-\x1f\x7f"\\/]+', "-", name).strip(" .-") or "data"
    plain = unicodedata.normalize("NFKD", exact).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9._]+", "-", plain).strip("-._") or "data"
    return f"attachment; filename=\"{plain}.{extension}\"; filename*=UTF-8''{quote(f'{exact}.{extension}')}"


@tangerang_unduh.after_app_request
def count_download(response: Response) -> Response:
    """One more download of the resource today, for an answered GET (a file, or the redirect to its link) of a
    data endpoint by someone other than a known robot (see README: Unduhan)."""
    endpoint = request.endpoint or ""
    if (
        request.method == "GET"
        and endpoint.endswith(DATA_ENDPOINTS)
        and (response.status_code == 200 or response.status_code in (302, 303))
        and tk.asbool(tk.config.get("ckanext.tangerang.downloads.count"))
        and not downloads.is_crawler(request.user_agent.string)
    ):
        resource_id = (request.view_args or {}).get("resource_id")
        if resource_id:
            downloads.record(resource_id)
    return response


@tangerang_unduh.after_app_request
def filtered_preview_download(response: Response) -> Response:
    """The preview's filtered CSV and JSON downloads (datatables_view redirects them to the DataStore dump with
    the current filter) go to this module's downloads instead, with the same parameters."""
    if request.endpoint != "datatablesview.filtered_download" or response.status_code not in (302, 303):
        return response
    target = urlsplit(response.location or "")
    params = dict(parse_qsl(target.query, keep_blank_values=True))
    fmt = params.pop("format", "csv")
    resource_id = target.path.rstrip("/").rpartition("/")[2]
    if fmt not in CONTENT_TYPES or not resource_id:
        return response
    try:
        resource = tk.get_action("resource_show")({}, {"id": resource_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return response
    url = tk.h.url_for(
        "tangerang_unduh.download", id=resource["package_id"], resource_id=resource_id, fmt=fmt
    )
    response.location = f"{url}?{urlencode(params)}"
    return response
