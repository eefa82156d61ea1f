#!/bin/sh
# test-golden.sh CASE — libmap-timeline on a trace of timeline-fixture
# recorded here with the real libmap-record, checked against the fixture's
# oracle and against the same trace read by babeltrace2:
#   race-local   fixture race, local mode (the trace ends in the panic)
#   race-flight  fixture race, --flight (the panic trigger's snapshot)
#   grow         fixture grow: one overlapping pair, a grow inside it
#   overlap      fixture overlap: one overlapping pair on map M, a write on
#                another map N at the same time that is not a race
# Checks: exit statuses; --race text equal to golden/CASE.txt after
# normalization (TIDs, pid, maps, times); --json: the panic and the pair name
# the oracle's TIDs and operations, the intervals equal babeltrace2's, the
# overlap is [later start, earlier end] and > 0, per-thread counts equal
# babeltrace2's; the default view draws the lanes and marks; for the race,
# --chrome and --html pass check-chrome-json.py and check-html.py.
. "$VIEWER_TESTS/lib-viewer.sh"

case=$1
mode=${case%-*}
golden=$VIEWER_TESTS/golden/$mode.txt

note "recording timeline-fixture $mode ($case)"
if [ "$case" = race-flight ]; then
    record fixture --flight -o "$WORK/trace" -- "$FIXTURE" race
else
    record fixture -o "$WORK/trace" -- "$FIXTURE" "$mode"
fi
o=$WORK/fixture.out
if [ "$mode" = race ]; then want_rc=134; else want_rc=0; fi
expect_rc "$want_rc" "$RC" "libmap-record on timeline-fixture $mode"
tid_a=$(oracle tid_a "$o") tid_b=$(oracle tid_b "$o") map=$(oracle map "$o") pid=$(oracle pid "$o")
note "oracle: pid $pid map $map tid_a $tid_a tid_b $tid_b"

# --- babeltrace2's reading: the pair's two writes
write_events "$TRACE" >"$WORK/writes.txt"
if [ "$mode" = race ]; then op_a=delete op_b=assign; else op_a=assign op_b=delete; fi
raw_a=$(grep "^$op_a $tid_a $map " "$WORK/writes.txt" | tail -n 1)
raw_b=$(grep "^$op_b $tid_b $map " "$WORK/writes.txt" | tail -n 1)
[ -n "$raw_a" ] && [ -n "$raw_b" ] || fail "babeltrace2 does not show the pair's writes"
a_start=$(echo "$raw_a" | cut -d' ' -f4) a_end=$(echo "$raw_a" | cut -d' ' -f5)
b_start=$(echo "$raw_b" | cut -d' ' -f4) b_end=$(echo "$raw_b" | cut -d' ' -f5)
ov_start=$a_start; [ "$b_start" -gt "$ov_start" ] && ov_start=$b_start
ov_end=$a_end; [ "$b_end" -lt "$ov_end" ] && ov_end=$b_end
[ "$ov_end" -gt "$ov_start" ] || fail "the fixture's writes do not overlap: $raw_a / $raw_b"
note "babeltrace2: A $op_a [$a_start, $a_end], B $op_b [$b_start, $b_end], overlap $((ov_end - ov_start)) ns"

# --- --race, against the golden text
timeline race.txt --race "$TRACE"
expect_rc 1 "$TL_RC" "libmap-timeline --race"
[ ! -s "$WORK/race.txt.err" ] || { cat "$WORK/race.txt.err"; fail "--race wrote on stderr"; }
normalize "$o" <"$WORK/race.txt" >"$WORK/race.norm"
if ! diff -u "$golden" "$WORK/race.norm"; then
    fail "--race differs from $golden (full output: $WORK/race.txt)"
fi
note "--race matches $(basename "$golden")"

