#!/usr/bin/env bash
# bench_1m.sh — times the gdb scripts on the core of a 1M-entry map (u64
# keys; `libmap-crash-fixture big:1000000`): `libmap verify`, a full
# `libmap print` and a full pretty-printer `print` (set print elements
# unlimited), next to libmap-coredump on the same core. Prints one line per
# measurement; fails if verify or libmap print take more than 10 s.
# Usage: bench_1m.sh FIXTURE [LIBMAP_COREDUMP] [ENTRIES]
set -u
FIXTURE=$(realpath "$1") ANALYZER=${2:+$(realpath "$2")} N=${3:-1000000}
GDB=${GDB:-gdb}
SCRIPT=${LIBMAP_GDB_SCRIPT:?LIBMAP_GDB_SCRIPT is not set}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/libmap-gdb-bench.XXXXXX")
[[ "${LIBMAP_KEEP_TMP:-0}" == 1 ]] && echo "keeping $TMP" || trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
ulimit -c unlimited
{ "$FIXTURE" "big:$N" >oracle.json 2>/dev/null; } 2>/dev/null
[[ -f core ]] || { echo "SKIP: no core"; exit 77; }
map=$(sed -n 's/^  "map": "\(0x[0-9a-f]*\)",/\1/p' oracle.json)
echo "core: $(du -m core | cut -f1) MB, map $map, $N entries; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
cat >bench.py <<PY
import time
import gdb
gdb.execute("source $SCRIPT")
gdb.execute("set print elements unlimited")
gdb.execute("set pagination off")
worst = 0.0
for cmd, limited in (("libmap verify $map", True), ("libmap print $map - -", True),
                     ("print (libmap *) $map", False)):
    t = time.time()
    out = gdb.execute(cmd, to_string=True)
    dt = time.time() - t
    if limited:
        worst = max(worst, dt)
    print("gdb: %-34s %6.2f s  (%d bytes of output)" % (cmd.replace("$map", "MAP"), dt, len(out)))
    if "verify" in cmd and not out.rstrip().endswith("verify: OK"):
        print(out)
        worst = 1e9
gdb.execute("quit %d" % (1 if worst > 10 else 0))
PY
"$GDB" --batch -nx -x bench.py "$FIXTURE" core 2>/dev/null | grep '^gdb:'
rc=${PIPESTATUS[0]}
if [[ -n "$ANALYZER" ]]; then
    for args in "" "--json"; do
        s=$(date +%s%N)
        "$ANALYZER" $args "$FIXTURE" core >/dev/null
        e=$(date +%s%N)
        printf "libmap-coredump %-8s          %6d ms\n" "${args:-(text)}" $(((e - s) / 1000000))
    done
fi
s=$(date +%s%N); cat core >/dev/null; e=$(date +%s%N)
printf "cat core >/dev/null                %6d ms\n" $(((e - s) / 1000000))
exit "$rc"
