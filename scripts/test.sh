#!/usr/bin/env bash
# test.sh — the README's test command: set up a Debian 12 machine and run
# every test of the libmap suite. .ci/run calls exactly this.
#
#   1. scripts/install-deps.sh (apt-get, skipped when all is installed)
#   2. release build (RelWithDebInfo, benchmarks on unless --no-bench)
#      in build/, and its default ctest suite
#   3. ASan+UBSan build (-DLIBMAP_SANITIZE=address,undefined) in
#      build-asan/, and its default ctest suite
#   4. ThreadSanitizer build (-DLIBMAP_SANITIZE=thread; TSan cannot share a
#      build with ASan) in build-tsan/: only the library and the tests
#      labelled `tsan` (target tsan-tests: libmap_sync/libmap_shard's tests
#      and the race_no_false_positive runs, correct multi-threaded use),
#      and `ctest -L tsan` there; any TSan report fails the test
#   5. the bounded benchmark run, `ctest -L bench`, in the release build
#      (a failure when no test carries that label)
#
# Every stage runs even when an earlier one failed; the exit status is
# non-zero if any build or test failed. The last line is the total over all
# ctest runs: `N passed, N failed[, N skipped]` (a failed configure or build
# counts as one failed).
#
# ctest labels: the default suite excludes `long` (extended runs such as
# long fuzzing) and `bench`; the sanitizer run also excludes `nosanitize`
# (tests that cannot run under ASan, e.g. under valgrind). Run them by hand
# with `ctest --test-dir build -L long`.
#
# Usage: scripts/test.sh [--build-dir DIR] [--asan-dir DIR] [--tsan-dir DIR]
#                        [--jobs N] [--no-asan] [--no-tsan] [--no-bench]
#                        [--skip-deps]
# Environment: LIBMAP_BUILD_DIR, LIBMAP_ASAN_BUILD_DIR, LIBMAP_TSAN_BUILD_DIR,
#   LIBMAP_TEST_JOBS, LIBMAP_BUILD_TYPE, LIBMAP_TEST_TIMEOUT (default
#   per-test seconds), LIBMAP_SKIP_DEPS=1, LIBMAP_NO_ASAN=1, LIBMAP_NO_TSAN=1,
#   LIBMAP_NO_BENCH=1.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BUILD_DIR=${LIBMAP_BUILD_DIR:-build}
ASAN_DIR=${LIBMAP_ASAN_BUILD_DIR:-build-asan}
TSAN_DIR=${LIBMAP_TSAN_BUILD_DIR:-build-tsan}
JOBS=${LIBMAP_TEST_JOBS:-2}
BUILD_TYPE=${LIBMAP_BUILD_TYPE:-RelWithDebInfo}
TIMEOUT=${LIBMAP_TEST_TIMEOUT:-900}
NO_ASAN=${LIBMAP_NO_ASAN:-0}
NO_TSAN=${LIBMAP_NO_TSAN:-0}
NO_BENCH=${LIBMAP_NO_BENCH:-0}
SKIP_DEPS=${LIBMAP_SKIP_DEPS:-0}

usage() { sed -n '/^# Usage:/,/^#   LIBMAP_NO_BENCH/p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
    case "$1" in
        --build-dir) BUILD_DIR=$2; shift 2 ;;
        --asan-dir) ASAN_DIR=$2; shift 2 ;;
        --tsan-dir) TSAN_DIR=$2; shift 2 ;;
        --jobs|-j) JOBS=$2; shift 2 ;;
        --no-asan) NO_ASAN=1; shift ;;
        --no-tsan) NO_TSAN=1; shift ;;
        --no-bench) NO_BENCH=1; shift ;;
        --skip-deps) SKIP_DEPS=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "test.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

PASSED=0 FAILED=0 SKIPPED=0
FAILURES=()

say() { printf '\n==== test.sh: %s ====\n' "$*"; }
fail_stage() { FAILED=$((FAILED + 1)); FAILURES+=("$1"); echo "test.sh: FAILED: $1" >&2; }

