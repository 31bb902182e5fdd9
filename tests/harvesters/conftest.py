"""Fixtures of the harvester tests: the sample upstream in a thread, the real harvest consumers as
subprocesses (``ckan tangerang gather-consumer|fetch-consumer`` on test.ini and Redis db 1), the SIMPUS sample
database, and a helper that runs a job through the queue and waits for ``harvest_jobs_run`` to finish it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CKAN = Path(sys.executable).with_name("ckan")
# The variable the SQL sources of the tests name for the SIMPUS database. The consumer subprocesses inherit
# os.environ when the fixture starts them.
SIMPUS_ENV = "TANGERANG_TEST_SIMPUS_DSN"
if os.environ.get("TANGERANG_TEST_SQL_URL"):
    os.environ.setdefault(SIMPUS_ENV, os.environ["TANGERANG_TEST_SQL_URL"])


@pytest.fixture(scope="session")
def upstream():
    from sample_upstream import serve_in_thread

    server, base = serve_in_thread(port=0, clock="fixed")
    yield base
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def simpus_url():
    """The stack's PostgreSQL database of the tests, loaded with the SIMPUS sample."""
    url = os.environ.get("TANGERANG_TEST_SQL_URL")
    if not url:
        pytest.fail(
            "TANGERANG_TEST_SQL_URL is not set: run with the environment of var/test.env (make test does)."
        )
    from sample_upstream import load_sql

    load_sql(url)
    return url


@pytest.fixture
def control(upstream):
    """Fault and change switches of the sample upstream, reset before and after each test."""

    class Control:
        def reset(self, what="all"):
            requests.post(f"{upstream}/_control/reset", json={"what": what}, timeout=5).raise_for_status()

        def fault(self, path_prefix, fault, **params):
            body = {"path_prefix": path_prefix, "fault": fault, **params}
            requests.post(f"{upstream}/_control/faults", json=body, timeout=5).raise_for_status()

        def change(self, **body):
            response = requests.post(f"{upstream}/_control/changes", json=body, timeout=5)
            response.raise_for_status()
            return response.json()

    control = Control()
    control.reset()
    yield control
    control.reset()


class Consumers:
    """One gather consumer and ``fetch`` fetch consumers (``fetch-consumer``, ``fetch-consumer-2``, ...), each
    with its own log."""

    def __init__(self, log_dir: Path, fetch: int = 1) -> None:
        self.log_dir = log_dir
        self.fetch = fetch
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self) -> None:
        names = ["gather-consumer", "fetch-consumer"] + [
            f"fetch-consumer-{i}" for i in range(2, self.fetch + 1)
        ]
        for name in names:
            kind = "gather-consumer" if name == "gather-consumer" else "fetch-consumer"
            log = open(self.log_dir / f"{name}.log", "ab")
            self.procs[name] = subprocess.Popen(
                # The script run by this interpreter, not by its shebang: a copied venv (a worktree's) keeps the
                # shebang of the venv it was copied from, whose consumers would run the other checkout's code.
                [sys.executable, str(CKAN), "-c", str(ROOT / "test.ini"), "tangerang", kind],
                cwd=ROOT,
                env=dict(os.environ),
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def alive(self) -> bool:
        return all(p.poll() is None for p in self.procs.values())

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


# Per module, so that no consumer outlives the harvest tests and takes the queue messages other tests
# inspect (tests/test_stack.py reads the gather queue).
@pytest.fixture(scope="module")
def consumers(tmp_path_factory):
    if not os.environ.get("CKAN_SQLALCHEMY_URL"):
        pytest.fail("Run the harvester tests with the environment of var/test.env (make test does).")
    procs = Consumers(tmp_path_factory.mktemp("consumers"))
    procs.start()
    yield procs
    procs.stop()


def empty_queues(consumers: Consumers) -> None:
    """Empty the harvest queues, with the consumers still running."""
    from ckanext.harvest import queue

    queue.purge_queues()
    assert consumers.alive(), consumers.log("fetch-consumer")[-3000:]


@pytest.fixture
def harvest_env(clean_db, consumers):
    """A clean database and queues, a sysadmin, an OPD and the LAKSA application record."""
    from ckan.tests import factories, helpers

    empty_queues(consumers)
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="diskominfo", title="Dinas Komunikasi dan Informatika")
    for slug, title in (("laksa", "LAKSA"), ("sobatdukcapil", "SobatDukcapil")):
        helpers.call_action(
            "package_create",
            context={"user": sysadmin["name"]},
            type="aplikasi",
            name=slug,
            title=title,
            notes=f"Aplikasi {title}.",
            owner_org=org["id"],
            kelompok="layanan-publik",
            status_aplikasi="aktif",
        )
    return {"sysadmin": sysadmin, "org": org, "user": sysadmin["name"]}


