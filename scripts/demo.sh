#!/usr/bin/env bash
# The README's main command (`make demo`): install what is missing, start the local stack, load the demo
# data, and say where the portal is. Safe to run again: what runs is reused, what exists is kept.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
started=$(date +%s)
bash "$ROOT/scripts/stack.sh" start
TANGERANG_ROOT=$ROOT
. "$ROOT/scripts/stack.env"
CKAN_INI="$TANGERANG_VAR/ckan.ini"
"$TANGERANG_VENV/bin/ckan" -c "$CKAN_INI" tangerang demo 2>>"$TANGERANG_VAR/log/demo.log" \
  || { echo "[demo] ERROR: loading the demo data failed; see $TANGERANG_VAR/log/demo.log" >&2; exit 1; }
# One harvest source per sample application and source type, run through the real queue by the stack's
# consumers; a second run finds everything unchanged and writes nothing.
"$TANGERANG_VENV/bin/ckan" -c "$CKAN_INI" tangerang demo-harvest --upstream "http://127.0.0.1:$TANGERANG_UPSTREAM_PORT" \
  2>>"$TANGERANG_VAR/log/demo.log" \
  || { echo "[demo] ERROR: the demo harvest failed; see $TANGERANG_VAR/log/demo.log and: .venv/bin/ckan -c var/ckan.ini tangerang harvest-report" >&2; exit 1; }
# The public catalogue's downloads (CSV, XLSX, JSON) from the harvested catalogue; the schedulers renew them daily.
"$TANGERANG_VENV/bin/ckan" -c "$CKAN_INI" tangerang catalog export >/dev/null 2>>"$TANGERANG_VAR/log/demo.log" \
  || { echo "[demo] ERROR: the catalogue export failed; see $TANGERANG_VAR/log/demo.log" >&2; exit 1; }
# Last: follow every resource an anonymous visitor finds (stored files and links on the allowed hosts) and screen
# what it serves; personal data behind any public resource fails the demo.
"$TANGERANG_VENV/bin/ckan" -c "$CKAN_INI" tangerang audit-data-pribadi 2>>"$TANGERANG_VAR/log/demo.log" \
  || { echo "[demo] ERROR: personal data behind a public resource (above); see $TANGERANG_VAR/log/demo.log" >&2; exit 1; }
cat <<MSG

  Satu Data Kota Tangerang runs on  http://127.0.0.1:$TANGERANG_CKAN_PORT
  Demo sysadmin:                    $TANGERANG_ADMIN_USER / $TANGERANG_ADMIN_PASSWORD
  API token for that user:          $TANGERANG_VENV/bin/ckan -c $CKAN_INI user token add $TANGERANG_ADMIN_USER demo
  Harvest report:                   $TANGERANG_VENV/bin/ckan -c $CKAN_INI tangerang harvest-report
  Stop everything:                  make stop      (status: make status; logs: $TANGERANG_VAR/log/)
  Ready in $(( $(date +%s) - started )) s.
MSG
