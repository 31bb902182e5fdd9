"""Several fetch consumers on the same Redis queue (``TANGERANG_FETCH_CONSUMERS`` in the local stack, ``--scale
harvest-fetch=N`` in docker-compose): every record becomes exactly one dataset, none is lost, the job's counts are
right, and records whose names collide while they are created at the same moment all get a dataset."""

from __future__ import annotations

import os

import pytest

from .conftest import Consumers, create_source, run_jobs

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_index")]

FETCH_CONSUMERS = 3
RECORDS = 90  # /ckan/n/90: the sample catalogue's first 90 datasets


@pytest.fixture(scope="module")
def consumers(tmp_path_factory):
    """Overrides conftest's: this module's harvests run on several fetch consumers."""
    if not os.environ.get("CKAN_SQLALCHEMY_URL"):
        pytest.fail("Run the harvester tests with the environment of var/test.env (make test does).")
    procs = Consumers(tmp_path_factory.mktemp("scaled"), fetch=FETCH_CONSUMERS)
    procs.start()
    yield procs
    procs.stop()


def source_config(title_path):
    return {
        "records_path": "result.results",
        "pagination": {"type": "offset", "offset_param": "start", "size_param": "rows", "size": 25},
        "id_field": "name",
        # No name from upstream: names come from the titles, so equal titles compete for the same name.
        "fields": {"title": title_path, "notes": "notes"},
        "defaults": {
            "klasifikasi": "terbuka",
            "sektor": "2.16",
            "frekuensi": "tahunan",
            "cakupan_wilayah": ["36.71"],
            "tingkat_penyajian": "kecamatan",
        },
    }


def harvested():
    """Upstream id → dataset names, and every harvest object's guid with its state, from the database."""
    import sqlalchemy as sa
    from ckan import model

    model.Session.remove()
    datasets: dict[str, list[str]] = {}
    for upstream_id, name in model.Session.execute(
        sa.text(
            "SELECT extras->>'harvest_id_hulu', name FROM package WHERE type = 'dataset' AND state = 'active'"
        )
    ):
        datasets.setdefault(upstream_id, []).append(name)
    objects = model.Session.execute(sa.text("SELECT guid, state FROM harvest_object")).all()
    return datasets, objects


def test_several_fetch_consumers_create_each_dataset_once(harvest_env, upstream, consumers):
    env = harvest_env
    assert consumers.alive()
    # What the consumers log from here on (a message of an earlier run may meet the tables being recreated).
    start = {name: len(consumers.log(name)) for name in consumers.procs}
    # Titles shared by many records (the owning OPD's name): concurrent consumers pick the same free name.
    source = create_source(
        env,
        "katalog-paralel",
        f"{upstream}/ckan/n/{RECORDS}/api/3/action/package_search",
        "tangerang_json_api",
        source_config("organization.title"),
    )
    report = run_jobs(env, source["id"], timeout=300)
    assert report["status"] == "Finished"
    assert report["stats"] == {"added": RECORDS}, report

    datasets, objects = harvested()
    assert len(datasets) == RECORDS
    assert all(len(names) == 1 for names in datasets.values()), {
        k: v for k, v in datasets.items() if len(v) > 1
    }
    assert len(objects) == RECORDS and {state for _guid, state in objects} == {"COMPLETE"}
    names = [n for ns in datasets.values() for n in ns]
    assert len(set(names)) == RECORDS

    # Every consumer took part, and none died.
    assert consumers.alive()
    worked = [
        name
        for name in consumers.procs
        if name.startswith("fetch-consumer") and "Received harvest object id" in consumers.log(name)
    ]
    assert len(worked) >= 2, [consumers.log(n)[-2000:] for n in consumers.procs]
    for name in consumers.procs:  # no name collision reached the database, nothing failed unexpectedly
        assert "Traceback" not in consumers.log(name)[start[name] :], consumers.log(name)[-4000:]

    # A re-harvest on several consumers: nothing to do, nothing written.
    again = run_jobs(env, source["id"], timeout=300)
    assert again["stats"] == {"not modified": RECORDS}, again
    assert harvested() == (datasets, objects)
