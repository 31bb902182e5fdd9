# Sourced by the bench scripts: the repository root, the stack's settings, and test slot $1 prepared and loaded
# (its own databases, Solr core and Redis db; the demo database is untouched).
#   . "$(dirname "${BASH_SOURCE[0]}")/slot.sh" bench
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TANGERANG_ROOT=$ROOT
# shellcheck disable=SC1091
. scripts/stack.env
TANGERANG_TEST_SLOT=$1 bash scripts/stack.sh prepare-tests >/dev/null
# shellcheck disable=SC1090
. "var/test-$1.env"
