"""How CKAN's generic page texts name an application (dataset type ``aplikasi``): "Cari aplikasi...", not
"Search Aplikasis...". CKAN builds those texts from the type's name with an English plural -s
(``h.humanize_entity_type``); the application type gets whole, translatable sentences instead."""

from __future__ import annotations

from collections.abc import Callable

import ckan.plugins.toolkit as tk


def _aplikasi_texts() -> dict[str, str]:
    """The application type's texts by CKAN's purpose names (those CKAN's and scheming's templates ask for)."""
    return {
        "add link": tk._("Add application"),
        "breadcrumb": tk._("Applications"),
        "content tab": tk._("Applications"),
        "create label": tk._("Create application"),
        "create title": tk._("Create application"),
        "delete confirmation": tk._("Are you sure you want to delete this application?"),
        "edit label": tk._("Edit application"),
        "facet label": tk._("Applications"),
        "main nav": tk._("Applications"),
        "my label": tk._("My applications"),
        "no description": tk._("There is no description for this application."),
        "page title": tk._("Applications"),
        "search placeholder": tk._("Search applications..."),
        "update label": tk._("Update application"),
        "view label": tk._("View application"),
    }


@tk.chained_helper
def humanize_entity_type(
    next_helper: Callable[..., str | None], entity_type: str, object_type: str, purpose: str
) -> str | None:
    """CKAN's ``h.humanize_entity_type``, with the application type's own texts; every other type and purpose
    stays with CKAN."""
    if (entity_type, object_type) == ("package", "aplikasi"):
        text = _aplikasi_texts().get(purpose)
        if text:
            return text
    return next_helper(entity_type, object_type, purpose)
