"""The sample upstream HTTP server: registry, application data endpoints, CKAN API, DCAT, fault and change
switches.

Standard library only (``ThreadingHTTPServer``), bound to 127.0.0.1. HTTP/1.0 style: one request per
connection, so streamed fault bodies can end by closing the connection. Every response carries
``X-Sample-Data: true``."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import html
import json
import logging
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from . import catalogue as cat
from . import dcat, exports, faults, reference
from .data import DEFAULT_SEED, SAMPLE_NOTICE, SampleData
from .reply import Listing, Reply, dumps, error_reply, json_reply, listing_reply

log = logging.getLogger("sample_upstream")

DEFAULT_PORT = 58080
MAX_BODY = 1 << 20
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIXED_CHANGE_EPOCH = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)


class BadRequest(Exception):
    pass


class NotFound(Exception):
    pass


@cache
def sample_data(seed: int) -> SampleData:
    """One shared, lazily built data set per seed (servers in one process share the work)."""
    return SampleData(seed)


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


# ------------------------------------------------------------------------------------------------- pagination
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


def _encode_cursor(year: int, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{year}:{offset}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, year: int) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        y, off = raw.split(":")
        if int(y) != year or int(off) < 0:
            raise ValueError
        return int(off)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadRequest("invalid cursor") from None


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
    rows: list[dict[str, Any]], columns: list[str], sheet: str, filename: str, cached: Callable[[], bytes]
) -> Reply:
    # The normal body comes from the cache; listing faults re-render the rows they change.
    def render(shown: list[Any], mode: str | None) -> bytes:
        return exports.xlsx_bytes([] if mode == "empty" else shown, columns, sheet)

    return Reply(
        body=cached(),
        content_type=XLSX_TYPE,
        kind="xlsx",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        listing=Listing(rows, render),
    )


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
        self._tmp = TemporaryDirectory(prefix="sample-upstream-")
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
        self._tmp.cleanup()

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

    # --------------------------------------------------------------------------------------- exports (cached)
    @lru_cache(maxsize=64)  # noqa: B019 - one server per process in practice; the cache dies with it
    def cached_bytes(self, key: str) -> bytes:
        d = self.data
        if key.startswith("penduduk-xlsx:"):
            year = int(key.split(":")[1])
            return exports.xlsx_bytes(d.population[year], POP_COLUMNS, "penduduk")
        if key.startswith("harga-xlsx:"):
            year = int(key.split(":")[1])
            return exports.xlsx_bytes(d.food_prices[year], PRICE_COLUMNS, "harga")
        if key == "simpus.sqlite":
            from .sqldb import build_sqlite

            return build_sqlite(Path(self._tmp.name) / "simpus.sqlite", self.seed).read_bytes()
        raise KeyError(key)


POP_COLUMNS = [
    "tahun",
    "kecamatan_kode",
    "kecamatan_nama",
    "kelurahan_kode",
    "kelurahan_nama",
    "jenis_kelamin",
    "jumlah_penduduk",
]
PRICE_COLUMNS = [
    "minggu",
    "tanggal",
    "pasar_kode",
    "pasar_nama",
    "kecamatan_kode",
    "komoditas",
    "satuan",
    "harga_rp",
    "keterangan",
]
LAKSA_RAW_COLUMNS = [
    "id",
    "tanggal",
    "kategori",
    "isi_pengaduan",
    "kecamatan_kode",
    "kelurahan_kode",
    "nama_pelapor",
    "nik",
    "telepon",
    "email",
    "alamat",
    "status",
    "opd_tujuan",
]
VISIT_COLUMNS = ["kecamatan_kode", "puskesmas_kode", "puskesmas_nama", "bulan", "layanan", "jumlah_kunjungan"]
USAGE_COLUMNS = [
    "aplikasi_id",
    "aplikasi_slug",
    "aplikasi_nama",
    "opd",
    "kelompok",
    "bulan",
    "pengguna_aktif",
    "transaksi",
]


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


# --------------------------------------------------------------------------------------------------- routing
# Routes answer GET, HEAD and POST alike (the CKAN actions take POST bodies; the rest ignore bodies).
ROUTES: list[tuple[re.Pattern[str], Callable[..., Reply]]] = []


def endpoint(pattern: str) -> Callable[[Callable[..., Reply]], Callable[..., Reply]]:
    def deco(fn: Callable[..., Reply]) -> Callable[..., Reply]:
        ROUTES.append((re.compile(f"^{pattern}$"), fn))
        return fn

    return deco


def route(srv: UpstreamServer, req: Req) -> Reply:
    for rx, fn in ROUTES:
        m = rx.match(req.path)
        if m:
            return fn(srv, req, **m.groupdict())
    raise NotFound(f"no such path: {req.path}")


@endpoint("/healthz")
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
    ("POST /_control/faults|reset|changes, GET /_control/state", "sakelar uji (hanya --allow-control)"),
]


@endpoint("/")
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


# --------------------------------------------------------------------------------------------------- registry
def registry_apps(srv: UpstreamServer, changes: cat.Changes) -> list[dict[str, Any]]:
    apps = srv.data.applications + [cat.added_app(srv.data, k, ts) for k, ts in changes.added_apps]
    apps = [a for a in apps if a["id"] not in changes.removed]
    return [cat.apply_edit(a, changes, (a["id"],), None, "diperbarui") for a in apps]


def _app_out(app: dict[str, Any], base: str) -> dict[str, Any]:
    has_data = app["slug"] in cat.DATA_APPS
    return {**app, "dataset_url": f"{base}/apps/{app['slug']}/datasets" if has_data else None}


@endpoint("/registry/api/v1/aplikasi")
def registry_list(srv: UpstreamServer, req: Req) -> Reply:
    apps = registry_apps(srv, srv.changes.snapshot())
    for key in ("kelompok", "opd", "status"):
        if req.query.get(key):
            apps = [a for a in apps if a[key] == req.query[key]]
    return page_listing(req, [_app_out(a, req.base_url) for a in apps])


@endpoint("/registry/api/v1/aplikasi/(?P<key>[^/]+)")
def registry_show(srv: UpstreamServer, req: Req, key: str) -> Reply:
    for a in registry_apps(srv, srv.changes.snapshot()):
        if key in (a["id"], a["slug"]):
            return json_reply({"_sample": SAMPLE_NOTICE, "data": _app_out(a, req.base_url)})
    raise NotFound(f"aplikasi {key!r} tidak ditemukan")


# ----------------------------------------------------------------------------------------------- app datasets
def app_datasets(srv: UpstreamServer, changes: cat.Changes, slug: str | None = None) -> list[dict[str, Any]]:
    out = [
        cat.apply_edit(d, changes, (d["id"],), "judul", "diperbarui")
        for d in srv.data.datasets
        if d["id"] not in changes.removed and (slug is None or d["aplikasi"] == slug)
    ]
    for k, ts in changes.added_datasets:
        r = cat.added_record(srv.seed, k, ts)
        if r["id"] not in changes.removed and (slug is None or r["aplikasi"] == slug):
            out.append(cat.apply_edit(r, changes, (r["id"],), "judul", "diperbarui"))
    return out


@endpoint("/apps")
def apps_index(srv: UpstreamServer, req: Req) -> Reply:
    changes = srv.changes.snapshot()
    rows = []
    for slug in cat.DATA_APPS:
        app = srv.data.app_index[slug]
        rows.append(
            {
                "id": app["id"],
                "slug": slug,
                "nama": app["nama"],
                "opd": app["opd"],
                "jumlah_dataset": len(app_datasets(srv, changes, slug)),
                "dataset_url": f"{req.base_url}/apps/{slug}/datasets",
            }
        )
    return json_reply({"_sample": SAMPLE_NOTICE, "total": len(rows), "data": rows})


@endpoint("/apps/(?P<slug>[a-z0-9-]+)/datasets")
def app_dataset_list(srv: UpstreamServer, req: Req, slug: str) -> Reply:
    app = srv.data.app_index.get(slug)
    if app is None:
        raise NotFound(f"aplikasi {slug!r} tidak ditemukan")
    rows = [cat.render_dataset(d, req.base_url) for d in app_datasets(srv, srv.changes.snapshot(), slug)]
    head = {"aplikasi": {"id": app["id"], "slug": slug, "nama": app["nama"], "opd": app["opd"]}}

    def render(shown: list[Any], mode: str | None) -> bytes:
        return dumps(
            {"_sample": SAMPLE_NOTICE, **head, "total": 0 if mode == "empty" else len(rows), "data": shown}
        )

    return listing_reply(rows, render)


# --------------------------------------------------------------------------------------------------- LAKSA
def _year(req: Req, available: Any) -> int:
    year = req.int("tahun", max(available), 1900, 2100)
    if year not in available:
        raise NotFound(f"tahun {year} tidak tersedia; tersedia: {sorted(available)}")
    return year


def _kecamatan_filter(req: Req) -> str | None:
    code = req.query.get("kecamatan")
    if code and code not in {k.kode for k in reference.kecamatan()}:
        raise NotFound(f"kecamatan {code!r} tidak dikenal")
    return code or None


@endpoint("/apps/laksa/api/pengaduan")
def laksa_aggregates(srv: UpstreamServer, req: Req) -> Reply:
    year = _year(req, srv.data.laksa_aggregates)
    code = _kecamatan_filter(req)
    rows = [r for r in srv.data.laksa_aggregates[year] if code is None or r["kecamatan_kode"] == code]
    return page_listing(req, rows, {"tahun": year, "kecamatan": code})


@endpoint("/apps/laksa/api/pengaduan-mentah")
def laksa_raw(srv: UpstreamServer, req: Req) -> Reply:
    _year(req, {2025})
    return page_listing(req, srv.data.laksa_raw, {"tahun": 2025})


@endpoint("/apps/laksa/export/pengaduan-mentah-2025.csv")
def laksa_raw_csv(srv: UpstreamServer, req: Req) -> Reply:
    return csv_listing(srv.data.laksa_raw, LAKSA_RAW_COLUMNS, "pengaduan-mentah-2025.csv")


# --------------------------------------------------------------------------------------------------- Dukcapil
@endpoint(r"/apps/sobatdukcapil/export/penduduk-(?P<year>\d{4})\.(?P<ext>csv|xlsx)")
def population_export(srv: UpstreamServer, req: Req, year: str, ext: str) -> Reply:
    y = int(year)
    if y not in srv.data.population:
        raise NotFound(f"tahun {y} tidak tersedia")
    code = _kecamatan_filter(req)
    rows = srv.data.population[y]
    if code:
        rows = [r for r in rows if r["kecamatan_kode"] == code]
    suffix = f"-{code}" if code else ""
    if ext == "csv":
        return csv_listing(rows, POP_COLUMNS, f"penduduk-{y}{suffix}.csv")
    if code:
        return xlsx_listing(
            rows,
            POP_COLUMNS,
            "penduduk",
            f"penduduk-{y}{suffix}.xlsx",
            lambda: exports.xlsx_bytes(rows, POP_COLUMNS, "penduduk"),
        )
    return xlsx_listing(
        rows, POP_COLUMNS, "penduduk", f"penduduk-{y}.xlsx", lambda: srv.cached_bytes(f"penduduk-xlsx:{y}")
    )


# ------------------------------------------------------------------------------------------------- Dishub KIR
@endpoint("/apps/tangerang-ayo/api/uji-kir")
def kir(srv: UpstreamServer, req: Req) -> Reply:
    year = _year(req, srv.data.kir_tests)
    rows = srv.data.kir_tests[year]
    limit = req.int("limit", 100, 1, 500)
    offset = _decode_cursor(req.query["cursor"], year) if req.query.get("cursor") else 0
    page = rows[offset : offset + limit]
    more = offset + limit < len(rows)

    def render(shown: list[Any], mode: str | None) -> bytes:
        nxt = _encode_cursor(year, offset + limit) if mode is None and more else None
        return dumps(
            {
                "_sample": SAMPLE_NOTICE,
                "tahun": year,
                "limit": limit,
                "data": shown,
                "has_more": nxt is not None,
                "next_cursor": nxt,
                "next": req.url_with(tahun=year, limit=limit, cursor=nxt) if nxt else None,
            }
        )

    return listing_reply(page, render)


# --------------------------------------------------------------------------------------------------- prices
@endpoint(r"/apps/info-harga-pangan/export/harga-pangan-(?P<year>\d{4})\.(?P<ext>csv|xlsx)")
def prices(srv: UpstreamServer, req: Req, year: str, ext: str) -> Reply:
    y = int(year)
    if y not in srv.data.food_prices:
        raise NotFound(f"tahun {y} tidak tersedia")
    market = req.query.get("pasar")
    rows = srv.data.food_prices[y]
    if market:
        if market not in {m[0] for m in cat.names.MARKETS}:
            raise NotFound(f"pasar {market!r} tidak dikenal")
        rows = [r for r in rows if r["pasar_kode"] == market]
    name = f"harga-pangan-{y}{'-' + market if market else ''}"
    if ext == "csv":
        # Windows-1252 and ";": what a spreadsheet on an OPD desktop exports.
        return csv_listing(rows, PRICE_COLUMNS, f"{name}.csv", delimiter=";", encoding="cp1252")
    if market:
        return xlsx_listing(
            rows,
            PRICE_COLUMNS,
            "harga",
            f"{name}.xlsx",
            lambda: exports.xlsx_bytes(rows, PRICE_COLUMNS, "harga"),
        )
    return xlsx_listing(
        rows, PRICE_COLUMNS, "harga", f"{name}.xlsx", lambda: srv.cached_bytes(f"harga-xlsx:{y}")
    )


# --------------------------------------------------------------------------------------------------- Disnaker
@endpoint("/apps/tangerang-cakap-kerja/api/penempatan")
def placements(srv: UpstreamServer, req: Req) -> Reply:
    year = _year(req, srv.data.job_placements)
    rows = srv.data.job_placements[year]
    limit = req.int("limit", 50, 1, 500)
    offset = req.int("offset", 0, 0, 10**7)
    page = rows[offset : offset + limit]

    def render(shown: list[Any], mode: str | None) -> bytes:
        empty = mode == "empty"
        nxt = (
            req.url_with(offset=offset + limit, limit=limit)
            if mode is None and offset + limit < len(rows)
            else None
        )
        prev = req.url_with(offset=max(0, offset - limit), limit=limit) if offset > 0 and not empty else None
        return dumps(
            {
                "_sample": SAMPLE_NOTICE,
                "tahun": year,
                "count": 0 if empty else len(rows),
                "offset": offset,
                "limit": limit,
                "next": nxt,
                "previous": prev,
                "results": shown,
            }
        )

    return listing_reply(page, render)


# --------------------------------------------------------------------------------------------------- SIMPUS
@endpoint("/apps/simpus/export/simpus.sqlite")
def simpus_sqlite(srv: UpstreamServer, req: Req) -> Reply:
    return Reply(
        body=srv.cached_bytes("simpus.sqlite"),
        content_type="application/vnd.sqlite3",
        kind="binary",
        headers={"Content-Disposition": 'attachment; filename="simpus.sqlite"'},
    )


def visits_by_puskesmas(data: SampleData) -> list[dict[str, Any]]:
    pusk = {p["kode"]: p for p in data.puskesmas}
    totals: dict[tuple[str, str, str], int] = {}
    for r in data.health_visits:
        key = (r["puskesmas_kode"], r["bulan"], r["layanan"])
        totals[key] = totals.get(key, 0) + r["jumlah_kunjungan"]
    return [
        {
            "kecamatan_kode": pusk[p]["kecamatan_kode"],
            "puskesmas_kode": p,
            "puskesmas_nama": pusk[p]["nama"],
            "bulan": b,
            "layanan": lay,
            "jumlah_kunjungan": n,
        }
        for (p, b, lay), n in totals.items()
    ]


@endpoint("/apps/simpus/export/kunjungan.csv")
def visits_csv(srv: UpstreamServer, req: Req) -> Reply:
    code = _kecamatan_filter(req)
    rows = [r for r in _visits(srv.seed) if code is None or r["kecamatan_kode"] == code]
    return csv_listing(rows, VISIT_COLUMNS, f"kunjungan{'-' + code if code else ''}.csv")


@cache
def _visits(seed: int) -> list[dict[str, Any]]:
    return visits_by_puskesmas(sample_data(seed))


# --------------------------------------------------------------------------------------------- Tangerang LIVE
@endpoint("/apps/tangerang-live/export/pemakaian-aplikasi.csv")
def usage_csv(srv: UpstreamServer, req: Req) -> Reply:
    rows = [
        {
            "aplikasi_id": a["id"],
            "aplikasi_slug": a["slug"],
            "aplikasi_nama": a["nama"],
            "opd": a["opd"],
            "kelompok": a["kelompok"],
            **u,
        }
        for a in srv.data.applications
        for u in a["pemakaian"]
    ]
    return csv_listing(rows, USAGE_COLUMNS, "pemakaian-aplikasi.csv")


# --------------------------------------------------------------------------------------------------- files
GENERATED_RE = re.compile(r"dataset-(sampel-\d{5}|tambahan-\d{3})")


@endpoint(r"/files/(?P<name>[a-z0-9-]+)\.(?P<ext>csv|json|xlsx)")
def generated_file(srv: UpstreamServer, req: Req, name: str, ext: str) -> Reply:
    if not GENERATED_RE.fullmatch(name):
        raise NotFound(f"berkas {name!r} tidak ada")
    rng = srv.data.rng(f"file:{name}")
    rows = [
        {"kecamatan_kode": k.kode, "kecamatan_nama": k.nama, "tahun": 2026, "nilai": rng.randint(0, 5000)}
        for k in reference.kecamatan()
    ]
    cols = ["kecamatan_kode", "kecamatan_nama", "tahun", "nilai"]
    if name in srv.changes.snapshot().personal:
        # Switched on by POST /_control/changes {"pribadi": [name]}: the file now holds (sample) personal data,
        # the generated LAKSA reporters' NIK, phone, name and address, labelled as sample data in "catatan".
        people = srv.data.laksa_raw[: len(rows)]
        keys = ("nama_pelapor", "nik", "telepon", "alamat")
        rows = [{**row, **{k: p[k] for k in keys}} for row, p in zip(rows, people, strict=False)]
        cols = [*cols, *keys]
    if ext == "csv":
        return csv_listing(rows, cols, f"{name}.csv")
    if ext == "xlsx":
        return xlsx_listing(
            rows, cols, "data", f"{name}.xlsx", lambda: exports.xlsx_bytes(rows, cols, "data")
        )

    def render(shown: list[Any], mode: str | None) -> bytes:
        return dumps(
            {
                "_sample": SAMPLE_NOTICE,
                "dataset": name,
                "total": 0 if mode == "empty" else len(rows),
                "data": shown,
            }
        )

    return listing_reply(rows, render)


# --------------------------------------------------------------------------------------------------- CKAN API
CKAN_RE = r"/ckan(?:/n/(?P<n>\d+))?/api(?:/(?P<version>\d))?/action/(?P<action>[a-z_]+)"


def _ckan(req: Req, result: Any, status: int = 200) -> Reply:
    return json_reply(
        {
            "help": f"{req.base_url}/ckan/api/3/action/help_show?name={req.path.rsplit('/', 1)[-1]}",
            "success": True,
            "result": result,
            "_sample": SAMPLE_NOTICE,
        },
        status,
    )


def _ckan_error(req: Req, status: int, kind: str, message: str, **fields: Any) -> Reply:
    return json_reply(
        {
            "help": f"{req.base_url}/ckan/api/3/action/help_show",
            "success": False,
            "error": {"__type": kind, "message": message, **fields},
            "_sample": SAMPLE_NOTICE,
        },
        status,
    )


def _size(srv: UpstreamServer, req: Req, path_n: str | None) -> int | None:
    raw = req.query.get("n") or path_n
    if raw is None:
        return srv.ckan_datasets
    try:
        n = int(raw)
    except ValueError:
        raise BadRequest("n must be an integer") from None
    if not 0 <= n <= 100_000:
        raise BadRequest("n must be between 0 and 100000")
    return n


FQ_TERM = re.compile(
    r'(?P<neg>[-+]?)(?P<field>[\w.]+):(?P<value>[\[{][^\]}]*[\]}]|"[^"]*"|\S+)|(?P<op>OR|AND)'
)


def _norm_ts(value: str) -> str:
    v = value.strip().rstrip("Z").replace(" ", "T")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?", v):
        raise ValueError(value)
    return (v + "T00:00:00")[:19] if "T" not in v else (v + ":00")[:19] if len(v) == 16 else v[:19]


def parse_fq(fq: str) -> list[list[tuple[bool, str, str]]]:
    """Solr ``fq`` as CKAN's harvester writes it: terms ANDed, ``OR`` joining neighbours, ``-`` negating."""
    clauses: list[list[tuple[bool, str, str]]] = []
    join_next = False
    pos = 0
    for m in FQ_TERM.finditer(fq):
        if fq[pos : m.start()].strip():
            raise ValueError(f"cannot parse fq near {fq[pos : m.start()]!r}")
        pos = m.end()
        if m["op"] == "OR":
            join_next = True
            continue
        if m["op"] == "AND":
            continue
        term = (m["neg"] == "-", m["field"], m["value"].strip('"'))
        if join_next and clauses:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        join_next = False
    if fq[pos:].strip():
        raise ValueError(f"cannot parse fq near {fq[pos:]!r}")
    return clauses


