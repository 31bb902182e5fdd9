"""Walking the pages of a paginated JSON endpoint (next links, page numbers, offsets, cursors) into one listing,
with the config check of ``pagination``. Used by the JSON API and app registry harvesters.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ckanext.tangerang.bilingual import msg

from .base import Listing
from .config import anything, is_int, obj, one_of
from .http import HarvestHttpError, SafeClient
from .mapping import get_path

PAGINATION_TYPES = ("next_link", "page", "offset", "cursor", "none")
# The keys of "pagination"; the names and paths are used as given.
PAGINATION = {
    "type": one_of(*PAGINATION_TYPES),
    "size": is_int(1, 1000),
    "next_path": anything,
    "page_param": anything,
    "size_param": anything,
    "offset_param": anything,
    "cursor_param": anything,
    "cursor_path": anything,
    "total_path": anything,
}
check_pagination = obj(PAGINATION)


def page_records(page: Any, records_path: str | None) -> list[Any]:
    """The records of one page; a ValueError when there is no list where the config says."""
    if records_path:
        found = get_path(page, records_path)
    elif isinstance(page, list):
        found = page
    else:
        found = next(
            (page[k] for k in ("data", "results", "items") if isinstance(page, Mapping) and k in page), None
        )
    if not isinstance(found, list):
        where = records_path or "data/results/items"
        raise ValueError(
            msg(f"Halaman tanpa daftar rekaman di '{where}'", f"The page has no list of records at '{where}'")
        )
    return found


def walk_pages(client: SafeClient, url: str, config: dict[str, Any]) -> Listing:
    """Every record of a paginated endpoint. A failure on the first page raises; a later failure, a short count
    against the declared total, or a cap ends the walk with ``complete=False`` and the reason."""
    pagination = {"type": "next_link", **(config.get("pagination") or {})}
    kind = pagination["type"]
    size = int(pagination.get("size", 100))
    params: dict[str, Any] = {str(k): v for k, v in (config.get("params") or {}).items()}
    if kind == "page":
        params[pagination.get("page_param", "page")] = 1
        params[pagination.get("size_param", "per_page")] = size
    elif kind == "offset":
        params[pagination.get("offset_param", "offset")] = 0
        params[pagination.get("size_param", "limit")] = size
    elif kind == "cursor" and pagination.get("size_param"):
        params[pagination["size_param"]] = size
    records: list[Any] = []
    listing = Listing(records=[])
    total: int | None = None
    next_url: str | None = url
    seen: set[str] = set()
    pages = 0
    while next_url is not None:
        if pages >= client.limits.max_pages:
            listing.complete = False
            listing.problems.append(
                msg(
                    f"batas {client.limits.max_pages} halaman tercapai",
                    f"the limit of {client.limits.max_pages} pages was reached",
                )
            )
            break
        marker = next_url + json.dumps(params, sort_keys=True, default=str)
        if marker in seen:
            listing.complete = False
            listing.problems.append(
                msg(f"paginasi berulang di {next_url}", f"pagination loops at {next_url}")
            )
            break
        seen.add(marker)
        try:
            page = client.get_json(next_url, params)
            items = page_records(page, config.get("records_path"))
        except (HarvestHttpError, ValueError) as error:
            if pages == 0:
                raise
            listing.complete = False
            listing.problems.append(
                msg(f"halaman {pages + 1} gagal", f"page {pages + 1} failed") + f": {error}"
            )
            break
        pages += 1
        records.extend(items)
        if pagination.get("total_path") and total is None:
            declared = get_path(page, pagination["total_path"])
            total = (
                int(declared) if isinstance(declared, int | float | str) and str(declared).isdigit() else None
            )
        if len(records) > client.limits.max_records:
            listing.complete = False
            listing.problems.append(
                msg(
                    f"batas {client.limits.max_records:,} rekaman terlampaui",
                    f"the limit of {client.limits.max_records:,} records was exceeded",
                )
            )
            records = records[: client.limits.max_records]
            break
        next_url, params = _next_request(
            kind, pagination, page, items, params, next_url, size, total, len(records)
        )
    if total is not None and len(records) < total and listing.complete:
        listing.complete = False
        listing.problems.append(
            msg(
                f"sumber menyatakan {total} rekaman tetapi hanya {len(records)} diterima",
                f"the source declares {total} records but only {len(records)} arrived",
            )
        )
    listing.records = records  # type: ignore[assignment]  # raw records; callers wrap them
    return listing


def _next_request(
    kind: str,
    pagination: dict[str, Any],
    page: Any,
    items: list[Any],
    params: dict[str, Any],
    url: str,
    size: int,
    total: int | None,
    received: int,
) -> tuple[str | None, dict[str, Any]]:
    if kind == "none" or not items:
        return None, params
    if kind == "next_link":
        link = get_path(page, pagination.get("next_path", "next"))
        return (str(link), {}) if link else (None, params)
    if total is not None and received >= total:
        return None, params
    if kind == "page":
        if len(items) < size:
            return None, params
        key = pagination.get("page_param", "page")
        return url, {**params, key: int(params.get(key, 1)) + 1}
    if kind == "offset":
        if len(items) < size:
            return None, params
        key = pagination.get("offset_param", "offset")
        return url, {**params, key: int(params.get(key, 0)) + len(items)}
    cursor = get_path(page, pagination.get("cursor_path", "next_cursor"))
    if not cursor:
        return None, params
    return url, {**params, pagination.get("cursor_param", "cursor"): cursor}
