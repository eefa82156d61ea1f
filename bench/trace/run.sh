#!/bin/sh
# run.sh — the tracepoint-overhead benchmark of issue 3, side by side in one
# run: libmap with the tracepoints compiled out, compiled in without the
# probe library, with the probe loaded but no session, and recording every
# write in a flight-recorder session (as libmap-record --flight sets it up);
# plus a bare LTTng-UST event with the same fields in the same session.
# Configurations alternate within each round; the figures are medians over
# rounds of each run's median. Runs in tests/trace/sandbox.sh with its own
# lttng-sessiond (root: private /run/lttng).
#
# usage: bench/trace/run.sh [--bin-dir DIR] [--probe PATH] [--n KEYS] [--rounds R]
#   --bin-dir  the build's bench/trace directory (default build/bench/trace)
#   --probe    liblibmap-lttng.so (default BIN_DIR/../../libmap/liblibmap-lttng.so)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
bin=build/bench/trace probe= n=1000000 rounds=5
while [ $# -gt 0 ]; do
    case $1 in
    --bin-dir) bin=$2; shift 2 ;;
    --probe) probe=$2; shift 2 ;;
    --n) n=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --inside) inside=1; shift ;;
    *) echo "usage: run.sh [--bin-dir DIR] [--probe PATH] [--n KEYS] [--rounds R]" >&2; exit 2 ;;
    esac
done
bin=$(cd "$bin" && pwd)
[ -n "$probe" ] || probe=$bin/../../libmap/liblibmap-lttng.so
for f in "$bin/bench-trace-on" "$bin/bench-trace-off" "$bin/bench-bare" "$bin/bench-pair" "$probe"; do
    [ -e "$f" ] || { echo "run.sh: missing $f (build target bench-trace-all)" >&2; exit 2; }
done

if [ "${inside:-0}" != 1 ]; then
    exec sh "$here/../../tests/trace/sandbox.sh" sh "$0" --inside --bin-dir "$bin" \
        --probe "$probe" --n "$n" --rounds "$rounds"
fi

out=$(mktemp -d)
sessiond_pid=
cleanup() {
    [ -z "$sessiond_pid" ] || { kill "$sessiond_pid" 2>/dev/null || true; }
    rm -rf "$out"
}
trap cleanup EXIT

# run LABEL COMMAND...: append "LABEL insert=.. update=.. lookup=.." to results
run() {
    label=$1; shift
    echo "$label $("$@" "$n" 3)" >>"$out/results"
}

echo "tracepoint overhead: $n u64 keys, $rounds rounds, $(nproc) CPUs, $(date -u +%Y-%m-%d)"
for r in $(seq 1 "$rounds"); do
    run off "$bin/bench-trace-off"
    run on "$bin/bench-trace-on"
    run probe env LD_PRELOAD="$probe" LTTNG_UST_REGISTER_TIMEOUT=0 "$bin/bench-trace-on"
done
# paired: both variants alternate inside one process, median of round ratios
echo "pair_plain $("$bin/bench-pair" "$n" $((rounds * 2 + 1)))" >>"$out/results"
echo "pair_probe $(env LD_PRELOAD="$probe" LTTNG_UST_REGISTER_TIMEOUT=0 "$bin/bench-pair" "$n" \
    $((rounds * 2 + 1)))" >>"$out/results"

lttng-sessiond --daemonize --no-kernel
if [ "$(id -u)" = 0 ]; then rd=/var/run/lttng; else rd=$LTTNG_HOME/.lttng; fi
sessiond_pid=$(cat "$rd/lttng-sessiond.pid")
lttng -n create bench --snapshot --output="$out/snap" >/dev/null
lttng -n enable-channel -u -s bench --buffers-uid --overwrite --subbuf-size=1M --num-subbuf=4 \
    libmap >/dev/null
lttng -n enable-event -u -s bench -c libmap 'libmap:*' --loglevel=INFO >/dev/null
lttng -n enable-event -u -s bench -c libmap 'libmap_bench:*' >/dev/null
lttng -n add-context -u -s bench -c libmap -t vtid -t vpid -t procname >/dev/null
lttng -n start bench >/dev/null
for r in $(seq 1 "$rounds"); do
    run rec env LD_PRELOAD="$probe" "$bin/bench-trace-on"
    echo "bare $("$bin/bench-bare" "$n" 3)" >>"$out/results"