def _term_matches(e: cat.Entry, fieldname: str, value: str) -> bool:
    if fieldname in ("metadata_modified", "metadata_created"):
        if value[0] not in "[{" or " TO " not in value:
            raise ValueError(f"{fieldname} needs a range [X TO Y]")
        lo_raw, hi_raw = value[1:-1].split(" TO ")
        stamp = _norm_ts(e.modified if fieldname == "metadata_modified" else e.created)
        lo_ok = lo_raw.strip() == "*" or (
            stamp >= _norm_ts(lo_raw) if value[0] == "[" else stamp > _norm_ts(lo_raw)
        )
        hi_ok = hi_raw.strip() == "*" or (
            stamp <= _norm_ts(hi_raw) if value[-1] == "]" else stamp < _norm_ts(hi_raw)
        )
        return lo_ok and hi_ok
    if fieldname in ("organization", "owner_org"):
        return value in (e.opd, cat.org_uuid(e.opd))
    if fieldname == "groups":
        return value == cat.group_name(e.sektor)
    if fieldname in ("name", "id"):
        return value in (e.name, e.uuid)
    if fieldname in ("dataset_type", "type"):
        return value == "dataset"
    if fieldname in ("state", "+state"):
        return value == "active"
    if fieldname in ("capacity",):
        return value == "public"
    raise ValueError(f"fq field {fieldname!r} is not supported by the sample upstream")