# --- --json
timeline race.json --json "$TRACE"
expect_rc 1 "$TL_RC" "libmap-timeline --json"
j=$(jflat "$WORK/race.json")
[ "$(jfield discarded_events "$j")" = 0 ] || fail "the trace lost events"
[ "$(jfield races_total "$j")" = 1 ] || fail "races_total $(jfield races_total "$j"), expected 1"
races=$(jraces "$j")
[ "$(echo "$races" | grep -c .)" = 1 ] || fail "expected one race object: $races"
head=$(echo "$races" | cut -d'|' -f1)
ra=$(echo "$races" | cut -d'|' -f2) rb=$(echo "$races" | cut -d'|' -f3)
[ "$(jfield map "$head")" = "$map" ] || fail "the race is on $(jfield map "$head"), expected $map"
[ "$(jfield pid "$head")" = "$pid" ] || fail "the race's pid $(jfield pid "$head"), expected $pid"
# a started first
if [ "$a_start" -le "$b_start" ]; then first=a; else first=b; fi
for side in a b; do
    if [ "$side" = a ]; then obj=$ra; else obj=$rb; fi
    if [ "$side" = "$first" ]; then who=A; else who=B; fi
    if [ "$who" = A ]; then t=$tid_a op=$op_a s=$a_start e=$a_end; else t=$tid_b op=$op_b s=$b_start e=$b_end; fi
    [ "$(jfield tid "$obj")" = "$t" ] || fail "race.$side: tid $(jfield tid "$obj"), expected $t ($who)"
    [ "$(jfield op "$obj")" = "$op" ] || fail "race.$side: op $(jfield op "$obj"), expected $op"
    [ "$(jfield start_ns "$obj")" = "$s" ] || fail "race.$side: start $(jfield start_ns "$obj"), babeltrace2 $s"
    [ "$(jfield end_ns "$obj")" = "$e" ] || fail "race.$side: end $(jfield end_ns "$obj"), babeltrace2 $e"
    [ "$(jfield synthesized "$obj")" = false ] || fail "race.$side is synthesized"
done
[ "$(jfield overlap_start_ns "$head")" = "$ov_start" ] || fail "overlap start $(jfield overlap_start_ns "$head"), expected the later start $ov_start"
[ "$(jfield overlap_end_ns "$head")" = "$ov_end" ] || fail "overlap end $(jfield overlap_end_ns "$head"), expected the earlier end $ov_end"
[ "$(jfield overlap_ns "$head")" = $((ov_end - ov_start)) ] || fail "overlap_ns $(jfield overlap_ns "$head")"
note "--json: the pair, its intervals and the overlap match"

if [ "$mode" = race ]; then
    [ "$(jfield from_panic "$head")" = true ] || fail "the pair is not the panic's"
    p=$(jpanic "$j")
    [ -n "$p" ] || fail "--json has no panic"
    [ "$(jfield map "$p")" = "$map" ] || fail "panic map $(jfield map "$p"), expected $map"
    # (jflat drops the spaces inside strings too)
    [ "$(jfield message "$p")" = concurrentmapwrites ] && [ "$(jfield kind "$p")" = 1 ] \
        || fail "panic message: $p"
    [ "$(jfield tid "$p")" = "$(oracle detector_tid "$o")" ] || fail "panic tid: $p"
    [ "$(jfield op "$p")" = "$(oracle detector_op "$o")" ] || fail "panic op: $p"
    [ "$(jfield writer_tid "$p")" = "$(oracle writer_tid "$o")" ] || fail "panic writer_tid: $p"
    [ "$(jfield writer_op "$p")" = "$(oracle writer_op "$o")" ] || fail "panic writer_op: $p"
    [ "$(jfield writer_held "$p")" = false ] || fail "panic writer_held: $p"
    det=$(jpanic_op "$j" detector) wr=$(jpanic_op "$j" writer)
    [ "$(jfield tid "$det")" = "$tid_b" ] && [ "$(jfield start_ns "$det")" = "$b_start" ] \
        || fail "panic detector op: $det"
    [ "$(jfield tid "$wr")" = "$tid_a" ] && [ "$(jfield start_ns "$wr")" = "$a_start" ] \
        || fail "panic writer op: $wr"
    pts=$(jfield ts_ns "$p")
    [ "$pts" -ge "$b_end" ] || fail "the panic ($pts) precedes the detector's write end ($b_end)"
    note "--json: the panic names detector $tid_b assign and writer $tid_a delete"
else
    [ "$(jfield from_panic "$head")" = false ] || fail "a pair from a panic in a trace without panic"
    printf '%s\n' "$j" | grep -q '"panic":null' || fail "--json shows a panic"
fi

# per-thread counts: the viewer's against babeltrace2's, and the oracle's
for t in $(sed -n 's/.*vtid = \([0-9]*\),.*/\1/p' "$WORK/bt-seconds.txt" | sort -u); do
    th=$(jthread "$j" "$t")
    [ -n "$th" ] || fail "thread $t is not in --json"
    for ev in new free assign delete clear; do
        n=$(grep " libmap:$ev: " "$WORK/bt-seconds.txt" | grep -c "vtid = $t," || true)
        got=$(printf '%s\n' "$th" | sed -n "s/.*\"ops\":{.*\"$ev\":\([0-9]*\).*/\1/p")
        [ "${got:-0}" = "$n" ] || fail "thread $t: $ev ${got:-0} in --json, $n in the trace"
    done
done
case $mode in
race) want_a='"assign":20,"delete":1' want_b='"assign":21}' ;;
grow) want_a='"assign":27}' want_b='"assign":26,"delete":1}' ;;
overlap) want_a='"assign":21}' want_b='"assign":20,"delete":1}' ;;
esac
jthread "$j" "$tid_a" | grep -q "$want_a" || fail "thread A ops: $(jthread "$j" "$tid_a")"
jthread "$j" "$tid_b" | grep -q "$want_b" || fail "thread B ops: $(jthread "$j" "$tid_b")"
note "--json: per-thread operation counts match"

