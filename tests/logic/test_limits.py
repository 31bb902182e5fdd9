"""Field limits (logic/limits.py): each field's type and length, read from the scheming schemas."""

from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from ckanext.tangerang.logic import limits
from tests.helpers import valid_dataset


def _rule(**field):
    return limits.field_rule({"field_name": "x", **field}, "dataset")


@pytest.mark.parametrize(
    ("field", "kind", "limit"),
    [
        ({"field_name": "title", "preset": "title", "form_snippet": "large_text.html"}, "text", limits.LINE),
        ({"field_name": "notes", "form_snippet": "markdown.html"}, "text", limits.LONG_TEXT),
        ({"field_name": "metodologi", "form_snippet": "markdown.html"}, "text", limits.TEXT),
        ({"field_name": "url", "preset": "resource_url_upload"}, "text", limits.URL),
        ({"field_name": "image_url", "preset": "organization_url_upload"}, "text", limits.URL),
        (
            {"field_name": "klasifikasi", "validators": "tangerang_required scheming_choices"},
            "choice",
            limits.LINE,
        ),
        ({"field_name": "cakupan_wilayah", "preset": "tangerang_codes"}, "choices", limits.LINE),
        ({"field_name": "tahun_awal", "preset": "tangerang_year"}, "number", limits.LINE),
        ({"field_name": "hidup", "validators": "tangerang_bool_choice"}, "bool", limits.LINE),
        ({"field_name": "penggunaan_bulanan", "form_snippet": "json.html"}, "json", limits.TEXT),
        ({"field_name": "tag_string", "preset": "tag_string_autocomplete"}, "tags", limits.LINE),
    ],
)
def test_the_rule_of_a_field_follows_its_schema(field, kind, limit):
    rule = limits.field_rule(field, "dataset")
    assert (rule.kind, rule.limit) == (kind, limit)


def test_repeating_subfields_are_a_list_of_objects_with_their_own_rules():
    rule = _rule(repeating_subfields=[{"field_name": "url"}, {"field_name": "jenis", "preset": "select"}])
    assert rule.kind == "objects"
    assert rule.errors([{"url": "https://a.example/"}]) is None
    assert rule.errors("web") == [limits.MSG_OBJECTS]
    assert rule.errors([{"url": "u" * 3_000}, {}]) == [{"url": [limits.too_long(limits.URL)]}, {}]


@pytest.mark.parametrize("value", [["tertutup"], {"a": 1}, 1, True])
def test_a_choice_that_is_not_text_is_an_invalid_choice(value):
    assert _rule(validators="scheming_choices").errors(value) == ["Pilihan tidak sah / Invalid choice"]


@pytest.mark.parametrize("value", [["a"], {"a": 1}, 5, 1.5])
def test_a_text_field_takes_text_only(value):
    assert _rule().errors(value) == [limits.MSG_TEXT]


def test_text_is_limited_by_kind_and_the_message_is_bilingual():
    assert _rule().errors("a" * limits.LINE) is None
    assert _rule().errors("a" * (limits.LINE + 1)) == [
        "Terlalu panjang: paling banyak 1.000 karakter / Too long: at most 1,000 characters"
    ]
    assert _rule(form_snippet="json.html").errors([{"k": "v" * limits.TEXT}]) == [
        limits.too_long(limits.TEXT)
    ]


@pytest.mark.parametrize("value", ["a\x00b", "a\ud800", ["ok", "\x00"]])
def test_nul_and_lone_surrogates_are_refused_anywhere(value):
    assert limits.Rule("any", limits.LONG_TEXT).errors(value) == [limits.MSG_BAD_TEXT]


def test_empty_values_numbers_and_booleans_pass_where_the_field_takes_them():
    assert _rule().errors(None) is None
    assert _rule(preset="tangerang_year").errors(2020) is None
    assert _rule(preset="tangerang_year").errors(True) == [limits.MSG_NUMBER]
    assert _rule(validators="boolean_validator").errors(False) is None
    assert _rule(preset="tangerang_codes").errors(["36.71", "36.71.01"]) is None
    assert _rule(preset="tangerang_codes").errors([1]) == [limits.MSG_CHOICES]


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestWithTheSchemas:
    def test_a_valid_dataset_passes_and_package_show_output_can_be_sent_back(self):
        org = factories.Organization()
        context = {"user": factories.Sysadmin()["name"]}
        dataset = helpers.call_action(
            "package_create",
            context,
            **valid_dataset(org["id"]),
            resources=[
                {"url": "https://a.example/b.csv", "kamus_data": '[{"kolom": "a"}]', "jumlah_baris": 3}
            ],
        )
        assert limits.dataset_errors(dataset) == {}
        helpers.call_action("package_update", dict(context), **dataset)

    def test_every_wrong_field_is_named_and_nothing_is_stored(self):
        org = factories.Organization()
        with pytest.raises(tk.ValidationError) as raised:
            helpers.call_action(
                "package_create",
                **valid_dataset(
                    org["id"],
                    title="t" * 2_000,
                    owner_org=12345,
                    klasifikasi=["tertutup"],
                    resources=[{"url": "https://a.example/" + "u" * 3_000}],
                ),
            )
        errors = raised.value.error_dict
        assert errors["title"] == [limits.too_long(limits.LINE)]
        assert errors["owner_org"] == [limits.MSG_TEXT]
        assert errors["klasifikasi"] == [limits.MSG_CHOICE]
        assert errors["resources"] == [{"url": [limits.too_long(limits.URL)]}]
        assert helpers.call_action("package_search", include_private=True)["count"] == 0

    def test_a_schema_field_sent_as_an_extra_has_the_field_rule(self):
        errors = limits.dataset_errors(
            {"extras": [{"key": "klasifikasi", "value": "ok"}, {"key": "satuan", "value": "s" * 2_000}]}
        )
        assert errors == {"extras": [{}, {"value": [limits.too_long(limits.LINE)]}]}

    def test_resource_create_reports_the_resource_field(self):
        context = {"user": factories.Sysadmin()["name"]}
        dataset = helpers.call_action(
            "package_create", context, **valid_dataset(factories.Organization()["id"])
        )
        with pytest.raises(tk.ValidationError) as raised:
            helpers.call_action(
                "resource_create", package_id=dataset["id"], url="https://a.example/", name=["x"]
            )
        assert raised.value.error_dict == {"name": [limits.MSG_TEXT]}

    def test_tags_as_a_string_is_a_field_error(self):
        with pytest.raises(tk.ValidationError) as raised:
            helpers.call_action("package_create", **valid_dataset(factories.Organization()["id"], tags="abc"))
        assert raised.value.error_dict["tags"] == [limits.MSG_OBJECTS]

    def test_organization_fields_follow_the_organization_schema(self):
        with pytest.raises(tk.ValidationError) as raised:
            helpers.call_action("organization_create", name="opd", title="o" * 2_000, jenis=["dinas"])
        assert raised.value.error_dict == {
            "title": [limits.too_long(limits.LINE)],
            "jenis": [limits.MSG_CHOICE],
        }
