"""What the tangerang plugin registers through its blankets (plugin.py): exactly the actions, auth functions,
helpers, validators, blueprints and CLI commands meant, so that a public function added by accident fails here.

The sets below are the API as meant: edit the one set of a kind when its module's ``__all__`` (or, for helpers and
validators, its public functions) changes on purpose."""

from __future__ import annotations

from typing import Any

import ckan.plugins as plugins
import pytest

pytestmark = pytest.mark.usefixtures("with_plugins")

ACTIONS = {
    "activity_data_show",
    "activity_diff",
    "activity_show",
    "bulk_update_public",
    "dashboard_activity_list",
    "dataset_purge",
    "datastore_search",
    "dcat_catalog_search",
    "dcat_catalog_show",
    "dcat_datasets_list",
    "format_autocomplete",
    "group_activity_list",
    "group_autocomplete",
    "harvest_abort_failed_jobs",
    "harvest_job_list",
    "harvest_job_show",
    "harvest_source_list",
    "harvest_source_patch",
    "harvest_source_reindex",
    "harvest_source_show_status",
    "member_list",
    "organization_activity_list",
    "organization_autocomplete",
    "organization_create",
    "organization_update",
    "package_activity_list",
    "package_create",
    "package_list",
    "package_search",
    "package_show",
    "package_update",
    "recently_changed_packages_activity_list",
    "resource_search",
    "resource_show",
    "resource_view_list",
    "tag_autocomplete",
    "tag_list",
    "tag_show",
    "tangerang_bulk_update",
    "tangerang_download_counts",
    "tangerang_harvest_decision",
    "tangerang_harvest_decision_list",
    "tangerang_harvest_hold_list",
    "tangerang_aplikasi_list",
    "tangerang_aplikasi_ranking",
    "tangerang_aplikasi_show",
    "tangerang_harvest_job_errors",
    "tangerang_harvest_overview",
    "tangerang_harvest_sources_private",
    "tangerang_link_check_list",
    "tangerang_link_check_run",
    "tangerang_overdue_list",
    "tangerang_quality_report",
    "tangerang_quality_show",
    "tangerang_resource_access_show",
    "tangerang_stats",
    "user_activity_list",
}

AUTH_FUNCTIONS = {
    "tangerang_aplikasi_list",
    "tangerang_aplikasi_ranking",
    "tangerang_aplikasi_review",
    "tangerang_aplikasi_show",
    "tangerang_bulk_update",
    "tangerang_dasbor",
    "tangerang_download_counts",
    "tangerang_harvest_job_errors",
    "tangerang_harvest_overview",
    "datastore_info",
    "datastore_search",
    "group_create",
    "harvest_abort_failed_jobs",
    "harvest_job_abort",
    "harvest_job_create_all",
    "harvest_jobs_run",
    "harvest_log_list",
    "harvest_object_list",
    "harvest_object_show",
    "harvest_objects_import",
    "harvest_source_patch",
    "harvest_source_show",
    "harvest_sources_clear",
    "harvest_sources_reindex",
    "organization_create",
    "package_collaborator_create",
    "package_collaborator_delete",
    "package_collaborator_list",
    "package_create",
    "package_delete",
    "package_show",
    "package_update",
    "tangerang_harvest_decision",
    "tangerang_harvest_decision_list",
    "tangerang_harvest_hold_list",
    "tangerang_harvest_sources_private",
    "tangerang_link_check_list",
    "tangerang_link_check_run",
    "tangerang_overdue_list",
    "tangerang_quality_report",
    "tangerang_quality_show",
    "tangerang_resource_access_show",
    "tangerang_stats",
}

HELPERS = {
    "humanize_entity_type",
    "render_datetime",
    "tangerang_aplikasi_choices",
    "tangerang_aplikasi_datasets",
    "tangerang_aplikasi_matches",
    "tangerang_aplikasi_summary",
    "tangerang_aplikasi_title",
    "tangerang_aplikasi_titles",
    "tangerang_catalog_exported",
    "tangerang_facet_href",
    "tangerang_choice_label",
    "tangerang_code_label",
    "tangerang_codelist_choices",
    "tangerang_download_counts",
    "tangerang_featured_aplikasi",
    "tangerang_home_stats",
    "tangerang_kajian",
    "tangerang_lang",
    "tangerang_link_checks",
    "tangerang_live_aplikasi",
    "tangerang_month_label",
    "tangerang_opd_summary",
    "tangerang_opd_title",
    "tangerang_organization_info",
    "tangerang_platform_kinds",
    "tangerang_quality",
    "tangerang_recent_datasets",
    "tangerang_request_page",
    "tangerang_resource_more_items",
    "tangerang_sparkline",
    "tangerang_structured_data",
    "tangerang_usage",
    "tangerang_usage_chart",
    "tangerang_walidata",
}

