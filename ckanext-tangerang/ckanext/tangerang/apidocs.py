"""The developer documentation read from the portal's own code: the registered ``tangerang_*`` actions with their
docstrings parsed (for the developer page and the OpenAPI document), the API's bounds, and the example data of
the developer page."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckanext.dcat.logic import DATASETS_PER_PAGE
from markupsafe import Markup

from ckanext.tangerang import cache, generation
from ckanext.tangerang.logic import search_policy

PREFIX = "tangerang_"
# CKAN's read actions that the developer page and the OpenAPI document describe.
CKAN_READ_ACTIONS = (
    "package_search",
    "package_show",
    "package_list",
    "organization_list",
    "organization_show",
    "group_list",
    "tag_list",
    "resource_show",
    "datastore_search",
    "status_show",
)
# Placeholders of the examples when the portal has no public dataset (or none with DataStore rows) yet.
NO_DATASET = "NAMA-DATASET"
NO_RESOURCE = "ID-RESOURCE"

_FIELD = re.compile(r"^:(param|type|returns|rtype)(?:\s+([\w.]+))?:\s*(.*)$")
_LITERAL = re.compile(r"``(.+?)``")


@dataclass
class Param:
    name: str
    description: str = ""
    type: str = ""

    @property
    def required(self) -> bool:
        text = self.description.lower()
        return "optional" not in text and "default" not in text


@dataclass
class ActionDoc:
    """One action as its docstring describes it."""

    name: str
    summary: str
    paragraphs: list[str]
    params: list[Param] = field(default_factory=list)
    returns: str = ""
    rtype: str = ""
    get: bool = False  # side-effect free: callable with GET; the others only with POST

    @property
    def description(self) -> str:
        return "\n\n".join([self.summary, *self.paragraphs]).strip()


def parse_docstring(name: str, doc: str | None, get: bool = False) -> ActionDoc:
    """An action's Sphinx-style docstring (as in CKAN's ``logic/action/get.py``) as its parts."""
    text = inspect.cleandoc(doc or "")
    prose: list[str] = []
    fields: list[list[str]] = []  # [kind, name, text]
    for line in text.splitlines():
        match = _FIELD.match(line.strip()) if not line.startswith((" ", "\t")) else None
        if match:
            fields.append([match[1], match[2] or "", match[3]])
        elif fields and line.strip():
            fields[-1][2] += " " + line.strip()
        elif not fields:
            prose.append(line)
    paragraphs = [" ".join(part.split()) for part in "\n".join(prose).split("\n\n") if part.strip()]
    action = ActionDoc(name, paragraphs[0] if paragraphs else "", paragraphs[1:], get=get)
    params: dict[str, Param] = {}
    for kind, key, value in fields:
        if kind == "param":
            params.setdefault(key, Param(key)).description = value
        elif kind == "type":
            params.setdefault(key, Param(key)).type = value
        elif kind == "returns":
            action.returns = value
        else:
            action.rtype = value
    action.params = list(params.values())
    return action


def registered_names() -> list[str]:
    """The ``tangerang_*`` actions that the plugin registers, sorted."""
    plugin = p.get_plugin("tangerang")
    return sorted(name for name in plugin.get_actions() if name.startswith(PREFIX))


def _read_actions() -> list[ActionDoc]:
    docs = []
    for name in registered_names():
        function = tk.get_action(name)  # the registered one, with CKAN's side_effect_free mark
        docs.append(parse_docstring(name, function.__doc__, getattr(function, "side_effect_free", False)))
    return docs


_ACTIONS = cache.Cache(1)  # the registered actions do not change while the process runs


def actions() -> list[ActionDoc]:
    """Every registered ``tangerang_*`` action, documented from its docstring; read once per process."""
    return _ACTIONS.get("actions", _read_actions)


def inline(text: str) -> Markup:
    """Docstring text as HTML: escaped, with ````literal```` as ``<code>``."""
    parts = _LITERAL.split(text)  # the literals at the odd places
    return Markup("").join(Markup("<code>{}</code>").format(p) if i % 2 else p for i, p in enumerate(parts))


def limits() -> dict[str, Any]:
    """The API's bounds as the code and the configuration set them."""
    return {
        "rows_max": tk.config.get("ckan.search.rows_max"),
        "start_max": search_policy.MAX_START,
        "facet_limit_max": search_policy.MAX_FACET_LIMIT,
        "facet_fields": sorted(search_policy.FACET_FIELDS),
        "sort_fields": sorted(search_policy.SORT_FIELDS),
        "parameters": sorted(search_policy.PARAMETERS),
        "datastore_rows_max": tk.config.get("ckan.datastore.search.rows_max"),
        "datastore_sql": bool(tk.config.get("ckan.datastore.sqlsearch.enabled")),
        "dcat_page_size": int(tk.config.get("ckanext.dcat.datasets_per_page") or DATASETS_PER_PAGE),
    }


def _find_example() -> dict[str, Any]:
    search = tk.get_action("package_search")
    public = "+dataset_type:dataset +klasifikasi:terbuka"
    context = {"ignore_auth": False, "user": ""}  # what an anonymous visitor may see, whoever reads the page
    for fq in (f"{public} +res_extras_datastore_active:true", public):
        found = search(dict(context), {"fq": fq, "rows": 1, "sort": "metadata_modified desc"})["results"]
        if found:
            break
    if not found:
        return {"name": NO_DATASET, "title": NO_DATASET, "resource_id": NO_RESOURCE, "placeholder": True}
    dataset = found[0]
    tables = [r["id"] for r in dataset.get("resources", []) if r.get("datastore_active")]
    return {
        "name": dataset["name"],
        "title": dataset["title"],
        "resource_id": tables[0] if tables else NO_RESOURCE,
        "placeholder": False,
    }


def example_dataset() -> dict[str, Any]:
    """The newest public (terbuka) dataset, preferably one with DataStore rows, for the examples: ``name``,
    ``title``, ``resource_id`` and ``placeholder`` (true when the portal has none yet)."""
    return cache.ANONYMOUS.get(f"developer-example@{generation.current()}", _find_example)
