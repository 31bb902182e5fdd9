"""What the benchmarks share: percentiles, the machine line, and replacing one section of bench/RESULTS.md."""

from __future__ import annotations

import os
import platform
import re
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("RESULTS.md")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def median_p50_p95(runs: int, measure: Callable[[], list[float]]) -> tuple[float, float]:
    """``measure`` run ``runs`` times; the medians of the runs' p50 and of their p95 (one timing proves little
    on a shared machine)."""
    p50s, p95s = [], []
    for _ in range(runs):
        times = measure()
        p50s.append(percentile(times, 0.50))
        p95s.append(percentile(times, 0.95))
    return statistics.median(p50s), statistics.median(p95s)


def latency_table(
    first: str, rows: list[tuple[Any, float, float]], target_ms: Callable[[Any], int], show_target: bool
) -> list[str]:
    """Markdown lines of a table: per row its key, p50 and p95 in ms, (the target,) and whether p95 is within it."""
    target_head, target_rule = (" target p95 |", "---:|") if show_target else ("", "")
    lines = [
        f"| {first} | p50 ms | p95 ms |{target_head} within target |",
        f"|---|---:|---:|{target_rule}---|",
    ]
    for key, p50, p95 in rows:
        target = target_ms(key)
        shown = f" {target} |" if show_target else ""
        lines.append(f"| {key} | {p50:.0f} | {p95:.0f} |{shown} {'yes' if p95 <= target else 'no'} |")
    return lines


def publish_table(heading: str, intro: list[str], table: list[str], write: bool) -> None:
    """A RESULTS.md section made of its heading, the lines saying how it was measured, and the table."""
    publish("\n".join([heading, "", *intro, "", *table, ""]), write)


def publish(section: str, write: bool) -> None:
    """Print the section and, unless told not to, put it in bench/RESULTS.md."""
    print(section)
    if write:
        write_section(section)


def machine() -> str:
    cores = os.cpu_count()
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return (
        f"{cores} cores{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def write_section(section: str, path: Path = RESULTS) -> None:
    """Replace the section whose heading is ``section``'s first line (up to the next ``## ``), or append it."""
    heading = section.split("\n", 1)[0]
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        current = pattern.sub(lambda _: section.rstrip("\n") + "\n\n", current)
    else:
        current = current.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    path.write_text(current)
