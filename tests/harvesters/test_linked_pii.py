"""Personal data behind linked files, through the real pipeline: every harvester (ours and the stock CKAN and DCAT
ones) holds a public record whose resources link to a CSV, XLSX or JSON file with personal data, or that declares
individual records as terbuka; clean files pass; a file that turns personal is held on the next run."""

from __future__ import annotations

import json

import pytest
from ckan.tests import factories

from ckanext.tangerang.logic.demo_harvest import APP_OPDS, json_api_config
from tests.helpers import minimal_aplikasi

from .conftest import CATALOGUE_DEFAULTS, catalogue_source, create_source, datasets_of, run_jobs

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_index")]

# Generated datasets of the sample CKAN/DCAT catalogue (/ckan/n/84: 65 application datasets, then
# dataset-sampel-00065 ... 00083), each with one file of one format.
JSON_ONE, CSV_ONE, XLSX_ONE = "dataset-sampel-00070", "dataset-sampel-00071", "dataset-sampel-00083"
CLEAN_ONE = "dataset-sampel-00079"
PERSONAL = [JSON_ONE, CSV_ONE, XLSX_ONE]
DEFAULTS = CATALOGUE_DEFAULTS


def anonymous_names(app):
    found = app.get("/api/3/action/package_search", query_string={"rows": 1000}).json["result"]["results"]
    return {d["name"] for d in found}


def assert_held_message(errors, name, fmt):
    """One object error names the file of ``name``, the columns and kinds found, in both languages."""
    mine = [e for e in errors if f"/files/{name}.{fmt}" in e]
    assert len(mine) == 1, errors
    text = mine[0]
    for part in ("nik (NIK (nomor induk kependudukan)", "nik (NIK (national identity number)", "telepon"):
        assert part in text, text
    assert "menautkan berkas berisi data pribadi" in text and "links to a file holding personal data" in text


def test_json_api_links_clean_then_personal_then_clean(harvest_env, upstream, control, app):
    env = harvest_env
    source = catalogue_source(env, upstream, [*PERSONAL, CLEAN_ONE])

    first = run_jobs(env, source["id"])
    assert first["stats"] == {"added": 4}, first
    assert {*PERSONAL, CLEAN_ONE} <= anonymous_names(app)

    control.change(pribadi=PERSONAL)  # the files change; the records do not
    second = run_jobs(env, source["id"])
    assert second["stats"] == {"errored": 3, "not modified": 1}, second
    for name, fmt in ((JSON_ONE, "json"), (CSV_ONE, "csv"), (XLSX_ONE, "xlsx")):
        assert_held_message(second["object_errors"], name, fmt)
    assert set(datasets_of(env, "katalog-json")) == {CLEAN_ONE}  # the three are drafts now
    assert not set(PERSONAL) & anonymous_names(app)
    for name in PERSONAL:
        app.get(f"/dataset/{name}", status=404)

    control.reset("changes")
    third = run_jobs(env, source["id"])
    assert third["stats"] == {"updated": 3, "not modified": 1}, third
    assert set(datasets_of(env, "katalog-json")) == {*PERSONAL, CLEAN_ONE}


def test_json_api_drop_mode_leaves_the_link_out(harvest_env, upstream, control, app):
    env = harvest_env
    control.change(pribadi=[CSV_ONE])
    source = create_source(
        env,
        "katalog-json-drop",
        f"{upstream}/ckan/n/84/api/3/action/package_search",
        "tangerang_json_api",
        {
            "params": {"fq": f"name:{CSV_ONE}", "rows": 10},
            "records_path": "result.results",
            "pagination": {"type": "none"},
            "id_field": "name",
            "fields": {"name": "name", "title": "title", "notes": "notes"},
            "defaults": DEFAULTS,
            "resources_path": "resources",
            "resource_fields": {"url": "url", "name": "name", "format": "format"},
            "data_pribadi": "drop",
        },
    )
    report = run_jobs(env, source["id"])
    assert report["stats"] == {"added": 1}, report
    shown = app.get("/api/3/action/package_show", query_string={"id": CSV_ONE}).json["result"]
    assert shown["resources"] == []
    assert "Links to files holding personal data were not published" in shown["catatan_data_pribadi"]


def test_tabular_personal_csv_and_xlsx_are_held(harvest_env, upstream, control):
    env = harvest_env
    control.change(pribadi=[CSV_ONE, XLSX_ONE])
    source = create_source(
        env,
        "berkas",
        f"{upstream}/files/",
        "tangerang_tabular",
        {
            "defaults": DEFAULTS,
            "tables": [
                {"id": "csv", "url": f"{CSV_ONE}.csv", "dataset": {"title": "Berkas CSV"}},
                {"id": "xlsx", "url": f"{XLSX_ONE}.xlsx", "dataset": {"title": "Berkas XLSX"}},
                {"id": "bersih", "url": f"{CLEAN_ONE}.csv", "dataset": {"title": "Berkas bersih"}},
            ],
        },
    )
    report = run_jobs(env, source["id"])
    assert report["stats"] == {"added": 1, "errored": 2}, report
    assert all("Personal data found" in e and "nik" in e for e in report["object_errors"]), report
    assert set(datasets_of(env, "berkas")) == {"bersih"}


