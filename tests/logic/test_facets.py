"""Facets and sorting on the Tangerang fields, through package_search and the search page."""

from __future__ import annotations

import json

import pytest
from ckan.tests import factories, helpers

from ckanext.tangerang.logic.indexing import LATEST_USERS, index_fields, kecamatan_of
from tests.helpers import valid_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def test_kecamatan_of_takes_kelurahan_parents():
    assert kecamatan_of(["36.71", "36.71.01", "36.71.02.1001", "36.71.02.1002", "99.99"]) == [
        "36.71.01",
        "36.71.02",
    ]


@pytest.mark.parametrize(
    ("usage", "latest"),
    [
        ([{"bulan": "2026-02", "pengguna_aktif": 40}, {"bulan": "2026-01", "pengguna_aktif": 900}], 40),
        ([{"bulan": "2026-01"}], 0),
        ([], None),
    ],
)
def test_the_last_months_users_are_indexed_for_sorting(usage, latest):
    indexed = index_fields({"validated_data_dict": json.dumps({"penggunaan_bulanan": usage})})
    assert indexed.get(LATEST_USERS) == latest


@pytest.fixture
def catalogue(with_plugins, clean_db, clean_index):
    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"]}
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    dishub = factories.Organization(name="dishub", title="Dinas Perhubungan")
    helpers.call_action(
        "package_create",
        context=dict(context),
        type="aplikasi",
        name="simpus",
        title="SIMPUS",
        notes="Sistem informasi puskesmas.",
        owner_org=dinkes["id"],
        kelompok="e-government",
        status_aplikasi="aktif",
        dalam_tangerang_live="false",
        platform=[{"jenis": "web", "url": "https://simpus.example.go.id"}],
    )
    specs = [
        ("kunjungan-puskesmas", dinkes, "1.02", "bulanan", ["36.71.01.1001"], "terbuka", "2024", "simpus"),
        ("imunisasi-anak", dinkes, "1.02", "tahunan", ["36.71.02"], "terbatas", "2025", None),
        ("uji-kir", dishub, "2.15", "bulanan", ["36.71"], "terbuka", "2023", None),
    ]
    for name, org, sektor, frekuensi, areas, klasifikasi, tahun, app in specs:
        helpers.call_action(
            "package_create",
            context=dict(context),
            **valid_dataset(
                org["id"],
                name=name,
                title=name.replace("-", " ").title(),
                sektor=sektor,
                frekuensi=frekuensi,
                cakupan_wilayah=areas,
                klasifikasi=klasifikasi,
                tahun_awal="2020",
                tahun_akhir=tahun,
                aplikasi_sumber=app,
            ),
        )


@pytest.mark.usefixtures("catalogue")
def test_facets_count_the_tangerang_fields(app):
    fields = ["sektor", "klasifikasi", "frekuensi", "kecamatan", "aplikasi_sumber", "organization"]
    result = app.get(
        "/api/3/action/package_search",
        query_string={"fq": "dataset_type:dataset", "facet.field": json.dumps(fields)},
    ).json["result"]
    facets = {f: {i["name"]: i["count"] for i in result["search_facets"][f]["items"]} for f in fields}
    assert facets["sektor"] == {"1.02": 2, "2.15": 1}
    assert facets["klasifikasi"] == {"terbuka": 2, "terbatas": 1}
    assert facets["frekuensi"] == {"bulanan": 2, "tahunan": 1}
    assert facets["kecamatan"] == {"36.71.01": 1, "36.71.02": 1}
    assert facets["aplikasi_sumber"] == {"simpus": 1}
    names = {i["name"]: i["display_name"] for i in result["search_facets"]["sektor"]["items"]}
    assert names["1.02"] == "1.02 Kesehatan"
    kecamatan = {i["name"]: i["display_name"] for i in result["search_facets"]["kecamatan"]["items"]}
    assert kecamatan["36.71.01"] == "Tangerang"


@pytest.mark.usefixtures("catalogue")
def test_filter_and_sort_on_the_tangerang_fields(app):
    by_area = app.get("/api/3/action/package_search", query_string={"fq": "kecamatan:36.71.02"}).json[
        "result"
    ]
    assert [d["name"] for d in by_area["results"]] == ["imunisasi-anak"]
    by_year = app.get(
        "/api/3/action/package_search",
        query_string={"fq": "dataset_type:dataset", "sort": "tahun_akhir desc"},
    ).json["result"]
    assert [d["name"] for d in by_year["results"]] == ["imunisasi-anak", "kunjungan-puskesmas", "uji-kir"]
    by_opd_title = app.get("/api/3/action/package_search", query_string={"q": "perhubungan"}).json["result"]
    assert [d["name"] for d in by_opd_title["results"]] == ["uji-kir"]


@pytest.mark.usefixtures("catalogue")
def test_application_facets(app):
    fields = ["kelompok", "platform_jenis", "status_aplikasi", "dalam_tangerang_live"]
    result = app.get(
        "/api/3/action/package_search",
        query_string={"fq": "dataset_type:aplikasi", "facet.field": json.dumps(fields)},
    ).json["result"]
    assert result["count"] == 1
    assert {i["name"] for i in result["search_facets"]["platform_jenis"]["items"]} == {"web"}
    assert {i["name"] for i in result["search_facets"]["dalam_tangerang_live"]["items"]} == {"false"}


@pytest.mark.usefixtures("catalogue")
def test_search_page_shows_the_facets_in_indonesian(app):
    page = app.get("/dataset/")
    assert page.status_code == 200
    assert "1.02 Kesehatan" in page.body
    assert "kecamatan=36.71.02" in page.body or "kecamatan" in page.body
    filtered = app.get("/dataset/?sektor=2.15")
    assert "uji-kir" in filtered.body
    assert "kunjungan-puskesmas" not in filtered.body
