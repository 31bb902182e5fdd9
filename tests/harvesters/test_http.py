"""The safe HTTP client against the sample upstream's fault switches (no database)."""

from __future__ import annotations

import gzip
import http.server
import threading

import pytest
import requests

from ckanext.tangerang.harvesters import http as hh

LOOPBACK = ("127.0.0.1",)
FAST = hh.Limits(
    connect_timeout=2, read_timeout=1, total_timeout=8, retries=2, backoff=0.05, max_retry_after=1
)


@pytest.fixture(scope="module")
def upstream():
    from sample_upstream import serve_in_thread

    server, base = serve_in_thread(port=0)
    yield base
    server.shutdown()
    server.server_close()


@pytest.fixture
def fault(upstream):
    requests.post(f"{upstream}/_control/reset", json={"what": "all"}, timeout=5)

    def set_fault(path_prefix, name, **params):
        body = {"path_prefix": path_prefix, "fault": name, **params}
        requests.post(f"{upstream}/_control/faults", json=body, timeout=5).raise_for_status()

    yield set_fault
    requests.post(f"{upstream}/_control/reset", json={"what": "all"}, timeout=5)


def client(**kw):
    return hh.SafeClient(limits=kw.pop("limits", FAST), allowed_hosts=LOOPBACK, **kw)


# --- allow-list ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/x",
        "http://127.0.0.1:5000/api",
        "http://localhost/api",
        "http://10.1.2.3/data.csv",
        "http://192.168.0.10/data.csv",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x",
    ],
)
def test_internal_and_non_http_urls_are_refused_without_an_allow_list(url):
    with pytest.raises(hh.UrlNotAllowed):
        hh.check_url(url, ())


def test_allow_list_admits_listed_hosts_and_ranges_only():
    assert hh.check_url("http://127.0.0.1:8080/x", ["127.0.0.1"])
    assert hh.check_url("http://10.20.1.5/x", ["10.20.0.0/16"])
    with pytest.raises(hh.UrlNotAllowed, match="daftar izin"):
        hh.check_url("http://10.30.1.5/x", ["10.20.0.0/16"])
    with pytest.raises(hh.UrlNotAllowed, match="not in the allow-list"):
        hh.check_url("http://127.0.0.2/x", ["127.0.0.1"])


def test_redirects_are_checked_again(upstream):
    """A listed host redirecting to an unlisted internal one is refused at the redirect."""

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", "http://localhost:9/secret")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(hh.UrlNotAllowed, match="localhost"):
            client().get(f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()


# --- faults ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["500", "502"])
def test_server_errors_are_retried_then_reported(upstream, fault, name):
    fault("/apps/laksa", name, times=1)
    response = client().get(f"{upstream}/apps/laksa/datasets")
    assert response.status == 200
    fault("/apps/laksa", name)
    with pytest.raises(hh.HarvestHttpError, match=f"HTTP {name} after 3 attempts"):
        client().get(f"{upstream}/apps/laksa/datasets")


@pytest.mark.parametrize("name", ["429", "503_retry_after"])
def test_retry_after_is_honoured_and_capped(upstream, fault, name):
    waits = []
    fault("/apps/laksa", name, times=2, retry_after=30)
    response = client(sleep=waits.append).get(f"{upstream}/apps/laksa/datasets")
    assert response.status == 200
    assert waits == [1, 1]  # Retry-After 30 s capped at max_retry_after


def test_hang_times_out_with_a_readable_message(upstream, fault):
    fault("/apps/laksa", "hang", seconds=30)
    with pytest.raises(hh.HarvestHttpError, match="timed out"):
        client(
            limits=hh.Limits(connect_timeout=1, read_timeout=0.5, total_timeout=5, retries=1, backoff=0.05)
        ).get(f"{upstream}/apps/laksa/datasets")


def test_slow_drip_is_cut_by_the_total_timeout(upstream, fault):
    fault("/apps/laksa", "slow_drip", chunk=8, interval=0.2)
    limits = hh.Limits(connect_timeout=1, read_timeout=1, total_timeout=1.5, retries=0)
    with pytest.raises(hh.HarvestHttpError, match="total time limit"):
        client(limits=limits).get(f"{upstream}/apps/laksa/datasets")


def test_malformed_json_is_a_readable_error(upstream, fault):
    fault("/apps/laksa", "malformed_json")
    with pytest.raises(hh.HarvestHttpError, match="not valid JSON"):
        client().get_json(f"{upstream}/apps/laksa/datasets")


def test_non_utf8_json_is_refused_with_the_offset(upstream, fault):
    fault("/apps/laksa", "non_utf8")
    with pytest.raises(hh.HarvestHttpError, match="not valid UTF-8"):
        client().get_json(f"{upstream}/apps/laksa/datasets")


def test_huge_payload_stops_at_the_byte_cap(upstream, fault):
    fault("/apps/laksa", "huge_payload", size_mb=20)
    limits = hh.Limits(max_bytes=2 * 1024 * 1024, retries=0)
    with pytest.raises(hh.HarvestHttpError, match="exceeds the limit of 2,097,152 bytes"):
        client(limits=limits).get(f"{upstream}/apps/laksa/datasets")


def test_gzip_bomb_stops_at_the_decompressed_cap(upstream, fault):
    fault("/apps/laksa", "gzip_bomb", size_mb=200)
    limits = hh.Limits(max_bytes=5 * 1024 * 1024, retries=0)
    with pytest.raises(hh.HarvestHttpError, match="after decompression"):
        client(limits=limits).get(f"{upstream}/apps/laksa/datasets")


def test_honest_gzip_is_decompressed():
    body = gzip.compress(b'{"ok": true}')

    class Gz(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gz)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert client().get_json(f"http://127.0.0.1:{server.server_address[1]}/") == {"ok": True}
    finally:
        server.shutdown()
        server.server_close()


def test_xml_bomb_is_refused_before_parsing(upstream, fault):
    fault("/dcat", "xml_bomb")
    response = client().get(f"{upstream}/dcat/catalog.rdf")
    with pytest.raises(hh.HarvestHttpError, match="DTD"):
        hh.parse_xml(response.content, response.url)


def test_plain_xml_parses_without_entities(upstream):
    response = client().get(f"{upstream}/dcat/catalog.rdf")
    root = hh.parse_xml(response.content, response.url)
    assert root.tag.endswith("RDF")
