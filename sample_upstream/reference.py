"""Reference code lists copied into ``sample_upstream/data`` (see SOURCES.md there).

Read once and cached: they are small and never change while the server runs.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass(frozen=True)
class Area:
    kode: str
    nama: str
    tingkat: str
    induk: str
    kode_pos: str


@cache
def areas() -> tuple[Area, ...]:
    return tuple(
        Area(r["kode"], r["nama"], r["tingkat"], r["induk"], r["kode_pos"]) for r in _rows("wilayah_3671.csv")
    )


@cache
def kecamatan() -> tuple[Area, ...]:
    return tuple(a for a in areas() if a.tingkat == "kecamatan")


@cache
def kelurahan() -> tuple[Area, ...]:
    return tuple(a for a in areas() if a.tingkat == "kelurahan")


@cache
def area_by_code() -> dict[str, Area]:
    return {a.kode: a for a in areas()}


def kelurahan_of(kecamatan_kode: str) -> tuple[Area, ...]:
    return tuple(a for a in kelurahan() if a.induk == kecamatan_kode)


@cache
def opd() -> tuple[dict[str, str], ...]:
    return tuple(_rows("opd_tangerang.csv"))


@cache
def opd_by_slug() -> dict[str, dict[str, str]]:
    return {o["slug"]: o for o in opd()}


@cache
def urusan() -> dict[str, dict[str, str]]:
    return {r["kode"]: r for r in _rows("urusan_pemerintahan.csv")}


@cache
def frekuensi() -> dict[str, dict[str, str]]:
    return {r["kode"]: r for r in _rows("frekuensi.csv")}


@cache
def klasifikasi() -> dict[str, dict[str, str]]:
    return {r["kode"]: r for r in _rows("klasifikasi.csv")}


@cache
def known_apps() -> tuple[dict[str, str], ...]:
    return tuple(_rows("aplikasi_dikenal.csv"))


@cache
def population_2013() -> dict[str, int]:
    """Kecamatan code -> DAK2 2013 population; only the proportions are used."""
    return {r["kode"]: int(r["penduduk_dak2_2013"]) for r in _rows("penduduk_kecamatan.csv")}
