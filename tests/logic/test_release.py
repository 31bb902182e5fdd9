"""The release calendar: the overdue list per role (call_auth and HTTP with tokens), the public calendar page, and
the e-mail digest as it arrives at a real local SMTP server. Time is frozen through ``as_of``, not by patching."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from ckan.cli.cli import ckan
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.helpers import valid_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SMTP_PORT = _free_port()
LOW = 55  # the quality score below which the digest lists a dataset (ckanext.tangerang.quality.low)


@pytest.fixture
def world():
    """Three OPDs. dinkes: an admin, an editor and a plain member; two datasets overdue ten days from now
    (daily and weekly, the weekly one tertutup) and a terbatas monthly one. dishub: an editor and a tertutup daily dataset
    (overdue) and a tertutup monthly one. bapenda: an admin and only a yearly dataset (nothing overdue)."""
    people = {
        role: factories.UserWithToken(fullname=role.replace("_", " ").title())
        for role in ("dinkes_admin", "dinkes_editor", "dinkes_member", "dishub_editor", "bapenda_admin")
    }
    sysadmin = factories.SysadminWithToken()
    orgs = {
        "dinkes": factories.Organization(
            name="dinkes",
            title="Dinas Kesehatan",
            users=[
                {"name": people["dinkes_admin"]["name"], "capacity": "admin"},
                {"name": people["dinkes_editor"]["name"], "capacity": "editor"},
                {"name": people["dinkes_member"]["name"], "capacity": "member"},
            ],
        ),
        "dishub": factories.Organization(
            name="dishub",
            title="Dinas Perhubungan",
            users=[{"name": people["dishub_editor"]["name"], "capacity": "editor"}],
        ),
        "bapenda": factories.Organization(
            name="bapenda",
            title="Badan Pendapatan Daerah",
            users=[{"name": people["bapenda_admin"]["name"], "capacity": "admin"}],
        ),
    }
    datasets = {}
    # each name ends with its frequency
    for name, org, klasifikasi, *sparse in (
        ("kunjungan-puskesmas-harian", "dinkes", "terbuka"),
        ("stok-obat-mingguan", "dinkes", "tertutup"),
        ("imunisasi-bulanan", "dinkes", "terbatas"),  # metadata public, data for dinkes
        ("rencana-trayek-harian", "dishub", "tertutup"),
        ("rencana-trayek-bulanan", "dishub", "tertutup"),
        # on time, but without unit, data list code or producer: low quality
        ("pajak-daerah-tahunan", "bapenda", "terbuka", "satuan", "kode_daftar_data", "produsen_data_nama"),
    ):
        frekuensi = name.rsplit("-", 1)[1]
        title = name.replace("-", " ").title()
        datasets[name] = helpers.call_action(
            "package_create",
            context={"user": sysadmin["name"]},
            **valid_dataset(
                orgs[org]["id"],
                name=name,
                title=title,
                frekuensi=frekuensi,
                klasifikasi=klasifikasi,
                **dict.fromkeys(sparse, ""),
            ),
        )
    # The day the schedule counts from: the day the datasets were created, as the validator saw it.
    created = dt.date.fromisoformat(datasets["kunjungan-puskesmas-harian"]["metadata_modified"][:10])
    return {"people": people, "sysadmin": sysadmin, "orgs": orgs, "datasets": datasets, "created": created}


def _overdue(app, user, status=200, **params):
    headers = {"Authorization": user["token"]} if user else {}
    response = app.get("/api/3/action/tangerang_overdue_list", params=params, headers=headers, status=status)
    return response.json


def test_the_overdue_list_is_each_stewards_own(app, world):
    people, created = world["people"], world["created"]
    as_of = (created + dt.timedelta(days=10)).isoformat()

    # call_auth with real users: anonymous, a plain member, and an editor asking for another OPD are refused
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth("tangerang_overdue_list", {"user": None}, as_of=as_of)
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth("tangerang_overdue_list", {"user": people["dinkes_member"]["name"]})
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth(
            "tangerang_overdue_list", {"user": people["dinkes_editor"]["name"]}, owner_org="dishub"
        )
    assert helpers.call_auth(
        "tangerang_overdue_list", {"user": people["dinkes_editor"]["name"]}, owner_org="dinkes"
    )

    # the same through HTTP
    assert "Masuk sebagai pengelola data" in _overdue(app, None, status=403, as_of=as_of)["error"]["message"]
    _overdue(app, people["dinkes_member"], status=403, as_of=as_of)
    _overdue(app, people["dinkes_editor"], status=403, as_of=as_of, owner_org="dishub")

    # an editor sees their OPD's overdue datasets, tertutup included, most overdue first, and nothing of dishub's
    for params in ({}, {"owner_org": "dinkes"}):
        result = _overdue(app, people["dinkes_editor"], as_of=as_of, **params)["result"]
        assert result["count"] == 2
        assert result["as_of"] == as_of
        assert result["datasets"] == [
            {
                "name": "kunjungan-puskesmas-harian",
                "title": "Kunjungan Puskesmas Harian",
                "organization": "dinkes",
                "frekuensi": "harian",
                "pemutakhiran_berikutnya": (created + dt.timedelta(days=1)).isoformat(),
                "days_overdue": 9,
            },
            {
                "name": "stok-obat-mingguan",
                "title": "Stok Obat Mingguan",
                "organization": "dinkes",
                "frekuensi": "mingguan",
                "pemutakhiran_berikutnya": (created + dt.timedelta(days=7)).isoformat(),
                "days_overdue": 3,
            },
        ]
    # dishub's editor sees only dishub's tertutup dataset
    dishub = _overdue(app, people["dishub_editor"], as_of=as_of)["result"]
    assert [d["name"] for d in dishub["datasets"]] == ["rencana-trayek-harian"]

    # the walidata sees every OPD's, pages through them, and a dataset due on as_of itself is not late yet
    walidata = _overdue(app, world["sysadmin"], as_of=as_of)["result"]
    assert [d["name"] for d in walidata["datasets"]] == [
        "kunjungan-puskesmas-harian",
        "rencana-trayek-harian",
        "stok-obat-mingguan",
    ]
    second = _overdue(app, world["sysadmin"], as_of=as_of, rows=1, start=1)["result"]
    assert second["count"] == 3 and [d["name"] for d in second["datasets"]] == ["rencana-trayek-harian"]
    on_the_day = _overdue(app, world["sysadmin"], as_of=(created + dt.timedelta(days=7)).isoformat())[
        "result"
    ]
    assert [d["days_overdue"] for d in on_the_day["datasets"]] == [6, 6]
    assert _overdue(app, world["sysadmin"], as_of=created.isoformat())["result"] == {
        "count": 0,
        "as_of": created.isoformat(),
        "datasets": [],
    }
    error = _overdue(app, world["sysadmin"], status=409, as_of="kemarin")["error"]
    assert error["as_of"] == ["Harus berupa tanggal YYYY-MM-DD / Must be a date YYYY-MM-DD"]


def test_the_calendar_shows_the_month_of_each_expected_update(app, world):
    monthly = dt.date.fromisoformat(world["datasets"]["imunisasi-bulanan"]["pemutakhiran_berikutnya"])
    month = monthly.strftime("%Y-%m")
    page = app.get(f"/jadwal-rilis/{month}").body
    assert "Imunisasi Bulanan" in page
    assert "Rencana Trayek Bulanan" not in page  # tertutup, of another OPD: not for anonymous visitors
    assert "Kunjungan Puskesmas Harian" not in page  # due in another month
    from babel.dates import format_date

    assert f"Jadwal rilis: {format_date(monthly, 'LLLL y', locale='id')}" in page
    assert f">{format_date(monthly, 'long', locale='id')}</time></h2>" in page
    previous = (monthly.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    assert f'href="/jadwal-rilis/{previous}" rel="prev"' in page

    english = app.get(f"/en/jadwal-rilis/{month}").body
    assert f"Release calendar: {format_date(monthly, 'LLLL y', locale='en')}" in english

    # the OPD's editor sees their own tertutup dataset due that month
    editor = app.get(
        f"/jadwal-rilis/{month}", headers={"Authorization": world["people"]["dishub_editor"]["token"]}
    )
    assert "Rencana Trayek Bulanan" in editor.body

    # the footer leads to this month's calendar
    assert 'href="/jadwal-rilis"' in app.get("/dataset/").body
    for wrong in ("2026-13", "26-01", "bulan-ini"):
        missing = app.get(f"/jadwal-rilis/{wrong}", status=404).body
        assert "Bulan tidak dikenal" in missing and "Unknown month" in missing


class _Inbox:
    """An aiosmtpd handler that keeps what arrives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


