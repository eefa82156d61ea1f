#!/bin/sh
# bench/safe-locks.sh — the issue 14 measurements: which lock libmap_sync and
# libmap_shard should use (pthread rwlock, writer-preferring pthread rwlock,
# spin-then-futex: libmap/src/lock.h), and how they compare with the peers
# (a plain libmap under the user's own pthread_rwlock_t, GLib's GHashTable
# under a GRWLock, absl::flat_hash_map under std::shared_mutex when
# libabsl-dev is installed, Go's map under sync.RWMutex and sync.Map), on
# bench/safe/safe_bench.c's workloads: --keys u64 keys preloaded, 2 and 8
# threads, mixes 100% lookup, 90/10 and 50/50. Also the single-thread
# baselines (a plain libmap with no lock; libmap_shard on one thread) for
# the scaling target. Runs are interleaved round by round so that machine
# noise hits every implementation alike; the table shows the median
# throughput (millions of operations per second, all threads) over rounds.
# Needs a quiet machine: every run is CPU-bound on all cores.
set -eu

usage() {
    cat <<'USAGE'
usage: bench/safe-locks.sh [options]
  --reps N          rounds (default 5)
  --seconds S       length of each run (default 2)
  --keys N          preloaded keys (default 1000000)
  --threads LIST    thread counts (default 2,8)
  --mixes LIST      lookup,90-10,50-50 (default all three)
  --quick           a check that everything runs: 1 round, 0.2 s, 100000 keys
  --samples FILE    keep the raw result lines
  --build-dir DIR   build directory (default <repo>/build-bench)
  --no-build        use the binaries in --bin-dir as they are
  --bin-dir DIR     where the bench binaries are (default <build-dir>/bench)
USAGE
}

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
reps=5 seconds=2 keys=1000000 threads=2,8 mixes=lookup,90-10,50-50
build=1 build_dir=$repo/build-bench bin_dir= samples=
while [ $# -gt 0 ]; do
    case $1 in
    --reps) reps=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --keys) keys=$2; shift ;;
    --threads) threads=$2; shift ;;
    --mixes) mixes=$2; shift ;;
    --quick) reps=1 seconds=0.2 keys=100000 ;;
    --samples) samples=$2; shift ;;
    --build-dir) build_dir=$2; shift ;;
    --no-build) build= ;;
    --bin-dir) bin_dir=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "safe-locks.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
[ -n "$bin_dir" ] || bin_dir=$build_dir/bench

if [ -n "$build" ]; then
    cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DLIBMAP_BUILD_BENCH=ON \
        -DLIBMAP_BUILD_TESTS=OFF >/dev/null
    targets="bench-safe-pthread bench-safe-pthread-wp bench-safe-futex bench-safe-slots"
    if grep -q '^absl_DIR:PATH=/' "$build_dir/CMakeCache.txt" 2>/dev/null; then
        targets="$targets bench-safe-absl"
    fi
    if command -v go >/dev/null 2>&1; then targets="$targets bench-safe-go"; fi
    # shellcheck disable=SC2086
    cmake --build "$build_dir" -j "$(nproc)" --target $targets >/dev/null
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
run() { "$@" >>"$out" || { echo "safe-locks.sh: failed: $*" >&2; exit 1; }; }

ifs_list() { echo "$1" | tr ',' ' '; }
r=0
while [ "$r" -lt "$reps" ]; do
    r=$((r + 1))
    for mix in $(ifs_list "$mixes"); do
        common="--mix $mix --keys $keys --seconds $seconds"
        # single-thread baselines
        # shellcheck disable=SC2086
        run "$bin_dir/bench-safe-futex" --impl libmap-single --threads 1 $common
        for lock in pthread pthread-wp futex slots; do
            # shellcheck disable=SC2086
            run "$bin_dir/bench-safe-$lock" --impl libmap-shard --threads 1 $common
        done
        for t in $(ifs_list "$threads"); do
            for lock in pthread pthread-wp futex slots; do
                for impl in libmap-sync libmap-shard; do
                    # shellcheck disable=SC2086
                    run "$bin_dir/bench-safe-$lock" --impl $impl --threads "$t" $common
                done
            done
            for impl in libmap-rwlock glib-rwlock; do
                # shellcheck disable=SC2086
                run "$bin_dir/bench-safe-futex" --impl $impl --threads "$t" $common
            done
            if [ -x "$bin_dir/bench-safe-absl" ]; then
                # shellcheck disable=SC2086
                run "$bin_dir/bench-safe-absl" --threads "$t" $common
            fi
            if [ -x "$bin_dir/bench-safe-go" ]; then
                for impl in go-rwmutex go-syncmap; do
                    run "$bin_dir/bench-safe-go" -impl $impl -threads "$t" -mix "$mix" \
                        -keys "$keys" -seconds "$seconds"
                done
            fi
        done
    done
done
[ -z "$samples" ] || cp "$out" "$samples"

# The table: median mops per (mix, threads, impl, lock).
awk '
{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    key = f["mix"] " " f["threads"] " " f["impl"] " " f["lock"]
    if (!(key in n)) order[++nk] = key
    v[key, ++n[key]] = f["mops"]
}
END {
    printf "%-7s %7s  %-14s %-18s %10s\n", "mix", "threads", "impl", "lock", "Mops/s"
    for (k = 1; k <= nk; k++) {
        key = order[k]; c = n[key]
        for (i = 1; i <= c; i++) a[i] = v[key, i]
        for (i = 2; i <= c; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
        med = (c % 2) ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
        split(key, p, " ")
        printf "%-7s %7s  %-14s %-18s %10.2f\n", p[1], p[2], p[3], p[4], med
    }
}' "$out"
