"""A small city for the theme's page tests: two OPDs, an application with usage, and datasets it produces."""

from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

from ckanext.tangerang import cache
from tests.helpers import aplikasi as base_aplikasi
from tests.helpers import valid_dataset


@pytest.fixture(autouse=True)
def fresh_anonymous_cache():
    """Counts cached for anonymous visitors must not leak from one test's database into the next."""
    cache.ANONYMOUS.clear()
    yield
    cache.ANONYMOUS.clear()


def usage(values: list[int], start_year: int = 2026) -> list[dict]:
    return [
        {"bulan": f"{start_year}-{i + 1:02d}", "pengguna_aktif": v, "transaksi": v * 3}
        for i, v in enumerate(values)
    ]


def aplikasi(org_id: str, **overrides) -> dict:
    """LAKSA with an Android platform and a year of monthly usage (the theme's charts and cards need them)."""
    return base_aplikasi(
        org_id,
        **{
            "platform": [{"jenis": "web", "url": "https://laksa.tangerangkota.go.id"}, {"jenis": "android"}],
            "penggunaan_bulanan": usage(
                [5200, 5400, 5100, 5600, 5800, 6000, 6100, 6050, 6300, 6400, 6500, 6700]
            ),
            **overrides,
        },
    )


@pytest.fixture
def city(clean_db, clean_index):
    """Diskominfo with LAKSA (used) and E-Arsip (falling), Dinkes with SI Posyandu (little used), datasets of
    LAKSA in each access class, and a sysadmin, a Diskominfo editor and a citizen with an account."""
    sysadmin = factories.SysadminWithToken()
    editor = factories.UserWithToken()
    citizen = factories.UserWithToken()
    kominfo = factories.Organization(
        name="diskominfo",
        title="Dinas Komunikasi dan Informatika",
        users=[{"name": editor["name"], "capacity": "editor"}],
    )
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    ctx = {"user": sysadmin["name"]}
    apps = {
        "laksa": helpers.call_action("package_create", context=dict(ctx), **aplikasi(kominfo["id"])),
        "e-arsip": helpers.call_action(
            "package_create",
            context=dict(ctx),
            **aplikasi(
                kominfo["id"],
                name="e-arsip",
                title="E-Arsip",
                kelompok="e-government",
                dalam_tangerang_live="false",
                platform=[{"jenis": "desktop"}],
                penggunaan_bulanan=usage([900, 880, 910, 300, 250, 200]),
            ),
        ),
        "si-posyandu": helpers.call_action(
            "package_create",
            context=dict(ctx),
            **aplikasi(
                dinkes["id"],
                name="si-posyandu",
                title="SI Posyandu",
                penggunaan_bulanan=usage([40, 45, 50, 52, 48, 47]),
            ),
        ),
    }
    datasets = {}
    for klasifikasi in ("terbuka", "terbatas", "tertutup"):
        datasets[klasifikasi] = helpers.call_action(
            "package_create",
            context=dict(ctx),
            **valid_dataset(
                kominfo["id"],
                name=f"aduan-laksa-{klasifikasi}",
                title=f"Aduan LAKSA per Kategori ({klasifikasi})",
                klasifikasi=klasifikasi,
                aplikasi_sumber="laksa",
                sektor="2.16",
                resources=[
                    {
                        "url": "https://data.tangerangkota.go.id/aduan.csv",
                        "name": "Aduan 2025",
                        "format": "CSV",
                    }
                ],
            ),
        )
    datasets["other"] = helpers.call_action(
        "package_create",
        context=dict(ctx),
        **valid_dataset(dinkes["id"], name="kunjungan-posyandu", title="Kunjungan Posyandu", sektor="1.02"),
    )
    return {
        "sysadmin": sysadmin,
        "editor": editor,
        "citizen": citizen,
        "orgs": {"diskominfo": kominfo, "dinkes": dinkes},
        "apps": apps,
        "datasets": datasets,
    }