def test_individual_records_and_the_laksa_raw_export_are_held(harvest_env, upstream, app):
    env = harvest_env
    source = create_source(
        env, "laksa-api", f"{upstream}/apps/laksa/datasets", "tangerang_json_api", json_api_config("laksa")
    )
    report = run_jobs(env, source["id"])
    assert report["stats"] == {"added": 16, "errored": 2}, report
    for error in report["object_errors"]:
        assert 'tingkat_penyajian "individu"' in error and 'declares tingkat_penyajian "individu"' in error
    export = [e for e in report["object_errors"] if "pengaduan-mentah-2025.csv" in e]
    assert len(export) == 1 and "nama_pelapor (person's name with an address" in export[0], report
    names = anonymous_names(app)
    assert not {"laksa-pengaduan-mentah-2025", "laksa-ekspor-pengaduan-mentah-2025"} & names
    assert "laksa-pengaduan-per-kecamatan-2024" in names


def application(env, name):
    """The aplikasi record that the sample catalogue's datasets name (aplikasi_sumber must exist)."""
    minimal_aplikasi(env["user"], env["org"]["id"], name)


def stock_reports(env, upstream, control, kind):
    application(env, "satu-data")
    control.change(pribadi=PERSONAL)
    if kind == "ckan":
        source = create_source(
            env, "katalog-ckan", f"{upstream}/ckan/n/84", "ckan", {"organizations_filter_exclude": APP_OPDS}
        )
    else:
        source = create_source(
            env,
            "katalog-dcat",
            f"{upstream}/dcat/n/84/catalog.ttl?page=6&per_page=14",
            "dcat_rdf",
            {"rdf_format": "text/turtle"},
        )
    return run_jobs(env, source["id"])


@pytest.mark.parametrize("kind", ["ckan", "dcat_rdf"])
def test_stock_harvesters_hold_linked_personal_data(harvest_env, upstream, control, app, kind):
    env = harvest_env
    report = stock_reports(env, upstream, control, kind)
    assert report["status"] == "Finished"
    assert report["stats"].get("errored") == 3, report
    assert report["stats"].get("added", 0) >= 10, report
    for name, fmt in ((JSON_ONE, "json"), (CSV_ONE, "csv"), (XLSX_ONE, "xlsx")):
        assert_held_message(report["object_errors"], name, fmt)
    # (the DCAT harvester names datasets after their titles, which end with the upstream id)
    names = " ".join(anonymous_names(app))
    assert CLEAN_ONE in names
    assert not [name for name in PERSONAL if name in names], [
        (d["name"], d["state"], [r["url"] for r in d["resources"]])
        for d in app.get("/api/3/action/package_search", query_string={"rows": 1000}).json["result"][
            "results"
        ]
        if any(n in d["name"] for n in PERSONAL)
    ]


def test_stock_ckan_harvester_holds_individual_records(harvest_env, upstream):
    env = harvest_env
    application(env, "tangerang-live")
    source = create_source(
        env, "katalog-laksa", f"{upstream}/ckan", "ckan", {"organizations_filter_include": ["diskominfo"]}
    )
    report = run_jobs(env, source["id"])
    held = [e for e in report["object_errors"] if 'declares tingkat_penyajian "individu"' in e]
    assert len(held) == 2, "\n".join(report["object_errors"])
    assert any("pengaduan-mentah-2025.csv" in e and "nik" in e for e in held), held


def test_a_literal_cookie_header_is_refused(harvest_env, app, upstream):
    user = factories.SysadminWithToken()
    body = {
        "name": "laksa-cookie",
        "title": "LAKSA",
        "url": f"{upstream}/apps/laksa/datasets",
        "source_type": "tangerang_json_api",
        "owner_org": harvest_env["org"]["id"],
        "frequency": "MANUAL",
    }
    for header in ("Cookie", "X-Api-Key", "Proxy-Authorization"):
        config = {**json_api_config("laksa"), "headers": {header: "sesi=rahasia"}}
        refused = app.post(
            "/api/3/action/harvest_source_create",
            json={**body, "config": json.dumps(config)},
            headers={"Authorization": user["token"]},
            status=409,
        ).json["error"]
        text = str(refused)
        assert header in text and "tidak boleh ditulis langsung" in text and "may not be written" in text, (
            text
        )
        assert "token_env" in text
    fine = {**json_api_config("laksa"), "headers": {"Accept-Language": "id", "User-Agent": "portal"}}
    app.post(
        "/api/3/action/harvest_source_create",
        json={**body, "config": json.dumps(fine)},
        headers={"Authorization": user["token"]},
        status=200,
    )
