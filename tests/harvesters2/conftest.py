"""Fixtures of the app-registry and SQL harvester tests. The sample upstream, the real consumer subprocesses
and the job runner are those of tests/harvesters; the consumers get the SIMPUS database URL in their
environment (the variable the SQL sources name), set here before they start."""

from __future__ import annotations

import os

import pytest

from tests.harvesters.conftest import consumers, control, upstream  # noqa: F401  (fixtures)

SIMPUS_ENV = "TANGERANG_H2_SIMPUS_DSN"

# The consumer subprocesses inherit os.environ when the session fixture starts them.
if os.environ.get("TANGERANG_TEST_SQL_URL"):
    os.environ.setdefault(SIMPUS_ENV, os.environ["TANGERANG_TEST_SQL_URL"])


@pytest.fixture(scope="session")
def simpus_url():
    url = os.environ.get("TANGERANG_TEST_SQL_URL")
    if not url:
        pytest.fail(
            "TANGERANG_TEST_SQL_URL is not set: run with the environment of var/test.env (make test does)."
        )
    from sample_upstream import load_sql

    load_sql(url)
    return url


@pytest.fixture
def env(clean_db, consumers):  # noqa: F811
    """A clean database and queues, a sysadmin and three OPDs (the registry names more; those fall back to
    the source's owner)."""
    from ckan.tests import factories
    from ckanext.harvest import queue

    queue.purge_queues()
    assert consumers.alive(), consumers.log("fetch-consumer")[-3000:]
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
