"""Each fault switch produces its fault; ``times`` limits it; reset clears it."""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.request
import zlib

import pytest

from sample_upstream import serve_in_thread
from sample_upstream.faults import FAULTS

from .conftest import Upstream, fetch

REGISTRY = "/registry/api/v1/aplikasi"
COVERED: set[str] = set()


def covers(*names: str):
    COVERED.update(names)
    return lambda fn: fn


def _raw(up: Upstream, path: str, timeout: float = 10) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection(up.base.removeprefix("http://"), timeout=timeout)
    conn.request("GET", path)
    return conn.getresponse()


@covers("500", "502", "503_retry_after", "429")
@pytest.mark.parametrize(
    ("fault", "status", "retry_after"),
    [("500", 500, None), ("502", 502, None), ("503_retry_after", 503, "1"), ("429", 429, "1")],
)
def test_status_faults_and_reset(
    clean_upstream: Upstream, fault: str, status: int, retry_after: str | None
) -> None:
    up = clean_upstream
    up.control("faults", {"path_prefix": "/apps/laksa", "fault": fault})
    for _ in range(2):  # unlimited by default
        resp = up.get("/apps/laksa/api/pengaduan")
        assert resp.status == status
        assert resp.headers.get("Retry-After") == retry_after
    assert up.get(REGISTRY).status == 200  # other paths untouched
    up.control("reset")
    assert up.get("/apps/laksa/api/pengaduan").status == 200


def test_times_limits_a_fault_and_state_reports_it(clean_upstream: Upstream) -> None:
    up = clean_upstream
    up.control("faults", {"path_prefix": REGISTRY, "fault": "503_retry_after", "times": 2})
    assert [up.get(REGISTRY).status for _ in range(3)] == [503, 503, 200]
    state = up.get("/_control/state").json()
    assert state["faults"][0]["fired"] == 2 and state["faults"][0]["remaining"] == 0
    assert [r["fault"] for r in state["requests"][-3:]] == ["503_retry_after", "503_retry_after", None]


def test_bad_fault_requests_are_refused(clean_upstream: Upstream) -> None:
    up = clean_upstream
    for payload in (
        {"fault": "meteor"},
        {"fault": "500", "times": 0},
        {"fault": "500", "path_prefix": "apps"},
    ):
        assert fetch(up.base + "/_control/faults", method="POST", data=payload).status == 400
    assert up.get("/_control/state").json()["faults"] == []


@covers("hang")
def test_hang_outlasts_the_client_and_ends_on_shutdown() -> None:
    srv, base = serve_in_thread(0)
    try:
        fetch(base + "/_control/faults", method="POST", data={"path_prefix": "/healthz", "fault": "hang"})
        started = time.monotonic()
        with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
            urllib.request.urlopen(base + "/healthz", timeout=0.5)  # noqa: S310 - local test server
        assert time.monotonic() - started < 5
        assert srv.active == 1  # still hanging (default 60 s)
    finally:
        srv.shutdown()
        srv.server_close()
    deadline = time.monotonic() + 3
    while srv.active and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.active == 0


@covers("slow_drip")
def test_slow_drip_trickles_bytes(clean_upstream: Upstream) -> None:
    up = clean_upstream
    up.control("faults", {"path_prefix": REGISTRY, "fault": "slow_drip", "interval": 0.1, "chunk": 5})
    resp = _raw(up, REGISTRY + "?per_page=1", timeout=2)
    declared = int(resp.headers["Content-Length"])
    started = time.monotonic()
    got = resp.read(30)  # six chunks: five waits of 0.1 s
    elapsed = time.monotonic() - started
    resp.close()
    assert len(got) == 30 and declared > 1000
    assert elapsed >= 0.4


@covers("malformed_json")
def test_malformed_json(clean_upstream: Upstream) -> None:
    clean_upstream.control("faults", {"path_prefix": REGISTRY, "fault": "malformed_json"})
    resp = clean_upstream.get(REGISTRY)
    assert resp.status == 200 and "json" in resp.headers["Content-Type"]
    with pytest.raises(json.JSONDecodeError):
        resp.json()


@covers("truncated_page")
def test_truncated_page_lies_about_the_total(clean_upstream: Upstream) -> None:
    up = clean_upstream
    up.control("faults", {"path_prefix": "/registry", "fault": "truncated_page"})
    body = up.get(REGISTRY + "?per_page=50").json()
    assert body["total"] == 172 and len(body["data"]) == 25 and body["next"] is None
    # Without a listing to shorten, the body stops before its declared length.
    with pytest.raises(http.client.IncompleteRead):
        _raw(up, REGISTRY + "/laksa").read()
    up.control("reset")
    up.control("faults", {"path_prefix": "/apps/laksa/export", "fault": "truncated_page"})
    text = up.get("/apps/laksa/export/pengaduan-mentah-2025.csv").body.decode()
    assert not text.endswith("\r\n") and text.count("\r\n") < 1500 // 2 + 2


