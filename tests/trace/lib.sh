# lib.sh — helpers for the tracing tests, sourced by each test-*.sh, which
# runs inside sandbox.sh (private /run/lttng, /dev/shm and LTTNG_HOME). Every
# daemon a test starts is stopped by its PID, on success and on failure.
#
# Environment (set by tests/trace/CMakeLists.txt): RECORD (libmap-record),
# PROBE (liblibmap-lttng.so), OPS (trace-ops), RACE (trace-race), LIBMAP_SO,
# DEMO (libmap-demo, may be empty), WORK (a scratch directory for this test).

set -eu

SESSIOND_PID=
RELAYD_PID=

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

note() { echo "--- $*"; }

rundir() {
    if [ "$(id -u)" = 0 ]; then echo /var/run/lttng; else echo "$LTTNG_HOME/.lttng"; fi
}

# A process that exists and is not a zombie.
alive() {
    [ -r "/proc/$1/stat" ] || return 1
    state=$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1)
    [ "$state" != Z ] && [ "$state" != X ]
}

# Wait (up to ~10 s) for PID to be gone.
wait_gone() {
    i=0
    while alive "$1"; do
        i=$((i + 1))
        [ "$i" -le 500 ] || return 1
        sleep 0.02
    done
}

start_sessiond() {
    lttng-sessiond --daemonize --no-kernel
    SESSIOND_PID=$(cat "$(rundir)/lttng-sessiond.pid")
    alive "$SESSIOND_PID" || fail "lttng-sessiond did not start"
    note "lttng-sessiond pid $SESSIOND_PID"
}

stop_sessiond() {
    [ -n "$SESSIOND_PID" ] || return 0
    kill -TERM "$SESSIOND_PID" 2>/dev/null || true
    wait_gone "$SESSIOND_PID" || { kill -KILL "$SESSIOND_PID" 2>/dev/null; fail "lttng-sessiond did not stop"; }
    SESSIOND_PID=
}

# A TCP port on 127.0.0.1 that nothing listens on (checked in /proc/net/tcp).
free_port() {
    while :; do
        p=$(( ($(od -An -N2 -tu2 /dev/urandom) % 30000) + 20000 ))
        hex=$(printf '%04X' "$p")
        if ! grep -q ":$hex .* 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
            echo "$p"
            return
        fi
    done
}

listening() {
    hex=$(printf '%04X' "$1")
    grep -q ":$hex .* 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# start_relayd OUTPUT_DIR: relay daemon on loopback with free ports, in the
# background of this shell (its PID is $!). Sets CTRL_PORT DATA_PORT LIVE_PORT.
start_relayd() {
    CTRL_PORT=$(free_port); DATA_PORT=$(free_port); LIVE_PORT=$(free_port)
    lttng-relayd -o "$1" -C "tcp://127.0.0.1:$CTRL_PORT" -D "tcp://127.0.0.1:$DATA_PORT" \
        -L "tcp://127.0.0.1:$LIVE_PORT" >"$WORK/relayd.log" 2>&1 &
    RELAYD_PID=$!
    i=0
    until listening "$CTRL_PORT" && listening "$DATA_PORT" && listening "$LIVE_PORT"; do
        alive "$RELAYD_PID" || fail "lttng-relayd exited: $(cat "$WORK/relayd.log")"
        i=$((i + 1)); [ "$i" -le 500 ] || fail "lttng-relayd is not listening"
        sleep 0.02
    done
    note "lttng-relayd pid $RELAYD_PID ports $CTRL_PORT $DATA_PORT $LIVE_PORT"
}

stop_relayd() {
    [ -n "$RELAYD_PID" ] || return 0
    kill -TERM "$RELAYD_PID" 2>/dev/null || true
    wait "$RELAYD_PID" 2>/dev/null || true
    RELAYD_PID=
}

cleanup_daemons() {
    stop_relayd
    stop_sessiond
}
trap cleanup_daemons EXIT

# count EVENT FILE: how many libmap:EVENT records the babeltrace2 text holds.
count() {
    grep -c " libmap:$1: " "$2" || true
}

# expect_counts EXPECTED_LINE FILE [EVENT...]: for each EVENT, the count in
# EXPECTED_LINE ("assign=N delete=M ...", printed by trace-ops) must match.
expect_counts() {
    line=$1 file=$2
    shift 2
    for ev in "$@"; do
        want=$(echo "$line" | tr ' ' '\n' | sed -n "s/^$ev=//p")
        [ -n "$want" ] || fail "no expected count for $ev"
        got=$(count "$ev" "$file")
        [ "$got" = "$want" ] || fail "libmap:$ev: $got events, expected $want"
        note "libmap:$ev: $got events, as expected"
    done
}

# The trace must not report discarded events.
no_discards() {
    if grep -qi "discarded" "$1"; then
        grep -i discarded "$1" >&2
        fail "the tracer discarded events"
    fi
}
