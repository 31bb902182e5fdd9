#!/usr/bin/env bash
# The local stack of ckanext-tangerang: PostgreSQL 15, Redis, Solr 9 (embedded Jetty), CKAN 2.12 with its
# harvest consumers, job worker and harvest scheduler, and the sample upstream server. Everything listens on
# 127.0.0.1 and keeps its data under var/ (git-ignored).
#
#   scripts/stack.sh install   venv and packages, Solr jars, Debian packages (as root)
#   scripts/stack.sh start     install, then start what is not running yet (safe to repeat)
#   scripts/stack.sh services  install, then start only PostgreSQL, Redis and Solr (what the tests need)
#   scripts/stack.sh restart-ckan  stop and start CKAN's processes (web, consumers, worker, scheduler) only
#   scripts/stack.sh stop      stop exactly what this script started (pid files in var/run)
#   scripts/stack.sh status    say what runs
#
# The Makefile's `demo` and `test` targets are the two commands of the README.
set -euo pipefail

TANGERANG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TANGERANG_ROOT
# shellcheck source=scripts/stack.env
. "$TANGERANG_ROOT/scripts/stack.env"

# The stack owns its config files: variables that CKAN would read in preference to them must not leak in
# from the caller's shell (scripts/test.sh sets them for the suite only).
unset CKAN_INI CKAN_SQLALCHEMY_URL CKAN_DATASTORE_WRITE_URL CKAN_DATASTORE_READ_URL CKAN_SOLR_URL CKAN_REDIS_URL \
  CKAN_SITE_URL CKAN_SITE_ID CKAN_STORAGE_PATH

VAR="$TANGERANG_VAR"
RUN="$VAR/run"
LOG="$VAR/log"
PY="$TANGERANG_VENV/bin/python"
CKAN_BIN="$TANGERANG_VENV/bin/ckan"
CKAN_INI="$VAR/ckan.ini"
PG_BIN="${TANGERANG_PG_BIN:-/usr/lib/postgresql/15/bin}"
PGDATA="$VAR/pg"
PG_SOCK="$RUN/pg"
SOLR_HOME="$VAR/solr"
LAUNCHER="$TANGERANG_ROOT/solr/launcher"

say() { printf '%s\n' "[stack] $*"; }
die() { printf '%s\n' "[stack] ERROR: $*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

# ---------------------------------------------------------------------------------------------------------
# Prerequisites
# ---------------------------------------------------------------------------------------------------------
# What the stack needs from Debian, as "how to tell it is there:package".
DEBIAN_NEEDS=(
  "$PG_BIN/initdb:postgresql-15"
  "cmd:redis-server:redis-server"
  "cmd:java:default-jdk-headless"
  "cmd:mvn:maven"
  "cmd:pg_config:libpq-dev"
  "cmd:curl:curl"
  "cmd:chromium:chromium"
  "cmd:docker-compose:docker-compose"
  "/usr/lib/x86_64-linux-gnu/libmagic.so.1:libmagic1"
)

missing_debs() {
  local need what pkg
  for need in "${DEBIAN_NEEDS[@]}"; do
    pkg=${need##*:}
    what=${need%:*}
    case "$what" in
      cmd:*) command -v "${what#cmd:}" >/dev/null 2>&1 || echo "$pkg" ;;
      *) [ -e "$what" ] || echo "$pkg" ;;
    esac
  done
}

install_debs() {
  command -v dpkg-query >/dev/null || return 0
  local missing
  mapfile -t missing < <(missing_debs | sed '/^$/d')
  [ "${#missing[@]}" -eq 0 ] && return 0
  if is_root; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >"$LOG/apt.log" 2>&1 || die "apt-get update failed (see $LOG/apt.log): check the network to the Debian mirror."
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$LOG/apt.log" 2>&1 \
      || die "apt-get install ${missing[*]} failed (see $LOG/apt.log)."
  else
    die "missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}"
  fi
}

