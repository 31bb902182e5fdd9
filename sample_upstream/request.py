"""What a route receives: the parsed request with its parameter checks, and the two errors a route raises
(400 and 404)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

MAX_CATALOGUE = 100_000  # datasets the CKAN API and the DCAT catalogue serve at the most


class BadRequest(Exception):
    pass


class NotFound(Exception):
    pass


@dataclass
class Req:
    method: str
    path: str
    query: dict[str, str]
    body: bytes
    base_url: str

    def int(self, name: str, default: int, lo: int, hi: int) -> int:
        raw = self.query.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise BadRequest(f"parameter {name!r} must be an integer") from None
        if not lo <= value <= hi:
            raise BadRequest(f"parameter {name!r} must be between {lo} and {hi}")
        return value

    def url_with(self, **params: Any) -> str:
        q = {**self.query, **{k: str(v) for k, v in params.items()}}
        return f"{self.base_url}{self.path}?{urlencode(q)}"

    def json(self) -> Any:
        if not self.body:
            return {}
        try:
            return json.loads(self.body)
        except ValueError:
            raise BadRequest("body is not valid JSON") from None

    def catalogue_size(self, path_n: str | None, default: int | None) -> int | None:
        """The catalogue size asked for by ``?n=N`` or an ``/n/<N>`` path prefix (``default`` without)."""
        raw = self.query.get("n") or path_n
        if raw is None:
            return default
        try:
            n = int(raw)
        except ValueError:
            raise BadRequest("n must be an integer") from None
        if not 0 <= n <= MAX_CATALOGUE:
            raise BadRequest(f"n must be between 0 and {MAX_CATALOGUE}")
        return n
