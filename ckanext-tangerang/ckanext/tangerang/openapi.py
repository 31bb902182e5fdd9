"""The OpenAPI 3.1 document of the portal's Action API, served at /pengembang/openapi.json: the ``tangerang_*``
actions built from their docstrings (apidocs.py), and the CKAN read actions the developer page documents, with
the bounds of logic/search_policy.py and the configuration."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.tangerang import apidocs, cache
from ckanext.tangerang.logic import search_policy

API = "/api/3/action"
ENVELOPE = "#/components/schemas/Envelope"
ERROR = "#/components/responses/Error"

# Result schemas of the actions whose result has a known shape; the others are described by their docstring.
RESULTS: dict[str, dict[str, Any]] = {
    "package_search": {
        "type": "object",
        "required": ["count", "results"],
        "properties": {
            "count": {"type": "integer", "minimum": 0},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Dataset"}},
            "facets": {"type": "object"},
            "search_facets": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "properties": {
                        "title": {"type": "string"},
                        "items": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name", "count"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "display_name": {"type": "string"},
                                    "count": {"type": "integer"},
                                },
                            },
                        },
                    },
                },
            },
            "sort": {"type": "string"},
        },
    },
    "package_show": {"$ref": "#/components/schemas/Dataset"},
    "package_list": {"type": "array", "items": {"type": "string"}},
    "organization_list": {"type": "array", "items": {"type": ["string", "object"]}},
    "organization_show": {
        "type": "object",
        "required": ["id", "name"],
        "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "title": {"type": "string"}},
    },
    "group_list": {"type": "array", "items": {"type": ["string", "object"]}},
    "tag_list": {"type": "array", "items": {"type": ["string", "object"]}},
    "resource_show": {"$ref": "#/components/schemas/Resource"},
    "datastore_search": {
        "type": "object",
        "required": ["resource_id", "fields", "records"],
        "properties": {
            "resource_id": {"type": "string"},
            "fields": {"type": "array", "items": {"type": "object", "required": ["id", "type"]}},
            "records": {"type": "array", "items": {"type": ["object", "array"]}},
            "total": {"type": "integer", "minimum": 0},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
            "_links": {"type": "object"},
        },
    },
    "status_show": {
        "type": "object",
        "required": ["ckan_version", "site_url"],
        "properties": {"ckan_version": {"type": "string"}, "site_url": {"type": "string"}},
    },
    # The one-call catalogue actions (logic/catalog.py) and the download counts (logic/downloads.py).
    "tangerang_stats": {
        "type": "object",
        "required": ["datasets", "applications", "by_sector", "by_opd", "by_access", "by_kelompok"],
        "properties": {
            "datasets": {"type": "integer", "minimum": 0},
            "applications": {"type": "integer", "minimum": 0},
            "by_sector": {"$ref": "#/components/schemas/CodeCounts"},
            "by_opd": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "count"],
                    "properties": {
                        "name": {"type": "string"},
                        "title": {"type": "string"},
                        "count": {"type": "integer", "minimum": 0},
                    },
                },
            },
            "by_access": {"$ref": "#/components/schemas/CodeCounts"},
            "by_kelompok": {"$ref": "#/components/schemas/CodeCounts"},
        },
    },
    "tangerang_aplikasi_list": {
        "type": "object",
        "required": ["count", "results"],
        "properties": {
            "count": {"type": "integer", "minimum": 0},
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "title", "datasets"],
                    "properties": {
                        "name": {"type": "string"},
                        "title": {"type": "string"},
                        "kelompok": {"type": ["string", "null"]},
                        "status_aplikasi": {"type": ["string", "null"]},
                        "url": {"type": ["string", "null"]},
                        "datasets": {"type": "integer", "minimum": 0},
                        "latest_usage": {
                            "oneOf": [
                                {"type": "null"},
                                {
                                    "type": "object",
                                    "required": ["month", "users"],
                                    "properties": {"month": {"type": "string"}, "users": {"type": "integer"}},
                                },
                            ]
                        },
                    },
                },
            },
        },
    },
    "tangerang_aplikasi_show": {
        "allOf": [
            {"$ref": "#/components/schemas/Dataset"},
            {
                "type": "object",
                "required": ["datasets", "dataset_count"],
                "properties": {
                    "dataset_count": {"type": "integer", "minimum": 0},
                    "datasets": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "title"],
                            "properties": {
                                "name": {"type": "string"},
                                "title": {"type": "string"},
                                "klasifikasi": {"enum": ["terbuka", "terbatas"]},
                                "metadata_modified": {"type": "string"},
                            },
                        },
                    },
                },
            },
        ]
    },
    "tangerang_download_counts": {
        "type": "object",
        "required": ["total"],
        "properties": {
            "total": {"type": "integer", "minimum": 0},
            "by_resource": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        },
    },
    "tangerang_resource_access_show": {
        "type": "object",
        "required": ["resource_id", "unduh"],
        "properties": {
            "resource_id": {"type": "string"},
            "klasifikasi": {"type": ["string", "null"]},
            "unduh": {"type": "boolean"},
            "pesan": {"type": "string"},
        },
    },
}


def _string(description: str, **extra: Any) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string", **extra}}


def _integer(description: str, minimum: int, maximum: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer", "minimum": minimum}
    if maximum is not None:
        schema["maximum"] = maximum
    return {"description": description, "schema": schema}


def _boolean(description: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "boolean"}}


def _ckan_parameters() -> dict[str, dict[str, dict[str, Any]]]:
    """The parameters of the CKAN read actions, by action; ``required`` ones are marked so."""
    bounds = apidocs.limits()
    facets = ", ".join(bounds["facet_fields"])
    sorts = ", ".join(bounds["sort_fields"])
    identifier = {**_string("the name or id"), "required": True}
    return {
        "package_search": {
            "q": _string("Solr query text, e.g. ``penduduk`` or ``title:penduduk``"),
            "fq": _string("filter query, e.g. ``sektor:2.12`` or ``organization:disdukcapil``"),
            "sort": _string(f"``<field> asc|desc``, comma separated; fields: {sorts}"),
            "rows": _integer("the number of datasets returned", 0, bounds["rows_max"]),
            "start": _integer("the offset of the first dataset returned", 0, bounds["start_max"]),
            "facet.field": _string(f'a JSON list of fields to count, e.g. ``["sektor"]``; fields: {facets}'),
            "facet.limit": _integer("values per facet (-1: all)", -1, bounds["facet_limit_max"]),
            "facet.mincount": _integer("the least count of a facet value returned", 0, 10_000),
            "include_private": _boolean("include the private datasets the caller may see"),
        },
        "package_show": {"id": identifier},
        "package_list": {
            "limit": _integer("the number of names returned", 0, search_policy.MAX_LIST_PAGING),
            "offset": _integer("the offset of the first name returned", 0, search_policy.MAX_LIST_PAGING),
        },
        "organization_list": {
            "all_fields": _boolean("return the OPDs' dictionaries instead of their names"),
            "limit": _integer("the number of OPDs returned", 0),
            "offset": _integer("the offset of the first OPD returned", 0),
        },
        "organization_show": {
            "id": identifier,
            "include_datasets": _boolean("include the OPD's datasets the caller may see"),
        },
        "group_list": {
            "all_fields": _boolean("return the groups' dictionaries instead of their names"),
            "limit": _integer("the number of groups returned", 0),
            "offset": _integer("the offset of the first group returned", 0),
        },
        "tag_list": {"query": _string("only the tags whose names contain this text")},
        "resource_show": {"id": {**_string("the id of the resource"), "required": True}},
        "datastore_search": {
            "resource_id": {**_string("the id of a resource with DataStore rows"), "required": True},
            "q": _string("full-text search over all fields (or a JSON object of field: text)"),
            "filters": _string('a JSON object of field: value, e.g. ``{"_id": 1}``'),
            "fields": _string("the fields to return, separated by commas"),
            "sort": _string("``<field> asc|desc``, separated by commas"),
            "limit": _integer("the number of rows returned", 0, bounds["datastore_rows_max"]),
            "offset": _integer("the offset of the first row returned", 0),
            "include_total": _boolean("count the matching rows (default true)"),
        },
        "status_show": {},
    }


def _schema_of(type_text: str, in_query: bool) -> dict[str, Any]:
    """A JSON schema from a docstring's ``:type:``."""
    text = type_text.lower()
    if "list" in text:
        return {"type": "string"} if in_query else {"type": ["array", "string"], "items": {"type": "string"}}
    for word, schema in (("int", "integer"), ("bool", "boolean"), ("dict", "object"), ("string", "string")):
        if word in text:
            return {"type": schema}
    return {}


