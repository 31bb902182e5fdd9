"""The portal theme's pure parts and its pages.

Pure functions (no I/O, tested without a database): the usage series of an application, the "dalam kajian"
rule, and the server-rendered SVG charts. The blueprint ``tangerang_theme`` adds the developer page
(``/pengembang``), the sector index (``/sektor``) and the stewards' list of the applications the rule flags
(``/aplikasi-kajian``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint
from markupsafe import Markup

from ckanext.tangerang import codelists, usage

tangerang_theme = Blueprint("tangerang_theme", __name__)

MONTHS_ID = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(bulan: str, lang: str = "id") -> str:
    """ "2026-03" as "Mar 2026" (Indonesian or English abbreviations)."""
    try:
        year, month = bulan.split("-")[:2]
        names = MONTHS_EN if lang == "en" else MONTHS_ID
        return f"{names[int(month) - 1]} {year}"
    except (ValueError, IndexError):
        return bulan


def _points(values: list[int], width: float, height: float, pad: float) -> list[tuple[float, float]]:
    top = max(values) or 1
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    return [
        (round(pad + i * step, 1), round(height - pad - (v / top) * (height - 2 * pad), 1))
        for i, v in enumerate(values)
    ]


def sparkline_svg(series: list[dict[str, Any]], label: str, width: int = 120, height: int = 32) -> Markup:
    """A small line of monthly active users, as inline SVG with a text alternative (``label``)."""
    values = [r["pengguna_aktif"] for r in series]
    if len(values) < 2:
        return Markup("")
    pts = _points(values, width, height, 3)
    path = " ".join(f"{x},{y}" for x, y in pts)
    last_x, last_y = pts[-1]
    return Markup(
        '<svg class="tangerang-sparkline" role="img" aria-label="{label}" width="{w}" height="{h}" '
        'viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg"><title>{label}</title>'
        '<polyline fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" '
        'stroke-linecap="round" points="{path}"/><circle cx="{x}" cy="{y}" r="2.5" fill="currentColor"/></svg>'
    ).format(label=label, w=width, h=height, path=path, x=last_x, y=last_y)


def _nice_ceiling(value: int) -> int:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return int(10 * magnitude)


def format_number(value: float, lang: str = "id") -> str:
    """Thousands separated as Indonesians write them (1.234.567) or as in English (1,234,567)."""
    text = f"{round(value):,}"
    return text if lang == "en" else text.replace(",", ".")


def usage_chart_svg(series: Iterable[dict[str, Any]], title: str, lang: str = "id") -> Markup:
    """Monthly active users as a bar chart in inline SVG: axis, month labels, a value on every bar."""
    rows = list(series)
    if not rows:
        return Markup("")
    width, height = 720, 260
    left, right, top, bottom = 56, 12, 16, 48
    ceiling = _nice_ceiling(max(r["pengguna_aktif"] for r in rows))
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / len(rows)
    bar = max(slot * 0.62, 2)
    parts = [
        Markup(
            '<svg class="tangerang-usage-chart" role="img" aria-labelledby="usage-chart-title" '
            'viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">'
            '<title id="usage-chart-title">{title}</title>'
        ).format(w=width, h=height, title=title)
    ]
    for i in range(5):
        y = round(top + plot_h - plot_h * i / 4, 1)
        parts.append(
            Markup(
                '<line class="grid" x1="{x1}" x2="{x2}" y1="{y}" y2="{y}"/>'
                '<text class="axis" x="{tx}" y="{ty}" text-anchor="end">{value}</text>'
            ).format(
                x1=left,
                x2=width - right,
                y=y,
                tx=left - 6,
                ty=y + 4,
                value=format_number(ceiling * i / 4, lang),
            )
        )
    for i, r in enumerate(rows):
        h = round(plot_h * r["pengguna_aktif"] / ceiling, 1)
        x = round(left + i * slot + (slot - bar) / 2, 1)
        label = month_label(r["bulan"], lang)
        mid = round(x + bar / 2, 1)
        parts.append(
            Markup(
                '<rect class="bar" x="{x}" y="{y}" width="{w}" height="{h}"><title>{label}: {value}</title></rect>'
                '<text class="axis" x="{mid}" y="{ly}" text-anchor="middle">{month}</text>'
            ).format(
                x=x,
                y=round(top + plot_h - h, 1),
                w=round(bar, 1),
                h=h,
                label=label,
                value=format_number(r["pengguna_aktif"], lang),
                mid=mid,
                ly=height - bottom + 16,
                month=label.split(" ")[0],
            )
        )
        if i == 0 or r["bulan"].endswith("-01"):
            parts.append(
                Markup('<text class="axis" x="{mid}" y="{y}" text-anchor="middle">{year}</text>').format(
                    mid=mid, y=height - bottom + 32, year=r["bulan"][:4]
                )
            )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _is_steward() -> bool:
    """Sysadmins, and members of an OPD who may add or edit its datasets."""
    if not tk.current_user or not tk.current_user.is_authenticated:
        return False
    if tk.current_user.sysadmin:
        return True
    orgs = tk.get_action("organization_list_for_user")(
        {"user": tk.current_user.name}, {"permission": "create_dataset"}
    )
    return bool(orgs)


@tangerang_theme.route("/aplikasi-kajian")
def kajian() -> str:
    """Applications whose use is low or falling by the configured rule, for the stewards who review them."""
    if not tk.current_user or not tk.current_user.is_authenticated:
        return tk.abort(403, tk._("Log in as a data steward to see this page."))
    if not _is_steward():
        return tk.abort(403, tk._("This page is for data stewards of an OPD and the walidata."))
    min_users, drop_percent = usage.kajian_rule()
    flagged = []
    start = 0
    while True:
        result = tk.get_action("package_search")(
            {},
            {
                "fq": "+dataset_type:aplikasi",
                "rows": 500,
                "start": start,
                "sort": "title_string asc",
            },
        )
        for app in result["results"]:
            series = usage.series(app.get("penggunaan_bulanan"))
            verdict = usage.kajian_assessment(series, min_users, drop_percent)
            if verdict["flagged"]:
                flagged.append({"app": app, "series": series, "verdict": verdict})
        start += 500
        if start >= result["count"]:
            break
    return tk.render(
        "tangerang/kajian.html",
        {"flagged": flagged, "min_users": min_users, "drop_percent": drop_percent},
    )


@tangerang_theme.route("/sektor")
def sectors() -> str:
    """Government-affairs sectors with the number of datasets the visitor may see in each."""
    return tk.render("tangerang/sectors.html", {})


@tangerang_theme.route("/sektor/<code>")
def sector(code: str) -> str:
    """One sector: how many datasets the visitor may see, which OPDs and applications produce them, the latest."""
    row = codelists.by_code("urusan_pemerintahan").get(code)
    if row is None:
        return tk.abort(404, tk._("No such sector: see the list of sectors."))
    result = tk.get_action("package_search")(
        {},
        {
            "fq": f'+dataset_type:dataset +sektor:"{code}"',
            "include_private": True,  # CKAN keeps to the visitor's permission labels
            "rows": 6,
            "sort": "metadata_modified desc",
            "facet.field": '["organization", "aplikasi_sumber"]',
            "facet.limit": 50,
        },
    )
    facets = result["search_facets"]
    opds = sorted(
        facets.get("organization", {}).get("items", []), key=lambda i: (-i["count"], i["display_name"])
    )
    apps = sorted(facets.get("aplikasi_sumber", {}).get("items", []), key=lambda i: (-i["count"], i["name"]))
    return tk.render(
        "tangerang/sector.html",
        {
            "code": code,
            "sector": row,
            "count": result["count"],
            "datasets": result["results"],
            "opds": opds,
            "apps": apps,
        },
    )


@tangerang_theme.route("/pengembang")
def developer() -> str:
    """The developer page: the API, the custom actions and the DCAT feeds, with runnable examples."""
    return tk.render("tangerang/developer.html", {})
