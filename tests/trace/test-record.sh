#!/bin/sh
# test-record.sh — normal recording. With the test's own lttng-sessiond:
#  1. `lttng list -u` shows every libmap event while a traced program runs;
#  2. libmap-record -o DIR -- trace-ops ... records exactly as many events of
#     each kind as the program made operations, with no discarded events,
#     with the vtid/vpid/procname contexts, leaves no session and does not
#     stop a daemon it did not start;
#  3. --debug-events adds exactly the lookup and iteration events.
. "$(dirname "$0")/lib.sh"

start_sessiond

note "lttng list -u while a traced program runs"
mkfifo "$WORK/go"
LD_PRELOAD=$PROBE "$OPS" 10 0 0 0 hold <"$WORK/go" >"$WORK/hold.out" &
ops_pid=$!
exec 3>"$WORK/go"
i=0
until grep -q ready "$WORK/hold.out" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -le 500 ] || fail "trace-ops did not start"; sleep 0.02
done
lttng list -u >"$WORK/list.txt"
echo go >&3
exec 3>&-
wait "$ops_pid" || fail "trace-ops failed"
for ev in new free assign delete clear grow evacuate grow_done panic lookup iter_init iterate iter_end; do
    grep -q "libmap:$ev " "$WORK/list.txt" || { cat "$WORK/list.txt"; fail "lttng list -u lacks libmap:$ev"; }
done
grep -q "libmap:lookup (loglevel: TRACE_DEBUG " "$WORK/list.txt" || fail "libmap:lookup is not at DEBUG level"
grep -q "libmap:panic (loglevel: TRACE_CRIT " "$WORK/list.txt" || fail "libmap:panic is not at CRIT level"

note "recording trace-ops 20000 5000 7000 3000"
"$RECORD" -o "$WORK/trace" -- "$OPS" 20000 5000 7000 3000 >"$WORK/ops.out" 2>"$WORK/record.err" \
    || { cat "$WORK/record.err"; fail "libmap-record failed"; }
cat "$WORK/record.err"
grep -q "trace: $WORK/trace" "$WORK/record.err" || fail "libmap-record did not say where the trace is"
grep -q "started lttng-sessiond" "$WORK/record.err" && fail "libmap-record started a daemon though one was running"
alive "$SESSIOND_PID" || fail "libmap-record stopped a daemon it did not start"
[ -z "$(lttng list | grep libmap-record)" ] || fail "a session was left behind"

expected=$(cat "$WORK/ops.out")
babeltrace2 "$WORK/trace" >"$WORK/trace.txt" 2>&1 || fail "babeltrace2 cannot read the trace"
no_discards "$WORK/trace.txt"
expect_counts "$expected" "$WORK/trace.txt" new free assign delete clear grow evacuate grow_done panic
[ "$(count lookup "$WORK/trace.txt")" = 0 ] || fail "debug events recorded without --debug-events"
line=$(grep -m1 " libmap:assign: " "$WORK/trace.txt")
for field in "vtid = " "vpid = " 'procname = "trace-ops"' "map = 0x" "hash = 0x" "bucket = " \
    "result = 1" "count = 1," "B = 0" "start_ns = "; do
    case $line in *"$field"*) ;; *) fail "assign event lacks '$field': $line" ;; esac
done

note "recording with --debug-events"
"$RECORD" -q --debug-events -o "$WORK/trace-debug" -- "$OPS" 2000 0 100 500 >"$WORK/ops2.out" \
    2>"$WORK/record2.err" || { cat "$WORK/record2.err"; fail "libmap-record --debug-events failed"; }
babeltrace2 "$WORK/trace-debug" >"$WORK/debug.txt" 2>&1 || fail "babeltrace2 cannot read the debug trace"
no_discards "$WORK/debug.txt"
expect_counts "$(cat "$WORK/ops2.out")" "$WORK/debug.txt" assign delete lookup iter_init iterate iter_end
found=$(grep " libmap:lookup: " "$WORK/debug.txt" | grep -c "found = 1" || true)
[ "found=$found" = "$(tr ' ' '\n' <"$WORK/ops2.out" | grep '^found=')" ] || fail "lookup found count $found"

stop_sessiond
echo PASS