def _operation(
    name: str, summary: str, description: str, params: dict[str, dict[str, Any]], get: bool
) -> dict[str, dict[str, Any]]:
    result = RESULTS.get(name, {})
    responses = {
        "200": {
            "description": "success: the envelope with the action's result",
            "content": {
                "application/json": {
                    "schema": {
                        "allOf": [
                            {"$ref": ENVELOPE},
                            {
                                "type": "object",
                                "required": ["result"],
                                "properties": {"success": {"const": True}, "result": result},
                            },
                        ]
                    }
                }
            },
        },
        **{code: {"$ref": ERROR} for code in ("400", "403", "404", "409")},
        "429": {"description": "too many requests: the production proxy's rate limit; retry later"},
    }
    operation: dict[str, Any] = {
        "operationId": name,
        "summary": summary,
        "description": description,
        "tags": ["tangerang" if name.startswith(apidocs.PREFIX) else "ckan"],
        "responses": responses,
    }
    if get:
        operation["parameters"] = [
            {"name": key, "in": "query", "required": value.get("required", False), **value}
            for key, value in params.items()
        ]
        operation["security"] = [{}, {"apiToken": []}]
        return {"get": operation}
    body = {
        "type": "object",
        "properties": {key: {"description": v["description"], **v["schema"]} for key, v in params.items()},
        "required": [key for key, value in params.items() if value.get("required")],
    }
    operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    operation["security"] = [{"apiToken": []}]
    return {"post": operation}