@pytest.fixture
def inbox():
    handler = _Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    yield handler
    controller.stop()


@pytest.mark.ckan_config("smtp.server", f"127.0.0.1:{SMTP_PORT}")
@pytest.mark.ckan_config("smtp.mail_from", "satudata@tangerangkota.go.id")
@pytest.mark.ckan_config("ckanext.tangerang.quality.low", LOW)
def test_the_digest_tells_each_opd_about_its_own_overdue_and_low_quality_datasets(cli, inbox, world):
    people, created = world["people"], world["created"]
    as_of = (created + dt.timedelta(days=10)).isoformat()
    scores = {
        name: helpers.call_action("tangerang_quality_show", id=name)["score"] for name in world["datasets"]
    }
    assert scores.pop("pajak-daerah-tahunan") < LOW <= min(scores.values()), scores

    dry = cli.invoke(ckan, ["tangerang", "digest", "send", "--dry-run", "--as-of", as_of])
    assert dry.exit_code == 0, dry.output
    assert "(dry run)" in dry.output and not inbox.messages

    result = cli.invoke(ckan, ["tangerang", "digest", "send", "--as-of", as_of])
    assert result.exit_code == 0, result.output
    assert (
        "3 OPD dengan dataset terlambat atau berkualitas rendah, 4 surel terkirim, 0 gagal" in result.output
    )
    received = {tuple(recipients): message for recipients, message in inbox.messages}
    # dinkes's admin and editor, dishub's editor, bapenda's admin (nothing overdue, one low-quality); not the
    # plain member
    assert set(received) == {
        (people["dinkes_admin"]["email"],),
        (people["dinkes_editor"]["email"],),
        (people["dishub_editor"]["email"],),
        (people["bapenda_admin"]["email"],),
    }
    dinkes = received[(people["dinkes_editor"]["email"],)]
    assert dinkes["Subject"].endswith("] 2 dataset Dinas Kesehatan terlambat dimutakhirkan")
    assert dinkes["To"] == f"Dinkes Editor <{people['dinkes_editor']['email']}>"
    body = dinkes.get_content()
    due = dt.date.fromisoformat(world["datasets"]["kunjungan-puskesmas-harian"]["pemutakhiran_berikutnya"])
    from babel.dates import format_date

    assert "1. Kunjungan Puskesmas Harian" in body
    assert (
        f"Frekuensi: Harian; seharusnya diperbarui {format_date(due, 'long', locale='id')} (terlambat 9 hari)"
        in body
    )
    assert "/dataset/kunjungan-puskesmas-harian" in body
    assert "/dataset/?organization=dinkes&sort=pemutakhiran_berikutnya+asc" in body
    assert "2. Stok Obat Mingguan" in body
    assert "Rencana Trayek" not in body and "Imunisasi" not in body
    dishub = received[(people["dishub_editor"]["email"],)].get_content()
    assert "Rencana Trayek Harian" in dishub and "Kunjungan Puskesmas" not in dishub
    assert "skor kualitas" not in body and "skor kualitas" not in dishub  # none of theirs is low
    bapenda = received[(people["bapenda_admin"]["email"],)]
    assert bapenda["Subject"].endswith("] 1 dataset Badan Pendapatan Daerah berkualitas rendah")
    body = bapenda.get_content()
    assert "terlambat" not in body.split("Surel ini")[0]
    assert f"Dataset Badan Pendapatan Daerah dengan skor kualitas di bawah {LOW} (dari 100):" in body
    low = helpers.call_action("tangerang_quality_show", id="pajak-daerah-tahunan")
    assert f"1. Pajak Daerah Tahunan (skor {low['score']})" in body
    assert "   Yang perlu dilakukan lebih dulu: " in body and "/dataset/pajak-daerah-tahunan" in body
    assert "/dataset/?organization=bapenda&sort=skor_kualitas+asc" in body
