"""The sample upstream's HTTP server: request and reply plumbing, the routing table, the index page and the
ways to start it.

Standard library only (``ThreadingHTTPServer``), bound to 127.0.0.1. HTTP/1.0 style: one request per
connection, so streamed fault bodies can end by closing the connection. Every response carries
``X-Sample-Data: true``. The routes live in registry.py, apps.py, files.py, ckan_api.py, dcat_catalog.py and
control.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import apps, ckan_api, dcat_catalog, faults, files, registry
from . import catalogue as cat
from .control import control
from .data import DEFAULT_SEED, SAMPLE_NOTICE, sample_data
from .reply import Reply, error_reply, json_reply
from .request import BadRequest, NotFound, Req

log = logging.getLogger("sample_upstream")

DEFAULT_PORT = 58080
MAX_BODY = 1 << 20
FIXED_CHANGE_EPOCH = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)


# --------------------------------------------------------------------------------------------------- server
class UpstreamServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        port: int = DEFAULT_PORT,
        seed: int = DEFAULT_SEED,
        *,
        allow_control: bool = False,
        ckan_datasets: int | None = None,
        clock: str = "real",
        verbose: bool = False,
    ) -> None:
        if clock not in ("real", "fixed"):
            raise ValueError("clock must be 'real' or 'fixed'")
        self.seed = seed
        self.data = sample_data(seed)
        self.allow_control = allow_control
        self.ckan_datasets = ckan_datasets
        self.clock = clock
        self.verbose = verbose
        self.faults = faults.FaultRegistry()
        self.changes = cat.Changes()
        self.stop_event = threading.Event()
        self.requests: deque[dict[str, Any]] = deque(maxlen=500)
        self.active = 0  # requests being answered now; tests use it to see hangs end on shutdown
        self._active_lock = threading.Lock()
        self._validators: dict[tuple[str, str, int], tuple[str, str]] = {}
        super().__init__(("127.0.0.1", port), Handler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def shutdown(self) -> None:
        self.stop_event.set()  # end hanging and dripping responses first, or shutdown waits for them
        super().shutdown()

    def server_close(self) -> None:
        self.stop_event.set()
        super().server_close()

    def catalogue(self, size: int | None) -> cat.Catalogue:
        """The CKAN/DCAT catalogue of ``size`` datasets (``None``: the application datasets), as changed now."""
        return cat.Catalogue(self.data, self.changes.snapshot(), size)

    def now(self) -> str:
        if self.clock == "fixed":
            return cat.iso(FIXED_CHANGE_EPOCH + dt.timedelta(minutes=self.changes.version))
        return cat.iso(dt.datetime.now(dt.timezone.utc).replace(microsecond=0))

    # ----------------------------------------------------------------------------- validators of dataset files
    def known_validator(self, path: str, query: str, if_none_match: str | None) -> tuple[str, str] | None:
        """(ETag, content type) of a dataset file the client already has, or ``None`` (then it is made and
        sent as usual). Only ``/files/``, only when no fault is armed for the path, only for the current
        version of the changes: a real static server answers a conditional GET without reading the file."""
        if not if_none_match or not path.startswith("/files/") or self.faults.armed(path):
            return None
        known = self._validators.get((path, query, self.changes.version))
        if known and known[0] in [t.strip() for t in if_none_match.split(",")]:
            return known
        return None

    def remember_validator(self, path: str, query: str, etag: str, content_type: str) -> None:
        if path.startswith("/files/"):
            if len(self._validators) > 200_000:
                self._validators.clear()
            self._validators[(path, query, self.changes.version)] = (etag, content_type)


class Handler(BaseHTTPRequestHandler):
    server: UpstreamServer
    protocol_version = "HTTP/1.0"
    server_version = "SampleUpstream/1.0"

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:  # the stdlib's signature
        if self.server.verbose:
            log.info("%s - %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    # ------------------------------------------------------------------------------------------------
    def _handle(self, method: str) -> None:
        with self.server._active_lock:
            self.server.active += 1
        try:
            self._handle_inner(method)
        finally:
            with self.server._active_lock:
                self.server.active -= 1

    def _handle_inner(self, method: str) -> None:
        srv = self.server
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(error_reply(413, "request body too large"), False)
            return
        body = self.rfile.read(length) if length else b""
        host = self.headers.get("Host") or f"127.0.0.1:{srv.server_address[1]}"
        req = Req(method, url.path, query, body, f"http://{host}")
        fault_name = None
        try:
            if url.path.startswith("/_control"):
                reply = control(srv, req)
            else:
                if method not in ("GET", "HEAD", "POST"):
                    raise BadRequest(f"method {method} not allowed")
                cached = srv.known_validator(url.path, url.query, self.headers.get("If-None-Match"))
                if cached is not None:
                    # As a static file server does: a file's validator is known without making the file again.
                    srv.requests.append(
                        {
                            "waktu": time.time(),
                            "method": method,
                            "path": url.path,
                            "query": url.query,
                            "status": 304,
                            "fault": None,
                        }
                    )
                    self._send(
                        Reply(status=304, body=b"", content_type=cached[1], headers={"ETag": cached[0]}), True
                    )
                    return
                reply = route(srv, req)
                # HEAD never fires a fault: ckanext-dcat probes with HEAD before its GET, and one scripted
                # fault should hit the request that fetches data.
                rule = srv.faults.take(url.path) if method != "HEAD" else None
                if rule:
                    fault_name = rule.fault
                    reply = faults.apply(rule, reply, srv.stop_event, req.base_url)
        except BadRequest as e:
            reply = error_reply(400, str(e))
        except NotFound as e:
            reply = error_reply(404, str(e) or "tidak ditemukan")
        except Exception:
            log.exception("error serving %s", self.path)
            reply = error_reply(500, "internal error")
        if (
            fault_name is None
            and reply.status == 200
            and reply.length is None
            and isinstance(reply.body, bytes | bytearray)
            and not url.path.startswith("/_control")
        ):
            # A validator on every plain answer, and a 304 for a client that already has it (the harvesters
            # screen linked files again only when they changed).
            etag = '"' + hashlib.sha256(reply.body).hexdigest()[:32] + '"'
            reply.headers = {**reply.headers, "ETag": etag}
            srv.remember_validator(url.path, url.query, etag, reply.content_type)
            if etag in [t.strip() for t in (self.headers.get("If-None-Match") or "").split(",")]:
                reply = Reply(status=304, body=b"", content_type=reply.content_type, headers={"ETag": etag})
        srv.requests.append(
            {
                "waktu": time.time(),
                "method": method,
                "path": url.path,
                "query": url.query,
                "status": reply.status,
                "fault": fault_name,
            }
        )
        self._send(reply, method == "HEAD")

    def _send(self, reply: Reply, head_only: bool) -> None:
        if reply.hang is not None:
            self.server.stop_event.wait(reply.hang)
            self.close_connection = True
            return
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("X-Sample-Data", "true")
            for k, v in reply.headers.items():
                self.send_header(k, v)
            if isinstance(reply.body, bytes | bytearray):
                self.send_header(
                    "Content-Length", str(reply.length if reply.length is not None else len(reply.body))
                )
            elif reply.length is not None and reply.length >= 0:
                self.send_header("Content-Length", str(reply.length))
            self.send_header("Connection", "close")
            self.end_headers()
            if head_only:
                return
            if isinstance(reply.body, bytes | bytearray):
                self.wfile.write(reply.body)
            else:
                for chunk in reply.body:
                    if self.server.stop_event.is_set():
                        break
                    self.wfile.write(chunk)
                    self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the client gave up, as clients under test should
        finally:
            self.close_connection = True


# ----------------------------------------------------------------------------------------------- index pages
def healthz(srv: UpstreamServer, req: Req) -> Reply:
    return Reply(body=b"ok", content_type="text/plain; charset=utf-8", kind="text")


ENDPOINTS = [
    ("GET /healthz", "liveness"),
    (
        "GET /registry/api/v1/aplikasi?page=&per_page=&kelompok=&opd=",
        "registri aplikasi (172), paginasi halaman",
    ),
    ("GET /registry/api/v1/aplikasi/<id|slug>", "satu aplikasi"),
    ("GET /apps", "aplikasi yang punya dataset"),
    ("GET /apps/<slug>/datasets", "dataset yang diekspos aplikasi"),
    ("GET /apps/laksa/api/pengaduan?tahun=&kecamatan=&page=&per_page=", "LAKSA per kecamatan dan bulan"),
    ("GET /apps/laksa/api/pengaduan-mentah?tahun=2025&page=&per_page=", "LAKSA mentah (NIK, telepon!)"),
    ("GET /apps/laksa/export/pengaduan-mentah-2025.csv", "LAKSA mentah CSV"),
    ("GET /apps/sobatdukcapil/export/penduduk-<2024|2025>.csv|.xlsx?kecamatan=", "penduduk per kelurahan"),
    ("GET /apps/tangerang-ayo/api/uji-kir?tahun=&cursor=&limit=", "uji KIR, paginasi kursor"),
    ("GET /apps/info-harga-pangan/export/harga-pangan-<2025|2026>.xlsx|.csv?pasar=", "harga pangan"),
    ("GET /apps/tangerang-cakap-kerja/api/penempatan?tahun=&offset=&limit=", "job fair, paginasi offset"),
    ("GET /apps/simpus/export/simpus.sqlite", "basis data SIMPUS"),
    ("GET /apps/simpus/export/kunjungan.csv?kecamatan=", "kunjungan puskesmas CSV"),
    ("GET /apps/tangerang-live/export/pemakaian-aplikasi.csv", "pemakaian aplikasi"),
    ("GET|POST /ckan[/n/<N>]/api/3/action/<action>", "API kompatibel CKAN"),
    ("GET /dcat[/n/<N>]/catalog.ttl|catalog.rdf?page=&per_page=&n=", "katalog DCAT"),
    ("GET /files/<dataset>.csv|json|xlsx", "berkas dataset bangkitan"),
    ("GET /files/tanpa-head/<dataset>.csv|json|xlsx", "berkas yang sama; HEAD dijawab 405"),
    ("POST /_control/faults|reset|changes, GET /_control/state", "sakelar uji (hanya --allow-control)"),
]


def index(srv: UpstreamServer, req: Req) -> Reply:
    wants_json = req.query.get("format") == "json"
    if wants_json:
        return json_reply(
            {
                "_sample": SAMPLE_NOTICE,
                "nama": "Sample upstream Kota Tangerang",
                "seed": srv.seed,
                "kontrol": srv.allow_control,
                "endpoint": [{"endpoint": e, "keterangan": k} for e, k in ENDPOINTS],
            }
        )
    items = "\n".join(f"<li><code>{html.escape(e)}</code> - {html.escape(k)}</li>" for e, k in ENDPOINTS)
    page = (
        f"<!doctype html><html lang='id'><head><meta charset='utf-8'><title>Sample upstream Kota Tangerang"
        f"</title></head><body><h1>Sample upstream Kota Tangerang</h1><p><strong>{SAMPLE_NOTICE}</strong></p>"
        f"<p>seed {srv.seed}; JSON: <a href='/?format=json'>/?format=json</a></p><ul>{items}</ul>"
        "</body></html>"
    )
    return Reply(body=page.encode(), content_type="text/html; charset=utf-8", kind="html")


# ---------------------------------------------------------------------------------------------- the routes
# Matched in order; the named groups become keyword arguments. Routes answer GET, HEAD and POST alike (the CKAN
# actions take POST bodies; the rest ignore bodies).
ROUTES: list[tuple[re.Pattern[str], Callable[..., Reply]]] = [
    (re.compile(f"^{pattern}$"), fn)
    for pattern, fn in (
        ("/healthz", healthz),
        ("/", index),
        ("/registry/api/v1/aplikasi", registry.registry_list),
        ("/registry/api/v1/aplikasi/(?P<key>[^/]+)", registry.registry_show),
        ("/apps", registry.apps_index),
        ("/apps/(?P<slug>[a-z0-9-]+)/datasets", registry.app_dataset_list),
        ("/apps/laksa/api/pengaduan", apps.laksa_aggregates),
        ("/apps/laksa/api/pengaduan-mentah", apps.laksa_raw),
        ("/apps/laksa/export/pengaduan-mentah-2025.csv", apps.laksa_raw_csv),
        (r"/apps/sobatdukcapil/export/penduduk-(?P<year>\d{4})\.(?P<ext>csv|xlsx)", apps.population_export),
        ("/apps/tangerang-ayo/api/uji-kir", apps.kir),
        (r"/apps/info-harga-pangan/export/harga-pangan-(?P<year>\d{4})\.(?P<ext>csv|xlsx)", apps.prices),
        ("/apps/tangerang-cakap-kerja/api/penempatan", apps.placements),
        ("/apps/simpus/export/simpus.sqlite", apps.simpus_sqlite),
        ("/apps/simpus/export/kunjungan.csv", apps.visits_csv),
        ("/apps/tangerang-live/export/pemakaian-aplikasi.csv", apps.usage_csv),
        (r"/files/(?P<name>[a-z0-9-]+)\.(?P<ext>csv|json|xlsx)", files.generated_file),
        (r"/files/tanpa-head/(?P<name>[a-z0-9-]+)\.(?P<ext>csv|json|xlsx)", files.file_without_head),
        (
            r"/ckan(?:/n/(?P<n>\d+))?/api(?:/(?P<version>\d))?/action/(?P<action>[a-z_]+)",
            ckan_api.ckan_action,
        ),
        (r"/dcat(?:/n/(?P<n>\d+))?/catalog\.(?P<ext>ttl|rdf|xml)", dcat_catalog.dcat_catalog),
    )
]


def route(srv: UpstreamServer, req: Req) -> Reply:
    for rx, fn in ROUTES:
        m = rx.match(req.path)
        if m:
            return fn(srv, req, **m.groupdict())
    raise NotFound(f"no such path: {req.path}")


# --------------------------------------------------------------------------------------------------- helpers
def make_server(port: int = DEFAULT_PORT, seed: int = DEFAULT_SEED, **kw: Any) -> UpstreamServer:
    """Create (bind, not start) a server on 127.0.0.1:``port``; ``port=0`` picks a free one."""
    return UpstreamServer(port, seed, **kw)


def serve_in_thread(
    port: int = 0, seed: int = DEFAULT_SEED, *, allow_control: bool = True, **kw: Any
) -> tuple[UpstreamServer, str]:
    """Start a server in a daemon thread (control enabled by default, for tests); returns (server, base_url).

    Stop it with ``server.shutdown(); server.server_close()``.
    """
    srv = make_server(port, seed, allow_control=allow_control, **kw)
    threading.Thread(
        target=srv.serve_forever, kwargs={"poll_interval": 0.1}, name="sample-upstream", daemon=True
    ).start()
    return srv, srv.base_url


__all__ = ["DEFAULT_PORT", "UpstreamServer", "make_server", "serve_in_thread"]
