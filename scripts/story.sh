#!/usr/bin/env bash
# story.sh — the README's main command: set up a Debian 12 machine, build and
# install the libmap suite into a staging prefix, and run the user's story
# end to end:
#
#   1. a program using libmap (libmap-demo) races two writers on one map,
#      under libmap-record's flight recorder (LTTng, overwrite ring buffer);
#   2. libmap aborts at once with `fatal error: concurrent map writes`,
#      naming both threads; the process dies by SIGABRT (exit 134) and
#      leaves a core file;
#   3. the flight recorder's trigger on libmap:panic saved a snapshot of the
#      last events before the abort;
#   4. libmap-coredump on the core: the panic, both threads' stacks, the
#      map reconstructed and verified;
#   5. gdb on the core, with the suite's scripts auto-loaded: `libmap panic`;
#   6. libmap-timeline on the snapshot: the two colliding writes on a
#      per-thread timeline, exported as an HTML page and Chrome trace JSON;
#   7. the fix: the same two writers on a libmap_shard map (<libmap/sync.h>)
#      run to the end, their contents equal to a single-threaded replay.
#
# Usage: scripts/story.sh [--build-dir DIR] [--prefix DIR] [--out DIR]
#                         [--skip-deps] [--no-build]
#   --build-dir  build tree (default build/)
#   --prefix     where the suite is installed (default BUILD/stage)
#   --out        the story's working directory (default: a new temp dir);
#                the demo's core file and later artifacts are left there
# Environment: LIBMAP_BUILD_DIR, LIBMAP_SKIP_DEPS=1, LIBMAP_BUILD_TYPE.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BUILD_DIR=${LIBMAP_BUILD_DIR:-build}
BUILD_TYPE=${LIBMAP_BUILD_TYPE:-RelWithDebInfo}
PREFIX=
OUT=
SKIP_DEPS=${LIBMAP_SKIP_DEPS:-0}
NO_BUILD=0
while (($#)); do
    case "$1" in
        --build-dir) BUILD_DIR=$2; shift 2 ;;
        --prefix) PREFIX=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --skip-deps) SKIP_DEPS=1; shift ;;
        --no-build) NO_BUILD=1; shift ;;
        -h|--help) sed -n '19,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "story.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