@covers("empty_listing")
def test_empty_listing(clean_upstream: Upstream) -> None:
    up = clean_upstream
    up.control("faults", {"path_prefix": "/ckan", "fault": "empty_listing"})
    up.control("faults", {"path_prefix": REGISTRY, "fault": "empty_listing"})
    search = up.get("/ckan/api/3/action/package_search?rows=100").json()
    assert search["success"] is True and search["result"]["count"] == 0 and search["result"]["results"] == []
    listing = up.get(REGISTRY).json()
    assert listing["total"] == 0 and listing["data"] == [] and listing["next"] is None


@covers("non_utf8")
def test_non_utf8_body_under_a_utf8_label(clean_upstream: Upstream) -> None:
    clean_upstream.control("faults", {"path_prefix": REGISTRY, "fault": "non_utf8"})
    resp = clean_upstream.get(REGISTRY + "?per_page=1")
    assert "utf-8" in resp.headers["Content-Type"]
    with pytest.raises(UnicodeDecodeError):
        resp.body.decode("utf-8")
    assert json.loads(resp.body.decode("latin-1"))["total"] == 172


@covers("huge_payload")
def test_huge_payload_streams_tens_of_megabytes(clean_upstream: Upstream) -> None:
    clean_upstream.control("faults", {"path_prefix": REGISTRY, "fault": "huge_payload"})
    resp = _raw(clean_upstream, REGISTRY)
    assert resp.headers.get("Content-Length") is None
    size = 0
    while chunk := resp.read(1 << 20):
        size += len(chunk)
    assert size >= 40 * 1024 * 1024


@covers("gzip_bomb")
def test_gzip_bomb_is_small_on_the_wire_and_huge_inflated(clean_upstream: Upstream) -> None:
    clean_upstream.control("faults", {"path_prefix": REGISTRY, "fault": "gzip_bomb"})
    resp = _raw(clean_upstream, REGISTRY)
    assert resp.headers["Content-Encoding"] == "gzip"
    wire = resp.read()
    assert len(wire) == int(resp.headers["Content-Length"]) < 2 * 1024 * 1024
    assert int.from_bytes(wire[-4:], "little") > 1_000_000_000  # gzip ISIZE: the inflated size
    inflater = zlib.decompressobj(31)
    out = inflater.decompress(wire, 64 * 1024 * 1024)  # a capped client stops here
    assert len(out) == 64 * 1024 * 1024 and inflater.unconsumed_tail


@covers("xml_bomb")
def test_xml_bomb_in_the_dcat_endpoint(clean_upstream: Upstream) -> None:
    clean_upstream.control("faults", {"path_prefix": "/dcat", "fault": "xml_bomb"})
    resp = clean_upstream.get("/dcat/catalog.rdf")
    text = resp.body.decode()
    assert resp.status == 200 and "rdf+xml" in resp.headers["Content-Type"]
    assert "<!DOCTYPE" in text and '<!ENTITY lol9 "&lol8;' in text and "&lol9;" in text
    assert len(resp.body) < 10_000


@covers("duplicate_ids")
def test_duplicate_ids_in_listings(clean_upstream: Upstream) -> None:
    up = clean_upstream
    up.control("faults", {"path_prefix": "/", "fault": "duplicate_ids"})
    ids = [a["id"] for a in up.get(REGISTRY + "?per_page=20").json()["data"]]
    assert len(ids) == 20 and len(set(ids)) == 19
    results = up.get("/ckan/api/3/action/package_search?rows=10").json()["result"]["results"]
    assert len({p["id"] for p in results}) == len(results) - 1


def test_every_fault_has_a_test() -> None:
    assert set(FAULTS) == COVERED


def test_head_answers_headers_and_leaves_faults_for_the_get(clean_upstream: Upstream) -> None:
    # ckanext-dcat sends HEAD before GET; a fault scripted for "the next request" must hit the GET.
    up = clean_upstream
    up.control("faults", {"path_prefix": "/dcat", "fault": "500", "times": 1})
    head = fetch(up.base + "/dcat/catalog.ttl", method="HEAD")
    assert head.status == 200 and head.body == b"" and int(head.headers["Content-Length"]) > 1000
    assert up.get("/dcat/catalog.ttl").status == 500
    assert up.get("/dcat/catalog.ttl").status == 200
