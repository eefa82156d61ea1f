#!/usr/bin/env bash
# lost_output_test.sh — every command of the suite, its output sent to
# /dev/full, must exit non-zero with one line on stderr naming the tool
# and the reason, never exit 0 (issue 10, item 7).
# Usage: lost_output_test.sh NAME=CODE:COMMAND [ARGS...] -- ...
#   e.g. libmap-demo=2:/path/libmap-demo --help --
set -u
[[ -w /dev/full ]] || { echo "SKIP: no /dev/full"; exit 77; }
failures=0 checked=0
while (($#)); do
    spec=$1; shift
    name=${spec%%=*} rest=${spec#*=}
    want=${rest%%:*} cmd=("${rest#*:}")
    while (($#)) && [[ $1 != -- ]]; do cmd+=("$1"); shift; done
    (($#)) && shift
    "${cmd[@]}" >/dev/full 2>err.txt
    rc=$?
    lines=$(grep -c . err.txt)
    if [[ $rc != "$want" ]] || [[ $lines != 1 ]] ||
       ! grep -q "^$name: cannot write to standard output: No space left on device$" err.txt; then
        echo "FAIL: ${cmd[*]} > /dev/full: exit $rc (want $want), stderr: $(cat err.txt)"
        failures=$((failures + 1))
    else
        echo "ok: ${cmd[*]} > /dev/full: exit $rc, one line"
    fi
    checked=$((checked + 1))
done
rm -f err.txt
echo "$checked commands, $failures failed"
((failures == 0 && checked > 0))
