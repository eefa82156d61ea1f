#!/usr/bin/env bash
# inputs_test.sh — libmap-coredump on the inputs users get wrong, each
# checked against what must happen (issue 10, items 3, 6, 7, 10, 12):
#   - the wrong executable (another program, an empty file, a directory):
#     exit 2 and one line naming both build IDs; --force analyzes and marks
#     the report (text and JSON);
#   - a FIFO as the core: refused at once (exit 2), no hang;
#   - stdout on /dev/full: exit 2 and one line, never exit 0;
#   - --map at an address that is no map: exit 2 and one line;
#   - a map caught mid-doubling: the load counts the entries still in
#     unevacuated old buckets (count / 2^B, from the fixture's oracle).
# Usage: inputs_test.sh ANALYZER FIXTURE
set -u
ANALYZER=$(realpath "$1") FIXTURE=$(realpath "$2")
. "$(dirname "${BASH_SOURCE[0]}")/../common/crash-fixture.sh"
crash_fixture_core cd-inputs "$FIXTURE" doubling
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

build_id() { readelf -n "$1" | sed -n 's/.*Build ID: \([0-9a-f]*\).*/\1/p' | head -1; }
fixture_id=$(build_id "$FIXTURE")
[[ -n "$fixture_id" ]] || { echo "FAIL: the fixture has no build ID"; exit 1; }

# expect NAME WANT_RC [grep pattern on stderr] -- command...
expect() {
    local name=$1 want=$2 pattern=$3
    shift 4
    timeout 60 "$@" >out.txt 2>err.txt
    local got=$?
    local lines
    lines=$(grep -c . err.txt)
    if [[ $got != "$want" ]]; then
        fail "$name: exit $got, expected $want; stderr: $(head -c 400 err.txt)"
    elif [[ -n "$pattern" ]] && ! grep -Eq "$pattern" err.txt; then
        fail "$name: stderr does not match /$pattern/: $(head -c 400 err.txt)"
    elif [[ $want == 2 && $lines != 1 ]]; then
        fail "$name: $lines lines on stderr, expected one: $(head -c 400 err.txt)"
    else
        ok "$name"
    fi
}

# 3. the right executable
sleep_id=$(build_id /usr/bin/sleep)
expect "another program as EXE" 2 "$sleep_id.*$fixture_id" -- "$ANALYZER" /usr/bin/sleep core
: >empty
expect "an empty file as EXE" 2 "is an empty file" -- "$ANALYZER" empty core
expect "a directory as EXE" 2 "is a directory" -- "$ANALYZER" "$TMP" core
expect "a directory as CORE" 2 "is a directory" -- "$ANALYZER" "$FIXTURE" "$TMP"
timeout 60 "$ANALYZER" --force /usr/bin/sleep core >forced.txt 2>forced.err
rc=$?
if [[ $rc == 0 || $rc == 1 || $rc == 3 ]] && grep -q "NOT the program that dumped the core" forced.txt; then
    ok "--force marks the text report"
else
    fail "--force: exit $rc, report header: $(grep executable forced.txt | head -1)"
fi
timeout 60 "$ANALYZER" --force --json /usr/bin/sleep core >forced.json 2>/dev/null
python3 -c '
import json, sys
d = json.load(open("forced.json"))
c = d["core"]
assert c["build_id_mismatch"] is True, c
assert c["core_executable_build_id"] == sys.argv[1], c
assert c["executable_build_id"] == sys.argv[2], c
' "$fixture_id" "$sleep_id" && ok "--force --json marks the mismatch" || fail "--force --json fields"
timeout 60 "$ANALYZER" --json "$FIXTURE" core >right.json 2>/dev/null
python3 -c '
import json, sys
c = json.load(open("right.json"))["core"]
assert c["build_id_mismatch"] is False and c["executable_build_id"] == sys.argv[1], c
' "$fixture_id" && ok "the right executable: build IDs equal" || fail "right executable JSON fields"

# 6. special files
mkfifo fifo
expect "a FIFO as CORE" 2 "is a FIFO" -- "$ANALYZER" "$FIXTURE" fifo
expect "a character device as CORE" 2 "character device" -- "$ANALYZER" "$FIXTURE" /dev/zero

# 7. lost output
if [[ -w /dev/full ]]; then
    timeout 60 "$ANALYZER" "$FIXTURE" core >/dev/full 2>full.err
    rc=$?
    if [[ $rc == 2 ]] && grep -q "cannot write" full.err; then ok "stdout on /dev/full"; else
        fail "stdout on /dev/full: exit $rc, stderr: $(cat full.err)"; fi
    timeout 60 "$ANALYZER" --json "$FIXTURE" core >/dev/full 2>full.err
    rc=$?
    [[ $rc == 2 ]] && ok "--json on /dev/full" || fail "--json on /dev/full: exit $rc"
fi

# 10. --map on a non-map
map=$(python3 -c 'import json; print(json.load(open("oracle.json"))["map"])')
not_map=$(printf '0x%x' $((map + 16)))
expect "--map inside a map, not at its start" 2 "is not a live libmap map" -- \
    "$ANALYZER" --map "$not_map" "$FIXTURE" core
expect "--map at an unmapped address" 2 "is not a map in this core" -- \
    "$ANALYZER" --map 0x10 "$FIXTURE" core
expect "--map at the map" 0 "" -- "$ANALYZER" --map "$map" "$FIXTURE" core

# 12. occupancy mid-growth
"$ANALYZER" "$FIXTURE" core >report.txt 2>/dev/null
want=$(python3 -c '
import json
o = json.load(open("oracle.json"))
assert o["growth"]["state"] == "doubling", o["growth"]
print("load %.2f per bucket" % (o["count"] / 2 ** o["B"]))')
if grep -q "$want" report.txt; then ok "mid-doubling: $want"; else
    fail "mid-doubling occupancy: want '$want', got: $(grep occupancy report.txt)"; fi

echo "$failures failure(s)"
((failures == 0))
