#!/usr/bin/env bash
# test-soak.sh — run the default test suite N times in a row on a loaded
# machine with a hostile environment, to prove that it is hermetic and does
# not depend on timing:
#   - CPU hogs (one busy loop per core by default) run for the whole soak;
#     they are started and stopped by this script, by PID;
#   - LD_LIBRARY_PATH, PATH, BABELTRACE_PLUGIN_PATH and PYTHONPATH point at
#     an older install of the suite (built from OLD_REV into a prefix of its
#     own, reused on later soaks);
#   - HOME is a temporary directory whose ~/.gdbinit (and XDG gdbinit)
#     prints noise and trusts the older install's auto-load scripts;
#   - DEBUGINFOD_URLS names a closed port on the loopback.
# Each run prints its wall time, its failures and its 10 slowest tests; the
# last line is `N passed, N failed` over all runs. Exit 0 only when every
# run passed.
#
# Usage: scripts/test-soak.sh [N] [--build-dir DIR] [--jobs J] [--hogs H]
#                             [--old-rev REV] [--old-prefix DIR]
#   N              runs (default 3)
#   --build-dir    the tree to test (default build; configured and built
#                  here if needed, RelWithDebInfo)
#   --jobs         ctest jobs (default 2)
#   --hogs         CPU hog processes (default: the number of CPUs)
#   --old-rev      the commit whose install plays the caller's older one
#                  (default 3ae1842, libmap 0.1.0 with every tool)
#   --old-prefix   use this existing install instead of building OLD_REV
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=3 BUILD_DIR=$ROOT/build JOBS=2 HOGS=$(nproc) OLD_REV=3ae1842 OLD_PREFIX=""

usage() { sed -n '19,29p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
    case "$1" in
        --build-dir) BUILD_DIR=$2; shift 2 ;;
        --jobs|-j) JOBS=$2; shift 2 ;;
        --hogs) HOGS=$2; shift 2 ;;
        --old-rev) OLD_REV=$2; shift 2 ;;
        --old-prefix) OLD_PREFIX=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        [0-9]*) RUNS=$1; shift ;;
        *) echo "test-soak.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "test-soak.sh: N must be a positive number, not '$RUNS'" >&2; exit 2; }
[[ "$HOGS" =~ ^[0-9]+$ ]] || { echo "test-soak.sh: --hogs needs a number, not '$HOGS'" >&2; exit 2; }
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR=$PWD/$BUILD_DIR ;; esac

say() { printf '\n==== test-soak.sh: %s ====\n' "$*"; }

# 1. the tree under test
say "build $BUILD_DIR"
if ! cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null ||
   ! cmake --build "$BUILD_DIR" -j "$JOBS" >/dev/null; then
    echo "test-soak.sh: configuring or building $BUILD_DIR failed" >&2
    exit 1
fi

# 2. the older install that the hostile environment points at
if [[ -z "$OLD_PREFIX" ]]; then
    old_root=$BUILD_DIR/soak-old-$OLD_REV
    OLD_PREFIX=$old_root/prefix
    if [[ ! -f "$OLD_PREFIX/.complete" ]]; then
        say "older install: $OLD_REV into $OLD_PREFIX"
        rm -rf "$old_root"
        mkdir -p "$old_root/src"
        if ! git -C "$ROOT" archive "$OLD_REV" | tar -x -C "$old_root/src"; then
            echo "test-soak.sh: cannot read commit $OLD_REV (a full clone is needed; or --old-prefix DIR)" >&2
            exit 1
        fi
        if ! cmake -S "$old_root/src" -B "$old_root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
                -DLIBMAP_BUILD_TESTS=OFF -DLIBMAP_BUILD_BENCH=OFF >"$old_root/build.log" 2>&1 ||
           ! cmake --build "$old_root/build" -j "$JOBS" >>"$old_root/build.log" 2>&1 ||
           ! cmake --install "$old_root/build" --prefix "$OLD_PREFIX" >>"$old_root/build.log" 2>&1; then
            echo "test-soak.sh: building the older install failed; see $old_root/build.log" >&2
            exit 1
        fi
        touch "$OLD_PREFIX/.complete"
    fi
fi
[[ -d "$OLD_PREFIX/lib" ]] || { echo "test-soak.sh: $OLD_PREFIX has no lib/: not an install prefix" >&2; exit 2; }

