"""Deterministic generators for the sample upstream: the application registry and the data of six
applications.

Everything derives from one integer seed through ``random.Random(f"{seed}:{part}")``: string seeds are hashed
with SHA-512 by ``random``, so the output does not depend on PYTHONHASHSEED, and each part has its own stream,
so adding a field to one generator does not shift the numbers of another. Time is fixed too: the data end in
October 2026 (``LAST_MONTH``), never "now".

All figures are SAMPLE DATA (data contoh); only codes and names of areas, OPDs and the 18 known applications
come from public sources (see ``data/SOURCES.md``)."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Sequence
from functools import cache, cached_property
from typing import Any

from . import names, reference

SAMPLE_NOTICE = "DATA CONTOH / SAMPLE DATA - bukan data resmi Pemkot Tangerang"
DEFAULT_SEED = 3671
LAST_MONTH = (2026, 10)
# The reference "now" of the sample world: end of the last month with data.
SAMPLE_NOW = dt.datetime(2026, 10, 31, 23, 0, tzinfo=dt.timezone.utc)

POPULATION_2025 = 1_957_349  # Kemendagri 2025, from the reference README
LAKSA_TOTALS = {
    2024: 14_012,
    2025: 12_850,
    2026: 10_420,
}  # 2024 is the reported figure; the others are sample
LAKSA_RESOLVED = {2024: 0.9589, 2025: 0.9659, 2026: 0.9600}
LAKSA_RAW_2025 = 1_500  # raw records served: a sample subset, enough to page through and to trip a PII guard

# The 18 known applications get hand-picked slugs (their names are too long or bracketed to slugify nicely).
KNOWN_SLUGS = {
    "Tangerang LIVE": "tangerang-live",
    "LAKSA (Layanan Aspirasi Kotak Saran Anda)": "laksa",
    "Tangerang Cakap Kerja": "tangerang-cakap-kerja",
    "SobatDukcapil": "sobatdukcapil",
    "Perizinan Online": "perizinan-online",
    "Pra-PPDB": "pra-ppdb",
    "Tangerang Ayo (e-KIR)": "tangerang-ayo",
    "e-Transport": "e-transport",
    "Pajak Online": "pajak-online",
    "PPID Kota Tangerang": "ppid",
    "e-Sabakota": "e-sabakota",
    "Layanan 112": "layanan-112",
    "e-Audit": "e-audit",
    "SIKDA": "sikda",
    "e-Office": "e-office",
    "SIMRS": "simrs",
    "Satu Data Kota Tangerang": "satu-data",
    "Satu Peta Kota Tangerang": "satu-peta",
}
KNOWN_LAUNCH = {
    "tangerang-live": 2016,
    "laksa": 2016,
    "pra-ppdb": 2017,
    "layanan-112": 2017,
    "satu-data": 2021,
}

# Two generated applications are needed by the data endpoints (no known app covers food prices or puskesmas).
EXTRA_DATA_APPS = (
    (
        "info-harga-pangan",
        "Info Harga Pangan",
        "disperindagkop-ukm",
        "layanan-publik",
        "Informasi harga bahan pokok mingguan di pasar-pasar Kota Tangerang",
    ),
    (
        "simpus",
        "SIMPUS (Sistem Informasi Manajemen Puskesmas)",
        "dinkes",
        "e-government",
        "Pencatatan kunjungan dan layanan puskesmas",
    ),
)

PUBLIC_PATTERNS = ("{t} Online", "Lapor {t}", "Tangerang {t}", "e-{t}")
EGOV_PATTERNS = ("Sistem Informasi {t}", "SIM {t}", "e-{t}", "Dasbor {t}")


# --------------------------------------------------------------------------------------------------- helpers
def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` that sum exactly to ``total`` (largest
    remainder)."""
    s = float(sum(weights))
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def month_range(start: tuple[int, int], end: tuple[int, int]) -> list[str]:
    y, m = start
    out = []
    while (y, m) <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


