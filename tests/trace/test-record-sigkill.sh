#!/bin/sh
# test-record-sigkill.sh — a libmap-record killed by SIGKILL: the program it
# traces dies with it (PR_SET_PDEATHSIG), and the next run removes the
# session and trigger it left behind (one line each), and stops the daemon it
# had started once no session is left.
#  1. With the test's own daemon, a flight recorder with --session NAME
#     around `sleep 30`, killed; plus a session whose recorder PID is alive
#     but is not a libmap-record (a reused PID). The next run removes the
#     three leftovers; no session and no trigger remain; the test's daemon
#     keeps running.
#  2. No daemon: a flight recorder starts one, is killed; the next run
#     removes its session and trigger and stops that daemon.
. "$(dirname "$0")/lib.sh"

# start_killed NAME [OPTIONS...]: a flight recorder around `sleep 30`, killed
# with SIGKILL once its session and trigger exist. Sets REC and SLEEPER.
start_killed() {
    name=$1
    shift
    rm -f "$WORK/$name.pid"
    "$RECORD" --flight -o "$WORK/$name" "$@" -- sh -c 'echo $$ >"$1"; exec sleep 30' \
        sh "$WORK/$name.pid" 2>"$WORK/$name.err" &
    REC=$!
    i=0
    until grep -q recording "$WORK/$name.err" 2>/dev/null && [ -s "$WORK/$name.pid" ]; do
        i=$((i + 1)); [ "$i" -le 500 ] || fail "$name: libmap-record did not start recording"; sleep 0.02
    done
    SLEEPER=$(cat "$WORK/$name.pid")
    lttng list-triggers | grep -q "name: libmap-record-$REC-panic" || fail "$name: no trigger named after the recorder"
    kill -KILL "$REC"
    set +e; wait "$REC" 2>/dev/null; set -e
    i=0
    while alive "$SLEEPER"; do
        i=$((i + 1)); [ "$i" -le 100 ] || fail "$name: the traced program outlived its recorder by 2 s"
        sleep 0.02
    done
    note "$name: recorder $REC killed; the traced program $SLEEPER is gone ($((i * 20)) ms)"
}

# cleanup_lines FILE: how many leftovers the run says it removed
cleanup_lines() {
    grep -c '^libmap-record: \(removed trigger\|destroyed session\) .* left by libmap-record (pid [0-9]*), which is gone$' "$1" || true
}

note "a recorder killed with the test's own daemon"
start_sessiond
start_killed killed1 --session user-named
lttng list | grep -q "user-named" || fail "the killed recorder's session is not there"
lttng create reused-pid --snapshot --output="$WORK/reused" >/dev/null
# $$ is alive, but a shell, not a libmap-record: its session is a leftover
printf '%s 1\nsession reused-pid\n' "$$" >"$(rundir)/libmap-record/recorder-$$"
"$RECORD" -o "$WORK/next1" -- true 2>"$WORK/next1.err" || { cat "$WORK/next1.err"; fail "the next run failed"; }
cat "$WORK/next1.err"
grep -qx "libmap-record: removed trigger libmap-record-$REC-panic left by libmap-record (pid $REC), which is gone" \
    "$WORK/next1.err" || fail "no line for the killed recorder's trigger"
grep -qx "libmap-record: destroyed session user-named left by libmap-record (pid $REC), which is gone" \
    "$WORK/next1.err" || fail "no line for the killed recorder's session"
grep -qx "libmap-record: destroyed session reused-pid left by libmap-record (pid $$), which is gone" \
    "$WORK/next1.err" || fail "no line for the session of the reused PID"
n=$(cleanup_lines "$WORK/next1.err")
sessions=$(lttng list | grep -c '^ *[0-9]*) ' || true)
triggers=$(lttng list-triggers | grep -c '^- name: ' || true)
note "removed $n leftovers; $sessions sessions and $triggers triggers remain"
[ "$n" = 3 ] || fail "$n cleanup lines, expected 3"
[ "$sessions" = 0 ] || fail "sessions remain: $(lttng list)"
[ "$triggers" = 0 ] || fail "triggers remain: $(lttng list-triggers)"
[ -z "$(ls "$(rundir)/libmap-record" | grep '^recorder-')" ] || fail "ownership files remain"
alive "$SESSIOND_PID" || fail "libmap-record stopped the test's daemon"
stop_sessiond

note "a recorder that started the daemon, killed"
start_killed killed2
daemon=$(sed -n 's/^libmap-record: started lttng-sessiond (pid \([0-9]*\))$/\1/p' "$WORK/killed2.err")
[ -n "$daemon" ] || fail "the recorder did not start a daemon"
alive "$daemon" || fail "lttng-sessiond $daemon died with its recorder"
"$RECORD" -o "$WORK/next2" -- true 2>"$WORK/next2.err" || { cat "$WORK/next2.err"; fail "the next run failed"; }
cat "$WORK/next2.err"
n=$(cleanup_lines "$WORK/next2.err")
note "removed $n leftovers"
[ "$n" = 2 ] || fail "$n cleanup lines, expected 2 (trigger and session)"
grep -qx "libmap-record: stopped lttng-sessiond (pid $daemon), started by libmap-record (pid $REC) and now unused" \
    "$WORK/next2.err" || fail "the next run did not stop the daemon the killed one started"
alive "$daemon" && fail "lttng-sessiond $daemon is still running"
lttng list >/dev/null 2>&1 && fail "a session daemon is still reachable: $(lttng list 2>&1)"
echo PASS
