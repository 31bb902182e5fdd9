"""Database set-up of the stack: the command of the one-shot ckan-init service (docker-compose.yml).

It runs to completion before any web, consumer or worker container starts, so that they never migrate the same
database concurrently:

1. `ckan db upgrade`: CKAN core and the migrations of every enabled plugin (harvest, activity, tangerang).
   The plugins are those of config/plugins.ini, which the entrypoint writes into ckan.ini and exports as
   CKAN__PLUGINS. Idempotent.
2. DataStore permissions: the SQL of `ckan datastore set-permissions`, run as the DataStore write user (the
   owner of the datastore database), so the read-only role reads DataStore tables and nothing else. Idempotent
   too; it also re-applies the grants after a restore.
3. The access rules' catch-up for catalogues saved before they held (both idempotent, no-ops on a new database):
   `ckan tangerang relabel-activities` gives every dataset's activities its current permission labels and drops
   purged datasets' activities; `ckan tangerang harvest-sources-private` makes every harvest source a private
   dataset of its OPD.

The web containers still run the official image's prerun.py, whose own upgrade then finds nothing to do."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import psycopg2

CKAN_INI = os.environ.get("CKAN_INI", "/srv/app/ckan.ini")


def log(message: str) -> None:
    print(f"[tangerang-init] {message}", flush=True)


def upgrade_db() -> None:
    log("ckan db upgrade (core and enabled plugins)")
    subprocess.run(["ckan", "-c", CKAN_INI, "db", "upgrade"], check=True)


def set_datastore_permissions() -> None:
    write_url = os.environ.get("CKAN_DATASTORE_WRITE_URL")
    if not write_url or "datastore" not in os.environ.get("CKAN__PLUGINS", "").split():
        log("DataStore not configured, skipping permissions")
        return
    sql = subprocess.run(
        ["ckan", "-c", CKAN_INI, "datastore", "set-permissions"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # psql meta-command; the connection below already targets the datastore database
    sql = re.sub(r"^\\connect .*$", "", sql, flags=re.MULTILINE)
    connection = psycopg2.connect(write_url)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()
    log("DataStore permissions set")


def access_catch_up() -> None:
    for command in ("relabel-activities", "harvest-sources-private"):
        log(f"ckan tangerang {command}")
        subprocess.run(["ckan", "-c", CKAN_INI, "tangerang", command], check=True)


if __name__ == "__main__":
    if os.environ.get("MAINTENANCE_MODE", "").lower() == "true":
        log("maintenance mode, skipping")
        sys.exit(0)
    upgrade_db()
    set_datastore_permissions()
    access_catch_up()
