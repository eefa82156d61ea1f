#!/usr/bin/env bash
# fixture_core_test.sh — the gdb scripts on a core of one known-state crash
# fixture (tests/fixtures, libmap-crash-fixture MODE): runs it in its own
# temporary directory with `ulimit -c unlimited` (its oracle JSON on
# stdout, a real race, abort, core), runs libmap-coredump --json on the core
# when the analyzer is given, then fixture_test.py in gdb --batch, which
# compares the gdb scripts with the oracle and with the analyzer.
# Usage: fixture_core_test.sh FIXTURE MODE FIXTURE_TEST_PY [LIBMAP_COREDUMP]
# Exit 77: skipped (no core file written).
set -u
FIXTURE=$(realpath "$1") MODE=$2 TEST=$(realpath "$3") ANALYZER=${4:+$(realpath "$4")}
GDB=${GDB:-gdb}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/libmap-gdb-fixture.XXXXXX")
[[ "${LIBMAP_KEEP_TMP:-0}" == 1 ]] && echo "keeping $TMP" || trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
ulimit -c unlimited
{ "$FIXTURE" "$MODE" >oracle.json 2>stderr.txt; } 2>/dev/null
rc=$?
[[ $rc == 134 ]] || { cat stderr.txt; echo "FAIL: fixture exited $rc, expected 134"; exit 1; }
[[ -f core ]] || { echo "SKIP: no core file (core_pattern: $(cat /proc/sys/kernel/core_pattern))"; exit 77; }
if [[ -n "$ANALYZER" && -x "$ANALYZER" ]]; then
    "$ANALYZER" --json "$FIXTURE" core >coredump.json 2>coredump.err
    acode=$?
    # 0: verified, 1: verification failures (damaged fixtures); anything else is broken
    if [[ $acode -gt 1 ]]; then
        cat coredump.err; echo "FAIL: libmap-coredump --json exited $acode"; exit 1
    fi
    export COREDUMP_JSON=$TMP/coredump.json
else
    echo "note: no libmap-coredump given: cross-check skipped"
fi
# no symbol table at all (the stripped static fixture): frames have no names
readelf -S "$FIXTURE" 2>/dev/null | grep -q '\.symtab' || export LIBMAP_TEST_NO_SYMBOLS=1
ORACLE=$TMP/oracle.json "$GDB" --batch -nx -x "$TEST" "$FIXTURE" core
