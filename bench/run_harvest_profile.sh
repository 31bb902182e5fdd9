#!/usr/bin/env bash
# Profile of one harvest job, in process (bench/profile_harvest.py), on the test slot "profile" (its own databases: it may run beside the benchmark).
#   bash bench/run_harvest_profile.sh 500
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/slot.sh" profile
exec "$TANGERANG_VENV/bin/python" bench/profile_harvest.py "$@"