USAGE_MONTHS = month_range((2024, 11), LAST_MONTH)  # 24 months ending at the fixed last month


def months_of_year(year: int) -> list[str]:
    return [m for m in month_range((year, 1), (year, 12)) if m <= f"{LAST_MONTH[0]:04d}-{LAST_MONTH[1]:02d}"]


def iso(ts: dt.datetime) -> str:
    return ts.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def kecamatan_number(kode: str) -> int:
    return int(kode.split(".")[2])


# ------------------------------------------------------------------------------------------------ NIK, phones
def make_nik(rng: random.Random, kecamatan_kode: str, birth: dt.date, female: bool) -> str:
    """A structurally valid 16-digit NIK: region 3671kk, birth date DDMMYY (+40 on the day for women), serial.

    Built from its documented structure only, for sample records; it never names a real resident.
    """
    region = f"3671{kecamatan_number(kecamatan_kode):02d}"
    day = birth.day + (40 if female else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{rng.randint(1, 9999):04d}"


NIK_RE = re.compile(r"^3671(0[1-9]|1[0-3])(\d{2})(\d{2})(\d{2})(\d{4})$")


def nik_is_valid(nik: str) -> bool:
    """Structure check used by the tests: Tangerang region code, a real calendar date, a non-zero serial."""
    m = NIK_RE.match(nik)
    if not m:
        return False
    day, month, yy, serial = int(m[2]), int(m[3]), int(m[4]), int(m[5])
    if day > 40:
        day -= 40
    if serial == 0:
        return False
    # Any century will do for the calendar check; 2000 is a leap year, so 29 February stays valid.
    try:
        dt.date(2000 + yy, month, day)
    except ValueError:
        try:
            dt.date(1900 + yy, month, day)
        except ValueError:
            return False
    return True


MOBILE_PREFIXES = (
    "811",
    "812",
    "813",
    "821",
    "822",
    "823",
    "851",
    "852",
    "853",
    "857",
    "858",
    "877",
    "878",
    "881",
    "882",
    "895",
    "896",
    "897",
    "898",
)


def make_phone(rng: random.Random) -> str:
    """An Indonesian mobile number in one of the forms people actually type."""
    prefix = rng.choice(MOBILE_PREFIXES)
    rest = "".join(str(rng.randint(0, 9)) for _ in range(rng.choice((7, 8))))
    style = rng.random()
    if style < 0.5:
        return f"0{prefix}{rest}"
    if style < 0.8:
        return f"+62{prefix}{rest}"
    return f"0{prefix}-{rest[:4]}-{rest[4:]}"


# --------------------------------------------------------------------------------------------------- the data
class SampleData:
    """All sample data for one seed, built lazily and cached (every part is a pure function of the seed)."""

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        self.seed = seed

    def rng(self, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{part}")  # noqa: S311 - sample data, not security

    # ------------------------------------------------------------------------------------------ registry
    @cached_property
    def applications(self) -> list[dict[str, Any]]:
        rng = self.rng("registry")
        opds = reference.opd_by_slug()
        apps: list[dict[str, Any]] = []
        for row in reference.known_apps():
            apps.append(
                {
                    "slug": KNOWN_SLUGS[row["nama"]],
                    "nama": row["nama"],
                    "deskripsi": row["fungsi"],
                    "opd": row["opd"],
                    "kelompok": row["kelompok"],
                    "dalam_tangerang_live": row["dalam_tangerang_live"] == "ya",
                    "domain": row["domain"] or None,
                    "sample": False,
                }
            )
        for slug, nama, opd, kelompok, desc in EXTRA_DATA_APPS:
            apps.append(
                {
                    "slug": slug,
                    "nama": nama,
                    "deskripsi": f"{desc}. Aplikasi contoh.",
                    "opd": opd,
                    "kelompok": kelompok,
                    "dalam_tangerang_live": kelompok == "layanan-publik",
                    "domain": None,
                    "sample": True,
                }
            )
        taken_names = {a["nama"].lower() for a in apps}
        taken_slugs = {a["slug"] for a in apps}
        for kelompok, target, patterns in (
            ("layanan-publik", 80, PUBLIC_PATTERNS),
            ("e-government", 92, EGOV_PATTERNS),
        ):
            candidates = [
                (opd, topic, desc, pat)
                for opd, topics in sorted(names.APP_TOPICS.items())
                for topic, desc in topics
                for pat in patterns
            ]
            rng.shuffle(candidates)
            need = target - sum(1 for a in apps if a["kelompok"] == kelompok)
            for opd, topic, desc, pat in candidates:
                if need == 0:
                    break
                nama = pat.format(t=topic)
                slug = slugify(nama)
                if nama.lower() in taken_names or slug in taken_slugs:
                    continue
                taken_names.add(nama.lower())
                taken_slugs.add(slug)
                opd_nama = opds[opd]["nama"]
                if kelompok == "layanan-publik":
                    deskripsi = f"Layanan publik untuk {desc}, dikelola {opd_nama}. Aplikasi contoh."
                else:
                    deskripsi = f"Aplikasi internal untuk {desc} di lingkungan {opd_nama}. Aplikasi contoh."
                apps.append(
                    {
                        "slug": slug,
                        "nama": nama,
                        "deskripsi": deskripsi,
                        "opd": opd,
                        "kelompok": kelompok,
                        "dalam_tangerang_live": kelompok == "layanan-publik" and rng.random() < 0.85,
                        "domain": None,
                        "sample": True,
                    }
                )
                need -= 1
        return [self._complete_app(i, a) for i, a in enumerate(apps, start=1)]

    def _complete_app(self, number: int, app: dict[str, Any]) -> dict[str, Any]:
        rng = self.rng(f"app:{app['slug']}")
        slug, public = app["slug"], app["kelompok"] == "layanan-publik"
        web = f"https://{app['domain']}" if app["domain"] else f"https://{slug}.tangerangkota.example"
        platforms = [{"platform": "web", "url": web}]
        if public and (rng.random() < 0.7 or slug == "tangerang-live"):
            store_id = "example.tangerangkota." + slug.replace("-", "_")
            platforms.append(
                {"platform": "android", "url": f"https://play.google.com/store/apps/details?id={store_id}"}
            )
            if rng.random() < 0.55 or slug == "tangerang-live":
                platforms.append(
                    {"platform": "ios", "url": f"https://apps.apple.com/id/app/{slug}/id{number:09d}"}
                )
        if not public and rng.random() < 0.15:
            platforms.append({"platform": "desktop", "url": f"{web}/unduh/{slug}-setup.exe"})

        known = not app["sample"]
        roll = rng.random()
        if known or slug in {a[0] for a in EXTRA_DATA_APPS}:
            profile = "musiman" if slug == "pra-ppdb" else ("tumbuh" if roll < 0.6 else "stabil")
        elif roll < 0.11:
            profile = "tidak-terpakai"
        elif roll < 0.24:
            profile = "turun"
        elif roll < 0.30 and public:
            profile = "musiman"
        else:
            profile = "tumbuh" if roll < 0.65 else "stabil"

        if profile == "tidak-terpakai":
            status = "dihentikan" if rng.random() < 0.5 else "dalam-kajian"
        elif profile == "turun":
            status = "dalam-kajian" if rng.random() < 0.35 else "aktif"
        else:
            status = "aktif"

        launch = KNOWN_LAUNCH.get(
            slug, rng.randint(2012, 2018) if status == "dihentikan" else rng.randint(2013, 2025)
        )
        return {
            "id": f"apl-{number:03d}",
            "slug": slug,
            "nama": app["nama"],
            "deskripsi": app["deskripsi"],
            "opd": app["opd"],
            "opd_nama": reference.opd_by_slug()[app["opd"]]["nama"],
            "kelompok": app["kelompok"],
            "platform": platforms,
            "dalam_tangerang_live": app["dalam_tangerang_live"],
            "status": status,
            "tahun_peluncuran": launch,
            "kontak_email": f"layanan.{app['opd']}@tangerangkota.example",
            "sample": app["sample"],
            "pemakaian": self._usage(rng, slug, public, profile, launch),
            "diperbarui": iso(
                dt.datetime(
                    2026,
                    10,
                    rng.randint(1, 31),
                    rng.randint(0, 23),
                    rng.randint(0, 59),
                    tzinfo=dt.timezone.utc,
                )
            ),
        }

    def _usage(self, rng: random.Random, slug: str, public: bool, profile: str, launch: int) -> list[dict]:
        if slug == "tangerang-live":
            level = 265_000.0
        elif slug == "laksa":
            level = 9_500.0
        elif public:
            level = rng.lognormvariate(8.6, 0.9)  # a few thousand monthly users, long tail
        else:
            level = rng.lognormvariate(5.5, 0.8)  # internal staff: tens to a few thousand
        per_user = rng.uniform(1.2, 5.5)
        trend = {
            "tumbuh": rng.uniform(0.008, 0.03),
            "stabil": rng.uniform(-0.004, 0.006),
            "turun": -rng.uniform(0.06, 0.12),
            "musiman": 0.0,
            "tidak-terpakai": -0.05,
        }[profile]
        out = []
        for k, month in enumerate(USAGE_MONTHS):
            if int(month[:4]) < launch:
                users = 0.0
            elif profile == "tidak-terpakai":
                users = max(0.0, rng.uniform(0, 18) * (1 - k / 30))
            else:
                users = level * (1 + trend) ** k * rng.uniform(0.93, 1.07)
                if profile == "musiman":
                    users *= 4.0 if month[5:] in ("06", "07") else (1.6 if month[5:] == "05" else 0.6)
            users_i = round(users)
            if slug == "laksa":  # LAKSA's transactions are its complaints; keep them near the reported volume
                transactions = round(users_i * 0.118)
            else:
                transactions = round(users_i * per_user * rng.uniform(0.9, 1.1))
            out.append({"bulan": month, "pengguna_aktif": users_i, "transaksi": transactions})
        return out

    @cached_property
    def app_index(self) -> dict[str, dict[str, Any]]:
        return {**{a["id"]: a for a in self.applications}, **{a["slug"]: a for a in self.applications}}

    # ------------------------------------------------------------------------------------------ LAKSA
    @cached_property
    def laksa_aggregates(self) -> dict[int, list[dict[str, Any]]]:
        """Complaints per kecamatan and month, for 2024, 2025 and 2026 (January to October)."""
        rng = self.rng("laksa:agg")
        pop = reference.population_2013()
        kec = reference.kecamatan()
        out: dict[int, list[dict[str, Any]]] = {}
        for year, total in LAKSA_TOTALS.items():
            months = months_of_year(year)
            cells = [(m, k) for m in months for k in kec]
            counts = apportion(total, [pop[k.kode] * rng.uniform(0.75, 1.3) for _, k in cells])
            resolved = apportion(round(total * LAKSA_RESOLVED[year]), counts)
            rows = []
            for (month, k), n, done in zip(cells, counts, resolved, strict=True):
                # Recent months have not been worked off yet.
                backlog = {"2026-10": 0.30, "2026-09": 0.08}.get(month, 0.0)
                done = min(n, max(0, done - round(n * backlog)))
                waiting = (n - done) // 3
                rows.append(
                    {
                        "tahun": year,
                        "bulan": month,
                        "kecamatan_kode": k.kode,
                        "kecamatan_nama": k.nama,
                        "jumlah_pengaduan": n,
                        "selesai": done,
                        "proses": n - done - waiting,
                        "menunggu": waiting,
                        "persentase_selesai": round(100.0 * done / n, 2) if n else None,
                    }
                )
            out[year] = rows
        return out

    @cached_property
    def laksa_raw(self) -> list[dict[str, Any]]:
        """Raw complaint records of 2025 with the citizen's NIK, phone, name and address (personal data!)."""
        rng = self.rng("laksa:raw")
        kec = reference.kecamatan()
        seen_nik: set[str] = set()
        records = []
        start = dt.datetime(2025, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=7)))
        offsets = sorted(rng.randint(0, 365 * 24 * 60 - 1) for _ in range(LAKSA_RAW_2025))
        for i, minute in enumerate(offsets, start=1):
            k = rng.choice(kec)
            kel = rng.choice(reference.kelurahan_of(k.kode))
            female = rng.random() < 0.48
            first = rng.choice(names.FIRST_NAMES_F if female else names.FIRST_NAMES_M)
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 57 * 365))
            nik = make_nik(rng, k.kode, birth, female)
            while nik in seen_nik:
                nik = make_nik(rng, k.kode, birth, female)
            seen_nik.add(nik)
            cat = rng.randrange(len(names.LAKSA_CATEGORIES))
            when = start + dt.timedelta(minutes=minute)
            status = "selesai" if rng.random() < 0.9659 else rng.choice(("proses", "menunggu"))
            name = f"{first} {rng.choice(names.LAST_NAMES)}"
            records.append(
                {
                    "id": f"LAKSA-2025-{i:06d}",
                    "tanggal": when.isoformat(),
                    "kategori": names.LAKSA_CATEGORIES[cat],
                    "isi_pengaduan": names.LAKSA_TEXTS[cat],
                    "kecamatan_kode": k.kode,
                    "kelurahan_kode": kel.kode,
                    "nama_pelapor": name,
                    "nik": nik,
                    "telepon": make_phone(rng),
                    "email": (
                        f"{name.lower().replace(' ', '.')}{rng.randint(1, 99)}@contoh.example"
                        if rng.random() < 0.3
                        else None
                    ),
                    "alamat": (
                        f"{rng.choice(names.STREETS)} No. {rng.randint(1, 120)}, RT {rng.randint(1, 12):03d}/"
                        f"RW {rng.randint(1, 9):03d}, Kel. {kel.nama}, Kec. {k.nama}, Kota Tangerang "
                        f"{kel.kode_pos}"
                    ),
                    "status": status,
                    "opd_tujuan": names.LAKSA_TARGET_OPD[cat],
                }
            )
        return records

    # ------------------------------------------------------------------------------------------ Disdukcapil
    @cached_property
    def population(self) -> dict[int, list[dict[str, Any]]]:
        """Population per kelurahan and sex; 2025 sums exactly to the Kemendagri 2025 city total."""
        rng = self.rng("dukcapil")
        pop = reference.population_2013()
        kec = reference.kecamatan()
        kec_totals = apportion(POPULATION_2025, [pop[k.kode] * rng.uniform(0.95, 1.25) for k in kec])
        kel_2025: list[tuple[Any, Any, int, int]] = []
        for k, kt in zip(kec, kec_totals, strict=True):
            kels = reference.kelurahan_of(k.kode)
            for kel, n in zip(kels, apportion(kt, [rng.uniform(0.6, 1.4) for _ in kels]), strict=True):
                male = round(n * rng.uniform(0.503, 0.512))
                kel_2025.append((k, kel, male, n - male))
        total_2024 = round(POPULATION_2025 * 0.9849)
        growth = [rng.uniform(0.975, 0.995) for _ in kel_2025]
        kel_2024_totals = apportion(
            total_2024, [(m + f) * g for (_, _, m, f), g in zip(kel_2025, growth, strict=True)]
        )
        out: dict[int, list[dict[str, Any]]] = {2024: [], 2025: []}
        for (k, kel, male, female), t24 in zip(kel_2025, kel_2024_totals, strict=True):
            male24 = round(t24 * male / (male + female))
            for year, m, f in ((2025, male, female), (2024, male24, t24 - male24)):
                for sex, n in (("laki-laki", m), ("perempuan", f)):
                    out[year].append(
                        {
                            "tahun": year,
                            "kecamatan_kode": k.kode,
                            "kecamatan_nama": k.nama,
                            "kelurahan_kode": kel.kode,
                            "kelurahan_nama": kel.nama,
                            "jenis_kelamin": sex,
                            "jumlah_penduduk": n,
                        }
                    )
        return out

    # ------------------------------------------------------------------------------------------ Dishub KIR
    @cached_property
    def kir_tests(self) -> dict[int, list[dict[str, Any]]]:
        rng = self.rng("kir")
        kec = reference.kecamatan()
        out: dict[int, list[dict[str, Any]]] = {}
        for year, per_month in ((2024, 200), (2025, 210), (2026, 215)):
            rows = []
            for month in months_of_year(year):
                y, m = int(month[:4]), int(month[5:])
                days = sorted(rng.randint(1, 28) for _ in range(per_month + rng.randint(-15, 15)))
                for day in days:
                    kind, label = rng.choice(names.VEHICLE_KINDS)
                    passed = rng.random() < 0.88
                    tested = dt.date(y, m, day)
                    rows.append(
                        {
                            "id": f"KIR-{year}-{len(rows) + 1:06d}",
                            "tanggal_uji": tested.isoformat(),
                            "nomor_uji": f"TNG {rng.randint(10000, 99999)}",
                            "jenis_kendaraan": kind,
                            "jenis_kendaraan_label": label,
                            "tahun_pembuatan": rng.randint(2005, year),
                            "kecamatan_kode": rng.choice(kec).kode,
                            "hasil": "lulus" if passed else "tidak-lulus",
                            "alasan_tidak_lulus": None if passed else rng.choice(names.KIR_FAIL_REASONS),
                            "berlaku_sampai": (tested + dt.timedelta(days=182)).isoformat()
                            if passed
                            else None,
                        }
                    )
            out[year] = rows
        return out

    # ------------------------------------------------------------------------------------- Disperindagkop UKM
    @cached_property
    def food_prices(self) -> dict[int, list[dict[str, Any]]]:
        """Weekly staple-food prices per market (ISO weeks), 2025 and 2026 up to the end of October."""
        rng = self.rng("harga")
        level = {
            (m[0], c[0]): c[2] * rng.uniform(0.95, 1.08) for m in names.MARKETS for c in names.COMMODITIES
        }
        out: dict[int, list[dict[str, Any]]] = {2025: [], 2026: []}
        monday = dt.date.fromisocalendar(2025, 1, 1)
        end = dt.date(2026, 10, 31)
        while monday <= end:
            iso_year, week, _ = monday.isocalendar()
            for market_slug, market_name, kec_kode in names.MARKETS:
                for commodity, unit, _base in names.COMMODITIES:
                    key = (market_slug, commodity)
                    level[key] *= rng.uniform(0.97, 1.032)
                    note = rng.choice(names.PRICE_NOTES)
                    out[iso_year].append(
                        {
                            "minggu": f"{iso_year}-W{week:02d}",
                            "tanggal": monday.isoformat(),
                            "pasar_kode": market_slug,
                            "pasar_nama": market_name,
                            "kecamatan_kode": kec_kode,
                            "komoditas": commodity,
                            "satuan": unit,
                            "harga_rp": int(round(level[key], -2)),
                            "keterangan": note,
                        }
                    )
            monday += dt.timedelta(days=7)
        return out

    # ------------------------------------------------------------------------------------------ Disnaker
    @cached_property
    def job_placements(self) -> dict[int, list[dict[str, Any]]]:
        rng = self.rng("jobfair")
        kec = reference.kecamatan()
        venues = ("Gedung Pusat Pemerintahan", "Mal Tangerang City", "Taman Elektrik", "GOR Dimyati")
        out: dict[int, list[dict[str, Any]]] = {}
        for year in (2023, 2024, 2025):
            rows = []
            for event_no, month in enumerate(sorted(rng.sample(range(2, 12), 5)), start=1):
                date = dt.date(year, month, rng.randint(3, 26))
                venue = rng.choice(venues)
                for _ in range(rng.randint(45, 70)):
                    applicants = rng.randint(10, 400)
                    openings = rng.randint(2, 60)
                    hired = min(openings, round(applicants * rng.uniform(0.02, 0.25)))
                    hired_f = round(hired * rng.uniform(0.2, 0.7))
                    rows.append(
                        {
                            "id": f"JF-{year}-{len(rows) + 1:04d}",
                            "acara": f"Job Fair Kota Tangerang {year} #{event_no}",
                            "tanggal": date.isoformat(),
                            "lokasi": venue,
                            "perusahaan": (
                                f"PT {rng.choice(names.COMPANY_WORDS_A)} "
                                f"{rng.choice(names.COMPANY_WORDS_B)} (contoh)"
                            ),
                            "sektor_usaha": rng.choice(names.JOB_SECTORS),
                            "jabatan": rng.choice(names.JOB_TITLES),
                            "pendidikan_minimal": rng.choice(names.EDUCATION),
                            "kecamatan_kode": rng.choice(kec).kode,
                            "lowongan": openings,
                            "pelamar": applicants,
                            "diterima": hired,
                            "diterima_laki_laki": hired - hired_f,
                            "diterima_perempuan": hired_f,
                        }
                    )
            out[year] = rows
        return out

    # ------------------------------------------------------------------------------------------ Dinkes
    @cached_property
    def puskesmas(self) -> list[dict[str, Any]]:
        rng = self.rng("puskesmas")
        out = []
        for k in reference.kecamatan():
            kels = reference.kelurahan_of(k.kode)
            for n, kel in enumerate(rng.sample(list(kels), 3), start=1):
                nama = f"Puskesmas {k.nama}" if n == 1 else f"Puskesmas {kel.nama}"
                out.append(
                    {
                        "kode": f"P{k.kode.replace('.', '')}{n:02d}",
                        "nama": nama,
                        "kecamatan_kode": k.kode,
                        "kelurahan_kode": kel.kode,
                        "jenis": "rawat-inap" if n == 1 and rng.random() < 0.5 else "non-rawat-inap",
                        "alamat": f"{rng.choice(names.STREETS)} No. {rng.randint(1, 90)}, Kel. {kel.nama}",
                    }
                )
        return out

    @cached_property
    def health_visits(self) -> list[dict[str, Any]]:
        rng = self.rng("kunjungan")
        rows = []
        months = month_range((2024, 1), LAST_MONTH)
        for p in self.puskesmas:
            size = rng.uniform(0.6, 1.6) * (1.3 if p["jenis"] == "rawat-inap" else 1.0)
            for month in months:
                season = 1.15 if month[5:] in ("01", "02", "12") else 1.0  # rainy season: more visits
                for code, _label in names.HEALTH_SERVICES:
                    base = {"umum": 1800, "gigi": 260, "kia": 420, "imunisasi": 300, "lansia": 350}[code]
                    n = base * size * season * rng.uniform(0.85, 1.15)
                    female_share = 1.0 if code == "kia" else rng.uniform(0.5, 0.6)
                    f = round(n * female_share)
                    for sex, value in (("laki-laki", round(n) - f), ("perempuan", f)):
                        rows.append(
                            {
                                "puskesmas_kode": p["kode"],
                                "bulan": month,
                                "layanan": code,
                                "jenis_kelamin": sex,
                                "jumlah_kunjungan": value,
                            }
                        )
        return rows

    # ------------------------------------------------------------------------------------------ datasets
    @cached_property
    def datasets(self) -> list[dict[str, Any]]:
        """The datasets the applications expose (``/apps/<slug>/datasets``); URLs are paths on this server."""
        from .catalogue import build_app_datasets  # the listing is its own module: it only describes data

        return build_app_datasets(self)


@cache
def sample_data(seed: int) -> SampleData:
    """One shared, lazily built data set per seed (servers in one process share the work)."""
    return SampleData(seed)
