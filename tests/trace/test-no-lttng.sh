#!/bin/sh
# test-no-lttng.sh — a program linked with libmap needs nothing from LTTng.
#   test-no-lttng.sh nodaemon: libmap.so links no LTTng library; with no
#     session daemon, a program runs normally and fast, untraced, with the
#     probe preloaded (LTTNG_UST_REGISTER_TIMEOUT=0), and with LIBMAP_TRACE=1.
#   test-no-lttng.sh hidden (run in sandbox.sh --hide-lttng): no LTTng-UST
#     library can be loaded at all; the program still runs normally, and
#     LIBMAP_TRACE=1 only costs a one-line warning.
. "$(dirname "$0")/lib.sh"

mode=${1:?usage: test-no-lttng.sh nodaemon|hidden}

# run_ops [ENV=VALUE...]: trace-ops with a fixed workload must succeed and
# print the expected counts.
run_ops() {
    env "$@" "$OPS" 3000 100 200 300 >"$WORK/ops.out" 2>"$WORK/ops.err" \
        || { cat "$WORK/ops.err"; fail "trace-ops failed with $*"; }
    grep -q "^new=1 free=1 assign=3100 delete=200 " "$WORK/ops.out" || fail "unexpected output: $(cat "$WORK/ops.out")"
}

alive_sessiond=$(pgrep -x lttng-sessiond || true)

case $mode in
nodaemon)
    note "libmap.so needs no LTTng library"
    readelf -d "$LIBMAP_SO" | grep NEEDED >"$WORK/needed.txt"
    cat "$WORK/needed.txt"
    grep -qi lttng "$WORK/needed.txt" && fail "libmap.so has an LTTng library in DT_NEEDED"
    ldd "$LIBMAP_SO" | grep -qi lttng && fail "ldd libmap.so shows an LTTng library"
    lttng list >/dev/null 2>&1 && fail "a session daemon is reachable in the sandbox"

    note "no daemon, no probe"
    start=$(date +%s)
    run_ops
    grep -q . "$WORK/ops.err" && fail "unexpected stderr: $(cat "$WORK/ops.err")"
    note "no daemon, probe preloaded, LTTNG_UST_REGISTER_TIMEOUT=0"
    run_ops LD_PRELOAD="$PROBE" LTTNG_UST_REGISTER_TIMEOUT=0
    note "no daemon, LIBMAP_TRACE=1"
    run_ops LIBMAP_TRACE=1 LTTNG_UST_REGISTER_TIMEOUT=0
    grep -q "probe library could not be loaded" "$WORK/ops.err" && fail "LIBMAP_TRACE=1 did not find the probe"
    end=$(date +%s)
    [ $((end - start)) -lt 3 ] || fail "runs took $((end - start)) s: something waited for a daemon"
    ;;
hidden)
    note "LTTng-UST libraries hidden"
    set +e
    env LD_PRELOAD="$PROBE" /bin/true 2>"$WORK/preload.err"
    set -e
    grep -q "liblttng-ust" "$WORK/preload.err" \
        || fail "the LTTng libraries are not hidden: the probe could be preloaded"
    run_ops
    grep -q . "$WORK/ops.err" && fail "unexpected stderr: $(cat "$WORK/ops.err")"
    run_ops LIBMAP_TRACE=1
    grep -q "libmap: LIBMAP_TRACE is set but the probe library could not be loaded" "$WORK/ops.err" \
        || fail "expected one warning line, got: $(cat "$WORK/ops.err")"
    [ "$(wc -l <"$WORK/ops.err")" = 1 ] || fail "more than one line on stderr: $(cat "$WORK/ops.err")"
    ;;
*)
    fail "unknown mode $mode"
    ;;
esac
echo PASS
