#!/usr/bin/env bash
# Page benchmark at a given catalogue size (not part of the test suite). Needs the local stack running
# (bash scripts/stack.sh start). On the test slot "pages" (its own databases, Solr core and Redis db; the demo
# database is untouched) it loads the OPDs, the 172 sample applications and N generated datasets
# (bench/load_catalogue.py, sample data), starts a second CKAN under gunicorn on TANGERANG_BENCH_PORT (5030),
# measures the five pages (bench/pages.py), package_search for 1 and 10 clients (bench/search_api.py) and the
# stewards' dashboard as the walidata and an OPD editor (bench/dashboard.py) and the one-call catalogue actions
# (bench/catalog_actions.py), and writes "## Page server time at N datasets", "## package_search at N datasets",
# "## Stewards' dashboard at N datasets" and "## Catalogue actions at N datasets" in bench/RESULTS.md.
#   bash bench/run_pages_bench.sh            # 10,000 datasets (first load: about 25 min on 2 cores)
#   bash bench/run_pages_bench.sh 2000
#   TANGERANG_BENCH_SLOT=mine bash bench/run_pages_bench.sh 200    # another test slot than "pages"
# A stack on other ports or another var dir (TANGERANG_VAR, TANGERANG_PG_PORT, ... as for scripts/stack.sh) is
# used as it is. Safe to run again: the loader creates only what is missing; the second CKAN stops at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TANGERANG_ROOT=$ROOT
. scripts/stack.env
size=${1:-10000}
port=${TANGERANG_BENCH_PORT:-5030}
[[ "$size" =~ ^[0-9]+$ ]] || { echo "run_pages_bench: the size must be a number of datasets, e.g. 10000." >&2; exit 2; }
if ! curl -fsS "http://127.0.0.1:$TANGERANG_SOLR_PORT/solr/ckan/admin/ping" >/dev/null 2>&1; then
  echo "run_pages_bench: the local stack is not running; start it with: bash scripts/stack.sh start" >&2
  exit 1
fi
if curl -fsS "http://127.0.0.1:$port/" >/dev/null 2>&1; then
  echo "run_pages_bench: port $port is busy; set TANGERANG_BENCH_PORT to a free port." >&2
  exit 1
fi
slot=${TANGERANG_BENCH_SLOT:-pages}
TANGERANG_TEST_SLOT=$slot bash scripts/stack.sh prepare-tests >/dev/null
# shellcheck disable=SC1090
. "$TANGERANG_VAR/test-$slot.env"
export CKAN_SITE_URL="http://127.0.0.1:$port"
ini="$TANGERANG_VAR/ckan.ini"
log="$TANGERANG_VAR/log/bench-$slot.log"
# Scripts through the venv's own python: a venv whose scripts' first line names another venv (a git worktree's
# copy) still runs this checkout's code.
py="$TANGERANG_VENV/bin/python"
echo "[bench] migrating the benchmark database (log: $log)"
{ "$py" "$TANGERANG_VENV/bin/ckan" -c "$ini" db init \
  && "$py" "$TANGERANG_VENV/bin/ckan" -c "$ini" db pending-migrations --apply; } >>"$log" 2>&1
echo "[bench] loading $size datasets"
"$TANGERANG_VENV/bin/python" bench/load_catalogue.py --config "$ini" --size "$size" 2>>"$log"
echo "[bench] starting a second CKAN on $CKAN_SITE_URL ($TANGERANG_WEB_WORKERS workers)"
CKAN_INI="$ini" "$py" -m gunicorn --workers "$TANGERANG_WEB_WORKERS" \
  --bind "127.0.0.1:$port" --timeout 120 ckanext.tangerang.wsgi:application >>"$log" 2>&1 &
web=$!
trap 'kill "$web" 2>/dev/null; wait "$web" 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  curl -fsS "$CKAN_SITE_URL/api/3/action/status_show" >/dev/null 2>&1 && break
  sleep 0.5
done
label=$(printf '%s' "$size" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
"$TANGERANG_VENV/bin/python" bench/pages.py --base "$CKAN_SITE_URL" --section "## Page server time at $label datasets" \
  --catalogue "bench/load_catalogue.py: $label generated datasets, 80% terbuka, 15% terbatas, 5% tertutup"
"$TANGERANG_VENV/bin/python" bench/search_api.py --base "$CKAN_SITE_URL" --section "## package_search at $label datasets"
"$TANGERANG_VENV/bin/python" bench/dashboard.py --config "$ini" --base "$CKAN_SITE_URL" \
  --section "## Stewards' dashboard at $label datasets" 2>>"$log"
"$TANGERANG_VENV/bin/python" bench/catalog_actions.py --base "$CKAN_SITE_URL" \
  --section "## Catalogue actions at $label datasets"
