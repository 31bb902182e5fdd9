"""Probe: no GET changes anything. Every route of the app that answers GET (ours, CKAN core's, ckanext-harvest's,
-dcat's, activity's, DataStore's, and the action API for every registered action) is requested with its
arguments taken from a seeded world, by a logged-in sysadmin's browser (a cookie session, where a link or an
image in a description would act with the highest rights) and by an anonymous visitor; the database's
fingerprint must be the same after each request, and no answer may be a 5xx.

Skipped: ``user.logout`` (it ends the probing browser's session, which lives in the cookie, not the database).
Left out of the fingerprint: ``harvest_log`` (ckanext-harvest's log of what happened, reads included) and the
per-visitor clocks CKAN keeps on reads (``user.last_active``, ``api_token.last_access``,
``dashboard.activity_stream_last_viewed``, when a user opened their dashboard). A download through the portal
adds one to its count (``tangerang_download``): that table may change on the download routes and nowhere else.
"""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from ckan import logic, model
from ckan.tests import factories, helpers

from tests.helpers import valid_dataset
from tests.security.world import aplikasi, logged_in

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

SKIPPED = {"user.logout": "ends the probing browser's session (a cookie), not a database change"}
NOT_FINGERPRINTED_TABLES = {"harvest_log"}
COUNTED = "tangerang_download"  # changed only by the routes that count a download (logic/downloads.py)


def counts_downloads(endpoint: str) -> bool:
    return endpoint.endswith("resource.download") or endpoint in (
        "datastore.dump",
        "tangerang_unduh.download",
    )


VOLATILE_COLUMNS = {
    "user": ("last_active",),
    "api_token": ("last_access",),
    "dashboard": ("activity_stream_last_viewed",),
}


def fingerprint(connection) -> dict[str, str]:
    """md5 of every row of every table (but the log and the read clocks), per table."""
    tables = [
        row[0]
        for row in connection.execute(
            sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        )
        if row[0] not in NOT_FINGERPRINTED_TABLES
    ]
    parts = []
    for table in tables:
        row_json = "to_jsonb(t)" + "".join(f" - '{c}'" for c in VOLATILE_COLUMNS.get(table, ()))
        parts.append(
            f"SELECT '{table}' AS name, md5(coalesce(string_agg(({row_json})::text, ',' "
            f"ORDER BY ({row_json})::text), '')) AS digest FROM \"{table}\" t"
        )
    return dict(connection.execute(sa.text(" UNION ALL ".join(parts))).all())


@pytest.fixture
def world(app):
    sysadmin = factories.SysadminWithToken()
    victim = factories.UserWithToken()
    org = factories.Organization(name="dinkes", users=[{"name": victim["name"], "capacity": "editor"}])
    group = factories.Group(name="kesehatan")
    context = {"user": sysadmin["name"]}
    dataset = helpers.call_action(
        "package_create",
        context=dict(context),
        **valid_dataset(
            org["id"],
            groups=[{"name": group["name"]}],
            tags=[{"name": "kesehatan"}],
            resources=[{"url": "https://data.tangerangkota.go.id/data-2025.csv", "name": "Data 2025"}],
        ),
    )
    app_record = helpers.call_action("package_create", context=dict(context), **aplikasi(org["id"]))
    source = helpers.call_action(
        "harvest_source_create",
        context=dict(context),
        name="sumber-uji",
        title="Sumber uji",
        url="http://127.0.0.1:1/sumber",
        source_type="tangerang_json_api",
        owner_org=org["id"],
        config=json.dumps({"fields": {"title": "judul"}}),
    )
    job = helpers.call_action("harvest_job_create", context=dict(context), source_id=source["id"], run=False)
    resource = dataset["resources"][0]
    views = helpers.call_action("resource_view_list", context=dict(context), id=resource["id"])
    activities = helpers.call_action("package_activity_list", context=dict(context), id=dataset["id"])
    return {
        "sysadmin": sysadmin,
        "victim": victim,
        "org": org,
        "group": group,
        "dataset": dataset,
        "aplikasi": app_record,
        "source": source,
        "job": job,
        "resource": resource,
        "view_id": views[0]["id"] if views else "x",
        "activity_id": activities[0]["id"],
    }


def _value(world: dict, endpoint: str, rule, name: str):
    defaults = rule.defaults or {}
    if name == "id":
        if endpoint.startswith("harvester."):
            return (
                world["job"]["id"]
                if endpoint in ("harvester.job_show", "harvester.job_abort")
                else world["source"]["id"]
            )
        if endpoint.startswith(("user.", "activity.user")):
            return world["victim"]["name"]
        if "group_type" in defaults or "is_organization" in defaults:
            return world["org"]["name"] if defaults.get("is_organization") else world["group"]["name"]
        if endpoint == "feeds.organization":
            return world["org"]["name"]
        if endpoint == "feeds.group":
            return world["group"]["name"]
        if endpoint == "feeds.tag":
            return "kesehatan"
        kind = defaults.get("package_type", "dataset")
        return {"harvest": world["source"]["name"], "aplikasi": world["aplikasi"]["name"]}.get(
            kind, world["dataset"]["name"]
        )
    values = {
        "_id": world["dataset"]["name"],
        "_format": "ttl",
        "source": world["source"]["name"],
        "resource_id": world["resource"]["id"],
        "job_id": world["job"]["id"],
        "view_id": world["view_id"],
        "activity_id": world["activity_id"],
        "lang": "id",
        "code": "2.12",
        "filename": "base/images/ckan-logo.png",
        "path": "dataset",
        "part": 1,
        "fmt": "csv",
    }
    return values.get(name, "x")