def _matches(e: cat.Entry, clauses: list[list[tuple[bool, str, str]]]) -> bool:
    return all(any(_term_matches(e, f, v) != neg for neg, f, v in clause) for clause in clauses)


SORT_KEYS: dict[str, Callable[[cat.Entry], str]] = {
    "id": lambda e: e.uuid,
    "name": lambda e: e.name,
    "metadata_modified": lambda e: _norm_ts(e.modified),
    "metadata_created": lambda e: _norm_ts(e.created),
}


def _sort(entries: list[cat.Entry], sort: str) -> list[cat.Entry]:
    clauses = [c.split() for c in sort.split(",") if c.strip()]
    clauses = [c for c in clauses if c[0] != "score"]
    out = sorted(entries, key=lambda e: e.name)
    for c in reversed(clauses):
        if len(c) != 2 or c[0] not in SORT_KEYS or c[1] not in ("asc", "desc"):
            raise ValueError(
                f"unsupported sort {' '.join(c)!r}; use id, name, metadata_modified or "
                "metadata_created with asc/desc"
            )
        out.sort(key=SORT_KEYS[c[0]], reverse=c[1] == "desc")
    return out


def _ckan_params(req: Req) -> dict[str, Any]:
    params: dict[str, Any] = dict(req.query)
    if req.method == "POST" and req.body:
        body = req.json()
        if not isinstance(body, dict):
            raise BadRequest("body must be a JSON object")
        params.update(body)
    params.pop("n", None)
    return params


