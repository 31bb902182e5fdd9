"""Area names find datasets through their area codes (cakupan_wilayah): the index carries the areas' official
names (logic/indexing.py), the Solr synonyms their usual spellings (solr/build_synonyms.py), run through CKAN's
package_search on the ckan_test core."""

from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

from ckanext.tangerang.logic import indexing

# Dataset name -> its area coverage. Titles, descriptions and names say nothing of the place.
COVERAGE = {
    "uji-1": ["36.71.05"],  # Kecamatan Cipondoh
    "uji-2": ["36.71.05.1004"],  # Kelurahan Gondrong, in Cipondoh
    "uji-3": ["36.71.08"],  # Periuk
    "uji-4": ["36.71.12"],  # Karang Tengah
    "uji-5": ["36.71.03"],  # Batuceper
    "uji-6": ["36.71.02"],  # Jatiuwung
    "uji-7": ["36.71.06"],  # Ciledug
    "uji-8": ["36.71"],  # the whole city: no kecamatan named
}

# What a visitor types -> exactly the datasets it must find.
QUERIES = {
    "cipondoh": {"uji-1", "uji-2"},
    "Cipondoh": {"uji-1", "uji-2"},
    "gondrong": {"uji-2"},
    "periuk": {"uji-3"},
    "priuk": {"uji-3"},
    "karang tengah": {"uji-4"},
    "karangtengah": {"uji-4"},
    "batuceper": {"uji-5"},
    "batu ceper": {"uji-5"},
    "jatiuwung": {"uji-6"},
    "jati uwung": {"uji-6"},
    "ciledug": {"uji-7"},
    "cileduk": {"uji-7"},
}


def test_area_names_follow_the_code_list():
    assert indexing.area_names(["36.71.05.1004", "36.71.05", "36.71", "99.99"]) == ["Gondrong", "Cipondoh"]


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_area_names_and_spellings_find_datasets_by_their_codes():
    sysadmin = factories.Sysadmin()["name"]
    org = factories.Organization(name="diskominfo", title="Dinas Komunikasi dan Informatika")["id"]
    for number, (name, areas) in enumerate(COVERAGE.items(), 1):
        helpers.call_action(
            "package_create",
            context={"user": sysadmin},
            name=name,
            title=f"Rekap layanan {number}",
            notes="Rekapitulasi bulanan layanan warga.",
            owner_org=org,
            klasifikasi="terbuka",
            sektor="1.02",
            frekuensi="tahunan",
            cakupan_wilayah=areas,
        )
    found = {
        q: {d["name"] for d in helpers.call_action("package_search", q=q, rows=20)["results"]}
        for q in QUERIES
    }
    assert found == QUERIES
