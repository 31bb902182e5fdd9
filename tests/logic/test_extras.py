"""Schema fields that arrive as extras (from other CKAN catalogues) are taken as the fields."""

from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def test_satu_data_fields_sent_as_extras_become_the_fields():
    org = factories.Organization()
    sysadmin = factories.Sysadmin()
    dataset = helpers.call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        name="dari-katalog-lain",
        title="Dari katalog lain",
        notes="Dipanen dari katalog CKAN lain.",
        owner_org=org["id"],
        extras=[
            {"key": "klasifikasi", "value": "terbuka"},
            {"key": "sektor", "value": "2.16"},
            {"key": "frekuensi", "value": "bulanan"},
            {"key": "cakupan_wilayah", "value": "36.71"},
            {"key": "produsen_data", "value": "diskominfo"},
        ],
    )
    assert dataset["klasifikasi"] == "terbuka"
    assert dataset["sektor"] == "2.16"
    assert dataset["cakupan_wilayah"] == ["36.71"]
    assert [e["key"] for e in dataset["extras"]] == ["produsen_data"]


def test_a_field_already_set_wins_over_its_extra():
    org = factories.Organization()
    sysadmin = factories.Sysadmin()
    from tests.helpers import valid_dataset

    dataset = helpers.call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        **valid_dataset(org["id"], extras=[{"key": "klasifikasi", "value": "tertutup"}]),
    )
    assert dataset["klasifikasi"] == "terbuka"
    assert dataset["private"] is False
