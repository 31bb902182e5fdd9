"""Dates as visitors read them: Babel's long form in the page's language ("1 Desember 2026"), WIB times.

CKAN's ``h.render_datetime`` already gives Babel's long date, but with hours it uses a pattern of its own,
"MMMM d, YYYY, HH:mm (z)": English word order in every language ("Desember 1, 2026, 09:03 (WIB)") and the
week-based year (``YYYY``), which names the wrong year on the last days of December. It reads a plain day
("2026-12-02") as midnight UTC moved into the display zone (the day before, west of Greenwich) and shows nothing
for a ``datetime.date``; scheming's date and datetime display snippets show the stored text. The chained helper
below is the one rule for every date a page shows: core's templates and ours call ``h.render_datetime``, and so
do our overrides of scheming's snippets (templates/scheming/display_snippets/date.html, datetime.html).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
import flask_babel
import pytz
from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format, get_time_format


def _locale() -> Locale:
    """The page's language (flask_babel asks CKAN's locale selector), or the portal's default where there is no
    Flask context at all."""
    return flask_babel.get_locale() or Locale.parse(tk.config.get("ckan.locale_default"))


def parse(value: Any) -> dt.date | dt.datetime | None:
    """``value`` as a date (a day with no time) or a time-zone-aware datetime, or None if it is neither.

    A datetime, a date, ISO 8601 text with or without a time zone ("2026-12-01T02:03:04+00:00", "...Z",
    "2026-12-01T02:03:04") or a plain day ("2026-12-02"). A datetime without a time zone is UTC, as CKAN stores
    every timestamp.
    """
    if isinstance(value, str):
        text = value.strip()
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            try:
                value = dt.datetime.fromisoformat(text)
            except ValueError:
                return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=pytz.utc)
    if isinstance(value, dt.date):
        return value
    return None


def format_long(
    value: dt.date | dt.datetime,
    locale: Locale | str,
    timezone: dt.tzinfo,
    with_hours: bool = False,
    with_seconds: bool = False,
) -> str:
    """Babel's long date in ``locale``; with hours, the locale's short (or, with seconds, medium) time and the
    time zone, joined as the locale joins them: "1 Desember 2026 09.03 WIB", "December 1, 2026, 9:03 AM +0700".
    A datetime is shown in ``timezone``; a date stays the day it names."""
    if not isinstance(value, dt.datetime):
        return format_date(value, "long", locale=locale)
    value = value.astimezone(timezone)
    day = format_date(value, "long", locale=locale)
    if not (with_hours or with_seconds):
        return day
    pattern = get_time_format("medium" if with_seconds else "short", locale=locale).pattern + " z"
    time = format_time(value, pattern, tzinfo=timezone, locale=locale)
    return get_datetime_format("long", locale=locale).format(time, day)


@tk.chained_helper
def render_datetime(
    next_helper: Callable[..., str],
    datetime_: Any,
    date_format: str | None = None,
    with_hours: bool = False,
    with_seconds: bool = False,
) -> str:
    """CKAN's ``h.render_datetime``, with every date in the page's language's own long form and times in
    ``ckan.display_timezone``.

    An explicit ``date_format`` (the machine-readable ``data-datetime`` attributes) stays with CKAN. Text that is
    no date is shown as it is; no value shows nothing, as in CKAN.
    """
    if date_format:
        return next_helper(
            datetime_, date_format=date_format, with_hours=with_hours, with_seconds=with_seconds
        )
    value = parse(datetime_)
    if value is None:
        return datetime_ if isinstance(datetime_, str) else ""
    return format_long(value, _locale(), tk.h.get_display_timezone(), with_hours, with_seconds)
