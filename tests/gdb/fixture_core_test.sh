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
. "$(dirname "${BASH_SOURCE[0]}")/../common/crash-fixture.sh"
crash_fixture_core gdb-fixture "$FIXTURE" "$MODE"
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
