"""The access probe against the running portal (gunicorn, the stack's own config, CSRF on), as an anonymous
client over real HTTP: a probe OPD with marked terbatas and tertutup datasets is created for the run and purged
after it, and whatever the live catalogue already holds (the demo, after `make demo`) is probed too, with the
withheld values read through a sysadmin's token."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
import requests

from tests.helpers import aplikasi
from tests.security.test_access_probe import forbidden, marked_dataset, markers, surfaces

ROOT = Path(__file__).resolve().parents[2]


class Live:
    """The subset of the test client's interface that ``surfaces`` uses, over HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base

    def get(self, url: str, headers: dict | None = None):
        response = requests.get(self.base + url, headers=headers or {}, timeout=60, allow_redirects=False)
        try:
            data = response.json()
        except ValueError:
            data = None
        return SimpleNamespace(status_code=response.status_code, body=response.text, json=data)


def _api(base: str, token: str, action: str, **data):
    response = requests.post(
        f"{base}/api/3/action/{action}", json=data, headers={"Authorization": token}, timeout=60
    )
    assert response.status_code == 200, f"{action}: {response.status_code} {response.text[:300]}"
    return response.json()["result"]


@pytest.fixture(scope="module")
def sysadmin_token(live_url):
    """A token of the stack's sysadmin, made with the stack's own config (not the test databases)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
    user = os.environ.get("TANGERANG_ADMIN_USER", "admin")
    ini = Path(os.environ.get("TANGERANG_VAR", ROOT / "var")) / "ckan.ini"
    out = subprocess.run(
        [str(ROOT / ".venv/bin/ckan"), "-c", str(ini), "user", "token", "add", user, "security-probe"],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    token = out.stdout.strip().splitlines()[-1].strip()
    yield token
    tokens = _api(live_url, token, "api_token_list", user_id=user)
    for item in tokens:
        if item.get("name") == "security-probe":
            _api(live_url, token, "api_token_revoke", jti=item["id"])


@pytest.fixture(scope="module")
def live_world(live_url, sysadmin_token):
    tag = secrets.token_hex(3)
    org = _api(
        live_url, sysadmin_token, "organization_create", name=f"probe-opd-{tag}", title="Probe OPD (uji)"
    )
    datasets = {}
    app_record = None
    try:
        app_record = _api(
            live_url,
            sysadmin_token,
            "package_create",
            **aplikasi(org["id"], name=f"probe-app-{tag}", title=f"Probe App {tag}"),
        )
        for cls in ("terbuka", "terbatas", "tertutup", "reclassified"):
            mk = markers(cls)
            dataset = _api(
                live_url,
                sysadmin_token,
                "package_create",
                **marked_dataset(org["id"], cls, f"probe-{cls}-{tag}", app_record["name"]),
            )
            _api(
                live_url, sysadmin_token, "datastore_create", resource_id=dataset["resources"][0]["id"],
                force=True, fields=[{"id": "nama", "type": "text"}], records=[{"nama": mk["row"]}],
            )  # fmt: skip
            datasets[cls] = dataset
        moved = datasets["reclassified"]["id"]
        _api(live_url, sysadmin_token, "package_patch", id=moved, notes="Ditutup.")
        _api(live_url, sysadmin_token, "package_patch", id=moved, klasifikasi="tertutup")
        for cls in datasets:
            datasets[cls] = _api(live_url, sysadmin_token, "package_show", id=datasets[cls]["id"])
        sysadmin = {"name": os.environ.get("TANGERANG_ADMIN_USER", "admin"), "token": sysadmin_token}
        yield {
            "org": org,
            "datasets": datasets,
            "sysadmin": sysadmin,
            "users": {"anonymous": None},
            "aplikasi": app_record,
        }
    finally:
        for dataset in [*datasets.values(), *([app_record] if app_record else [])]:
            _api(live_url, sysadmin_token, "dataset_purge", id=dataset["id"])
        _api(live_url, sysadmin_token, "organization_purge", id=org["id"])


def test_no_marker_reaches_an_anonymous_client_of_the_running_portal(live_url, live_world, probe):
    client = Live(live_url)
    banned = forbidden(live_world, "anonymous")
    for url in surfaces(client, live_world):
        response = client.get(quote(url, safe='/?=&:,[]"*%'))
        probe.answer(response, f"live anonymous GET {url}")
        for label, marker in banned.items():
            if marker in url:
                continue
            probe.check(
                "leak", marker not in response.body, f"live GET {url}: {label} ({response.status_code})"
            )


def test_the_live_catalogue_withholds_what_it_should(live_url, sysadmin_token, probe):
    """Whatever the running portal holds (the demo after `make demo`): no terbatas URL and no tertutup dataset
    in what an anonymous client reads of the catalogue."""
    client = Live(live_url)
    admin = {"Authorization": sysadmin_token}
    hidden = client.get(
        "/api/3/action/package_search?fq=klasifikasi:(terbatas OR tertutup)&include_private=true&rows=1000",
        headers=admin,
    ).json["result"]["results"]
    banned = {}
    for dataset in hidden:
        if dataset.get("klasifikasi") == "tertutup":
            banned[f"{dataset['name']}.id"] = dataset["id"]
            banned[f"{dataset['name']}.name"] = f'"{dataset["name"]}"'
        for resource in dataset.get("resources", []):
            for key in ("url", "download_url", "access_url"):
                value = resource.get(key) or ""
                if len(value) >= 8 and resource.get("url_type") != "upload":
                    banned[f"{dataset['name']}.{key}"] = value
    pages = [
        "/api/3/action/package_search?rows=1000",
        "/api/3/action/package_search?rows=1000&fl=*",
        "/api/3/action/package_search?rows=1000&use_default_schema=true",
        "/api/3/action/package_list",
        "/api/3/action/current_package_list_with_resources?limit=1000",
        "/api/3/action/recently_changed_packages_activity_list?include_data=true&limit=100",
        "/api/3/action/tag_list",
        "/catalog.jsonld",
        "/catalog.ttl?modified_since=2000-01-01",
        "/dcat.json",
        "/satudata.json?rows=1000",
        "/sitemap.xml",
        "/katalog/unduh/katalog.json",
        "/katalog/unduh/katalog.csv",
        "/dataset",
    ]
    pages += [f"/dataset/{d['name']}" for d in hidden if d.get("klasifikasi") == "terbatas"][:20]
    for url in pages:
        response = client.get(quote(url, safe='/?=&:,()"*%'))
        probe.answer(response, f"live anonymous GET {url}")
        for label, value in banned.items():
            probe.check("leak", value not in response.body, f"live GET {url}: {label}")
