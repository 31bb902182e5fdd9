"""The steward's dataset form: the Tangerang fields as selects with names, errors next to the field."""

from __future__ import annotations

import pytest
from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def steward(with_plugins, clean_db, clean_index):
    user = factories.UserWithToken()
    org = factories.Organization(name="dinkes", users=[{"name": user["name"], "capacity": "editor"}])
    return user, org


def test_new_dataset_form_offers_the_code_lists(app, steward):
    user, _org = steward
    page = app.get("/dataset/new", headers={"Authorization": user["token"]})
    assert page.status_code == 200
    body = page.body
    for field in (
        "klasifikasi",
        "sektor",
        "frekuensi",
        "cakupan_wilayah",
        "tingkat_penyajian",
        "walidata_email",
    ):
        assert f'id="field-{field}"' in body, field
    assert "1.02 Kesehatan" in body  # sector choices carry their names
    assert "Kec. Ciledug (36.71.05)" in body or "Kec. Ciledug" in body  # area codes with names
    assert 'data-module="autocomplete"' in body  # the area multi-select is searchable
    assert "Klasifikasi Akses Data" in body  # Indonesian label


def test_bad_email_is_reported_next_to_the_field(app, steward):
    user, org = steward
    response = app.post(
        "/dataset/new",
        headers={"Authorization": user["token"]},
        data={
            "name": "uji-formulir",
            "title": "Uji Formulir",
            "notes": "Dataset uji.",
            "owner_org": org["id"],
            "klasifikasi": "terbuka",
            "sektor": "1.02",
            "frekuensi": "tahunan",
            "cakupan_wilayah": "36.71",
            "produsen_data_email": "bukan surel",
            "save": "continue",
            "_ckan_phase": "dataset_new_1",
        },
    )
    assert response.status_code == 200
    assert "Alamat surel tidak sah" in response.body
    assert "Not a valid e-mail address" in response.body
    assert "Traceback" not in response.body
