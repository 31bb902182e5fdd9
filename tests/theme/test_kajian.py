"""The usage series, the "dalam kajian" rule and the usage charts: pure functions, no database."""

from __future__ import annotations

import pytest

from ckanext.tangerang import charts, jsonlist, usage


def series(values):
    return [{"bulan": f"2026-{i + 1:02d}", "pengguna_aktif": v} for i, v in enumerate(values)]


class TestUsageSeries:
    def test_reads_json_text_and_sorts_by_month(self):
        text = '[{"bulan": "2026-02", "pengguna_aktif": 5}, {"bulan": "2026-01", "pengguna_aktif": "7"}]'
        assert [(r["bulan"], r["pengguna_aktif"]) for r in usage.series(text)] == [
            ("2026-01", 7),
            ("2026-02", 5),
        ]

    @pytest.mark.parametrize(
        "value", [None, "", "not json", {"bulan": "2026-01"}, [{"pengguna_aktif": 3}], [1]]
    )
    def test_malformed_is_empty_or_skipped(self, value):
        assert usage.series(value) == []

    def test_one_reading_for_every_caller(self):
        # A date names its month, a bad month or count is left out, the last entry of a month wins.
        raw = [
            {"bulan": "2026-03-15", "pengguna_aktif": 4.0, "transaksi": -1},
            {"bulan": "2026-13", "pengguna_aktif": 9},
            {"bulan": "2026-02", "pengguna_aktif": True},
            {"bulan": "2026-03", "pengguna_aktif": 6},
        ]
        assert usage.read(raw) == [{"bulan": "2026-02"}, {"bulan": "2026-03", "pengguna_aktif": 6}]
        assert usage.series(raw) == [
            {"bulan": "2026-02", "pengguna_aktif": 0, "transaksi": None},
            {"bulan": "2026-03", "pengguna_aktif": 6, "transaksi": None},
        ]
        assert usage.latest_users(raw) == 6
        assert usage.latest_users(None) is None


class TestJsonList:
    @pytest.mark.parametrize(
        ("value", "expected"), [(None, []), ("", []), ([1], [1]), ('[{"a": 1}]', [{"a": 1}])]
    )
    def test_a_list_or_its_json_text(self, value, expected):
        assert jsonlist.read(value) == expected

    def test_text_that_is_not_json(self):
        with pytest.raises(ValueError):
            jsonlist.read("web, android")

    @pytest.mark.parametrize("value", ['{"a": 1}', "3", {"a": 1}, 3])
    def test_anything_else_is_not_a_list(self, value):
        with pytest.raises(TypeError):
            jsonlist.read(value)


class TestKajianAssessment:
    def test_well_used_and_steady_is_not_flagged(self):
        verdict = usage.kajian_assessment(series([500, 520, 510, 530, 540, 550]), 100, 50)
        assert verdict["flagged"] is False
        assert verdict["avg_last"] == pytest.approx(540.0)
        assert verdict["drop_percent"] == pytest.approx(-5.9, abs=0.1)

    def test_low_use_over_the_last_three_months_is_flagged(self):
        verdict = usage.kajian_assessment(series([500, 500, 500, 90, 100, 99]), 100, 90)
        assert verdict == {**verdict, "flagged": True, "low": True, "falling": False}

    def test_exactly_the_minimum_is_not_low(self):
        assert usage.kajian_assessment(series([100, 100, 100]), 100, 50)["low"] is False

    def test_a_fall_of_the_configured_share_is_flagged(self):
        verdict = usage.kajian_assessment(series([1000, 1000, 1000, 500, 500, 500]), 100, 50)
        assert verdict["falling"] is True
        assert verdict["low"] is False
        assert verdict["drop_percent"] == 50.0

    def test_a_smaller_fall_is_not(self):
        assert usage.kajian_assessment(series([1000, 1000, 1000, 510, 510, 510]), 100, 50)["flagged"] is False

    def test_thresholds_are_parameters(self):
        data = series([1000, 1000, 1000, 700, 700, 700])
        assert usage.kajian_assessment(data, 100, 50)["flagged"] is False
        assert usage.kajian_assessment(data, 100, 25)["flagged"] is True
        assert usage.kajian_assessment(data, 800, 50)["flagged"] is True

    def test_fewer_than_three_months_are_not_judged(self):
        assert usage.kajian_assessment(series([1, 2]), 100, 50)["flagged"] is False

    def test_three_to_five_months_judge_only_the_level(self):
        verdict = usage.kajian_assessment(series([1000, 10, 10, 10]), 5, 50)
        assert verdict["falling"] is False
        assert verdict["drop_percent"] is None

    def test_only_the_last_six_months_count(self):
        assert (
            usage.kajian_assessment(series([0, 0, 0, 400, 400, 400, 400, 400, 400]), 100, 50)["flagged"]
            is False
        )


class TestCharts:
    def test_sparkline_is_labelled_svg_with_one_point_per_month(self):
        svg = str(charts.sparkline_svg(series([1, 5, 3]), 'Naik <& "turun"'))
        assert svg.startswith('<svg class="tangerang-sparkline" role="img"')
        assert "<title>Naik &lt;&amp; &#34;turun&#34;</title>" in svg
        assert svg.count(",") == 3  # three x,y points

    def test_sparkline_needs_two_months(self):
        assert str(charts.sparkline_svg(series([1]), "x")) == ""

    def test_chart_has_a_bar_and_label_per_month_and_scales_to_the_top(self):
        svg = str(charts.usage_chart_svg(series([1200, 2400]), "Pengguna aktif", "id"))
        assert svg.count('<rect class="bar"') == 2
        assert "<title>Feb 2026: 2.400</title>" in svg
        assert ">2.500</text>" in svg  # the top of the axis, rounded up

    def test_chart_in_english(self):
        svg = str(charts.usage_chart_svg(series([1200, 2400, 0, 0, 0, 0, 0, 900]), "Active users", "en"))
        assert "<title>Feb 2026: 2,400</title>" in svg
        assert ">Aug</text>" in svg and ">2,500</text>" in svg

    def test_chart_of_nothing_is_empty(self):
        assert str(charts.usage_chart_svg([], "x")) == ""

    @pytest.mark.parametrize(
        ("value", "lang", "text"),
        [(1234567, "id", "1.234.567"), (1234567, "en", "1,234,567"), (99.6, "id", "100")],
    )
    def test_whole_numbers_in_the_page_language(self, value, lang, text):
        assert charts.number(value, lang) == text

    def test_month_labels_are_babels(self):
        indonesian = [charts.month_label(f"2026-{m:02d}", "id") for m in range(1, 13)]
        assert indonesian[4] == "Mei 2026" and indonesian[7] == "Agu 2026" and indonesian[11] == "Des 2026"
        assert charts.month_label("2026-05", "en") == "May 2026"
        assert charts.month_label("2026-13", "id") == "2026-13"  # not a month: as it is

    def test_glue_outside_a_request_speaks_indonesian(self):
        app = {"title": "LAKSA", "penggunaan_bulanan": series([1200, 2400])}
        assert "<title>Feb 2026: 2.400</title>" in str(charts.usage_chart(app))
        assert "Jan 2026" in str(charts.sparkline(app)) and "2.400" in str(charts.sparkline(app))
