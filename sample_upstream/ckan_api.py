"""The imitation CKAN API (``/ckan[/n/<N>]/api[/3]/action/<action>``): the actions ckanext-harvest's CKAN
harvester and ckanapi call, with ``package_search``'s ``fq``, ``q`` and ``sort`` as that harvester writes them.

Envelope ``{"help", "success", "result", "_sample"}``; errors ``{"success": false, "error": {"__type",
"message"}}`` with 404, 409 or 400, as CKAN answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import catalogue as cat
from . import ckan_dicts, reference
from .data import SAMPLE_NOTICE
from .reply import Reply, json_reply, listing_reply
from .request import BadRequest, Req

if TYPE_CHECKING:
    from .server import UpstreamServer


def _ckan(req: Req, result: Any, status: int = 200) -> Reply:
    return json_reply(
        {
            "help": f"{req.base_url}/ckan/api/3/action/help_show?name={req.path.rsplit('/', 1)[-1]}",
            "success": True,
            "result": result,
            "_sample": SAMPLE_NOTICE,
        },
        status,
    )


def _ckan_error(req: Req, status: int, kind: str, message: str, **fields: Any) -> Reply:
    return json_reply(
        {
            "help": f"{req.base_url}/ckan/api/3/action/help_show",
            "success": False,
            "error": {"__type": kind, "message": message, **fields},
            "_sample": SAMPLE_NOTICE,
        },
        status,
    )


FQ_TERM = re.compile(
    r'(?P<neg>[-+]?)(?P<field>[\w.]+):(?P<value>[\[{][^\]}]*[\]}]|"[^"]*"|\S+)|(?P<op>OR|AND)'
)


def _norm_ts(value: str) -> str:
    v = value.strip().rstrip("Z").replace(" ", "T")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?", v):
        raise ValueError(value)
    return (v + "T00:00:00")[:19] if "T" not in v else (v + ":00")[:19] if len(v) == 16 else v[:19]


def parse_fq(fq: str) -> list[list[tuple[bool, str, str]]]:
    """Solr ``fq`` as CKAN's harvester writes it: terms ANDed, ``OR`` joining neighbours, ``-`` negating."""
    clauses: list[list[tuple[bool, str, str]]] = []
    join_next = False
    pos = 0
    for m in FQ_TERM.finditer(fq):
        if fq[pos : m.start()].strip():
            raise ValueError(f"cannot parse fq near {fq[pos : m.start()]!r}")
        pos = m.end()
        if m["op"] == "OR":
            join_next = True
            continue
        if m["op"] == "AND":
            continue
        term = (m["neg"] == "-", m["field"], m["value"].strip('"'))
        if join_next and clauses:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        join_next = False
    if fq[pos:].strip():
        raise ValueError(f"cannot parse fq near {fq[pos:]!r}")
    return clauses


def _term_matches(e: cat.Entry, fieldname: str, value: str) -> bool:
    if fieldname in ("metadata_modified", "metadata_created"):
        if value[0] not in "[{" or " TO " not in value:
            raise ValueError(f"{fieldname} needs a range [X TO Y]")
        lo_raw, hi_raw = value[1:-1].split(" TO ")
        stamp = _norm_ts(e.modified if fieldname == "metadata_modified" else e.created)
        lo_ok = lo_raw.strip() == "*" or (
            stamp >= _norm_ts(lo_raw) if value[0] == "[" else stamp > _norm_ts(lo_raw)
        )
        hi_ok = hi_raw.strip() == "*" or (
            stamp <= _norm_ts(hi_raw) if value[-1] == "]" else stamp < _norm_ts(hi_raw)
        )
        return lo_ok and hi_ok
    if fieldname in ("organization", "owner_org"):
        return value in (e.opd, cat.org_uuid(e.opd))
    if fieldname == "groups":
        return value == cat.group_name(e.sektor)
    if fieldname in ("name", "id"):
        return value in (e.name, e.uuid)
    if fieldname in ("dataset_type", "type"):
        return value == "dataset"
    if fieldname in ("state", "+state"):
        return value == "active"
    if fieldname in ("capacity",):
        return value == "public"
    raise ValueError(f"fq field {fieldname!r} is not supported by the sample upstream")


def _matches(e: cat.Entry, clauses: list[list[tuple[bool, str, str]]]) -> bool:
    return all(any(_term_matches(e, f, v) != neg for neg, f, v in clause) for clause in clauses)


SORT_KEYS: dict[str, Callable[[cat.Entry], str]] = {
    "id": lambda e: e.uuid,
    "name": lambda e: e.name,
    "metadata_modified": lambda e: _norm_ts(e.modified),
    "metadata_created": lambda e: _norm_ts(e.created),
}


def _sort(entries: list[cat.Entry], sort: str) -> list[cat.Entry]:
    clauses = [c.split() for c in sort.split(",") if c.strip()]
    clauses = [c for c in clauses if c[0] != "score"]
    out = sorted(entries, key=lambda e: e.name)
    for c in reversed(clauses):
        if len(c) != 2 or c[0] not in SORT_KEYS or c[1] not in ("asc", "desc"):
            raise ValueError(
                f"unsupported sort {' '.join(c)!r}; use id, name, metadata_modified or "
                "metadata_created with asc/desc"
            )
        out.sort(key=SORT_KEYS[c[0]], reverse=c[1] == "desc")
    return out


