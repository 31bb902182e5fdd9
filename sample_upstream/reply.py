"""What a route returns: a status, a body and, for listings, enough to re-render the page for listing
faults."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .data import SAMPLE_NOTICE

JSON_TYPE = "application/json; charset=utf-8"

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
