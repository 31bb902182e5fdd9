"""The stewards' probe: every page of the workbench (every GET route of the ``tangerang_dasbor`` blueprint, found
from the running app, so a new tab is probed without anyone listing it) and every steward action, asked by each
role of the access probe's catalogue (an OPD "dinkes" with a terbuka, a terbatas and two tertutup datasets carrying
markers; an editor of another OPD, "dishub").

- Anonymous visitors, users of no OPD and a plain member of dinkes (who may not create datasets there) get 403 on
  every page and action, and no marker.
- dishub's editor is a steward, of dishub: the pages answer, but nothing of dinkes (no marker of any class, a
  terbuka one included: the workbench is about one's own datasets); asking for dinkes by name is refused.
- The sysadmin (the walidata) finds dinkes's tertutup dataset on the workbench: the markers are there to be found.
"""

from __future__ import annotations

import pytest

from tests.security.test_access_probe import markers, world  # noqa: F401 (the access probe's catalogue)

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

REFUSED = ("anonymous", "no_opd", "member")
# The actions only stewards may call: the arguments a page would send, and the name of their OPD parameter.
STEWARD_ACTIONS = {
    "tangerang_overdue_list": ({}, "owner_org"),
    "tangerang_quality_report": ({}, "owner_org"),
    "tangerang_link_check_list": ({}, "organization"),
    "tangerang_harvest_hold_list": ({}, "owner_org"),
    "tangerang_harvest_decision_list": ({}, "owner_org"),
    "tangerang_harvest_overview": ({}, "owner_org"),
    "tangerang_aplikasi_ranking": ({}, None),
    "tangerang_bulk_update": (
        {
            "datasets": ["probe-terbuka", "probe-tertutup"],
            "field": "frekuensi",
            "value": "tahunan",
            "dry_run": True,
        },
        None,
    ),
}
# Values for the routes' URL arguments (a job that does not exist: outsiders must still get 403, not 404).
ROUTE_ARGUMENTS = {"job_id": "00000000-0000-0000-0000-000000000000"}


def _pages(app) -> list[str]:
    rules = [
        rule
        for rule in app.flask_app.url_map.iter_rules()
        if rule.endpoint.startswith("tangerang_dasbor.") and "GET" in (rule.methods or ())
    ]
    assert rules, "the workbench blueprint has no pages"
    return sorted(rule.build({arg: ROUTE_ARGUMENTS[arg] for arg in rule.arguments})[1] for rule in rules)


def _get(app, url, user):
    return app.get(url, headers={"Authorization": user["token"]} if user else {})


def _all_markers(classes=("terbuka", "terbatas", "tertutup", "reclassified")) -> dict[str, str]:
    return {
        f"{cls}.{key}": value
        for cls in classes
        for key, value in markers(cls).items()
        if key in ("title", "notes", "res_name", "url_token")
    }


# An action that names datasets may echo what is public about them (a terbuka dataset's title); never more.
NAMES_DATASETS = {"tangerang_bulk_update"}


def test_the_workbench_refuses_whoever_steers_no_opd(app, world, probe):  # noqa: F811
    users = dict(world["users"])
    banned = _all_markers()
    for role in REFUSED:
        for url in _pages(app):
            response = _get(app, url, users[role])
            probe.answer(response, f"{role} GET {url}")
            probe.check("steward", response.status_code == 403, f"{role} GET {url}: {response.status_code}")
            body = response.get_data(as_text=True)
            for label, marker in banned.items():
                probe.check("leak", marker not in body, f"{role} GET {url}: {label}")
        for action, (args, _opd) in STEWARD_ACTIONS.items():
            response = app.post(
                f"/api/3/action/{action}",
                json=args,
                headers={"Authorization": users[role]["token"]} if users[role] else {},
            )
            probe.answer(response, f"{role} POST {action}")
            probe.check(
                "steward", response.status_code == 403, f"{role} POST {action}: {response.status_code}"
            )
            body = response.get_data(as_text=True)
            for label, marker in banned.items():
                probe.check("leak", marker not in body, f"{role} POST {action}: {label}")


def test_a_steward_of_another_opd_sees_nothing_of_dinkes(app, world, probe):  # noqa: F811
    editor = world["users"]["other_opd_editor"]
    banned = _all_markers()
    for url in _pages(app):
        response = _get(app, url, editor)
        probe.answer(response, f"dishub editor GET {url}")
        # A page of a job that does not exist answers as one of another OPD would (403); every other page answers.
        expected = (200, 403, 404) if ROUTE_ARGUMENTS["job_id"] in url else (200,)
        probe.check(
            "steward", response.status_code in expected, f"dishub editor GET {url}: {response.status_code}"
        )
        body = response.get_data(as_text=True)
        for label, marker in banned.items():
            probe.check("steward", marker not in body, f"dishub editor GET {url}: {label} of dinkes shown")
        asked = _get(app, f"{url}{'&' if '?' in url else '?'}owner_org=dinkes", editor)
        probe.answer(asked, f"dishub editor GET {url}?owner_org=dinkes")
        body = asked.get_data(as_text=True)
        for label, marker in banned.items():
            probe.check("steward", marker not in body, f"dishub editor GET {url}?owner_org=dinkes: {label}")
    for action, (args, opd) in STEWARD_ACTIONS.items():
        headers = {"Authorization": editor["token"]}
        response = app.post(f"/api/3/action/{action}", json=args, headers=headers)
        probe.answer(response, f"dishub editor POST {action}")
        body = response.get_data(as_text=True)
        hidden = _all_markers(("tertutup", "reclassified")) if action in NAMES_DATASETS else banned
        for label, marker in hidden.items():
            probe.check("steward", marker not in body, f"dishub editor POST {action}: {label} of dinkes")
        if opd is None:
            continue
        asked = app.post(f"/api/3/action/{action}", json={**args, opd: "dinkes"}, headers=headers)
        probe.answer(asked, f"dishub editor POST {action} owner_org=dinkes")
        probe.check(
            "steward", asked.status_code == 403, f"dishub editor {action} for dinkes: {asked.status_code}"
        )


def test_the_walidata_finds_every_opd_on_the_workbench(app, world):  # noqa: F811
    sysadmin = world["users"]["sysadmin"]
    bodies = ""
    for url in _pages(app):
        response = _get(app, url, sysadmin)
        assert response.status_code in (200, 404), url
        bodies += response.get_data(as_text=True)
    for action, (args, _opd) in STEWARD_ACTIONS.items():
        response = app.post(
            f"/api/3/action/{action}", json=args, headers={"Authorization": sysadmin["token"]}
        )
        assert response.status_code == 200, action
        bodies += response.get_data(as_text=True)
    assert markers("tertutup")["title"] in bodies
