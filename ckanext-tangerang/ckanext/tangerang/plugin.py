"""The ``tangerang`` CKAN plugin: a table of contents of what the extension adds."""

from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultPermissionLabels, DefaultTranslation
from ckan.types import Context
from flask import has_request_context, request

from ckanext.tangerang import facets, generation
from ckanext.tangerang.logic import access, dcat_sources, harvest_sources, indexing, quality

try:
    from ckanext.dcat.interfaces import IDCATRDFHarvester
except ImportError:  # without ckanext-dcat there are no DCAT sources to serve
    IDCATRDFHarvester = None


# The blankets register what these modules export: logic/action.py, logic/auth.py, views.py (the portal's pages
# and request guards), cli.py, config_declaration.yaml, helpers.py (each helper names the module doing the work:
# codelists, choices, searches, usage, charts, cache) and logic/validators.py. Outside this class: the DCAT
# profile (dcat.py) and the harvesters (harvesters/, each its own plugin) are entry points in pyproject.toml.
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
@tk.blanket.cli
@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.validators
class TangerangPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IDomainObjectModification, inherit=True)
    p.implements(p.IPermissionLabels)
    if IDCATRDFHarvester is not None:
        p.implements(IDCATRDFHarvester, inherit=True)

    # IConfigurer

    def update_config(self, config: tk.CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "tangerang")

    # IFacets

    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
        return facets.dataset_facets(facets_dict, package_type)

    def organization_facets(
        self, facets_dict: dict[str, Any], organization_type: str, package_type: str | None
    ) -> dict[str, Any]:
        return facets.dataset_facets(facets_dict, package_type or "dataset")

    # IDomainObjectModification: any dataset or application change renews the anonymous visitors' cached figures.

    def notify(self, entity: Any, operation: str) -> None:
        generation.bump()

    # IPermissionLabels: CKAN's, except that a harvest source is for its OPD's admins only.

    def get_dataset_labels(self, dataset_obj: Any) -> list[str]:
        default = DefaultPermissionLabels().get_dataset_labels(dataset_obj)
        return harvest_sources.dataset_labels(dataset_obj, default)

    def get_user_dataset_labels(self, user_obj: Any) -> list[str]:
        default = DefaultPermissionLabels().get_user_dataset_labels(user_obj)
        return harvest_sources.user_labels(user_obj, default)

    # IPackageController: facet and sort fields, the OPD's names for search, and the quality score (recomputed
    # and stored on every change).

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return quality.index_score(indexing.index_fields(pkg_dict))

    # IPackageController: terbatas datasets lose their data for visitors who may not download it.

    def after_dataset_show(self, context: Context, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return access.redact_dataset(context, pkg_dict)

    def after_dataset_update(self, context: Context, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        # A dataset made tertutup takes its past snapshots out of the public activity streams with it.
        access.relabel_activities(pkg_dict["id"])
        return pkg_dict

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        # A search for chosen fields (`fl`) also gets the id, by which the redaction reads the dataset's class.
        fl = search_params.get("fl")
        fields = fl.replace(",", " ").split() if isinstance(fl, str) else list(fl or [])
        if fields and "id" not in fields:
            search_params["fl"] = [*fields, "id"]  # package_search joins the list itself after this hook
        # An OPD's page lists its datasets, as /dataset does (its applications have their own box on the page and
        # /aplikasi): CKAN's organization view searches all types, and only its own search lacks a type filter.
        fq = search_params.get("fq") or ""
        if "dataset_type:" not in fq and has_request_context() and request.endpoint == "organization.read":
            search_params["fq"] = f"{fq} +dataset_type:dataset"
        return search_params

    def after_dataset_search(
        self, search_results: dict[str, Any], search_params: dict[str, Any]
    ) -> dict[str, Any]:
        context: Context = {}  # the visitor of the current request
        full = search_params.get("fl") in ("id validated_data_dict", "id data_dict")
        search_results["results"] = access.redact_search_results(
            context, search_results.get("results", []), flat=not full
        )
        facets.name_facet_items(search_results.get("search_facets"))
        return search_results

    # IDCATRDFHarvester: the application a DCAT source's config names goes on every dataset it writes.

    def before_create(
        self, harvest_object: Any, dataset_dict: dict[str, Any], temp_dict: dict[str, Any]
    ) -> None:
        dcat_sources.apply_source_aplikasi(harvest_object, dataset_dict)

    def before_update(
        self, harvest_object: Any, dataset_dict: dict[str, Any], temp_dict: dict[str, Any]
    ) -> None:
        dcat_sources.apply_source_aplikasi(harvest_object, dataset_dict)