[[ "$BUILD_DIR" = /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
PREFIX=${PREFIX:-$BUILD_DIR/stage}
[[ "$PREFIX" = /* ]] || PREFIX=$ROOT/$PREFIX

say() { printf '\n==== %s ====\n' "$*"; }
die() { echo "story.sh: $*" >&2; exit 1; }

# State shared by the steps (later steps read what earlier ones found).
DEMO_STATUS=     # exit status of the racing demo
DEMO_STDOUT=     # file holding its stdout (pid, map address, worker TIDs)
DEMO_STDERR=     # file holding its stderr (libmap's fatal message)
DEMO_PID=        # its pid (printed by the demo)
SNAPSHOT=        # the flight recorder's snapshot directory
TIMELINE_HTML=   # libmap-timeline's outputs
TIMELINE_JSON=
CORE_FILE=       # path of its core file, if one was written to disk
CORE_HOW=        # how to get the core when it is not a file (systemd-coredump)

setup() {
    if [[ "$SKIP_DEPS" != 1 ]]; then
        say "installing packages (apt-get; skipped when all are present)"
        bash "$ROOT/scripts/install-deps.sh"
    fi
    if [[ "$NO_BUILD" != 1 ]]; then
        say "building the suite ($BUILD_TYPE) in $BUILD_DIR"
        # The install prefix is set at configure time: libmap.so names its gdb
        # auto-load script by absolute path under it.
        cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DLIBMAP_SANITIZE= \
            -DCMAKE_INSTALL_PREFIX="$PREFIX" >/dev/null
        cmake --build "$BUILD_DIR" -j "$(nproc)" >"$BUILD_DIR/story-build.log" 2>&1 \
            || { tail -50 "$BUILD_DIR/story-build.log" >&2; die "build failed (log: $BUILD_DIR/story-build.log)"; }
        say "installing into $PREFIX"
        cmake --install "$BUILD_DIR" --prefix "$PREFIX" >/dev/null
    fi
    [[ -x "$PREFIX/bin/libmap-demo" ]] || die "$PREFIX/bin/libmap-demo is missing (is examples/ built?)"
    export PATH="$PREFIX/bin:$PATH"
    if [[ -z "$OUT" ]]; then
        OUT=$(mktemp -d "${TMPDIR:-/tmp}/libmap-story.XXXXXX")
    fi
    mkdir -p "$OUT"
    OUT=$(cd "$OUT" && pwd)
}

# Steps 1-3: the race and the abort, under the flight recorder. The demo runs
# in its own directory so that a core file named plain `core` lands there and
# nowhere else; libmap-record passes the demo's exit status on (134: SIGABRT).
story_race() {
    say "1. two threads write one map without a lock, under the flight recorder"
    local dir=$OUT/race
    rm -rf "$dir"
    mkdir -p "$dir"
    DEMO_STDOUT=$dir/stdout.txt
    DEMO_STDERR=$dir/stderr.txt
    echo "\$ cd $dir && ulimit -c unlimited"
    echo "\$ libmap-record --flight -o $dir/flight -- libmap-demo race write-write"
    DEMO_STATUS=0
    (
        cd "$dir"
        ulimit -c unlimited 2>/dev/null || echo "story.sh: cannot raise the core size limit (ulimit -c)" >&2
        exec libmap-record --flight -o "$dir/flight" -- libmap-demo race write-write \
            >"$DEMO_STDOUT" 2>"$DEMO_STDERR"
    ) || DEMO_STATUS=$?
    cat "$DEMO_STDOUT"
    cat "$DEMO_STDERR" >&2
    DEMO_PID=$(sed -n 's/^libmap-demo: pid \([0-9]*\).*/\1/p' "$DEMO_STDOUT")
    say "2. libmap aborted the process"
    echo "exit status: $DEMO_STATUS$( ((DEMO_STATUS == 134)) && echo ' (128 + SIGABRT)')"
    ((DEMO_STATUS == 134)) || die "expected exit status 134 (SIGABRT), got $DEMO_STATUS"
    grep -q '^fatal error: concurrent map writes$' "$DEMO_STDERR" \
        || die "the demo did not print 'fatal error: concurrent map writes'"
    # The second line names both threads; both must be the demo's workers.
    local line tids t workers
    line=$(grep -A1 '^fatal error:' "$DEMO_STDERR" | tail -1)
    tids=$(grep -o 'thread [0-9]*' <<<"$line" | awk '{print $2}' | xargs)
    workers=$(sed -n 's/^libmap-demo: worker [0-9]* tid \([0-9]*\).*/\1/p' "$DEMO_STDOUT" | xargs)
    echo "threads named by libmap: ${tids:-none} (the demo's workers: ${workers:-?})"
    for t in $tids; do
        grep -qw "$t" <<<"$workers" || echo "story.sh: warning: thread $t is not one of the demo's workers" >&2
    done

    # Where did the core go?
    local pattern pid=$DEMO_PID
    pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null || echo unknown)
    echo "core_pattern: $pattern"
    case "$pattern" in
        \|*systemd-coredump*)
            CORE_HOW="coredumpctl dump -o $dir/core $pid"
            echo "core file: taken by systemd-coredump (pid $pid); saving it to $dir/core"
            if command -v coredumpctl >/dev/null && coredumpctl dump -o "$dir/core" "$pid" >/dev/null 2>&1; then
                CORE_FILE=$dir/core
            else
                echo "  (coredumpctl dump failed; try: coredumpctl dump -o $dir/core $pid)"
            fi
            ;;
        \|*)
            CORE_HOW="piped to ${pattern#|} (pid $pid)"
            echo "core file: piped to another program: ${pattern#|}"
            ;;
        /*)
            CORE_HOW="written per core_pattern $pattern (pid $pid)"
            echo "core file: written under $(dirname "$pattern") (pattern $pattern, pid $pid)"
            ;;
        *)
            # relative pattern: the file is in the crashing process's cwd
            CORE_FILE=$(find "$dir" -maxdepth 1 -type f -name 'core*' | head -1)
            if [[ -n "$CORE_FILE" ]]; then
                echo "core file: $CORE_FILE ($(du -h "$CORE_FILE" | cut -f1))"
            else
                echo "core file: none in $dir (was ulimit -c unlimited refused? core_pattern: $pattern)"
            fi
            ;;
    esac
}

# Step 3: the flight recorder's snapshot, taken by the trigger on libmap:panic
# (libmap-record prints its path on stderr).
story_snapshot() {
    say "3. the flight recorder saved the last events before the abort"
    SNAPSHOT=$(sed -n 's/^libmap-record: snapshot: //p' "$DEMO_STDERR" | tail -1)
    [[ -n "$SNAPSHOT" && -d "$SNAPSHOT" ]] || die "libmap-record saved no snapshot (see $DEMO_STDERR)"
    echo "snapshot: $SNAPSHOT"
    echo "\$ babeltrace2 $SNAPSHOT | tail -3"
    babeltrace2 "$SNAPSHOT" 2>/dev/null | tail -3 | cut -c1-220
}

# Step 4 (the analyzer's part): libmap-coredump on the demo's core — the
# panic, both racing threads with symbolized stacks, the map reconstructed
# bucket by bucket and verified.
story_coredump() {
    say "4. libmap-coredump: the panic, both threads' stacks, the map"
    if [[ -z "$CORE_FILE" ]]; then
        echo "no core file on disk${CORE_HOW:+ ($CORE_HOW)}: skipping libmap-coredump"
        return
    fi
    echo "\$ libmap-coredump \$(command -v libmap-demo) $CORE_FILE"
    local rc=0
    libmap-coredump "$(command -v libmap-demo)" "$CORE_FILE" || rc=$?
    case $rc in
        0) echo "(exit 0: the map's invariants hold)" ;;
        1) echo "(exit 1: the race left the map damaged; see the verification above)" ;;
        *) die "libmap-coredump failed (exit $rc)" ;;
    esac
}

# Step 5: gdb on the core. The installed scripts auto-load once their
# directory is trusted (the one line users put in ~/.gdbinit).
story_gdb() {
    say "5. gdb on the core: libmap panic"
    if [[ -z "$CORE_FILE" ]]; then
        echo "no core file on disk${CORE_HOW:+ ($CORE_HOW)}: skipping gdb"
        return
    fi
    local safe=$PREFIX/share/gdb/auto-load
    echo "\$ gdb -q --batch -iex 'add-auto-load-safe-path $safe' -ex 'libmap panic' \\"
    echo "      \$(command -v libmap-demo) $CORE_FILE"
    local out=$OUT/gdb-panic.txt rc=0
    timeout 300 gdb -q --batch -nx -iex "add-auto-load-safe-path $safe" -ex 'libmap panic' \
        "$(command -v libmap-demo)" "$CORE_FILE" >"$out" 2>&1 || rc=$?
    # From the panic report on; gdb's own start-up chatter is in the file.
    sed -n '/^fatal error:/,$p' "$out"
    grep -q '^fatal error: concurrent map writes' "$out" \
        || die "gdb's 'libmap panic' printed no panic (exit $rc; full output: $out)"
}

# Step 6: the timeline of the snapshot, on the terminal and as files.
story_timeline() {
    say "6. libmap-timeline on the snapshot: the two colliding writes"
    [[ -n "$SNAPSHOT" ]] || die "no snapshot to show"
    TIMELINE_HTML=$OUT/timeline.html
    TIMELINE_JSON=$OUT/timeline.json
    echo "\$ libmap-timeline $SNAPSHOT --html $TIMELINE_HTML --chrome $TIMELINE_JSON"
    local rc=0
    libmap-timeline "$SNAPSHOT" --html "$TIMELINE_HTML" --chrome "$TIMELINE_JSON" || rc=$?
    # exit 1: a race was found and reported (what we expect here)
    ((rc == 0 || rc == 1)) || die "libmap-timeline failed (exit $rc)"
    [[ -s "$TIMELINE_HTML" && -s "$TIMELINE_JSON" ]] || die "libmap-timeline wrote no HTML or JSON"
}

# Step 7: the fix. The same two writers on a libmap_shard map (its own
# locks, <libmap/sync.h>; docs/safe-maps.md): no panic, and the contents
# equal a single-threaded replay of the same writes.
story_fixed() {
    say "7. the fix: the same workload on libmap_shard, the map with its own locks"
    echo "\$ libmap-demo fixed write-write --variant shard"
    local rc=0
    libmap-demo fixed write-write --variant shard || rc=$?
    ((rc == 0)) || die "libmap-demo fixed write-write --variant shard failed (exit $rc)"
}

STEPS=(story_race story_snapshot story_coredump story_gdb story_timeline story_fixed)

setup
for step in "${STEPS[@]}"; do
    "$step"
done

say "done"
echo "story directory: $OUT"
echo "snapshot:        $SNAPSHOT"
[[ -n "$CORE_FILE" ]] && echo "core file:       $CORE_FILE"
[[ -n "$CORE_HOW" && -z "$CORE_FILE" ]] && echo "core:            $CORE_HOW"
echo "HTML timeline:   $TIMELINE_HTML   (open in a browser; no network needed)"
echo "Chrome JSON:     $TIMELINE_JSON   (load in ui.perfetto.dev or chrome://tracing)"
