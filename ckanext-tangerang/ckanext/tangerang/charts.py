"""The applications' usage drawn on the server: a sparkline for the cards and a bar chart for an application's
page, in inline SVG with a text alternative, with month names and numbers in the page's language (Babel).

The SVG builders are pure (tested without a database); ``sparkline`` and ``usage_chart`` are the glue the
template helpers call, reading the series from an application dict and the page's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import ckan.plugins.toolkit as tk
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup

from ckanext.tangerang import choices, usage


def month_label(bulan: str, lang: str = "id", pattern: str = "MMM y") -> str:
    """A month ``YYYY-MM`` in Babel's abbreviations: "Mei 2026", "May 2026"; anything else as it is."""
    try:
        year, month = bulan.split("-")[:2]
        return format_date(dt.date(int(year), int(month), 1), pattern, locale=lang)
    except (ValueError, IndexError, AttributeError):
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


def number(value: float, lang: str = "id") -> str:
    """A whole number as the language writes it (Babel): 1.234.567 in Indonesian, 1,234,567 in English."""
    return format_decimal(round(value), locale=lang)


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
                value=number(ceiling * i / 4, lang),
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
                value=number(r["pengguna_aktif"], lang),
                mid=mid,
                ly=height - bottom + 16,
                month=month_label(r["bulan"], lang, "LLL"),
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


def sparkline(app: dict[str, Any]) -> Markup:
    """An application's monthly active users as a small trend line, labelled in the page's language."""
    series = app.get("series") or usage.series(app.get("penggunaan_bulanan"))
    if len(series) < 2:
        return Markup("")
    lang = choices.page_lang()
    first, last = series[0], series[-1]
    label = tk._("Monthly active users from {start} to {end}: {first} to {last}").format(
        start=month_label(first["bulan"], lang),
        end=month_label(last["bulan"], lang),
        first=number(first["pengguna_aktif"], lang),
        last=number(last["pengguna_aktif"], lang),
    )
    return sparkline_svg(series, label)


def usage_chart(app: dict[str, Any]) -> Markup:
    """An application's monthly active users as a bar chart, in the page's language."""
    return usage_chart_svg(
        usage.series(app.get("penggunaan_bulanan")),
        tk._("Monthly active users of {app}").format(app=app.get("title")),
        choices.page_lang(),
    )
