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
