"""The Tangerang schema: fields, code lists, validation messages and the access class, through the API."""

from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories, helpers

from tests.helpers import valid_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def post(app, action, user, data):
    return app.post(f"/api/3/action/{action}", json=data, headers={"Authorization": user["token"]})


class TestSchemaShow:
    @pytest.mark.parametrize("dataset_type", ["dataset", "aplikasi"])
    def test_fields_have_indonesian_and_english_labels(self, app, dataset_type):
        schema = app.get("/api/3/action/scheming_dataset_schema_show", query_string={"type": dataset_type})
        fields = schema.json["result"]["dataset_fields"]
        for field in fields:
            if isinstance(field["label"], dict):
                assert set(field["label"]) >= {"id", "en"}, field["field_name"]
        names = {f["field_name"] for f in fields}
        if dataset_type == "dataset":
            assert {
                "klasifikasi",
                "sektor",
                "frekuensi",
                "cakupan_wilayah",
                "tingkat_penyajian",
                "tahun_awal",
                "tahun_akhir",
                "satuan",
                "ukuran",
                "metodologi",
                "kode_daftar_data",
                "kode_standar_data",
                "produsen_data_nama",
                "produsen_data_email",
                "walidata_nama",
                "walidata_email",
                "aplikasi_sumber",
                "pemutakhiran_berikutnya",
            } <= names
            resource_names = {f["field_name"] for f in schema.json["result"]["resource_fields"]}
            assert {"format", "kamus_data", "jumlah_baris", "last_modified"} <= resource_names
        else:
            assert {
                "kelompok",
                "platform",
                "dalam_tangerang_live",
                "status_aplikasi",
                "tahun_peluncuran",
                "penggunaan_bulanan",
                "kontak_email",
            } <= names


class TestValidation:
    def test_bad_fields_are_409_naming_each_field_in_both_languages(self, app):
        user = factories.SysadminWithToken()
        org = factories.Organization()
        data = valid_dataset(
            org["id"],
            cakupan_wilayah=["36.71.99"],
            produsen_data_email="bukan-surel",
            tahun_awal="1850",
        )
        del data["klasifikasi"]
        response = post(app, "package_create", user, data)
        assert response.status_code == 409
        error = response.json["error"]
        assert error["klasifikasi"] == ["Wajib diisi / Missing value"]
        assert "cakupan_wilayah" in error
        assert error["produsen_data_email"] == [
            "Alamat surel tidak sah: 'bukan-surel' / Not a valid e-mail address: 'bukan-surel'"
        ]
        assert "Tahun harus antara 1945" in error["tahun_awal"][0]
        assert "Year must be between 1945" in error["tahun_awal"][0]
        assert helpers.call_action("package_search")["count"] == 0

    def test_unknown_access_class_is_an_error_never_a_default(self, app):
        user = factories.SysadminWithToken()
        org = factories.Organization()
        response = post(app, "package_create", user, valid_dataset(org["id"], klasifikasi="publik"))
        assert response.status_code == 409
        assert "klasifikasi" in response.json["error"]

    def test_end_year_before_start_year(self, app):
        user = factories.SysadminWithToken()
        org = factories.Organization()
        response = post(
            app, "package_create", user, valid_dataset(org["id"], tahun_awal="2025", tahun_akhir="2020")
        )
        assert response.status_code == 409
        assert "tahun_akhir" in response.json["error"]

    def test_malformed_codes_and_unknown_application(self, app):
        user = factories.SysadminWithToken()
        org = factories.Organization()
        response = post(
            app,
            "package_create",
            user,
            valid_dataset(org["id"], kode_standar_data="XX-1", aplikasi_sumber="tidak-ada", sektor="9.99"),
        )
        assert response.status_code == 409
        assert set(response.json["error"]) >= {"kode_standar_data", "aplikasi_sumber", "sektor"}

    def test_valid_dataset_is_created_indexed_and_facetable(self, app):
        user = factories.SysadminWithToken()
        org = factories.Organization(name="disdukcapil")
        response = post(app, "package_create", user, valid_dataset(org["id"]))
        assert response.status_code == 200, response.json
        created = response.json["result"]
        assert created["klasifikasi"] == "terbuka"
        assert created["private"] is False
        assert created["cakupan_wilayah"] == ["36.71.01", "36.71.01.1001"]
        assert created["license_id"] == "cc-by"
        assert created["tahun_awal"] == "2020" or created["tahun_awal"] == 2020
        assert created["pemutakhiran_berikutnya"]  # tahunan: a year after this update

        found = app.get(
            "/api/3/action/package_search",
            query_string={"q": "kelurahan", "facet.field": json.dumps(["organization"])},
        ).json["result"]
        assert found["count"] == 1
        assert found["results"][0]["sektor"] == "2.12"


