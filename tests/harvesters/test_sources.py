"""Harvest sources: config validation when saved, the URL allow-list, one job per source, the timeout sweep."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]

GOOD = {"fields": {"title": "judul"}, "pagination": {"type": "none"}}


def create(url, config, source_type="tangerang_json_api", name="sumber"):
    sysadmin = factories.Sysadmin()
    org = factories.Organization()
    return helpers.call_action(
        "harvest_source_create",
        context={"user": sysadmin["name"]},
        name=name,
        title=name,
        url=url,
        source_type=source_type,
        owner_org=org["id"],
        config=json.dumps(config) if isinstance(config, dict) else config,
    )


@pytest.mark.ckan_config("ckanext.tangerang.harvest.allowed_hosts", "")
@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:58080/apps/laksa/datasets", "http://localhost/x", "file:///etc/passwd"]
)
def test_loopback_and_file_urls_are_refused_without_the_allow_list(url):
    with pytest.raises(tk.ValidationError) as raised:
        create(url, GOOD)
    (message,) = raised.value.error_dict["url"]
    assert "/" in message  # Indonesian / English
    assert "allow-list" in message or "http://" in message


@pytest.mark.ckan_config("ckanext.tangerang.harvest.allowed_hosts", "data.tangerangkota.go.id")
def test_hosts_outside_the_allow_list_are_refused():
    with pytest.raises(tk.ValidationError, match="not in the allow-list"):
        create("http://127.0.0.1/x", GOOD)


def test_a_listed_loopback_host_is_accepted():
    # test.ini lists 127.0.0.1 (the consumer subprocesses read it too).
    source = create("http://127.0.0.1:1/apps/laksa/datasets", GOOD)
    assert source["source_type"] == "tangerang_json_api"


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("{not json", "not valid JSON"),
        ({"fields": {"title": "judul"}, "bogus": 1}, "bogus: unknown key"),
        ({"fields": {"judul": "judul"}}, "not schema fields: ['judul']"),
        ({"pagination": {"type": "none"}}, 'needs "fields" with at least "title"'),
        ({**GOOD, "pagination": {"type": "scroll"}}, "must be one of"),
        ({**GOOD, "data_pribadi": "publish"}, "data_pribadi: harus salah satu dari"),
        ({**GOOD, "auth": {"token_env": "lower-case"}}, "token_env is required"),
        ({**GOOD, "headers": {"Authorization": "Bearer abc"}}, "secrets must not be stored"),
        ({**GOOD, "token": "abc"}, "secrets must not be stored"),
        ({**GOOD, "limits": {"timeout": 3}}, "unknown keys ['timeout']"),
        ({"mode": "table"}, 'mode table needs "table"'),
    ],
)
def test_bad_configs_are_refused_with_clear_messages(config, expected):
    with pytest.raises(tk.ValidationError) as raised:
        create("http://127.0.0.1:1/api", config)
    message = " ".join(raised.value.error_dict["config"])
    assert expected in message


def test_tabular_config_checks_tables_and_their_urls():
    with pytest.raises(tk.ValidationError, match="id and url are required"):
        create("http://127.0.0.1:1/", {"tables": [{"url": "a.csv"}]}, "tangerang_tabular")
    with pytest.raises(tk.ValidationError, match="Only http:// or https://"):
        create(
            "http://127.0.0.1:1/", {"tables": [{"id": "a", "url": "file:///etc/passwd"}]}, "tangerang_tabular"
        )
    ok = create(
        "http://127.0.0.1:1/",
        {"tables": [{"id": "a", "url": "a.csv"}], "auth": {"token_env": "X_TOKEN"}},
        "tangerang_tabular",
    )
    assert json.loads(ok["config"])["auth"] == {"token_env": "X_TOKEN"}


def test_a_second_job_for_a_busy_source_is_refused():
    from ckanext.harvest.logic import HarvestJobExists

    source = create("http://127.0.0.1:1/api", GOOD)
    context = {"user": factories.Sysadmin()["name"]}
    helpers.call_action("harvest_job_create", context=dict(context), source_id=source["id"], run=False)
    with pytest.raises(HarvestJobExists):
        helpers.call_action("harvest_job_create", context=dict(context), source_id=source["id"], run=False)


@pytest.mark.ckan_config("ckan.harvest.timeout", "5")
def test_a_job_stuck_in_running_is_closed_by_the_timeout_sweep():
    from ckan import model
    from ckanext.harvest.model import HarvestJob

    source = create("http://127.0.0.1:1/api", GOOD)
    context = {"user": factories.Sysadmin()["name"]}
    job_id = helpers.call_action(
        "harvest_job_create", context=dict(context), source_id=source["id"], run=False
    )["id"]
    job = HarvestJob.get(job_id)
    job.status = "Running"
    job.created = dt.datetime.utcnow() - dt.timedelta(minutes=30)
    job.gather_started = job.created
    job.save()
    helpers.call_action("harvest_jobs_run", context=dict(context), source_id=source["id"])
    model.Session.remove()
    shown = helpers.call_action("harvest_job_show", context=dict(context), id=job_id)
    assert shown["status"] == "Finished"
    report = helpers.call_action("harvest_job_report", context=dict(context), id=job_id)
    assert "timeout" in report["gather_errors"][0]["message"]
