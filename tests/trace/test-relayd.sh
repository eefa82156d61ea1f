#!/bin/sh
# test-relayd.sh — streaming to a local lttng-relayd on loopback (the test's
# own, on free ports, output in $WORK/relay) with the test's own daemon:
#  1. --relayd: the trace arrives in the relay daemon's output directory and
#     babeltrace2 reads there exactly the events the program made;
#  2. --live: babeltrace2 lists the live session while the program runs, a
#     live reader attached meanwhile receives the events and ends when the
#     session is destroyed.
. "$(dirname "$0")/lib.sh"

start_sessiond
start_relayd "$WORK/relay"
url="net://127.0.0.1:$CTRL_PORT:$DATA_PORT"
host=$(hostname)

note "streaming to $url"
"$RECORD" --session stream-test --relayd "$url" -- "$OPS" 5000 100 200 0 >"$WORK/ops.out" \
    2>"$WORK/stream.err" || { cat "$WORK/stream.err"; fail "libmap-record --relayd failed"; }
cat "$WORK/stream.err"
grep -q "trace streamed to $url" "$WORK/stream.err" || fail "libmap-record did not say where the trace went"
set -- "$WORK/relay/$host"/stream-test-*
[ -d "$1" ] || { find "$WORK/relay" | head; fail "no stream-test-* directory under $WORK/relay/$host"; }
babeltrace2 "$1" >"$WORK/stream.txt" 2>&1 || fail "babeltrace2 cannot read $1"
no_discards "$WORK/stream.txt"
expect_counts "$(cat "$WORK/ops.out")" "$WORK/stream.txt" new free assign delete grow evacuate grow_done

note "live session"
mkfifo "$WORK/go"
"$RECORD" --session live-test --live=100000 --relayd "$url" -- "$OPS" 3000 0 0 0 hold \
    <"$WORK/go" >"$WORK/live-ops.out" 2>"$WORK/live.err" &
record_pid=$!
exec 3>"$WORK/go"
i=0
until grep -q ready "$WORK/live-ops.out" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -le 500 ] || fail "the traced program did not start"; sleep 0.02
done
live_url="net://127.0.0.1:$LIVE_PORT"
babeltrace2 --input-format=lttng-live "$live_url" >"$WORK/sessions.txt" 2>&1 || true
grep -q "live-test" "$WORK/sessions.txt" || { cat "$WORK/sessions.txt"; fail "the live session is not listed"; }
grep -q "net://127.0.0.1/host/$host/live-test" "$WORK/live.err" || fail "libmap-record did not print the live URL"
babeltrace2 --input-format=lttng-live "$live_url/host/$host/live-test" >"$WORK/live.txt" 2>&1 &
reader_pid=$!
sleep 1
echo go >&3
exec 3>&-
wait "$record_pid" || { cat "$WORK/live.err"; fail "libmap-record --live failed"; }
i=0
while alive "$reader_pid"; do
    i=$((i + 1)); [ "$i" -le 1000 ] || { kill "$reader_pid"; fail "the live reader did not end with the session"; }
    sleep 0.02
done
wait "$reader_pid" || fail "the live reader failed: $(tail -n 3 "$WORK/live.txt")"
expect_counts "$(cat "$WORK/live-ops.out" | grep new=)" "$WORK/live.txt" new assign free

stop_relayd
stop_sessiond
echo PASS