def _ckan_params(req: Req) -> dict[str, Any]:
    params: dict[str, Any] = dict(req.query)
    if req.method == "POST" and req.body:
        body = req.json()
        if not isinstance(body, dict):
            raise BadRequest("body must be a JSON object")
        params.update(body)
    params.pop("n", None)
    return params


def _int_param(params: dict[str, Any], name: str, default: int, hi: int) -> int:
    try:
        value = int(params.get(name, default))
    except (TypeError, ValueError):
        raise BadRequest(f"{name} must be an integer") from None
    if not 0 <= value <= hi:
        raise BadRequest(f"{name} must be between 0 and {hi}")
    return value


def ckan_action(srv: UpstreamServer, req: Req, n: str | None, version: str | None, action: str) -> Reply:
    """``/ckan[/n/<N>]/api[/3]/action/<action>``: the actions CKAN's harvester and ckanapi call."""
    params = _ckan_params(req)
    catalogue = srv.catalogue(req.catalogue_size(n, srv.ckan_datasets))
    if action == "status_show":
        return _ckan(
            req,
            {
                "ckan_version": "2.11.0",
                "site_url": f"{req.base_url}/ckan",
                "site_title": "Satu Data Kota Tangerang - CONTOH (sample upstream)",
                "site_description": SAMPLE_NOTICE,
                "locale_default": "id",
                "error_emails_to": None,
                "extensions": ["scheming_datasets", "dcat"],
            },
        )
    if action == "package_list":
        names_ = sorted(e.name for e in catalogue.entries)
        offset = _int_param(params, "offset", 0, 10**7)
        limit = _int_param(params, "limit", len(names_), 10**7)
        shown = names_[offset : offset + limit]

        def render_list(items: list[Any], mode: str | None) -> bytes:
            return _ckan(req, items).body  # type: ignore[return-value]

        return listing_reply(shown, render_list)
    if action == "package_show":
        key = str(params.get("id") or params.get("name_or_id") or "")
        entry = catalogue.lookup(key)
        if entry is None:
            return _ckan_error(req, 404, "Not Found Error", "Not found")
        return _ckan(req, ckan_dicts.package(catalogue.record(entry), req.base_url))
    if action == "package_search":
        return _package_search(req, catalogue, params)
    if action in ("organization_show", "group_show"):
        key = str(params.get("id") or "")
        if action == "organization_show":
            slug = next(
                (o["slug"] for o in reference.opd() if key in (o["slug"], cat.org_uuid(o["slug"]))), None
            )
            result = ckan_dicts.organization(slug, req.base_url) if slug else None
            if result:
                result["package_count"] = sum(1 for e in catalogue.entries if e.opd == slug)
        else:
            result = ckan_dicts.group_by_name(key)
            if result:
                result["package_count"] = sum(1 for e in catalogue.entries if cat.group_name(e.sektor) == key)
        if result is None:
            return _ckan_error(req, 404, "Not Found Error", "Not found")
        return _ckan(req, result)
    if action == "organization_list":
        return _ckan(req, sorted(o["slug"] for o in reference.opd()))
    if action == "group_list":
        return _ckan(req, sorted(cat.group_name(k) for k in reference.urusan()))
    return _ckan_error(req, 400, "Bad Request", f"Bad request - Action name not known: {action}")


def _search_text(catalogue: cat.Catalogue, e: cat.Entry) -> str:
    r = catalogue.record(e)
    return f"{e.name} {r['judul']} {r['deskripsi']} {' '.join(r['kata_kunci'])}".lower()


def _package_search(req: Req, catalogue: cat.Catalogue, params: dict[str, Any]) -> Reply:
    rows = _int_param(params, "rows", 10, 1000)
    start = _int_param(params, "start", 0, 10**7)
    q = str(params.get("q") or "").strip()
    fq = str(params.get("fq") or "").strip()
    # CKAN's default; with no relevance ranking here, "score" is a tie everywhere.
    sort = str(params.get("sort") or "score desc, metadata_modified desc")
    try:
        entries = catalogue.entries
        if fq:
            clauses = parse_fq(fq)
            entries = [e for e in entries if _matches(e, clauses)]
        if q and q != "*:*":
            qm = re.fullmatch(r"(name|id):(\S+)", q)
            if qm:
                entries = [e for e in entries if qm[2] in (e.name, e.uuid)]
            else:
                words = q.lower().split()
                entries = [e for e in entries if all(w in _search_text(catalogue, e) for w in words)]
        entries = _sort(entries, sort)
    except ValueError as err:
        return _ckan_error(req, 409, "Validation Error", str(err))
    page = entries[start : start + rows]
    packages = [ckan_dicts.package(catalogue.record(e), req.base_url) for e in page]
    total = len(entries)

    def render(items: list[Any], mode: str | None) -> bytes:
        count = 0 if mode == "empty" else total
        return _ckan(
            req, {"count": count, "sort": sort, "facets": {}, "search_facets": {}, "results": items}
        ).body  # type: ignore[return-value]

    return listing_reply(packages, render)
