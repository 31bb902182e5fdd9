"""The plugin loads with the extensions it builds on, on the real stack."""

from __future__ import annotations

import pytest
import requests

EXPECTED_PLUGINS = {
    "tangerang",
    "scheming_datasets",
    "scheming_organizations",
    "harvest",
    "ckan_harvester",
    "dcat",
    "dcat_rdf_harvester",
    "datastore",
    "datatables_view",
    "activity",
}


def test_status_show_lists_the_plugins(app):
    result = app.get("/api/3/action/status_show").json["result"]
    assert result["ckan_version"].startswith("2.12.")
    assert EXPECTED_PLUGINS <= set(result["extensions"])


def test_running_portal_answers_with_the_plugins(live_url):
    """The portal started by the stack script (gunicorn workers, not the development server)."""
    response = requests.get(f"{live_url}/api/3/action/status_show", timeout=10)
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["ckan_version"].startswith("2.12.")
    assert EXPECTED_PLUGINS <= set(result["extensions"])
    assert result["locale_default"] == "id"


def test_running_portal_has_solr_core(live_url):
    from ckan.plugins.toolkit import config

    solr = config["solr_url"].rsplit("/", 1)[0]
    ping = requests.get(f"{solr}/ckan/admin/ping", params={"wt": "json"}, timeout=10)
    assert ping.json()["status"] == "OK"


@pytest.mark.ckan_config("ckanext.tangerang.portal.walidata_email", "walidata@example.go.id")
def test_walidata_helper_reads_config():
    import ckan.plugins.toolkit as tk

    assert tk.h.tangerang_walidata()["email"] == "walidata@example.go.id"
