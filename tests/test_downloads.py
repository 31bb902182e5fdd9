"""downloads.py and logic/downloads.py through HTTP: a DataStore table as CSV, JSON and XLSX (neutralised, typed,
filtered), refused where the DataStore is refused, and every download through the portal counted for the
resource, its dataset and its application."""

from __future__ import annotations

import csv
import io
import json

import pytest
from ckan.tests import helpers
from openpyxl import load_workbook

from ckanext.tangerang.downloads import disposition
from tests.helpers import aplikasi
from tests.logic.test_access import world as access_world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

ROWS = [
    {"kecamatan": "Cipondoh", "jumlah": 12, "rasio": 0.5},
    {"kecamatan": '=HYPERLINK("https://jahat.example/x","klik")', "jumlah": 7, "rasio": 1.25},
    {"kecamatan": "Ciledug", "jumlah": 30, "rasio": None},
]
FIELDS = [
    {"id": "kecamatan", "type": "text"},
    {"id": "jumlah", "type": "int"},
    {"id": "rasio", "type": "numeric"},
]


def _counts(app, key, headers=None):
    return app.get(f"/api/3/action/tangerang_download_counts?id={key}", headers=headers or {}).json["result"]


@pytest.fixture
def world(access_world):  # noqa: F811 (the imported fixture, asked for by name)
    """test_access's OPDs, users and datasets of each class (each with a DataStore table), all from the
    application LAKSA; the terbuka one's table holds ROWS and it has a second resource, a link."""
    sysadmin = {"user": access_world["sysadmin"]["name"]}
    helpers.call_action("package_create", context=dict(sysadmin), **aplikasi(access_world["org"]["id"]))
    datasets = {}
    for cls, dataset in access_world["datasets"].items():
        helpers.call_action(
            "package_patch", context=dict(sysadmin), id=dataset["id"], aplikasi_sumber="laksa"
        )
        datasets[cls] = dataset
    table = datasets["terbuka"]["resources"][0]["id"]
    helpers.call_action(
        "resource_patch", context=dict(sysadmin), id=table, name="Penduduk Kecamatan Ciledug 2025"
    )
    helpers.call_action(
        "resource_create", context=dict(sysadmin), package_id=datasets["terbuka"]["id"], name="Tautan",
        url="https://data.example.go.id/tautan.csv",
    )  # fmt: skip
    helpers.call_action("datastore_delete", context=dict(sysadmin), resource_id=table, force=True)
    helpers.call_action(
        "datastore_create", context=dict(sysadmin), resource_id=table, force=True, fields=FIELDS, records=ROWS
    )
    for cls in datasets:
        datasets[cls] = helpers.call_action("package_show", id=datasets[cls]["id"])
    users = {
        "anonymous": None,
        "other_opd_editor": access_world["outsider"],
        "member": access_world["member"],
        "sysadmin": access_world["sysadmin"],
    }
    return {"datasets": datasets, "users": users}


def test_a_table_downloads_as_csv_json_and_xlsx_and_every_download_is_counted(app, world):
    dataset = world["datasets"]["terbuka"]
    table, link = dataset["resources"]
    base = f"/dataset/{dataset['name']}/resource/{table['id']}/unduh"

    response = app.get(f"{base}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="Penduduk-Kecamatan-Ciledug-2025.csv"; '
        "filename*=UTF-8''Penduduk%20Kecamatan%20Ciledug%202025.csv"
    )
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["kecamatan", "jumlah", "rasio"],
        ["Cipondoh", "12", "0.5"],
        ['\'=HYPERLINK("https://jahat.example/x","klik")', "7", "1.25"],
        ["Ciledug", "30", ""],
    ]

    response = app.get(f"{base}.xlsx")
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert list(sheet.iter_rows(values_only=True))[2] == (
        '\'=HYPERLINK("https://jahat.example/x","klik")',
        7,
        1.25,
    )

    response = app.get(f"{base}.json")
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(response.get_data(as_text=True))
    assert body["fields"] == [
        {"id": "kecamatan", "type": "text"},
        {"id": "jumlah", "type": "int4"},
        {"id": "rasio", "type": "numeric"},
    ]
    assert body["records"][0] == {"kecamatan": "Cipondoh", "jumlah": 12, "rasio": 0.5}
    assert body["records"][2]["rasio"] is None

    # The preview's filters: datastore_search's filters, q, sort and fields.
    filtered = json.loads(app.get(f'{base}.json?filters={{"kecamatan":"Ciledug"}}').get_data(as_text=True))
    assert filtered["records"] == [{"kecamatan": "Ciledug", "jumlah": 30, "rasio": None}]
    chosen = app.get(f"{base}.csv?q=Cipondoh&fields=jumlah,kecamatan").get_data(as_text=True)
    assert chosen.splitlines() == ["\ufeffjumlah,kecamatan", "12,Cipondoh"]
    ordered = app.get(f"{base}.csv?sort=jumlah desc&fields=jumlah").get_data(as_text=True)
    assert ordered.splitlines()[1:] == ["30", "12", "7"]

    # Nothing counted so far but these seven; then a HEAD, a robot, CKAN's dump and the link's redirect.
    assert app.client.head(f"{base}.csv").status_code == 200
    app.get(f"{base}.csv", headers={"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"})
    app.get(f"/datastore/dump/{table['id']}")
    redirect = app.get(f"/dataset/{dataset['id']}/resource/{link['id']}/download", follow_redirects=False)
    assert redirect.status_code == 302

    assert _counts(app, table["id"]) == {"id": table["id"], "type": "resource", "total": 7}
    assert _counts(app, dataset["name"])["by_resource"] == {table["id"]: 7, link["id"]: 1}
    assert _counts(app, dataset["name"])["total"] == 8
    # A terbatas dataset's downloads (by its OPD's members) are public figures; a tertutup one's are not.
    for cls, role in (("terbatas", "member"), ("tertutup", "sysadmin")):
        insider = {"Authorization": world["users"][role]["token"]}
        ds = world["datasets"][cls]
        app.get(f"/dataset/{ds['name']}/resource/{ds['resources'][0]['id']}/unduh.csv", headers=insider)
    laksa = _counts(app, "laksa")
    assert (laksa["total"], laksa["by_dataset"]) == (
        9,
        {"kunjungan-puskesmas-terbuka": 8, "kunjungan-puskesmas-terbatas": 1},
    )
    sysadmin = {"Authorization": world["users"]["sysadmin"]["token"]}
    assert _counts(app, "laksa", sysadmin)["total"] == 10

    # The pages: the resource's three links and count, the dataset's total and per resource, the application's.
    page = app.get(f"/dataset/{dataset['name']}/resource/{table['id']}").get_data(as_text=True)
    for fmt in ("csv", "json", "xlsx"):
        assert f'href="{base.replace(dataset["name"], dataset["name"])}.{fmt}"' in page
    assert "Jumlah unduhan: 7" in page
    page = app.get(f"/dataset/{dataset['name']}").get_data(as_text=True)
    assert "Jumlah unduhan dataset ini: 8" in page
    assert page.count("Jumlah unduhan: ") == 2
    assert "Jumlah unduhan datasetnya" in app.get("/aplikasi/laksa").get_data(as_text=True)

    # The preview's filtered download (datatables_view) leads to the same files, with the preview's filter,
    # order and visible columns.
    view = helpers.call_action(
        "resource_view_create",
        context={"user": world["users"]["sysadmin"]["name"]},
        resource_id=table["id"],
        view_type="datatables_view",
        title="Tabel",
    )
    params = {
        "search": {"value": ""},
        "order": [{"column": 2, "dir": "desc"}],
        "visible": [True, True, True, False],
        "columns": [{"name": name, "search": {"value": "Ciledug" if name == "kecamatan" else ""}} for name in
                    ("_id", "kecamatan", "jumlah", "rasio")],
    }  # fmt: skip
    answer = app.post(
        f"/datatables/filtered-download/{view['id']}",
        data={"params": json.dumps(params), "format": "csv"},
        follow_redirects=False,
    )
    assert answer.location.startswith(f"/dataset/{dataset['id']}/resource/{table['id']}/unduh.csv?")
    rows = app.get(answer.location).get_data(as_text=True).splitlines()
    assert rows == ["\ufeff_id,kecamatan,jumlah", "3,Ciledug,30"]


