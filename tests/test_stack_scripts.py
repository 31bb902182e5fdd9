"""The stack script's answers to a newcomer: what runs, and one clear sentence when something is in the way."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STACK = ROOT / "scripts" / "stack.sh"
LINKS_CHECK = "tangerang links check --enqueue --older-than 20"


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(STACK), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_status_names_every_service_of_the_running_stack():
    result = _run("status")
    lines = dict(line.split(None, 1) for line in result.stdout.strip().splitlines())
    for name in ("postgres", "redis", "solr", "ckan-web", "harvest-gather", "harvest-fetch", "jobs-worker"):
        assert lines[name].startswith("running"), (name, lines[name])


def test_status_names_every_fetch_consumer_asked_for():
    """make test starts the stack with its default of two fetch consumers on the one queue."""
    lines = dict(line.split(None, 1) for line in _run("status").stdout.strip().splitlines())
    assert lines["harvest-fetch"].startswith("running") and lines["harvest-fetch-2"].startswith("running"), (
        lines
    )


def test_a_bad_number_of_fetch_consumers_is_one_clear_sentence():
    for bad in ("0", "many", "17"):
        result = _run("status", env={"TANGERANG_FETCH_CONSUMERS": bad})
        assert result.returncode != 0
        assert (
            f"TANGERANG_FETCH_CONSUMERS must be a whole number from 1 to 16 (it is '{bad}')" in result.stderr
        )
        assert "Traceback" not in result.stderr


def test_a_busy_port_is_one_clear_sentence_and_a_non_zero_exit(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # A second stack in its own folder, whose PostgreSQL port another program holds.
        result = _run(
            "services",
            env={"TANGERANG_VAR": str(tmp_path / "var"), "TANGERANG_PG_PORT": str(port)},
        )
    assert result.returncode != 0
    assert f"port {port} (for postgres) is taken by another program" in result.stderr
    assert f"TANGERANG_PG_PORT={port + 1} make demo" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_says_how_to_use_it():
    result = _run("frobnicate")
    assert result.returncode != 0
    assert "usage: scripts/stack.sh" in result.stderr


@pytest.mark.parametrize("script", ["scripts/harvest-scheduler.sh", "docker/ckan/scheduler.sh"])
def test_the_schedulers_queue_the_link_checks_once_a_night(tmp_path, script):
    """Both schedulers (the local stack's and docker-compose's) queue the nightly link checks once a UTC day from
    the hour set, and not before it, and measure quality before the digest once a day; a fake `ckan` records
    what they run."""
    ckan = tmp_path / "bin" / "ckan"
    ckan.parent.mkdir()
    ckan.write_text(f'#!/bin/sh\necho "$*" >>{tmp_path}/calls\n')
    ckan.chmod(0o755)

    def calls_after_three_rounds(hour: int) -> list[str]:
        (tmp_path / "calls").write_text("")
        for day_file in tmp_path.glob("*.day"):
            day_file.unlink()
        env = {
            **os.environ,
            "PATH": f"{ckan.parent}:{os.environ['PATH']}",
            "TANGERANG_SCHEDULER_INTERVAL": "1",
            "HARVEST_RUN_INTERVAL": "1",
            "TANGERANG_LINKS_HOUR": str(hour),
            "LINKS_CHECK_HOUR": str(hour),
            "DIGEST_DAY_FILE": str(tmp_path / "digest.day"),
            "LINKS_DAY_FILE": str(tmp_path / "links.day"),
            "SCHEDULER_HEARTBEAT": str(tmp_path / "heartbeat"),
        }
        process = subprocess.Popen(
            ["bash", str(ROOT / script), str(ckan), str(tmp_path / "ckan.ini")],
            env=env,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(3.5)
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        return (tmp_path / "calls").read_text().splitlines()

    calls = calls_after_three_rounds(hour=0)
    assert sum("harvester run" in call for call in calls) >= 3
    assert sum(call.endswith(LINKS_CHECK) for call in calls) == 1, calls
    # once a day: the quality scores measured again, then the digest (which lists the low ones), then the
    # public catalogue's downloads written afresh
    daily = [
        call.split(" ", 2)[2]
        for call in calls
        if call.endswith(("quality refresh", "digest send", "catalog export"))
    ]
    assert daily == ["tangerang quality refresh", "tangerang digest send", "tangerang catalog export"], calls
    assert not any(call.endswith(LINKS_CHECK) for call in calls_after_three_rounds(hour=24))