# grow: the growth that A's assign started lies inside the overlap
if [ "$mode" = grow ]; then
    jm=$(jmap "$j" "$map")
    for kv in '"freed":true' '"grows":4,' '"evacuations":15,' '"B":4,'; do
        printf '%s\n' "$jm" | grep -q "$kv" || fail "map $map: expected $kv in $jm"
    done
    g=$(grep " libmap:grow: " "$WORK/bt-seconds.txt" | grep "vtid = $tid_a," | grep "old_B = $(oracle grow_old_B "$o"), new_B = $(oracle grow_new_B "$o"), same_size = 0, count = $(oracle grow_count "$o"),")
    [ -n "$g" ] || fail "no grow $(oracle grow_old_B "$o") -> $(oracle grow_new_B "$o") by thread A"
    gts=$(echo "$g" | sed 's/^\[\([0-9]*\)\.\([0-9]*\)\].*/\1 \2/')
    gns=$(( ${gts% *} * 1000000000 + $(echo "${gts#* }" | sed 's/^0*//;s/^$/0/') ))
    [ "$gns" -gt "$ov_start" ] && [ "$gns" -lt "$ov_end" ] || fail "the grow ($gns) is outside the overlap"
    nev=$(grep " libmap:evacuate: " "$WORK/bt-seconds.txt" | grep "vtid = $tid_a," | grep -c "noldbuckets = 8 }" || true)
    [ "$nev" -ge 1 ] || fail "thread A evacuated nothing in the overlap"
    note "the grow 3 -> 4 and $nev evacuations by A happen inside the overlap"
fi

# overlap: thread C's write on N overlaps A's in time but is not a race
if [ "$mode" = overlap ]; then
    tid_c=$(oracle tid_c "$o") map_n=$(oracle map_n "$o")
    raw_c=$(grep "^assign $tid_c $map_n " "$WORK/writes.txt")
    c_start=$(echo "$raw_c" | cut -d' ' -f4) c_end=$(echo "$raw_c" | cut -d' ' -f5)
    [ -n "$raw_c" ] && [ "$c_start" -gt "$a_start" ] && [ "$c_end" -lt "$a_end" ] \
        || fail "thread C's write on N is not inside A's window: $raw_c"
    jthread "$j" "$tid_c" | grep -q '"assign":1}' || fail "thread C: $(jthread "$j" "$tid_c")"
fi

# --- the default view: lanes for A and B, the marks
timeline view.txt --width 120 "$TRACE"
expect_rc 1 "$TL_RC" "libmap-timeline (default view)"
for t in "$tid_a" "$tid_b"; do
    grep -Eq "^>? +$t " "$WORK/view.txt" || fail "no lane for thread $t in the default view"
done
grep -q '\^' "$WORK/view.txt" || fail "the default view does not mark the overlap"
if [ "$mode" = race ]; then
    grep -q '!' "$WORK/view.txt" || fail "the default view does not mark the panic"
    for t in "$tid_a" "$tid_b"; do
        grep -Eq "^> +$t " "$WORK/view.txt" || fail "thread $t is not marked as racing"
    done
fi
if [ "$mode" = grow ]; then
    grep -Eq "^ +grow $map .*G" "$WORK/view.txt" || fail "the default view does not mark the grow"
fi
note "the default view draws both lanes and the marks"

# --- the exports of the race, checked by the exporters' own scripts
if [ "$case" = race-flight ]; then
    timeline export.txt --race --chrome "$WORK/race-chrome.json" --html "$WORK/race.html" "$TRACE"
    expect_rc 1 "$TL_RC" "libmap-timeline --chrome --html"
    # the files hold the whole trace: A, B and the main thread (it created
    # the map; its TID is the pid); the page opens on the race window
    tids="$pid,$tid_a,$tid_b"
    python3 "$VIEWER_TESTS/check-chrome-json.py" "$WORK/race-chrome.json" --expect-tids "$tids" \
        --expect-race "$tid_b:assign,$tid_a:delete" || fail "check-chrome-json.py"
    set +e
    python3 "$VIEWER_TESTS/check-html.py" "$WORK/race.html" --expect-tids "$tids" \
        --expect-race "$tid_b,$tid_a" --expect-panic --keep "$WORK/shots"
    rc=$?
    set -e
    case $rc in
    0) note "--chrome and --html pass their checks" ;;
    77) note "check-html.py: no browser, HTML check skipped" ;;
    *) fail "check-html.py" ;;
    esac
fi
echo PASS
