"""``ckan tangerang ...`` commands. Registered by the blanket in plugin.py."""

from __future__ import annotations

import click

__all__ = ["tangerang"]


@click.group(short_help="Kota Tangerang open-data portal commands.")
def tangerang() -> None:
    """Commands of the Kota Tangerang portal (ckanext-tangerang)."""


@tangerang.command("gather-consumer")
def gather_consumer() -> None:
    """Run the harvest gather consumer (replaces `ckan harvester gather-consumer`; see harvesters/queue.py)."""
    from ckanext.tangerang.harvesters import queue

    queue.gather_consumer()


@tangerang.command("fetch-consumer")
def fetch_consumer() -> None:
    """Run the harvest fetch consumer (replaces `ckan harvester fetch-consumer`; see harvesters/queue.py)."""
    from ckanext.tangerang.harvesters import queue

    queue.fetch_consumer()


@tangerang.command("seed")
def seed() -> None:
    """Load the OPDs as organizations (idempotent: a second run changes nothing)."""
    from ckanext.tangerang.logic import seed as seed_logic

    counts = seed_logic.seed_organizations()
    click.echo(
        f"OPD: {counts['created']} dibuat/created, {counts['updated']} diperbarui/updated, "
        f"{counts['unchanged']} tetap/unchanged"
    )


@tangerang.command("demo")
def demo() -> None:
    """Load the demo: the OPDs and the reference datasets (idempotent)."""
    from ckanext.tangerang.logic import demo as demo_logic
    from ckanext.tangerang.logic import seed as seed_logic

    orgs = seed_logic.seed_organizations()
    datasets = demo_logic.load_reference_datasets()
    click.echo(
        f"Demo: {orgs['created']} OPD baru, {datasets['created']} dataset baru "
        f"({datasets['existing']} sudah ada)."
    )


@tangerang.command("demo-harvest")
@click.option(
    "--upstream",
    default=None,
    help="Base URL of the sample upstream (default http://127.0.0.1:$TANGERANG_UPSTREAM_PORT, port 58080).",
)
@click.option("--timeout", default=900, show_default=True, help="Seconds to wait for all jobs.")
def demo_harvest(upstream: str | None, timeout: int) -> None:
    """Register one harvest source per sample application and source type (idempotent), run them through the
    harvest queue (the running gather and fetch consumers do the work) and wait until every job finished."""
    import os

    from ckanext.tangerang.logic import demo_harvest as logic
    from ckanext.tangerang.logic import harvest_report as report

    base = upstream or f"http://127.0.0.1:{os.environ.get('TANGERANG_UPSTREAM_PORT', '58080')}"
    result = logic.demo_harvest(base, timeout=timeout, progress=click.echo)
    click.echo("")
    click.echo(report.format_report(report.harvest_report()))
    totals = result["totals"]
    click.echo(
        f"\nAplikasi: {totals['aplikasi']} ({totals['e-government']} e-government, "
        f"{totals['layanan-publik']} layanan publik); dataset hasil panen / harvested datasets: "
        f"{totals['dataset_panen']}, {totals['dataset_tertaut']} tertaut ke aplikasi / linked to an application. "
        f"({result['seconds']:.0f} s)"
    )
    unfinished = {name: status for name, status in result["statuses"].items() if status != "Finished"}
    if unfinished:
        raise click.ClickException(
            f"Jobs not finished within {timeout} s: {unfinished}. Are the harvest consumers running "
            "(`make status`)? See var/log/harvest-*.log."
        )


@tangerang.command("audit-data-pribadi")
@click.option("--portal", default=None, help="Base URL of the portal (default: ckan.site_url).")
def audit_data_pribadi(portal: str | None) -> None:
    """Follow every resource an anonymous visitor finds (stored or linked, on the harvest allow-list), screen what
    it serves for personal data, and fail if any holds some."""
    import ckan.plugins.toolkit as tk

    from ckanext.tangerang.harvesters import audit
    from ckanext.tangerang.harvesters.base import allowed_hosts
    from ckanext.tangerang.harvesters.http import HarvestHttpError, SafeClient

    base = portal or tk.config.get("ckan.site_url")
    client = SafeClient(allowed_hosts=allowed_hosts())
    try:
        result = audit.audit(client, base, click.echo)
    except HarvestHttpError as error:
        raise click.ClickException(
            f"Audit data pribadi tidak dapat dijalankan / could not run: {error}"
        ) from None
    finally:
        client.close()
    for line in result.unreadable:
        click.echo(f"  ? tidak terbaca / unreadable: {line}")
    click.echo(
        f"Audit data pribadi / personal-data audit: {result.datasets} dataset publik / public datasets, "
        f"{result.screened} sumber daya diperiksa / resources screened, {result.skipped} dilewati / skipped, "
        f"{len(result.personal)} berisi data pribadi / holding personal data."
    )
    if result.personal:
        raise click.ClickException(
            f"{len(result.personal)} sumber daya publik berisi data pribadi / public resources hold personal data"
        )


@tangerang.command("harvest-sources-private")
def harvest_sources_private() -> None:
    """Make every harvest source a private dataset of its OPD (sources saved before the portal enforced it).

    Idempotent; the stack's start runs it."""
    import ckan.plugins.toolkit as tk

    from ckanext.tangerang.logic.site_user import site_context

    result = tk.get_action("tangerang_harvest_sources_private")(site_context(), {})
    click.echo(
        f"Sumber panen dijadikan privat / harvest sources made private: {len(result['changed'])} "
        f"{' '.join(result['changed'])}".rstrip()
    )


