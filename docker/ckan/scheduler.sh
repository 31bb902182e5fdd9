#!/bin/bash
# The harvest scheduler: one container, never scaled.
#
# Every HARVEST_RUN_INTERVAL seconds `ckan harvester run` marks finished jobs as finished, creates jobs for the
# sources whose frequency (DAILY, WEEKLY, ...) is due and puts new jobs on the gather queue. Once every
# HARVEST_CLEAN_LOG_INTERVAL seconds (a day by default) `ckan harvester clean-harvest-log` drops harvest log rows
# older than ckan.harvest.log_timeframe. Once a UTC day (07:00 WIB) `ckan tangerang quality refresh` measures the
# datasets' quality scores again (freshness moves with time), then `ckan tangerang digest send` e-mails each OPD's
# admins and editors their overdue datasets, and `ckan tangerang catalog export` writes the public catalogue's
# downloads (/katalog/unduh/katalog.*) afresh on the storage volume; the day of the last try is kept on the storage volume, so a restarted
# container sends nothing twice. Once a night, from LINKS_CHECK_HOUR UTC (18, i.e. 01:00 WIB), `ckan tangerang links
# check --enqueue` puts the links not checked for a day on CKAN's job queue in batches, for the worker service to
# check (its day also kept on the volume), so this loop never waits for slow links. After each successful harvester
# run the heartbeat file is touched; the container's health check fails when it grows older than three intervals.
set -uo pipefail

CKAN_INI="${CKAN_INI:-/srv/app/ckan.ini}"
run_interval="${HARVEST_RUN_INTERVAL:-300}"
clean_interval="${HARVEST_CLEAN_LOG_INTERVAL:-86400}"
heartbeat="${SCHEDULER_HEARTBEAT:-/tmp/scheduler.heartbeat}"
digest_day="${DIGEST_DAY_FILE:-/var/lib/ckan/digest.day}"
links_hour="${LINKS_CHECK_HOUR:-18}"
links_day="${LINKS_DAY_FILE:-/var/lib/ckan/links.day}"
last_clean=0

log() {
    echo "[scheduler] $(date -u +%Y-%m-%dT%H:%M:%SZ) $*"
}

# `sleep & wait` keeps the shell responsive to `docker stop`
trap 'log "stopping"; exit 0' TERM INT

log "harvester run every ${run_interval}s, clean-harvest-log every ${clean_interval}s"
while true; do
    if ckan -c "$CKAN_INI" harvester run; then
        touch "$heartbeat"
    else
        log "ckan harvester run failed (exit $?)" >&2
    fi

    now=$(date +%s)
    if (( now - last_clean >= clean_interval )); then
        if ckan -c "$CKAN_INI" harvester clean-harvest-log; then
            last_clean=$now
        else
            log "ckan harvester clean-harvest-log failed (exit $?)" >&2
        fi
    fi

    today=$(date -u +%F)
    if [[ "$(cat "$digest_day" 2>/dev/null)" != "$today" ]]; then
        echo "$today" >"$digest_day" # tried once a day, sent or not: a failure is logged, not retried all day
        ckan -c "$CKAN_INI" tangerang quality refresh || log "ckan tangerang quality refresh failed (exit $?)" >&2
        ckan -c "$CKAN_INI" tangerang digest send || log "ckan tangerang digest send failed (exit $?)" >&2
        ckan -c "$CKAN_INI" tangerang catalog export || log "ckan tangerang catalog export failed (exit $?)" >&2
    fi

    if (( 10#$(date -u +%H) >= links_hour )) && [[ "$(cat "$links_day" 2>/dev/null)" != "$today" ]]; then
        echo "$today" >"$links_day"
        ckan -c "$CKAN_INI" tangerang links check --enqueue --older-than 20 \
            || log "ckan tangerang links check --enqueue failed (exit $?)" >&2
    fi

    sleep "$run_interval" &
    wait $!
done
