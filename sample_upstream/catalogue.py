"""Dataset descriptions: what each application exposes (app_datasets.yaml), the generated datasets, the
changes made through ``/_control/changes``, and the catalogue served by the CKAN and DCAT endpoints.

A dataset record is a plain dict (shape in README.md, "dataset record"); distribution URLs are kept as paths
and made absolute per request, so the same data serves any host and port. The CKAN/DCAT catalogue is the
application datasets followed, when a larger size is asked for, by generated "dataset-sampel-NNNNN" records
that are built only when a page needs them: sorting and filtering work on small ``Entry`` tuples."""

from __future__ import annotations

import copy
import datetime as dt
import random
import re
import threading
import uuid
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from . import names, reference
from .data import SAMPLE_NOW, iso, slugify

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
APP_DATASETS = Path(__file__).resolve().with_name("app_datasets.yaml")
DESCRIPTION_NOTE = "Data contoh (sample data), bukan data resmi Pemkot Tangerang."


def _items(per: str | list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The values a dataset entry of app_datasets.yaml is repeated over (one item without ``per``)."""
    if per is None:
        return [{}]
    if per == "kecamatan":
        return [
            {"kode": k.kode, "nama": k.nama, "slug": slugify(k.nama), "nama_kecil": k.nama.lower()}
            for k in reference.kecamatan()
        ]
    if per == "pasar":
        return [
            {"slug": slug, "nama": nama, "kecamatan": kode, "kata": slug.replace("-", " ")}
            for slug, nama, kode in names.MARKETS
        ]
    if isinstance(per, list):
        return per
    raise ValueError(f"app_datasets.yaml: unknown per {per!r}")


def _fill(value: Any, item: dict[str, Any]) -> Any:
    """``value`` with the item's ``{x}`` filled in; a text that is only ``"{x}"`` becomes the value itself."""
    if isinstance(value, str):
        whole = re.fullmatch(r"\{(\w+)\}", value)
        return item[whole[1]] if whole else value.format(**item)
    if isinstance(value, list):
        return [_fill(v, item) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, item) for k, v in value.items()}
    return value


@cache
def _app_dataset_entries() -> list[dict[str, Any]]:
    """app_datasets.yaml expanded: one dict of fields per dataset, in the file's order."""
    out = []
    for group in yaml.safe_load(APP_DATASETS.read_text(encoding="utf-8")):
        shared = group.get("bersama", {})
        for entry in group["dataset"]:
            own = {k: v for k, v in entry.items() if k != "per"}
            # The dataset's own fields first, then the shared ones (where a dataset overrides one, in its place).
            fields = {k: v for k, v in own.items() if k not in shared}
            fields |= {k: own.get(k, v) for k, v in shared.items()}
            out += [
                {"aplikasi": group["aplikasi"], **_fill(fields, item)} for item in _items(entry.get("per"))
            ]
    return out


def build_app_datasets(data: SampleData) -> list[dict[str, Any]]:
    """Every dataset the data applications expose (app_datasets.yaml): at least 60, linked to their application
    and OPD, created and modified at times drawn from the seed."""
    rng = data.rng("datasets")
    out: list[dict[str, Any]] = []
    for entry in _app_dataset_entries():
        fields = copy.deepcopy(entry)
        year = fields["tahun"]
        if year < 2026:  # a finished year: published early the year after
            created = _ts(rng, _utc(year, 1, 5), _utc(year, 3, 1))
            modified = _ts(rng, _utc(year + 1, 1, 5), _utc(year + 1, 2, 15))
        else:
            created = _ts(rng, _utc(2026, 1, 5), _utc(2026, 2, 1))
            modified = _ts(rng, _utc(2026, 10, 20), SAMPLE_NOW)
        app = data.app_index[fields["aplikasi"]]
        fields["distribusi"] = [
            _dist(d.pop("path"), d.pop("format"), d.pop("judul"), **d) for d in fields["distribusi"]
        ]
        out.append(
            {
                "id": fields.pop("id"),
                "judul": fields.pop("judul"),
                "deskripsi": f"{fields.pop('deskripsi')} {DESCRIPTION_NOTE}",
                "aplikasi": app["slug"],
                "aplikasi_id": app["id"],
                "opd": app["opd"],
                **fields,
                "dibuat": created,
                "diperbarui": modified,
            }
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
        "deskripsi": f"Data contoh tentang {desc} di Kecamatan {kec.nama} tahun {year}. {DESCRIPTION_NOTE}",
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


# The names of the generated datasets: bench_name's and added_record's.
GENERATED_RE = re.compile(r"dataset-(sampel-\d{5}|tambahan-\d{3})")


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

    def reset(self) -> None:
        """Forget every change; the version still moves on, so validators of the old state go stale."""
        with self.lock:
            self.revisions, self.modified, self.removed = {}, {}, set()
            self.added_datasets, self.added_apps, self.personal = [], [], set()
            self.version += 1

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
