"""Fixtures shared by the whole suite. CKAN's own pytest plugin (``--ckan-ini=test.ini``) brings the rest."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's clean_db, plus the tables of the plugins that own migrations (as ckanext-dcat's conftest does). The
    portal's per-process caches describe the database that was there before (an OPD named ``diskominfo`` with
    another title), so they start empty too."""
    from ckanext.tangerang import cache

    for kept in (cache.STRUCTURED_DATA, cache.ANONYMOUS, cache.OPD_TITLES):
        kept.clear()
    reset_db()
    migrate_db_for("harvest")
    migrate_db_for("activity")
    migrate_db_for("tangerang")


@pytest.fixture(scope="session")
def live_url() -> str:
    """The running portal of the local stack (gunicorn, as in production), started by scripts/test.sh."""
    url = os.environ.get("TANGERANG_LIVE_URL")
    if not url:
        pytest.fail("TANGERANG_LIVE_URL is not set: run the suite with `make test`, which starts the stack.")
    return url.rstrip("/")
