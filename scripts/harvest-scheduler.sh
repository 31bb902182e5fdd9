#!/usr/bin/env bash
# The local stack's harvest scheduler: what cron does in production (docker-compose's scheduler service).
# Every TANGERANG_SCHEDULER_INTERVAL seconds `ckan harvester run` starts the jobs that are due by their
# source's frequency and closes finished ones. Usage: harvest-scheduler.sh CKAN_BIN CKAN_INI
set -u
ckan_bin=$1
ini=$2
interval=${TANGERANG_SCHEDULER_INTERVAL:-60}
while true; do
  "$ckan_bin" -c "$ini" harvester run || echo "harvester run failed with exit $?; trying again in ${interval}s" >&2
  sleep "$interval"
done
