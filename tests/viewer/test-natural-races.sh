#!/bin/sh
# test-natural-races.sh — races that happen by themselves (natural-race: no
# hook, no lock), recorded for real with libmap-record --flight, and each
# read twice: libmap-timeline --json on the snapshot and libmap-coredump
# --json on the core of the same run. For every run the two must agree on
# the other writer (TID, operation, completed or not), and the timeline
# must name the pid and TIDs the program printed (compare-natural.py).
#
# RUNS races of each kind (default 20): two writers, clear vs lookup,
# iterate vs assign, a slow user equality callback. Prints per kind how
# many runs agreed, how many writers had completed, how many had their
# event out more than 1 us before the check (descheduled between their
# event and their release: what the old 1 us rule got wrong), and in how
# many the writer went on to write more than 64 times (a map's ring in the
# viewer) before the panic event, and at most how many (the colliding
# write is found by the panic's writer_seq: compare-natural.py checks it
# against babeltrace2's reading of the snapshot).
# KEEP_GOING=1 counts disagreements instead of stopping at the first (to
# measure another libmap-timeline: TIMELINE=...).
. "$VIEWER_TESTS/lib-viewer.sh"

RUNS=${RUNS:-20}
ulimit -c unlimited
# In a sanitizer build: cores (ASan disables them), and libmap's abort alone
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}disable_coredump=0:handle_abort=0:detect_leaks=0"
case $(cat /proc/sys/kernel/core_pattern) in
    core*) ;;
    *) echo "SKIP: core files go elsewhere (core_pattern: $(cat /proc/sys/kernel/core_pattern))"
       exit 77 ;;
esac

# One session daemon for all runs, stopped at exit.
start_sessiond

total=0 disagree=0
for kind in write-write clear-lookup iterate-assign callback; do
    agree=0 completed=0 descheduled=0 far=0 most=0
    i=1
    while [ "$i" -le "$RUNS" ]; do
        d=$WORK/$kind-$i
        mkdir -p "$d"
        rc=0
        (cd "$d" && exec "$RECORD" --quiet --flight -o "$d/rec" -- "$NATURAL" "$kind" 20 \
             >"$d/oracle.txt" 2>"$d/record.err") || rc=$?
        [ "$rc" = 134 ] || { cat "$d/record.err"; fail "$kind run $i: exit status $rc, expected 134"; }
        [ -f "$d/core" ] || fail "$kind run $i: no core file"
        snap=$(sed -n 's/^libmap-record: snapshot: //p' "$d/record.err" | head -n 1)
        [ -n "$snap" ] && [ -d "$snap" ] || { cat "$d/record.err"; fail "$kind run $i: no snapshot"; }
        set +e
        "$TIMELINE" --json "$snap" >"$d/timeline.json" 2>"$d/timeline.err"
        trc=$?
        "$COREDUMP" --json "$NATURAL" "$d/core" >"$d/core.json" 2>"$d/core.err"
        crc=$?
        set -e
        [ "$trc" = 1 ] || { cat "$d/timeline.err"; fail "$kind run $i: libmap-timeline exit $trc, expected 1"; }
        [ "$crc" = 0 ] || { cat "$d/core.err"; fail "$kind run $i: libmap-coredump exit $crc, expected 0"; }
        if ! line=$(python3 "$VIEWER_TESTS/compare-natural.py" "$kind" "$d/timeline.json" \
                    "$d/core.json" "$d/oracle.txt" "$snap"); then
            echo "$line"
            [ "${KEEP_GOING:-0}" = 1 ] || fail "$kind run $i (kept in $d)"
            disagree=$((disagree + 1))
            i=$((i + 1))
            continue
        fi
        agree=$((agree + 1))
        case $line in *" completed"*) completed=$((completed + 1)) ;; esac
        gap=$(echo "$line" | sed -n 's/.*event_before_check_ns=\(-\{0,1\}[0-9]*\).*/\1/p')
        if [ -n "$gap" ] && [ "$gap" -gt 1000 ]; then descheduled=$((descheduled + 1)); fi
        after=$(echo "$line" | sed -n 's/.*writes_after=\([0-9]*\).*/\1/p')
        if [ -n "$after" ]; then
            [ "$after" -le 64 ] || far=$((far + 1))
            [ "$after" -le "$most" ] || most=$after
        fi
        rm -f "$d/core"
        rm -rf "$d/rec"
        i=$((i + 1))
    done
    note "$kind: $agree/$RUNS runs agree (writer completed in $completed, its event out more than 1 us before the check in $descheduled, more than 64 writes of the writer after its colliding write in $far, at most $most)"
    total=$((total + agree))
done
[ "$disagree" = 0 ] || fail "natural races: $disagree runs disagree, $total agree"
note "natural races: $total runs, timeline and core agree in all"
