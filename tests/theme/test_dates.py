"""Dates as visitors read them: the formatter (dates.py) on its own, the chained h.render_datetime, and the pages
that show a dataset's last change, its next expected update and its harvest time."""

from __future__ import annotations

import datetime as dt
import re

import ckan.plugins.toolkit as tk
import pytest
import pytz
from ckan import model
from ckan.lib import search
from ckan.tests import helpers

from ckanext.tangerang.dates import format_long, parse

WIB = pytz.timezone("Asia/Jakarta")


class TestParse:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("2026-12-01T02:03:04+00:00", dt.datetime(2026, 12, 1, 2, 3, 4, tzinfo=dt.timezone.utc)),
            ("2026-12-01T02:03:04Z", dt.datetime(2026, 12, 1, 2, 3, 4, tzinfo=dt.timezone.utc)),
            ("2026-12-01T09:03:04+07:00", dt.datetime(2026, 12, 1, 2, 3, 4, tzinfo=dt.timezone.utc)),
            ("2026-12-01T02:03:04.123456", dt.datetime(2026, 12, 1, 2, 3, 4, 123456, tzinfo=dt.timezone.utc)),
            (dt.datetime(2026, 12, 1, 2, 3, 4), dt.datetime(2026, 12, 1, 2, 3, 4, tzinfo=dt.timezone.utc)),
            ("2026-12-02", dt.date(2026, 12, 2)),
            (dt.date(2026, 12, 2), dt.date(2026, 12, 2)),
        ],
    )
    def test_dates_and_times_in_every_form_they_arrive(self, value, expected):
        parsed = parse(value)
        assert parsed == expected
        assert type(parsed) is type(expected)  # a day stays a day: no time, no time zone to shift it

    def test_a_time_without_a_zone_is_utc_as_ckan_stores_it(self):
        assert parse("2026-12-01T02:03:04").utcoffset() == dt.timedelta(0)

    @pytest.mark.parametrize(
        "value", ["", "bukan tanggal", "2026-13-01", "2026-12", None, 20261201, ["2026-12-01"]]
    )
    def test_anything_else_is_no_date(self, value):
        assert parse(value) is None


class TestFormatLong:
    @pytest.mark.parametrize(
        ("value", "locale", "expected"),
        [
            ("2026-12-02", "id", "2 Desember 2026"),
            ("2026-12-02", "en", "December 2, 2026"),
            ("2026-12-01T02:03:04+00:00", "id", "1 Desember 2026"),
            ("2026-12-01T02:03:04+00:00", "en", "December 1, 2026"),
            ("2026-05-17T00:00:00Z", "id", "17 Mei 2026"),
            ("2026-08-16T19:30:00", "id", "17 Agustus 2026"),  # 02.30 WIB the next day
        ],
    )
    def test_the_long_date_of_the_language(self, value, locale, expected):
        assert format_long(parse(value), locale, WIB) == expected

    @pytest.mark.parametrize(
        ("value", "locale", "expected"),
        [
            ("2026-12-01T02:03:04+00:00", "id", "1 Desember 2026 09.03 WIB"),
            ("2026-12-01T02:03:04Z", "id", "1 Desember 2026 09.03 WIB"),
            ("2026-12-01T09:03:04+07:00", "id", "1 Desember 2026 09.03 WIB"),
            ("2026-12-01T02:03:04", "id", "1 Desember 2026 09.03 WIB"),
            (
                "2026-12-01T02:03:04+00:00",
                "en",
                "December 1, 2026, 9:03\u202fAM +0700",
            ),  # Babel's narrow space
            # CKAN's own pattern uses the week-based year and calls this "Desember 29, 2027".
            ("2026-12-29T02:03:04Z", "id", "29 Desember 2026 09.03 WIB"),
        ],
    )
    def test_with_hours_the_time_in_the_display_zone(self, value, locale, expected):
        assert format_long(parse(value), locale, WIB, with_hours=True) == expected

    def test_with_seconds(self):
        assert (
            format_long(parse("2026-12-01T02:03:04Z"), "id", WIB, with_seconds=True)
            == "1 Desember 2026 09.03.04 WIB"
        )

    def test_a_day_stays_the_day_it_names_in_any_zone(self):
        new_york = pytz.timezone("America/New_York")
        assert format_long(parse("2026-12-02"), "id", new_york, with_hours=True) == "2 Desember 2026"


