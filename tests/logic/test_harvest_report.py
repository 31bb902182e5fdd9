"""``ckan tangerang harvest-report`` (logic/harvest_report.py, counting in logic/harvest_jobs.py): the table it
prints, and its rows after jobs run through the real pipeline (the consumer subprocesses of tests/harvesters)."""

from __future__ import annotations

import json

import pytest

from ckanext.tangerang.logic import harvest_report
from ckanext.tangerang.logic.demo_harvest import json_api_config
from tests.harvesters.conftest import create_source, run_jobs
from tests.helpers import minimal_aplikasi

pytestmark = [pytest.mark.usefixtures("with_plugins")]


def test_format_report_is_a_table():
    rows = [
        {
            "source": "registri",
            "type": "tangerang_app_registry",
            "job": "0123456789",
            "status": "Finished",
            "finished": "2026-11-28 03:07:13.123",
            "seconds": 89.25,
            "added": 172,
            "updated": 0,
            "unchanged": 0,
            "withdrawn": 0,
            "errors": 1,
        }
    ]
    lines = harvest_report.format_report(rows).splitlines()
    assert lines[0].split() == [
        "source", "type", "last", "job", "status", "finished", "added", "updated", "unchanged", "withdrawn", "errors", "duration"
    ]  # fmt: skip
    assert lines[1].split() == [
        "registri", "tangerang_app_registry", "01234567", "Finished", "2026-11-28", "03:07:13", "172", "0", "0", "0", "1", "89.2", "s"
    ]  # fmt: skip


def test_harvest_report_command(opds_env, upstream, cli):
    from ckan.cli.cli import ckan

    env = opds_env
    source = create_source(
        env, "registri", f"{upstream}/registry/api/v1/aplikasi", "tangerang_app_registry", {"per_page": 100}
    )
    create_source(env, "belum-jalan", f"{upstream}/apps/laksa/datasets", "tangerang_app_registry", {})
    run_jobs(env, source["id"], timeout=300)
    result = cli.invoke(ckan, ["tangerang", "harvest-report"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    header = lines.index(next(line for line in lines if line.startswith("source")))
    assert lines[header].split()[-6:] == ["added", "updated", "unchanged", "withdrawn", "errors", "duration"]
    rows = {line.split()[0]: line.split() for line in lines[header + 1 :]}
    assert rows["registri"][1] == "tangerang_app_registry"
    assert rows["registri"][3] == "Finished"
    assert rows["registri"][6:11] == ["172", "0", "0", "0", "0"]
    assert rows["registri"][-1] == "s" and float(rows["registri"][-2]) > 0
    assert rows["belum-jalan"][2:4] == ["-", "-"]

    as_json = cli.invoke(ckan, ["tangerang", "harvest-report", "--json", "--source", "registri"])
    (row,) = json.loads(as_json.output[as_json.output.index("[") :])
    assert (row["source"], row["added"], row["status"]) == ("registri", 172, "Finished")


def test_harvest_report_counts_each_error_once(opds_env, upstream, control, cli):
    """A job with gather errors and failed records: ckanext-harvest's "errored" already counts the gather errors,
    so the report's total is that figure, and its split adds up to it."""
    from ckan.cli.cli import ckan

    env = opds_env
    minimal_aplikasi(env["user"], env["org"]["id"], "laksa")
    source = create_source(
        env, "laksa-api", f"{upstream}/apps/laksa/datasets", "tangerang_json_api", json_api_config("laksa")
    )
    # The listing repeats its first record in place of its last: a gather error (and, on a first run, "incomplete
    # listing"); the records still listed are harvested, of which one raw LAKSA record is held for personal
    # data (an object error; the other raw record was the last one listed).
    control.fault("/apps/laksa/datasets", "duplicate_ids")
    job = run_jobs(env, source["id"])
    assert job["status"] == "Finished"
    assert len(job["gather_errors"]) == 2, job
    assert any("duplicate ids" in e for e in job["gather_errors"]), job
    assert len(job["object_errors"]) == 1, job
    assert job["stats"]["errored"] == 3, job  # ckanext-harvest's figure: 1 record + 2 gather errors

    result = cli.invoke(ckan, ["tangerang", "harvest-report", "--json", "--source", "laksa-api"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output[result.output.index("[") :])
    assert row["errors"] == 3, row
    assert (row["object_errors"], row["gather_errors"]) == (1, 2), row
    # The failed record is the one held for personal data; no deletion is held (nothing disappeared).
    assert (row["held_personal_data"], row["held_deletions"]) == (1, 0), row
    table = cli.invoke(ckan, ["tangerang", "harvest-report", "--source", "laksa-api"])
    (line,) = [line for line in table.output.splitlines() if line.startswith("laksa-api")]
    assert line.split()[6:11] == [str(row["added"]), "0", "0", "0", "3"], line
