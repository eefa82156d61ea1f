#!/bin/sh
# test-live.sh — libmap-timeline on a live session. The test's own
# lttng-sessiond and lttng-relayd (free loopback ports, stopped by PID);
# timeline-load (2 threads, 10000 writes each over about 3 s) runs under
# `libmap-record --live`; libmap-timeline --json attaches to
# net://127.0.0.1:LIVE/host/HOST/SESSION before the program writes, keeps
# reading while it runs, and must end by itself, with status 0 (no race),
# within a bounded time once libmap-record has destroyed the session. Its
# output must name the program's TIDs with their exact assign and delete
# counts (the program's oracle), and no lost events.
# babeltrace2's lttng-live source attaches with LTTNG_VIEWER_SEEK_LAST: a
# reader sees what is streamed after it attached, not the session's start.
# So the program waits ("hold") until the viewer is attached; its maps'
# libmap:new events come before and are not expected, the writes and the
# final libmap:free events are.
. "$VIEWER_TESTS/lib-viewer.sh"

END_LIMIT=${END_LIMIT:-20}   # seconds allowed between the session's end and the viewer's
session=viewer-live
start_sessiond
start_relayd "$WORK/relay"
host=$(hostname)

mkfifo "$WORK/go"
"$RECORD" --session "$session" --live=100000 --relayd "net://127.0.0.1:$CTRL_PORT:$DATA_PORT" \
    -- "$LOAD" 2 10000 3 hold <"$WORK/go" >"$WORK/load.out" 2>"$WORK/record.err" &
record_pid=$!
exec 3>"$WORK/go"
i=0
until grep -q '^ready$' "$WORK/load.out" 2>/dev/null; do
    alive "$record_pid" || { cat "$WORK/record.err"; fail "libmap-record exited before the program was ready"; }
    i=$((i + 1)); [ "$i" -le 1000 ] || fail "the traced program did not start"; sleep 0.02
done
url="net://127.0.0.1:$LIVE_PORT/host/$host/$session"
grep -q "net://127.0.0.1/host/$host/$session" "$WORK/record.err" || fail "libmap-record did not print the live URL"

note "attaching libmap-timeline --json $url"
"$TIMELINE" --json "$url" >"$WORK/live.json" 2>"$WORK/live.err" &
tl_pid=$!
sleep 1
alive "$tl_pid" || { cat "$WORK/live.err"; fail "libmap-timeline ended before the program ran"; }
echo go >&3
exec 3>&-
start=$(date +%s)
# the viewer must still be reading while the program writes
sleep 1
grep -q '^done$' "$WORK/load.out" && fail "the program ended too early to test reading while it runs"
alive "$tl_pid" || { cat "$WORK/live.err"; fail "libmap-timeline ended while the session was live"; }
wait "$record_pid" || { cat "$WORK/record.err"; fail "libmap-record --live failed"; }
ended=$(date +%s)
note "the program ran $((ended - start)) s; the session is destroyed"
i=0
while alive "$tl_pid"; do
    i=$((i + 1))
    if [ "$i" -gt $((END_LIMIT * 50)) ]; then
        kill -TERM "$tl_pid"
        fail "libmap-timeline did not end within $END_LIMIT s of the session's end"
    fi
    sleep 0.02
done
set +e
wait "$tl_pid"
rc=$?
set -e
note "libmap-timeline ended $(($(date +%s) - ended)) s after the session, status $rc"
[ "$rc" = 0 ] || { cat "$WORK/live.err"; fail "libmap-timeline exited $rc, expected 0 (no race)"; }

j=$(jflat "$WORK/live.json")
[ "$(jfield discarded_events "$j")" = 0 ] || fail "events were lost: $(jfield discarded_events "$j")"
[ "$(jfield races_total "$j")" = 0 ] || fail "races reported in a race-free program"
printf '%s\n' "$j" | grep -q '"panic":null' || fail "a panic in a race-free program"
n=0
while read -r line; do
    case $line in thread=*) ;; *) continue ;; esac
    tid=$(echo "$line" | sed 's/.* tid=\([0-9]*\) .*/\1/')
    a=$(echo "$line" | sed 's/.* assign=\([0-9]*\).*/\1/')
    d=$(echo "$line" | sed 's/.* delete=\([0-9]*\).*/\1/')
    th=$(jthread "$j" "$tid")
    [ -n "$th" ] || fail "thread $tid is not in the viewer's output"
    printf '%s\n' "$th" | grep -q "\"assign\":$a," || fail "thread $tid: expected assign $a: $th"
    printf '%s\n' "$th" | grep -q "\"delete\":$d}" || fail "thread $tid: expected delete $d: $th"
    note "thread $tid: assign $a delete $d, as the program counted"
    n=$((n + 1))
done <"$WORK/load.out"
[ "$n" = 2 ] || fail "the program's oracle names $n threads"
# the main thread: pid == tid
pid=$(jthread "$j" '[0-9]*' | sed -n 's/.*"pid":\([0-9]*\),"tid":\1,.*/\1/p' | head -n 1)
[ -n "$pid" ] && jthread "$j" "$pid" | grep -q '"free":2}' || fail "the main thread's two libmap:free are missing"
stop_relayd
stop_sessiond
echo PASS
