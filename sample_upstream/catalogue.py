"""Dataset descriptions: what each application exposes, and the catalogue served by the CKAN and DCAT
endpoints.

A dataset record is a plain dict (shape in README.md, "dataset record"); distribution URLs are kept as paths
and made absolute per request, so the same data serves any host and port. The CKAN/DCAT catalogue is the
application datasets followed, when a larger size is asked for, by generated "dataset-sampel-NNNNN" records
that are built only when a page needs them: sorting and filtering work on small ``Entry`` tuples."""

from __future__ import annotations

import copy
import datetime as dt
import random
import threading
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from . import names, reference
from .data import SAMPLE_NOTICE, SAMPLE_NOW, iso, slugify

if TYPE_CHECKING:
    from .data import SampleData

NS = uuid.UUID("5c3b1f0e-3671-4d1a-9a7e-7a6e67657261")  # fixed namespace: stable CKAN ids across runs

# Applications that have data endpoints; added datasets are spread over them in this order.
DATA_APPS = (
    "laksa",
    "sobatdukcapil",
    "tangerang-ayo",
    "info-harga-pangan",
    "tangerang-cakap-kerja",
    "simpus",
    "tangerang-live",
)

ACCESS_RIGHTS = {
    "terbuka": "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
    "terbatas": "http://publications.europa.eu/resource/authority/access-right/RESTRICTED",
    "tertutup": "http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC",
}
MEDIA_TYPES = {
    "JSON": "application/json",
    "CSV": "text/csv",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "SQLite": "application/vnd.sqlite3",
}


def _ts(rng: random.Random, start: dt.datetime, end: dt.datetime) -> str:
    span = int((end - start).total_seconds())
    return iso(start + dt.timedelta(seconds=rng.randint(0, span)))


def _utc(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, tzinfo=dt.timezone.utc)


def _dist(path: str, fmt: str, title: str, **extra: Any) -> dict[str, Any]:
    return {"judul": title, "path": path, "format": fmt, "media_type": MEDIA_TYPES[fmt], **extra}


