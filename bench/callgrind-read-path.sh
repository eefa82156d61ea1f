#!/bin/sh
# bench/callgrind-read-path.sh — the read path's instruction count, before
# and after a change: bench/c/lookup_count.c (this tree's copy) is compiled
# against the libmap static library of each build directory given, with the
# same compiler and flags, and run under callgrind with collection on only
# in its two lookup loops. Prints instructions per lookup (hit and miss,
# u64 and/or string keys through the typed fast paths):
# the whole loop, and libmap's part (the loop minus the loop's own
# instructions, callgrind's self cost of lookup_hits / lookup_misses).
# Instruction counts do not depend on the machine's load.
#
#     bench/callgrind-read-path.sh [options] BUILD_DIR...
#
# e.g. (see docs/performance.md):
#     git worktree add /tmp/libmap-before 4d797d8
#     cmake -S /tmp/libmap-before -B /work/bench-build-before -DCMAKE_BUILD_TYPE=Release
#     cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DLIBMAP_BUILD_BENCH=ON
#     bench/callgrind-read-path.sh /work/bench-build-before build-bench
set -eu

usage() {
    cat <<'USAGE'
usage: bench/callgrind-read-path.sh [options] BUILD_DIR...
  BUILD_DIR         a configured libmap build tree (any commit with the
                    public API of lookup_count.c); its libmap_static is
                    built first unless --no-build
  --sizes LIST      map sizes, comma-separated (default 1000,1000000)
  --kinds LIST      key kinds, u64,str (default u64)
  --nodetect        also the build's detection-off library (bench/
                    libmap_nodetect.a, -DLIBMAP_BUILD_BENCH=ON): rows "[N-off]"
  --lookups M       lookups that hit and as many that miss (default 1000000)
  --cflags FLAGS    flags for compiling the driver (default -O2)
  --keep DIR        keep the drivers and callgrind.out files in DIR
  --no-build        do not build libmap_static in the build trees
USAGE
}

here=$(cd "$(dirname "$0")" && pwd)
sizes=1000,1000000 kinds=u64 lookups=1000000 cflags=-O2 keep='' build=1 nodetect=
while [ $# -gt 0 ]; do
    case $1 in
    --sizes) sizes=$2; shift ;;
    --kinds) kinds=$2; shift ;;
    --lookups) lookups=$2; shift ;;
    --cflags) cflags=$2; shift ;;
    --keep) keep=$2; shift ;;
    --no-build) build= ;;
    --nodetect) nodetect=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
[ $# -ge 1 ] || { usage >&2; exit 2; }
command -v valgrind >/dev/null || { echo "callgrind-read-path.sh: valgrind not found" >&2; exit 2; }

# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_workdir "$keep" libmap-cg

# The Ir of FUNC in a callgrind.out file, inclusive (yes) or self (no).
ir_of() {
    callgrind_annotate --inclusive="$3" --threshold=100 "$1" |
        awk -v f="$2" '$0 ~ ":" f " " { gsub(",", "", $1); print $1; exit }'
}

rows=$work/rows
: >"$rows"
i=0
for b in "$@"; do
    i=$((i + 1))
    bench_tree callgrind-read-path.sh "$i" "$b" "$build" libmap_static ${nodetect:+libmap_nodetect}
    b=$tree
    libs="$b/libmap/libmap.a${nodetect:+ $b/bench/libmap_nodetect.a}"
    for lib in $libs; do
        [ -f "$lib" ] || { echo "callgrind-read-path.sh: no $lib" >&2; exit 2; }
    done
    for lib in $libs; do
    label=$i
    case $lib in */libmap_nodetect.a) label="$i-off" ;; esac
    exe=$work/lookup-count-$label
    # $cflags is split into words on purpose.
    # shellcheck disable=SC2086
    ${CC:-cc} -std=gnu11 $cflags -I"$src/libmap/include" -I"$here/c" -o "$exe" \
        "$here/c/lookup_count.c" "$here/c/keys.c" "$lib" -lpthread -ldl
    for kind in $(echo "$kinds" | tr ',' ' '); do
        for n in $(echo "$sizes" | tr ',' ' '); do
            out=$exe.$kind.$n.callgrind.out log=$exe.$kind.$n.log
            valgrind --tool=callgrind --toggle-collect=lookup_hits \
                --toggle-collect=lookup_misses --callgrind-out-file="$out" \
                "$exe" --size "$n" --lookups "$lookups" --kind "$kind" >"$log" 2>&1 ||
                { cat "$log" >&2; exit 1; }
            m=$(sed -n 's/^size [0-9]* lookups \([0-9]*\) .*/\1/p' "$log")
            hi=$(ir_of "$out" lookup_hits yes) hs=$(ir_of "$out" lookup_hits no)
            mi=$(ir_of "$out" lookup_misses yes) ms=$(ir_of "$out" lookup_misses no)
            awk -v b="$label" -v k="$kind" -v n="$n" -v m="$m" -v hi="$hi" -v hs="$hs" \
                -v mi="$mi" -v ms="$ms" 'BEGIN {
                printf "%-4s %-8s %8d %8d   %8.1f %8.1f   %8.1f %8.1f\n", k, "[" b "]", n, m,
                    hi / m, (hi - hs) / m, mi / m, (mi - ms) / m }' >>"$rows"
        done
    done
    done
done
echo "instructions per lookup (callgrind Ir / lookups; lib: without the driver's loop)"
printf '%-4s %-8s %8s %8s   %8s %8s   %8s %8s\n' kind build size lookups 'hit' 'hit lib' 'miss' \
    'miss lib'
sort -s -k1,1r -k3,3n -k2,2 "$rows"
