"""The data endpoints of the applications under ``/apps/``: LAKSA complaints, SobatDukcapil population, KIR
vehicle tests, food prices, job-fair placements, SIMPUS visits and Tangerang LIVE usage."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import TYPE_CHECKING, Any

from . import exports, names, reference
from .data import SAMPLE_NOTICE, SampleData, sample_data
from .reply import Reply, csv_listing, dumps, listing_reply, page_listing, xlsx_listing
from .request import BadRequest, NotFound, Req
from .sqldb import build_sqlite

if TYPE_CHECKING:
    from .server import UpstreamServer

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

# The yearly exports by sheet name: their tables (per year) and columns.
YEARLY: dict[str, tuple[Callable[[SampleData], dict[int, list[dict[str, Any]]]], list[str]]] = {
    "penduduk": (lambda d: d.population, POP_COLUMNS),
    "harga": (lambda d: d.food_prices, PRICE_COLUMNS),
}


def _year(req: Req, available: Any) -> int:
    year = req.int("tahun", max(available), 1900, 2100)
    if year not in available:
        raise NotFound(f"tahun {year} tidak tersedia; tersedia: {sorted(available)}")
    return year


def _path_year(year: str, available: Any) -> int:
    y = int(year)
    if y not in available:
        raise NotFound(f"tahun {y} tidak tersedia")
    return y


def _kecamatan_filter(req: Req) -> str | None:
    code = req.query.get("kecamatan")
    if code and code not in {k.kode for k in reference.kecamatan()}:
        raise NotFound(f"kecamatan {code!r} tidak dikenal")
    return code or None


# -------------------------------------------------------------------------------------------- yearly exports
@lru_cache(maxsize=64)
def _whole_workbook(seed: int, sheet: str, year: int) -> bytes:
    tables, columns = YEARLY[sheet]
    return exports.xlsx_bytes(tables(sample_data(seed))[year], columns, sheet)


def _yearly_export(
    srv: UpstreamServer, sheet: str, stem: str, year: int, ext: str, field: str, value: str | None, **csv: str
) -> Reply:
    """One year of a table as ``<stem>-<year>[-<value>].csv|xlsx``, only the rows whose ``field`` is
    ``value`` if one is given; the whole year's workbook is made once."""
    tables, columns = YEARLY[sheet]
    rows = tables(srv.data)[year]
    if value:
        rows = [r for r in rows if r[field] == value]
    name = f"{stem}-{year}{'-' + value if value else ''}"
    if ext == "csv":
        return csv_listing(rows, columns, f"{name}.csv", **csv)
    whole = None if value else lambda: _whole_workbook(srv.seed, sheet, year)
    return xlsx_listing(rows, columns, sheet, f"{name}.xlsx", whole)


# --------------------------------------------------------------------------------------------------- LAKSA
def laksa_aggregates(srv: UpstreamServer, req: Req) -> Reply:
    year = _year(req, srv.data.laksa_aggregates)
    code = _kecamatan_filter(req)
    rows = [r for r in srv.data.laksa_aggregates[year] if code is None or r["kecamatan_kode"] == code]
    return page_listing(req, rows, {"tahun": year, "kecamatan": code})


def laksa_raw(srv: UpstreamServer, req: Req) -> Reply:
    _year(req, {2025})
    return page_listing(req, srv.data.laksa_raw, {"tahun": 2025})


def laksa_raw_csv(srv: UpstreamServer, req: Req) -> Reply:
    return csv_listing(srv.data.laksa_raw, LAKSA_RAW_COLUMNS, "pengaduan-mentah-2025.csv")


# --------------------------------------------------------------------------------------------------- Dukcapil
def population_export(srv: UpstreamServer, req: Req, year: str, ext: str) -> Reply:
    y = _path_year(year, srv.data.population)
    return _yearly_export(srv, "penduduk", "penduduk", y, ext, "kecamatan_kode", _kecamatan_filter(req))


# ------------------------------------------------------------------------------------------------- Dishub KIR
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
def prices(srv: UpstreamServer, req: Req, year: str, ext: str) -> Reply:
    y = _path_year(year, srv.data.food_prices)
    market = req.query.get("pasar")
    if market and market not in {m[0] for m in names.MARKETS}:
        raise NotFound(f"pasar {market!r} tidak dikenal")
    # Windows-1252 and ";" (for the CSV): what a spreadsheet on an OPD desktop exports.
    return _yearly_export(
        srv, "harga", "harga-pangan", y, ext, "pasar_kode", market, delimiter=";", encoding="cp1252"
    )


# --------------------------------------------------------------------------------------------------- Disnaker
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
@lru_cache(maxsize=4)
def _simpus_sqlite(seed: int) -> bytes:
    with TemporaryDirectory(prefix="sample-upstream-") as tmp:
        return build_sqlite(Path(tmp) / "simpus.sqlite", seed).read_bytes()


def simpus_sqlite(srv: UpstreamServer, req: Req) -> Reply:
    return Reply(
        body=_simpus_sqlite(srv.seed),
        content_type="application/vnd.sqlite3",
        kind="binary",
        headers={"Content-Disposition": 'attachment; filename="simpus.sqlite"'},
    )


@cache
def _visits_by_puskesmas(seed: int) -> list[dict[str, Any]]:
    data = sample_data(seed)
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


def visits_csv(srv: UpstreamServer, req: Req) -> Reply:
    code = _kecamatan_filter(req)
    rows = [r for r in _visits_by_puskesmas(srv.seed) if code is None or r["kecamatan_kode"] == code]
    return csv_listing(rows, VISIT_COLUMNS, f"kunjungan{'-' + code if code else ''}.csv")


# --------------------------------------------------------------------------------------------- Tangerang LIVE
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