@tangerang.command("harvest-report")
@click.option("--source", default=None, help="Only this harvest source (name or id).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def harvest_report(source: str | None, as_json: bool) -> None:
    """Per harvest source: last job, counts (added/updated/unchanged/withdrawn/errors) and duration."""
    import json

    from ckanext.tangerang.logic import harvest_report as report

    rows = report.harvest_report(source)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif not rows:
        click.echo("Belum ada sumber panen / no harvest sources yet.")
    else:
        click.echo(report.format_report(rows))


@tangerang.command("relabel-activities")
def relabel_activities() -> None:
    """Give every dataset's activities its current access labels and delete purged datasets' activities.

    Run once after upgrading a catalogue from before this rule (the stack's start runs it; it is idempotent).
    """
    from ckanext.tangerang.logic import access

    relabelled, deleted = access.relabel_all_activities()
    click.echo(
        f"{relabelled} aktivitas diberi label akses terkini datasetnya; {deleted} aktivitas dataset yang dihapus "
        f"permanen dibuang. / {relabelled} activities given their dataset's current access labels; {deleted} "
        "activities of purged datasets deleted."
    )


@tangerang.group("links")
def links() -> None:
    """The link checker (results: the tangerang_link_check_list action)."""


@links.command("check")
@click.option("--dataset", default=None, help="Only this dataset (name or id).")
@click.option("--older-than", type=float, default=None, help="Only resources not checked within HOURS.")
@click.option(
    "--enqueue",
    is_flag=True,
    help="Queue background jobs of at most 200 resources each for CKAN's jobs worker instead of checking here.",
)
def links_check(dataset: str | None, older_than: float | None, enqueue: bool) -> None:
    """Check the resources' URLs (HEAD, then a ranged GET; the harvests' allow-list; uploads by their stored file)
    and store the results: here and now, or with --enqueue in background jobs, as the scheduler does nightly so
    that it never waits for slow links."""
    from ckanext.tangerang.logic import link_check

    targets = link_check.select_targets(dataset=dataset, older_than_hours=older_than)
    if enqueue:
        queued = link_check.enqueue(targets)
        click.echo(
            f"Tautan diantrekan / links queued: {len(targets)} sumber daya / resources, {len(queued)} job"
        )
        return
    counts = link_check.check_targets(targets)
    click.echo(
        f"Tautan diperiksa / links checked: {len(targets)}; "
        + ", ".join(f"{status} {count}" for status, count in counts.items())
    )


def _as_of(what: str):
    """The ``--as-of`` day of a daily command: a ``datetime`` of that day, or None for today."""
    return click.option(
        "--as-of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help=f"{what} as of this day (YYYY-MM-DD; default today in the display time zone).",
    )


@tangerang.group("digest")
def digest() -> None:
    """E-mail digests to the OPDs' data stewards."""


@digest.command("send")
@click.option("--dry-run", is_flag=True, help="Say who would get which digest; send nothing.")
@_as_of("Count overdue datasets")
def digest_send(dry_run: bool, as_of) -> None:
    """Send each OPD's admins and editors one e-mail, in Indonesian, listing their OPD's datasets past their next
    expected update and those whose quality score is below ckanext.tangerang.quality.low; an OPD with neither gets
    nothing. Run daily by the scheduler."""
    from ckanext.tangerang.logic import release

    counts = release.send_digests(as_of.date() if as_of else release.today(), dry_run, click.echo)
    click.echo(
        f"Ringkasan: {counts['opd']} OPD dengan dataset terlambat atau berkualitas rendah, {counts['sent']} surel "
        f"terkirim, {counts['failed']} gagal. / {counts['opd']} OPDs with overdue or low-quality datasets, "
        f"{counts['sent']} e-mails sent, {counts['failed']} failed."
    )
    if counts["failed"]:
        raise click.ClickException(f"{counts['failed']} surel gagal dikirim / e-mails could not be sent")


@tangerang.group("quality")
def quality() -> None:
    """The datasets' quality scores (read them with the tangerang_quality_show and _report actions)."""


@quality.command("refresh")
@click.option("--dataset", default=None, help="Only this dataset (name or id).")
@_as_of("Measure freshness")
@click.option("--full", is_flag=True, help="Compute every score afresh (after the scoring itself changed).")
def quality_refresh(dataset: str | None, as_of, full: bool) -> None:
    """Measure every dataset's quality score again (time moves freshness, the link checker reachability), store
    them, and reindex those whose score changed. Run daily by the scheduler."""
    from ckanext.tangerang.logic import quality as logic

    r = logic.refresh(dataset, as_of.date() if as_of else None, full=full)
    click.echo(
        f"Skor kualitas per {r['as_of']}: {r['datasets']} dataset dinilai ({r['computed']} dihitung ulang penuh), "
        f"{r['changed']} berubah dan diindeks ulang ({r['seconds']:.1f} s). / Quality scores as of {r['as_of']}: "
        f"{r['datasets']} datasets scored ({r['computed']} computed afresh), {r['changed']} changed and reindexed "
        f"({r['seconds']:.1f} s)."
    )


@tangerang.group("catalog")
def catalog() -> None:
    """The public catalogue's downloads (/katalog/unduh/katalog.csv, .xlsx and .json)."""


@catalog.command("export")
def catalog_export() -> None:
    """Write the public catalogue's Satu Data records as CSV, XLSX and JSON under ckan.storage_path/katalog,
    each file replaced whole (a download never gets half a file). Run daily by the scheduler."""
    from ckanext.tangerang.logic import feeds

    r = feeds.export_catalog()
    click.echo(
        f"Katalog diekspor: {r['datasets']} dataset ke {r['directory']} ({r['seconds']:.1f} s). / Catalogue "
        f"exported: {r['datasets']} datasets to {r['directory']} ({r['seconds']:.1f} s)."
    )
