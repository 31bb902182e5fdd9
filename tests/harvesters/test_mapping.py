"""Pure mappings and table preparation: no database, no network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ckanext.tangerang.harvesters import base, config, json_api, pii, tables, tabular
from ckanext.tangerang.harvesters.mapping import get_path

DATA = Path(__file__).resolve().parents[1] / "data" / "harvest"


def test_get_path_walks_dicts_and_lists():
    record = {"a": {"b": [{"c": 1}, {"c": 2}]}}
    assert get_path(record, "a.b.1.c") == 2
    assert get_path(record, "a.x.c") is None
    assert get_path(record, "a.b.5.c") is None


def test_record_to_dataset_mapping():
    record = json.loads((DATA / "laksa_dataset.json").read_text())
    config = {
        "fields": {
            "name": "id",
            "title": "judul",
            "notes": "deskripsi",
            "tags": "kata_kunci",
            "tahun_awal": "tahun",
        }
        | {"cakupan_wilayah": "cakupan_wilayah", "tingkat_penyajian": "tingkat_penyajian"},
        "values": {"tingkat_penyajian": {"individu": None}},
        "defaults": {"klasifikasi": "terbuka"},
        "resources_path": "distribusi",
        "resource_fields": {"url": "url", "name": "judul", "format": "format"},
    }
    dataset = json_api.record_dataset(record, config)
    assert dataset == {
        "klasifikasi": "terbuka",
        "name": "laksa-pengaduan-mentah-2025",
        "title": "Data Mentah Pengaduan LAKSA 2025",
        "notes": "Catatan pengaduan.",
        "tags": [{"name": "pengaduan"}, {"name": "aspirasi warga"}, {"name": "cc"}],
        "tahun_awal": "2025",
        "cakupan_wilayah": ["36.71"],
        "resources": [{"url": "http://upstream.example/raw", "name": "API mentah", "format": "JSON"}],
    }


def test_content_hash_ignores_key_order_and_counts_upload_bytes():
    one = {"title": "a", "resources": [{"name": "x", "_upload": b"1,2\n"}]}
    two = {"resources": [{"_upload": b"1,2\n", "name": "x"}], "title": "a"}
    assert base.content_hash(one) == base.content_hash(two)
    assert base.content_hash(one) != base.content_hash(
        {**one, "resources": [{"name": "x", "_upload": b"1,3\n"}]}
    )


def test_stewards_edits_are_kept_only_where_they_differ_from_what_was_written():
    mapped = {"title": "Judul baru", "notes": "Deskripsi baru", "tags": [{"name": "a"}]}
    written = {"title": "Judul lama", "notes": "Deskripsi lama", "tags": [{"name": "a"}]}
    current = {"title": "Judul lama", "notes": "Disunting walidata", "tags": [{"name": "b"}]}
    kept = base.merge_protected(mapped, current, written, ("title", "notes", "tags"))
    assert kept == ["notes", "tags"]
    assert mapped == {"title": "Judul baru", "notes": "Disunting walidata", "tags": [{"name": "b"}]}


@pytest.mark.parametrize(
    ("missing", "active", "held"),
    [(1, 18, False), (5, 18, False), (6, 18, True), (10, 100, False), (11, 100, True), (0, 0, False)],
)
def test_deletion_threshold_is_max_of_5_and_10_percent(missing, active, held):
    assert (base.deletion_hold_reason(missing, active, base.Listing([])) is not None) is held


def test_confirmed_large_deletion_is_not_held():
    assert base.deletion_hold_reason(40, 100, base.Listing([]), confirmed=40) is None


def test_incomplete_listing_holds_any_deletion():
    reason = base.deletion_hold_reason(1, 100, base.Listing([], complete=False, problems=["page 3 failed"]))
    assert "page 3 failed" in reason and "deletions held" in reason


def test_secrets_are_found_in_nested_config():
    assert config.find_secrets({"auth": {"token_env": "X"}, "headers": {"X-Api-Key": "k"}}) == [
        "headers.X-Api-Key"
    ]


def test_csv_sniffing_encoding_and_formula_neutralising():
    raw = (DATA / "harga_cp1252.csv").read_bytes()
    columns, rows = tabular.read_csv(raw, declared=None)
    assert columns == ["pasar", "komoditas", "harga_rp", "keterangan"]
    assert rows[0][0] == "Pasar Anyar \u2013 Tangerang"
    table = tables.prepare_table(columns, rows)
    text = table.csv.decode("utf-8")
    assert '"\'=HYPERLINK(""http://evil.example"")"' in text
    assert "'@SUM(A1)" in text
    assert "Cabai,-5," in text and "'-5" not in text  # negative numbers stay numbers
    kamus = {c["kolom"]: c for c in table.kamus}
    assert kamus["harga_rp"]["tipe"] == "bilangan_bulat"
    assert (kamus["harga_rp"]["min"], kamus["harga_rp"]["maks"]) == (-5, 16400)
    assert kamus["pasar"]["jumlah_unik"] == 2
    assert table.rows == 3 and table.note == ""


def test_truncated_csv_is_refused():
    with pytest.raises(ValueError, match="truncated"):
        tabular.read_csv(b"a,b,c\n1,2,3\n4,5")


def test_codes_with_leading_zeros_stay_text():
    assert tables.infer_type(["001", "010"]) == "teks"
    assert tables.infer_type(["1", "10", ""]) == "bilangan_bulat"
    assert tables.infer_type(["2025-01-01", "2025-02-01"]) == "tanggal"


def test_empty_table_is_refused():
    with pytest.raises(ValueError, match="empty"):
        tables.prepare_table(["a"], [])


def test_table_with_personal_data_is_held_before_anything_is_built():
    with pytest.raises(pii.PersonalDataHeld, match="telepon"):
        tables.prepare_table(["id", "telepon"], [["1", "081234567890"]])


def test_tabular_dataset_says_what_was_dropped():
    table = tables.prepare_table(
        ["id", "telepon", "kategori"], [["1", "081234567890", "a"]], {"data_pribadi": "drop"}
    )
    dataset = tables.tabular_dataset(
        {"defaults": {"klasifikasi": "terbuka"}},
        {"id": "t1", "dataset": {"title": "T"}},
        table,
        "http://x/t.csv",
        "csv",
    )
    assert "telepon" in dataset["catatan_data_pribadi"]
    assert [r["format"] for r in dataset["resources"]] == ["CSV"]  # no link to the original that holds phones
    assert dataset["resources"][0]["jumlah_baris"] == 1
    assert dataset["name"] == "t1" and dataset["klasifikasi"] == "terbuka"


def test_json_records_become_a_table():
    columns, rows = json_api.records_to_table([{"a": 1, "b": None}, {"b": True, "c": {"x": 1}}])
    assert columns == ["a", "b", "c"]
    assert rows == [["1", "", ""], ["", "true", '{"x": 1}']]
