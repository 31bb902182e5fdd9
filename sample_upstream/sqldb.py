"""The Dinkes SIMPUS sample database: puskesmas, monthly visits, and two views, for any SQLAlchemy URL.

``load_sql`` writes the same tables into SQLite, PostgreSQL or anything SQLAlchemy speaks, so the SQL
harvester can be tested against a real database; ``build_sqlite`` is the file form the server also offers for
download."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, create_engine, text

from . import names, reference
from .data import DEFAULT_SEED, SAMPLE_NOTICE, SampleData

VIEWS = {
    # Visits per kecamatan, month and service: the shape the city-wide dataset publishes.
    "v_kunjungan_kecamatan": """
        SELECT k.kecamatan_kode AS kecamatan_kode, w.nama AS kecamatan_nama, k.bulan AS bulan,
               k.layanan AS layanan, SUM(k.jumlah_kunjungan) AS jumlah_kunjungan
        FROM kunjungan_bulanan k JOIN kecamatan w ON w.kode = k.kecamatan_kode
        GROUP BY k.kecamatan_kode, w.nama, k.bulan, k.layanan
    """,
    # Visits per puskesmas with names: the per-kecamatan datasets filter it.
    "v_kunjungan_puskesmas": """
        SELECT p.kecamatan_kode AS kecamatan_kode, p.kode AS puskesmas_kode, p.nama AS puskesmas_nama,
               k.bulan AS bulan, k.layanan AS layanan, SUM(k.jumlah_kunjungan) AS jumlah_kunjungan
        FROM kunjungan_bulanan k JOIN puskesmas p ON p.kode = k.puskesmas_kode
        GROUP BY p.kecamatan_kode, p.kode, p.nama, k.bulan, k.layanan
    """,
}


def _metadata(schema: str | None) -> MetaData:
    md = MetaData(schema=schema)
    Table("catatan", md, Column("kunci", String(40), primary_key=True), Column("nilai", String(400)))
    Table("kecamatan", md, Column("kode", String(8), primary_key=True), Column("nama", String(80)))
    Table("layanan", md, Column("kode", String(20), primary_key=True), Column("nama", String(80)))
    Table(
        "puskesmas",
        md,
        Column("kode", String(16), primary_key=True),
        Column("nama", String(120), nullable=False),
        Column("kecamatan_kode", String(8), ForeignKey("kecamatan.kode"), nullable=False),
        Column("kelurahan_kode", String(13), nullable=False),
        Column("jenis", String(20)),
        Column("alamat", String(200)),
    )
    Table(
        "kunjungan_bulanan",
        md,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("puskesmas_kode", String(16), ForeignKey("puskesmas.kode"), nullable=False, index=True),
        Column("kecamatan_kode", String(8), nullable=False, index=True),
        Column("bulan", String(7), nullable=False),
        Column("layanan", String(20), ForeignKey("layanan.kode")),
        Column("jenis_kelamin", String(10), nullable=False),
        Column("jumlah_kunjungan", Integer, nullable=False),
    )
    return md


def load_sql(url: str, seed: int = DEFAULT_SEED, schema: str | None = None) -> dict[str, int]:
    """(Re)create the SIMPUS tables and views at ``url`` and fill them; returns row counts per table."""
    data = SampleData(seed)
    md = _metadata(schema)
    prefix = f"{schema}." if schema else ""
    engine = create_engine(url)
    kec_of = {p["kode"]: p["kecamatan_kode"] for p in data.puskesmas}
    rows = {
        "catatan": [
            {"kunci": "sampel", "nilai": SAMPLE_NOTICE},
            {"kunci": "seed", "nilai": str(seed)},
            {"kunci": "sumber", "nilai": "sample_upstream (SIMPUS contoh, Dinas Kesehatan)"},
        ],
        "kecamatan": [{"kode": k.kode, "nama": k.nama} for k in reference.kecamatan()],
        "layanan": [{"kode": c, "nama": label} for c, label in names.HEALTH_SERVICES],
        "puskesmas": data.puskesmas,
        "kunjungan_bulanan": [
            {"id": i, **r, "kecamatan_kode": kec_of[r["puskesmas_kode"]]}
            for i, r in enumerate(data.health_visits, start=1)
        ],
    }
    try:
        with engine.begin() as conn:
            for view in VIEWS:
                conn.execute(text(f"DROP VIEW IF EXISTS {prefix}{view}"))
            md.drop_all(conn)
            md.create_all(conn)
            for table in md.sorted_tables:
                conn.execute(table.insert(), rows[table.name])
            for view, sql in VIEWS.items():
                body = sql
                if schema:
                    for t in ("kunjungan_bulanan", "kecamatan", "puskesmas"):
                        body = body.replace(f" {t} ", f" {prefix}{t} ")
                conn.execute(text(f"CREATE VIEW {prefix}{view} AS {body}"))
    finally:
        engine.dispose()
    return {name: len(r) for name, r in rows.items()}


def build_sqlite(path: str | Path, seed: int = DEFAULT_SEED) -> Path:
    """Write the SIMPUS sample database to a fresh SQLite file at ``path``."""
    p = Path(path)
    p.unlink(missing_ok=True)
    load_sql(f"sqlite:///{p}", seed)
    return p
