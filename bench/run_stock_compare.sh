#!/usr/bin/env bash
# Side-by-side benchmark against stock CKAN 2.12 (not part of the test suite). Needs the local stack running and
# the test slot "pages" loaded by bench/run_pages_bench.sh at the same size (this script never loads or empties
# it). Beside it, on the same PostgreSQL and Solr, it keeps a stock CKAN 2.12: its own database ckan_bench_stock,
# a copy of the slot's (the same OPDs, datasets, applications, resources and tags, our fields as the package
# extras they are stored as; bench/stock_catalogue.py says why a copy), its own Solr core with CKAN's own
# schema.xml and a minimal solrconfig (bench/stock/), indexed by stock CKAN itself, Redis db 15, and an ini from
# `ckan generate config` with core plugins only (activity), under TANGERANG_BENCH_STOCK_DIR (var/bench-stock).
# It starts both CKANs under gunicorn with the same workers and settings (ours on TANGERANG_BENCH_PORT 5030,
# stock on TANGERANG_BENCH_STOCK_PORT 5031), measures them interleaved in one run (bench/stock_compare.py:
# /dataset, /dataset?q=penduduk and ?q=ciledug, a dataset page, package_search for 1 and 10 clients) and writes "## Side by side
# with stock CKAN 2.12 at N datasets" in bench/RESULTS.md.
#   bash bench/run_stock_compare.sh                 # 10,000 datasets
#   bash bench/run_stock_compare.sh 10000 prepare   # only copy and index stock (the first time: see RESULTS.md)
#   TANGERANG_BENCH_STOCK_DIR=/elsewhere bash bench/run_stock_compare.sh
# A stack on other ports or another var dir (TANGERANG_VAR, TANGERANG_PG_PORT, ... as for scripts/stack.sh) is
# used as it is. Safe to run again: the copy is made again only when the slot's catalogue changed, the index gets
# only what it lacks, the ini is made once, and both CKANs stop at the end.
set -euo pipefail
TANGERANG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$TANGERANG_ROOT"
. scripts/stack.env
size=${1:-10000}
mode=${2:-run}
ours_port=${TANGERANG_BENCH_PORT:-5030}
stock_port=${TANGERANG_BENCH_STOCK_PORT:-5031}
slot=${TANGERANG_BENCH_SLOT:-pages}
stock=${TANGERANG_BENCH_STOCK_DIR:-$TANGERANG_VAR/bench-stock}
db=ckan_bench_stock
redis_db=${TANGERANG_BENCH_STOCK_REDIS_DB:-15}
py="$TANGERANG_VENV/bin/python"
ckan=("$py" "$TANGERANG_VENV/bin/ckan")
die() { echo "run_stock_compare: $*" >&2; exit 1; }
[[ "$size" =~ ^[0-9]+$ ]] || die "the size must be a number of datasets, e.g. 10000."
[[ "$mode" =~ ^(run|prepare)$ ]] || die "the second argument is 'prepare' (copy and index stock only) or nothing."
solr="http://127.0.0.1:$TANGERANG_SOLR_PORT/solr"
curl -fsS "$solr/ckan/admin/ping" >/dev/null 2>&1 \
  || die "the local stack is not running; start it with: bash scripts/stack.sh start"
envfile="$TANGERANG_VAR/test-$slot.env"
[ -f "$envfile" ] || die "no test slot '$slot'; load it first with: bash bench/run_pages_bench.sh $size"
loaded=$(. "$envfile" && curl -fsS "$CKAN_SOLR_URL/select?q=dataset_type:dataset&rows=0&wt=json" \
  | "$py" -c 'import json,sys; print(json.load(sys.stdin)["response"]["numFound"])') \
  || die "the slot's Solr core does not answer"
[ "$loaded" -ge "$size" ] || die "the slot '$slot' holds $loaded datasets, not $size: run bench/run_pages_bench.sh $size first"
mkdir -p "$stock/log"
log="$stock/log/bench-stock.log"

