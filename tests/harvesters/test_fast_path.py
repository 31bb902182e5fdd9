"""The harvest's fast path, through the real queue: a harvested dataset is the dataset ``package_create`` makes of
the same record (same ``package_show``, same search hit); an unchanged record is recognised in the gather stage
(no harvest object, no write) while a record or a linked file that changed is not; the ``harvest_object`` table
stays bounded over many runs."""

from __future__ import annotations

import pytest

from .conftest import catalogue_source, datasets_of, run_jobs

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_index")]

# Generated datasets of the sample CKAN catalogue (/ckan/n/N: 65 application datasets, then dataset-sampel-00065...).
NAMES = [f"dataset-sampel-{i:05d}" for i in range(65, 77)]
# Fields that differ between two datasets made of the same record: identities, names and times.
VOLATILE = {
    "id",
    "name",
    "metadata_created",
    "metadata_modified",
    "package_id",
    "created",
    "last_modified",
    "revision_id",
    "harvest_waktu",
    "url",  # resources' URLs stay the upstream's; the dataset's own url is compared separately
}


def fast_source(env, upstream, names):
    return catalogue_source(env, upstream, names, name="katalog-cepat", rows=50, description=True)


def strip(value):
    """A package_show dict (or a search hit) without what two creations of one record cannot share."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def state():
    """harvest objects and each dataset's metadata_modified, straight from the database."""
    import sqlalchemy as sa
    from ckan import model

    model.Session.remove()
    objects = model.Session.execute(sa.text("SELECT count(*) FROM harvest_object")).scalar()
    modified = dict(
        model.Session.execute(
            sa.text("SELECT id, metadata_modified FROM package WHERE type = 'dataset'")
        ).all()
    )
    return objects, modified


def test_harvested_dataset_equals_package_create_of_the_same_record(harvest_env, upstream, app):
    from ckan.tests import helpers

    env = harvest_env
    source = fast_source(env, upstream, NAMES[:1])
    report = run_jobs(env, source["id"])
    assert report["stats"] == {"added": 1}, report
    context = {"user": env["user"]}
    harvested = helpers.call_action("package_show", context=dict(context), id=NAMES[0])

    # The same record through package_create, as a steward's script would send it (provenance included).
    sent = {
        k: v for k, v in strip(harvested).items() if k not in ("organization", "num_resources", "num_tags")
    }
    sent["name"] = NAMES[0] + "-langsung"
    sent["url"] = harvested["url"]
    sent["owner_org"] = harvested["owner_org"]
    sent["resources"] = [
        {k: v for k, v in strip(r).items() if k not in ("position", "state")} | {"url": r["url"]}
        for r in harvested["resources"]
    ]
    # As the harvester's user (the site user), so that creator_user_id is the same too.
    site = helpers.call_action("get_site_user", context={"ignore_auth": True})["name"]
    direct = helpers.call_action("package_create", context={"user": site}, **sent)
    direct = helpers.call_action("package_show", context=dict(context), id=direct["id"])

    assert strip(direct) == strip(harvested)
    assert [r["url"] for r in direct["resources"]] == [r["url"] for r in harvested["resources"]]

    # The same search hit (as anyone sees it), once Solr has committed.
    def hit(name):
        found = app.get("/api/3/action/package_search", query_string={"fq": f"name:{name}"}).json["result"]
        assert found["count"] == 1, (name, found)
        return found["results"][0]

    assert strip(hit(sent["name"])) == strip(hit(NAMES[0]))
    by_text = app.get("/api/3/action/package_search", query_string={"q": harvested["title"], "rows": 10}).json
    assert {NAMES[0], sent["name"]} <= {d["name"] for d in by_text["result"]["results"]}


