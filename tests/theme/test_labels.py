"""Coded values as visitors read them, from their one home (the schema's choices, the code lists), in the page's
language: the helpers, the search facets, the forms and the registry harvester read the same labels. Numbers and
months follow the page's language too (CKAN's localised_number, Babel's month names)."""

from __future__ import annotations

import pytest
from ckan.tests import helpers

from ckanext.tangerang import choices, codelists
from ckanext.tangerang.harvesters import app_registry
from tests.theme.conftest import aplikasi


class TestSchemaChoices:
    def test_the_registry_harvester_accepts_what_the_schema_offers(self):
        assert app_registry.KELOMPOK == {"e-government", "layanan-publik"}
        assert app_registry.STATUS == {"aktif", "dalam-kajian", "dihentikan"}
        assert app_registry.PLATFORMS == {"web", "android", "ios", "desktop", "api"}

    @pytest.mark.parametrize(
        ("path", "value", "lang", "label"),
        [
            ("kelompok", "layanan-publik", "id", "Layanan Publik"),
            ("kelompok", "layanan-publik", "en", "Public service"),
            ("status_aplikasi", "dalam-kajian", "en", "Under review"),
            ("platform.jenis", "ios", "id", "iOS"),
            ("dalam_tangerang_live", "false", "id", "Tidak"),
        ],
    )
    def test_labels_in_the_language_asked_for(self, path, value, lang, label):
        assert choices.labels("aplikasi", path, lang)[value] == label

    def test_outside_a_request_the_language_is_indonesian(self):
        assert choices.page_lang() == "id"
        assert choices.labels("aplikasi", "status_aplikasi")["dihentikan"] == "Dihentikan"


class TestCodeLists:
    def test_label(self):
        assert codelists.label("klasifikasi", "terbatas") == "Terbatas"
        assert codelists.label("klasifikasi", "terbatas", "en") == "Limited"
        assert codelists.label("frekuensi", "tahunan", "en") == "Annual"
        assert codelists.label("urusan_pemerintahan", "1.02", "en") == "1.02 Kesehatan"
        assert codelists.label("wilayah_3671", "36.71.01") == "Tangerang"
        assert codelists.label("klasifikasi", "rahasia") == "rahasia"  # unknown: the code itself
        assert codelists.label("klasifikasi", None) == ""

    def test_area_choices_say_their_tier_and_code(self):
        labels = {c["value"]: c["label"] for c in codelists.choices("wilayah_3671")}
        assert labels["36.71"] == "Kota Tangerang (36.71)"
        assert labels["36.71.01"] == "Kec. Tangerang (36.71.01)"
        assert labels["36.71.01.1001"].startswith("Kel. ")

    def test_choices_follow_the_language(self):
        assert [c["label"] for c in codelists.choices("klasifikasi", "en")] == ["Open", "Limited", "Closed"]


@pytest.mark.usefixtures("with_plugins")
class TestPages:
    def test_application_facets_follow_the_page_language(self, app, city):
        helpers.call_action(
            "package_create",
            context={"user": city["sysadmin"]["name"]},
            **aplikasi(
                city["orgs"]["dinkes"]["id"], name="si-lama", title="SI Lama", status_aplikasi="dalam-kajian"
            ),
        )
        english = app.get("/en/aplikasi").body
        assert "Public service" in english and "Under review" in english and "Layanan Publik" not in english
        indonesian = app.get("/aplikasi").body
        assert (
            "Layanan Publik" in indonesian
            and "Dalam Kajian" in indonesian
            and "Public service" not in indonesian
        )

    def test_form_choices_come_from_the_code_lists(self, app, city):
        form = app.get("/dataset/new", headers={"Authorization": city["editor"]["token"]}).body
        assert '<option value="36.71.01"' in form and "Kec. Tangerang (36.71.01)" in form
        assert "Terbatas" in form and "1.02 Kesehatan" in form

    def test_application_page_names_group_status_and_platforms(self, app, city):
        body = app.get("/en/aplikasi/laksa").body
        assert "Public service" in body and "Active" in body and "Android" in body

    def test_numbers_and_months_follow_the_page_language(self, app, city):
        english = app.get("/en/aplikasi/laksa").body
        table = english[english.index("<details>") : english.index("</details>")]
        assert "Dec 2026" in table and "6,700" in table
        assert "<title>Dec 2026: 6,700</title>" in english  # the chart's bars
        indonesian = app.get("/aplikasi/laksa").body
        assert "<title>Des 2026: 6.700</title>" in indonesian