echo "[stock] database $db, Solr core $db, Redis db $redis_db, files in $stock (log: $log)"
pg_user=postgres; [ "$(id -u)" = 0 ] || pg_user=$(id -un)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql_su() { as_pg "${TANGERANG_PG_BIN:-/usr/lib/postgresql/15/bin}/psql" -X -q -v ON_ERROR_STOP=1 \
  -h "$TANGERANG_VAR/run/pg" -p "$TANGERANG_PG_PORT" -U "$pg_user" "$@"; }
packages() { psql_su -d "$1" -tAc "SELECT count(*) FROM package WHERE state = 'active'" 2>/dev/null || echo 0; }
# The stock database is a copy of the slot's (bench/stock_catalogue.py says why); a copy that no longer matches
# the slot is made again, and its Solr core emptied.
if [ "$(packages "$db")" != "$(packages "ckan_test_$slot")" ]; then
  echo "[stock] copying the slot's database ckan_test_$slot into $db"
  copied=$SECONDS
  psql_su -d postgres -c "DROP DATABASE IF EXISTS $db" \
    -c "CREATE DATABASE $db TEMPLATE ckan_test_$slot OWNER $TANGERANG_PG_USER" \
    || die "copying ckan_test_$slot failed (is a CKAN of the slot still connected to it?)"
  # Applications become datasets with the extra jenis=aplikasi: stock has no page type for them (its /dataset
  # would fail to link them), and so its /dataset lists them as ours did before issue 13.
  psql_su -d "$db" -c "UPDATE package SET type = 'dataset', extras = coalesce(extras, '{}') || '{\"jenis\": \"aplikasi\"}'
    WHERE type = 'aplikasi'" >/dev/null
  copied=$((SECONDS - copied))
  curl -fsS "$solr/$db/update?commit=true" -H 'Content-Type: text/xml' -d '<delete><query>*:*</query></delete>' \
    >/dev/null 2>&1 || true
fi
# CKAN's own schema; the stop-word, synonym and protected-word files it names stay empty, as CKAN ships none.
# The core lives in the stack's Solr home (Solr refuses cores elsewhere), whose start copies our configset into
# every core: the conf is therefore written again and the core reloaded on every run.
core="$TANGERANG_VAR/solr/$db"
mkdir -p "$core"
rm -rf "$core/conf"
mkdir "$core/conf"
cp "$TANGERANG_VENV/lib/python3.11/site-packages/ckan/config/solr/schema.xml" bench/stock/solrconfig.xml "$core/conf/"
touch "$core/conf/synonyms.txt" "$core/conf/protwords.txt" "$core/conf/stopwords.txt"
if curl -fsS "$solr/$db/admin/ping" >/dev/null 2>&1; then
  curl -fsS "$solr/admin/cores?action=RELOAD&core=$db" >/dev/null || die "Solr could not reload the core $db"
else
  curl -fsS "$solr/admin/cores?action=CREATE&name=$db&instanceDir=$core" >/dev/null \
    || die "could not create the Solr core $db; see $TANGERANG_VAR/log/solr.log"
fi
ini="$stock/ckan.ini"
pg="postgresql://$TANGERANG_PG_USER:$TANGERANG_PG_PASSWORD@127.0.0.1:$TANGERANG_PG_PORT"
if [ ! -f "$ini" ]; then
  "${ckan[@]}" generate config "$ini" >>"$log" 2>&1
  "${ckan[@]}" config-tool "$ini" "sqlalchemy.url=$pg/$db" "solr_url=$solr/$db" \
    "ckan.redis.url=redis://127.0.0.1:$TANGERANG_REDIS_PORT/$redis_db" "ckan.site_url=http://127.0.0.1:$stock_port" \
    "ckan.storage_path=$stock/storage" "ckan.plugins=activity" >>"$log" 2>&1
