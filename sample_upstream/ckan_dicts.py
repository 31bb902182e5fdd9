"""Records of the sample catalogue in the shapes of CKAN's action results: ``package_show``,
``organization_show`` and ``group_show`` (what ckanext-harvest's CKAN harvester reads)."""

from __future__ import annotations

import uuid
from typing import Any

from . import reference
from .catalogue import NS, group_name, org_uuid, package_uuid
from .data import SAMPLE_NOTICE


def _group_uuid(sektor: str) -> str:
    return str(uuid.uuid5(NS, f"group:{sektor}"))


def organization(slug: str, base_url: str) -> dict[str, Any]:
    o = reference.opd_by_slug()[slug]
    return {
        "id": org_uuid(slug),
        "name": slug,
        "title": o["nama"],
        "display_name": o["nama"],
        "description": f"{o['nama']} ({o['singkatan']}), Pemerintah Kota Tangerang. {SAMPLE_NOTICE}",
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
        "created": "2024-01-01T00:00:00.000000",
        "package_count": None,
        "extras": [{"key": "singkatan", "value": o["singkatan"]}],
        "url": f"{base_url}/ckan/organization/{slug}",
    }


def group(sektor: str) -> dict[str, Any]:
    u = reference.urusan()[sektor]
    return {
        "id": _group_uuid(sektor),
        "name": group_name(sektor),
        "title": u["nama"],
        "display_name": u["nama"],
        "description": f"Urusan {sektor} {u['nama']} ({u['kelompok']}).",
        "type": "group",
        "is_organization": False,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
        "created": "2024-01-01T00:00:00.000000",
    }


def group_by_name(name: str) -> dict[str, Any] | None:
    for kode in reference.urusan():
        if name in (group_name(kode), _group_uuid(kode)):
            return group(kode)
    return None


def _ckan_ts(value: str) -> str:
    # CKAN shows naive UTC timestamps with microseconds.
    return value.replace("Z", "").replace("+00:00", "") + ".000000"


def package(ds: dict[str, Any], base_url: str) -> dict[str, Any]:
    """A dataset record in the shape of CKAN's ``package_show`` result (what ckanext-harvest's harvester
    reads)."""
    pid = package_uuid(ds["id"])
    org = organization(ds["opd"], base_url)
    org.pop("package_count")
    resources = []
    for pos, d in enumerate(ds["distribusi"]):
        resources.append(
            {
                "id": str(uuid.uuid5(NS, f"resource:{ds['id']}:{pos}")),
                "package_id": pid,
                "position": pos,
                "name": d["judul"],
                "description": f"{d['judul']} ({SAMPLE_NOTICE})",
                "url": base_url + d["path"],
                "format": d["format"],
                "mimetype": d["media_type"],
                "state": "active",
                "url_type": None,
                "created": _ckan_ts(ds["dibuat"]),
                "last_modified": _ckan_ts(ds["diperbarui"]),
                "metadata_modified": _ckan_ts(ds["diperbarui"]),
                "size": None,
                "hash": "",
            }
        )
    extras = {
        "_sample": SAMPLE_NOTICE,
        "sektor": ds["sektor"],
        "frekuensi": ds["frekuensi"],
        "klasifikasi": ds["klasifikasi"],
        "cakupan_wilayah": ",".join(ds["cakupan_wilayah"]),
        "tingkat_penyajian": ds["tingkat_penyajian"],
        "satuan": ds["satuan"],
        "ukuran": ds["ukuran"],
        "aplikasi_sumber": ds["aplikasi"],
        "produsen_data": ds["opd"],
        "tahun": str(ds.get("tahun") or ""),
    }
    tags = [
        {
            "id": str(uuid.uuid5(NS, f"tag:{t}")),
            "name": t,
            "display_name": t,
            "state": "active",
            "vocabulary_id": None,
        }
        for t in ds["kata_kunci"]
    ]
    g = group(ds["sektor"])
    return {
        "id": pid,
        "name": ds["id"],
        "title": ds["judul"],
        "notes": ds["deskripsi"],
        "type": "dataset",
        "state": "active",
        "private": False,
        "author": org["title"],
        "author_email": None,
        "maintainer": "Walidata Diskominfo (contoh)",
        "maintainer_email": "walidata@tangerangkota.example",
        "license_id": "cc-by",
        "license_title": "Creative Commons Attribution",
        "license_url": "http://www.opendefinition.org/licenses/cc-by",
        "isopen": True,
        "url": f"{base_url}/apps/{ds['aplikasi']}/datasets",
        "version": None,
        "metadata_created": _ckan_ts(ds["dibuat"]),
        "metadata_modified": _ckan_ts(ds["diperbarui"]),
        "creator_user_id": str(uuid.uuid5(NS, "user:walidata")),
        "owner_org": org["id"],
        "organization": org,
        "groups": [
            {k: g[k] for k in ("id", "name", "title", "display_name", "description", "image_display_url")}
        ],
        "tags": tags,
        "num_tags": len(tags),
        "extras": [{"key": k, "value": v} for k, v in extras.items()],
        "resources": resources,
        "num_resources": len(resources),
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }
