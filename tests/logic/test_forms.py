"""The steward's dataset form: the Tangerang fields as selects with names, errors next to the field."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from ckan.tests import factories, helpers
from werkzeug.datastructures import MultiDict

from tests.helpers import valid_dataset

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


def test_edit_form_lists_the_applications(app, steward):
    user, org = steward
    sysadmin = factories.Sysadmin()
    helpers.call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        type="aplikasi",
        name="simpus",
        title="SIMPUS",
        notes="Sistem informasi puskesmas.",
        owner_org=org["id"],
        kelompok="e-government",
        status_aplikasi="aktif",
    )
    dataset = helpers.call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        **valid_dataset(org["id"], aplikasi_sumber="simpus"),
    )
    page = app.get(f"/dataset/edit/{dataset['name']}", headers={"Authorization": user["token"]})
    assert page.status_code == 200
    assert '<option value="simpus" selected>SIMPUS</option>' in page.body


class _FormFields(HTMLParser):
    """The fields a browser would submit from the dataset form: inputs, textareas and selected options."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("checkbox", "radio", "file", "submit"):
            self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def test_saving_the_edit_form_keeps_the_access_class(app, steward):
    user, org = steward
    sysadmin = factories.Sysadmin()
    dataset = helpers.call_action(
        "package_create", context={"user": sysadmin["name"]}, **valid_dataset(org["id"])
    )
    headers = {"Authorization": user["token"]}
    form = _FormFields()
    form.feed(app.get(f"/dataset/edit/{dataset['name']}", headers=headers).body)
    fields = [(k, v) for k, v in form.fields if k not in ("q",)]
    fields = [(k, "Judul baru" if k == "title" else v) for k, v in fields] + [("save", "")]
    response = app.post(
        f"/dataset/edit/{dataset['name']}", headers=headers, data=MultiDict(fields), follow_redirects=False
    )
    assert response.status_code == 302, response.body[-3000:]
    saved = helpers.call_action("package_show", id=dataset["id"])
    assert saved["title"] == "Judul baru"
    assert saved["klasifikasi"] == "terbuka"
    assert saved["private"] is False
    assert saved["cakupan_wilayah"] == dataset["cakupan_wilayah"]


def test_harvest_source_form_in_indonesian_creates_a_source(app, steward):
    """Our copy of ckanext-harvest's source form: translated labels and button, OPDs by name, and it still saves."""
    _user, org = steward
    sysadmin = factories.SysadminWithToken()
    headers = {"Authorization": sysadmin["token"]}
    page = app.get("/harvest/new", headers=headers).body
    assert "Jenis sumber" in page and 'value="Simpan"' in page
    assert f'<option value="{org["id"]}"' in page and f">{org['title']}</option>" in page
    response = app.post(
        "/harvest/new",
        headers=headers,
        data={
            "url": "https://data.tangerangkota.go.id/api/3/action/package_search",
            "title": "Sumber Uji",
            "name": "sumber-uji",
            "notes": "",
            "source_type": "ckan",
            "frequency": "MANUAL",
            "config": "",
            "owner_org": org["id"],
            "save": "Simpan",
        },
        follow_redirects=False,
    )
    assert response.status_code == 302, response.body[:2000]
    source = helpers.call_action("harvest_source_show", id="sumber-uji")
    assert source["title"] == "Sumber Uji" and source["owner_org"] == org["id"]
