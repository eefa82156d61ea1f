# lib-viewer.sh — helpers for the viewer tests, sourced by each test-*.sh
# (which runs in tests/trace/sandbox.sh). Adds to tests/trace/lib.sh (fail,
# note, alive, daemons by PID): the fixture's oracle, recording, a reader
# for libmap-timeline's --json and the independent reading of write
# intervals with babeltrace2.
#
# Environment (tests/viewer/fixtures.cmake, through tests/trace's trace_test):
# RECORD TIMELINE FIXTURE LOAD
# DEMO TRACE_LIB VIEWER_TESTS WORK.

. "$TRACE_LIB"

# oracle KEY FILE: the value of the KEY=VALUE line the fixture printed.
oracle() {
    v=$(sed -n "s/^$1=//p" "$2" | head -n 1)
    [ -n "$v" ] || fail "no $1= in the oracle $2"
    echo "$v"
}

# record NAME [libmap-record options] -- COMMAND...: run COMMAND under
# libmap-record; stdout to $WORK/NAME.out, stderr to $WORK/NAME.err; sets
# RC (libmap-record's status) and TRACE (the trace or snapshot directory).
record() {
    name=$1
    shift
    set +e
    "$RECORD" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    RC=$?
    set -e
    TRACE=$(sed -n 's/^libmap-record: \(trace\|snapshot\): //p' "$WORK/$name.err" | head -n 1)
    [ -n "$TRACE" ] && [ -d "$TRACE" ] || { cat "$WORK/$name.err" >&2; fail "$name: no trace directory"; }
}

# timeline NAME ARGS...: run libmap-timeline; stdout to $WORK/NAME, stderr
# to $WORK/NAME.err; sets TL_RC.
timeline() {
    name=$1
    shift
    set +e
    "$TIMELINE" "$@" >"$WORK/$name" 2>"$WORK/$name.err"
    TL_RC=$?
    set -e
}

# expect_rc WANT GOT WHAT
expect_rc() {
    [ "$2" = "$1" ] || fail "$3: exit status $2, expected $1"
}

# --- libmap-timeline --json, flattened to one line (jflat FILE), then cut
# into objects with sed. The objects read here hold no nested braces except
# the panic (detector, writer) and races (a, b), cut apart by name.
jflat() { tr -d ' \n\t' <"$1"; }

# jfield KEY OBJECT: the scalar value of "KEY" in a flat object (strings
# without their quotes).
jfield() {
    printf '%s\n' "$2" | sed -n "s/.*\"$1\":\(\"[^\"]*\"\|[^,}]*\).*/\1/p" | head -n 1 | tr -d '"'
}

# jpanic FLAT: the panic object without its detector and writer.
jpanic() { printf '%s\n' "$1" | sed -n 's/.*"panic":\({[^{}]*\)"detector":.*/\1/p'; }
# jpanic_op FLAT detector|writer
jpanic_op() { printf '%s\n' "$1" | sed -n "s/.*\"panic\":{.*\"$2\":\({[^{}]*}\).*/\1/p"; }
# jraces FLAT: one line per race object: KEYS...|A|B
jraces() {
    printf '%s\n' "$1" | sed -n 's/.*"races":\[\(.*\)\],"threads".*/\1/p' |
        sed 's/},{"map"/}\n{"map"/g' |
        sed -n 's/^{\(.*\)"a":\({[^{}]*}\),"b":\({[^{}]*}\)}$/\1|\2|\3/p'
}
# jthread FLAT TID: that thread's object (pid, tid, procname, ops).
jthread() {
    printf '%s\n' "$1" | sed -n 's/.*"threads":\[\(.*\)\],"maps".*/\1/p' |
        sed 's/}},{/}}\n{/g' | grep "\"tid\":$2,"
}
# jmap FLAT ADDR: that map's object.
jmap() {
    printf '%s\n' "$1" | sed -n 's/.*"maps":\[\(.*\)\],"latency_ns".*/\1/p' |
        sed 's/}},{/}}\n{/g' | grep "\"map\":\"$2\""
}

# --- the same intervals read by babeltrace2 (an oracle independent of the
# viewer): write_events TRACE prints, for every assign/delete/clear, the line
#   OP TID MAP START END
# with START and END in ns from the clock's origin (START: start_ns plus the
# clock offset; the offset is the event's time from origin minus its clock
# value, docs/tracepoints.md "Time"). Shell arithmetic is 64-bit.
write_events() {
    babeltrace2 --clock-cycles "$1" >"$WORK/bt-cycles.txt"
    babeltrace2 --clock-seconds "$1" >"$WORK/bt-seconds.txt"
    paste -d '|' "$WORK/bt-cycles.txt" "$WORK/bt-seconds.txt" |
        grep -E ' libmap:(assign|delete|clear): ' |
        sed -n 's/^\[\([0-9]*\)\] .* libmap:\([a-z]*\): .*vtid = \([0-9]*\),.* map = \(0x[0-9A-F]*\),.*start_ns = \([0-9]*\)[^|]*|\[\([0-9]*\)\.\([0-9]*\)\] .*/\2 \3 \4 \5 \1 \6 \7/p' |
        while read -r op tid map start cycles sec frac; do
            frac=$(echo "$frac" | sed 's/^0*//;s/^$/0/')
            cycles=$(echo "$cycles" | sed 's/^0*//;s/^$/0/')
            end=$((sec * 1000000000 + frac))
            echo "$op $tid $(echo "$map" | tr 'A-F' 'a-f' | sed 's/^0x0*/0x/') $((start + end - cycles)) $end"
        done
}

# normalize ORACLE: sed script on stdin replacing the run's TIDs, pid, map
# addresses, times and durations with placeholders (golden comparisons).
normalize() {
    o=$1
    script=""
    for k in tid_a tid_b tid_c; do
        v=$(sed -n "s/^$k=//p" "$o")
        [ -z "$v" ] || script="$script;s/\\b$v\\b/<$(echo "$k" | tr 'a-z' 'A-Z')>/g"
    done
    pid=$(oracle pid "$o")
    for k in map map_n; do
        v=$(sed -n "s/^$k=//p" "$o")
        [ -z "$v" ] || script="$script;s/$v/<$(echo "$k" | tr 'a-z' 'A-Z')>/g"
    done
    sed -E "s/\\b$pid\\b/<PID>/g$script" |
        sed -E 's/\b[0-9]+\.[0-9]{9}\b/<TS>/g; s/\b[0-9]+(\.[0-9]+)?(ns|us|ms|s)\b/<DUR>/g'
}
