#!/usr/bin/env bash
# The README's test command (`make test`, also what .ci/run calls): install what is missing, start the
# local stack (PostgreSQL, Redis, Solr and CKAN itself: some tests use the running portal), prepare the test
# databases, lint, and run the whole suite against the real services. Extra arguments go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/stack.sh start
bash scripts/stack.sh prepare-tests
# Point CKAN at the test databases, the ckan_test Solr core and Redis db 1 of this stack.
. "${TANGERANG_VAR:-$ROOT/var}/test.env"
echo "[test] ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check . >/dev/null || { .venv/bin/ruff format --diff . | head -40; echo "[test] ruff format: files above need formatting (.venv/bin/ruff format .)"; exit 1; }
echo "[test] pytest"
.venv/bin/pytest -ra "$@"
# The browser tests drive headless Chromium against the running portal (they create and purge their own data).
if [ "$#" -eq 0 ]; then
  echo "[test] browser (node --test, headless Chromium)"
  TANGERANG_LIVE_URL="$TANGERANG_LIVE_URL" node --test --test-concurrency=1 tests/browser/
fi
