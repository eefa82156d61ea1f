#!/bin/sh
# bench/onoff-ab.sh — the paired detection on/off ratio (bench-onoff) of
# several builds in one run: round by round, each build's bench-onoff runs
# once per size, the builds in turn (the first one alternating), so that
# machine noise hits them alike. Prints, per build, kind, size and phase,
# the median and quartiles of the paired on/off ratios and the median
# detection-on time, and how many ratios are above the target.
#
#     bench/onoff-ab.sh [options] BIN_DIR...
#
# BIN_DIR holds a bench-onoff (e.g. build-bench/bench). bench-onoff's
# options --sizes, --kinds, --min-ops and --chunk are passed through. To
# compare the library before and after a change:
#     bench/onoff-ab.sh --phases hit,miss /work/bench-build-before/bench build-bench/bench
set -eu

usage() {
    cat <<'USAGE'
usage: bench/onoff-ab.sh [options] BIN_DIR...
  --rounds N        rounds (default 7)
  --pairs N         pairs per bench-onoff run (default 3)
  --sizes LIST      entries per map, comma-separated (default 1000,1000000)
  --kinds LIST      u64,str (default u64)
  --phases LIST     phases to summarize (default hit,miss; all: every phase)
  --warmup N        unmeasured pairs per bench-onoff run (default 1)
  --min-ops N       small maps: loops until this many ops (default 2000000)
  --chunk N         bench-onoff --chunk (default: its own, 65536)
  --target R        the on/off ratio not to exceed (default 1.02)
  --samples FILE    keep the pair lines (prefixed by the build's number)
USAGE
}

rounds=7 pairs=3 sizes=1000,1000000 kinds=u64 phases=hit,miss warmup=1 min_ops=2000000
chunk='' target=1.02 keep_samples=''
while [ $# -gt 0 ]; do
    case $1 in
    --rounds) rounds=$2; shift ;;
    --pairs) pairs=$2; shift ;;
    --sizes) sizes=$2; shift ;;
    --kinds) kinds=$2; shift ;;
    --phases) phases=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --min-ops) min_ops=$2; shift ;;
    --chunk) chunk=$2; shift ;;
    --target) target=$2; shift ;;
    --samples) keep_samples=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
[ $# -ge 1 ] || { usage >&2; exit 2; }
[ "$phases" = all ] && phases=insert,hit,miss,iterate,delete
i=0
for d in "$@"; do
    i=$((i + 1))
    [ -x "$d/bench-onoff" ] || { echo "onoff-ab.sh: no $d/bench-onoff" >&2; exit 2; }
    echo "[$i] $(cd "$d" && pwd)/bench-onoff"
done

samples=$(mktemp "${TMPDIR:-/tmp}/libmap-onoff-ab.XXXXXX")
trap 'rm -f "$samples"' EXIT
trap 'exit 130' INT TERM
load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load $load0 at the start; $rounds rounds of $pairs pairs; sizes $sizes; kinds $kinds" >&2

r=1
while [ "$r" -le "$rounds" ]; do
    echo "round $r/$rounds" >&2
    for n in $(echo "$sizes" | tr ',' ' '); do
        # builds in turn, starting from a different one each round
        k=0
        while [ "$k" -lt $# ]; do
            j=$(( (k + r - 1) % $# + 1 ))
            eval "d=\${$j}"
            # $chunk_arg is split into words on purpose.
            chunk_arg=${chunk:+--chunk $chunk}
            # shellcheck disable=SC2086,SC2154
            "$d/bench-onoff" --sizes "$n" --kinds "$kinds" --reps "$pairs" --warmup "$warmup" \
                --min-ops "$min_ops" --round "$r" $chunk_arg | sed "s/^/$j /" >>"$samples"
            k=$((k + 1))
        done
    done
    r=$((r + 1))
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average: start $load0, end $load1"
[ -n "$keep_samples" ] && cp "$samples" "$keep_samples"

# lines: BUILD pair KIND SIZE OP ROUND.REP ON OFF
sort -k1,1n -k3,3 -k4,4n -k5,5 "$samples" | awk -v phases="$phases" -v target="$target" '
function q(a, n, p,    h, lo) { # quantile p of the sorted a[1..n], linear
    h = (n - 1) * p + 1; lo = int(h)
    return lo >= n ? a[n] : a[lo] + (h - lo) * (a[lo + 1] - a[lo])
}
function sort_(a, n,    i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
}
function flush(    i) {
    if (key == "") return
    sort_(rat, cnt); sort_(on, cnt)
    printf "%-4s %-4s %8s %-8s %6d   %6.3f   %6.3f - %6.3f   %3d/%-3d   %8.2f\n", b, kind, size, op, cnt,
        q(rat, cnt, 0.5), q(rat, cnt, 0.25), q(rat, cnt, 0.75), over, cnt, q(on, cnt, 0.5)
    if (q(rat, cnt, 0.5) > target) missed++
    rows++
}
BEGIN {
    split(phases, ph, ","); for (i in ph) want[ph[i]] = 1
    printf "%-4s %-4s %8s %-8s %6s   %6s   %15s   %7s   %8s\n", "bld", "kind", "size", "op", "pairs",
        "median", "q1 - q3", ">" target, "on ns/op"
}
$2 == "pair" && ($5 in want) {
    k = $1 " " $3 " " $4 " " $5
    if (k != key) { flush(); key = k; cnt = 0; over = 0; b = "[" $1 "]"; kind = $3; size = $4; op = $5 }
    cnt++; rat[cnt] = $7 / $8; on[cnt] = $7; if ($7 / $8 > target) over++
}
END { flush(); printf "medians above %s: %d of %d\n", target, missed, rows }'
