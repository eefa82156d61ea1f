#!/bin/sh
# bench/growth-peak.sh — the memory a map holds while growing to N entries,
# before and after a change: bench/c/growth_peak.c (this tree's copy) is
# compiled against the libmap static library of each build directory
# given, with the same compiler and flags, and run twice: with its counting
# allocator (exact live bytes: the peak during the inserts, what is held
# after them, the large blocks held then, each growth) and with libmap's
# default allocator (peak RSS only).
#
#     bench/growth-peak.sh [options] BUILD_DIR...
#
# e.g. (see docs/performance.md):
#     git worktree add /tmp/libmap-before 4d797d8
#     cmake -S /tmp/libmap-before -B /work/bench-build-before -DCMAKE_BUILD_TYPE=Release
#     cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DLIBMAP_BUILD_BENCH=ON
#     bench/growth-peak.sh /work/bench-build-before build-bench
set -eu

usage() {
    cat <<'USAGE'
usage: bench/growth-peak.sh [options] BUILD_DIR...
  BUILD_DIR         a configured libmap build tree (any commit with the
                    public API of growth_peak.c); its libmap_static is
                    built first unless --no-build
  --size N          u64 -> u64 entries inserted (default 1000000)
  --growths K       also print the last K growths of each build (default 3;
                    0: none)
  --cflags FLAGS    flags for compiling the driver (default -O2)
  --keep DIR        keep the drivers and their output in DIR
  --no-build        do not build libmap_static in the build trees
USAGE
}

here=$(cd "$(dirname "$0")" && pwd)
size=1000000 growths=3 cflags=-O2 keep='' build=1
while [ $# -gt 0 ]; do
    case $1 in
    --size) size=$2; shift ;;
    --growths) growths=$2; shift ;;
    --cflags) cflags=$2; shift ;;
    --keep) keep=$2; shift ;;
    --no-build) build= ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
[ $# -ge 1 ] || { usage >&2; exit 2; }

# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_workdir "$keep" libmap-gp

field() { # field FILE KEY [N]: the Nth word after KEY on KEY's line
    awk -v k="$2" -v n="${3:-1}" '$1 == k { print $(n + 1); exit }' "$1"
}

rows=$work/rows
: >"$rows"
i=0
for b in "$@"; do
    i=$((i + 1))
    bench_tree growth-peak.sh "$i" "$b" "$build" libmap_static
    b=$tree
    lib=$b/libmap/libmap.a
    [ -f "$lib" ] || { echo "growth-peak.sh: no $lib" >&2; exit 2; }
    exe=$work/growth-peak-$i
    # $cflags is split into words on purpose.
    # shellcheck disable=SC2086
    ${CC:-cc} -std=gnu11 $cflags -I"$src/libmap/include" -I"$here/c" -o "$exe" \
        "$here/c/growth_peak.c" "$here/c/keys.c" "$lib" -lpthread -ldl
    "$exe" --size "$size" >"$work/count.$i" || { cat "$work/count.$i" >&2; exit 1; }
    "$exe" --size "$size" --default-allocator >"$work/default.$i" ||
        { cat "$work/default.$i" >&2; exit 1; }
    if [ "$growths" -gt 0 ]; then
        grep '^growth ' "$work/count.$i" | tail -n "$growths" | sed "s/^/[$i] /"
    fi
    f=$work/count.$i
    printf '%-6s %9s %12s %12s %12s  %-28s %10s %10s\n' "[$i]" "$size" \
        "$(field "$f" peak_live_bytes)" "$(field "$f" peak_live_bytes 3)" \
        "$(field "$f" final_live_bytes)" \
        "$(sed -n 's/^final_blocks [0-9]* total [0-9]*: *//p' "$f" | tr ' ' '+')" \
        "$(field "$f" ru_maxrss_kib)" "$(field "$work/default.$i" ru_maxrss_kib)" >>"$rows"
done
echo "bytes libmap held (its allocator's requested sizes); RSS in KiB (ru_maxrss)"
printf '%-6s %9s %12s %12s %12s  %-28s %10s %10s\n' build entries peak_live 'peak@insert' \
    final_live 'final large blocks' rss_count rss_default
cat "$rows"