def _int_param(params: dict[str, Any], name: str, default: int, hi: int) -> int:
    try:
        value = int(params.get(name, default))
    except (TypeError, ValueError):
        raise BadRequest(f"{name} must be an integer") from None
    if not 0 <= value <= hi:
        raise BadRequest(f"{name} must be between 0 and {hi}")
    return value


def ckan_route(srv: UpstreamServer, req: Req, n: str | None, version: str | None, action: str) -> Reply:
    params = _ckan_params(req)
    catalogue = cat.Catalogue(srv.data, srv.changes.snapshot(), _size(srv, req, n))
    if action == "status_show":
        return _ckan(
            req,
            {
                "ckan_version": "2.11.0",
                "site_url": f"{req.base_url}/ckan",
                "site_title": "Satu Data Kota Tangerang - CONTOH (sample upstream)",
                "site_description": SAMPLE_NOTICE,
                "locale_default": "id",
                "error_emails_to": None,
                "extensions": ["scheming_datasets", "dcat"],
            },
        )
    if action == "package_list":
        names_ = sorted(e.name for e in catalogue.entries)
        offset = _int_param(params, "offset", 0, 10**7)
        limit = _int_param(params, "limit", len(names_), 10**7)
        shown = names_[offset : offset + limit]

        def render_list(items: list[Any], mode: str | None) -> bytes:
            return _ckan(req, items).body  # type: ignore[return-value]

        return listing_reply(shown, render_list)
    if action == "package_show":
        key = str(params.get("id") or params.get("name_or_id") or "")
        entry = catalogue.lookup(key)
        if entry is None:
            return _ckan_error(req, 404, "Not Found Error", "Not found")
        return _ckan(req, cat.to_ckan_package(catalogue.record(entry), req.base_url))
    if action == "package_search":
        return _package_search(req, catalogue, params)
    if action in ("organization_show", "group_show"):
        key = str(params.get("id") or "")
        if action == "organization_show":
            slug = next(
                (o["slug"] for o in reference.opd() if key in (o["slug"], cat.org_uuid(o["slug"]))), None
            )
            result = cat.organization_dict(slug, req.base_url) if slug else None
            if result:
                result["package_count"] = sum(1 for e in catalogue.entries if e.opd == slug)
        else:
            result = cat.group_by_name(key)
            if result:
                result["package_count"] = sum(1 for e in catalogue.entries if cat.group_name(e.sektor) == key)
        if result is None:
            return _ckan_error(req, 404, "Not Found Error", "Not found")
        return _ckan(req, result)
    if action == "organization_list":
        return _ckan(req, sorted(o["slug"] for o in reference.opd()))
    if action == "group_list":
        return _ckan(req, sorted(cat.group_name(k) for k in reference.urusan()))
    return _ckan_error(req, 400, "Bad Request", f"Bad request - Action name not known: {action}")


