#!/bin/sh
# test-lock-waits.sh — contention in the timeline (libmap:lock_wait): a
# real contended program (lock-contend: 8 threads on a libmap_shard of 4
# shards and a libmap_sync) recorded with libmap-record and a real
# lttng-sessiond, LIBMAP_LOCK_WAIT_NS=0 so that every wait off a lock's
# fast path is an event. babeltrace2's own printing of the trace is the
# oracle (check-lock-waits.py): libmap-timeline --json must report exactly
# its lock_wait events per safe map, shard and mode (count, total and max
# waited ns), name only the two maps the program printed, shards below
# the shard count; --summary must print the same counts; --chrome must
# hold one libmap.lock slice per wait and pass check-chrome-json.py;
# --html must carry every wait and draw them (check-html.py, real
# Chromium, when installed).
. "$VIEWER_TESTS/lib-viewer.sh"

start_sessiond
export LIBMAP_LOCK_WAIT_NS=0
record contend -o "$WORK/rec" -- "$LOCK_CONTEND" 8 5000
expect_rc 0 "$RC" "libmap-record -- lock-contend"
oracle=$WORK/contend.out
note "program: pid $(oracle pid "$oracle"), shard map $(oracle shard "$oracle") ($(oracle shards "$oracle") shards), sync map $(oracle sync "$oracle")"

babeltrace2 "$TRACE" >"$WORK/bt.txt" 2>"$WORK/bt.err" || { cat "$WORK/bt.err"; fail "babeltrace2 cannot read the trace"; }
timeline tl.json --json "$TRACE"
expect_rc 0 "$TL_RC" "libmap-timeline --json"
timeline summary.txt --summary "$TRACE"
expect_rc 0 "$TL_RC" "libmap-timeline --summary"
timeline page.html --html "$WORK/page.html" --chrome "$WORK/chrome.json" "$TRACE"
expect_rc 0 "$TL_RC" "libmap-timeline --html --chrome"

python3 "$VIEWER_TESTS/check-lock-waits.py" "$oracle" "$WORK/bt.txt" "$WORK/tl.json" \
    "$WORK/summary.txt" "$WORK/chrome.json" "$WORK/page.html" >"$WORK/check.txt" ||
    { cat "$WORK/check.txt"; fail "the viewer's lock waits differ from babeltrace2's"; }
while read -r line; do note "$line"; done <"$WORK/check.txt"

python3 "$VIEWER_TESTS/check-chrome-json.py" "$WORK/chrome.json" --no-panic ||
    fail "--chrome with lock waits is not valid trace-event JSON"
set +e
python3 "$VIEWER_TESTS/check-html.py" "$WORK/page.html" --no-panic --keep "$WORK/dom"
hrc=$?
set -e
case $hrc in
    0) n=$(grep -o '<rect class="wait[^"]*"' "$WORK/dom/page.html.dom.html" | wc -l)
       [ "$n" -gt 0 ] || fail "--html: the page drew no lock wait (rect.wait)"
       note "--html: Chromium drew $n lock-wait bars" ;;
    77) note "--html: no Chromium, the page's drawing not checked" ;;
    *) fail "--html with lock waits fails check-html.py" ;;
esac
note "lock waits: the viewer agrees with babeltrace2 in every output"