fi
# Stock reads only its ini: none of the slot's CKAN_* variables may reach it.
stock_env=(env -u CKAN_SQLALCHEMY_URL -u CKAN_DATASTORE_WRITE_URL -u CKAN_DATASTORE_READ_URL -u CKAN_SOLR_URL
  -u CKAN_REDIS_URL -u CKAN_SITE_URL -u CKAN_INI)
echo "[stock] migrating the stock database"
{ "${stock_env[@]}" "${ckan[@]}" -c "$ini" db init \
  && "${stock_env[@]}" "${ckan[@]}" -c "$ini" db pending-migrations --apply; } >>"$log" 2>&1 \
  || die "migrating $db failed; see $log"

echo "[stock] indexing it with stock CKAN (only what its core lacks)"
jobs=${TANGERANG_BENCH_STOCK_JOBS:-2}
started=$SECONDS
indexers=()
for shard in $(seq 0 $((jobs - 1))); do
  "${stock_env[@]}" "$py" bench/stock_catalogue.py --config "$ini" --shard "$shard/$jobs" 2>>"$log" &
  indexers+=($!)
done
trap 'kill "${indexers[@]}" 2>/dev/null || true' EXIT
for pid in "${indexers[@]}"; do wait "$pid" || die "indexing stock CKAN failed; see $log"; done
trap - EXIT
echo "[stock] indexed in $((SECONDS - started)) s ($jobs processes)"
# How long a fresh stock copy took, for RESULTS.md (kept until the next fresh copy).
if [ -n "${copied:-}" ]; then
  echo "Preparing stock at this size: the database copy took ${copied} s, its indexing by stock CKAN" \
    "$((SECONDS - started)) s in $jobs processes (load average $(cut -d' ' -f2 /proc/loadavg) at the end)." \
    >"$stock/prepared.txt"
fi
[ "$mode" = prepare ] && exit 0
# shellcheck disable=SC1090
. "$envfile"
ours_ini="$TANGERANG_VAR/ckan.ini"

for port in "$ours_port" "$stock_port"; do
  ! curl -fsS "http://127.0.0.1:$port/" >/dev/null 2>&1 || die "port $port is busy; set TANGERANG_BENCH_PORT / TANGERANG_BENCH_STOCK_PORT."
done
echo "[stock] starting ours on $ours_port and stock on $stock_port ($TANGERANG_WEB_WORKERS workers each)"
# The same gunicorn command for both; ckanext.tangerang.wsgi is CKAN's documented three-line make_app of CKAN_INI.
gunicorn=(-m gunicorn --workers "$TANGERANG_WEB_WORKERS" --timeout 120 ckanext.tangerang.wsgi:application)
CKAN_INI="$ours_ini" CKAN_SITE_URL="http://127.0.0.1:$ours_port" "$py" "${gunicorn[@]}" \
  --bind "127.0.0.1:$ours_port" >>"$log" 2>&1 &
ours=$!
"${stock_env[@]}" CKAN_INI="$ini" "$py" "${gunicorn[@]}" --bind "127.0.0.1:$stock_port" >>"$log" 2>&1 &
theirs=$!
trap 'kill "$ours" "$theirs" 2>/dev/null; wait "$ours" "$theirs" 2>/dev/null || true' EXIT
for port in "$ours_port" "$stock_port"; do
  for _ in $(seq 1 240); do
    curl -fsS "http://127.0.0.1:$port/api/3/action/status_show" >/dev/null 2>&1 && break
    sleep 0.5
  done
done
label=$(printf '%s' "$size" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
"$py" bench/stock_compare.py --ours "http://127.0.0.1:$ours_port" --stock "http://127.0.0.1:$stock_port" \
  --workers "$TANGERANG_WEB_WORKERS" --note "$(cat "$stock/prepared.txt" 2>/dev/null || true)" --section "## Side by side with stock CKAN 2.12 at $label datasets"
