"""Harvest benchmark: first harvest of N datasets and a no-change re-harvest, ours side by side with stock
ckanext-harvest's CKAN harvester, both harvesting the same records from the sample upstream's CKAN API
(``--ckan-datasets N``), both through the real Redis queue with one gather and one fetch consumer.

- *ours*: ``tangerang_json_api`` over ``/ckan/api/3/action/package_search`` (offset pagination, 1,000 a page),
  with the full plugin set of test.ini (Tangerang schema, scheming, DCAT, activity).
- *stock*: the ``ckan`` harvester over ``/ckan``. Stock cannot create datasets under the Tangerang schema (its
  required fields come as extras and fail validation), so it runs with CKAN's core schema: test.ini with
  ``ckan.plugins = harvest ckan_harvester activity``.

Each variant starts from an empty database and Solr core (the bench slot's, never the demo's). Peak worker
memory is the highest RSS of each consumer process, sampled every 0.5 s. Writes of the re-harvest: datasets
whose ``metadata_modified`` changed, and the job's added/updated/deleted counts.

Usage (bench/run_harvest_bench.sh sets the environment): ``python bench/harvest.py --sizes 1000 10000``.
It prints one JSON line per run and, with ``--results bench/RESULTS.md``, rewrites the "## Harvest" section.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from results import write_section  # noqa: E402

VENV = Path(sys.executable).parent
CKAN = VENV / "ckan"
STOCK_PLUGINS = "harvest ckan_harvester activity"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stock_ini(work: Path) -> Path:
    text = (ROOT / "test.ini").read_text()
    # test.ini takes its plugins from config/plugins.ini (config chain): the stock run names its own instead
    text = re.sub(r"(?m)^use\s*=.*$", f"use = egg:ckan\nckan.plugins = {STOCK_PLUGINS}", text)
    text = re.sub(r"(?m)^scheming\..*$", "", text)
    text = re.sub(r"(?m)^ckanext\.dcat\..*$", "", text)
    text = text.replace("%(here)s", str(ROOT))
    path = work / "stock.ini"
    path.write_text(text)
    return path


def ckan(ini: Path, *args: str, log: Path) -> None:
    with log.open("ab") as out:
        subprocess.run(
            [str(CKAN), "-c", str(ini), *args], check=True, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT
        )


def reset_database(ini: Path, log: Path) -> None:
    ckan(ini, "db", "clean", "--yes", log=log)
    ckan(ini, "db", "init", log=log)
    ckan(ini, "db", "upgrade", "-p", "harvest", log=log)
    ckan(ini, "search-index", "clear", log=log)


class Consumers:
    """The gather consumer and ``fetch`` fetch consumers of one variant, with an RSS sampler."""

    def __init__(self, ini: Path, log_dir: Path, fetch: int = 1) -> None:
        self.procs: list[tuple[str, subprocess.Popen]] = []
        for kind in ["gather-consumer"] + ["fetch-consumer"] * fetch:
            out = (log_dir / f"{ini.stem}-{kind}.log").open("ab")
            # The same patient consumers for both variants (harvesters/queue.py), started without the
            # ``tangerang`` plugin's CLI so that the stock config needs no Tangerang plugin. Under the stock
            # config the Tangerang options are not declared: Solr is committed after every dataset, as stock does.
            code = (
                "import sys; from ckan.cli import load_config; from ckan.config.middleware import make_app; "
                "make_app(load_config(sys.argv[1])); from ckanext.tangerang.harvesters import queue; "
                f"queue.{kind.replace('-', '_')}()"
            )
            proc = subprocess.Popen(
                [sys.executable, "-c", code, str(ini)],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            self.procs.append((kind, proc))
        self.peak = {kind: 0 for kind, _ in self.procs}
        self.stopping = False
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()

    def _sample(self) -> None:
        while not self.stopping:
            for kind, proc in self.procs:
                try:
                    status = Path(f"/proc/{proc.pid}/status").read_text()
                except OSError:
                    continue
                match = re.search(r"VmRSS:\s+(\d+) kB", status)
                if match:
                    self.peak[kind] = max(self.peak[kind], int(match.group(1)) * 1024)
            time.sleep(0.5)

    def alive(self) -> bool:
        return all(p.poll() is None for _, p in self.procs)

    def stop(self) -> None:
        self.stopping = True
        for _, proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for _, proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def ours_config() -> dict:
    return {
        "records_path": "result.results",
        "pagination": {
            "type": "offset",
            "offset_param": "start",
            "size_param": "rows",
            "size": 1000,
            "total_path": "result.count",
        },
        "fields": {"name": "name", "title": "title", "notes": "notes"},
        "defaults": {
            "klasifikasi": "terbuka",
            "sektor": "2.16",
            "frekuensi": "tahunan",
            "cakupan_wilayah": ["36.71"],
        },
        "resources_path": "resources",
        "resource_fields": {"url": "url", "name": "name", "format": "format", "description": "description"},
        "limits": {"max_records": 200000, "max_pages": 1000, "read_timeout": 120, "total_timeout": 1800},
    }


# --- one variant, run inside a process with that variant's CKAN config loaded ----------------------------


def run_variant(
    variant: str, ini: Path, upstream: str, n: int, work: Path, timeout: float, fetch: int = 1
) -> dict:
    log = work / f"{variant}-{n}-setup.log"
    reset_database(ini, log)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ini)))
    with app._wsgi_app.test_request_context():
        import ckan.plugins.toolkit as tk
        import sqlalchemy as sa
        from ckan import model
        from ckanext.harvest import queue
        from ckanext.harvest.model import HarvestJob

        queue.purge_queues()
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        context = {"user": site}
        org = tk.get_action("organization_create")(
            dict(context), {"name": "diskominfo", "title": "Diskominfo"}
        )
        if variant == "ours":
            url = f"{upstream}/ckan/api/3/action/package_search"
            source_type, config = "tangerang_json_api", json.dumps(ours_config())
        else:
            url, source_type, config = f"{upstream}/ckan", "ckan", ""
        source = tk.get_action("harvest_source_create")(
            dict(context),
            {
                "name": f"bench-{variant}",
                "title": f"bench {variant}",
                "url": url,
                "source_type": source_type,
                "owner_org": org["id"],
                "frequency": "MANUAL",
                "config": config,
            },
        )
        consumers = Consumers(ini, work, fetch)
        time.sleep(8)  # the consumers load CKAN before they listen

        def one_job() -> dict:
            began = time.monotonic()
            job_id = tk.get_action("harvest_job_create")(
                dict(context), {"source_id": source["id"], "run": True}
            )["id"]
            deadline = began + timeout
            while True:
                model.Session.remove()
                job = HarvestJob.get(job_id)
                if job.status == "Finished":
                    break
                if job.gather_finished:
                    busy = model.Session.execute(
                        sa.text(
                            "SELECT count(*) FROM harvest_object WHERE harvest_job_id = :j "
                            "AND state NOT IN ('COMPLETE', 'ERROR')"
                        ),
                        {"j": job_id},
                    ).scalar()
                    if not busy:
                        tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source["id"]})
                        continue
                if time.monotonic() > deadline or not consumers.alive():
                    break
                time.sleep(0.5)
            elapsed = time.monotonic() - began
            model.Session.remove()
            shown = tk.get_action("harvest_job_show")(dict(context), {"id": job_id})
            return {
                "seconds": round(elapsed, 1),
                "status": shown["status"],
                "stats": shown.get("stats") or {},
            }

        def modified() -> dict:
            model.Session.remove()
            rows = model.Session.execute(
                sa.text(
                    "SELECT id, metadata_modified FROM package WHERE type = 'dataset' AND state = 'active'"
                )
            )
            return {r[0]: r[1] for r in rows}

        def objects() -> int:
            model.Session.remove()
            return model.Session.execute(sa.text("SELECT count(*) FROM harvest_object")).scalar()

        def duplicates() -> int:
            """Upstream records that became more than one dataset (several consumers must create each once)."""
            model.Session.remove()
            return model.Session.execute(
                sa.text(
                    "SELECT count(*) FROM (SELECT extras->>'harvest_id_hulu' AS u FROM package WHERE type = 'dataset' "
                    "GROUP BY 1 HAVING count(*) > 1) d"
                )
            ).scalar()

        try:
            first = one_job()
            before = modified()
            objects_first = objects()
            second = one_job()
            after = modified()
            objects_second = objects()
            alive = consumers.alive()  # before they are stopped
        finally:
            consumers.stop()
        changed = sum(1 for k, v in after.items() if before.get(k) != v) + len(set(before) - set(after))
        return {
            "variant": variant,
            "n": n,
            "first": first,
            "datasets": len(before),
            "reharvest": second,
            "reharvest_writes": changed,
            "fetch_consumers": fetch,
            "harvest_objects": [objects_first, objects_second],
            "duplicates": duplicates() if variant == "ours" else None,
            "peak_rss_mb": {k: round(v / 2**20) for k, v in consumers.peak.items()},
            "consumers_alive": alive,
        }


# --- the orchestration ------------------------------------------------------------------------------------


def start_upstream(n: int, work: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    out = (work / f"upstream-{n}.log").open("ab")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sample_upstream",
            "--port",
            str(port),
            "--ckan-datasets",
            str(n),
            "--clock",
            "fixed",
        ],
        cwd=ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    for _ in range(120):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.25)
    proc.kill()
    raise SystemExit("the sample upstream did not start")


def rate(result: dict) -> float:
    created = result["first"]["stats"].get("added", 0)
    return created / result["first"]["seconds"] if result["first"]["seconds"] else 0.0


def label(r: dict) -> str:
    return f"{r['variant']} x{r['fetch_consumers']}" if r["variant"] == "ours" else r["variant"]


def section(results: list[dict], machine: str, command: str) -> str:
    today = dt.date.today().isoformat()
    lines = [
        "## Harvest",
        "",
        f"`{command}` (`bench/harvest.py`), {today}, machine: {machine}. One gather consumer and "
        "*xN* fetch consumers on the real Redis queue, the bench slot's own PostgreSQL database and Solr core; "
        "the runs of one size take turns (ours, stock, ours, ...) so that they share the machine's conditions.",
        "*ours*: `tangerang_json_api` over the sample upstream's `/ckan/api/3/action/package_search` "
        "(offset pages of 1,000), full plugin set of test.ini (Tangerang schema, personal-data screening of every "
        "linked file). *stock*: ckanext-harvest 1.6.3's `ckan` harvester over `/ckan`, same records, one fetch "
        f"consumer; it runs with CKAN's core schema (`ckan.plugins = {STOCK_PLUGINS}`) because under the Tangerang "
        "schema every record fails validation (required fields arrive as extras).",
        "",
        "| N | harvester | first harvest | datasets/s | created | errors | re-harvest | re-harvest writes | "
        "harvest objects after 1st / 2nd | peak RSS gather / fetch |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        stats = r["first"]["stats"]
        lines.append(
            f"| {r['n']:,} | {label(r)} | {r['first']['seconds']} s | {rate(r):.1f} | {stats.get('added', 0):,} | "
            f"{stats.get('errored', 0)} | {r['reharvest']['seconds']} s | {r['reharvest_writes']} "
            f"({', '.join(f'{k} {v}' for k, v in r['reharvest']['stats'].items() if v) or '-'}) | "
            f"{r['harvest_objects'][0]:,} / {r['harvest_objects'][1]:,} | "
            f"{r['peak_rss_mb']['gather-consumer']} / {r['peak_rss_mb']['fetch-consumer']} MB |"
        )
    groups: dict[tuple[int, str], list[dict]] = {}
    for r in results:
        groups.setdefault((r["n"], label(r)), []).append(r)
    lines += ["", "Medians:", ""]
    for (n, name), runs in sorted(groups.items()):
        lines.append(
            f"- N = {n:,}, {name}: first harvest {statistics.median([rate(r) for r in runs]):.1f} datasets/s, re-harvest "
            f"{statistics.median([r['reharvest']['seconds'] for r in runs])} s ({len(runs)} run{'s' if len(runs) > 1 else ''})."
        )
    for (n, name), runs in sorted(groups.items()):
        stock = groups.get((n, "stock"))
        if name != "stock" and stock:
            ours_rate = statistics.median([rate(r) for r in runs])
            stock_rate = statistics.median([rate(r) for r in stock])
            if stock_rate:
                lines.append(
                    f"- N = {n:,}: {name} / stock = {ours_rate / stock_rate:.2f}x datasets/s (medians)."
                )
    lines += [
        "",
        "Targets (issue 10): first harvest ≥ 15 datasets/s and ≥ 5x stock; re-harvest of 10,000 unchanged ≤ 30 s "
        "with zero writes and no new harvest objects; worker memory ≤ 512 MB at 10,000.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--variants", nargs="+", default=["ours", "stock"])
    parser.add_argument("--fetch-consumers", type=int, nargs="+", default=[1], help="ours: fetch consumers")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each variant (medians are reported)")
    parser.add_argument("--timeout", type=float, default=7200)
    parser.add_argument("--results", type=Path)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench-harvest")
    parser.add_argument("--machine", default=f"{os.cpu_count()} cores")
    parser.add_argument("--command", default="bash bench/run_harvest_bench.sh")
    parser.add_argument(
        "--report",
        type=Path,
        nargs="+",
        help="write the section from the JSON lines of earlier runs (no run)",
    )
    parser.add_argument(
        "--one", nargs=4, metavar=("VARIANT", "UPSTREAM", "N", "FETCH"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.report:
        runs = [
            json.loads(line)
            for path in args.report
            for line in path.read_text().splitlines()
            if line.startswith("{")
        ]
        write_section(
            section(runs, args.machine, args.command), args.results or ROOT / "bench" / "RESULTS.md"
        )
        return
    if args.one:
        variant, upstream, n, fetch = args.one
        ini = ROOT / "test.ini" if variant == "ours" else stock_ini(args.work)
        print(
            json.dumps(run_variant(variant, ini, upstream, int(n), args.work, args.timeout, int(fetch))),
            flush=True,
        )
        return
    plan = [
        (variant, fetch)
        for variant in args.variants
        for fetch in (args.fetch_consumers if variant == "ours" else [1])
    ]
    results = []
    for n in args.sizes:
        upstream, base = start_upstream(n, args.work)
        try:
            for _round in range(args.repeat):
                for variant, fetch in plan:
                    print(f"[bench] {variant} x{fetch}, {n:,} datasets ...", file=sys.stderr, flush=True)
                    out = subprocess.run(
                        [
                            sys.executable,
                            __file__,
                            "--one",
                            variant,
                            base,
                            str(n),
                            str(fetch),
                            "--work",
                            str(args.work),
                        ],
                        cwd=ROOT,
                        capture_output=True,
                        text=True,
                        check=False,
                    )
                    last = [line for line in out.stdout.splitlines() if line.startswith("{")]
                    if out.returncode or not last:
                        print(out.stderr[-3000:], file=sys.stderr)
                        raise SystemExit(f"{variant} {n} failed")
                    result = json.loads(last[-1])
                    print(json.dumps(result), flush=True)
                    results.append(result)
        finally:
            upstream.terminate()
            upstream.wait(timeout=20)
    if args.results:
        write_section(section(results, args.machine, args.command), args.results)


if __name__ == "__main__":
    main()