def requests_to_make(app, world) -> list[tuple[str, str]]:
    out = []
    for rule in app.flask_app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED or rule.endpoint == "api.action":
            continue
        args = {}
        for name in rule.arguments:
            if name in (rule.defaults or {}):
                continue
            args[name] = _value(world, rule.endpoint, rule, name)
        if "ver" in args:
            args["ver"] = re.search(r"max=(\d)", rule.rule).group(1) if "max=" in rule.rule else 3
        try:
            path = rule.build(args, append_unknown=False)[1]
        except Exception as error:  # a rule we cannot fill is a gap in this probe: fail loudly
            raise AssertionError(f"cannot build {rule.endpoint} {rule.rule} from {args}: {error}") from None
        out.append((rule.endpoint, path))
    # The action API: every registered action by GET, with the arguments a page would give.
    ids = {
        "id": world["dataset"]["id"],
        "source_id": world["source"]["id"],
        "resource_id": world["resource"]["id"],
    }
    query = "&".join(f"{k}={v}" for k, v in ids.items())
    for name in sorted(logic._actions):
        out.append(("api.action", f"/api/3/action/{name}?{query}"))
    return out


@pytest.mark.parametrize("who", ["sysadmin browser", "anonymous"])
def test_no_get_changes_the_database(app, world, who, probe):
    client = logged_in(app, world["sysadmin"]) if who == "sysadmin browser" else app.test_client()
    with model.meta.engine.connect() as connection:
        before = fingerprint(connection)
        for endpoint, path in requests_to_make(app, world):
            try:
                response = client.get(path, follow_redirects=False)
            except Exception as error:  # the test app re-raises what the portal would answer 500 to
                probe.check("5xx", False, f"{who}: GET {path} ({endpoint}) raised {error!r}")
                response = None
            if response is not None:
                probe.answer(response, f"{who}: GET {path} ({endpoint})")
            after = fingerprint(connection)
            changed = sorted(t for t in after if after[t] != before.get(t))
            if counts_downloads(endpoint):
                changed = [t for t in changed if t != COUNTED]
            probe.check("get_state", not changed, f"{who}: GET {path} ({endpoint}) changed {changed}")
            before = after
    # The probe reached the harvest pages that used to act on GET.
    paths = [p for _e, p in requests_to_make(app, world)]
    assert f"/harvest/clear/{world['source']['id']}" in paths
    assert f"/harvest/{world['source']['name']}/job/{world['job']['id']}/abort" in paths


def test_the_harvest_admin_buttons_still_act_by_post(app, world, probe):
    """What CKAN's confirm-action module sends when a steward confirms: a POST with the CSRF token."""
    browser = logged_in(app, world["sysadmin"])
    source_id = world["source"]["id"]
    page = browser.get(f"/harvest/clear/{source_id}")
    probe.answer(page, "GET /harvest/clear (the confirmation page)")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    probe.check(
        "get_state", page.status_code == 200 and token is not None, "the confirmation page has a form"
    )
    data = {"_csrf_token": token.group(1)} if token else {}
    stop = browser.post(
        f"/harvest/{world['source']['name']}/job/{world['job']['id']}/abort",
        data=data,
        follow_redirects=False,
    )
    probe.answer(stop, "POST stop job")
    probe.check("get_state", stop.status_code == 302, f"POST stop job answered {stop.status_code}")
    job = helpers.call_action("harvest_job_show", id=world["job"]["id"])
    probe.check("get_state", job["status"] == "Finished", f"the job is {job['status']} after Stop")
    refresh = browser.post(f"/harvest/refresh/{source_id}", data=data, follow_redirects=False)
    probe.answer(refresh, "POST reharvest")
    jobs = helpers.call_action("harvest_job_list", source_id=source_id)
    probe.check("get_state", len(jobs) == 2, f"Reharvest made {len(jobs) - 1} job(s)")
    delete = browser.post(
        f"/harvest/delete/{world['source']['name']}?clear=True", data=data, follow_redirects=False
    )
    probe.answer(delete, "POST delete and clear")
    probe.check("get_state", delete.status_code == 302, f"POST delete answered {delete.status_code}")
    model.Session.remove()
    state = model.Package.get(source_id).state
    probe.check("get_state", state == "deleted", f"the source is {state} after delete+clear")
