#!/usr/bin/env bash
# run_core_test.sh — ctest driver of the gdb core test: runs the crash
# program (gdb_crash) in its own temporary directory with `ulimit -c
# unlimited`, so that its real "concurrent map writes" abort leaves a core
# there, then runs core_test.py in gdb --batch on that core.
# Usage: run_core_test.sh GDB_CRASH CORE_TEST_PY. LIBMAP_KEEP_TMP=1 keeps it.
set -u
CRASH=$(realpath "$1") TEST=$(realpath "$2")
GDB=${GDB:-gdb}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/libmap-gdb-core.XXXXXX")
[[ "${LIBMAP_KEEP_TMP:-0}" == 1 ]] && echo "keeping $TMP" || trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
ulimit -c unlimited
{ "$CRASH" "$TMP/expected.txt" 2>"$TMP/stderr.txt"; } 2>/dev/null
rc=$?
cat "$TMP/stderr.txt"
[[ $rc == 134 ]] || { echo "FAIL: gdb_crash exited $rc, expected 134 (SIGABRT)"; exit 1; }
core=$(ls "$TMP"/core* 2>/dev/null | head -1)
if [[ -z "$core" ]]; then
    pattern=$(cat /proc/sys/kernel/core_pattern)
    if [[ "$pattern" == \|* ]] && command -v coredumpctl >/dev/null; then
        sleep 1
        coredumpctl dump -q -o "$TMP/core" "$CRASH" >/dev/null 2>&1 && core=$TMP/core
    fi
fi
[[ -n "$core" ]] || { echo "SKIP: no core file (core_pattern: $(cat /proc/sys/kernel/core_pattern))"; exit 77; }
EXPECTED="$TMP/expected.txt" "$GDB" --batch -nx -x "$TEST" "$CRASH" "$core"
