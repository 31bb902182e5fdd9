"""The theme's pages through HTTP, as the visitors who see them: counts, the catalogue, an application's page."""

from __future__ import annotations

import json
import re

import pytest
from ckan.tests import helpers

from tests.helpers import valid_dataset
from tests.theme.conftest import aplikasi

pytestmark = pytest.mark.usefixtures("with_plugins")


def as_user(user):
    return {"headers": {"Authorization": user["token"]}} if user else {}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class TestHome:
    def test_counts_follow_the_visitors_access(self, app, city):
        anonymous = text(app.get("/").body)
        # terbuka, terbatas and the Dinkes dataset; the tertutup one only for those who may see it.
        assert "3 dataset" in anonymous
        assert "3 aplikasi" in anonymous
        assert "2 OPD" in anonymous
        sysadmin = text(app.get("/", **as_user(city["sysadmin"])).body)
        assert "4 dataset" in sysadmin

    def test_sectors_recent_featured_and_live(self, app, city):
        body = app.get("/").body
        assert "2.16 Ketenteraman" in body or "2.16 " in body
        assert 'href="/dataset/?sektor=2.16"' in body or "sektor=2.16" in body
        assert "Aduan LAKSA per Kategori (terbuka)" in body
        assert "(tertutup)" not in body
        featured = body[body.index('id="featured-title"') :]
        # The most used last month first: LAKSA 6,700, E-Arsip 200, SI Posyandu 47 (a number, not text, order).
        assert featured.index("LAKSA") < featured.index("E-Arsip") < featured.index("SI Posyandu")
        live = body[body.index('id="live-title"') :]
        assert "LAKSA" in live and "E-Arsip" not in live.split("</section>")[0]


class TestCatalogue:
    def test_summary_line_matches_the_api(self, app, city):
        body = text(app.get("/aplikasi").body)
        assert "3 aplikasi: 1 e-government, 2 layanan publik" in body

    def test_cards_show_opd_platforms_and_trend(self, app, city):
        body = app.get("/aplikasi?q=LAKSA").body
        card = body[body.index('class="tangerang-card"') :]
        assert "Dinas Komunikasi dan Informatika" in card
        assert "<li>Web</li>" in card and "<li>Android</li>" in card
        assert 'class="tangerang-sparkline"' in card


class TestAplikasiPage:
    def test_lists_exactly_its_datasets_and_no_closed_one_to_the_public(self, app, city):
        body = app.get("/aplikasi/laksa").body
        produced = body[body.index('id="produced-title"') :]
        assert "Aduan LAKSA per Kategori (terbuka)" in produced
        assert "Aduan LAKSA per Kategori (terbatas)" in produced
        assert "(tertutup)" not in produced
        assert "Kunjungan Posyandu" not in produced
        sysadmin = app.get("/aplikasi/laksa", **as_user(city["sysadmin"])).body
        assert "Aduan LAKSA per Kategori (tertutup)" in sysadmin

    def test_chart_and_table_without_javascript(self, app, city):
        body = app.get("/aplikasi/laksa").body
        assert 'class="tangerang-usage-chart"' in body
        assert body.count('<rect class="bar"') == 12
        table = body[body.index("<details>") : body.index("</details>")]
        assert "Des 2026" in table and "6.700" in table
        assert 'href="https://laksa.tangerangkota.go.id"' in body
        assert "Dalam kajian" not in body

    def test_paginates_its_datasets(self, app, city):
        ctx = {"user": city["sysadmin"]["name"]}
        org = city["orgs"]["diskominfo"]["id"]
        for i in range(10):
            helpers.call_action(
                "package_create",
                context=dict(ctx),
                **valid_dataset(
                    org, name=f"rekap-laksa-{i:02d}", title=f"Rekap LAKSA {i:02d}", aplikasi_sumber="laksa"
                ),
            )
        first = app.get("/aplikasi/laksa").body
        second = app.get("/aplikasi/laksa?page=2").body
        assert first.count('class="dataset-item"') == 10
        assert second.count('class="dataset-item"') == 2  # 12 public datasets in all
        assert "?page=2#datasets" in first

    def test_shows_each_fact_once_and_no_data_licence(self, app, city):
        body = app.get("/aplikasi/laksa").body
        info = text(body[body.index('<section class="additional-info">') :].split("</section>")[0])
        assert "Ada di Tangerang LIVE" not in info and "True" not in info  # shown as "Ya" above
        assert "Platform" not in info and "Kelompok" not in info
        assert "Sumber Panen" not in info  # empty: no row
        assert "Ya" in text(body)
        assert 'module-shallow license"' not in body and "Lisensi tidak" not in text(body)
        dataset = app.get("/dataset/aduan-laksa-terbuka").body
        assert "Metodologi" not in text(dataset[dataset.index('<section class="additional-info">') :])
        assert 'module-shallow license"' in dataset  # datasets keep their licence

    def test_falling_use_shows_the_review_badge(self, app, city):
        body = app.get("/aplikasi/e-arsip").body
        assert "Dalam kajian" in body
        assert "Penggunaan turun" in body


