"""The foundation on real services: Solr indexing and faceting, the harvest queue on Redis, the DataStore."""

from __future__ import annotations

import json

import pytest
from ckan.tests import factories, helpers

from tests.helpers import valid_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _api(app, action, token, **data):
    response = app.post(
        f"/api/3/action/{action}",
        json=data,
        headers={"Authorization": token},
    )
    return response


def test_dataset_created_over_http_is_searchable_and_facetable(app):
    user = factories.SysadminWithToken()
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    created = _api(
        app,
        "package_create",
        user["token"],
        **valid_dataset(
            org["id"],
            name="kunjungan-puskesmas-2025",
            title="Kunjungan Puskesmas 2025",
            notes="Jumlah kunjungan pasien per puskesmas per bulan.",
            tags=[{"name": "kesehatan"}, {"name": "puskesmas"}],
        ),
    )
    assert created.status_code == 200, created.body
    other = _api(
        app,
        "package_create",
        user["token"],
        **valid_dataset(
            org["id"], name="imunisasi-2025", title="Imunisasi 2025", tags=[{"name": "kesehatan"}]
        ),
    )
    assert other.status_code == 200, other.body

    found = app.get("/api/3/action/package_search", query_string={"q": "puskesmas"}).json["result"]
    assert [d["name"] for d in found["results"]] == ["kunjungan-puskesmas-2025"]

    faceted = app.get(
        "/api/3/action/package_search",
        query_string={"fq": "organization:dinkes", "facet.field": json.dumps(["tags", "organization"])},
    ).json["result"]
    assert faceted["count"] == 2
    tags = {i["name"]: i["count"] for i in faceted["search_facets"]["tags"]["items"]}
    assert tags["kesehatan"] == 2
    assert tags["puskesmas"] == 1
    orgs = {i["name"]: i["count"] for i in faceted["search_facets"]["organization"]["items"]}
    assert orgs == {"dinkes": 2}


def test_bad_api_input_is_a_field_error_not_a_500(app):
    user = factories.SysadminWithToken()
    response = _api(app, "package_create", user["token"], name="Bad Name!", title="x")
    assert response.status_code == 409
    error = response.json["error"]
    assert error["__type"] == "Validation Error"
    assert "name" in error


@pytest.mark.usefixtures("clean_queues")
def test_harvest_job_reaches_the_redis_queue(app):
    from ckanext.harvest.queue import get_connection, get_gather_routing_key

    org = factories.Organization()
    user = factories.SysadminWithToken()
    source = _api(
        app,
        "harvest_source_create",
        user["token"],
        owner_org=org["id"],
        name="sumber-uji",
        url="http://127.0.0.1:9/ckan",
        source_type="ckan",
        title="Sumber uji",
        frequency="MANUAL",
    )
    assert source.status_code == 200, source.body
    job = _api(app, "harvest_job_create", user["token"], source_id=source.json["result"]["id"], run=True)
    assert job.status_code == 200, job.body
    job_id = job.json["result"]["id"]
    sent = _api(app, "harvest_send_job_to_gather_queue", user["token"], id=job_id)
    assert sent.status_code == 200, sent.body

    redis = get_connection()
    messages = [json.loads(m) for m in redis.lrange(get_gather_routing_key(), 0, -1)]
    assert {"harvest_job_id": job_id} in messages


def test_datastore_accepts_and_returns_rows():
    dataset = factories.Dataset(**valid_dataset(factories.Organization()["id"]))
    resource = factories.Resource(package_id=dataset["id"], url_type="datastore")
    context = {"user": factories.Sysadmin()["name"]}
    helpers.call_action(
        "datastore_create",
        context=context,
        resource_id=resource["id"],
        force=True,
        fields=[{"id": "kecamatan", "type": "text"}, {"id": "jumlah", "type": "int"}],
        records=[{"kecamatan": "Ciledug", "jumlah": 193000}, {"kecamatan": "Cibodas", "jumlah": 161000}],
    )
    rows = helpers.call_action(
        "datastore_search", context=dict(context), resource_id=resource["id"], sort="jumlah desc"
    )["records"]
    assert [(r["kecamatan"], r["jumlah"]) for r in rows] == [("Ciledug", 193000), ("Cibodas", 161000)]
    # Searches run on the read-only role (ckan.datastore.read_url), which cannot write.
    import sqlalchemy as sa
    from ckan.plugins.toolkit import config

    engine = sa.create_engine(config["ckan.datastore.read_url"])
    with engine.connect() as conn:
        assert conn.execute(sa.text(f'SELECT count(*) FROM "{resource["id"]}"')).scalar() == 2
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            conn.execute(sa.text(f"INSERT INTO \"{resource['id']}\" (kecamatan, jumlah) VALUES ('X', 1)"))
    engine.dispose()
