#!/usr/bin/env bash
# Page benchmark at a given catalogue size (not part of the test suite). Needs the local stack running
# (bash scripts/stack.sh start). On the test slot "pages" (its own databases, Solr core and Redis db; the demo
# database is untouched) it loads the OPDs, the 172 sample applications and N generated datasets
# (bench/load_catalogue.py, sample data), starts a second CKAN under gunicorn on TANGERANG_BENCH_PORT (5030),
# measures the five pages (bench/pages.py) and package_search for 1 and 10 clients (bench/search_api.py), and
# writes "## Page server time at N datasets" and "## package_search at N datasets" in bench/RESULTS.md.
#   bash bench/run_pages_bench.sh            # 10,000 datasets (first load: about 25 min on 2 cores)
#   bash bench/run_pages_bench.sh 2000
# Safe to run again: the loader creates only what is missing; the second CKAN stops when the script ends.
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
TANGERANG_TEST_SLOT=pages bash scripts/stack.sh prepare-tests >/dev/null
# shellcheck disable=SC1091
. var/test-pages.env
export CKAN_SITE_URL="http://127.0.0.1:$port"
log="$TANGERANG_VAR/log/bench-pages.log"
ckan_bin="$TANGERANG_VENV/bin/ckan"
echo "[bench] migrating the benchmark database (log: $log)"
{ "$ckan_bin" -c var/ckan.ini db init && "$ckan_bin" -c var/ckan.ini db pending-migrations --apply; } >>"$log" 2>&1
echo "[bench] loading $size datasets"
"$TANGERANG_VENV/bin/python" bench/load_catalogue.py --config var/ckan.ini --size "$size" 2>>"$log"
echo "[bench] starting a second CKAN on $CKAN_SITE_URL ($TANGERANG_WEB_WORKERS workers)"
CKAN_INI="$ROOT/var/ckan.ini" "$TANGERANG_VENV/bin/gunicorn" --workers "$TANGERANG_WEB_WORKERS" \
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