class TestKajianPage:
    @pytest.mark.parametrize("who", [None, "citizen"])
    def test_not_for_the_public(self, app, city, who):
        user = city[who] if who else None
        assert app.get("/aplikasi-kajian", status=403, **as_user(user))

    @pytest.mark.parametrize("who", ["sysadmin", "editor"])
    def test_stewards_see_the_flagged_applications(self, app, city, who):
        body = app.get("/aplikasi-kajian", **as_user(city[who])).body
        table = body[body.index("<table") : body.index("</table>")]
        assert "E-Arsip" in table  # falling
        assert "SI Posyandu" in table  # low
        assert "LAKSA" not in table.replace("E-Arsip", "")

    @pytest.mark.ckan_config("ckanext.tangerang.aplikasi.kajian_min_users", "10000")
    def test_the_rule_is_configurable(self, app, city):
        body = app.get("/aplikasi-kajian", **as_user(city["sysadmin"])).body
        assert "/aplikasi/laksa" in body


class TestOtherPages:
    def test_opd_page_counts_and_applications(self, app, city):
        body = app.get("/organization/diskominfo").body
        opd = text(body[body.index('class="module-content tangerang-opd"') :])
        assert "2 dataset" in opd  # terbuka and terbatas
        assert "2 aplikasi" in opd
        assert "E-Arsip" in opd and "LAKSA" in opd
        # The OPD's list holds its datasets only, as /dataset does: the applications are in their own box above.
        listing = body[body.index('class="dataset-list') :]
        assert "/dataset/aduan-laksa-terbuka" in listing
        assert 'href="/aplikasi/laksa"' not in listing and 'href="/dataset/laksa"' not in listing

    def test_dataset_page_shows_satu_data_fields(self, app, city):
        html = app.get("/dataset/aduan-laksa-terbuka").body
        assert 'href="/sektor/2.16"' in html  # the sector links to its page
        body = text(html)
        assert "Tangerang (36.71.01)" in body
        assert "Tahunan" in body
        assert "LAKSA" in body
        assert "satudata@tangerangkota.go.id" in body

    def test_dataset_page_sidebar_names_the_opd_and_the_source_application(self, app, city):
        body = app.get("/dataset/aduan-laksa-terbuka").body
        sidebar = body[body.index('id="organization-info"') :]
        assert "Dinas Komunikasi dan Informatika" in sidebar.split("</section>")[0]
        assert 'href="/aplikasi/laksa"' in body
        assert ">LAKSA<" in body  # the application's title, not only its name

    def test_structured_data_follows_edits_and_access(self, app, city):
        def json_ld(url, **kw):
            body = app.get(url, **kw).body
            start = body.index('<script type="application/ld+json">') + len(
                '<script type="application/ld+json">'
            )
            return json.loads(body[start : body.index("</script>", start)])

        first = json.dumps(json_ld("/dataset/aduan-laksa-terbuka"))
        assert "Aduan LAKSA per Kategori (terbuka)" in first
        assert first == json.dumps(json_ld("/dataset/aduan-laksa-terbuka"))  # the remembered copy is the same
        helpers.call_action(
            "package_patch",
            context={"user": city["sysadmin"]["name"]},
            id="aduan-laksa-terbuka",
            title="Aduan LAKSA disunting",
        )
        assert "Aduan LAKSA disunting" in json.dumps(json_ld("/dataset/aduan-laksa-terbuka"))
        # A limited dataset's file address is withheld from the public in the JSON-LD too, but not from its OPD.
        assert "aduan.csv" not in json.dumps(json_ld("/dataset/aduan-laksa-terbatas"))
        assert "aduan.csv" in json.dumps(json_ld("/dataset/aduan-laksa-terbatas", **as_user(city["editor"])))

    def test_resource_page_names_its_fields_and_hides_bookkeeping(self, app, city):
        resource = city["datasets"]["terbuka"]["resources"][0]
        helpers.call_action(
            "resource_patch",
            context={"user": city["sysadmin"]["name"]},
            id=resource["id"],
            mimetype="text/csv",
            size=2048,
            download_url="https://data.tangerangkota.go.id/aduan.csv",
            last_modified="2026-11-01T08:30:00",
        )
        body = app.get(f"/dataset/aduan-laksa-terbuka/resource/{resource['id']}").body
        table = text(body[body.index('data-module="table-toggle-more"') :].split("</table>")[0])
        assert "Tipe MIME text/csv" in table
        assert "Ukuran berkas 2" in table  # 2 KiB, as CKAN formats sizes
        assert "Alamat unduhan (DCAT) https://data.tangerangkota.go.id/aduan.csv" in table
        assert "1 November 2026" in table  # last_modified once, as the "Data terakhir diperbarui" row
        assert "Terakhir Diubah" not in table and "2026-11-01T08:30" not in table
        for bookkeeping in (
            "Position",
            "Package id",
            "Datastore active",
            "Has views",
            "State",
            resource["id"],
        ):
            assert bookkeeping not in table

    def test_sector_page_counts_what_the_visitor_may_see(self, app, city):
        body = app.get("/sektor").body
        assert 'href="/sektor/2.16"' in body
        page = text(app.get("/sektor/2.16").body)
        assert "2.16 Komunikasi dan Informatika" in page
        assert "2 dataset 1 OPD 1 aplikasi" in page  # terbuka and terbatas; the tertutup one is not counted
        assert "(tertutup)" not in page
        assert "Dinas Komunikasi dan Informatika" in page and "LAKSA" in page
        assert "3 dataset" in text(app.get("/sektor/2.16", **as_user(city["sysadmin"])).body)
        assert app.get("/sektor/9.99", status=404).status_code == 404

    def test_an_opd_without_description_is_told_in_indonesian(self, app, city):
        helpers.call_action(
            "organization_patch", context={"user": city["sysadmin"]["name"]}, id="diskominfo", description=""
        )
        body = text(app.get("/dataset/aduan-laksa-terbuka").body)
        assert "Perangkat daerah ini belum menuliskan deskripsinya." in body
        assert "There is no description" not in body

    def test_developer_page_and_sectors(self, app, city):
        body = app.get("/pengembang").body
        for example in ("package_search", "package_show", "tangerang_resource_access_show", "/catalog.ttl"):
            assert example in body
        assert "2.16" in app.get("/sektor").body