def _search_text(catalogue: cat.Catalogue, e: cat.Entry) -> str:
    r = catalogue.record(e)
    return f"{e.name} {r['judul']} {r['deskripsi']} {' '.join(r['kata_kunci'])}".lower()


def _package_search(req: Req, catalogue: cat.Catalogue, params: dict[str, Any]) -> Reply:
    rows = _int_param(params, "rows", 10, 1000)
    start = _int_param(params, "start", 0, 10**7)
    q = str(params.get("q") or "").strip()
    fq = str(params.get("fq") or "").strip()
    # CKAN's default; with no relevance ranking here, "score" is a tie everywhere.
    sort = str(params.get("sort") or "score desc, metadata_modified desc")
    try:
        entries = catalogue.entries
        if fq:
            clauses = parse_fq(fq)
            entries = [e for e in entries if _matches(e, clauses)]
        if q and q != "*:*":
            qm = re.fullmatch(r"(name|id):(\S+)", q)
            if qm:
                entries = [e for e in entries if qm[2] in (e.name, e.uuid)]
            else:
                words = q.lower().split()
                entries = [e for e in entries if all(w in _search_text(catalogue, e) for w in words)]
        entries = _sort(entries, sort)
    except ValueError as err:
        return _ckan_error(req, 409, "Validation Error", str(err))
    page = entries[start : start + rows]
    packages = [cat.to_ckan_package(catalogue.record(e), req.base_url) for e in page]
    total = len(entries)

    def render(items: list[Any], mode: str | None) -> bytes:
        count = 0 if mode == "empty" else total
        return _ckan(
            req, {"count": count, "sort": sort, "facets": {}, "search_facets": {}, "results": items}
        ).body  # type: ignore[return-value]

    return listing_reply(packages, render)


