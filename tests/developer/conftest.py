"""A small catalogue on the live portal for the developer-page and OpenAPI tests: an OPD with a terbuka dataset
that has DataStore rows (the newest public dataset, so the page's examples use it), a terbatas and a tertutup
dataset and an application; made through the API with a sysadmin's token and purged after the module."""

from __future__ import annotations

import secrets

import pytest

from tests.helpers import aplikasi, valid_dataset
from tests.security.test_live_probe import _api, sysadmin_token  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def live_catalogue(live_url, sysadmin_token):  # noqa: F811 (the fixture imported above)
    tag = secrets.token_hex(3)
    made = []

    def create(action, **data):
        result = _api(live_url, sysadmin_token, action, **data)
        made.append((action, result["id"]))
        return result

    try:
        org = create("organization_create", name=f"uji-pengembang-{tag}", title="OPD Uji Pengembang")
        application = create(
            "package_create", **aplikasi(org["id"], name=f"aplikasi-uji-{tag}", title="Aplikasi Uji")
        )
        closed = create(
            "package_create",
            **valid_dataset(
                org["id"], name=f"tertutup-{tag}", title="Data Tertutup Uji", klasifikasi="tertutup"
            ),
        )
        limited = create(
            "package_create",
            **valid_dataset(
                org["id"],
                name=f"terbatas-{tag}",
                title="Data Terbatas Uji",
                klasifikasi="terbatas",
                aplikasi_sumber=application["name"],
                resources=[
                    {"url": "https://files.example/terbatas.csv", "name": "Terbatas", "format": "CSV"}
                ],
            ),
        )
        public = create(
            "package_create",
            **valid_dataset(
                org["id"],
                name=f"penduduk-uji-{tag}",
                title=f"Penduduk Uji {tag}",
                aplikasi_sumber=application["name"],
                resources=[
                    {"url": "https://files.example/penduduk.csv", "name": "Penduduk", "format": "CSV"}
                ],
            ),
        )
        for dataset in (limited, public):
            _api(
                live_url, sysadmin_token, "datastore_create", resource_id=dataset["resources"][0]["id"],
                force=True, fields=[{"id": "kelurahan", "type": "text"}, {"id": "jumlah", "type": "int"}],
                records=[{"kelurahan": f"Kelurahan {i}", "jumlah": 100 * i} for i in range(1, 13)],
            )  # fmt: skip
        yield {
            "org": org,
            "aplikasi": application,
            "terbuka": _api(live_url, sysadmin_token, "package_show", id=public["id"]),
            "terbatas": limited,
            "tertutup": closed,
        }
    finally:
        for action, object_id in reversed(made):
            purge = "organization_purge" if action == "organization_create" else "dataset_purge"
            _api(live_url, sysadmin_token, purge, id=object_id)
