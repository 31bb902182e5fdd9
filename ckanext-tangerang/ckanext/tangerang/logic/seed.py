"""The city's perangkat daerah (OPDs) as CKAN organizations, from the code list ``opd_tangerang.csv``: what
``ckan tangerang seed`` (and ``demo``) load. Idempotent: a second run changes nothing."""

from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.tangerang import codelists
from ckanext.tangerang.logic.site_user import site_context

log = logging.getLogger(__name__)


def organization_dict(opd: dict[str, str]) -> dict[str, Any]:
    """An OPD row of the code list as an organization_create/patch payload (schemas/organization.yaml)."""
    return {
        "name": opd["slug"],
        "title": opd["nama"],
        "singkatan": opd["singkatan"],
        "jenis": opd["jenis"],
        "urusan": [code for code in opd["urusan"].split(";") if code],
        "description": f"{opd['nama']} ({opd['singkatan']}), perangkat daerah Pemerintah Kota Tangerang.",
    }


def seed_organizations() -> dict[str, int]:
    """Create every OPD that is missing and bring changed ones in line with the code list.

    :returns: counts of ``created``, ``updated`` and ``unchanged`` organizations
    """
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for opd in codelists.opds():
        wanted = organization_dict(opd)
        try:
            current = tk.get_action("organization_show")(
                site_context(), {"id": wanted["name"], "include_datasets": False}
            )
        except tk.ObjectNotFound:
            tk.get_action("organization_create")(site_context(), wanted)
            counts["created"] += 1
            continue
        same = all(current.get(key) == value for key, value in wanted.items())
        if same:
            counts["unchanged"] += 1
        else:
            tk.get_action("organization_patch")(site_context(), {"id": current["id"], **wanted})
            counts["updated"] += 1
    log.info("OPD organizations: %s", counts)
    return counts