def _ckan_entry(srv: UpstreamServer, req: Req, **kw: str | None) -> Reply:
    return ckan_route(srv, req, kw.get("n"), kw.get("version"), kw["action"] or "")


ROUTES.append((re.compile(f"^{CKAN_RE}$"), _ckan_entry))


# --------------------------------------------------------------------------------------------------- DCAT
@endpoint(r"/dcat(?:/n/(?P<n>\d+))?/catalog\.(?P<ext>ttl|rdf|xml)")
def dcat_catalog(srv: UpstreamServer, req: Req, n: str | None, ext: str) -> Reply:
    catalogue = cat.Catalogue(srv.data, srv.changes.snapshot(), _size(srv, req, n))
    per = req.int("per_page", 100, 1, 1000)
    total = len(catalogue.entries)
    pages = max(1, math.ceil(total / per))
    page = req.int("page", 1, 1, pages + 1000)
    shown = [catalogue.record(e) for e in catalogue.entries[(page - 1) * per : page * per]]

    def link(p: int) -> str:
        return req.url_with(page=p, per_page=per)

    def render(items: list[Any], mode: str | None) -> bytes:
        paging = dcat.Paging(
            page_uri=link(page),
            total=0 if mode == "empty" else total,
            per_page=per,
            first=link(1),
            last=link(pages),
            next=link(page + 1) if mode is None and page < pages else None,
            previous=link(page - 1) if page > 1 else None,
        )
        triples = dcat.catalogue_triples(items, req.base_url, paging)
        text = dcat.to_turtle(triples) if ext == "ttl" else dcat.to_rdfxml(triples)
        return text.encode("utf-8")

    ctype = "text/turtle; charset=utf-8" if ext == "ttl" else "application/rdf+xml; charset=utf-8"
    return listing_reply(shown, render, content_type=ctype, kind="ttl" if ext == "ttl" else "rdf")


