"""The application registry (``/registry/api/v1/aplikasi``) and what each application says it publishes
(``/apps``, ``/apps/<slug>/datasets``), with the changes made through ``/_control/changes`` applied."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import catalogue as cat
from .data import SAMPLE_NOTICE
from .reply import Reply, dumps, json_reply, listing_reply, page_listing
from .request import NotFound, Req

if TYPE_CHECKING:
    from .server import UpstreamServer


def registry_apps(srv: UpstreamServer, changes: cat.Changes) -> list[dict[str, Any]]:
    apps = srv.data.applications + [cat.added_app(srv.data, k, ts) for k, ts in changes.added_apps]
    apps = [a for a in apps if a["id"] not in changes.removed]
    return [cat.apply_edit(a, changes, (a["id"],), None, "diperbarui") for a in apps]


def _app_out(app: dict[str, Any], base: str) -> dict[str, Any]:
    has_data = app["slug"] in cat.DATA_APPS
    return {**app, "dataset_url": f"{base}/apps/{app['slug']}/datasets" if has_data else None}


def registry_list(srv: UpstreamServer, req: Req) -> Reply:
    apps = registry_apps(srv, srv.changes.snapshot())
    for key in ("kelompok", "opd", "status"):
        if req.query.get(key):
            apps = [a for a in apps if a[key] == req.query[key]]
    return page_listing(req, [_app_out(a, req.base_url) for a in apps])


def registry_show(srv: UpstreamServer, req: Req, key: str) -> Reply:
    for a in registry_apps(srv, srv.changes.snapshot()):
        if key in (a["id"], a["slug"]):
            return json_reply({"_sample": SAMPLE_NOTICE, "data": _app_out(a, req.base_url)})
    raise NotFound(f"aplikasi {key!r} tidak ditemukan")


def app_datasets(srv: UpstreamServer, changes: cat.Changes, slug: str | None = None) -> list[dict[str, Any]]:
    out = [
        cat.apply_edit(d, changes, (d["id"],), "judul", "diperbarui")
        for d in srv.data.datasets
        if d["id"] not in changes.removed and (slug is None or d["aplikasi"] == slug)
    ]
    for k, ts in changes.added_datasets:
        r = cat.added_record(srv.seed, k, ts)
        if r["id"] not in changes.removed and (slug is None or r["aplikasi"] == slug):
            out.append(cat.apply_edit(r, changes, (r["id"],), "judul", "diperbarui"))
    return out


def apps_index(srv: UpstreamServer, req: Req) -> Reply:
    changes = srv.changes.snapshot()
    rows = []
    for slug in cat.DATA_APPS:
        app = srv.data.app_index[slug]
        rows.append(
            {
                "id": app["id"],
                "slug": slug,
                "nama": app["nama"],
                "opd": app["opd"],
                "jumlah_dataset": len(app_datasets(srv, changes, slug)),
                "dataset_url": f"{req.base_url}/apps/{slug}/datasets",
            }
        )
    return json_reply({"_sample": SAMPLE_NOTICE, "total": len(rows), "data": rows})


def app_dataset_list(srv: UpstreamServer, req: Req, slug: str) -> Reply:
    app = srv.data.app_index.get(slug)
    if app is None:
        raise NotFound(f"aplikasi {slug!r} tidak ditemukan")
    rows = [cat.render_dataset(d, req.base_url) for d in app_datasets(srv, srv.changes.snapshot(), slug)]
    head = {"aplikasi": {"id": app["id"], "slug": slug, "nama": app["nama"], "opd": app["opd"]}}

    def render(shown: list[Any], mode: str | None) -> bytes:
        return dumps(
            {"_sample": SAMPLE_NOTICE, **head, "total": 0 if mode == "empty" else len(rows), "data": shown}
        )

    return listing_reply(rows, render)
