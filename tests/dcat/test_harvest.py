"""DCAT sources (ckanext-dcat's stock ``dcat_rdf`` harvester) and the application their config names: checked
when the source is saved, put on every dataset the source creates or updates. End to end through the real
pipeline against the sample upstream's DCAT catalogue, as the demo's DCAT source harvests it."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from ckanext.tangerang.logic import dcat_sources, demo_harvest
from tests.harvesters.conftest import consumers, create_source, run_jobs, upstream  # noqa: F401  (fixtures)
from tests.helpers import minimal_aplikasi

pytestmark = [pytest.mark.usefixtures("with_plugins")]

NO_SUCH = "aplikasi_sumber: Aplikasi tidak ditemukan: 'tidak-ada' / No such application: 'tidak-ada'"


@pytest.fixture
def portal(clean_db, clean_index):
    """A sysadmin, the OPD that owns the demo's DCAT source, and two application records."""
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="diskominfo", title="Dinas Komunikasi dan Informatika")
    for name in ("satu-data", "satu-peta"):
        minimal_aplikasi(sysadmin["name"], org["id"], name)
    return {"sysadmin": sysadmin, "org": org, "user": sysadmin["name"]}


@pytest.fixture
def env(portal, consumers):  # noqa: F811
    from ckanext.harvest import queue

    queue.purge_queues()
    assert consumers.alive(), consumers.log("fetch-consumer")[-3000:]
    return portal


def demo_dcat_source(base: str) -> dict:
    (source,) = [s for s in demo_harvest.demo_sources(base, {}) if s["source_type"] == "dcat_rdf"]
    return source


def harvested(env, source_id: str) -> list[dict]:
    """The datasets the source's current harvest objects point at, as package_show gives them."""
    from ckan import model
    from ckanext.harvest.model import HarvestObject

    model.Session.remove()
    ids = [
        package_id
        for (package_id,) in model.Session.query(HarvestObject.package_id)
        .filter(HarvestObject.harvest_source_id == source_id, HarvestObject.current.is_(True))
        .distinct()
    ]
    return [helpers.call_action("package_show", context={"user": env["user"]}, id=i) for i in ids]


def test_the_configured_application_is_on_every_dataset_created_and_updated(env, upstream):  # noqa: F811
    wanted = demo_dcat_source(upstream)  # owned here by the test's OPD
    assert json.loads(wanted["config"])["aplikasi_sumber"] == "satu-data"
    source = create_source(env, wanted["name"], wanted["url"], "dcat_rdf", json.loads(wanted["config"]))

    first = run_jobs(env, source["id"])
    assert first["status"] == "Finished" and first["stats"] == {"added": 30}, first
    datasets = harvested(env, source["id"])
    assert len(datasets) == 30
    assert {d["aplikasi_sumber"] for d in datasets} == {"satu-data"}

    # The stock harvester updates every dataset on every run: the application comes with the update too.
    helpers.call_action(
        "harvest_source_patch",
        context={"user": env["user"]},
        id=source["id"],
        config=json.dumps({"rdf_format": "text/turtle", "aplikasi_sumber": "satu-peta"}),
    )
    second = run_jobs(env, source["id"])
    assert second["stats"] == {"updated": 30}, second
    assert {d["aplikasi_sumber"] for d in harvested(env, source["id"])} == {"satu-peta"}
    # What a visitor finds on the application's page: its datasets.
    found = helpers.call_action("package_search", fq='aplikasi_sumber:"satu-peta"', rows=0)
    assert found["count"] == 30


def test_an_unknown_application_is_refused_when_the_source_is_saved(portal, app):
    user = factories.SysadminWithToken()
    body = {
        "name": "katalog-dcat",
        "title": "Katalog DCAT",
        "url": "http://127.0.0.1:1/dcat/catalog.ttl",
        "source_type": "dcat_rdf",
        "owner_org": portal["org"]["id"],
        "frequency": "MANUAL",
    }
    headers = {"Authorization": user["token"]}
    for value, expected in (
        ("tidak-ada", NO_SUCH),
        (42, "aplikasi_sumber: harus teks: nama aplikasi di portal ini (mis. satu-data) / must be text"),
    ):
        config = json.dumps({"rdf_format": "text/turtle", "aplikasi_sumber": value})
        refused = app.post(
            "/api/3/action/harvest_source_create",
            json={**body, "config": config},
            headers=headers,
            status=409,
        ).json["error"]
        assert refused["config"][0].startswith(expected), refused
    fine = json.dumps({"rdf_format": "text/turtle", "aplikasi_sumber": "satu-data"})
    app.post(
        "/api/3/action/harvest_source_create", json={**body, "config": fine}, headers=headers, status=200
    )

    # Changing it later is checked the same way; other source types keep their own rules.
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action(
            "harvest_source_patch",
            context={"user": portal["user"]},
            id="katalog-dcat",
            config=json.dumps({"aplikasi_sumber": "tidak-ada"}),
        )
    assert error.value.error_dict["config"] == [NO_SUCH]


def test_the_config_wins_over_the_upstreams_dct_source():
    """Pure: the application the profile parsed from an upstream dct:source gives way to the source's config;
    without the key in the config it stays."""
    config = json.dumps({"rdf_format": "text/turtle", "aplikasi_sumber": "satu-data"})
    configured = SimpleNamespace(source=SimpleNamespace(type="dcat_rdf", config=config))
    dataset = {"title": "Kunjungan Puskesmas 2024", "aplikasi_sumber": "sehat-tangerang"}
    dcat_sources.apply_source_aplikasi(configured, dataset)
    assert dataset["aplikasi_sumber"] == "satu-data"

    plain = SimpleNamespace(source=SimpleNamespace(type="dcat_rdf", config='{"rdf_format": "text/turtle"}'))
    dataset = {"title": "Kunjungan Puskesmas 2024", "aplikasi_sumber": "sehat-tangerang"}
    dcat_sources.apply_source_aplikasi(plain, dataset)
    assert dataset["aplikasi_sumber"] == "sehat-tangerang"


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_the_demo_reports_a_refused_source_and_does_not_run_it(upstream):  # noqa: F811
    """Before the registry has run, the demo's DCAT source names an application that does not exist yet."""
    factories.Organization(name="diskominfo")
    source = demo_dcat_source(upstream)
    lines: list[str] = []
    counts = demo_harvest.register_sources([source], progress=lines.append)
    assert counts == {"created": 0, "differs": 0, "unchanged": 0, "refused": 1}
    assert "ditolak / refused" in lines[-1] and "No such application: 'satu-data'" in lines[-1], lines
    statuses = demo_harvest.run_sources([source["name"]], timeout=1, progress=lines.append)
    assert statuses == {source["name"]: "tidak terdaftar / not registered"}