# Run ctest with the given arguments in build dir $2, stage name $1; add its
# results to the totals (read from its JUnit report).
run_ctest() {
    local stage=$1 dir=$2
    shift 2
    local junit="$ROOT/$dir/Testing/libmap-$stage.xml"
    [[ "$dir" = /* ]] && junit="$dir/Testing/libmap-$stage.xml"
    mkdir -p "$(dirname "$junit")"
    rm -f "$junit"
    say "ctest ($stage): $dir $*"
    ctest --test-dir "$dir" --output-on-failure --timeout "$TIMEOUT" \
        --output-junit "$junit" "$@"
    local rc=$?
    if [[ ! -s "$junit" ]]; then
        fail_stage "ctest $stage (no results, ctest exit $rc)"
        return
    fi
    local tests failures skipped disabled
    # The first occurrence of each attribute is in the <testsuite> header.
    attr() { grep -o -m1 "[[:space:]]$1=\"[0-9]*\"" "$junit" | head -1 | tr -dc 0-9; }
    tests=$(attr tests) failures=$(attr failures) skipped=$(attr skipped) disabled=$(attr disabled)
    tests=${tests:-0} failures=${failures:-0} skipped=${skipped:-0} disabled=${disabled:-0}
    PASSED=$((PASSED + tests - failures - skipped - disabled))
    FAILED=$((FAILED + failures))
    SKIPPED=$((SKIPPED + skipped + disabled))
    if ((failures > 0)); then
        FAILURES+=("ctest $stage: $failures failed")
    elif ((rc != 0)); then
        fail_stage "ctest $stage (exit $rc)"
    elif ((tests == 0)); then
        fail_stage "ctest $stage ran no test"
    fi
}

# configure_and_build STAGE DIR [--target T] CMAKE-ARGS... ; builds
# everything, or only target T; returns non-zero on failure.
configure_and_build() {
    local stage=$1 dir=$2
    shift 2
    local target=()
    if [[ "${1:-}" == --target ]]; then
        target=(--target "$2")
        shift 2
    fi
    say "configure ($stage): $dir"
    if ! cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" "$@"; then
        fail_stage "configure $stage"
        return 1
    fi
    say "build ($stage)"
    if ! cmake --build "$dir" -j "$JOBS" "${target[@]}"; then
        fail_stage "build $stage"
        return 1
    fi
}

# 1. dependencies
if [[ "$SKIP_DEPS" != 1 ]]; then
    say "dependencies"
    if ! bash "$ROOT/scripts/install-deps.sh"; then
        fail_stage "install-deps"
        echo "$PASSED passed, $FAILED failed"
        exit 1
    fi
fi

BENCH=ON
if [[ "$NO_BENCH" == 1 ]]; then
    BENCH=OFF
fi
DEFAULT_EXCLUDE='^(long|bench)$'

# 2. release build and its default suite
RELEASE_OK=0
if configure_and_build release "$BUILD_DIR" -DLIBMAP_SANITIZE= -DLIBMAP_BUILD_BENCH="$BENCH"; then
    RELEASE_OK=1
    run_ctest default "$BUILD_DIR" -j "$JOBS" -LE "$DEFAULT_EXCLUDE" --no-tests=error
fi

# 3. ASan+UBSan build and its default suite
if [[ "$NO_ASAN" != 1 ]]; then
    if configure_and_build asan "$ASAN_DIR" -DLIBMAP_SANITIZE=address,undefined \
            -DLIBMAP_BUILD_BENCH=OFF; then
        # Defaults for tests that do not set their own (ctest ENVIRONMENT wins).
        ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1} \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
            run_ctest asan "$ASAN_DIR" -j "$JOBS" -LE '^(long|bench|nosanitize)$' --no-tests=error
    fi
fi

# 4. ThreadSanitizer build of the library and the multi-threaded tests
if [[ "$NO_TSAN" != 1 ]]; then
    if configure_and_build tsan "$TSAN_DIR" --target tsan-tests -DLIBMAP_SANITIZE=thread \
            -DLIBMAP_BUILD_BENCH=OFF; then
        # halt_on_error: the first report ends the test with a failure
        TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1} \
            run_ctest tsan "$TSAN_DIR" -j "$JOBS" -L '^tsan$' --no-tests=error
    fi
fi

# 5. bounded benchmark run (serial: benchmarks must not share the cores)
if [[ "$BENCH" == ON && "$RELEASE_OK" == 1 ]]; then
    run_ctest bench "$BUILD_DIR" -j 1 -L '^bench$'
fi

say "summary"
if ((${#FAILURES[@]})); then
    printf '  %s\n' "${FAILURES[@]}"
fi
if ((SKIPPED)); then
    echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
else
    echo "$PASSED passed, $FAILED failed"
fi
((FAILED == 0 && ${#FAILURES[@]} == 0))
