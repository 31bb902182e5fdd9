"""A sample upstream server on a random port, shared by the HTTP tests of this folder (no CKAN needed)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from sample_upstream import SampleData, serve_in_thread
from sample_upstream.server import UpstreamServer


@dataclass
class Response:
    status: int
    headers: Any
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def fetch(url: str, *, method: str = "GET", data: Any = None, timeout: float = 15) -> Response:
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(  # noqa: S310 - http to the local test server
        url, data=body, method=method, headers={"Content-Type": "application/json"} if body else {}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - local test server
            return Response(resp.status, resp.headers, resp.read())
    except urllib.error.HTTPError as err:
        return Response(err.code, err.headers, err.read())


@dataclass
class Upstream:
    server: UpstreamServer
    base: str

    def get(self, path: str, **kw: Any) -> Response:
        return fetch(self.base + path, **kw)

    def control(self, action: str, payload: Any = None) -> Any:
        resp = fetch(
            f"{self.base}/_control/{action}", method="POST", data=payload if payload is not None else {}
        )
        assert resp.status == 200, resp.body
        return resp.json()


@pytest.fixture(scope="session")
def upstream() -> Iterator[Upstream]:
    srv, base = serve_in_thread(0)
    yield Upstream(srv, base)
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def clean_upstream(upstream: Upstream) -> Iterator[Upstream]:
    """The shared server, reset to no faults and no changes before and after the test."""
    upstream.control("reset")
    yield upstream
    upstream.control("reset")


@pytest.fixture(scope="session")
def data() -> SampleData:
    return SampleData()
