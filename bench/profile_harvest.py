"""Where a Tangerang harvest spends its time: the stages of one ``tangerang_json_api`` job over N records of the
sample upstream's CKAN API, run in this process (no queue) under cProfile, on the bench slot's databases.

    bash bench/run_harvest_profile.sh 500          # writes var/bench-harvest/profile-<N>.txt and prints the top

The gather stage and the fetch+import of every object are profiled separately, with ckanext-harvest's own
``fetch_and_import_stages`` (what the fetch consumer runs per message). The printout lists the functions by
cumulative time and by own time, so the costs of CKAN's actions, Solr, PostgreSQL and our guards can be read off.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from harvest import ours_config, reset_database, start_upstream  # noqa: E402


def report(profile: cProfile.Profile, title: str, out: io.StringIO, limit: int) -> None:
    for key in ("cumulative", "tottime"):
        stream = io.StringIO()
        stats = pstats.Stats(profile, stream=stream)
        stats.sort_stats(key).print_stats(limit)
        out.write(f"\n===== {title}, by {key} =====\n")
        out.write(stream.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=500)
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench-harvest")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    ini = ROOT / "test.ini"
    upstream, base = start_upstream(args.n, args.work)
    try:
        reset_database(ini, args.work / "profile-setup.log")
        from ckan.cli import load_config
        from ckan.config.middleware import make_app

        app = make_app(load_config(str(ini)))
        with app._wsgi_app.test_request_context():
            import ckan.plugins.toolkit as tk
            from ckan import model
            from ckanext.harvest.harvesters.base import HarvesterBase  # noqa: F401
            from ckanext.harvest.model import HarvestJob, HarvestObject
            from ckanext.harvest.queue import fetch_and_import_stages, get_harvester

            site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
            context = {"user": site}
            org = tk.get_action("organization_create")(
                dict(context), {"name": "diskominfo", "title": "Diskominfo"}
            )
            source = tk.get_action("harvest_source_create")(
                dict(context),
                {
                    "name": "profile-ours",
                    "title": "profile ours",
                    "url": f"{base}/ckan/api/3/action/package_search",
                    "source_type": "tangerang_json_api",
                    "owner_org": org["id"],
                    "frequency": "MANUAL",
                    "config": json.dumps(ours_config()),
                },
            )
            out = io.StringIO()
            for round_name in ("first", "re-harvest"):
                job_id = tk.get_action("harvest_job_create")(dict(context), {"source_id": source["id"]})["id"]
                job = HarvestJob.get(job_id)
                job.status = "Running"
                job.save()
                harvester = get_harvester("tangerang_json_api")
                gather = cProfile.Profile()
                began = time.monotonic()
                gather.enable()
                ids = harvester.gather_stage(job)
                gather.disable()
                gathered = time.monotonic() - began
                fetch = cProfile.Profile()
                began = time.monotonic()
                fetch.enable()
                for object_id in ids:
                    obj = HarvestObject.get(object_id)
                    fetch_and_import_stages(harvester, obj)
                fetch.disable()
                fetched = time.monotonic() - began
                model.Session.remove()
                line = (
                    f"{round_name}: {args.n} records, gather {gathered:.1f} s ({len(ids)} objects), "
                    f"fetch+import {fetched:.1f} s ({len(ids) / fetched if fetched else 0:.1f} objects/s)"
                )
                print(line, flush=True)
                out.write(f"\n##### {line}\n")
                gather.dump_stats(args.work / f"profile-{args.n}-{round_name}-gather.prof")
                fetch.dump_stats(args.work / f"profile-{args.n}-{round_name}-fetch.prof")
                report(gather, f"{round_name} gather", out, args.limit)
                report(fetch, f"{round_name} fetch+import", out, args.limit)
                job = HarvestJob.get(job_id)
                job.status = "Finished"
                job.save()
            path = args.work / f"profile-{args.n}.txt"
            path.write_text(out.getvalue())
            print(f"profile written to {path}")
    finally:
        upstream.terminate()
        upstream.wait(timeout=20)


if __name__ == "__main__":
    main()
