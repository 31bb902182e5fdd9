"""What a route returns: a status, a body and, for listings, enough to re-render the page for listing
faults; with the builders of JSON, paged, CSV and XLSX replies."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import exports
from .data import SAMPLE_NOTICE
from .request import Req

JSON_TYPE = "application/json; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A listing renderer takes the items to show and a mode: None (normal), "empty" (an honest-looking empty
# answer) or "truncated" (the page keeps claiming the full total but stops early, with no link to go on).
Renderer = Callable[[list[Any], "str | None"], bytes]


@dataclass
class Listing:
    items: list[Any]
    render: Renderer


@dataclass
class Reply:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    listing: Listing | None = None
    length: int | None = (
        None  # Content-Length to declare when it differs from len(body) (or body is streamed)
    )
    hang: float | None = None  # seconds to hold the connection open without answering
    kind: str = "json"  # json | csv | xlsx | rdf | text | html | binary


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, indent=None, separators=(",", ":")).encode("utf-8")


def json_reply(obj: Any, status: int = 200, **kw: Any) -> Reply:
    return Reply(status=status, body=dumps(obj), **kw)


def error_reply(status: int, message: str) -> Reply:
    return json_reply({"_sample": SAMPLE_NOTICE, "error": {"status": status, "pesan": message}}, status)


def listing_reply(
    items: list[Any],
    render: Renderer,
    *,
    content_type: str = JSON_TYPE,
    kind: str = "json",
    headers: dict[str, str] | None = None,
) -> Reply:
    return Reply(
        body=render(items, None),
        content_type=content_type,
        kind=kind,
        headers=headers or {},
        listing=Listing(items, render),
    )


def page_listing(req: Req, items: list[Any], extra: dict[str, Any] | None = None, default: int = 50) -> Reply:
    """Page-number pagination: ``?page=N&per_page=M`` with total, pages and next/previous links."""
    per = req.int("per_page", default, 1, 500)
    total = len(items)
    pages = math.ceil(total / per)
    page = req.int("page", 1, 1, max(1, pages) + 1000)
    rows = items[(page - 1) * per : page * per]

    def render(shown: list[Any], mode: str | None) -> bytes:
        empty = mode == "empty"
        return dumps(
            {
                "_sample": SAMPLE_NOTICE,
                **(extra or {}),
                "total": 0 if empty else total,
                "page": page,
                "per_page": per,
                "pages": 0 if empty else pages,
                "next": req.url_with(page=page + 1, per_page=per) if mode is None and page < pages else None,
                "previous": req.url_with(page=page - 1, per_page=per) if page > 1 and not empty else None,
                "data": shown,
            }
        )

    return listing_reply(rows, render)


def csv_listing(
    rows: list[dict[str, Any]],
    columns: list[str],
    filename: str,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Reply:
    def render(shown: list[Any], mode: str | None) -> bytes:
        body = exports.csv_bytes(
            [] if mode == "empty" else shown, columns, delimiter=delimiter, encoding=encoding
        )
        if mode == "truncated":  # stop in the middle of a record, as a dropped connection would
            body = body[: max(0, len(body) - 7)]
        return body

    charset = "windows-1252" if encoding in ("cp1252", "windows-1252") else encoding
    return listing_reply(
        rows,
        render,
        content_type=f"text/csv; charset={charset}",
        kind="csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def xlsx_listing(
    rows: list[dict[str, Any]],
    columns: list[str],
    sheet: str,
    filename: str,
    cached: Callable[[], bytes] | None = None,
) -> Reply:
    """The rows as a workbook; ``cached`` gives the normal body where it is kept (listing faults re-render
    the rows they change)."""

    def render(shown: list[Any], mode: str | None) -> bytes:
        return exports.xlsx_bytes([] if mode == "empty" else shown, columns, sheet)

    return Reply(
        body=cached() if cached else render(rows, None),
        content_type=XLSX_TYPE,
        kind="xlsx",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        listing=Listing(rows, render),
    )
