#!/bin/sh
# test-processes.sh — a trace that holds several processes, each with its
# own natural race and panic (a session the test makes itself, as a user
# tracing a whole machine would: no libmap-record filter). libmap-timeline
# must report every panic with the pid and TIDs each program printed, list
# both processes, and with --pid show one process only; a --pid the trace
# does not hold is one line naming the pids it does, exit 2.
. "$VIEWER_TESTS/lib-viewer.sh"

start_sessiond
out=$WORK/trace
lttng create procs --output="$out" >/dev/null
lttng enable-channel -u --buffers-uid -s procs c >/dev/null
lttng enable-event -u -s procs -c c 'libmap:*' >/dev/null
lttng add-context -u -s procs -c c -t vpid -t vtid -t procname >/dev/null
lttng start procs >/dev/null

# Two programs race at once, each aborts on its own panic.
set +e
LD_PRELOAD=$PROBE "$NATURAL" write-write 20 >"$WORK/a.txt" 2>"$WORK/a.err" &
a=$!
LD_PRELOAD=$PROBE "$NATURAL" clear-lookup 20 >"$WORK/b.txt" 2>"$WORK/b.err" &
b=$!
wait "$a"; rc_a=$?
wait "$b"; rc_b=$?
set -e
[ "$rc_a" = 134 ] && [ "$rc_b" = 134 ] || fail "the racing programs exited $rc_a and $rc_b, expected 134"
lttng destroy procs >/dev/null
pid_a=$(sed -n "s/^pid=\([0-9]*\) .*/\1/p" "$WORK/a.txt")
pid_b=$(sed -n "s/^pid=\([0-9]*\) .*/\1/p" "$WORK/b.txt")
[ -n "$pid_a" ] && [ -n "$pid_b" ] || fail "the programs did not print their pids"
note "two processes: $pid_a (write-write), $pid_b (clear-lookup)"

timeline all.json --json "$out"
expect_rc 1 "$TL_RC" "libmap-timeline --json on two processes"
python3 - "$WORK/all.json" "$WORK/a.txt" "$WORK/b.txt" <<'EOF' || fail "the report of two processes is wrong"
import json, sys
tl = json.load(open(sys.argv[1]))
want = {}
for f in sys.argv[2:]:
    o = dict(w.split("=") for w in open(f).read().split())
    want[int(o["pid"])] = {int(o["tid_a"]), int(o["tid_b"])}
got = {p["pid"]: {p["tid"], p["writer_tid"]} for p in tl["panics"]}
procs = sorted(p["pid"] for p in tl["processes"] if p["panic"])
print("panics:", got, "processes with a panic:", procs)
assert got == want, "panics %s, the programs printed %s" % (got, want)
assert procs == sorted(want), procs
for p in tl["panics"]:
    assert p["writer_write"] in ("completed", "unfinished", "no_event"), p
    if p["writer"] is not None:
        assert p["writer"]["pid"] == p["pid"] and p["writer"]["tid"] == p["writer_tid"], p
EOF

timeline all.txt --race "$out"
expect_rc 1 "$TL_RC" "libmap-timeline --race on two processes"
grep -q "^2 processes in the trace, 2 panics" "$WORK/all.txt" || { cat "$WORK/all.txt"; fail "no line naming both processes"; }
[ "$(grep -c '^RACE on map' "$WORK/all.txt")" = 2 ] || { cat "$WORK/all.txt"; fail "expected two RACE reports"; }
grep -q "(pid $pid_a): concurrent map writes" "$WORK/all.txt" || fail "no race report for pid $pid_a"
grep -q "(pid $pid_b): concurrent map read and map write" "$WORK/all.txt" || fail "no race report for pid $pid_b"

timeline view.txt --width 120 --begin 0 "$out"
grep -q "^  process $pid_a (natural-race)" "$WORK/view.txt" && grep -q "^  process $pid_b (natural-race)" "$WORK/view.txt" \
    || { cat "$WORK/view.txt"; fail "the timeline does not group its lanes by process"; }

for pid in "$pid_a" "$pid_b"; do
    timeline one.json --json --pid "$pid" "$out"
    expect_rc 1 "$TL_RC" "libmap-timeline --pid $pid"
    python3 - "$WORK/one.json" "$pid" <<'EOF' || fail "--pid $pid shows other processes"
import json, sys
tl = json.load(open(sys.argv[1])); pid = int(sys.argv[2])
assert [p["pid"] for p in tl["panics"]] == [pid], tl["panics"]
assert [p["pid"] for p in tl["processes"]] == [pid], tl["processes"]
assert all(t["pid"] == pid for t in tl["threads"]), tl["threads"]
EOF
done

timeline none.txt --pid 999999 "$out"
expect_rc 2 "$TL_RC" "libmap-timeline --pid of a process not in the trace"
[ "$(wc -l <"$WORK/none.txt.err")" = 1 ] || { cat "$WORK/none.txt.err"; fail "not one line"; }
grep -q "no libmap events of pid 999999; the trace holds pid.*$pid_a" "$WORK/none.txt.err" \
    || { cat "$WORK/none.txt.err"; fail "the error does not name the pids"; }
timeline bad.txt --pid abc "$out"
expect_rc 2 "$TL_RC" "libmap-timeline --pid abc"
note "two processes, two panics reported; --pid shows one"
