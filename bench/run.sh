#!/bin/sh
# bench/run.sh — builds the benchmark (own build dir, Release by default),
# runs libmap, libmap without detection, Go 1.19's map and GLib's GHashTable
# in one run, interleaved round by round so that machine noise hits them
# alike, plus bench-onoff (both libmap variants alternating in one process,
# for the detection on/off ratio), and prints the comparison table
# (bench-report). See docs/performance.md.
set -eu

usage() {
    cat <<'USAGE'
usage: bench/run.sh [options]
  --reps N          rounds; each round runs every implementation once per
                    size (default 5; the table shows medians over rounds)
  --pairs N         bench-onoff pairs per round and size (default 3)
  --sizes LIST      entries per map, comma-separated (default 1000,1000000)
  --large           also 10000000 entries
  --kinds LIST      u64,str (default both)
  --quick           short bounded run for CI: sizes 1000,1000000, 3 rounds,
                    1 pair, no warm-up, fewer repetitions of small maps
  --json FILE       also write the table as JSON
  --samples FILE    keep the raw sample lines
  --strict          exit 1 if a performance target is missed
  --build-dir DIR   build directory (default <repo>/build-bench)
  --build-type T    CMAKE_BUILD_TYPE (default Release)
  --cmake-arg ARG   extra argument for the cmake configure step (repeatable),
                    e.g. --cmake-arg -DLIBMAP_TRACING=OFF
  --no-build        do not build; use the binaries in --bin-dir
  --bin-dir DIR     where the bench binaries are (default <build-dir>/bench)
USAGE
}

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
reps=5 sizes=1000,1000000 kinds=u64,str json='' strict='' build=1
build_dir=$repo/build-bench build_type=Release bin_dir=
warmup=1 min_ops=2000000 quick='' cmake_args='' pairs=3 keep_samples=''
cmdline="bench/run.sh $*"

while [ $# -gt 0 ]; do
    case $1 in
    --reps) reps=$2; shift ;;
    --pairs) pairs=$2; shift ;;
    --samples) keep_samples=$2; shift ;;
    --sizes) sizes=$2; shift ;;
    --large) sizes=$sizes,10000000 ;;
    --kinds) kinds=$2; shift ;;
    --quick) quick=1 ;;
    --json) json=$2; shift ;;
    --strict) strict=--strict ;;
    --build-dir) build_dir=$2; shift ;;
    --build-type) build_type=$2; shift ;;
    --cmake-arg) cmake_args="$cmake_args $2"; shift ;;
    --no-build) build= ;;
    --bin-dir) bin_dir=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
    shift
done
if [ -n "$quick" ]; then
    reps=3 sizes=1000,1000000 warmup=0 min_ops=200000 pairs=1
fi
case $reps in ''|*[!0-9]*|0) echo "run.sh: --reps needs a positive number" >&2; exit 2 ;; esac
case $pairs in ''|*[!0-9]*) echo "run.sh: --pairs needs a number" >&2; exit 2 ;; esac
: "${bin_dir:=$build_dir/bench}"

# what the measured library was built from (the tree may be dirty)
src_sha=$(cat "$repo"/libmap/src/* "$repo"/libmap/include/libmap/* | sha256sum | cut -c1-16)
if [ -n "$build" ]; then
    # $cmake_args is split into words on purpose.
    # shellcheck disable=SC2086
    cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" \
        -DLIBMAP_BUILD_BENCH=ON -DLIBMAP_BUILD_TESTS=OFF -DLIBMAP_BUILD_EXAMPLES=OFF \
        $cmake_args >/dev/null
    cmake --build "$build_dir" --target bench-all -j "$(nproc)" >/dev/null
fi

impls="libmap libmap-nodetect go glib"
[ -x "$bin_dir/bench-onoff" ] || { echo "run.sh: missing $bin_dir/bench-onoff" >&2; exit 2; }
for i in $impls; do
    [ -x "$bin_dir/bench-$i" ] || { [ "$i" = go ] && continue; echo "run.sh: missing $bin_dir/bench-$i" >&2; exit 2; }
done
[ -x "$bin_dir/bench-go" ] || { echo "run.sh: no Go binary; the Go column stays empty" >&2; impls="libmap libmap-nodetect glib"; }

# The C and Go drivers must generate the very same keys.
if [ "${impls#*go}" != "$impls" ]; then
    c_keys=$("$bin_dir/bench-libmap" --dump-keys 1000 | cksum)
    go_keys=$("$bin_dir/bench-go" --dump-keys 1000 | cksum)
    [ "$c_keys" = "$go_keys" ] || { echo "run.sh: C and Go key sets differ" >&2; exit 1; }
fi

samples=$(mktemp "${TMPDIR:-/tmp}/libmap-bench.XXXXXX")
trap 'rm -f "$samples"' EXIT
trap 'exit 130' INT TERM

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "libmap bench: $(nproc) CPUs ($cpu), load $load0; $reps rounds; sizes $sizes; kinds $kinds" >&2

# Round r runs every implementation once per size, starting from a
# different implementation each round.
r=1
while [ "$r" -le "$reps" ]; do
    echo "round $r/$reps" >&2
    for n in $(echo "$sizes" | tr ',' ' '); do
        order=$impls
        k=1
        while [ "$k" -lt "$r" ]; do
            order="${order#* } ${order%% *}"
            k=$((k + 1))
        done
        for i in $order; do
            "$bin_dir/bench-$i" --sizes "$n" --kinds "$kinds" --reps 1 --warmup "$warmup" \
                --min-ops "$min_ops" --round "$r" >>"$samples"
        done
        if [ "$pairs" -gt 0 ]; then
            "$bin_dir/bench-onoff" --sizes "$n" --kinds "$kinds" --reps "$pairs" --warmup 0 \
                --min-ops "$min_ops" --round "$r" >>"$samples"
        fi
    done
    r=$((r + 1))
done

load1=$(cut -d' ' -f1-3 /proc/loadavg)
set -- --meta "command=$cmdline" --meta "nproc=$(nproc)" --meta "cpu=$cpu" \
    --meta "rounds=$reps" --meta "loadavg_start=$load0" --meta "loadavg_end=$load1" \
    --meta "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --meta "git=$(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)" \
    --meta "libmap_sources_sha256=$src_sha" --meta "onoff_pairs_per_round=$pairs"
[ -n "$json" ] && set -- "$@" --json "$json"
echo "load average: start $load0, end $load1" >&2
[ -n "$keep_samples" ] && cp "$samples" "$keep_samples"
"$bin_dir/bench-report" "$@" $strict "$samples"
