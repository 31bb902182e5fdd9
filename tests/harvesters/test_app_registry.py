"""The application-registry harvester: a registry record → an ``aplikasi`` dataset (pure), and end to end
through the real pipeline (harvest_job_create → Redis → ``ckan tangerang gather-consumer`` and
``fetch-consumer`` subprocesses → harvest_jobs_run) against the sample registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ckan.tests import helpers

from ckanext.tangerang.harvesters import app_registry
from tests.harvesters.conftest import create_source, run_jobs

pytestmark = [pytest.mark.usefixtures("with_plugins")]

DATA = Path(__file__).resolve().parents[1] / "data" / "harvest"


@pytest.fixture
def record():
    return json.loads((DATA / "registry_record.json").read_text())


def test_registry_record_maps_to_aplikasi(record):
    dataset = app_registry.aplikasi_dataset(record)
    assert dataset["type"] == "aplikasi"
    assert (dataset["name"], dataset["title"]) == ("simpus", "SIMPUS (Sistem Informasi Manajemen Puskesmas)")
    assert (dataset["kelompok"], dataset["status_aplikasi"], dataset["tahun_peluncuran"]) == (
        "e-government",
        "aktif",
        "2023",
    )
    assert dataset["dalam_tangerang_live"] == "false"
    # Unknown platform kinds are left out; URLs kept.
    assert dataset["platform"] == [{"jenis": "web", "url": "https://simpus.tangerangkota.example"}]
    assert (dataset["kontak_nama"], dataset["kontak_email"]) == (
        "Dinas Kesehatan",
        "layanan.dinkes@tangerangkota.example",
    )
    # Sorted months; a month 13 is dropped; a negative count is dropped; the last entry of a month wins.
    assert dataset["penggunaan_bulanan"] == [
        {"bulan": "2024-11", "pengguna_aktif": 549, "transaksi": 1538},
        {"bulan": "2024-12", "pengguna_aktif": 607, "transaksi": 1993},
        {"bulan": "2025-01", "transaksi": 7},
    ]
    # The registry's own sample marker ("Aplikasi contoh") is enough; no second notice.
    assert dataset["notes"] == record["deskripsi"]
    assert "owner_org" not in dataset and "harvest_sumber" not in dataset


def test_registry_sample_notice_and_missing_optional_fields(record):
    for key in ("status", "tahun_peluncuran", "dalam_tangerang_live", "kontak_email", "opd_nama", "platform"):
        record.pop(key)
    record["deskripsi"] = "Layanan parkir."
    dataset = app_registry.aplikasi_dataset(record)
    assert dataset["notes"] == "Layanan parkir.\n\n" + app_registry.SAMPLE_NOTE
    assert dataset["platform"] == []
    for key in ("status_aplikasi", "tahun_peluncuran", "dalam_tangerang_live", "kontak_email", "kontak_nama"):
        assert key not in dataset


def test_registry_record_without_required_fields_is_a_readable_error(record):
    record["kelompok"] = "lainnya"
    record["nama"] = ""
    with pytest.raises(ValueError, match=r"apl-020.*nama is empty.*'lainnya' is not e-government"):
        app_registry.aplikasi_dataset(record)


def aplikasi_of(env):
    from ckan import model

    model.Session.remove()
    names = [
        name
        for (name,) in model.Session.query(model.Package.name)
        .filter(model.Package.type == "aplikasi")
        .filter(model.Package.state == "active")
    ]
    return {
        name: helpers.call_action("package_show", context={"user": env["user"]}, id=name) for name in names
    }


def test_app_registry_harvests_172_applications(opds_env, upstream, control, consumers):
    env = opds_env
    source = create_source(
        env, "registri", f"{upstream}/registry/api/v1/aplikasi", "tangerang_app_registry", {"per_page": 50}
    )
    first = run_jobs(env, source["id"], timeout=300)
    assert first["status"] == "Finished"
    assert first["stats"] == {"added": 172}, first
    apps = aplikasi_of(env)
    assert len(apps) == 172
    groups = [a["kelompok"] for a in apps.values()]
    assert (groups.count("e-government"), groups.count("layanan-publik")) == (92, 80)

    live = apps["tangerang-live"]
    assert live["title"] == "Tangerang LIVE"
    assert live["dalam_tangerang_live"] is True
    assert live["status_aplikasi"] == "aktif" and live["tahun_peluncuran"] == "2016"
    assert {p["jenis"] for p in live["platform"]} == {"web", "android", "ios"}
    usage = live["penggunaan_bulanan"]
    assert len(usage) == 24 and usage[0]["bulan"] == "2024-11" and usage[-1]["bulan"] == "2026-10"
    assert usage[0]["pengguna_aktif"] > 0
    assert (live["harvest_sumber"], live["harvest_id_hulu"]) == ("registri", "apl-001")
    assert live["harvest_waktu"]
    # Owner: the record's OPD when that organization exists, else the source's.
    assert apps["simpus"]["owner_org"] == env["orgs"]["dinkes"]["id"]
    assert apps["sobatdukcapil"]["owner_org"] == env["orgs"]["disdukcapil"]["id"]
    assert apps["tangerang-ayo"]["owner_org"] == env["org"]["id"]  # dishub does not exist here
    assert all(not a["private"] for a in apps.values())
    modified = {name: a["metadata_modified"] for name, a in apps.items()}

    second = run_jobs(env, source["id"], timeout=300)
    assert second["stats"] == {"not modified": 172}, second

    control.change(kind="aplikasi", edit=["laksa"], remove=["simpus"])
    third = run_jobs(env, source["id"], timeout=300)
    assert third["stats"] == {"updated": 1, "deleted": 1, "not modified": 170}, third
    after = aplikasi_of(env)
    assert "simpus" not in after and len(after) == 171
    assert after["laksa"]["notes"].endswith("Diperbarui: revisi 1.")  # the registry edits descriptions
    assert {n for n, a in after.items() if a["metadata_modified"] != modified[n]} == {"laksa"}
    assert consumers.alive()
