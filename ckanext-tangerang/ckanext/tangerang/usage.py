"""An application's monthly usage (``penggunaan_bulanan``) and the "dalam kajian" rule on it.

One reading of the series for every caller: the registry harvester maps the registry's figures with it, the
validator refuses what it would leave out, the pages and the rule read stored records with it. Pure, apart from
``kajian_rule`` reading its two options.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.tangerang import jsonlist

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
COUNTS = ("pengguna_aktif", "transaksi")


def month(value: Any) -> str | None:
    """The month ``YYYY-MM`` an entry's ``bulan`` names (a date names its month), or ``None``."""
    text = str(value or "")[:7]
    return text if MONTH_RE.match(text) else None


def count(value: Any) -> int | None:
    """A whole, non-negative count (a number, its whole part, or digits in text), or ``None``."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value >= 0:
        return int(value)
    return None


def read(value: Any) -> list[dict[str, Any]]:
    """The series as a list sorted by month, whatever form it arrives in (a list, or its JSON text).

    Entries are ``{"bulan": "YYYY-MM", "pengguna_aktif": int, "transaksi": int}``, the counts when given:
    malformed entries and counts are left out, the last entry of a repeated month wins.
    """
    try:
        entries = jsonlist.read(value)
    except (TypeError, ValueError):
        return []
    months: dict[str, dict[str, Any]] = {}
    for entry in entries:
        key = month(entry.get("bulan")) if isinstance(entry, Mapping) else None
        if key is None:
            continue
        item: dict[str, Any] = {"bulan": key}
        for name in COUNTS:
            number = count(entry.get(name))
            if number is not None:
                item[name] = number
        months[key] = item
    return [months[m] for m in sorted(months)]


def series(value: Any) -> list[dict[str, Any]]:
    """``read`` for charts, tables and the rule: every month with its active users (0 when not reported)
    and its transactions (``None`` when not reported)."""
    return [
        {"bulan": r["bulan"], "pengguna_aktif": r.get("pengguna_aktif", 0), "transaksi": r.get("transaksi")}
        for r in read(value)
    ]


def latest_users(value: Any) -> int | None:
    """The active users of the last reported month, or ``None`` without a series."""
    months = series(value)
    return months[-1]["pengguna_aktif"] if months else None


def kajian_assessment(series: list[dict[str, Any]], min_users: int, drop_percent: float) -> dict[str, Any]:
    """Whether an application is "dalam kajian" (to be reviewed): its use is low or falling.

    Low: the monthly active users of the last three months average below ``min_users``. Falling: that average
    is at least ``drop_percent`` per cent below the average of the three months before. With fewer than three
    months there is nothing to judge; with fewer than six the fall is not judged.

    :returns: ``{"flagged": bool, "low": bool, "falling": bool, "avg_last": float | None,
        "avg_prev": float | None, "drop_percent": float | None}``
    """
    users = [r["pengguna_aktif"] for r in series]
    result: dict[str, Any] = {
        "flagged": False,
        "low": False,
        "falling": False,
        "avg_last": None,
        "avg_prev": None,
        "drop_percent": None,
    }
    if len(users) < 3:
        return result
    avg_last = sum(users[-3:]) / 3
    result["avg_last"] = round(avg_last, 1)
    result["low"] = avg_last < min_users
    if len(users) >= 6:
        avg_prev = sum(users[-6:-3]) / 3
        result["avg_prev"] = round(avg_prev, 1)
        if avg_prev > 0:
            drop = (avg_prev - avg_last) / avg_prev * 100
            result["drop_percent"] = round(drop, 1)
            result["falling"] = drop >= drop_percent
    result["flagged"] = result["low"] or result["falling"]
    return result


def kajian_rule() -> tuple[int, float]:
    """The configured thresholds of the "dalam kajian" rule: minimum average users, and drop in per cent."""
    return (
        tk.asint(tk.config.get("ckanext.tangerang.aplikasi.kajian_min_users")),
        float(tk.config.get("ckanext.tangerang.aplikasi.kajian_drop_percent")),
    )