# ----------------------------------------------------------------------------------------------- app datasets
def build_app_datasets(data: SampleData) -> list[dict[str, Any]]:
    """Every dataset the data applications expose: at least 60, linked to their application and OPD."""
    rng = data.rng("datasets")
    kec = reference.kecamatan()
    out: list[dict[str, Any]] = []

    def add(**kw: Any) -> None:
        year = kw.get("tahun")
        if year and year < 2026:
            created = _ts(rng, _utc(year, 1, 5), _utc(year, 3, 1))
            modified = _ts(rng, _utc(year + 1, 1, 5), _utc(year + 1, 2, 15))
        else:
            created = _ts(rng, _utc(2026, 1, 5), _utc(2026, 2, 1))
            modified = _ts(rng, _utc(2026, 10, 20), SAMPLE_NOW)
        app = data.app_index[kw["aplikasi"]]
        kw["deskripsi"] = f"{kw['deskripsi']} Data contoh (sample data), bukan data resmi Pemkot Tangerang."
        out.append(
            {
                "id": kw.pop("id"),
                "judul": kw.pop("judul"),
                "deskripsi": kw.pop("deskripsi"),
                "aplikasi": app["slug"],
                "aplikasi_id": app["id"],
                "opd": app["opd"],
                **kw,
                "dibuat": created,
                "diperbarui": modified,
            }
        )

    def freq(year: int, current: str) -> str:
        return current if year == 2026 else "tahunan"

    # LAKSA (Diskominfo): aggregates per year, per kecamatan for 2025, and raw records with personal data.
    for year in (2024, 2025, 2026):
        add(
            id=f"laksa-pengaduan-per-kecamatan-{year}",
            aplikasi="laksa",
            tahun=year,
            judul=f"Jumlah Pengaduan LAKSA per Kecamatan dan Bulan Tahun {year}",
            deskripsi=f"Rekapitulasi pengaduan warga melalui LAKSA per kecamatan dan bulan tahun {year}, "
            "dengan status selesai, proses dan menunggu.",
            sektor="2.16",
            frekuensi=freq(year, "bulanan"),
            klasifikasi="terbuka",
            cakupan_wilayah=["36.71"],
            tingkat_penyajian="kecamatan",
            satuan="pengaduan",
            ukuran="jumlah",
            kata_kunci=["pengaduan", "laksa", "aspirasi warga"],
            distribusi=[
                _dist(
                    f"/apps/laksa/api/pengaduan?tahun={year}",
                    "JSON",
                    "API pengaduan per kecamatan",
                    paginasi="page",
                )
            ],
        )
    for k in kec:
        add(
            id=f"laksa-pengaduan-2025-kecamatan-{slugify(k.nama)}",
            aplikasi="laksa",
            tahun=2025,
            judul=f"Jumlah Pengaduan LAKSA Kecamatan {k.nama} Tahun 2025",
            deskripsi=f"Pengaduan warga Kecamatan {k.nama} melalui LAKSA per bulan tahun 2025.",
            sektor="2.16",
            frekuensi="tahunan",
            klasifikasi="terbuka",
            cakupan_wilayah=[k.kode],
            tingkat_penyajian="kecamatan",
            satuan="pengaduan",
            ukuran="jumlah",
            kata_kunci=["pengaduan", "laksa", k.nama.lower()],
            distribusi=[
                _dist(
                    f"/apps/laksa/api/pengaduan?tahun=2025&kecamatan={k.kode}",
                    "JSON",
                    f"API pengaduan Kecamatan {k.nama}",
                    paginasi="page",
                )
            ],
        )
    # The raw records are declared "terbuka" by the (sample) application although they hold NIK, phone
    # numbers, names and addresses: exactly the mistake the portal's personal-data guard has to catch.
    add(
        id="laksa-pengaduan-mentah-2025",
        aplikasi="laksa",
        tahun=2025,
        judul="Data Pengaduan LAKSA Tahun 2025 (rekaman mentah)",
        deskripsi="Rekaman pengaduan LAKSA per laporan, termasuk identitas pelapor.",
        sektor="2.16",
        frekuensi="harian",
        klasifikasi="terbuka",
        cakupan_wilayah=["36.71"],
        tingkat_penyajian="individu",
        satuan="pengaduan",
        ukuran="rekaman",
        kata_kunci=["pengaduan", "laksa"],
        distribusi=[
            _dist(
                "/apps/laksa/api/pengaduan-mentah?tahun=2025",
                "JSON",
                "API rekaman pengaduan",
                paginasi="page",
            )
        ],
    )
    add(
        id="laksa-ekspor-pengaduan-mentah-2025",
        aplikasi="laksa",
        tahun=2025,
        judul="Ekspor Pengaduan LAKSA Tahun 2025 (CSV)",
        deskripsi="Ekspor CSV rekaman pengaduan LAKSA per laporan, termasuk identitas pelapor.",
        sektor="2.16",
        frekuensi="harian",
        klasifikasi="terbuka",
        cakupan_wilayah=["36.71"],
        tingkat_penyajian="individu",
        satuan="pengaduan",
        ukuran="rekaman",
        kata_kunci=["pengaduan", "laksa", "ekspor"],
        distribusi=[
            _dist(
                "/apps/laksa/export/pengaduan-mentah-2025.csv",
                "CSV",
                "Ekspor CSV",
                encoding="utf-8",
                delimiter=",",
            )
        ],
    )

    # Disdukcapil (SobatDukcapil): population per kelurahan and sex.
    common_pop = {
        "aplikasi": "sobatdukcapil",
        "sektor": "2.12",
        "klasifikasi": "terbuka",
        "tingkat_penyajian": "kelurahan",
        "satuan": "jiwa",
        "ukuran": "jumlah",
    }
    add(
        id="penduduk-kelurahan-jenis-kelamin-2025",
        tahun=2025,
        frekuensi="semesteran",
        cakupan_wilayah=["36.71"],
        judul="Jumlah Penduduk per Kelurahan dan Jenis Kelamin Tahun 2025",
        deskripsi="Jumlah penduduk Kota Tangerang per kelurahan dan jenis kelamin (DKB semester I 2025).",
        kata_kunci=["penduduk", "kependudukan", "kelurahan"],
        distribusi=[
            _dist(
                "/apps/sobatdukcapil/export/penduduk-2025.csv",
                "CSV",
                "Ekspor CSV",
                encoding="utf-8",
                delimiter=",",
            )
        ],
        **common_pop,
    )
    add(
        id="penduduk-kelurahan-jenis-kelamin-2025-excel",
        tahun=2025,
        frekuensi="semesteran",
        cakupan_wilayah=["36.71"],
        judul="Jumlah Penduduk per Kelurahan dan Jenis Kelamin Tahun 2025 (Excel)",
        deskripsi="Ekspor Excel jumlah penduduk per kelurahan dan jenis kelamin tahun 2025.",
        kata_kunci=["penduduk", "kependudukan", "excel"],
        distribusi=[
            _dist("/apps/sobatdukcapil/export/penduduk-2025.xlsx", "XLSX", "Ekspor Excel", lembar="penduduk")
        ],
        **common_pop,
    )
    add(
        id="penduduk-kelurahan-jenis-kelamin-2024",
        tahun=2024,
        frekuensi="tahunan",
        cakupan_wilayah=["36.71"],
        judul="Jumlah Penduduk per Kelurahan dan Jenis Kelamin Tahun 2024",
        deskripsi="Jumlah penduduk Kota Tangerang per kelurahan dan jenis kelamin tahun 2024.",
        kata_kunci=["penduduk", "kependudukan", "kelurahan"],
        distribusi=[
            _dist(
                "/apps/sobatdukcapil/export/penduduk-2024.csv",
                "CSV",
                "Ekspor CSV",
                encoding="utf-8",
                delimiter=",",
            )
        ],
        **common_pop,
    )
    for k in kec:
        add(
            id=f"penduduk-2025-kecamatan-{slugify(k.nama)}",
            tahun=2025,
            frekuensi="semesteran",
            cakupan_wilayah=[k.kode],
            judul=f"Jumlah Penduduk Kecamatan {k.nama} per Kelurahan Tahun 2025",
            deskripsi=f"Jumlah penduduk per kelurahan dan jenis kelamin di Kecamatan {k.nama}, 2025.",
            kata_kunci=["penduduk", "kependudukan", k.nama.lower()],
            distribusi=[
                _dist(
                    f"/apps/sobatdukcapil/export/penduduk-2025.csv?kecamatan={k.kode}",
                    "CSV",
                    "Ekspor CSV",
                    encoding="utf-8",
                    delimiter=",",
                )
            ],
            **common_pop,
        )

    # Dishub (Tangerang Ayo / e-KIR): vehicle tests, cursor pagination.
    for year in (2024, 2025, 2026):
        add(
            id=f"uji-kir-kendaraan-{year}",
            aplikasi="tangerang-ayo",
            tahun=year,
            judul=f"Hasil Uji Berkala Kendaraan Bermotor (KIR) Tahun {year}",
            deskripsi=f"Hasil uji KIR kendaraan wajib uji di Kota Tangerang tahun {year}.",
            sektor="2.15",
            frekuensi=freq(year, "harian"),
            klasifikasi="terbuka",
            cakupan_wilayah=["36.71"],
            tingkat_penyajian="individu",
            satuan="kendaraan",
            ukuran="rekaman",
            kata_kunci=["kir", "uji kendaraan", "perhubungan"],
            distribusi=[
                _dist(
                    f"/apps/tangerang-ayo/api/uji-kir?tahun={year}", "JSON", "API uji KIR", paginasi="cursor"
                )
            ],
        )

    # Disperindagkop UKM (Info Harga Pangan): weekly prices, XLSX and a Windows-1252 CSV with ";".
    common_price = {
        "aplikasi": "info-harga-pangan",
        "sektor": "3.30",
        "klasifikasi": "terbuka",
        "satuan": "rupiah",
        "ukuran": "harga",
    }
    for year in (2025, 2026):
        add(
            id=f"harga-pangan-mingguan-{year}",
            tahun=year,
            frekuensi=freq(year, "mingguan"),
            cakupan_wilayah=["36.71"],
            tingkat_penyajian="fasilitas",
            judul=f"Harga Bahan Pokok Mingguan di Pasar Kota Tangerang Tahun {year}",
            deskripsi=f"Harga eceran bahan pokok per pasar dan minggu tahun {year}.",
            kata_kunci=["harga pangan", "bahan pokok", "pasar"],
            distribusi=[
                _dist(
                    f"/apps/info-harga-pangan/export/harga-pangan-{year}.xlsx",
                    "XLSX",
                    "Ekspor Excel",
                    lembar="harga",
                )
            ],
            **common_price,
        )
    add(
        id="harga-pangan-mingguan-2025-csv",
        tahun=2025,
        frekuensi="tahunan",
        cakupan_wilayah=["36.71"],
        tingkat_penyajian="fasilitas",
        judul="Harga Bahan Pokok Mingguan di Pasar Kota Tangerang Tahun 2025 (CSV)",
        deskripsi="Ekspor CSV (pemisah titik koma, Windows-1252) harga bahan pokok per pasar dan minggu "
        "2025.",
        kata_kunci=["harga pangan", "bahan pokok", "csv"],
        distribusi=[
            _dist(
                "/apps/info-harga-pangan/export/harga-pangan-2025.csv",
                "CSV",
                "Ekspor CSV",
                encoding="windows-1252",
                delimiter=";",
            )
        ],
        **common_price,
    )
    for slug, market, kec_code in names.MARKETS:
        add(
            id=f"harga-pangan-2026-{slug}",
            tahun=2026,
            frekuensi="mingguan",
            cakupan_wilayah=[kec_code],
            tingkat_penyajian="fasilitas",
            judul=f"Harga Bahan Pokok Mingguan {market} Tahun 2026",
            deskripsi=f"Harga eceran bahan pokok per minggu di {market}, 2026.",
            kata_kunci=["harga pangan", "pasar", slug.replace("-", " ")],
            distribusi=[
                _dist(
                    f"/apps/info-harga-pangan/export/harga-pangan-2026.csv?pasar={slug}",
                    "CSV",
                    "Ekspor CSV",
                    encoding="windows-1252",
                    delimiter=";",
                )
            ],
            **common_price,
        )

    # Disnaker (Tangerang Cakap Kerja): job-fair placements, offset/limit pagination.
    for year in (2023, 2024, 2025):
        add(
            id=f"penempatan-job-fair-{year}",
            aplikasi="tangerang-cakap-kerja",
            tahun=year,
            judul=f"Penempatan Tenaga Kerja melalui Job Fair Tahun {year}",
            deskripsi=f"Lowongan, pelamar dan pelamar diterima per perusahaan pada job fair Kota Tangerang "
            f"{year}.",
            sektor="2.07",
            frekuensi="tahunan",
            klasifikasi="terbuka",
            cakupan_wilayah=["36.71"],
            tingkat_penyajian="kota",
            satuan="orang",
            ukuran="jumlah",
            kata_kunci=["job fair", "tenaga kerja", "lowongan"],
            distribusi=[
                _dist(
                    f"/apps/tangerang-cakap-kerja/api/penempatan?tahun={year}",
                    "JSON",
                    "API penempatan",
                    paginasi="offset",
                )
            ],
        )

    # Dinkes (SIMPUS): puskesmas visits from a SQL database, also as CSV.
    common_visit = {
        "aplikasi": "simpus",
        "sektor": "1.02",
        "klasifikasi": "terbuka",
        "satuan": "kunjungan",
        "ukuran": "jumlah",
        "tahun": 2026,
    }
    add(
        id="kunjungan-puskesmas-bulanan",
        frekuensi="bulanan",
        cakupan_wilayah=["36.71"],
        tingkat_penyajian="kecamatan",
        judul="Jumlah Kunjungan Puskesmas per Kecamatan, Bulan dan Layanan",
        deskripsi="Kunjungan pasien puskesmas se-Kota Tangerang per kecamatan, bulan dan jenis layanan, "
        "Januari 2024 sampai Oktober 2026.",
        kata_kunci=["puskesmas", "kesehatan", "kunjungan"],
        sql={"tabel": "v_kunjungan_kecamatan", "kueri": "SELECT * FROM v_kunjungan_kecamatan"},
        distribusi=[
            _dist("/apps/simpus/export/simpus.sqlite", "SQLite", "Basis data SIMPUS (SQLite)"),
            _dist("/apps/simpus/export/kunjungan.csv", "CSV", "Ekspor CSV", encoding="utf-8", delimiter=","),
        ],
        **common_visit,
    )
    for k in kec:
        add(
            id=f"kunjungan-puskesmas-kecamatan-{slugify(k.nama)}",
            frekuensi="bulanan",
            cakupan_wilayah=[k.kode],
            tingkat_penyajian="fasilitas",
            judul=f"Jumlah Kunjungan Puskesmas di Kecamatan {k.nama} per Bulan",
            deskripsi=f"Kunjungan pasien per puskesmas di Kecamatan {k.nama} per bulan dan jenis layanan.",
            kata_kunci=["puskesmas", "kesehatan", k.nama.lower()],
            sql={
                "tabel": "v_kunjungan_puskesmas",
                # A published example query over a code from the reference list; this server never runs it.
                "kueri": f"SELECT * FROM v_kunjungan_puskesmas WHERE kecamatan_kode = '{k.kode}'",  # noqa: S608
            },
            distribusi=[
                _dist("/apps/simpus/export/simpus.sqlite", "SQLite", "Basis data SIMPUS (SQLite)"),
                _dist(
                    f"/apps/simpus/export/kunjungan.csv?kecamatan={k.kode}",
                    "CSV",
                    "Ekspor CSV",
                    encoding="utf-8",
                    delimiter=",",
                ),
            ],
            # Facility-level counts are for the health office first: the demo's terbatas datasets (metadata
            # public, tables and files for Dinkes only).
            **{**common_visit, "klasifikasi": "terbatas"},
        )

    # Tangerang LIVE: the application registry itself and monthly usage of every application.
    add(
        id="daftar-aplikasi-kota-tangerang",
        aplikasi="tangerang-live",
        tahun=2026,
        frekuensi="bulanan",
        judul="Daftar Aplikasi Pemerintah Kota Tangerang",
        deskripsi="Daftar aplikasi e-government dan layanan publik Kota Tangerang beserta OPD pemilik.",
        sektor="2.16",
        klasifikasi="terbuka",
        cakupan_wilayah=["36.71"],
        tingkat_penyajian="kota",
        satuan="aplikasi",
        ukuran="jumlah",
        kata_kunci=["aplikasi", "e-government", "tangerang live"],
        distribusi=[_dist("/registry/api/v1/aplikasi", "JSON", "API registri aplikasi", paginasi="page")],
    )
    add(
        id="pemakaian-aplikasi-bulanan",
        aplikasi="tangerang-live",
        tahun=2026,
        frekuensi="bulanan",
        judul="Pemakaian Aplikasi Kota Tangerang per Bulan",
        deskripsi="Pengguna aktif dan transaksi per aplikasi per bulan, 24 bulan terakhir.",
        sektor="2.16",
        klasifikasi="terbuka",
        cakupan_wilayah=["36.71"],
        tingkat_penyajian="kota",
        satuan="pengguna",
        ukuran="jumlah",
        kata_kunci=["aplikasi", "pemakaian", "pengguna aktif"],
        distribusi=[
            _dist(
                "/apps/tangerang-live/export/pemakaian-aplikasi.csv",
                "CSV",
                "Ekspor CSV",
                encoding="utf-8",
                delimiter=",",
            )
        ],
    )
    return out


