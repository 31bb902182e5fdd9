"""Every endpoint through real HTTP on a random port; every pagination style walked to its end."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pandas as pd
import pytest

from sample_upstream import SAMPLE_NOTICE, SampleData, nik_is_valid, serve_in_thread
from sample_upstream.catalogue import DATA_APPS

from .conftest import Upstream, fetch


def test_index_health_and_sample_labels(upstream: Upstream) -> None:
    health = upstream.get("/healthz")
    assert (health.status, health.body) == (200, b"ok")
    page = upstream.get("/")
    assert page.status == 200 and SAMPLE_NOTICE in page.body.decode()
    assert "/registry/api/v1/aplikasi" in page.body.decode()
    index = upstream.get("/?format=json").json()
    assert index["_sample"] == SAMPLE_NOTICE and len(index["endpoint"]) > 10
    assert page.headers["X-Sample-Data"] == "true"
    assert upstream.get("/tidak-ada").status == 404


def test_registry_pages_walk_to_all_172_apps(upstream: Upstream) -> None:
    url: str | None = upstream.base + "/registry/api/v1/aplikasi?per_page=50"
    ids, pages = [], 0
    while url:
        body = fetch(url).json()
        assert body["_sample"] == SAMPLE_NOTICE and body["total"] == 172 and body["pages"] == 4
        ids += [a["id"] for a in body["data"]]
        url = body["next"]
        pages += 1
    assert pages == 4 and len(ids) == len(set(ids)) == 172
    one = upstream.get("/registry/api/v1/aplikasi/laksa").json()["data"]
    assert one["opd"] == "diskominfo" and one["dataset_url"].endswith("/apps/laksa/datasets")
    assert upstream.get(f"/registry/api/v1/aplikasi/{one['id']}").json()["data"]["slug"] == "laksa"
    assert upstream.get("/registry/api/v1/aplikasi/tidak-ada").status == 404
    egov = upstream.get("/registry/api/v1/aplikasi?kelompok=e-government&per_page=500").json()
    assert egov["total"] == 92 and {a["kelompok"] for a in egov["data"]} == {"e-government"}


def test_app_dataset_listings_add_up_and_every_data_url_answers(upstream: Upstream) -> None:
    apps = upstream.get("/apps").json()["data"]
    assert [a["slug"] for a in apps] == list(DATA_APPS)
    total = 0
    for app in apps:
        listing = fetch(app["dataset_url"]).json()
        assert listing["aplikasi"]["slug"] == app["slug"] and listing["total"] == len(listing["data"])
        total += listing["total"]
        for ds in listing["data"]:
            for key in (
                "id",
                "judul",
                "deskripsi",
                "sektor",
                "frekuensi",
                "klasifikasi",
                "cakupan_wilayah",
                "tingkat_penyajian",
                "satuan",
                "ukuran",
                "diperbarui",
                "url",
                "format",
            ):
                assert ds[key], (ds["id"], key)
            assert urlsplit(ds["url"]).netloc == urlsplit(upstream.base).netloc
            resp = fetch(ds["url"])
            assert resp.status == 200, ds["url"]
            ctype = resp.headers["Content-Type"]
            assert {"JSON": "json", "CSV": "text/csv", "XLSX": "spreadsheetml", "SQLite": "sqlite"}[
                ds["format"]
            ] in ctype
    assert total >= 60
    assert upstream.get("/apps/tidak-ada/datasets").status == 404


def test_laksa_aggregates_walk_by_page_and_filter_by_kecamatan(upstream: Upstream, data: SampleData) -> None:
    url: str | None = upstream.base + "/apps/laksa/api/pengaduan?tahun=2024&per_page=40"
    rows = []
    while url:
        body = fetch(url).json()
        rows += body["data"]
        url = body["next"]
    assert len(rows) == 156 and sum(r["jumlah_pengaduan"] for r in rows) == 14_012
    assert rows == data.laksa_aggregates[2024]
    one = upstream.get("/apps/laksa/api/pengaduan?tahun=2025&kecamatan=36.71.05").json()
    assert one["total"] == 12 and {r["kecamatan_nama"] for r in one["data"]} == {"Cipondoh"}
    assert upstream.get("/apps/laksa/api/pengaduan?tahun=1999").status == 404
    assert upstream.get("/apps/laksa/api/pengaduan?per_page=0").status == 400
    assert upstream.get("/apps/laksa/api/pengaduan?kecamatan=36.71.99").status == 404


def test_raw_laksa_records_carry_personal_data_in_json_and_csv(upstream: Upstream) -> None:
    body = upstream.get("/apps/laksa/api/pengaduan-mentah?per_page=500&page=3").json()
    assert body["total"] == 1500 and len(body["data"]) == 500 and body["next"] is None
    assert all(nik_is_valid(r["nik"]) and r["telepon"] and r["alamat"] for r in body["data"])
    resp = upstream.get("/apps/laksa/export/pengaduan-mentah-2025.csv")
    assert resp.headers["X-Sample-Data"] == "true"
    rows = list(csv.DictReader(io.StringIO(resp.body.decode("utf-8"))))
    assert len(rows) == 1500
    assert all(nik_is_valid(r["nik"]) for r in rows)
    assert {r["catatan"] for r in rows} == {SAMPLE_NOTICE}


def test_population_csv_and_xlsx(upstream: Upstream) -> None:
    resp = upstream.get("/apps/sobatdukcapil/export/penduduk-2025.csv")
    frame = pd.read_csv(io.BytesIO(resp.body), dtype={"kelurahan_kode": str, "kecamatan_kode": str})
    assert frame["jumlah_penduduk"].sum() == 1_957_349 and len(frame) == 208
    part = pd.read_csv(
        io.BytesIO(upstream.get("/apps/sobatdukcapil/export/penduduk-2025.csv?kecamatan=36.71.13").body),
        dtype=str,
    )
    assert set(part["kecamatan_nama"]) == {"Larangan"} and len(part) == 16
    xlsx = upstream.get("/apps/sobatdukcapil/export/penduduk-2025.xlsx")
    assert xlsx.headers["X-Sample-Data"] == "true"
    sheet = pd.read_excel(io.BytesIO(xlsx.body), sheet_name="penduduk")
    assert sheet["jumlah_penduduk"].sum() == 1_957_349
    assert openpyxl.load_workbook(io.BytesIO(xlsx.body))["catatan"]["A1"].value == SAMPLE_NOTICE
    assert upstream.get("/apps/sobatdukcapil/export/penduduk-2025.xlsx").body == xlsx.body


def test_kir_cursor_pagination_walks_to_the_end(upstream: Upstream, data: SampleData) -> None:
    url: str | None = upstream.base + "/apps/tangerang-ayo/api/uji-kir?tahun=2025&limit=500"
    ids = []
    while url:
        body = fetch(url).json()
        ids += [r["id"] for r in body["data"]]
        assert body["has_more"] == (body["next_cursor"] is not None)
        url = body["next"]
    assert ids == [r["id"] for r in data.kir_tests[2025]]
    assert upstream.get("/apps/tangerang-ayo/api/uji-kir?tahun=2025&cursor=%%%").status == 400


def test_job_fair_offset_pagination_follows_next(upstream: Upstream, data: SampleData) -> None:
    url: str | None = upstream.base + "/apps/tangerang-cakap-kerja/api/penempatan?tahun=2024&limit=100"
    rows = []
    while url:
        body = fetch(url).json()
        assert body["count"] == len(data.job_placements[2024])
        rows += body["results"]
        url = body["next"]
    assert rows == data.job_placements[2024]
    assert all(r["diterima"] <= r["lowongan"] for r in rows)


def test_prices_csv_is_windows_1252_with_semicolons(upstream: Upstream) -> None:
    resp = upstream.get("/apps/info-harga-pangan/export/harga-pangan-2025.csv")
    assert "windows-1252" in resp.headers["Content-Type"]
    with pytest.raises(UnicodeDecodeError):
        resp.body.decode("utf-8")
    text = resp.body.decode("cp1252")
    assert text.splitlines()[0].startswith("minggu;tanggal;pasar_kode;")
    assert "Pasar Anyar \u2013 Tangerang" in text and "½ kg" in text
    frame = pd.read_csv(io.BytesIO(resp.body), sep=";", encoding="cp1252")
    assert len(frame) == 52 * 6 * 12 and frame["harga_rp"].min() > 0
    market = pd.read_csv(
        io.BytesIO(
            upstream.get("/apps/info-harga-pangan/export/harga-pangan-2026.csv?pasar=pasar-ciledug").body
        ),
        sep=";",
        encoding="cp1252",
    )
    assert set(market["pasar_kode"]) == {"pasar-ciledug"}
    xlsx = pd.read_excel(
        io.BytesIO(upstream.get("/apps/info-harga-pangan/export/harga-pangan-2026.xlsx").body)
    )
    assert xlsx["tanggal"].max() <= "2026-10-31" and len(xlsx) > 0


def test_simpus_sqlite_download_and_csv(upstream: Upstream, tmp_path: Path) -> None:
    resp = upstream.get("/apps/simpus/export/simpus.sqlite")
    assert resp.body.startswith(b"SQLite format 3\x00")
    path = tmp_path / "download.sqlite"
    path.write_bytes(resp.body)
    con = sqlite3.connect(path)
    try:
        view_total = con.execute(
            "SELECT SUM(jumlah_kunjungan) FROM v_kunjungan_puskesmas WHERE kecamatan_kode = '36.71.01'"
        ).fetchone()[0]
    finally:
        con.close()
    frame = pd.read_csv(io.BytesIO(upstream.get("/apps/simpus/export/kunjungan.csv?kecamatan=36.71.01").body))
    assert frame["jumlah_kunjungan"].sum() == view_total > 0


def test_usage_csv_has_24_months_per_app(upstream: Upstream) -> None:
    frame = pd.read_csv(io.BytesIO(upstream.get("/apps/tangerang-live/export/pemakaian-aplikasi.csv").body))
    assert len(frame) == 172 * 24 and frame["aplikasi_id"].nunique() == 172


def test_generated_files_exist_only_for_generated_datasets(upstream: Upstream) -> None:
    assert upstream.get("/files/dataset-sampel-00070.json").json()["total"] == 13
    assert upstream.get("/files/dataset-sampel-00070.csv").status == 200
    assert upstream.get("/files/bukan-dataset.csv").status == 404


def test_control_is_off_unless_enabled() -> None:
    srv, base = serve_in_thread(0, allow_control=False)
    try:
        assert fetch(base + "/_control/state").status == 403
        assert fetch(base + "/_control/faults", method="POST", data={"fault": "500"}).status == 403
        assert fetch(base + "/healthz").status == 200
    finally:
        srv.shutdown()
        srv.server_close()
