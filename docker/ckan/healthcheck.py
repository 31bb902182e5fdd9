"""Container health checks for the CKAN-based services (run by Docker's HEALTHCHECK, exit 0 = healthy).

    tangerang-healthcheck http URL             the URL answers 200 with a CKAN action result {"success": true}
    tangerang-healthcheck process PATTERN      a process whose command line contains PATTERN is running and
                                               Redis (CKAN_REDIS_URL, the harvest and jobs queue) answers PING
    tangerang-healthcheck heartbeat FILE SECS  FILE was touched less than SECS seconds ago

Only the standard library and the redis client that CKAN already depends on are used: not every version of the
base image has curl or procps.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request
from pathlib import Path

TIMEOUT = 5


def check_http(url: str) -> str | None:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 (fixed local URL)
        if response.status != 200:
            return f"{url} answered HTTP {response.status}"
        body = json.load(response)
    if body.get("success") is not True:
        return f"{url} answered success={body.get('success')!r}"
    return None


def check_process(pattern: str) -> str | None:
    own = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == own:
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if pattern in cmdline and "tangerang-healthcheck" not in cmdline:
            break
    else:
        return f"no process matching {pattern!r}"

    import redis  # installed with CKAN

    url = os.environ.get("CKAN_REDIS_URL", "redis://redis:6379/0")
    client = redis.Redis.from_url(url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)
    if not client.ping():
        return "Redis did not answer PING"
    return None


def check_heartbeat(path: str, max_age: str) -> str | None:
    try:
        age = time.time() - Path(path).stat().st_mtime
    except FileNotFoundError:
        return f"{path} does not exist yet"
    if age > float(max_age):
        return f"{path} is {age:.0f} s old (limit {max_age} s)"
    return None


CHECKS = {"http": check_http, "process": check_process, "heartbeat": check_heartbeat}


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in CHECKS:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        problem = CHECKS[argv[0]](*argv[1:])
    except Exception as exc:  # any failure to check is an unhealthy container
        problem = f"{type(exc).__name__}: {exc}"
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
