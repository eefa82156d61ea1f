#!/bin/sh
# test-record-concurrent.sh — libmap-record records only the process tree it
# starts, and recorders share one session daemon.
#  1. No daemon running: four `libmap-record --flight` runs at once, one per
#     natural-race kind. Each exits 134 with exactly one snapshot holding
#     only its own process's events and one libmap:panic from one of its two
#     threads; one of them started lttng-sessiond and the last one to end
#     stopped it (no daemon is left in the sandbox).
#  2. With the test's own daemon: a foreign natural-race (probe preloaded,
#     registered with the daemon) panics while a flight recording runs. A
#     control session of the test's sees that panic; the recorder's trigger
#     does not fire for it and its snapshot holds none of its events.
. "$(dirname "$0")/lib.sh"

ulimit -c 0 # six programs abort here; no core files

# check_own_snapshot N: run N's stderr names exactly one snapshot, in which
# every event comes from the pid run N's natural-race printed, with exactly
# one libmap:panic from one of its two threads.
check_own_snapshot() {
    out=$WORK/run$1.out err=$WORK/run$1.err txt=$WORK/run$1.txt
    n=$(grep -c '^libmap-record: snapshot: ' "$err" || true)
    [ "$n" = 1 ] || { cat "$err"; fail "run $1: $n snapshot lines, expected 1"; }
    snap=$(sed -n 's/^libmap-record: snapshot: //p' "$err")
    babeltrace2 "$snap" >"$txt" 2>"$WORK/run$1.bt.err" || fail "babeltrace2 cannot read $snap"
    pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' "$out")
    tid_a=$(sed -n 's/.* tid_a=\([0-9]*\) .*/\1/p' "$out")
    tid_b=$(sed -n 's/.* tid_b=\([0-9]*\)$/\1/p' "$out")
    [ -n "$pid" ] && [ -n "$tid_a" ] && [ -n "$tid_b" ] || fail "run $1: natural-race printed: $(cat "$out")"
    events=$(grep -c ' libmap:' "$txt" || true)
    own=$(grep ' libmap:' "$txt" | grep -c "vpid = $pid," || true)
    panics=$(count panic "$txt")
    note "run $1 (pid $pid): $events events, $own from pid $pid, $panics panic"
    [ "$events" -gt 0 ] || fail "run $1: empty snapshot"
    [ "$own" = "$events" ] || {
        grep ' libmap:' "$txt" | grep -v "vpid = $pid," | head -n 3 >&2
        fail "run $1: $((events - own)) events from other processes"
    }
    [ "$panics" = 1 ] || fail "run $1: $panics libmap:panic events, expected 1"
    tid=$(grep ' libmap:panic: ' "$txt" | sed -n 's/.* tid = \([0-9]*\),.*/\1/p')
    [ "$tid" = "$tid_a" ] || [ "$tid" = "$tid_b" ] \
        || fail "run $1: panic tid $tid is neither $tid_a nor $tid_b"
}

note "four flight recorders at once, no daemon running"
lttng list >/dev/null 2>&1 && fail "a session daemon is reachable before the test"
i=0
pids=
for kind in write-write clear-lookup iterate-assign callback; do
    i=$((i + 1))
    "$RECORD" --flight -o "$WORK/flight$i" -- "$NATURAL" "$kind" 20 \
        >"$WORK/run$i.out" 2>"$WORK/run$i.err" &
    pids="$pids $!"
done
i=0
for p in $pids; do
    i=$((i + 1))
    set +e; wait "$p"; rc=$?; set -e
    sed "s/^/    run $i: /" "$WORK/run$i.err"
    [ "$rc" = 134 ] || fail "run $i: libmap-record returned $rc, expected 134"
done
for i in 1 2 3 4; do
    check_own_snapshot "$i"
done
started=$(cat "$WORK"/run?.err | sed -n 's/^libmap-record: started lttng-sessiond (pid \([0-9]*\))$/\1/p')
[ "$(echo "$started" | grep -c .)" = 1 ] || fail "expected one run to start lttng-sessiond, got: $started"
stops=$(cat "$WORK"/run?.err | grep -c '^libmap-record: stopped .*lttng-sessiond' || true)
note "lttng-sessiond $started started by one run, stopped by $stops"
[ "$stops" = 1 ] || fail "$stops runs stopped the daemon, expected 1 (the last)"
alive "$started" && fail "lttng-sessiond $started is still running"
lttng list >/dev/null 2>&1 && fail "a session daemon is still reachable: $(lttng list 2>&1)"

note "a foreign process panics during a recording, with the test's own daemon"
start_sessiond
lttng create control --output="$WORK/control" >/dev/null
lttng enable-event -u --session=control libmap:panic >/dev/null
lttng add-context -u --session=control --type=vpid >/dev/null
lttng start control >/dev/null
"$RECORD" --flight -o "$WORK/flight-f" -- sh -c \
    'while [ ! -e "$1" ]; do sleep 0.02; done; exec "$2" write-write 20' \
    sh "$WORK/foreign-done" "$NATURAL" >"$WORK/run5.out" 2>"$WORK/run5.err" &
rec=$!
i=0
until grep -q recording "$WORK/run5.err" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -le 500 ] || fail "libmap-record did not start recording"; sleep 0.02
done
set +e
env -u LTTNG_UST_REGISTER_TIMEOUT LD_PRELOAD="$PROBE" "$NATURAL" write-write 20 \
    >"$WORK/foreign.out" 2>"$WORK/foreign.err"
rc=$?
set -e
[ "$rc" = 134 ] || fail "the foreign natural-race returned $rc, expected 134"
foreign=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' "$WORK/foreign.out")
sleep 1 # the time a trigger's snapshot would take to appear
early=$(ls "$WORK/flight-f" | grep -c '^snapshot-' || true)
touch "$WORK/foreign-done"
set +e; wait "$rec"; rc=$?; set -e
sed 's/^/    run 5: /' "$WORK/run5.err"
lttng destroy control >/dev/null
babeltrace2 "$WORK/control" >"$WORK/control.txt" 2>/dev/null || fail "babeltrace2 cannot read the control session"
seen=$(grep ' libmap:panic: ' "$WORK/control.txt" | grep -Ec "vpid = $foreign[^0-9]" || true)
note "foreign natural-race pid $foreign: panics in the control session $seen, snapshots during its run $early"
[ "$seen" = 1 ] || fail "the control session saw $seen panics of the foreign process: it did not register"
[ "$early" = 0 ] || fail "the recorder's trigger fired for the foreign process's panic"
[ "$rc" = 134 ] || fail "run 5: libmap-record returned $rc, expected 134"
check_own_snapshot 5
grep -Eq "vpid = $foreign[^0-9]" "$WORK/run5.txt" && fail "the snapshot holds the foreign process's events"
alive "$SESSIOND_PID" || fail "libmap-record stopped the test's daemon"
[ -z "$(lttng list | grep libmap-record)" ] || fail "a session was left behind"
[ -z "$(lttng list-triggers | grep libmap-record)" ] || fail "a trigger was left behind"
stop_sessiond
echo PASS
