#!/usr/bin/env bash
# Harvest benchmark (not part of the test suite): first harvest and no-change re-harvest, ours and stock
# ckanext-harvest side by side, on the test slot "bench" (its own databases, Solr core and Redis db; the demo
# database is untouched). Writes the "## Harvest" section of bench/RESULTS.md.
#   bash bench/run_harvest_bench.sh                          # 1,000 datasets, ours and stock once
#   bash bench/run_harvest_bench.sh --sizes 1000 --repeat 3 --fetch-consumers 1 2 4
#   bash bench/run_harvest_bench.sh --sizes 10000 --variants ours
# (the options of bench/harvest.py; bare numbers are sizes, as before)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/slot.sh" bench
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  args=(--sizes 1000)
elif [[ "${args[0]}" =~ ^[0-9]+$ ]]; then
  args=(--sizes "${args[@]}")
fi
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
exec "$TANGERANG_VENV/bin/python" bench/harvest.py "${args[@]}" --results bench/RESULTS.md --machine "$machine" \
  --command "bash bench/run_harvest_bench.sh ${*:-}"
