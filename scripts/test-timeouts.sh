#!/usr/bin/env bash
# test-timeouts.sh — measure every default-suite test on this machine and
# write the times into tests/timeouts.cmake (each test's timeout is derived
# from them there). Run it on a quiet machine after adding or changing
# tests, in a configured and built tree.
#
# Usage: scripts/test-timeouts.sh [BUILD_DIR]     (default: build)
#        scripts/test-timeouts.sh --from JUNIT    (times from a ctest
#                                                  --output-junit file)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TABLE=$ROOT/tests/timeouts.cmake

case "${1:-}" in
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
if [[ "${1:-}" == --from ]]; then
    junit=${2:?"--from needs a JUnit file"}
else
    build=${1:-$ROOT/build}
    [[ -f "$build/CTestTestfile.cmake" ]] || { echo "test-timeouts.sh: $build is not a configured build tree" >&2; exit 2; }
    junit=$(mktemp "${TMPDIR:-/tmp}/libmap-times.XXXXXX.xml")
    trap 'rm -f "$junit"' EXIT
    ctest --test-dir "$build" -j2 -LE '^(long|bench)$' --output-junit "$junit" >/dev/null || {
        echo "test-timeouts.sh: the suite failed; times are only taken from a passing run" >&2
        exit 1
    }
fi
[[ -s "$junit" ]] || { echo "test-timeouts.sh: $junit is empty or missing" >&2; exit 2; }

# name tenths-rounded-up, sorted by name
rows=$(grep -o '<testcase name="[^"]*"[^>]*time="[0-9.]*"' "$junit" |
    sed -E 's/.*name="([^"]*)".*time="([0-9.]*)"/\1 \2/' |
    awk '{ t = int($2 * 10 + 0.999) / 10; if (t < 0.1) t = 0.1; printf "  %s %.1f\n", $1, t }' |
    sort)
[[ -n "$rows" ]] || { echo "test-timeouts.sh: no test times in $junit" >&2; exit 2; }

tmp=$(mktemp "$TABLE.XXXXXX")
awk -v rows="$rows" '
    /^set\(LIBMAP_TEST_QUIET_SECONDS$/ { print; print rows; skip = 1; next }
    skip && /^\)$/ { skip = 0 }
    !skip { print }' "$TABLE" >"$tmp"
mv "$tmp" "$TABLE"
echo "test-timeouts.sh: $(printf '%s\n' "$rows" | wc -l) test times written to $TABLE"
