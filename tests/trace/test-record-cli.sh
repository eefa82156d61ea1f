#!/bin/sh
# test-record-cli.sh — libmap-record's command line and process handling:
# --help, one-line errors and exit codes (125 usage, 126 not executable,
# 127 not found, COMMAND's own status, 128+N for a signal), SIGTERM sent to
# libmap-record reaching COMMAND, Ctrl-C (SIGINT to the process group) ending
# the run with the session destroyed and the trigger removed, and a daemon
# started by libmap-record stopped in every case.
. "$(dirname "$0")/lib.sh"

# status CMD...: run and print the exit status (stderr kept in $WORK/err).
status() {
    set +e
    "$@" >"$WORK/out" 2>"$WORK/err"
    echo $?
    set -e
}

# one_line_error: stderr is exactly one "libmap-record: ..." line
one_line_error() {
    [ "$(wc -l <"$WORK/err")" = 1 ] && grep -q "^libmap-record: " "$WORK/err" \
        || fail "expected one error line, got: $(cat "$WORK/err")"
}

no_leftovers() {
    [ -z "$(lttng list 2>/dev/null | grep libmap-record)" ] || fail "a session was left behind"
    [ -z "$(lttng list-triggers 2>/dev/null | grep libmap-record)" ] || fail "a trigger was left behind"
}

note "usage"
[ "$(status "$RECORD" --help)" = 0 ] || fail "--help"
grep -q "^usage: libmap-record" "$WORK/out" || fail "--help prints no usage"
[ "$(status "$RECORD")" = 125 ] || fail "no COMMAND"; one_line_error
[ "$(status "$RECORD" --frobnicate -- true)" = 125 ] || fail "unknown option"; one_line_error
[ "$(status "$RECORD" --flight --live -- true)" = 125 ] || fail "--flight --live"; one_line_error
[ "$(status "$RECORD" --buffer-size 1 -- true)" = 125 ] || fail "tiny buffer"; one_line_error
[ "$(status "$RECORD" --relayd http://x -- true)" = 125 ] || fail "bad relayd URL"; one_line_error
[ "$(status "$RECORD" --probe /nonexistent.so -- true)" = 125 ] || fail "missing probe"; one_line_error

note "the output directory is checked before COMMAND runs"
rm -f "$WORK/ran"
[ "$(status "$RECORD" --flight -o /proc/libmap-rec -- touch "$WORK/ran")" = 125 ] \
    || fail "-o /proc/libmap-rec accepted"; one_line_error
grep -q "/proc/libmap-rec" "$WORK/err" || fail "the error does not name the directory"
[ ! -e "$WORK/ran" ] || fail "COMMAND ran although the output directory was unusable"
[ "$(status "$RECORD" -o /dev/null/trace -- touch "$WORK/ran")" = 125 ] \
    || fail "-o under a file accepted"; one_line_error
[ ! -e "$WORK/ran" ] || fail "COMMAND ran although the output directory was unusable"

note "SIGTERM to libmap-record reaches COMMAND; the daemon it started is stopped"
"$RECORD" -o "$WORK/t1" -- sleep 30 2>"$WORK/t1.err" &
rec=$!
i=0
until grep -q recording "$WORK/t1.err" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -le 500 ] || fail "libmap-record did not start recording"; sleep 0.02
done
sleep 0.2
kill -TERM "$rec"
set +e; wait "$rec"; rc=$?; set -e
cat "$WORK/t1.err"
[ "$rc" = 143 ] || fail "status $rc after SIGTERM, expected 143"
started=$(sed -n 's/.*started lttng-sessiond (pid \([0-9]*\)).*/\1/p' "$WORK/t1.err")
[ -n "$started" ] || fail "libmap-record did not start a daemon"
alive "$started" && fail "the daemon libmap-record started is still running"

start_sessiond

note "exit statuses"
[ "$(status "$RECORD" -o "$WORK/s1" -- sh -c 'exit 7')" = 7 ] || fail "COMMAND's status not passed on"
[ "$(status "$RECORD" -q -o "$WORK/s2" -- /nonexistent/program)" = 127 ] || fail "not found"
grep -q "cannot run /nonexistent/program" "$WORK/err" || fail "no message for a missing COMMAND"
echo data >"$WORK/not-executable" && chmod 644 "$WORK/not-executable"
[ "$(status "$RECORD" -q -o "$WORK/s3" -- "$WORK/not-executable")" = 126 ] || fail "not executable"
[ "$(status "$RECORD" -q -o "$WORK/s4" -- sh -c 'kill -KILL $$')" = 137 ] || fail "killed by SIGKILL"
mkdir -p "$WORK/full" && touch "$WORK/full/x"
[ "$(status "$RECORD" -o "$WORK/full" -- true)" = 125 ] || fail "non-empty output directory"; one_line_error
no_leftovers

note "Ctrl-C: SIGINT to the process group of libmap-record --flight and COMMAND"
"$RUN_IN_GROUP" "$RECORD" --flight -o "$WORK/c1" -- sleep 30 >"$WORK/pgid" 2>"$WORK/c1.err" &
rec=$!
i=0
until grep -q recording "$WORK/c1.err" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -le 500 ] || fail "libmap-record did not start recording"; sleep 0.02
done
sleep 0.2
lttng list | grep -q libmap-record || fail "no session while recording"
kill -INT "-$(cat "$WORK/pgid")"
set +e; wait "$rec"; rc=$?; set -e
cat "$WORK/c1.err"
[ "$rc" = 130 ] || fail "status $rc after Ctrl-C, expected 130"
no_leftovers
alive "$SESSIOND_PID" || fail "the test's daemon was stopped"

stop_sessiond
echo PASS