@pytest.fixture
def opds_env(clean_db, consumers):
    """A clean database and queues, a sysadmin and three OPDs (the registry names more; those fall back to
    the source's owner)."""
    from ckan.tests import factories

    empty_queues(consumers)
    sysadmin = factories.Sysadmin()
    orgs = {
        name: factories.Organization(name=name, title=title)
        for name, title in (
            ("diskominfo", "Dinas Komunikasi dan Informatika"),
            ("dinkes", "Dinas Kesehatan"),
            ("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
        )
    }
    return {"sysadmin": sysadmin, "org": orgs["diskominfo"], "orgs": orgs, "user": sysadmin["name"]}


def catalogue_source(env, upstream, names, name="katalog-json", rows=10, description=False):
    """Our JSON API harvester over the sample CKAN's package_search (/ckan/n/84): one dataset per record named in
    ``names``, linking its files."""
    resource_fields = {"url": "url", "name": "name", "format": "format"}
    if description:
        resource_fields["description"] = "description"
    return create_source(
        env,
        name,
        f"{upstream}/ckan/n/84/api/3/action/package_search",
        "tangerang_json_api",
        {
            "params": {"fq": " OR ".join(f"name:{n}" for n in names), "rows": rows},
            "records_path": "result.results",
            "pagination": {"type": "none"},
            "id_field": "name",
            "fields": {"name": "name", "title": "title", "notes": "notes"},
            "defaults": CATALOGUE_DEFAULTS,
            "resources_path": "resources",
            "resource_fields": resource_fields,
        },
    )


CATALOGUE_DEFAULTS = {
    "klasifikasi": "terbuka",
    "sektor": "2.16",
    "frekuensi": "tahunan",
    "cakupan_wilayah": ["36.71"],
    "tingkat_penyajian": "kecamatan",
}


def create_source(env, name, url, source_type, config):
    from ckan.tests import helpers

    return helpers.call_action(
        "harvest_source_create",
        context={"user": env["user"]},
        name=name,
        title=name,
        url=url,
        source_type=source_type,
        owner_org=env["org"]["id"],
        frequency="MANUAL",
        config=json.dumps(config),
    )


def run_jobs(env, *source_ids, timeout=90.0):
    """Create a job per source on the real gather queue, wait for the consumers, let harvest_jobs_run finish
    the jobs; return each job's report: {"stats", "gather_errors", "object_errors", "status"}."""
    from ckan import model
    from ckan.tests import helpers
    from ckanext.harvest.model import HarvestJob, HarvestObject

    context = {"user": env["user"]}
    jobs = [
        helpers.call_action("harvest_job_create", context=dict(context), source_id=sid, run=True)["id"]
        for sid in source_ids
    ]
    deadline = time.monotonic() + timeout
    pending = set(jobs)
    while pending:
        if time.monotonic() > deadline:
            raise AssertionError(f"jobs {pending} did not finish in {timeout} s")
        time.sleep(0.3)
        model.Session.remove()
        for job_id in list(pending):
            # harvest_jobs_run also re-queues WAITING objects missing from Redis; called while a gather is still
            # publishing, it queues objects twice (a ckanext-harvest race), so wait until the objects are done.
            job = HarvestJob.get(job_id)
            if job.status == "Finished":
                pending.discard(job_id)
                continue
            busy = (
                model.Session.query(HarvestObject.id)
                .filter(HarvestObject.harvest_job_id == job_id)
                .filter(HarvestObject.state.notin_(["COMPLETE", "ERROR"]))
                .count()
            )
            if job.gather_finished and not busy:
                helpers.call_action("harvest_jobs_run", context=dict(context), source_id=job.source_id)
    model.Session.remove()
    reports = []
    for job_id in jobs:
        job = helpers.call_action("harvest_job_show", context=dict(context), id=job_id)
        report = helpers.call_action("harvest_job_report", context=dict(context), id=job_id)
        object_errors = [e["message"] for o in report["object_errors"].values() for e in o["errors"]]
        reports.append(
            {
                "status": job["status"],
                "stats": {k: v for k, v in job["stats"].items() if v},
                "gather_errors": [e["message"] for e in report["gather_errors"]],
                "object_errors": object_errors,
            }
        )
    return reports[0] if len(reports) == 1 else reports


def datasets_of(env, source_name, include_deleted=False):
    """The source's datasets straight from the database (state included), keyed by upstream id."""
    from ckan import model
    from ckan.tests import helpers

    model.Session.remove()
    query = model.Session.query(model.Package.id).filter(model.Package.type == "dataset")
    out = {}
    for (package_id,) in query:
        dataset = helpers.call_action("package_show", context={"user": env["user"]}, id=package_id)
        if dataset.get("harvest_sumber") != source_name:
            continue
        if dataset["state"] != "active" and not include_deleted:
            continue
        out[dataset["harvest_id_hulu"]] = dataset
    return out
