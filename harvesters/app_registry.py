"""``tangerang_app_registry`` harvester: the city's application registry (Tangerang LIVE's catalogue) →
``aplikasi`` records with their platforms, group, status, launch year, contact and monthly usage.

Source URL: the registry's listing (``.../registry/api/v1/aplikasi``), paged with absolute ``next`` links and a
``total``. Source config (JSON; every key optional)::

    {
      "params": {"kelompok": "layanan-publik"},   # query parameters of the first request (filters)
      "per_page": 100,                            # page size asked for (1-500)
      "limits": {...}, "konfirmasi_penghapusan": 0, "protected_fields": [...]
    }

The owner of each record is the OPD named by the registry's ``opd`` slug when that organization exists, else
the source's own organization. An application that leaves the registry is withdrawn (soft delete) under the
same hold rules as any dataset.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ckan import model

from ckanext.tangerang import choices, usage
from ckanext.tangerang.bilingual import msg

from .base import Listing, Run, TangerangHarvesterBase
from .config import Check, is_dict, is_int
from .json_api import keyed_records
from .mapping import slug
from .pages import walk_pages

# The schema's choices (schemas/aplikasi.yaml): a registry value outside them is left out, or refused for kelompok.
PLATFORMS = choices.values("aplikasi", "platform.jenis")
KELOMPOK = choices.values("aplikasi", "kelompok")
STATUS = choices.values("aplikasi", "status_aplikasi")
SAMPLE_NOTE = "Data contoh (sample data), bukan data resmi Pemkot Tangerang."


# --- pure mapping ----------------------------------------------------------------------------------------


def _platforms(value: Any) -> list[dict[str, str]]:
    out = []
    for entry in value if isinstance(value, list) else []:
        if not isinstance(entry, Mapping):
            continue
        kind = str(entry.get("platform") or entry.get("jenis") or "").strip().lower()
        if kind not in PLATFORMS:
            continue
        item = {"jenis": kind}
        url = str(entry.get("url") or "").strip()
        if url.startswith(("http://", "https://")):
            item["url"] = url
        out.append(item)
    return out


def aplikasi_dataset(record: Mapping[str, Any]) -> dict[str, Any]:
    """One registry record → the ``aplikasi`` dataset dict (without owner and provenance); pure.

    Raises ``ValueError`` with a readable message when the record lacks what the schema requires."""
    title = str(record.get("nama") or "").strip()
    name = slug(str(record.get("slug") or record.get("id") or title))
    kelompok = str(record.get("kelompok") or "").strip()
    problems = []
    if not title:
        problems.append(msg("nama kosong", "nama is empty"))
    if not name:
        problems.append(msg("slug kosong", "slug is empty"))
    if kelompok not in KELOMPOK:
        known = "/".join(sorted(KELOMPOK))
        problems.append(msg(f"kelompok {kelompok!r} bukan {known}", f"kelompok {kelompok!r} is not {known}"))
    if problems:
        raise ValueError(
            msg(
                f"Rekaman registri {record.get('id')!r} tidak sah",
                f"Registry record {record.get('id')!r} is invalid",
            )
            + ": "
            + "; ".join(problems)
        )
    notes = str(record.get("deskripsi") or "").strip() or title
    if record.get("sample") and "contoh" not in notes.lower():
        notes = f"{notes}\n\n{SAMPLE_NOTE}"
    dataset: dict[str, Any] = {
        "type": "aplikasi",
        "name": name,
        "title": title,
        "notes": notes,
        "kelompok": kelompok,
        "platform": _platforms(record.get("platform")),
        # The registry's ``pemakaian`` read as the portal reads a stored series (usage.py).
        "penggunaan_bulanan": usage.read(record.get("pemakaian")),
        "resources": [],
    }
    live = record.get("dalam_tangerang_live")
    if isinstance(live, bool):
        dataset["dalam_tangerang_live"] = "true" if live else "false"
    status = str(record.get("status") or "").strip()
    if status in STATUS:
        dataset["status_aplikasi"] = status
    year = record.get("tahun_peluncuran")
    if isinstance(year, int) and not isinstance(year, bool) and 1900 <= year <= 2100:
        dataset["tahun_peluncuran"] = str(year)
    if record.get("opd_nama"):
        dataset["kontak_nama"] = str(record["opd_nama"])
    if record.get("kontak_email"):
        dataset["kontak_email"] = str(record["kontak_email"]).strip()
    return dataset


# --- the harvester ---------------------------------------------------------------------------------------


class AppRegistryHarvester(TangerangHarvesterBase):
    NAME = "tangerang_app_registry"
    TITLE = "Tangerang: registri aplikasi (application registry)"
    DESCRIPTION = (
        "Registri aplikasi kota menjadi katalog aplikasi: platform, kelompok, status, OPD pemilik dan "
        "penggunaan bulanan. / The city's application registry becomes the application catalogue: platforms, "
        "group, status, owning OPD and monthly usage."
    )
    CONFIG: dict[str, Check] = {"params": is_dict, "per_page": is_int(1, 500)}

    def gather_records(self, run: Run) -> Listing:
        params = {**(run.config.get("params") or {}), "per_page": run.config.get("per_page", 100)}
        listing = walk_pages(
            run.client,
            run.url,
            {
                "params": params,
                "records_path": "data",
                "pagination": {"type": "next_link", "next_path": "next", "total_path": "total"},
            },
        )
        return keyed_records(listing, "id")

    def build_dataset(self, run: Run, content: dict[str, Any], payload: Any) -> dict[str, Any]:
        dataset = aplikasi_dataset(content)
        owner = organization_id(str(content.get("opd") or ""))
        if owner:
            # The record's own OPD owns the application; otherwise the base gives it the source's OPD.
            dataset["owner_org"] = owner
        return dataset


def organization_id(name: str) -> str | None:
    """The id of the active organization named ``name``, or ``None``."""
    if not name:
        return None
    row = (
        model.Session.query(model.Group.id)
        .filter(model.Group.name == name)
        .filter(model.Group.is_organization.is_(True))
        .filter(model.Group.state == "active")
        .first()
    )
    return row[0] if row else None
