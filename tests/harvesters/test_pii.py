"""The personal-data guard on hand-made cases and on the raw LAKSA sample (pure functions, no database)."""

from __future__ import annotations

import pytest

from ckanext.tangerang.harvesters import pii

# A woman born 18 February 1994 in Kecamatan Cibodas (36.71.09): day 18 + 40 = 58.
NIK_WOMAN = "3671095802940001"
NIK_MAN = "3671091802949187"


@pytest.mark.parametrize("nik", [NIK_WOMAN, NIK_MAN, "1101012902000001"])
def test_plausible_niks(nik):
    assert pii.nik_is_plausible(nik)


@pytest.mark.parametrize(
    "digits",
    [
        "1957349000000000",  # province 19, regency 57, district 34, "date" 90/00/00: no
        "9999999999999999",  # province 99 does not exist
        "3600011302990001",  # regency 00
        "3671091813940001",  # month 13
        "3671093102940001",  # 31 February
        "3671091802940000",  # serial 0000
        "367109180294918",  # 15 digits
    ],
)
def test_numbers_without_nik_structure(digits):
    assert not pii.nik_is_plausible(digits)


def test_nik_in_a_keterangan_column_is_found_and_named():
    columns = ["kecamatan", "jumlah", "keterangan"]
    rows = [
        ["Cibodas", "120", "sesuai laporan"],
        ["Cipondoh", "98", f"dilaporkan oleh warga NIK {NIK_WOMAN} kemarin"],
    ]
    findings = pii.screen(columns, rows)
    assert findings == [pii.Finding("keterangan", "nik", 1)]
    with pytest.raises(pii.PersonalDataHeld) as held:
        pii.guard(columns, rows)
    message = str(held.value)
    assert "keterangan" in message and "NIK" in message
    assert NIK_WOMAN not in message  # messages never quote the values


def test_nik_with_spaces_is_found():
    assert pii.find_niks("nik: 3671 0958 0294 0001.") == [NIK_WOMAN]


@pytest.mark.parametrize(
    "text",
    [
        "hubungi saya di 0812-3456-7890 ya",
        "WA +6281234567890",
        "telp 6285712345678",
        "no hp 0857 1234 5678",
    ],
)
def test_phone_in_free_text(text):
    findings = pii.screen(["isi_pengaduan"], [["jalan rusak"], [text]])
    assert [(f.column, f.rule) for f in findings] == [("isi_pengaduan", "telepon")]


def test_email_in_a_column():
    findings = pii.screen(["kontak"], [["budi.santoso@example.com"], [""]])
    assert [(f.column, f.rule, f.rows) for f in findings] == [("kontak", "email", 1)]


def test_ordinary_numbers_are_not_flagged():
    columns = ["kecamatan_kode", "jumlah_penduduk", "total_anggaran_rp", "tahun", "persentase"]
    rows = [
        ["36.71.01", "10137", "1957349000000000", "2025", "96.5"],
        ["36.71.02", "9930", "2345678901234567", "2025", "95.0"],
        ["36.71.03", "123456789012", "8123456789012345", "2025", "97.25"],
        ["36.71.04", "081234567", "3200000000000000", "2025", "100"],
    ]
    assert pii.screen(columns, rows) == []


def test_a_column_of_16_digit_totals_with_one_accidental_nik_shape_is_not_flagged():
    # 3671095802940001 has NIK structure, but it is one of ten 16-digit numbers in a column of bare numbers.
    values = [str(1_000_000_000_000_000 + i * 7919) for i in range(9)] + [NIK_WOMAN]
    assert pii.screen(["total"], [[v] for v in values]) == []


def test_names_with_addresses_by_column_name():
    columns = ["nama_pelapor", "alamat", "kategori"]
    rows = [["Budi Santoso", "Jl. Melati No. 28, RT 012/RW 002", "banjir"]]
    rules = {(f.column, f.rule) for f in pii.screen(columns, rows)}
    assert rules == {("nama_pelapor", "nama_alamat"), ("alamat", "nama_alamat")}


def test_address_by_content_next_to_a_person_column():
    columns = ["pemohon", "lokasi_rumah"]
    rows = [["Siti Aminah", "Jl. Kenanga No. 5 RT 01/RW 03"], ["Agus", "Gg. Mawar No. 12"]]
    assert {f.column for f in pii.screen(columns, rows)} == {"pemohon", "lokasi_rumah"}


def test_place_names_and_facility_addresses_are_not_personal():
    columns = ["kecamatan_nama", "nama", "alamat"]
    rows = [
        ["Cibodas", "Puskesmas Cibodas", "Jl. Raya Cibodas No. 1"],
        ["Cipondoh", "Puskesmas Cipondoh", "Jl. KH Hasyim Ashari No. 8"],
    ]
    assert pii.screen(columns, rows) == []


def test_names_alone_without_addresses_are_not_flagged():
    assert pii.screen(["nama_pelapor", "kategori"], [["Budi", "banjir"]]) == []


def test_drop_policy_removes_the_columns_and_says_so():
    columns = ["id", "kategori", "nik", "telepon", "kecamatan_kode"]
    rows = [["1", "banjir", NIK_MAN, "081234567890", "36.71.09"], ["2", "jalan", NIK_WOMAN, "", "36.71.01"]]
    result = pii.guard(columns, rows, "drop")
    assert result.columns == ["id", "kategori", "kecamatan_kode"]
    assert result.rows == [["1", "banjir", "36.71.09"], ["2", "jalan", "36.71.01"]]
    assert "nik" in result.note and "telepon" in result.note


def test_aggregate_policy_counts_rows_by_the_remaining_repeating_columns():
    columns = ["id", "kategori", "nik", "kecamatan_kode"]
    rows = [
        ["1", "banjir", NIK_MAN, "36.71.09"],
        ["2", "banjir", NIK_WOMAN, "36.71.09"],
        ["3", "jalan", "3671015802940002", "36.71.01"],
        ["4", "banjir", "3671015802940003", "36.71.09"],
    ]
    result = pii.guard(columns, rows, "aggregate")
    assert result.columns == ["kategori", "kecamatan_kode", "jumlah"]
    assert result.rows == [["banjir", "36.71.09", "3"], ["jalan", "36.71.01", "1"]]
    assert "agregasi" in result.note.lower() or "diagregasi" in result.note


def test_drop_removes_free_text_that_carries_a_phone_too():
    columns = ["nik", "isi", "kategori"]
    rows = [[NIK_MAN, "banjir", "a"], [NIK_WOMAN, "hubungi 081234567890", "b"]]
    result = pii.guard(columns, rows, "drop")
    assert result.columns == ["kategori"]
    assert "isi" in result.note


def test_raw_laksa_sample_is_held_naming_every_personal_column():
    from sample_upstream import SampleData

    raw = SampleData(3671).laksa_raw
    records = raw[2025] if isinstance(raw, dict) else raw
    columns = list(records[0])
    rows = [[r.get(c) for c in columns] for r in records]
    flagged = pii.flagged_columns(pii.screen(columns, rows))
    assert {"nik", "telepon", "email", "nama_pelapor", "alamat"} <= set(flagged)
    assert "kecamatan_kode" not in flagged and "kategori" not in flagged
    with pytest.raises(pii.PersonalDataHeld):
        pii.guard(columns, rows)
    dropped = pii.guard(columns, rows, "drop")
    assert not {"nik", "telepon", "email", "nama_pelapor", "alamat"} & set(dropped.columns)
