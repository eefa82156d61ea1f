# crash-fixture.sh — sourced by the test scripts that need a real core of
# the crash fixture (tests/fixtures). crash_fixture_core NAME FIXTURE MODE:
# makes a temporary directory (removed at exit unless LIBMAP_KEEP_TMP=1),
# enters it, runs `FIXTURE MODE` there with `ulimit -c unlimited` (oracle
# JSON in oracle.json, stderr in stderr.txt), checks that it aborted
# (status 134) and left ./core; exits 1 on a wrong status and 77 (ctest:
# skipped) when the system sends cores elsewhere. Sets TMP.
crash_fixture_core() {
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/libmap-$1.XXXXXX")
    if [[ "${LIBMAP_KEEP_TMP:-0}" == 1 ]]; then echo "keeping $TMP"; else trap 'rm -rf "$TMP"' EXIT; fi
    cd "$TMP" || exit 1
    ulimit -c unlimited
    { LTTNG_UST_REGISTER_TIMEOUT=0 "$2" "$3" >oracle.json 2>stderr.txt; } 2>/dev/null
    local rc=$?
    [[ $rc == 134 ]] || { cat stderr.txt; echo "FAIL: the fixture exited $rc, expected 134"; exit 1; }
    [[ -f core ]] || { echo "SKIP: no core file (core_pattern: $(cat /proc/sys/kernel/core_pattern))"; exit 77; }
}
