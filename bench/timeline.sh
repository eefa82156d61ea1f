#!/bin/sh
# bench/timeline.sh — issue 6's benchmark: on one trace of at least 10M
# libmap events, the time of `libmap-timeline --summary TRACE` against
# `babeltrace2 TRACE -c sink.utils.dummy` (the cost of just reading it),
# run alternately in the same run (the order flips every repetition so that
# drift hits both alike); prints best and median of each and their ratio
# (target: at most 1.3). See docs/performance.md.
#
# The trace: tests/viewer's timeline-load (one thread, OPS assigns and
# deletes on one map) recorded by libmap-record in local mode, with buffers
# big enough that nothing is discarded (checked: sink.utils.counter must
# count no discarded event and at least OPS events). Recording runs in
# tests/trace/sandbox.sh (its own lttng-sessiond, as the tests do).
set -eu

usage() {
    cat <<'USAGE'
usage: bench/timeline.sh [options]
  --build-dir DIR    build tree with libmap-timeline, libmap-record and
                     timeline-load (default <repo>/build)
  --ops N            writes in the recorded workload (default 10000000)
  --reps N           timed runs of each command (default 5)
  --trace DIR        time this existing trace instead of recording one
  --out DIR          keep the trace and the logs in DIR (default: a temporary
                     directory, removed at the end)
  --buffer-size SIZE libmap-record's per-CPU buffer (default 512M)
  --quick            short bounded run for ctest: --ops 200000 --reps 3
  --strict           exit 1 when the median ratio is above 1.3
USAGE
}

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=$repo/build ops=10000000 reps=5 trace='' out='' bufsize=512M strict=''
while [ $# -gt 0 ]; do
    case $1 in
    --build-dir) build=$2; shift 2 ;;
    --ops) ops=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --trace) trace=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --buffer-size) bufsize=$2; shift 2 ;;
    --quick) ops=200000 reps=3; shift ;;
    --strict) strict=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
done

die() { echo "timeline.sh: $*" >&2; exit 1; }
timeline=$build/viewer/libmap-timeline
record=$build/tracepoints/record/libmap-record
load=$build/tests/viewer/timeline-load
for p in "$timeline" babeltrace2; do
    command -v "$p" >/dev/null || die "$p not found (build libmap-timeline in $build)"
done
if [ -z "$out" ]; then
    out=$(mktemp -d "${TMPDIR:-/tmp}/libmap-timeline-bench.XXXXXX")
    trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
now_ns() { date +%s%N; }

if [ -z "$trace" ]; then
    [ -x "$record" ] && [ -x "$load" ] || die "libmap-record or timeline-load missing in $build"
    trace=$out/trace
    rm -rf "$trace"
    echo "recording $ops writes (timeline-load 1 $ops) with libmap-record --buffer-size $bufsize"
    sh "$repo/tests/trace/sandbox.sh" "$record" -q --buffer-size "$bufsize" -o "$trace" \
        -- "$load" 1 "$ops" >"$out/load.out" 2>"$out/record.err" \
        || { cat "$out/record.err" >&2; die "recording failed"; }
fi

babeltrace2 "$trace" -c sink.utils.counter -p step=+0 >"$out/counter.txt" 2>&1 \
    || { cat "$out/counter.txt" >&2; die "babeltrace2 cannot read $trace"; }
events=$(sed -n 's/^ *\([0-9]*\) Event messages$/\1/p' "$out/counter.txt" | tail -n 1)
discarded=$(sed -n 's/^ *\([0-9]*\) Discarded event messages\{0,1\}$/\1/p' "$out/counter.txt" | tail -n 1)
[ -n "$events" ] || die "no event count from sink.utils.counter"
[ "$discarded" = 0 ] || die "the trace lost events ($discarded discarded-event messages): use a bigger --buffer-size"
[ "$events" -ge "$ops" ] || die "$events events, fewer than the $ops writes"
size=$(du -sm "$trace" | cut -f1)
echo "trace $trace: $events events, 0 discarded, $size MiB"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"

# the viewer must agree on the count, and exit 0 (no race in this workload)
"$timeline" --summary "$trace" >"$out/summary.txt" 2>&1 || die "libmap-timeline --summary failed: $(tail -n 3 "$out/summary.txt")"
grep -q "^summary: $events libmap events" "$out/summary.txt" \
    || die "libmap-timeline counts other than $events events: $(head -n 1 "$out/summary.txt")"
# warm the page cache for both
babeltrace2 "$trace" -c sink.utils.dummy

run_bt() { babeltrace2 "$trace" -c sink.utils.dummy; }
run_tl() { "$timeline" --summary "$trace" >/dev/null; }
echo "load average before: $(loadavg)"
: >"$out/bt.ns"
: >"$out/tl.ns"
r=0
while [ "$r" -lt "$reps" ]; do
    r=$((r + 1))
    if [ $((r % 2)) = 1 ]; then order="bt tl"; else order="tl bt"; fi
    line="rep $r:"
    for which in $order; do
        t0=$(now_ns)
        run_$which
        t=$(($(now_ns) - t0))
        echo "$t" >>"$out/$which.ns"
        line="$line $which $(awk -v t="$t" 'BEGIN { printf "%.3f s", t / 1e9 }')"
    done
    echo "$line"
done
echo "load average after: $(loadavg)"

stat() { # FILE -> "best median" in ns
    sort -n "$1" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f %.0f\n", v[1], m }'
}
set -- $(stat "$out/bt.ns")
bt_best=$1 bt_med=$2
set -- $(stat "$out/tl.ns")
tl_best=$1 tl_med=$2
awk -v bb="$bt_best" -v bm="$bt_med" -v tb="$tl_best" -v tm="$tl_med" -v n="$reps" -v e="$events" 'BEGIN {
    printf "babeltrace2 -c sink.utils.dummy: best %.3f s, median %.3f s (%d runs)\n", bb / 1e9, bm / 1e9, n
    printf "libmap-timeline --summary:       best %.3f s, median %.3f s (%d runs)\n", tb / 1e9, tm / 1e9, n
    printf "per event: babeltrace2 %.0f ns, libmap-timeline %.0f ns (medians)\n", bm / e, tm / e
    printf "ratio libmap-timeline / babeltrace2: median %.3f, best %.3f (target <= 1.3)\n", tm / bm, tb / bb
}'
ok=$(awk -v bm="$bt_med" -v tm="$tl_med" 'BEGIN { print (tm <= 1.3 * bm) ? 1 : 0 }')
if [ "$ok" = 1 ]; then
    echo "target met"
else
    echo "target missed"
    [ -z "$strict" ] || exit 1
fi
