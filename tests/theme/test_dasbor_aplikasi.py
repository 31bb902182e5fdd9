"""The dashboard's applications tab (dashboard_aplikasi.py, logic/aplikasi_ranking.py) through HTTP as real users:
the ranking by monthly active users, its three views, the CSV for a meeting, and who may see them."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.usefixtures("with_plugins")

PAGES = ("/dasbor/aplikasi", "/dasbor/aplikasi?tampil=kajian", "/dasbor/aplikasi/aplikasi.csv")


def _get(app, url, user=None, status=200):
    return app.get(url, headers={"Authorization": user["token"]} if user else {}, status=status)


def _rows(body: str) -> list[str]:
    table = body[body.index("tangerang-aplikasi-table") : body.index("</table>")]
    return [row.split("</tr>")[0] for row in table.split("<tr>")[2:]]


def test_only_stewards_see_the_ranking(app, city):
    for who in (None, "citizen"):
        user = city[who] if who else None
        for page in PAGES:
            _get(app, page, user, status=403)
        answer = _get(app, "/api/3/action/tangerang_aplikasi_ranking", user, status=403).json
        assert answer["success"] is False
    assert "Masuk sebagai pengelola data" in _get(app, PAGES[0], status=403).body
    # Stewards of any OPD (here Diskominfo's editor) and the walidata.
    for who in ("editor", "sysadmin"):
        _get(app, PAGES[0], city[who])
        ranked = _get(app, "/api/3/action/tangerang_aplikasi_ranking", city[who]).json["result"]
        assert [a["name"] for a in ranked["applications"]] == ["laksa", "e-arsip", "si-posyandu"]


def test_ranked_by_users_with_trend_flag_and_datasets(app, city):
    editor = city["editor"]
    rows = _rows(_get(app, "/dasbor/aplikasi", editor).body)
    assert [("LAKSA" in r, "E-Arsip" in r, "SI Posyandu" in r) for r in rows] == [
        (True, False, False),
        (False, True, False),
        (False, False, True),
    ]
    laksa, arsip, posyandu = rows
    assert "6.700" in laksa and "Des 2026" in laksa and 'class="tangerang-sparkline"' in laksa
    assert ">2</td>" in laksa  # terbuka and terbatas: the tertutup dataset is not published
    assert "Dalam kajian" not in laksa
    assert "Dalam kajian" in arsip and "penggunaan menurun" in arsip and "-72%" in arsip
    assert "Dalam kajian" in posyandu and "penggunaan rendah" in posyandu
    assert "tidak ada" in arsip and "tidak ada" in posyandu

    flagged = _get(app, "/dasbor/aplikasi?tampil=kajian", editor).body
    assert "tangerang-kajian-table" in flagged  # what the review page's browser test looks for
    assert [("E-Arsip" in r, "SI Posyandu" in r) for r in _rows(flagged)] == [(True, False), (False, True)]
    assert (
        "Ditandai untuk dikaji (2)" in flagged and "Tanpa dataset (2)" in flagged and "Semua (3)" in flagged
    )
    without = _rows(_get(app, "/dasbor/aplikasi?tampil=tanpa-dataset", editor).body)
    assert len(without) == 2 and not any("LAKSA" in r for r in without)
    # The review page's old address leads to the flagged view.
    moved = app.get("/aplikasi-kajian", headers={"Authorization": editor["token"]}, follow_redirects=False)
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/dasbor/aplikasi?tampil=kajian")

    response = _get(app, "/dasbor/aplikasi/aplikasi.csv", editor)
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.body.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(response.body.lstrip("\ufeff"))))
    assert lines[0] == [
        "Peringkat", "Aplikasi", "Nama", "OPD", "Bulan", "Pengguna aktif bulanan", "Rata-rata 3 bulan terakhir",
        "Perubahan (%)", "Ditandai untuk dikaji", "Alasan", "Dataset publik",
    ]  # fmt: skip
    assert lines[1][:6] == ["1", "LAKSA", "laksa", "Dinas Komunikasi dan Informatika", "2026-12", "6700"]
    assert (lines[1][8], lines[1][10]) == ("tidak", "2")
    assert lines[2][1] == "E-Arsip" and lines[2][8:] == ["ya", "penggunaan menurun", "0"]
    assert float(lines[2][7]) == pytest.approx(-72.1, abs=0.1)
    flagged_csv = _get(app, "/dasbor/aplikasi/aplikasi.csv?tampil=kajian", editor).body
    assert [line[1] for line in csv.reader(io.StringIO(flagged_csv.lstrip("\ufeff")))][1:] == [
        "E-Arsip",
        "SI Posyandu",
    ]
