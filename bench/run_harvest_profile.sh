#!/usr/bin/env bash
# Profile of one harvest job, in process (bench/profile_harvest.py), on the test slot "profile" (its own databases: it may run beside the benchmark).
#   bash bench/run_harvest_profile.sh 500
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TANGERANG_ROOT=$ROOT
. scripts/stack.env
TANGERANG_TEST_SLOT=profile bash scripts/stack.sh prepare-tests >/dev/null
# shellcheck disable=SC1091
. var/test-profile.env
exec "$TANGERANG_VENV/bin/python" bench/profile_harvest.py "$@"
