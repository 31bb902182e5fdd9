"""The request boundary: text that no part of CKAN can store or look up is answered 4xx before any view runs.

PostgreSQL refuses NUL characters and lone UTF-16 surrogates (CKAN answers 500 wherever one reaches a query),
Python's JSON parser gives up on deep nesting with a RecursionError, and Solr's ``start`` is a 32-bit integer.
One rule here answers each of them with a bilingual 400 or 404, whatever the route: the API in its usual
``{"success": false, "error": {...}}`` shape, every other route with the portal's error page.
"""

from __future__ import annotations

import json
import re
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Response, current_app, request

# Deeper than any dataset dict (resources -> kamus_data -> column is 4 levels); far below the parser's limit.
MAX_JSON_DEPTH = 64
# The highest page a listing serves: 10,000 pages of CKAN's 20 datasets is twenty times the bench catalogue,
# and at DCAT's 100 rows a page, Solr's start stays far below its 32-bit limit.
MAX_PAGE = 10_000

BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
# A JSON body can only carry a NUL or a surrogate as an escape (raw control characters are invalid JSON).
BAD_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

MSG_BAD_TEXT = (
    "Permintaan memuat karakter yang tidak sah (NUL atau surrogate tunggal). / "
    "The request contains an invalid character (NUL or a lone surrogate)."
)
MSG_DEEP = (
    f"Data JSON bersarang terlalu dalam (lebih dari {MAX_JSON_DEPTH} tingkat). / "
    f"The JSON data is nested too deeply (more than {MAX_JSON_DEPTH} levels)."
)
# CKAN's HTML forms whose views index the posted fields without looking (a KeyError or AttributeError, 500):
# what their own forms always send. Keyed by the view's name, so every dataset type's blueprint is covered.
FORM_FIELDS = {
    "ckan.views.user.login": ("login", "password"),
    "ckan.views.resource.CreateView": ("save", "id"),
}
MSG_NOT_JSON = "Badan permintaan bukan JSON yang sah. / The request body is not valid JSON."
MSG_PAGE = "Nomor halaman harus bilangan bulat positif. / The page number must be a positive whole number."
MSG_NO_PAGE = (
    f"Halaman tidak ada: paling banyak {MAX_PAGE:,} halaman. / ".replace(",", ".")
    + f"No such page: at most {MAX_PAGE:,} pages."
)


def refuse_bad_input() -> Response | None:
    """Answer 400 (or 404 for a page beyond any listing) before a view sees text it cannot handle.

    A ``before_app_request`` hook, registered by views.py ahead of the portal's other hooks.
    """
    problem = find_problem()
    if problem is None:
        return None
    status, message = problem
    if request.path.startswith("/api/"):
        body = {"success": False, "error": {"__type": "Bad Request", "message": message}}
        if status == 404:
            body["error"]["__type"] = "Not Found Error"
        return Response(json.dumps(body), status=status, mimetype="application/json")
    return tk.abort(status, message)


def find_problem() -> tuple[int, str] | None:
    """``(status, message)`` for the first thing wrong with the current request, or None."""
    if BAD_TEXT.search(request.path) or _multidict_is_bad(request.args):
        return 400, MSG_BAD_TEXT
    is_api = request.path.startswith("/api/")
    if request.method in ("POST", "PUT", "PATCH"):
        if request.mimetype in FORM_TYPES:
            if _multidict_is_bad(request.form):
                return 400, MSG_BAD_TEXT
            if is_api:
                # CKAN's API also takes a JSON document sent as the only key of a urlencoded form.
                keys = list(request.form.keys())
                if len(keys) == 1 and request.form[keys[0]] in ("1", ""):
                    return json_problem(keys[0].encode("utf-8"))
        elif is_api:
            body = request.get_data(cache=True)
            if body:
                return json_problem(body)
    if not is_api:
        return _page_problem() or _format_problem() or _form_problem() or _route_problem()
    return None


def json_problem(body: bytes) -> tuple[int, str] | None:
    """What is wrong with a JSON request body: not JSON, too deep, or holding a NUL or lone surrogate."""
    try:
        data = json.loads(body)
    except RecursionError:
        return 400, MSG_DEEP
    except ValueError:
        return 400, MSG_NOT_JSON
    deep = body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH
    escaped = BAD_ESCAPE.search(body) is not None
    if not (deep or escaped):
        return None  # the common case: nothing to walk
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if escaped and BAD_TEXT.search(value):
                return 400, MSG_BAD_TEXT
        elif isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                return 400, MSG_DEEP
            items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
            for key, item in items:
                if key is not None:
                    stack.append((key, depth))
                stack.append((item, depth + 1))
    return None


def _multidict_is_bad(values) -> bool:
    return any(
        BAD_TEXT.search(key) or any(isinstance(v, str) and BAD_TEXT.search(v) for v in items)
        for key, items in values.lists()
    )


def _page_problem() -> tuple[int, str] | None:
    """Listings take ``page`` from 1 to MAX_PAGE; beyond it Solr's 32-bit ``start`` overflows into a 500."""
    page = request.args.get("page")
    if page is None:
        return None
    try:
        number = int(page)
    except ValueError:
        return 400, MSG_PAGE
    if number < 1:
        return 400, MSG_PAGE
    if number > MAX_PAGE:
        return 404, MSG_NO_PAGE
    return None


def _format_problem() -> tuple[int, str] | None:
    """ckanext-dcat's ``/catalog.<format>`` and ``/dataset/<id>.<format>`` know a few RDF formats only."""
    fmt = (request.view_args or {}).get("_format")
    if not fmt or not (request.endpoint or "").startswith("dcat."):
        return None
    try:
        from ckanext.dcat.utils import CONTENT_TYPES
    except ImportError:
        return None
    if fmt in CONTENT_TYPES:
        return None
    known = ", ".join(sorted(CONTENT_TYPES))
    return 404, f"Format tidak dikenal: pakai {known}. / Unknown format: use {known}."


def _form_problem() -> tuple[int, str] | None:
    """A POST to one of CKAN's forms without the fields its view reads unconditionally."""
    if request.method != "POST":
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    target = view_class or view
    name = f"{getattr(target, '__module__', '')}.{getattr(target, '__name__', '')}"
    missing = [f for f in FORM_FIELDS.get(name, ()) if f not in request.form]
    if not missing:
        return None
    fields = ", ".join(missing)
    return 400, f"Formulir tidak lengkap: {fields} wajib ada. / Incomplete form: {fields} is required."


def _route_problem() -> tuple[int, str] | None:
    """The group blueprint's bulk-process page exists for organizations only (CKAN raises for a group)."""
    if request.endpoint == "group.bulk_process":
        return 404, "Proses massal hanya untuk OPD. / Bulk processing is for organizations only."
    return None
