"""Pure parts of the linked-file screen and of the header allow-list (no database, no network)."""

from __future__ import annotations

import pytest

from ckanext.tangerang.harvesters import linked
from ckanext.tangerang.harvesters.base import COMMON_CONFIG, ConfigError, parse_config

ROWS = "nama_pelapor,nik,telepon,alamat\nSiti Aminah,3671014502900003,0812-3456-7890,Jl. Mawar No. 3\n"


@pytest.mark.parametrize(
    ("resource", "screened"),
    [
        ({"url": "http://up/export/a.csv", "format": "CSV"}, True),
        ({"url": "http://up/api/pengaduan?tahun=2025", "format": "JSON"}, True),
        ({"url": "http://up/a.xlsx"}, True),
        ({"url": "http://up/api/data"}, True),
        ({"url": "http://up/laporan.pdf"}, False),
        ({"url": "http://up/simpus.sqlite", "format": "SQLite"}, False),
        ({"url": "http://portal/dataset/x/download/a.csv", "url_type": "upload", "format": "CSV"}, False),
        ({"url": "ftp://up/a.csv"}, False),
    ],
)
def test_which_links_are_screened(resource, screened):
    assert (linked.linked_url(resource) is not None) is screened


def test_a_sample_cut_short_is_screened_as_far_as_it_goes():
    csv_tables = linked.sample_tables("u", "csv", "text/csv", ROWS.encode() + b"Budi,36710", True)
    assert [len(rows) for _columns, rows in csv_tables] == [1]
    json_cut = b'{"data": [{"nik": "3671014502900003", "telepon": "081234567890"}, {"nik": "36'
    tables = linked.sample_tables("u", "json", "application/json", json_cut, True)
    found = {f.rule for columns, rows in tables for f in linked.pii.screen(columns, rows)}
    assert found == {"nik", "telepon"}
    with pytest.raises(ValueError, match="sample_bytes"):
        linked.sample_tables("u", "xlsx", "application/vnd.ms-excel", b"PK\x03\x04...", True)
    assert linked.sample_tables("u", "csv", "text/html", b"<!doctype html><p>halaman</p>", False) == []


def test_individual_records_are_held_only_when_public():
    assert linked.individual_records_problem({"tingkat_penyajian": "individu", "klasifikasi": "terbuka"})
    assert not linked.individual_records_problem({"tingkat_penyajian": "individu", "klasifikasi": "terbatas"})
    assert not linked.individual_records_problem({"tingkat_penyajian": "kecamatan", "klasifikasi": "terbuka"})


@pytest.mark.parametrize("header", ["Cookie", "X-Api-Key", "Proxy-Authorization", "X-Session"])
def test_literal_secret_headers_are_refused(header):
    with pytest.raises(ConfigError) as error:
        parse_config(f'{{"headers": {{"{header}": "nilai"}}}}', COMMON_CONFIG)
    text = str(error.value)
    assert header in text and "variabel lingkungan" in text and "environment variable" in text


def test_plain_headers_pass():
    config = parse_config('{"headers": {"Accept-Language": "id", "If-None-Match": "\\"x\\""}}', COMMON_CONFIG)
    assert config["headers"]["Accept-Language"] == "id"