def test_anonymous_counts_are_cached_until_the_catalogue_changes(app, city):
    from ckanext.tangerang import cache, generation

    assert "3 dataset" in text(app.get("/").body)
    before = generation.current()
    assert f"home_stats_id@{before}" in cache.ANONYMOUS  # kept for the next anonymous visitor (per language)
    ctx = {"user": city["sysadmin"]["name"]}
    org = city["orgs"]["dinkes"]["id"]
    helpers.call_action(
        "package_create", context=dict(ctx), **valid_dataset(org, name="baru", title="Data Baru")
    )
    assert generation.current() != before
    assert "4 dataset" in text(app.get("/").body)  # a change shows at once, not after the cache's minute
    assert "5 dataset" in text(
        app.get("/", **as_user(city["sysadmin"])).body
    )  # never cached for the signed-in


def test_a_new_application_shows_in_the_summary_line_at_once(app, city):
    assert "3 aplikasi: 1 e-government, 2 layanan publik" in text(app.get("/aplikasi").body)
    helpers.call_action(
        "package_create",
        context={"user": city["sysadmin"]["name"]},
        **aplikasi(city["orgs"]["dinkes"]["id"], name="si-baru", title="SI Baru", kelompok="e-government"),
    )
    assert "4 aplikasi: 2 e-government, 2 layanan publik" in text(app.get("/aplikasi").body)
