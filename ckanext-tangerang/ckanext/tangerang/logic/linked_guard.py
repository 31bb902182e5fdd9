"""Harvested datasets are screened for personal data behind their links before every write, by any harvester.

ckanext-harvest's CKAN harvester and ckanext-dcat's RDF harvester write through ``package_create`` and
``package_update`` (as do ours), so the check wraps those two actions (``logic/action.py``) and applies
:func:`ckanext.tangerang.harvesters.linked.check_dataset` to every dataset that a harvest object points at. A
held record raises a ``ValidationError`` under the key ``data_pribadi`` (the stock harvesters record it as the
object's error); a harvest write (``ignore_auth``) that holds a dataset already published turns it into a draft,
because its links may already serve the personal data. A steward's own edit is refused, not unpublished.

The Tangerang harvesters screen earlier (before their unchanged check, with their source's ``data_pribadi``
mode) and mark the write's context with :data:`~ckanext.tangerang.harvesters.linked.SCREENED`.
"""

from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.tangerang.harvesters import linked
from ckanext.tangerang.harvesters.base import allowed_hosts
from ckanext.tangerang.harvesters.http import SafeClient

log = logging.getLogger(__name__)


def is_harvested(data_dict: DataDict) -> bool:
    """A harvest object points at the dataset (on create, the harvesters flush it before ``package_create``)."""
    from ckanext.harvest.model import HarvestObject

    key = data_dict.get("id") or data_dict.get("name")
    if not key:
        return False
    package = model.Package.get(str(key))
    ids = {str(key)} | ({package.id} if package else set())
    query = model.Session.query(HarvestObject.id).filter(HarvestObject.package_id.in_(ids))
    return query.first() is not None


def unpublish(context: Context, data_dict: DataDict) -> None:
    """Turn an active published dataset into a draft (what "Unpublish" on the edit form does)."""
    package = model.Package.get(str(data_dict.get("id") or data_dict.get("name") or ""))
    if package is None or package.state != "active":
        return
    patch_context: Any = {"user": context.get("user"), "ignore_auth": True, linked.SCREENED: True}
    try:
        tk.get_action("package_patch")(patch_context, {"id": package.id, "state": "draft"})
        log.warning("Dataset %s held for personal data: now a draft", package.name)
    except tk.ValidationError:
        log.exception("Could not turn %s into a draft", package.name)


def guarded_write(original_action: Any, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Run the write unless the harvested dataset must be held; see the module docstring."""
    if context.get(linked.SCREENED) or not is_harvested(data_dict):
        return original_action(context, data_dict)
    client = SafeClient(allowed_hosts=allowed_hosts())
    try:
        linked.check_dataset(client, data_dict)
    except linked.RecordHeld as held:
        if context.get("ignore_auth"):
            unpublish(context, data_dict)
        # As CKAN's own validation does: the harvest object flushed to point at a dataset that will not exist
        # must not reach the commit that records the error.
        model.Session.rollback()
        raise tk.ValidationError({"data_pribadi": [str(held)]}) from None
    finally:
        client.close()
    return original_action(context, data_dict)