def test_unchanged_records_are_skipped_in_gather_and_changes_still_come_through(
    harvest_env, upstream, control, app
):
    env = harvest_env
    source = fast_source(env, upstream, NAMES)
    first = run_jobs(env, source["id"])
    assert first["stats"] == {"added": len(NAMES)}, first
    objects, modified = state()
    assert objects == len(NAMES)

    # Nothing changed: no harvest object, no write, every record counted as not modified.
    second = run_jobs(env, source["id"])
    assert second["stats"] == {"not modified": len(NAMES)}, second
    assert state() == (objects, modified)
    # The job's report says so on GET too (the chained actions stay side-effect free), and only to its admins.
    from ckan.tests import factories

    token = factories.APIToken(user=env["user"])["token"]
    jobs = app.get(
        "/api/3/action/harvest_job_list",
        query_string={"source_id": source["id"]},
        headers={"Authorization": token},
    ).json["result"]
    shown = app.get(
        "/api/3/action/harvest_job_show", query_string={"id": jobs[0]["id"]}, headers={"Authorization": token}
    ).json["result"]
    assert shown["stats"]["not modified"] == len(NAMES)
    app.get("/api/3/action/harvest_job_show", query_string={"id": jobs[0]["id"]}, status=403)
    app.get("/api/3/action/harvest_source_show_status", query_string={"id": source["id"]}, status=403)

    # One record changes upstream: it alone becomes an object and is updated.
    control.change(edit=[NAMES[3]])
    third = run_jobs(env, source["id"])
    assert third["stats"] == {"updated": 1, "not modified": len(NAMES) - 1}, third
    objects_after, modified_after = state()
    assert objects_after == objects + 1
    changed = {k for k, v in modified_after.items() if modified.get(k) != v}
    assert changed == {datasets_of(env, "katalog-cepat")[NAMES[3]]["id"]}

    # A linked file turns personal while its record stays the same: caught at the next harvest (in the gather,
    # then held by the import stage).
    control.change(pribadi=[NAMES[5]])
    fourth = run_jobs(env, source["id"])
    assert fourth["stats"] == {"errored": 1, "not modified": len(NAMES) - 1}, fourth
    assert NAMES[5] not in {
        d["name"]
        for d in app.get("/api/3/action/package_search", query_string={"rows": 100}).json["result"]["results"]
    }


def test_a_change_of_config_reimports_once_then_skips(harvest_env, upstream):
    from ckan.tests import helpers

    env = harvest_env
    source = fast_source(env, upstream, NAMES[:4])
    assert run_jobs(env, source["id"])["stats"] == {"added": 4}
    config = helpers.call_action("harvest_source_show", context={"user": env["user"]}, id=source["id"])[
        "config"
    ]
    helpers.call_action(
        "harvest_source_patch",
        context={"user": env["user"]},
        id=source["id"],
        config=config.replace('"kecamatan"', '"kota"'),
    )
    again = run_jobs(env, source["id"])
    assert again["stats"] == {"updated": 4}, again
    assert {d["tingkat_penyajian"] for d in datasets_of(env, "katalog-cepat").values()} == {"kota"}
    assert run_jobs(env, source["id"])["stats"] == {"not modified": 4}


def test_harvest_object_table_stays_bounded(harvest_env, upstream, control):
    from ckanext.tangerang.harvesters.unchanged import KEEP_JOBS

    env = harvest_env
    source = fast_source(env, upstream, NAMES)
    run_jobs(env, source["id"])
    counts = []
    for round_number in range(KEEP_JOBS + 4):
        # Every run changes two records: without pruning, the table would grow by two objects a run.
        control.change(edit=NAMES[(2 * round_number) % len(NAMES) : (2 * round_number) % len(NAMES) + 2])
        report = run_jobs(env, source["id"])
        assert report["stats"] == {"updated": 2, "not modified": len(NAMES) - 2}, report
        counts.append(state()[0])
    # The current objects, plus at most two changed ones for each of the last jobs kept.
    assert max(counts) <= len(NAMES) + 2 * KEEP_JOBS, counts
    assert counts[-1] == counts[-2] == counts[-3], counts