@pytest.mark.usefixtures("with_plugins")
class TestRenderDatetimeHelper:
    def render(self, app, *args, lang="id", **kwargs):
        with app.flask_app.test_request_context(environ_overrides={"CKAN_LANG": lang}):
            return tk.h.render_datetime(*args, **kwargs)

    def test_in_the_pages_language(self, app):
        assert self.render(app, "2026-12-01T02:03:04+00:00", with_hours=True) == "1 Desember 2026 09.03 WIB"
        assert self.render(app, "2026-12-02", lang="en") == "December 2, 2026"

    @pytest.mark.ckan_config("ckan.display_timezone", "UTC")
    def test_follows_the_display_timezone(self, app):
        assert self.render(app, "2026-12-01T02:03:04+07:00", with_hours=True) == "30 November 2026 19.03 UTC"

    def test_an_explicit_format_stays_with_ckan(self, app):
        # The data-datetime attributes CKAN's scripts read.
        assert (
            self.render(app, "2026-12-01T02:03:04", date_format="%Y-%m-%dT%H:%M:%S%z")
            == "2026-12-01T09:03:04+0700"
        )

    @pytest.mark.parametrize(("value", "shown"), [(None, ""), ("", ""), ("bukan tanggal", "bukan tanggal")])
    def test_no_date_shows_what_there_is(self, app, value, shown):
        assert self.render(app, value) == shown


def cell(body: str, label: str) -> str:
    """The text next to ``label`` in a page's definition lists and tables."""
    match = re.search(rf">{re.escape(label)}</(?:dt|th)>\s*<(?:dd|td)[^>]*>(.*?)</(?:dd|td)>", body, re.S)
    assert match, label
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


@pytest.fixture
def dated(city):
    """The terbuka dataset last changed at 02.30 WIB on 17 August 2025 (19.30 UTC the day before), due again on
    17 August 2026 and harvested at the same moment as its change; LAKSA harvested then too. CKAN stamps
    metadata_modified itself and the next update is derived from it, so those two are set in the database."""
    ctx = {"user": city["sysadmin"]["name"]}
    helpers.call_action(
        "package_patch",
        context=dict(ctx),
        id="aduan-laksa-terbuka",
        harvest_waktu="2025-08-16T19:30:00+00:00",
    )
    helpers.call_action("package_patch", context=dict(ctx), id="laksa", harvest_waktu="2025-08-16T19:30:00Z")
    pkg = model.Package.get("aduan-laksa-terbuka")
    pkg.metadata_modified = dt.datetime(2025, 8, 16, 19, 30)
    pkg.extras = {**pkg.extras, "pemutakhiran_berikutnya": "2026-08-17"}
    model.Session.commit()
    search.rebuild(pkg.id)
    return city


HARVESTED_ID = "17 Agustus 2025 02.30 WIB"
HARVESTED_EN = "August 17, 2025, 2:30\u202fAM +0700"
# Per page, the rows of its summary and of its additional-info table, as a visitor reads them.
SHOWN = {
    "/dataset/aduan-laksa-terbuka": (
        {
            "Frekuensi pemutakhiran": "Tahunan; pemutakhiran berikutnya diperkirakan 17 Agustus 2026",
            "Terakhir dipanen": HARVESTED_ID,
        },
        {"Pemutakhiran Berikutnya": "17 Agustus 2026", "Terakhir Dipanen": HARVESTED_ID},
    ),
    "/en/dataset/aduan-laksa-terbuka": (
        {"Update frequency": "Annual; next update expected August 17, 2026", "Last harvested": HARVESTED_EN},
        {"Next expected update": "August 17, 2026", "Last harvested": HARVESTED_EN},
    ),
    "/aplikasi/laksa": ({"Terakhir dipanen": HARVESTED_ID}, {"Terakhir Dipanen": HARVESTED_ID}),
    "/en/aplikasi/laksa": ({"Last harvested": HARVESTED_EN}, {"Last harvested": HARVESTED_EN}),
}


@pytest.mark.usefixtures("with_plugins")
class TestPages:
    @pytest.mark.parametrize("url", SHOWN)
    def test_next_update_and_harvest_time(self, app, dated, url):
        summary, table = SHOWN[url]
        body = app.get(url).body
        info = body[body.index('<section class="additional-info">') :]
        assert {label: cell(body, label) for label in summary} == summary
        assert {label: cell(info, label) for label in table} == table

    def test_last_change_in_the_recent_list(self, app, dated):
        recent = app.get("/").body.split('id="recent-title"')[1].split("</section>")[0]
        assert "17 Agustus 2025" in recent
        assert "August 17, 2025" in app.get("/en/").body.split('id="recent-title"')[1].split("</section>")[0]

    def test_activity_times(self, app, dated):
        body = app.get("/dataset/activity/aduan-laksa-terbuka").body
        times = re.findall(r'class="date" aria-label="[^"]*?(\d+ \w+ \d{4} \d\d\.\d\d WIB)"', body)
        assert times  # "Desember 1, 2026, 09:03 (WIB)" before
        assert not re.search(r'class="date" aria-label="[^"]*?[A-Z][a-z]+ \d+, \d{4}', body)
