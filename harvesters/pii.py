"""Personal-data guard (UU 27/2022 on personal data protection): pure functions over a table of strings.

A table is ``columns`` (names) and ``rows`` (sequences of cell values, ``None`` or strings). Rules:

- ``nik``: a 16-digit national identity number with a plausible structure: province code (digits 1-2) a real
  one, regency and district (3-4, 5-6) not 00, digits 7-12 a date DDMMYY where women's days are +40, and a
  non-zero serial. Found anywhere in a cell (also "3671 0918 0294 9187"), so a NIK in a "keterangan" column is
  caught. In a column of bare numbers, at least half of the 16-digit values must be NIK-shaped, so totals that
  happen to have 16 digits are not flagged.
- ``telepon``: Indonesian mobile numbers, ``08..``, ``+628..`` or ``628..``, also with spaces, dots or dashes,
  in any text; in a column of bare numbers at least half the values must look like phones.
- ``email``: e-mail addresses anywhere in a cell.
- ``nama_alamat``: a person's name together with an address: a column named for a person (``nama``,
  ``nama_pelapor``, ``pemohon``, ...; not ``kecamatan_nama`` or ``nama_pasar``) while the table also has an
  address column (named ``alamat``/``address``/``domisili``, or whose cells read as street addresses with
  house numbers or RT/RW).

Messages name columns and rules, never the values.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

RULE_LABELS = {
    "nik": ("NIK (nomor induk kependudukan)", "NIK (national identity number)"),
    "telepon": ("nomor telepon", "phone number"),
    "email": ("alamat surel", "e-mail address"),
    "nama_alamat": ("nama orang beserta alamat", "person's name with an address"),
}

# Kemendagri province codes (Aceh 11 ... Papua Barat Daya 96).
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65}
    | {71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97}
)

_NIK_CANDIDATE = re.compile(r"(?<![\d])(\d{4})[ .-]?(\d{4})[ .-]?(\d{4})[ .-]?(\d{4})(?![\d])")
_PHONE_CANDIDATE = re.compile(r"(?<![\d+])(?:\+62|62|0)[ .-]?8\d(?:[ .()-]?\d){7,11}(?![\d])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_BARE_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_STREET = re.compile(
    r"\b(?:jl|jln|jalan|gg|gang|komplek|perum(?:ahan)?)\b\.?\s+\S+.*?\b(?:no|nomor)\.?\s*\d+"
    r"|\brt\.?\s*\d{1,3}\s*/\s*rw\.?\s*\d{1,3}\b",
    re.IGNORECASE,
)

_PERSON_TOKENS = frozenset(
    {"pelapor", "pemohon", "pengadu", "penerima", "pasien", "warga", "pegawai", "pendaftar", "peserta"}
    | {"responden", "pemilik", "penduduk", "orang", "lengkap", "ayah", "ibu", "wali", "siswa", "pelanggan"}
)
_NAME_TOKENS = frozenset({"nama", "name"})
_NOT_PERSON_TOKENS = frozenset(
    {"kecamatan", "kelurahan", "desa", "kota", "kabupaten", "provinsi", "wilayah", "daerah", "pasar"}
    | {"puskesmas", "rs", "rumah", "sakit", "faskes", "fasilitas", "sekolah", "opd", "dinas", "instansi"}
    | {"unit", "bidang", "perusahaan", "usaha", "acara", "kegiatan", "program", "jabatan", "komoditas"}
    | {"layanan", "aplikasi", "produk", "barang", "jalan", "lokasi", "tempat", "kategori", "jenis", "file"}
)
_ADDRESS_TOKENS = frozenset({"alamat", "address", "domisili"})


@dataclass(frozen=True)
class Finding:
    """One column that holds personal data under one rule; ``rows`` counts the rows where it was seen."""

    column: str
    rule: str
    rows: int


def _tokens(column: str) -> set[str]:
    return {t for t in re.split(r"[^a-z0-9]+", column.lower()) if t}


def nik_is_plausible(digits: str) -> bool:
    """A 16-digit string with the structure of a NIK (region, date of birth, serial)."""
    if len(digits) != 16 or not digits.isdigit():
        return False
    if int(digits[0:2]) not in PROVINCES or digits[2:4] == "00" or digits[4:6] == "00":
        return False
    day, month, year = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    if day > 40:
        day -= 40
    if not 1 <= month <= 12 or day < 1:
        return False
    # Two-digit year: a date valid in either century will do (2000 keeps 29 February).
    longest = max(calendar.monthrange(2000 + year, month)[1], calendar.monthrange(1900 + year, month)[1])
    return day <= longest and digits[12:16] != "0000"


def find_niks(text: str) -> list[str]:
    return [digits for m in _NIK_CANDIDATE.finditer(text) if nik_is_plausible(digits := "".join(m.groups()))]


def find_phones(text: str) -> list[str]:
    found = []
    for m in _PHONE_CANDIDATE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        national = digits[2:] if digits.startswith("62") else digits[1:]
        if national.startswith("8") and 9 <= len(national) <= 12:
            found.append(digits)
    return found


def find_emails(text: str) -> list[str]:
    return _EMAIL.findall(text)


_ROLE_TOKENS = frozenset({"pelapor", "pemohon", "pengadu"})
_INSTITUTION = re.compile(
    r"^\s*(?:puskesmas|rs|rsud|klinik|pasar|kantor|dinas|badan|sd|smp|sma|smk|pt|cv|kecamatan|kelurahan|masjid)\b",
    re.IGNORECASE,
)


def is_person_name_column(column: str, values: Sequence[str] = ()) -> bool:
    """A column of people's names: ``nama_pelapor``, ``pemohon``, ``nama_lengkap``; a bare ``nama`` only when
    its cells are not institutions (a ``nama`` beside ``alamat`` in a list of puskesmas is not personal)."""
    tokens = _tokens(column)
    if tokens & _NOT_PERSON_TOKENS:
        return False
    if tokens & _ROLE_TOKENS or (tokens & _NAME_TOKENS and tokens & _PERSON_TOKENS):
        return True
    if tokens and tokens <= _NAME_TOKENS:
        filled = [v for v in values if v.strip()]
        return not filled or sum(1 for v in filled if _INSTITUTION.match(v)) * 2 < len(filled)
    return False


def is_address_column(column: str, values: Sequence[str]) -> bool:
    if _tokens(column) & _ADDRESS_TOKENS:
        return True
    filled = [v for v in values if v]
    if not filled:
        return False
    return sum(1 for v in filled if _STREET.search(v)) >= max(1, len(filled) // 2)


def screen(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> list[Finding]:
    """The personal data in a table: one :class:`Finding` per column and rule, in column order."""
    count = len(columns)
    values: list[list[str]] = [[] for _ in range(count)]
    for row in rows:
        for index in range(count):
            cell = row[index] if index < len(row) else None
            values[index].append("" if cell is None else str(cell))
    findings: list[Finding] = []
    for column, cells in zip(columns, values, strict=True):
        filled = [c for c in cells if c.strip()]
        bare = bool(filled) and all(_BARE_NUMBER.match(c.strip()) for c in filled)
        nik_rows = sum(1 for c in filled if find_niks(c))
        phone_rows = sum(1 for c in filled if find_phones(c))
        if bare:
            sixteen = sum(1 for c in filled if len(re.sub(r"\D", "", c)) == 16)
            if nik_rows and nik_rows * 2 >= sixteen:
                findings.append(Finding(column, "nik", nik_rows))
            if phone_rows and phone_rows * 2 >= len(filled):
                findings.append(Finding(column, "telepon", phone_rows))
            continue
        if nik_rows:
            findings.append(Finding(column, "nik", nik_rows))
        if phone_rows:
            findings.append(Finding(column, "telepon", phone_rows))
        email_rows = sum(1 for c in filled if find_emails(c))
        if email_rows:
            findings.append(Finding(column, "email", email_rows))
    address_columns = [c for c, cells in zip(columns, values, strict=True) if is_address_column(c, cells)]
    name_columns = [c for c, cells in zip(columns, values, strict=True) if is_person_name_column(c, cells)]
    if address_columns and name_columns:
        for column in name_columns + address_columns:
            cells = values[list(columns).index(column)]
            findings.append(Finding(column, "nama_alamat", sum(1 for c in cells if c.strip())))
    return findings


def flagged_columns(findings: Iterable[Finding]) -> list[str]:
    seen: dict[str, None] = {}
    for finding in findings:
        seen.setdefault(finding.column, None)
    return list(seen)


def describe(findings: Sequence[Finding]) -> str:
    """A steward's message: which columns, which rule, how many rows; never the values."""
    parts_id = [f"{f.column} ({RULE_LABELS[f.rule][0]}, {f.rows} baris)" for f in findings]
    parts_en = [f"{f.column} ({RULE_LABELS[f.rule][1]}, {f.rows} rows)" for f in findings]
    return (
        "Data pribadi ditemukan, data tidak diterbitkan: kolom "
        + "; ".join(parts_id)
        + '. Hapus kolom itu di sumber, atau atur "data_pribadi": "drop" atau "aggregate" pada sumber panen'
        " / Personal data found, the data was not published: columns "
        + "; ".join(parts_en)
        + '. Remove those columns upstream, or set "data_pribadi": "drop" or "aggregate" on the harvest source'
    )


