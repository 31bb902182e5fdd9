#!/usr/bin/env bash
# The local stack's harvest scheduler: what cron does in production (docker-compose's scheduler service).
# Every TANGERANG_SCHEDULER_INTERVAL seconds `ckan harvester run` starts the jobs that are due by their
# source's frequency and closes finished ones; once a UTC day (07:00 WIB) `ckan tangerang quality refresh` measures
# the datasets' quality scores again (freshness moves with time) and then `ckan tangerang digest send` e-mails each
# OPD its overdue and low-quality datasets, and `ckan tangerang catalog export` writes the public catalogue's
# downloads (/katalog/unduh/katalog.csv, .xlsx, .json) afresh (the day of the last run is kept next to the ini, so a
# restart sends nothing twice); once a night, from TANGERANG_LINKS_HOUR UTC (18, i.e. 01:00 WIB), `ckan tangerang links check
# --enqueue` queues the links not checked for a day as background jobs for the jobs worker (its day kept next to
# the ini as well).
# Usage: harvest-scheduler.sh CKAN_BIN CKAN_INI
set -u
ckan_bin=$1
ini=$2
interval=${TANGERANG_SCHEDULER_INTERVAL:-60}
digest_day="$(dirname "$ini")/digest.day"
links_hour=${TANGERANG_LINKS_HOUR:-18}
links_day="$(dirname "$ini")/links.day"
while true; do
  "$ckan_bin" -c "$ini" harvester run || echo "harvester run failed with exit $?; trying again in ${interval}s" >&2
  today=$(date -u +%F)
  if [ "$(cat "$digest_day" 2>/dev/null)" != "$today" ]; then
    echo "$today" >"$digest_day" # tried once a day, sent or not: a failure is in the log, not retried every minute
    "$ckan_bin" -c "$ini" tangerang quality refresh || echo "quality refresh failed with exit $?" >&2
    "$ckan_bin" -c "$ini" tangerang digest send || echo "digest send failed with exit $?" >&2
    "$ckan_bin" -c "$ini" tangerang catalog export || echo "catalog export failed with exit $?" >&2
  fi
  if [ "$(date -u +%H)" -ge "$links_hour" ] && [ "$(cat "$links_day" 2>/dev/null)" != "$today" ]; then
    echo "$today" >"$links_day"
    "$ckan_bin" -c "$ini" tangerang links check --enqueue --older-than 20 || echo "links check failed with exit $?" >&2
  fi
  sleep "$interval"
done