def _paths() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for name, params in _ckan_parameters().items():
        paths[f"{API}/{name}"] = _operation(name, f"CKAN's {name}", "", params, get=True)
    for action in apidocs.actions():
        params = {
            p.name: {
                "description": p.description,
                "schema": _schema_of(p.type, action.get),
                "required": p.required,
            }
            for p in action.params
        }
        description = action.description
        if action.returns:
            description += f"\n\nReturns: {action.returns}"
        summary = action.summary.split(". ")[0].rstrip(".")  # the first sentence
        paths[f"{API}/{action.name}"] = _operation(action.name, summary, description, params, action.get)
    return paths


def _components() -> dict[str, Any]:
    return {
        "securitySchemes": {
            "apiToken": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "an API token made on the user's page (API Tokens tab)",
            }
        },
        "schemas": {
            "Envelope": {
                "type": "object",
                "required": ["success"],
                "properties": {"help": {"type": "string"}, "success": {"type": "boolean"}},
            },
            "Error": {
                "type": "object",
                "required": ["success", "error"],
                "properties": {
                    "help": {"type": "string"},
                    "success": {"const": False},
                    "error": {
                        "type": "object",
                        "required": ["__type"],
                        "properties": {
                            "__type": {
                                "description": "Not Found Error (404), Authorization Error (403), "
                                "Validation Error (409: one list of messages per field), Bad request (400)",
                                "type": "string",
                            },
                            "message": {"type": "string"},
                        },
                        "additionalProperties": True,
                    },
                },
            },
            "CodeCounts": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "count"],
                    "properties": {"code": {"type": "string"}, "count": {"type": "integer", "minimum": 0}},
                },
            },
            "Resource": {
                "type": "object",
                "required": ["id", "package_id"],
                "properties": {
                    "id": {"type": "string"},
                    "package_id": {"type": "string"},
                    "name": {"type": ["string", "null"]},
                    "format": {"type": ["string", "null"]},
                    "url": {"type": ["string", "null"]},
                    "datastore_active": {"type": "boolean"},
                },
            },
            "Dataset": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "title": {"type": ["string", "null"]},
                    "type": {"type": "string"},
                    "klasifikasi": {"enum": ["terbuka", "terbatas", "tertutup"]},
                    "resources": {"type": "array", "items": {"$ref": "#/components/schemas/Resource"}},
                },
            },
        },
        "responses": {
            "Error": {
                "description": "CKAN's error envelope",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        },
    }


def _build() -> dict[str, Any]:
    site = tk.config.get("ckan.site_url").rstrip("/")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{tk.config.get('ckan.site_title')}: Action API",
            "version": "3",
            "description": "The CKAN Action API of this portal: CKAN's read actions and the portal's own "
            "(tangerang_*). Every answer is CKAN's envelope {help, success, result}, or {success: false, error} "
            "with status 400, 403, 404 or 409. Terbatas datasets show their metadata to everyone and their data "
            "only to the owning OPD; tertutup datasets are invisible to outsiders. See "
            + site
            + "/pengembang",
        },
        "servers": [{"url": site}],
        "paths": _paths(),
        "components": _components(),
    }


_DOCUMENT = cache.Cache(1)  # the document depends on the code and the configuration only


def document() -> dict[str, Any]:
    """The OpenAPI document, built once per process."""
    return _DOCUMENT.get("document", _build)