# --------------------------------------------------------------------------------------------------- control
def control(srv: UpstreamServer, req: Req) -> Reply:
    if not srv.allow_control:
        return error_reply(
            403, "control endpoints are disabled; start with --allow-control or TANGERANG_UPSTREAM_CONTROL=1"
        )
    action = req.path.removeprefix("/_control").strip("/")
    if action == "state" and req.method == "GET":
        return json_reply(state(srv))
    if req.method != "POST":
        return error_reply(405, f"use POST for /_control/{action}")
    body = req.json()
    if action == "faults":
        specs = body if isinstance(body, list) else [body]
        try:
            rules = [srv.faults.add(s if isinstance(s, dict) else {}) for s in specs]
        except ValueError as e:
            return error_reply(400, str(e))
        return json_reply(
            {"ok": True, "ditambahkan": [r.as_dict() for r in rules], "faults": srv.faults.as_list()}
        )
    if action == "reset":
        what = body.get("what", "all") if isinstance(body, dict) else "all"
        if what in ("all", "faults"):
            srv.faults.reset()
        if what in ("all", "changes"):
            with srv.changes.lock:
                fresh = cat.Changes()
                srv.changes.revisions, srv.changes.modified = fresh.revisions, fresh.modified
                srv.changes.removed, srv.changes.added_datasets = fresh.removed, fresh.added_datasets
                srv.changes.added_apps = fresh.added_apps
                srv.changes.personal = fresh.personal
                srv.changes.version += 1
        if what == "all":
            srv.requests.clear()
        return json_reply({"ok": True, **state(srv)})
    if action == "changes":
        try:
            result = apply_changes(srv, body)
        except ValueError as e:
            return error_reply(400, str(e))
        return json_reply({"ok": True, **result})
    return error_reply(404, f"unknown control action {action!r}")


