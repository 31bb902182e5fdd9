#!/usr/bin/env bash
# Harvest benchmark (not part of the test suite): first harvest and no-change re-harvest, ours and stock
# ckanext-harvest side by side, on the test slot "bench" (its own databases, Solr core and Redis db; the demo
# database is untouched). Writes the "## Harvest" section of bench/RESULTS.md.
#   bash bench/run_harvest_bench.sh              # 1,000 datasets
#   bash bench/run_harvest_bench.sh 1000 10000   # both sizes
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TANGERANG_ROOT=$ROOT
. scripts/stack.env
TANGERANG_TEST_SLOT=bench bash scripts/stack.sh prepare-tests >/dev/null
# shellcheck disable=SC1091
. var/test-bench.env
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000)
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
exec "$TANGERANG_VENV/bin/python" bench/harvest.py --sizes "${sizes[@]}" --results bench/RESULTS.md --machine "$machine"