VALIDATORS = {
    "tangerang_always_public",
    "tangerang_aplikasi_exists",
    "tangerang_bool_choice",
    "tangerang_data_dictionary",
    "tangerang_default_license",
    "tangerang_email",
    "tangerang_http_url",
    "tangerang_klasifikasi_sets_private",
    "tangerang_kode_daftar_data",
    "tangerang_kode_standar_data",
    "tangerang_next_update",
    "tangerang_non_negative_int",
    "tangerang_required",
    "tangerang_required_list",
    "tangerang_resource_url",
    "tangerang_usage_series",
    "tangerang_year",
    "tangerang_year_not_before",
}

BLUEPRINTS = {
    "tangerang",
    "tangerang_dasbor",
    "tangerang_feeds",
    "tangerang_harvest",
    "tangerang_unduh",
    "tangerang_theme",
    "tangerang_web_security",
}

# The one command group and its subcommands (`ckan tangerang ...`).
COMMANDS = {
    "tangerang": {
        "audit-data-pribadi",
        "catalog",
        "demo",
        "demo-harvest",
        "digest",
        "fetch-consumer",
        "gather-consumer",
        "harvest-report",
        "harvest-sources-private",
        "links",
        "quality",
        "relabel-activities",
        "seed",
    }
}


@pytest.fixture
def plugin() -> Any:
    return plugins.get_plugin("tangerang")


def _differs(registered: set[str], meant: set[str]) -> str:
    return f"registered but not meant: {sorted(registered - meant)}; meant but missing: {sorted(meant - registered)}"


@pytest.mark.parametrize(
    ("registry", "meant"),
    [
        ("get_actions", ACTIONS),
        ("get_auth_functions", AUTH_FUNCTIONS),
        ("get_helpers", HELPERS),
        ("get_validators", VALIDATORS),
    ],
)
def test_the_registered_names_are_the_ones_meant(plugin, registry, meant):
    registered = set(getattr(plugin, registry)())
    assert registered == meant, _differs(registered, meant)


def test_the_blueprints_are_the_ones_meant(plugin):
    registered = {blueprint.name for blueprint in plugin.get_blueprint()}
    assert registered == BLUEPRINTS, _differs(registered, BLUEPRINTS)


def test_the_commands_are_the_ones_meant(plugin):
    registered = {group.name: set(group.commands) for group in plugin.get_commands()}
    assert registered == COMMANDS


def test_helpers_and_validators_carry_the_prefix(plugin):
    # A chained core helper keeps core's name (render_datetime, humanize_entity_type): that is how CKAN chains it.
    helpers = {
        name for name, helper in plugin.get_helpers().items() if not getattr(helper, "chained_helper", False)
    }
    assert helpers == HELPERS - {"render_datetime", "humanize_entity_type"}
    for name in (*helpers, *plugin.get_validators()):
        assert name.startswith("tangerang_"), name


def test_every_action_has_a_docstring(plugin):
    """The docstrings are the API documentation (`ckan.logic.action` help pages, `api/3/action/help_show`)."""
    missing = sorted(
        name for name, action in plugin.get_actions().items() if not (action.__doc__ or "").strip()
    )
    assert not missing, f"actions without a docstring: {missing}"


def test_an_action_either_wraps_cores_or_is_ours_with_its_own_auth_function(plugin):
    """CKAN's actions are chained, never replaced; our own are prefixed and checked by an auth function of the
    same name (which check_access asks for)."""
    auth_functions = plugin.get_auth_functions()
    for name, action in plugin.get_actions().items():
        if getattr(action, "chained_action", False):
            continue
        assert name.startswith("tangerang_"), f"{name} replaces an action instead of chaining it"
        assert name in auth_functions, f"{name} has no auth function"


def test_a_module_function_that_is_no_action_is_not_served(app):
    """logic/action.py's own plumbing (lift_schema_extras) is no API action: an unknown action, not a 500."""
    response = app.post("/api/3/action/lift_schema_extras", json={"extras": [{"key": "x", "value": "y"}]})
    assert response.status_code in (400, 404), response.body
    # CKAN's answer to an unknown action is a JSON string, not a 500 from running the function
    assert "Action name not known: lift_schema_extras" in response.json