done
echo "pair_rec $(env LD_PRELOAD="$probe" "$bin/bench-pair" "$n" $((rounds * 2 + 1)))" >>"$out/results"
lttng -n destroy bench >/dev/null

# med LABEL FIELD: median over rounds
med() {
    grep "^$1 " "$out/results" | tr ' ' '\n' | sed -n "s/^$2=//p" | sort -n |
        awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else print v[int((NR + 1) / 2)] }'
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }'; }

for c in off on probe rec; do
    for f in insert update lookup update1k; do eval "${c}_$f=\$(med $c $f)"; done
done
bare=$(med bare bare) clock=$(med bare clock) bare_clock=$(med bare bare_clock)

printf '\n%-44s %10s %10s %10s\n' "configuration (ns/op, median)" insert update "lookup hit"
printf '%-44s %10s %10s %10s\n' "tracepoints compiled out" "$off_insert" "$off_update" "$off_lookup"
printf '%-44s %10s %10s %10s\n' "compiled in, no probe library" "$on_insert" "$on_update" "$on_lookup"
printf '%-44s %10s %10s %10s\n' "  vs compiled out" "$(pct "$on_insert" "$off_insert")" \
    "$(pct "$on_update" "$off_update")" "$(pct "$on_lookup" "$off_lookup")"
printf '%-44s %10s %10s %10s\n' "probe loaded, no session" "$probe_insert" "$probe_update" "$probe_lookup"
printf '%-44s %10s %10s %10s\n' "  vs compiled out" "$(pct "$probe_insert" "$off_insert")" \
    "$(pct "$probe_update" "$off_update")" "$(pct "$probe_lookup" "$off_lookup")"
printf '%-44s %10s %10s %10s\n' "recording every write (flight session)" "$rec_insert" "$rec_update" "$rec_lookup"
printf '\n%-44s %10s\n' "bare LTTng-UST event, same fields, same session" "$bare"
printf '%-44s %10s\n' "CLOCK_MONOTONIC read (libmap's start_ns)" "$clock"
printf '%-44s %10s\n' "bare event with start_ns read from the clock" "$bare_clock"
awk -v r="$rec_update1k" -v p="$probe_update1k" -v b="$bare" -v bc="$bare_clock" 'BEGIN {
    printf "%-44s %10.1f  (%.2fx the bare event, %.2fx with its clock read)\n", "added cost per recorded update, 1K-key map", r - p, (r - p) / b, (r - p) / bc }'
awk -v r="$rec_update" -v p="$probe_update" -v b="$bare" 'BEGIN {
    printf "%-44s %10.1f  (%.2fx the bare event)\n", "added cost per recorded update", r - p, (r - p) / b }'
awk -v r="$rec_insert" -v p="$probe_insert" -v b="$bare" 'BEGIN {
    printf "%-44s %10.1f  (%.2fx; inserts also emit grow/evacuate)\n", "added cost per recorded insert", r - p, (r - p) / b }'

# the paired runs (ratio traced/untraced copy in one process)
pr() { sed -n "s/^$1 .*$2=\([0-9.]*\).*/\1/p" "$out/results"; }
ratio() { awk -v x="$1" 'BEGIN { printf "%+.1f%%", (x - 1) * 100 }'; }
printf '\n%-44s %10s %10s %10s\n' "paired, in one process (traced vs untraced)" insert update "lookup hit"
for c in plain probe rec; do
    case $c in plain) l="compiled in, no probe library" ;; probe) l="probe loaded, no session" ;;
    rec) l="recording every write (flight session)" ;; esac
    printf '%-44s %10s %10s %10s\n' "$l" "$(ratio "$(pr pair_$c insert)")" \
        "$(ratio "$(pr pair_$c update)")" "$(ratio "$(pr pair_$c lookup)")"
done
awk -v i="$(pr pair_rec in_update_ns)" -v o="$(pr pair_rec out_update_ns)" -v b="$bare" 'BEGIN {
    printf "%-44s %10.1f  (%.2fx the bare event)\n", "paired: added cost per recorded update", i - o, (i - o) / b }'
