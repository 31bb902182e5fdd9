"""Download counts: the ``tangerang_download`` table (migration/), one cheap UPSERT per download through the
portal, and the totals per resource, dataset and application that pages and ``tangerang_download_counts`` show."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckan.model import meta
from ckan.types import Context

log = logging.getLogger(__name__)

APPLICATION_TYPE = "aplikasi"
# An application produces a few dozen datasets at most; CKAN's own cap on a search page.
MAX_APPLICATION_DATASETS = 1000

download_table = sa.Table(
    "tangerang_download",
    meta.metadata,
    sa.Column("resource_id", sa.UnicodeText, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
    sa.Column("count", sa.Integer, nullable=False),
)

# User agents that announce a robot: search engines, link previews, archivers and uptime checkers. A person's
# browser, curl or a script's HTTP library is counted.
CRAWLER = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|facebookexternalhit|mediapartners|bingpreview|embedly|"
    r"headlesschrome|lighthouse|pingdom|uptime|monitor",
    re.IGNORECASE,
)

# The resource's dataset comes from the resource table in the same statement: one round trip per download, and
# nothing is written for an id that is no resource (a DataStore alias, a typo).
_UPSERT = sa.text(
    "INSERT INTO tangerang_download (resource_id, day, package_id, count) "
    "SELECT id, CURRENT_DATE, package_id, 1 FROM resource WHERE id = :id "
    "ON CONFLICT (resource_id, day) DO UPDATE SET count = tangerang_download.count + 1"
)


def is_crawler(user_agent: str | None) -> bool:
    """Whether a request's User-Agent names a robot (an empty one is not counted either)."""
    return not user_agent or CRAWLER.search(user_agent) is not None


def record(resource_id: str) -> None:
    """Count one download of the resource today, in its own transaction (the request's session is left alone).
    A failure is logged, never raised: the download has been answered already."""
    try:
        with meta.engine.begin() as connection:
            connection.execute(_UPSERT, {"id": resource_id})
    except sa.exc.SQLAlchemyError:
        log.exception("Could not count a download of resource %s", resource_id)


def by_resource(resource_ids: Iterable[str]) -> dict[str, int]:
    """Downloads of each resource, all days, in one query (resources never downloaded are absent)."""
    return _totals(download_table.c.resource_id, resource_ids)


def by_package(package_ids: Iterable[str]) -> dict[str, int]:
    """Downloads of each dataset's resources (deleted resources' downloads included), in one query."""
    return _totals(download_table.c.package_id, package_ids)


def _totals(key: sa.Column, ids: Iterable[str]) -> dict[str, int]:
    ids = list(ids)
    if not ids:
        return {}
    rows = model.Session.execute(
        sa.select(key, sa.func.sum(download_table.c.count)).where(key.in_(ids)).group_by(key)
    )
    return {found: int(total) for found, total in rows}


def counts(context: Context, key: str) -> dict[str, Any]:
    """The body of ``tangerang_download_counts``: what the caller may read of ``key`` (a resource, dataset or
    application id or name) decides what is counted; what they may not read is not found, as ``package_show``."""
    try:
        resource = tk.get_action("resource_show")(dict(context), {"id": key})
    except tk.ObjectNotFound:
        resource = None
    if resource is not None:
        total = by_resource([resource["id"]]).get(resource["id"], 0)
        return {"id": resource["id"], "type": "resource", "total": total}
    package = tk.get_action("package_show")(dict(context), {"id": key})
    if package.get("type") == APPLICATION_TYPE:
        found = tk.get_action("package_search")(
            dict(context),
            {
                "fq": f'+dataset_type:dataset +aplikasi_sumber:"{package["name"]}"',
                "include_private": True,  # CKAN keeps to the caller's permission labels
                "fl": "id,name",
                "rows": MAX_APPLICATION_DATASETS,
            },
        )
        totals = by_package(d["id"] for d in found["results"])
        return {
            "id": package["id"],
            "type": APPLICATION_TYPE,
            "total": sum(totals.values()),
            "by_dataset": {d["name"]: totals.get(d["id"], 0) for d in found["results"]},
        }
    return dataset_counts(package)


def dataset_counts(package: dict[str, Any]) -> dict[str, Any]:
    """A dataset's downloads, total and per resource, from the dataset dict its reader was shown."""
    resources = [r["id"] for r in package.get("resources") or []]
    per_resource = by_resource(resources)
    return {
        "id": package["id"],
        "type": package.get("type") or "dataset",
        "total": by_package([package["id"]]).get(package["id"], 0),
        "by_resource": {rid: per_resource.get(rid, 0) for rid in resources},
    }
