"""The test switches under ``/_control`` (only with ``--allow-control``): faults, changes to the catalogue and
the registry, reset, and the server's state."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from . import catalogue as cat
from .data import SAMPLE_NOTICE
from .reply import Reply, error_reply, json_reply
from .request import Req

if TYPE_CHECKING:
    from .server import UpstreamServer


def control(srv: UpstreamServer, req: Req) -> Reply:
    """``/_control/<action>``: 403 unless the server was started with control on."""
    if not srv.allow_control:
        return error_reply(
            403, "control endpoints are disabled; start with --allow-control or TANGERANG_UPSTREAM_CONTROL=1"
        )
    action = req.path.removeprefix("/_control").strip("/")
    if action == "state" and req.method == "GET":
        return json_reply(state(srv))
    if req.method != "POST":
        return error_reply(405, f"use POST for /_control/{action}")
    body = req.json()
    if action == "faults":
        specs = body if isinstance(body, list) else [body]
        try:
            rules = [srv.faults.add(s if isinstance(s, dict) else {}) for s in specs]
        except ValueError as e:
            return error_reply(400, str(e))
        return json_reply(
            {"ok": True, "ditambahkan": [r.as_dict() for r in rules], "faults": srv.faults.as_list()}
        )
    if action == "reset":
        what = body.get("what", "all") if isinstance(body, dict) else "all"
        if what in ("all", "faults"):
            srv.faults.reset()
        if what in ("all", "changes"):
            srv.changes.reset()
        if what == "all":
            srv.requests.clear()
        return json_reply({"ok": True, **state(srv)})
    if action == "changes":
        try:
            result = apply_changes(srv, body)
        except ValueError as e:
            return error_reply(400, str(e))
        return json_reply({"ok": True, **result})
    return error_reply(404, f"unknown control action {action!r}")


def state(srv: UpstreamServer) -> dict[str, Any]:
    return {
        "_sample": SAMPLE_NOTICE,
        "seed": srv.seed,
        "ckan_datasets": srv.ckan_datasets,
        "clock": srv.clock,
        "active": srv.active,
        "faults": srv.faults.as_list(),
        "changes": srv.changes.as_dict(),
        "requests": list(srv.requests),
    }


def _resolve(srv: UpstreamServer, key: str, snap: cat.Changes) -> str | None:
    """Canonical key of a record: application id, or dataset name (CKAN uuids and app slugs accepted)."""
    app = srv.data.app_index.get(key)
    if app:
        return app["id"]
    for k, ts in snap.added_apps:
        a = cat.added_app(srv.data, k, ts)
        if key in (a["id"], a["slug"]):
            return a["id"]
    if any(d["id"] == key for d in srv.data.datasets) or cat.GENERATED_RE.fullmatch(key):
        return key
    entry = cat.Catalogue(srv.data, snap, srv.ckan_datasets).lookup(key)
    return entry.name if entry else None


def apply_changes(srv: UpstreamServer, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    edit, remove = body.get("edit", []), body.get("remove", [])
    personal = body.get("pribadi", [])
    if not (
        isinstance(personal, list)
        and all(isinstance(x, str) and cat.GENERATED_RE.fullmatch(x) for x in personal)
    ):
        raise ValueError("pribadi must be a list of generated dataset names (dataset-sampel-NNNNN)")
    add = body.get("add", 0)
    kind = body.get("kind", "dataset")
    modified = body.get("modified")
    if not (
        isinstance(edit, list) and isinstance(remove, list) and all(isinstance(x, str) for x in edit + remove)
    ):
        raise ValueError("edit and remove must be lists of ids")
    if isinstance(add, bool) or not isinstance(add, int) or not 0 <= add <= 100_000:
        raise ValueError("add must be an integer between 0 and 100000")
    if kind not in ("dataset", "aplikasi"):
        raise ValueError("kind must be 'dataset' or 'aplikasi'")
    if modified is not None:
        try:
            modified = cat.iso(
                dt.datetime.fromisoformat(str(modified).replace("Z", "+00:00")).astimezone(dt.timezone.utc)
            )
        except ValueError:
            raise ValueError("modified must be an ISO 8601 timestamp") from None
    snap = srv.changes.snapshot()
    unknown = [k for k in edit + remove if _resolve(srv, k, snap) is None]
    if unknown:
        raise ValueError(f"unknown ids: {', '.join(unknown)}")
    ch = srv.changes
    with ch.lock:
        ts = modified or srv.now()
        edited = []
        for key in edit:
            canon = _resolve(srv, key, snap) or key
            ch.revisions[canon] = ch.revisions.get(canon, 0) + 1
            ch.modified[canon] = ts
            edited.append(canon)
        added = []
        for _ in range(add):
            if kind == "dataset":
                k = len(ch.added_datasets) + 1
                ch.added_datasets.append((k, ts))
                added.append(f"dataset-tambahan-{k:03d}")
            else:
                k = len(ch.added_apps) + 1
                ch.added_apps.append((k, ts))
                added.append(cat.added_app(srv.data, k, ts)["id"])
        ch.personal.update(personal)
        removed = []
        for key in remove:
            canon = _resolve(srv, key, snap) or key
            ch.removed.add(canon)
            removed.append(canon)
        ch.version += 1
    return {"diedit": edited, "ditambah": added, "dihapus": removed, "pribadi": personal, "waktu": ts}