# 3. the hostile environment
WORK=$(mktemp -d "${TMPDIR:-/tmp}/libmap-soak.XXXXXX")
HOG_PIDS=()
stop_hogs() {
    local p
    for p in "${HOG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${HOG_PIDS[@]}"; do wait "$p" 2>/dev/null; done
    HOG_PIDS=()
}
trap 'stop_hogs; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK/home/.config/gdb"
noise="echo [soak] noise from ~/.gdbinit: this HOME is not the tests'\\n
add-auto-load-safe-path $OLD_PREFIX/share/gdb/auto-load
set auto-load safe-path /"
printf '%b\n' "$noise" >"$WORK/home/.gdbinit"
printf '%b\n' "$noise" >"$WORK/home/.config/gdb/gdbinit"
hostile_env=(
    HOME="$WORK/home"
    LD_LIBRARY_PATH="$OLD_PREFIX/lib"
    PATH="$OLD_PREFIX/bin:$PATH"
    BABELTRACE_PLUGIN_PATH="$OLD_PREFIX/lib/babeltrace2/plugins"
    PYTHONPATH="$OLD_PREFIX/share/libmap/gdb"
    DEBUGINFOD_URLS="http://127.0.0.1:9"
)
echo "hostile environment:"
printf '  %s\n' "${hostile_env[@]}"

for ((i = 0; i < HOGS; i++)); do
    ( exec nice -n 0 sh -c 'while :; do :; done' ) &
    HOG_PIDS+=($!)
done
echo "CPU hogs: $HOGS (PIDs ${HOG_PIDS[*]:-none})"

# 4. the runs
TOTAL_PASSED=0 TOTAL_FAILED=0 RUNS_OK=0
WALLS=()
for ((run = 1; run <= RUNS; run++)); do
    junit=$WORK/run$run.xml
    log=$WORK/run$run.log
    say "run $run of $RUNS (load: $(cut -d' ' -f1-3 /proc/loadavg))"
    start=$(date +%s.%N)
    env "${hostile_env[@]}" ctest --test-dir "$BUILD_DIR" -j "$JOBS" -LE '^(long|bench)$' \
        --output-on-failure --output-junit "$junit" >"$log" 2>&1
    rc=$?
    wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
    WALLS+=("$wall")
    if [[ ! -s "$junit" ]]; then
        echo "run $run: ctest wrote no results (exit $rc); its output:"
        tail -n 40 "$log"
        TOTAL_FAILED=$((TOTAL_FAILED + 1))
        continue
    fi
    tests=$(grep -o -m1 '[[:space:]]tests="[0-9]*"' "$junit" | tr -dc 0-9)
    failures=$(grep -o -m1 '[[:space:]]failures="[0-9]*"' "$junit" | tr -dc 0-9)
    tests=${tests:-0} failures=${failures:-0}
    TOTAL_PASSED=$((TOTAL_PASSED + tests - failures))
    TOTAL_FAILED=$((TOTAL_FAILED + failures))
    printf 'run %d: %d tests, %d failed, wall %d s (%d min %d s), ctest exit %d\n' \
        "$run" "$tests" "$failures" "$wall" $((wall / 60)) $((wall % 60)) "$rc"
    if ((failures > 0 || rc != 0)); then
        echo "failed tests:"
        grep -E '^[[:space:]]*[0-9]+ - .*\((Failed|Timeout|SEGFAULT|Subprocess|Not Run|Exception)' "$log" ||
            grep -E 'Failed|Timeout' "$log" | head -n 20
        cp "$log" "${TMPDIR:-/tmp}/libmap-soak-run$run.log"
        echo "(full output kept in ${TMPDIR:-/tmp}/libmap-soak-run$run.log)"
        ((failures > 0)) || TOTAL_FAILED=$((TOTAL_FAILED + 1))
    else
        RUNS_OK=$((RUNS_OK + 1))
    fi
    echo "slowest 10:"
    grep -o '<testcase name="[^"]*"[^>]*time="[0-9.]*"' "$junit" |
        sed -E 's/.*name="([^"]*)".*time="([0-9.]*)"/\2 \1/' | sort -rn | head -n 10 |
        awk '{ printf "  %7.2f s  %s\n", $1, $2 }'
done
stop_hogs

say "summary"
echo "runs passed: $RUNS_OK of $RUNS; wall times (s): ${WALLS[*]}"
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
((RUNS_OK == RUNS))