check_tools() {
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 is not installed ($PG_BIN/initdb missing): apt-get install postgresql-15, or set TANGERANG_PG_BIN."
  command -v redis-server >/dev/null || die "redis-server is missing: apt-get install redis-server."
  command -v java >/dev/null || die "Java is missing: apt-get install default-jdk-headless (Java 17 or newer)."
  command -v mvn >/dev/null || die "Maven is missing: apt-get install maven."
  local jv
  jv=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  [ "${jv:-0}" -ge 17 ] || die "Java $jv is too old for Solr 9: install Java 17 or newer."
  command -v python3 >/dev/null || die "python3 is missing: install Python 3.10 or newer."
}

stamp_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

install_python() {
  local want have
  want=$(stamp_of "$TANGERANG_ROOT"/requirements/*.txt "$TANGERANG_ROOT/pyproject.toml" "$TANGERANG_ROOT/setup.py")
  have=$(cat "$TANGERANG_VENV/.tangerang-stamp" 2>/dev/null || true)
  if [ -x "$PY" ] && [ "$want" = "$have" ]; then return 0; fi
  say "installing Python packages into $TANGERANG_VENV (log: $LOG/pip.log)"
  [ -x "$PY" ] || python3 -m venv "$TANGERANG_VENV" || die "python3 -m venv failed: apt-get install python3-venv."
  {
    "$PY" -m pip install -q --upgrade "pip==25.3" "setuptools==80.9.0" wheel &&
      "$PY" -m pip install -q -c "$TANGERANG_ROOT/requirements/constraints.txt" -r "$TANGERANG_ROOT/requirements/dev.txt" &&
      "$PY" -m pip install -q -c "$TANGERANG_ROOT/requirements/constraints.txt" --no-deps -e "$TANGERANG_ROOT"
  } >"$LOG/pip.log" 2>&1 || die "pip install failed (see $LOG/pip.log): check access to PyPI."
  echo "$want" >"$TANGERANG_VENV/.tangerang-stamp"
}

install_solr() {
  local want have target="$LAUNCHER/target"
  want=$(stamp_of "$LAUNCHER/pom.xml" "$LAUNCHER"/src/main/java/id/go/tangerangkota/solr/*.java)
  have=$(cat "$target/.stamp" 2>/dev/null || true)
  if [ "$want" = "$have" ] && [ -s "$target/classpath.txt" ]; then return 0; fi
  say "fetching Solr 9.10.1 jars through Maven (cached in ~/.m2; log: $LOG/maven.log)"
  mkdir -p "$target/classes"
  (cd "$LAUNCHER" && mvn -q -B dependency:build-classpath -Dmdep.outputFile="$target/classpath.txt") \
    >"$LOG/maven.log" 2>&1 || die "Maven could not fetch solr-test-framework 9.10.1 (see $LOG/maven.log): check access to Maven Central."
  javac -d "$target/classes" -cp "$(cat "$target/classpath.txt")" \
    "$LAUNCHER"/src/main/java/id/go/tangerangkota/solr/*.java >>"$LOG/maven.log" 2>&1 \
    || die "compiling the Solr launcher failed (see $LOG/maven.log)."
  echo "$want" >"$target/.stamp"
}

install_node() { # the browser tests' packages (playwright-core, axe-core), pinned in package-lock.json
  [ -f "$TANGERANG_ROOT/package-lock.json" ] || return 0
  local want have
  want=$(stamp_of "$TANGERANG_ROOT/package-lock.json")
  have=$(cat "$TANGERANG_ROOT/node_modules/.tangerang-stamp" 2>/dev/null || true)
  [ "$want" = "$have" ] && return 0
  command -v npm >/dev/null || die "npm is missing: install Node.js 20 (apt-get install nodejs npm)."
  say "installing the browser tests' npm packages (log: $LOG/npm.log)"
  (cd "$TANGERANG_ROOT" && npm ci --no-audit --no-fund) >"$LOG/npm.log" 2>&1 \
    || die "npm ci failed (see $LOG/npm.log): check access to the npm registry."
  echo "$want" >"$TANGERANG_ROOT/node_modules/.tangerang-stamp"
}

cmd_install() {
  mkdir -p "$RUN" "$LOG"
  install_debs
  check_tools
  install_python
  install_solr
  install_node
}

# ---------------------------------------------------------------------------------------------------------
# Process helpers: every process we start has a pid file in var/run; stop uses nothing else.
# ---------------------------------------------------------------------------------------------------------
pid_alive() { local f="$RUN/$1.pid"; [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # name port seconds
  local i
  for ((i = 0; i < $3 * 4; i++)); do
    port_busy "$2" && return 0
    # A daemonizing server (Redis) writes its pid file a moment after it forks: no file yet is not a death.
    if [ -s "$RUN/$1.pid" ] && ! pid_alive "$1"; then die "$1 exited while starting; see $LOG/$1.log"; fi
    sleep 0.25
  done
  die "$1 did not open port $2 within $3 s; see $LOG/$1.log"
}

guard_port() { # name port variable
  if port_busy "$2"; then
    die "port $2 (for $1) is taken by another program: stop it, or choose another port, e.g. $3=$(($2 + 1)) make demo."
  fi
}

spawn() { # name command... : run in its own session, log to var/log/name.log, pid to var/run/name.pid
  local name=$1
  shift
  setsid "$@" >>"$LOG/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

as_pg() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }

# ---------------------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------------------
pg_superuser() { if is_root; then echo postgres; else id -un; fi; }
psql_su() { as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$TANGERANG_PG_PORT" -U "$(pg_superuser)" "$@"; }

ensure_pg_reachable() {
  # initdb and postgres refuse to run as root; as root they run as the postgres system user, which must be
  # able to walk down to var/. A checkout in a private folder (mktemp -d is 0700) would stop it there, so
  # we grant search (x, not read) on the ancestors that lack it and say so.
  is_root || return 0
  local d="$VAR"
  while [ "$d" != "/" ]; do
    if ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
      say "granting search permission (o+x) on $d so that the postgres user can reach var/pg"
      chmod o+x "$d"
    fi
    d=$(dirname "$d")
  done
}

start_pg() {
  if pid_alive postgres; then return 0; fi
  guard_port postgres "$TANGERANG_PG_PORT" TANGERANG_PG_PORT
  mkdir -p "$PG_SOCK"
  ensure_pg_reachable
  if is_root; then chown postgres "$PG_SOCK"; fi
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    say "creating the PostgreSQL cluster in $PGDATA"
    mkdir -p "$PGDATA"
    if is_root; then chown postgres "$PGDATA"; fi
    chmod 700 "$PGDATA"
    as_pg "$PG_BIN/initdb" -D "$PGDATA" -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 \
      >"$LOG/initdb.log" 2>&1 || die "initdb failed; see $LOG/initdb.log"
  fi
  : >>"$LOG/postgres.log"
  if is_root; then chown postgres "$LOG/postgres.log"; fi
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$LOG/postgres.log" -w -t 60 start \
    -o "-p $TANGERANG_PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c max_connections=200 -c fsync=${TANGERANG_PG_FSYNC:-on}" \
    >/dev/null || die "PostgreSQL did not start; see $LOG/postgres.log"
  head -1 "$PGDATA/postmaster.pid" >"$RUN/postgres.pid"
  ensure_databases
}

ensure_databases() {
  local u=$TANGERANG_PG_USER
  psql_su -d postgres <<SQL
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', '$u', '$TANGERANG_PG_PASSWORD')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$u') \gexec
SELECT format('CREATE ROLE datastore_ro LOGIN PASSWORD %L', '$TANGERANG_PG_RO_PASSWORD')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'datastore_ro') \gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8''', d, '$u')
  FROM unnest(ARRAY['ckan', 'ckan_test', 'datastore', 'datastore_test', 'upstream', 'upstream_test']) AS d
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d) \gexec
SQL
}

datastore_permissions() { # database, as CKAN's DataStore docs describe (ckan datastore set-permissions)
  local ini=$1 db=$2
  "$PY" "$CKAN_BIN" -c "$ini" datastore set-permissions 2>>"$LOG/ckan-setup.log" | psql_su -d "$db" >/dev/null \
    || die "setting DataStore permissions on $db failed; see $LOG/ckan-setup.log"
}

# ---------------------------------------------------------------------------------------------------------
# Redis and Solr
# ---------------------------------------------------------------------------------------------------------
start_redis() {
  if pid_alive redis; then return 0; fi
  guard_port redis "$TANGERANG_REDIS_PORT" TANGERANG_REDIS_PORT
  mkdir -p "$VAR/redis"
  redis-server --bind 127.0.0.1 --port "$TANGERANG_REDIS_PORT" --dir "$VAR/redis" --daemonize yes \
    --pidfile "$RUN/redis.pid" --logfile "$LOG/redis.log" --save 60 1000 --appendonly no \
    || die "Redis did not start; see $LOG/redis.log"
  wait_port redis "$TANGERANG_REDIS_PORT" 20
}

layout_solr_home() {
  # Two cores on one configset: "ckan" for the portal and "ckan_test" for the test suite, whose fixtures
  # empty their index between tests. Each core's conf is copied from the repo at every start, so schema
  # changes take effect on the next start.
  # Cores made for test slots (prepare-tests) get the same refresh.
  local core dir
  for core in ckan ckan_test; do
    mkdir -p "$SOLR_HOME/$core"
    printf 'name=%s\n' "$core" >"$SOLR_HOME/$core/core.properties"
  done
  for dir in "$SOLR_HOME"/*/; do
    [ -f "$dir/core.properties" ] || continue
    rm -rf "$dir/conf"
    cp -r "$TANGERANG_ROOT/solr/configsets/ckan/conf" "$dir/conf"
  done
  cat >"$SOLR_HOME/solr.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8" ?>
<solr>
  <int name="maxBooleanClauses">${solr.max.booleanClauses:1024}</int>
</solr>
XML
}

start_solr() {
  if pid_alive solr; then return 0; fi
  guard_port solr "$TANGERANG_SOLR_PORT" TANGERANG_SOLR_PORT
  layout_solr_home
  local target="$LAUNCHER/target"
  spawn solr java -Xms256m "-Xmx$TANGERANG_SOLR_HEAP" -XX:+UseG1GC -Dsolr.log.dir="$LOG" \
    -Dsolr.install.dir="$SOLR_HOME" -Dsolr.disableConfigSetsCreateAuthChecks=true \
    -cp "$target/classes:$(cat "$target/classpath.txt")" id.go.tangerangkota.solr.Launcher "$SOLR_HOME" "$TANGERANG_SOLR_PORT"
  wait_port solr "$TANGERANG_SOLR_PORT" 90
  local i
  for ((i = 0; i < 240; i++)); do
    if curl -fsS "http://127.0.0.1:$TANGERANG_SOLR_PORT/solr/ckan/admin/ping?wt=json" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  die "Solr runs but the core 'ckan' does not answer; see $LOG/solr.log"
}

# ---------------------------------------------------------------------------------------------------------
# The sample upstream: stands in for the city's applications (sample data, clearly labelled), with its SQL
# database loaded into our cluster's "upstream" database for the SQL harvester.
# ---------------------------------------------------------------------------------------------------------
start_upstream() {
  if pid_alive upstream; then return 0; fi
  guard_port upstream "$TANGERANG_UPSTREAM_PORT" TANGERANG_UPSTREAM_PORT
  PYTHONPATH="$TANGERANG_ROOT" "$PY" -m sample_upstream \
    --load-sql "postgresql://$TANGERANG_PG_USER:$TANGERANG_PG_PASSWORD@127.0.0.1:$TANGERANG_PG_PORT/upstream" \
    >>"$LOG/upstream.log" 2>&1 || die "loading the sample SQL database failed; see $LOG/upstream.log"
  PYTHONPATH="$TANGERANG_ROOT" spawn upstream "$PY" -m sample_upstream --port "$TANGERANG_UPSTREAM_PORT"
  wait_port upstream "$TANGERANG_UPSTREAM_PORT" 30
}

# ---------------------------------------------------------------------------------------------------------
# CKAN
# ---------------------------------------------------------------------------------------------------------
render_ckan_ini() {
  local want have
  want=$(stamp_of "$TANGERANG_ROOT/config/ckan.options" "$TANGERANG_ROOT/scripts/stack.env"; env | grep '^TANGERANG_' | sort | sha256sum)
  have=$(cat "$VAR/ckan.ini.stamp" 2>/dev/null || true)
  if [ -s "$CKAN_INI" ] && [ "$want" = "$have" ]; then return 0; fi
  if [ ! -s "$CKAN_INI" ]; then
    "$PY" "$CKAN_BIN" generate config "$CKAN_INI" >>"$LOG/ckan-setup.log" 2>&1 || die "ckan generate config failed; see $LOG/ckan-setup.log"
  fi
  local opts=()
  mapfile -t opts < <("$PY" - "$TANGERANG_ROOT/config/ckan.options" <<'PYEOF'
import os, string, sys
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.strip()
    if line and not line.startswith("#"):
        key, _, value = line.partition("=")
        print(f"{key.strip()}={string.Template(value.strip()).substitute(os.environ)}")
PYEOF
  )
  "$PY" "$CKAN_BIN" config-tool "$CKAN_INI" "${opts[@]}" >>"$LOG/ckan-setup.log" 2>&1 || die "ckan config-tool failed; see $LOG/ckan-setup.log"
  echo "$want" >"$VAR/ckan.ini.stamp"
}

ckan() { CKAN_INI="$CKAN_INI" "$PY" "$CKAN_BIN" -c "$CKAN_INI" "$@"; }

setup_ckan_db() {
  say "migrating the CKAN database (core and plugins)"
  {
    ckan db init && ckan db pending-migrations --apply
  } >>"$LOG/ckan-setup.log" 2>&1 || die "CKAN database migration failed; see $LOG/ckan-setup.log"
  datastore_permissions "$CKAN_INI" datastore
  # Activities carry their dataset's current access labels (idempotent; a no-op on a fresh database).
  ckan tangerang relabel-activities >>"$LOG/ckan-setup.log" 2>&1 || die "relabelling activities failed; see $LOG/ckan-setup.log"
  # Harvest sources saved before sources were kept private become private datasets of their OPD (idempotent).
  ckan tangerang harvest-sources-private >>"$LOG/ckan-setup.log" 2>&1 || die "making harvest sources private failed; see $LOG/ckan-setup.log"
  if ! ckan user show "$TANGERANG_ADMIN_USER" 2>/dev/null | grep -q "name=$TANGERANG_ADMIN_USER"; then
    ckan user add "$TANGERANG_ADMIN_USER" email="admin@tangerangkota.go.id" password="$TANGERANG_ADMIN_PASSWORD" \
      fullname="Walidata Diskominfo (demo)" >>"$LOG/ckan-setup.log" 2>&1 || die "creating the demo sysadmin failed; see $LOG/ckan-setup.log"
  fi
  ckan sysadmin add "$TANGERANG_ADMIN_USER" >>"$LOG/ckan-setup.log" 2>&1 || true
}

start_ckan() {
  render_ckan_ini
  if ! pid_alive ckan-web; then
    guard_port ckan "$TANGERANG_CKAN_PORT" TANGERANG_CKAN_PORT
    setup_ckan_db
    say "starting CKAN on http://127.0.0.1:$TANGERANG_CKAN_PORT ($TANGERANG_WEB_WORKERS gunicorn workers)"
    CKAN_INI="$CKAN_INI" spawn ckan-web "$PY" "$TANGERANG_VENV/bin/gunicorn" --workers "$TANGERANG_WEB_WORKERS" \
      --bind "127.0.0.1:$TANGERANG_CKAN_PORT" --timeout 120 --graceful-timeout 20 --max-requests 2000 \
      --max-requests-jitter 200 --access-logfile "$LOG/ckan-access.log" ckanext.tangerang.wsgi:application
    wait_port ckan-web "$TANGERANG_CKAN_PORT" 120
  fi
  pid_alive harvest-gather || CKAN_INI="$CKAN_INI" spawn harvest-gather "$PY" "$CKAN_BIN" -c "$CKAN_INI" tangerang gather-consumer
  local name
  for name in $(fetch_names); do
    pid_alive "$name" || CKAN_INI="$CKAN_INI" spawn "$name" "$PY" "$CKAN_BIN" -c "$CKAN_INI" tangerang fetch-consumer
  done
  for name in $(running_fetch_names); do # fewer consumers asked for than run: stop the surplus
    fetch_names | grep -qx "$name" || stop_one "$name"
  done
  pid_alive jobs-worker || CKAN_INI="$CKAN_INI" spawn jobs-worker "$PY" "$CKAN_BIN" -c "$CKAN_INI" jobs worker
  pid_alive harvest-scheduler || spawn harvest-scheduler bash "$TANGERANG_ROOT/scripts/harvest-scheduler.sh" "$CKAN_BIN" "$CKAN_INI"
  wait_http "http://127.0.0.1:$TANGERANG_CKAN_PORT/api/3/action/status_show" 60
}

wait_http() {
  local i
  for ((i = 0; i < $2 * 4; i++)); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.25
  done
  die "$1 did not answer within $2 s; see $LOG/ckan-web.log"
}

# ---------------------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------------------
cmd_services() {
  cmd_install
  start_pg
  start_redis
  start_solr
  start_upstream
}

slot_redis_db() { # a slot keeps its Redis db; a new slot takes the lowest of 2-15 that no other slot holds
  local envfile=$1 used n
  if [ -f "$envfile" ]; then
    n=$(sed -n 's#^export CKAN_REDIS_URL="redis://[^/]*/\([0-9]*\)"$#\1#p' "$envfile")
    [ -n "$n" ] && { echo "$n"; return; }
  fi
  used=$(sed -n 's#^export CKAN_REDIS_URL="redis://[^/]*/\([0-9]*\)"$#\1#p' "$VAR"/test-*.env 2>/dev/null || true)
  for n in $(seq 2 15); do
    grep -qx "$n" <<<"$used" || { echo "$n"; return; }
  done
  die "Every Redis db (2-15) is taken by a test slot; remove an unused $VAR/test-NAME.env."
}

cmd_prepare_tests() {
  # test.ini names the default ports; the stack may run on others. CKAN reads these variables in preference
  # to its config file, so var/test.env (sourced by scripts/test.sh) points the suite at this stack.
  # TANGERANG_TEST_SLOT=NAME gives a run databases, a Solr core and a Redis db of its own (var/test-NAME.env),
  # so that two suites can run side by side without emptying each other's tables and index.
  local slot=${TANGERANG_TEST_SLOT:-} suffix="" envfile="$VAR/test.env" core=ckan_test redis_db=1
  if [ -n "$slot" ]; then
    [[ "$slot" =~ ^[a-z0-9]+$ ]] || die "TANGERANG_TEST_SLOT must be lower-case letters and digits."
    suffix="_$slot" envfile="$VAR/test-$slot.env" core="ckan_test_$slot"
    redis_db=$(slot_redis_db "$envfile")
  fi
  local pg="postgresql://$TANGERANG_PG_USER:$TANGERANG_PG_PASSWORD@127.0.0.1:$TANGERANG_PG_PORT"
  cat >"$envfile" <<ENV
export CKAN_SQLALCHEMY_URL="$pg/ckan_test$suffix"
export CKAN_DATASTORE_WRITE_URL="$pg/datastore_test$suffix"
export CKAN_DATASTORE_READ_URL="postgresql://datastore_ro:$TANGERANG_PG_RO_PASSWORD@127.0.0.1:$TANGERANG_PG_PORT/datastore_test$suffix"
export CKAN_SOLR_URL="http://127.0.0.1:$TANGERANG_SOLR_PORT/solr/$core"
export CKAN_REDIS_URL="redis://127.0.0.1:$TANGERANG_REDIS_PORT/$redis_db"
export TANGERANG_LIVE_URL="http://127.0.0.1:$TANGERANG_CKAN_PORT"
export TANGERANG_TEST_SQL_URL="$pg/upstream_test$suffix"
ENV
  ensure_databases
  if [ -n "$slot" ]; then
    local d
    for d in ckan_test datastore_test upstream_test; do
      psql_su -d postgres <<SQL
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8''', '$d$suffix', '$TANGERANG_PG_USER')
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$d$suffix') \gexec
SQL
    done
  fi
  # The test core gets the repo's configset now (a schema change needs no Solr restart for tests).
  mkdir -p "$SOLR_HOME/$core"
  rm -rf "$SOLR_HOME/$core/conf"
  cp -r "$TANGERANG_ROOT/solr/configsets/ckan/conf" "$SOLR_HOME/$core/conf"
  local admin="http://127.0.0.1:$TANGERANG_SOLR_PORT/solr/admin/cores"
  if curl -fsS "http://127.0.0.1:$TANGERANG_SOLR_PORT/solr/$core/admin/ping" >/dev/null 2>&1; then
    curl -fsS "$admin?action=RELOAD&core=$core" >/dev/null || die "Solr could not reload the core $core with the repo's schema; see $LOG/solr.log"
  else
    curl -fsS "$admin?action=CREATE&name=$core&instanceDir=$SOLR_HOME/$core" >/dev/null \
      || die "could not create the Solr core $core; see $LOG/solr.log"
  fi
  (. "$envfile" && datastore_permissions "$TANGERANG_ROOT/test.ini" "datastore_test$suffix")
}

cmd_start() {
  cmd_services
  start_ckan
  say "running: $(running_names)"
}

ALL_NAMES=(harvest-scheduler jobs-worker harvest-fetch harvest-gather ckan-web upstream solr redis postgres)

# The fetch consumers asked for (TANGERANG_FETCH_CONSUMERS): harvest-fetch, harvest-fetch-2, ...
fetch_names() {
  local n=$TANGERANG_FETCH_CONSUMERS i
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 16 ] \
    || die "TANGERANG_FETCH_CONSUMERS must be a whole number from 1 to 16 (it is '$n')."
  echo harvest-fetch
  for ((i = 2; i <= n; i++)); do echo "harvest-fetch-$i"; done
}

# The extra fetch consumers that have a pid file, whatever TANGERANG_FETCH_CONSUMERS says now.
running_fetch_names() {
  local f
  for f in "$RUN"/harvest-fetch-*.pid; do [ -e "$f" ] && basename "$f" .pid; done
  return 0
}

# Every process of the stack: the fixed names and the extra fetch consumers.
all_names() {
  local n
  for n in "${ALL_NAMES[@]}"; do
    echo "$n"
    if [ "$n" = harvest-fetch ]; then running_fetch_names; fi
  done
  return 0
}

running_names() {
  local n out=()
  for n in $(all_names); do pid_alive "$n" && out+=("$n"); done
  echo "${out[*]:-nothing}"
}

stop_one() {
  local name=$1 pid i
  pid_alive "$name" || { rm -f "$RUN/$name.pid"; return 0; }
  pid=$(cat "$RUN/$name.pid")
  if [ "$name" = postgres ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  else
    # Our spawned processes lead their own session: signal the whole group (gunicorn workers, java).
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  fi
  for ((i = 0; i < 80; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name did not stop in 20 s; killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/$name.pid"
  say "stopped $name"
}

cmd_stop() {
  local n
  for n in $(all_names); do stop_one "$n"; done
}

cmd_restart_ckan() { # after a code or config change: CKAN's processes only, the services keep running
  local n
  for n in harvest-scheduler jobs-worker harvest-fetch $(running_fetch_names) harvest-gather ckan-web; do stop_one "$n"; done
  cmd_start
}

cmd_status() {
  local n rc=0
  for n in $({ all_names; fetch_names; } | awk '!seen[$0]++'); do
    if pid_alive "$n"; then printf '%-18s running (pid %s)\n' "$n" "$(cat "$RUN/$n.pid")"; else printf '%-18s stopped\n' "$n"; rc=3; fi
  done
  return $rc
}

mkdir -p "$RUN" "$LOG"
fetch_names >/dev/null # in this shell, before any command: a bad TANGERANG_FETCH_CONSUMERS stops here with its sentence
case "${1:-}" in
  install) cmd_install ;;
  services) cmd_services ;;
  start) cmd_start ;;
  prepare-tests) cmd_prepare_tests ;;
  restart-ckan) cmd_restart_ckan ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) die "usage: scripts/stack.sh install|services|start|restart-ckan|prepare-tests|stop|status" ;;
esac