class TestAccessClass:
    @pytest.mark.parametrize(
        ("klasifikasi", "private"), [("terbuka", False), ("terbatas", False), ("tertutup", True)]
    )
    def test_access_class_decides_private(self, klasifikasi, private):
        org = factories.Organization()
        sysadmin = factories.Sysadmin()
        dataset = helpers.call_action(
            "package_create",
            context={"user": sysadmin["name"]},
            **valid_dataset(org["id"], klasifikasi=klasifikasi, private=not private),
        )
        assert dataset["private"] is private

    def test_reclassifying_changes_private_at_once(self):
        org = factories.Organization()
        sysadmin = factories.Sysadmin()
        context = {"user": sysadmin["name"]}
        dataset = helpers.call_action("package_create", context=dict(context), **valid_dataset(org["id"]))
        patched = helpers.call_action(
            "package_patch", context=dict(context), id=dataset["id"], klasifikasi="tertutup"
        )
        assert patched["private"] is True
        # Setting private alone cannot open a closed dataset.
        patched = helpers.call_action("package_patch", context=dict(context), id=dataset["id"], private=False)
        assert patched["private"] is True
        assert patched["klasifikasi"] == "tertutup"


class TestAplikasi:
    def test_application_is_always_public_and_can_be_a_source(self):
        org = factories.Organization()
        sysadmin = factories.Sysadmin()
        context = {"user": sysadmin["name"]}
        app_record = helpers.call_action(
            "package_create",
            context=dict(context),
            type="aplikasi",
            name="laksa",
            title="LAKSA",
            notes="Layanan Aspirasi Kotak Saran Anda.",
            owner_org=org["id"],
            kelompok="layanan-publik",
            status_aplikasi="aktif",
            private=True,
            dalam_tangerang_live="ya",
            platform=[{"jenis": "android", "url": "https://play.google.com/store/apps/details?id=x"}],
            penggunaan_bulanan=json.dumps([{"bulan": "2026-10", "pengguna_aktif": 10, "transaksi": 20}]),
        )
        assert app_record["private"] is False
        assert app_record["penggunaan_bulanan"][0]["pengguna_aktif"] == 10
        dataset = helpers.call_action(
            "package_create", context=dict(context), **valid_dataset(org["id"], aplikasi_sumber="laksa")
        )
        assert dataset["aplikasi_sumber"] == "laksa"

    def test_bad_usage_series_is_a_field_error(self):
        org = factories.Organization()
        sysadmin = factories.Sysadmin()
        with pytest.raises(tk.ValidationError) as raised:
            helpers.call_action(
                "package_create",
                context={"user": sysadmin["name"]},
                type="aplikasi",
                name="x-app",
                title="X",
                notes="x",
                owner_org=org["id"],
                kelompok="e-government",
                status_aplikasi="aktif",
                penggunaan_bulanan='[{"bulan": "2026-13"}]',
            )
        assert "penggunaan_bulanan" in raised.value.error_dict


class TestSeed:
    def test_seed_is_idempotent_and_fills_organization_fields(self):
        from ckanext.tangerang.logic import seed

        first = seed.seed_organizations()
        assert first["created"] == 29
        second = seed.seed_organizations()
        assert second == {"created": 0, "updated": 0, "unchanged": 29}
        dinkes = helpers.call_action("organization_show", id="dinkes")
        assert dinkes["title"] == "Dinas Kesehatan"
        assert dinkes["singkatan"] == "Dinkes"
        assert dinkes["urusan"] == ["1.02"]
