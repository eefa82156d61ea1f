#!/bin/sh
# test-demo10.sh [RUNS] — the first "done when": libmap-timeline on
# the flight-recorder snapshot of `libmap-demo race write-write` names the
# two colliding writes and both TIDs, RUNS snapshots out of RUNS (default
# 10). Oracle per run: the demo's `libmap-demo: worker I tid T (writer)`
# lines and libmap's stderr line `map 0xM: OP1 by thread T1 collided with
# OP2 by thread T2 (writer...)`. libmap-record starts and stops its own
# session daemon (inside the sandbox) for each run.
. "$VIEWER_TESTS/lib-viewer.sh"

[ -n "${DEMO:-}" ] && [ -x "$DEMO" ] || { echo "libmap-demo not built: skipping"; exit 77; }
runs=${1:-10}
i=0 named=0 full=0
while [ "$i" -lt "$runs" ]; do
    i=$((i + 1))
    rm -rf "$WORK/fr"
    record demo -q --flight -o "$WORK/fr" -- "$DEMO" race write-write
    expect_rc 134 "$RC" "run $i: libmap-record on libmap-demo"
    workers=$(sed -n 's/^libmap-demo: worker [0-9]* tid \([0-9]*\) (writer)$/\1/p' "$WORK/demo.out" "$WORK/demo.err" | sort -u | paste -sd' ' -)
    line=$(grep -E '^map 0x[0-9a-f]+: [a-z]+ by thread [0-9]+ collided with [a-z]+ by thread [0-9]+' "$WORK/demo.err" | head -n 1)
    [ -n "$line" ] || { cat "$WORK/demo.err"; fail "run $i: libmap's line naming both threads is missing"; }
    map=$(echo "$line" | sed 's/^map \(0x[0-9a-f]*\):.*/\1/')
    det_op=$(echo "$line" | sed 's/^map [^:]*: \([a-z]*\) by thread.*/\1/')
    det_tid=$(echo "$line" | sed 's/.*: [a-z]* by thread \([0-9]*\) collided.*/\1/')
    wr_op=$(echo "$line" | sed 's/.*collided with \([a-z]*\) by thread.*/\1/')
    wr_tid=$(echo "$line" | sed 's/.*collided with [a-z]* by thread \([0-9]*\).*/\1/')
    for t in $det_tid $wr_tid; do
        case " $workers " in *" $t "*) ;; *) fail "run $i: thread $t is not one of the demo's workers ($workers)" ;; esac
    done

    timeline race-$i.txt --race "$TRACE"
    expect_rc 1 "$TL_RC" "run $i: libmap-timeline --race on $TRACE"
    r=$WORK/race-$i.txt
    grep -q "^RACE on map $map (pid [0-9]*): concurrent map writes$" "$r" \
        || { cat "$r"; fail "run $i: the report does not name map $map"; }
    grep -Eq "^  detected by +tid $det_tid \([^)]*\) +$det_op " "$r" \
        || { cat "$r"; fail "run $i: the report does not name the detecting $det_op by $det_tid"; }
    grep -Eq "^  other writer +tid $wr_tid \([^)]*\) +$wr_op " "$r" \
        || { cat "$r"; fail "run $i: the report does not name the other $wr_op by $wr_tid"; }
    grep -Eq "^  panic .* on tid $det_tid .*writer tid $wr_tid $wr_op " "$r" \
        || { cat "$r"; fail "run $i: the panic line"; }
    named=$((named + 1))
    # the other writer's write present as an event (not only from the panic)
    if ! grep -q "^  other writer .*no event" "$r"; then full=$((full + 1)); fi
    note "run $i: $det_op by $det_tid vs $wr_op by $wr_tid on $map: named"
done
note "$named of $runs snapshots name both colliding writes and both TIDs ($full with the other writer's write as an event)"
[ "$named" = "$runs" ] || fail "only $named of $runs"
echo PASS
