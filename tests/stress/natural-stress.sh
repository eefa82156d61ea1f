#!/bin/sh
# natural-stress.sh NATURAL_RACE RUNS — RUNS natural races of each kind the
# issue names (writer+reader, writer+iterator, two writers on a map growing
# from empty, clear+lookup). A run passes when libmap aborted (status 134)
# with Go's message and the line naming both threads the program printed.
# Anything else is counted and fails the test: a SIGSEGV or another signal
# (the crash the end check and the retirement list exist to prevent), a
# silent run (no race seen within 20 s), a report naming other threads.
set -u
prog=$1 runs=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/libmap-stress.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
bad=0
for kind in assign-lookup iterate-assign grow clear-lookup; do
    reported=0 segv=0 silent=0 other=0 wrong=0
    i=0
    while [ "$i" -lt "$runs" ]; do
        i=$((i + 1))
        "$prog" "$kind" 20 >"$tmp/out" 2>"$tmp/err"
        rc=$?
        case $rc in
            134)
                tid_a=$(sed -n 's/.* tid_a=\([0-9]*\) .*/\1/p' "$tmp/out")
                tid_b=$(sed -n 's/.* tid_b=\([0-9]*\)$/\1/p' "$tmp/out")
                if grep -q "^fatal error: concurrent map" "$tmp/err" &&
                   grep -Eq "by thread ($tid_a|$tid_b) collided with [a-z]+ by thread ($tid_a|$tid_b) " "$tmp/err" &&
                   ! grep -q "by thread $tid_a collided with [a-z]* by thread $tid_a \|by thread $tid_b collided with [a-z]* by thread $tid_b " "$tmp/err"; then
                    reported=$((reported + 1))
                else
                    wrong=$((wrong + 1))
                    echo "$kind run $i: aborted without naming threads $tid_a and $tid_b:"; cat "$tmp/err"
                fi ;;
            139) segv=$((segv + 1)); echo "$kind run $i: SIGSEGV"; tail -n 3 "$tmp/err" ;;
            3) silent=$((silent + 1)); echo "$kind run $i: no race detected within 20 s" ;;
            *) other=$((other + 1)); echo "$kind run $i: exit status $rc"; tail -n 3 "$tmp/err" ;;
        esac
    done
    echo "--- $kind: $runs runs: $reported reported with both TIDs, $segv SIGSEGV, $silent silent, $wrong wrong report, $other other"
    [ "$reported" = "$runs" ] || bad=1
done
[ "$bad" = 0 ] || { echo "FAIL: not every natural race was reported"; exit 1; }
echo "--- every natural race reported with both TIDs"