def drop_columns(
    columns: Sequence[str], rows: Sequence[Sequence[object]], drop: Iterable[str]
) -> tuple[list[str], list[list[object]]]:
    dropped = set(drop)
    keep = [i for i, c in enumerate(columns) if c not in dropped]
    return [columns[i] for i in keep], [[row[i] if i < len(row) else None for i in keep] for row in rows]


def aggregate(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    drop: Iterable[str],
    by: Sequence[str] | None = None,
) -> tuple[list[str], list[list[object]]]:
    """Rows counted per combination of the grouping columns: ``by`` when given, else the remaining columns
    that repeat (fewer distinct values than half the rows), so identifiers and free text fall away too."""
    kept_columns, kept_rows = drop_columns(columns, rows, drop)
    if by:
        group = [c for c in by if c in kept_columns]
    else:
        limit = max(1, len(kept_rows) // 2)
        group = [c for i, c in enumerate(kept_columns) if len({row[i] for row in kept_rows}) <= limit]
    indexes = [kept_columns.index(c) for c in group]
    counts: dict[tuple[object, ...], int] = {}
    for row in kept_rows:
        key = tuple(row[i] for i in indexes)
        counts[key] = counts.get(key, 0) + 1
    out_columns = [*group, "jumlah"]
    return out_columns, [
        [*key, str(n)] for key, n in sorted(counts.items(), key=lambda kv: tuple(map(str, kv[0])))
    ]


@dataclass
class GuardResult:
    columns: list[str]
    rows: list[list[object]]
    findings: list[Finding]
    note: str  # for catatan_data_pribadi; empty when nothing was found


def closed_note(columns: Sequence[str]) -> str:
    """The note of a dataset that a steward decided to publish tertutup although it holds personal data."""
    shown = ", ".join(columns) or "-"
    return (
        f"Berisi data pribadi (kolom {shown}); diterbitkan tertutup atas keputusan walidata / Holds personal "
        f"data (columns {shown}); published tertutup by a steward's decision"
    )


class PersonalDataHeld(Exception):
    """The table holds personal data and the source's policy is to hold it for a steward. ``causes`` say what
    held it (see logic/harvest_decisions.py): here a stored table."""

    causes: tuple[str, ...] = ("tabel",)

    def __init__(self, findings: Sequence[Finding]) -> None:
        super().__init__(describe(findings))
        self.findings = list(findings)


def guard(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    policy: str = "tahan",
    by: Sequence[str] | None = None,
) -> GuardResult:
    """Apply the source's policy. ``tahan`` (hold, the default) raises :class:`PersonalDataHeld`; ``drop`` and
    ``aggregate`` return the cleaned table and a note, and hold anyway if the result still holds personal
    data (free text with a phone number in a column that was kept, say). ``tertutup`` (a steward's decision on a
    held record, never a source's policy) keeps the table whole for a dataset published tertutup."""
    findings = screen(columns, rows)
    if not findings:
        return GuardResult(list(columns), [list(r) for r in rows], [], "")
    if policy == "tertutup":
        return GuardResult(
            list(columns), [list(r) for r in rows], findings, closed_note(flagged_columns(findings))
        )
    if policy not in ("drop", "aggregate"):
        raise PersonalDataHeld(findings)
    flagged = flagged_columns(findings)
    if policy == "drop":
        new_columns, new_rows = drop_columns(columns, rows, flagged)
        note = (
            f"Kolom berisi data pribadi dihapus sebelum terbit: {', '.join(flagged)} / "
            f"Columns with personal data were dropped before publication: {', '.join(flagged)}"
        )
    else:
        new_columns, new_rows = aggregate(columns, rows, flagged, by)
        kept = ", ".join(new_columns[:-1]) or "-"
        note = (
            f"Data diagregasi (jumlah baris per {kept}); kolom data pribadi tidak diterbitkan: "
            f"{', '.join(flagged)} / Data aggregated (row counts per {kept}); personal-data columns not "
            f"published: {', '.join(flagged)}"
        )
    remaining = screen(new_columns, new_rows)
    if remaining:
        raise PersonalDataHeld(remaining)
    return GuardResult(new_columns, new_rows, findings, note)
