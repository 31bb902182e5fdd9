"""The dataset fields a harvest may set, and those a steward keeps, read from schemas/dataset.yaml: pure."""

from __future__ import annotations

import json
from importlib import resources

import pytest
import yaml

from ckanext.tangerang.harvesters import base, mapping
from ckanext.tangerang.harvesters.config import COMMON_CONFIG, ConfigError, check_defaults, parse_config


def schema() -> dict:
    text = resources.files("ckanext.tangerang.schemas").joinpath("dataset.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def test_every_mappable_field_is_a_schema_field():
    names = {f["field_name"] for f in schema()["dataset_fields"]}
    keys = {mapping.DATA_KEYS.get(n, n) for n in names}
    assert mapping.DATASET_FIELDS <= keys
    assert "tags" in mapping.DATASET_FIELDS and "tag_string" not in mapping.DATASET_FIELDS
    assert {"title", "name", "notes", "klasifikasi", "aplikasi_sumber"} <= mapping.DATASET_FIELDS


def test_provenance_and_owner_are_not_mappable():
    provenance = {"harvest_sumber", "harvest_id_hulu", "harvest_waktu", "catatan_data_pribadi"}
    assert provenance <= mapping.PORTAL_FIELDS
    assert not (provenance | {"owner_org", "pemutakhiran_berikutnya"}) & mapping.DATASET_FIELDS


@pytest.mark.parametrize("field", ["version", "url", "harvest_sumber", "owner_org"])
def test_defaults_refuse_fields_outside_the_schema_or_the_portals_own(field):
    assert check_defaults({field: "x"}) == f"bukan field skema: ['{field}'] / not schema fields: ['{field}']"
    with pytest.raises(ConfigError, match="not schema fields"):
        parse_config(json.dumps({"defaults": {field: "x"}}), COMMON_CONFIG)


def test_protected_fields_are_the_schemas_marked_ones():
    marked = {
        mapping.DATA_KEYS.get(f["field_name"], f["field_name"])
        for f in schema()["dataset_fields"]
        if f.get("tangerang_protected")
    }
    assert set(mapping.PROTECTED_FIELDS) == marked
    assert base.PROTECTED_FIELDS is mapping.PROTECTED_FIELDS
    assert set(mapping.PROTECTED_FIELDS) <= mapping.DATASET_FIELDS
    # Identity and provenance are the harvest's, never a steward's to keep.
    assert not {"name", "aplikasi_sumber", "owner_org"} & set(mapping.PROTECTED_FIELDS)
