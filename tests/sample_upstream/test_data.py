"""The generators: deterministic, realistic in structure, valid against the reference code lists."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import create_engine, text

from sample_upstream import SAMPLE_NOTICE, SampleData, build_sqlite, load_sql, nik_is_valid
from sample_upstream import reference as ref
from sample_upstream.catalogue import DATA_APPS
from sample_upstream.exports import xlsx_bytes

PARTS = (
    "applications",
    "datasets",
    "laksa_aggregates",
    "laksa_raw",
    "population",
    "kir_tests",
    "food_prices",
    "job_placements",
    "puskesmas",
    "health_visits",
)


def _dump(d: SampleData) -> dict[str, str]:
    return {p: json.dumps(getattr(d, p), sort_keys=True, ensure_ascii=False) for p in PARTS}


def test_two_builds_are_identical_and_the_seed_matters(data: SampleData) -> None:
    first, second = _dump(data), _dump(SampleData(3671))
    assert first == second
    other = _dump(SampleData(1))
    assert other["applications"] != first["applications"]
    assert other["laksa_raw"] != first["laksa_raw"]


def test_registry_has_172_apps_split_92_80(data: SampleData) -> None:
    apps = data.applications
    assert len(apps) == 172
    assert Counter(a["kelompok"] for a in apps) == {"e-government": 92, "layanan-publik": 80}
    assert len({a["id"] for a in apps}) == 172
    assert len({a["slug"] for a in apps}) == 172
    assert len({a["nama"].lower() for a in apps}) == 172
    assert {a["opd"] for a in apps} <= set(ref.opd_by_slug())
    assert {a["status"] for a in apps} <= {"aktif", "dalam-kajian", "dihentikan"}
    assert all(a["platform"] and a["platform"][0]["platform"] == "web" for a in apps)
    assert all(re.fullmatch(r"[a-z0-9.-]+@[a-z0-9.-]+", a["kontak_email"]) for a in apps)
    public = [a for a in apps if a["kelompok"] == "layanan-publik"]
    assert sum(a["dalam_tangerang_live"] for a in public) > 0.7 * len(public)
    assert not any(a["dalam_tangerang_live"] for a in apps if a["kelompok"] == "e-government")


def test_known_apps_keep_their_identity(data: SampleData) -> None:
    by_name = {a["nama"]: a for a in data.applications}
    for row in ref.known_apps():
        app = by_name[row["nama"]]
        assert app["sample"] is False
        assert app["opd"] == row["opd"]
        assert app["kelompok"] == row["kelompok"]
        assert app["dalam_tangerang_live"] == (row["dalam_tangerang_live"] == "ya")
    assert sum(not a["sample"] for a in data.applications) == 18
    assert by_name["LAKSA (Layanan Aspirasi Kotak Saran Anda)"]["slug"] == "laksa"


def test_usage_has_24_months_and_some_apps_are_unused_or_falling(data: SampleData) -> None:
    for a in data.applications:
        months = [u["bulan"] for u in a["pemakaian"]]
        assert months[0] == "2024-11" and months[-1] == "2026-10" and len(months) == 24
        assert all(u["pengguna_aktif"] >= 0 and u["transaksi"] >= 0 for u in a["pemakaian"])
    unused = [a for a in data.applications if max(u["pengguna_aktif"] for u in a["pemakaian"][-3:]) < 20]
    falling = [
        a
        for a in data.applications
        if a["pemakaian"][0]["pengguna_aktif"] > 100
        and a["pemakaian"][-1]["pengguna_aktif"] < 0.35 * a["pemakaian"][0]["pengguna_aktif"]
    ]
    assert len(unused) >= 5
    assert len(falling) >= 5
    live = next(a for a in data.applications if a["slug"] == "tangerang-live")
    assert live["pemakaian"][-1]["pengguna_aktif"] > 100_000


def _all_area_codes(data: SampleData) -> set[str]:
    codes: set[str] = set()
    for rows in data.laksa_aggregates.values():
        codes |= {r["kecamatan_kode"] for r in rows}
    codes |= {r["kecamatan_kode"] for r in data.laksa_raw} | {r["kelurahan_kode"] for r in data.laksa_raw}
    for rows in data.population.values():
        codes |= {r["kecamatan_kode"] for r in rows} | {r["kelurahan_kode"] for r in rows}
    for rows in (*data.kir_tests.values(), *data.job_placements.values(), *data.food_prices.values()):
        codes |= {r["kecamatan_kode"] for r in rows}
    codes |= {p["kecamatan_kode"] for p in data.puskesmas} | {p["kelurahan_kode"] for p in data.puskesmas}
    for d in data.datasets:
        codes |= set(d["cakupan_wilayah"])
    return codes


def test_every_area_code_is_a_real_kemendagri_code(data: SampleData) -> None:
    valid = set(ref.area_by_code())
    used = _all_area_codes(data)
    assert used <= valid, used - valid
    assert all(re.fullmatch(r"36\.71(\.\d{2}(\.\d{4})?)?", c) for c in used)
    assert len(ref.kecamatan()) == 13 and len(ref.kelurahan()) == 104
    # Raw LAKSA kelurahan codes sit under the record's kecamatan.
    assert all(r["kelurahan_kode"].startswith(r["kecamatan_kode"] + ".") for r in data.laksa_raw)


def test_population_is_per_kelurahan_and_sex_and_sums_to_the_2025_total(data: SampleData) -> None:
    rows = data.population[2025]
    assert len(rows) == 104 * 2
    assert sum(r["jumlah_penduduk"] for r in rows) == 1_957_349
    assert {r["jenis_kelamin"] for r in rows} == {"laki-laki", "perempuan"}
    assert {r["kelurahan_kode"] for r in rows} == {k.kode for k in ref.kelurahan()}
    assert sum(r["jumlah_penduduk"] for r in data.population[2024]) < 1_957_349


def test_laksa_2024_matches_the_reported_volume(data: SampleData) -> None:
    rows = data.laksa_aggregates[2024]
    assert len(rows) == 13 * 12
    total = sum(r["jumlah_pengaduan"] for r in rows)
    assert total == 14_012
    assert sum(r["selesai"] for r in rows) / total == pytest.approx(0.9589, abs=0.0005)
    assert all(r["selesai"] + r["proses"] + r["menunggu"] == r["jumlah_pengaduan"] for r in rows)
    assert [r["bulan"] for r in data.laksa_aggregates[2026]][-1] == "2026-10"


def test_raw_laksa_niks_are_structurally_valid(data: SampleData) -> None:
    niks = [r["nik"] for r in data.laksa_raw]
    assert len(niks) == len(set(niks)) == 1500
    for r in data.laksa_raw:
        nik = r["nik"]
        assert nik_is_valid(nik), nik
        assert nik[:6] == "3671" + r["kecamatan_kode"][-2:]
    assert any(int(n[6:8]) > 40 for n in niks) and any(int(n[6:8]) <= 31 for n in niks)


@pytest.mark.parametrize(
    "nik",
    [
        "3671010101900000",  # serial 0000
        "3674010101900001",  # not Kota Tangerang
        "3671140101900001",  # no kecamatan 14
        "3671013102900001",  # 31 February
        "3671017202900001",  # 32 February for a woman
        "367101010190001",  # 15 digits
    ],
)
def test_nik_check_rejects_broken_numbers(nik: str) -> None:
    assert not nik_is_valid(nik)


def test_raw_laksa_phone_numbers_look_indonesian(data: SampleData) -> None:
    phone = re.compile(r"(\+62|0)8\d{2}-?\d{3,4}-?\d{3,5}")
    assert all(phone.fullmatch(r["telepon"]) for r in data.laksa_raw)
    assert any(r["telepon"].startswith("+628") for r in data.laksa_raw)
    assert any(r["telepon"].startswith("08") for r in data.laksa_raw)
    assert all("Kota Tangerang" in r["alamat"] and r["nama_pelapor"] for r in data.laksa_raw)


def test_at_least_60_datasets_linked_to_apps_with_valid_codes(data: SampleData) -> None:
    ds = data.datasets
    assert len(ds) >= 60
    assert len({d["id"] for d in ds}) == len(ds)
    assert set(Counter(d["aplikasi"] for d in ds)) == set(DATA_APPS)
    slugs = {a["slug"]: a for a in data.applications}
    for d in ds:
        assert d["opd"] == slugs[d["aplikasi"]]["opd"]
        assert d["sektor"] in ref.urusan()
        assert d["frekuensi"] in ref.frekuensi()
        assert d["klasifikasi"] in ref.klasifikasi()
        assert d["distribusi"] and all(x["path"].startswith("/") for x in d["distribusi"])
        assert "Data contoh" in d["deskripsi"]
        assert d["dibuat"] <= d["diperbarui"] <= "2026-10-31T23:59:59Z"
    formats = {x["format"] for d in ds for x in d["distribusi"]}
    assert formats == {"JSON", "CSV", "XLSX", "SQLite"}


def test_sqlite_database_has_tables_views_and_consistent_totals(tmp_path: Path, data: SampleData) -> None:
    path = build_sqlite(tmp_path / "simpus.sqlite")
    con = sqlite3.connect(path)
    try:
        objects = dict(con.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')"))
        assert {"puskesmas", "kunjungan_bulanan", "kecamatan", "layanan", "catatan"} <= set(objects)
        assert objects["v_kunjungan_kecamatan"] == objects["v_kunjungan_puskesmas"] == "view"
        total = sum(r["jumlah_kunjungan"] for r in data.health_visits)
        assert con.execute("SELECT SUM(jumlah_kunjungan) FROM v_kunjungan_kecamatan").fetchone()[0] == total
        assert con.execute("SELECT COUNT(*) FROM puskesmas").fetchone()[0] == 39
        assert (
            con.execute("SELECT COUNT(DISTINCT kecamatan_kode) FROM v_kunjungan_puskesmas").fetchone()[0]
            == 13
        )
        assert con.execute("SELECT nilai FROM catatan WHERE kunci = 'sampel'").fetchone()[0] == SAMPLE_NOTICE
    finally:
        con.close()
    # Loading again into the same database replaces rather than duplicates.
    counts = load_sql(f"sqlite:///{path}")
    con = sqlite3.connect(path)
    try:
        assert (
            con.execute("SELECT COUNT(*) FROM kunjungan_bulanan").fetchone()[0] == counts["kunjungan_bulanan"]
        )
    finally:
        con.close()
    assert counts["kunjungan_bulanan"] == len(data.health_visits)


@pytest.mark.skipif(
    not os.environ.get("TANGERANG_TEST_SQL_URL"), reason="set TANGERANG_TEST_SQL_URL to a database"
)
def test_load_sql_into_another_database(data: SampleData) -> None:
    # e.g. TANGERANG_TEST_SQL_URL=postgresql://postgres@127.0.0.1:5432/scratch (its tables get replaced)
    url = os.environ["TANGERANG_TEST_SQL_URL"]
    load_sql(url)
    counts = load_sql(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            total = conn.execute(text("SELECT SUM(jumlah_kunjungan) FROM v_kunjungan_kecamatan")).scalar()
            rows = conn.execute(text("SELECT COUNT(*) FROM kunjungan_bulanan")).scalar()
    finally:
        engine.dispose()
    assert rows == counts["kunjungan_bulanan"] == len(data.health_visits)
    assert total == sum(r["jumlah_kunjungan"] for r in data.health_visits)


def test_xlsx_export_is_byte_identical_and_labelled() -> None:
    rows = [{"a": 1, "b": "Cipondoh"}, {"a": 2, "b": "Larangan"}]
    first, second = xlsx_bytes(rows, ["a", "b"], "data"), xlsx_bytes(rows, ["a", "b"], "data")
    assert first == second
    wb = openpyxl.load_workbook(io.BytesIO(first))
    assert wb.sheetnames == ["data", "catatan"]
    assert [c.value for c in wb["data"][1]] == ["a", "b", "catatan"]
    assert wb["data"]["C2"].value == SAMPLE_NOTICE
    assert wb["catatan"]["A1"].value == SAMPLE_NOTICE


def test_reference_copies_are_the_shared_files() -> None:
    # The project must not read ../shared at run time; the copies must still say where they come from.
    sources = (ref.DATA_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for name in ("wilayah_3671.csv", "opd_tangerang.csv", "aplikasi_dikenal.csv", "urusan_pemerintahan.csv"):
        assert name in sources
        with (ref.DATA_DIR / name).open(encoding="utf-8") as fh:
            assert next(csv.reader(fh))