def test_bad_parameters_answer_400_in_both_languages(app, world):
    dataset = world["datasets"]["terbuka"]
    base = f"/dataset/{dataset['name']}/resource/{dataset['resources'][0]['id']}/unduh"
    for query, says in (
        ("filters={nama", "Parameter filters harus berupa objek JSON"),
        ('filters=["Cipondoh"]', "The filters parameter must be a JSON object"),
        ('filters={"desa":"x"}', "Unknown column in filters: desa"),
        ("fields=kecamatan,desa", "Kolom tidak dikenal pada fields: desa"),
        ("sort=desa desc", "Unknown column in sort: desa"),
        ("q={bad", "Parameter q harus berupa objek JSON"),
        ("plain=kadang", "The plain parameter must be true or false"),
    ):
        response = app.get(f"{base}.csv?{query}")
        assert response.status_code == 400, query
        assert says in response.get_data(as_text=True), query
    assert app.get(f"{base}.pdf").status_code == 404
    other = world["datasets"]["terbatas"]["name"]
    assert app.get(f"/dataset/{other}/resource/{dataset['resources'][0]['id']}/unduh.csv").status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "other_opd_editor"])
def test_limited_and_closed_tables_are_refused_to_outsiders(app, world, role):
    user = world["users"][role]
    headers = {"Authorization": user["token"]} if user else {}
    for cls, status in (("terbatas", 403), ("tertutup", 404)):
        dataset = world["datasets"][cls]
        rid = dataset["resources"][0]["id"]
        for fmt in ("csv", "json", "xlsx"):
            response = app.get(f"/dataset/{dataset['name']}/resource/{rid}/unduh.{fmt}", headers=headers)
            assert response.status_code == status, (cls, fmt)
            assert "Puskesmas Cipondoh" not in response.get_data(as_text=True)
        if status == 403:
            assert "Akses data terbatas" in response.get_data(as_text=True)
            assert "Limited access" in response.get_data(as_text=True)
    closed = world["datasets"]["tertutup"]
    for key in (closed["name"], closed["resources"][0]["id"]):
        response = app.get(f"/api/3/action/tangerang_download_counts?id={key}", headers=headers)
        assert response.status_code == 404
    member = {"Authorization": world["users"]["member"]["token"]}
    limited = world["datasets"]["terbatas"]
    response = app.get(
        f"/dataset/{limited['name']}/resource/{limited['resources'][0]['id']}/unduh.csv", headers=member
    )
    assert "Puskesmas Cipondoh" in response.get_data(as_text=True)


def test_a_file_name_keeps_to_ascii_with_the_exact_name_beside_it():
    assert disposition('Data "Ibu/Anak" Karawaci — 2025', "xlsx") == (
        'attachment; filename="Data-Ibu-Anak-Karawaci-2025.xlsx"; '
        "filename*=UTF-8''Data%20-Ibu-Anak-%20Karawaci%20%E2%80%94%202025.xlsx"
    )
    assert disposition("数据", "csv").startswith('attachment; filename="data.csv"')
