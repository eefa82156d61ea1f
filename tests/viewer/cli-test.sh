#!/bin/sh
# cli-test.sh CASE — one libmap-timeline command-line case (see cli.cmake).
# Environment: TIMELINE, RECORD, DEMO (may be empty), WORK (fresh dir).
set -u
case_=$1
T=$TIMELINE
cd "$WORK" || exit 1

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect STATUS CMD...: run CMD (at most 30 s), check its exit status and
# that stderr is exactly one line starting "libmap-timeline: ".
expect() {
    want=$1; shift
    timeout 30 "$@" >out.txt 2>err.txt
    got=$?
    [ "$got" = 124 ] && fail "timed out: $*"
    [ "$got" = "$want" ] || { cat err.txt >&2; fail "exit $got, want $want: $*"; }
    if [ "$want" -ge 2 ]; then
        [ "$(wc -l <err.txt)" = 1 ] || { cat err.txt >&2; fail "not one error line: $*"; }
        grep -q '^libmap-timeline: ' err.txt || fail "error line not prefixed: $(cat err.txt)"
    fi
    echo "ok ($got): $* -> $(head -c 200 err.txt)"
}

# record_demo DIR: a flight-recorder snapshot of libmap-demo's write-write race
record_demo() {
    [ -n "$DEMO" ] || { echo "no libmap-demo built; skipping" >&2; exit 77; }
    "$RECORD" --flight -o "$1" -- "$DEMO" race write-write >demo.out 2>&1
    snap=$(ls -d "$1"/snapshot-* 2>/dev/null | head -n 1)
    [ -n "$snap" ] || { cat demo.out >&2; fail "no snapshot recorded"; }
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

case $case_ in
help)
    expect 0 "$T" --help
    grep -q '^usage: libmap-timeline' out.txt || fail "--help: no usage line"
    grep -q -- '--last DURATION' out.txt || fail "--help: no --last"
    expect 0 "$T" -h
    expect 0 "$T" --version
    grep -q '^libmap-timeline ' out.txt || fail "--version output: $(cat out.txt)"
    ;;
usage)
    expect 2 "$T"
    expect 2 "$T" --no-such-option dir
    expect 2 "$T" --last 5parsecs dir
    expect 2 "$T" --last
    expect 2 "$T" --color=sometimes dir
    expect 2 "$T" --width 3 dir
    expect 2 "$T" --map nothex dir
    expect 2 "$T" --summary --race dir
    expect 2 "$T" dir1 dir2
    expect 2 "$T" net://127.0.0.1
    ;;
missing)
    expect 3 "$T" "$WORK/no-such-trace"
    grep -q 'No such file' err.txt || fail "missing: $(cat err.txt)"
    touch plainfile
    expect 3 "$T" plainfile
    ;;
empty)
    mkdir -p emptydir/sub
    expect 3 "$T" emptydir
    grep -q 'no CTF trace' err.txt || fail "empty: $(cat err.txt)"
    ;;
not_libmap)
    # a real CTF trace from another source: dmesg lines through sink.ctf.fs
    printf '[    0.000000] Linux version 6.1\n[    1.500000] hello\n' >dmesg.txt
    babeltrace2 -c source.text.dmesg -p "path=\"$WORK/dmesg.txt\"" \
        -c sink.ctf.fs -p "path=\"$WORK/ctf\"" >/dev/null 2>&1 || fail "could not make a CTF trace"
    expect 3 "$T" ctf
    grep -q 'no libmap events' err.txt || fail "not_libmap: $(cat err.txt)"
    ;;
recorded)
    record_demo fr
    w0=$(sed -n 's/.*worker 0 tid \([0-9]*\).*/\1/p' demo.out)
    w1=$(sed -n 's/.*worker 1 tid \([0-9]*\).*/\1/p' demo.out)
    expect 1 "$T" --race "$snap"
    grep -q 'concurrent map writes' out.txt || fail "no panic message in the race report"
    grep -q "tid $w0 " out.txt && grep -q "tid $w1 " out.txt || { cat out.txt; fail "race report does not name tids $w0 and $w1"; }
    expect 1 "$T" --width 80 --color=never "$snap"
    grep -q '^summary: ' out.txt || fail "no summary line"
    expect 1 "$T" --summary "$snap"
    grep -q 'write latency' out.txt || fail "no latency table"
    expect 1 "$T" --json "$snap"
    python3 -c 'import json,sys; d=json.load(open("out.txt")); assert d["panic"]["writer"] is not None; assert d["races"][0]["from_panic"]' \
        || fail "--json output"
    expect 1 "$T" --last 2us "$snap"
    expect 2 "$T" --map 0x1 "$snap"
    ;;
truncated)
    record_demo fr
    cp -r "$snap" cut1
    stream=$(find cut1 -type f -name 'libmap_*' -size +8k | head -n 1)
    [ -n "$stream" ] || fail "no stream file in $snap"
    truncate -s $(( $(stat -c %s "$stream") - 1000 )) "$stream"
    expect 3 "$T" cut1
    grep -q 'damaged' err.txt || fail "truncated stream: $(cat err.txt)"
    cp -r "$snap" cut2
    meta=$(find cut2 -type f -name metadata | head -n 1)
    truncate -s 100 "$meta"
    expect 3 "$T" cut2
    grep -q 'truncated' err.txt || fail "truncated metadata: $(cat err.txt)"
    ;;
damaged)
    # bit flips and cuts in a real snapshot: never a signal, a hang or a
    # status other than 0, 1 and 3 (fuzz-trace.py)
    record_demo fr
    python3 "$(dirname "$0")/fuzz-trace.py" "$T" "$snap" "$WORK" "${FUZZ_MUTANTS:-40}" ||
        fail "damaged traces"
    ;;
unreachable)
    port=$(free_port)
    expect 3 "$T" "net://127.0.0.1:$port/host/h/s"
    grep -q 'cannot reach lttng-relayd' err.txt || fail "unreachable: $(cat err.txt)"
    ;;
no_session)
    command -v lttng-relayd >/dev/null || { echo "no lttng-relayd; skipping" >&2; exit 77; }
    c=$(free_port); d=$(free_port); l=$(free_port)
    lttng-relayd -C tcp://127.0.0.1:$c -D tcp://127.0.0.1:$d -L tcp://127.0.0.1:$l \
        -o "$WORK/relay" >relayd.log 2>&1 &
    relayd=$!
    python3 -c "
import socket, time
for i in range(100):
    try:
        socket.create_connection(('127.0.0.1', $l), 1).close(); break
    except OSError:
        time.sleep(0.1)"
    expect 3 "$T" "net://127.0.0.1:$l/host/$(hostname)/no-such-session"
    kill "$relayd"; wait "$relayd" 2>/dev/null
    grep -q 'no such live session' err.txt || fail "no_session: $(cat err.txt)"
    ;;
*)
    fail "unknown case $case_"
    ;;
esac
echo PASS