def state(srv: UpstreamServer) -> dict[str, Any]:
    return {
        "_sample": SAMPLE_NOTICE,
        "seed": srv.seed,
        "ckan_datasets": srv.ckan_datasets,
        "clock": srv.clock,
        "active": srv.active,
        "faults": srv.faults.as_list(),
        "changes": srv.changes.as_dict(),
        "requests": list(srv.requests),
    }


def _resolve(srv: UpstreamServer, key: str, snap: cat.Changes) -> str | None:
    """Canonical key of a record: application id, or dataset name (CKAN uuids and app slugs accepted)."""
    app = srv.data.app_index.get(key)
    if app:
        return app["id"]
    for k, ts in snap.added_apps:
        a = cat.added_app(srv.data, k, ts)
        if key in (a["id"], a["slug"]):
            return a["id"]
    if any(d["id"] == key for d in srv.data.datasets) or GENERATED_RE.fullmatch(key):
        return key
    entry = cat.Catalogue(srv.data, snap, srv.ckan_datasets).lookup(key)
    return entry.name if entry else None


def apply_changes(srv: UpstreamServer, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    edit, remove = body.get("edit", []), body.get("remove", [])
    personal = body.get("pribadi", [])
    if not (
        isinstance(personal, list) and all(isinstance(x, str) and GENERATED_RE.fullmatch(x) for x in personal)
    ):
        raise ValueError("pribadi must be a list of generated dataset names (dataset-sampel-NNNNN)")
    add = body.get("add", 0)
    kind = body.get("kind", "dataset")
    modified = body.get("modified")
    if not (
        isinstance(edit, list) and isinstance(remove, list) and all(isinstance(x, str) for x in edit + remove)
    ):
        raise ValueError("edit and remove must be lists of ids")
    if isinstance(add, bool) or not isinstance(add, int) or not 0 <= add <= 100_000:
        raise ValueError("add must be an integer between 0 and 100000")
    if kind not in ("dataset", "aplikasi"):
        raise ValueError("kind must be 'dataset' or 'aplikasi'")
    if modified is not None:
        try:
            modified = cat.iso(
                dt.datetime.fromisoformat(str(modified).replace("Z", "+00:00")).astimezone(dt.timezone.utc)
            )
        except ValueError:
            raise ValueError("modified must be an ISO 8601 timestamp") from None
    snap = srv.changes.snapshot()
    unknown = [k for k in edit + remove if _resolve(srv, k, snap) is None]
    if unknown:
        raise ValueError(f"unknown ids: {', '.join(unknown)}")
    ch = srv.changes
    with ch.lock:
        ts = modified or srv.now()
        edited = []
        for key in edit:
            canon = _resolve(srv, key, snap) or key
            ch.revisions[canon] = ch.revisions.get(canon, 0) + 1
            ch.modified[canon] = ts
            edited.append(canon)
        added = []
        for _ in range(add):
            if kind == "dataset":
                k = len(ch.added_datasets) + 1
                ch.added_datasets.append((k, ts))
                added.append(f"dataset-tambahan-{k:03d}")
            else:
                k = len(ch.added_apps) + 1
                ch.added_apps.append((k, ts))
                added.append(cat.added_app(srv.data, k, ts)["id"])
        ch.personal.update(personal)
        removed = []
        for key in remove:
            canon = _resolve(srv, key, snap) or key
            ch.removed.add(canon)
            removed.append(canon)
        ch.version += 1
    return {"diedit": edited, "ditambah": added, "dihapus": removed, "pribadi": personal, "waktu": ts}


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