def render_dataset(ds: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The public JSON form of a dataset record: absolute URLs, the first distribution as
    ``url``/``format``."""
    out = {k: v for k, v in ds.items() if k != "distribusi"}
    dists = []
    for d in ds["distribusi"]:
        d = dict(d)
        d["url"] = base_url + d.pop("path")
        dists.append(d)
    out["url"] = dists[0]["url"]
    out["format"] = dists[0]["format"]
    out["distribusi"] = dists
    return out


# -------------------------------------------------------------------------------------------------- generated
def _generated_record(
    seed: int,
    name: str,
    rng_key: str,
    created: str | None = None,
    modified: str | None = None,
    aplikasi: str | None = None,
) -> dict[str, Any]:
    rng = random.Random(f"{seed}:{rng_key}")  # noqa: S311 - sample data
    opd_slug = rng.choice(sorted(names.APP_TOPICS))
    topic, desc = rng.choice(names.APP_TOPICS[opd_slug])
    kec = rng.choice(reference.kecamatan())
    year = rng.randint(2019, 2026)
    sektor = reference.opd_by_slug()[opd_slug]["urusan"].split(";")[0]
    c = created or _ts(rng, _utc(2023, 1, 1), _utc(2025, 12, 31))
    m = modified or _ts(rng, dt.datetime.fromisoformat(c.replace("Z", "+00:00")), SAMPLE_NOW)
    formats = rng.sample(["CSV", "JSON", "XLSX"], rng.randint(1, 3))
    return {
        "id": name,
        "judul": f"Data {topic} Kecamatan {kec.nama} Tahun {year} ({name})",
        "deskripsi": f"Data contoh tentang {desc} di Kecamatan {kec.nama} tahun {year}. "
        "Data contoh (sample data), bukan data resmi Pemkot Tangerang.",
        "aplikasi": aplikasi or "satu-data",
        "aplikasi_id": None,
        "opd": opd_slug,
        "sektor": sektor,
        "frekuensi": rng.choice(("bulanan", "triwulanan", "tahunan", "tidak-tetap")),
        "klasifikasi": "terbuka",
        "cakupan_wilayah": [kec.kode],
        "tingkat_penyajian": "kecamatan",
        "satuan": rng.choice(("unit", "orang", "kegiatan", "dokumen")),
        "ukuran": "jumlah",
        "tahun": year,
        "kata_kunci": [slugify(topic).replace("-", " "), kec.nama.lower(), "data contoh"],
        "distribusi": [_dist(f"/files/{name}.{f.lower()}", f, f"Berkas {f}") for f in formats],
        "dibuat": c,
        "diperbarui": m,
    }


def bench_name(i: int) -> str:
    return f"dataset-sampel-{i:05d}"


def bench_record(seed: int, i: int) -> dict[str, Any]:
    return _generated_record(seed, bench_name(i), f"ckan:{i}")


def added_record(seed: int, k: int, ts: str) -> dict[str, Any]:
    return _generated_record(
        seed,
        f"dataset-tambahan-{k:03d}",
        f"tambahan:{k}",
        created=ts,
        modified=ts,
        aplikasi=DATA_APPS[(k - 1) % len(DATA_APPS)],
    )


def added_app(data: SampleData, k: int, ts: str) -> dict[str, Any]:
    rng = data.rng(f"app-tambahan:{k}")
    opd_slug = rng.choice(sorted(names.APP_TOPICS))
    topic, desc = rng.choice(names.APP_TOPICS[opd_slug])
    number = len(data.applications) + k
    slug = f"aplikasi-tambahan-{k:03d}"
    return {
        "id": f"apl-{number:03d}",
        "slug": slug,
        "nama": f"Layanan {topic} Baru {k} (contoh)",
        "deskripsi": f"Aplikasi baru untuk {desc}. Aplikasi contoh.",
        "opd": opd_slug,
        "opd_nama": reference.opd_by_slug()[opd_slug]["nama"],
        "kelompok": "layanan-publik",
        "platform": [{"platform": "web", "url": f"https://{slug}.tangerangkota.example"}],
        "dalam_tangerang_live": True,
        "status": "aktif",
        "tahun_peluncuran": 2026,
        "kontak_email": f"layanan.{opd_slug}@tangerangkota.example",
        "sample": True,
        "pemakaian": [
            {"bulan": m["bulan"], "pengguna_aktif": 0, "transaksi": 0}
            for m in data.applications[0]["pemakaian"]
        ],
        "diperbarui": ts,
    }


# --------------------------------------------------------------------------------------------------- changes
@dataclass
class Changes:
    """Edits, additions and removals requested through ``POST /_control/changes``.

    Content is deterministic: the k-th added dataset and the r-th revision of a record always look the same;
    only the timestamps come from the server's clock (or from the request)."""

    revisions: dict[str, int] = field(default_factory=dict)
    modified: dict[str, str] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    added_datasets: list[tuple[int, str]] = field(default_factory=list)
    added_apps: list[tuple[int, str]] = field(default_factory=list)
    personal: set[str] = field(default_factory=set)  # generated datasets whose files hold personal data
    version: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def snapshot(self) -> Changes:
        with self.lock:
            return Changes(
                dict(self.revisions),
                dict(self.modified),
                set(self.removed),
                list(self.added_datasets),
                list(self.added_apps),
                set(self.personal),
                self.version,
            )

    def as_dict(self) -> dict[str, Any]:
        snap = self.snapshot()
        return {
            "revisi": snap.revisions,
            "diperbarui": snap.modified,
            "dihapus": sorted(snap.removed),
            "dataset_tambahan": [f"dataset-tambahan-{k:03d}" for k, _ in snap.added_datasets],
            "aplikasi_tambahan": [k for k, _ in snap.added_apps],
            "pribadi": sorted(snap.personal),
            "versi": snap.version,
        }


def apply_edit(
    record: dict[str, Any], changes: Changes, keys: tuple[str, ...], title_key: str | None, stamp_key: str
) -> dict[str, Any]:
    """Return ``record`` with its revisions applied (a copy when edited)."""
    rev_key = next((k for k in keys if k in changes.revisions), None)
    if rev_key is None:
        return record
    rev = changes.revisions[rev_key]
    out = copy.deepcopy(record)
    if title_key:
        out[title_key] = f"{out[title_key]} (revisi {rev})"
    out["deskripsi"] = f"{out['deskripsi']} Diperbarui: revisi {rev}."
    out[stamp_key] = changes.modified[rev_key]
    return out


# -------------------------------------------------------------------------------------------------- catalogue
class Entry(NamedTuple):
    """What sorting and filtering need, without building the full dataset."""

    uuid: str
    name: str
    opd: str
    sektor: str
    created: str
    modified: str
    kind: str  # "app" | "bench" | "added"
    index: int


def package_uuid(name: str) -> str:
    return str(uuid.uuid5(NS, f"dataset:{name}"))


def org_uuid(slug: str) -> str:
    return str(uuid.uuid5(NS, f"org:{slug}"))


def group_name(sektor: str) -> str:
    return slugify(reference.urusan()[sektor]["nama"])


BENCH_CHUNK = 500


@lru_cache(maxsize=512)
def _bench_chunk(seed: int, chunk: int) -> tuple[Entry, ...]:
    # Cached in chunks so that catalogues of different sizes share the work (the 1,000 of 10,000, say).
    out = []
    for i in range(chunk * BENCH_CHUNK, (chunk + 1) * BENCH_CHUNK):
        r = bench_record(seed, i)
        out.append(
            Entry(
                package_uuid(r["id"]),
                r["id"],
                r["opd"],
                r["sektor"],
                r["dibuat"],
                r["diperbarui"],
                "bench",
                i,
            )
        )
    return tuple(out)


def _bench_entries(seed: int, start: int, stop: int) -> list[Entry]:
    out: list[Entry] = []
    for chunk in range(start // BENCH_CHUNK, (stop - 1) // BENCH_CHUNK + 1):
        base = chunk * BENCH_CHUNK
        out.extend(_bench_chunk(seed, chunk)[max(0, start - base) : stop - base])
    return out


class Catalogue:
    """The CKAN/DCAT view of one request: ``n`` datasets (default: the application datasets) plus changes."""

    def __init__(self, data: SampleData, changes: Changes, n: int | None) -> None:
        self.data = data
        self.changes = changes
        app_ds = data.datasets
        size = len(app_ds) if n is None else max(0, n)
        entries = [
            Entry(
                package_uuid(d["id"]), d["id"], d["opd"], d["sektor"], d["dibuat"], d["diperbarui"], "app", i
            )
            for i, d in enumerate(app_ds[:size])
        ]
        if size > len(app_ds):
            entries.extend(_bench_entries(data.seed, len(app_ds), size))
        for k, ts in changes.added_datasets:
            r = added_record(data.seed, k, ts)
            entries.append(Entry(package_uuid(r["id"]), r["id"], r["opd"], r["sektor"], ts, ts, "added", k))
        if changes.removed:
            entries = [e for e in entries if e.name not in changes.removed]
        if changes.modified:
            entries = [
                e._replace(modified=changes.modified[e.name]) if e.name in changes.modified else e
                for e in entries
            ]
        self.entries = entries
        self._by_key: dict[str, Entry] | None = None

    def lookup(self, key: str) -> Entry | None:
        if self._by_key is None:
            self._by_key = {e.name: e for e in self.entries} | {e.uuid: e for e in self.entries}
        return self._by_key.get(key)

    def record(self, e: Entry) -> dict[str, Any]:
        if e.kind == "app":
            r = self.data.datasets[e.index]
        elif e.kind == "bench":
            r = bench_record(self.data.seed, e.index)
        else:
            r = added_record(self.data.seed, e.index, e.created)
        return apply_edit(r, self.changes, (r["id"],), "judul", "diperbarui")


def organization_dict(slug: str, base_url: str) -> dict[str, Any]:
    o = reference.opd_by_slug()[slug]
    return {
        "id": org_uuid(slug),
        "name": slug,
        "title": o["nama"],
        "display_name": o["nama"],
        "description": f"{o['nama']} ({o['singkatan']}), Pemerintah Kota Tangerang. {SAMPLE_NOTICE}",
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
        "created": "2024-01-01T00:00:00.000000",
        "package_count": None,
        "extras": [{"key": "singkatan", "value": o["singkatan"]}],
        "url": f"{base_url}/ckan/organization/{slug}",
    }


def group_dict(sektor: str) -> dict[str, Any]:
    u = reference.urusan()[sektor]
    return {
        "id": str(uuid.uuid5(NS, f"group:{sektor}")),
        "name": group_name(sektor),
        "title": u["nama"],
        "display_name": u["nama"],
        "description": f"Urusan {sektor} {u['nama']} ({u['kelompok']}).",
        "type": "group",
        "is_organization": False,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
        "created": "2024-01-01T00:00:00.000000",
    }


def group_by_name(name: str) -> dict[str, Any] | None:
    for kode in reference.urusan():
        if group_name(kode) == name or str(uuid.uuid5(NS, f"group:{kode}")) == name:
            return group_dict(kode)
    return None


def _ckan_ts(value: str) -> str:
    # CKAN shows naive UTC timestamps with microseconds.
    return value.replace("Z", "").replace("+00:00", "") + ".000000"


def to_ckan_package(ds: dict[str, Any], base_url: str) -> dict[str, Any]:
    """A dataset record in the shape of CKAN's ``package_show`` result (what ckanext-harvest's harvester
    reads)."""
    pid = package_uuid(ds["id"])
    org = organization_dict(ds["opd"], base_url)
    org.pop("package_count")
    resources = []
    for pos, d in enumerate(ds["distribusi"]):
        resources.append(
            {
                "id": str(uuid.uuid5(NS, f"resource:{ds['id']}:{pos}")),
                "package_id": pid,
                "position": pos,
                "name": d["judul"],
                "description": f"{d['judul']} ({SAMPLE_NOTICE})",
                "url": base_url + d["path"],
                "format": d["format"],
                "mimetype": d["media_type"],
                "state": "active",
                "url_type": None,
                "created": _ckan_ts(ds["dibuat"]),
                "last_modified": _ckan_ts(ds["diperbarui"]),
                "metadata_modified": _ckan_ts(ds["diperbarui"]),
                "size": None,
                "hash": "",
            }
        )
    extras = {
        "_sample": SAMPLE_NOTICE,
        "sektor": ds["sektor"],
        "frekuensi": ds["frekuensi"],
        "klasifikasi": ds["klasifikasi"],
        "cakupan_wilayah": ",".join(ds["cakupan_wilayah"]),
        "tingkat_penyajian": ds["tingkat_penyajian"],
        "satuan": ds["satuan"],
        "ukuran": ds["ukuran"],
        "aplikasi_sumber": ds["aplikasi"],
        "produsen_data": ds["opd"],
        "tahun": str(ds.get("tahun") or ""),
    }
    tags = [
        {
            "id": str(uuid.uuid5(NS, f"tag:{t}")),
            "name": t,
            "display_name": t,
            "state": "active",
            "vocabulary_id": None,
        }
        for t in ds["kata_kunci"]
    ]
    g = group_dict(ds["sektor"])
    return {
        "id": pid,
        "name": ds["id"],
        "title": ds["judul"],
        "notes": ds["deskripsi"],
        "type": "dataset",
        "state": "active",
        "private": False,
        "author": org["title"],
        "author_email": None,
        "maintainer": "Walidata Diskominfo (contoh)",
        "maintainer_email": "walidata@tangerangkota.example",
        "license_id": "cc-by",
        "license_title": "Creative Commons Attribution",
        "license_url": "http://www.opendefinition.org/licenses/cc-by",
        "isopen": True,
        "url": f"{base_url}/apps/{ds['aplikasi']}/datasets",
        "version": None,
        "metadata_created": _ckan_ts(ds["dibuat"]),
        "metadata_modified": _ckan_ts(ds["diperbarui"]),
        "creator_user_id": str(uuid.uuid5(NS, "user:walidata")),
        "owner_org": org["id"],
        "organization": org,
        "groups": [
            {k: g[k] for k in ("id", "name", "title", "display_name", "description", "image_display_url")}
        ],
        "tags": tags,
        "num_tags": len(tags),
        "extras": [{"key": k, "value": v} for k, v in extras.items()],
        "resources": resources,
        "num_resources": len(resources),
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }
