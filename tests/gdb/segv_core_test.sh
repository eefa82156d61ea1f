#!/usr/bin/env bash
# segv_core_test.sh — gdb's `libmap panic` on a core with no panic record:
# a segv-* mode of the crash fixture (tests/fixtures, fixture_segv.c) raises
# SIGSEGV from a user callback inside a libmap call. With a writer parked
# inside assign (segv-read, segv-write) the command must report the
# probable race "(not detected at run time)" with the map and both TIDs of
# the fixture's oracle and select the writer thread (bt in libmap_assign),
# and `libmap threads` must mark the crashed and the writer thread; without
# one (segv-alone, segv-own-write) it must claim no race. `libmap maps`
# shows the write sequence. With the analyzer given, libmap-coredump --json
# must say the same (diagnosis kind, TIDs, map; exit 5 or 0) and read the
# same write sequence from the same writer word (both through the layout
# descriptor).
# --old-descriptor: the fixture dumps its file-backed pages too, and every
# copy of the layout descriptor in the core is made older (its size stops
# before the write sequence's fields, whose bytes stay): gdb must honour
# the size and show no write sequence (nor the analyzer), and still say
# the same.
# Usage: segv_core_test.sh [--old-descriptor] FIXTURE MODE [LIBMAP_COREDUMP]
#   (LIBMAP_GDB_SCRIPT and GDB from the environment, as the other tests)
# Exit 77: skipped (no core file written).
set -u
OLD=0
[[ "$1" == --old-descriptor ]] && { OLD=1; shift; }
FIXTURE=$(realpath "$1") MODE=$2 ANALYZER=${3:+$(realpath "$3")}
GDB=${GDB:-gdb}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/libmap-gdb-$MODE.XXXXXX")
if [[ "${LIBMAP_KEEP_TMP:-0}" == 1 ]]; then echo "keeping $TMP"; else trap 'rm -rf "$TMP"' EXIT; fi
cd "$TMP" || exit 1
ulimit -c unlimited
filter=""
((OLD)) && filter=0x3f
# (a sanitizer build: ASan must let the SIGSEGV through to dump the core)
{ LTTNG_UST_REGISTER_TIMEOUT=0 LIBMAP_FIXTURE_COREDUMP_FILTER=$filter \
      ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0:handle_sigbus=0" \
      "$FIXTURE" "$MODE" >oracle.json 2>stderr.txt; } 2>/dev/null
rc=$?
[[ $rc == 139 ]] || { cat stderr.txt; echo "FAIL: the fixture exited $rc, expected 139 (SIGSEGV)"; exit 1; }
[[ -f core ]] || { echo "SKIP: no core file (core_pattern: $(cat /proc/sys/kernel/core_pattern))"; exit 77; }
if ((OLD)); then
    # the descriptor's format from debug.h, as generated for the scripts
    python3 - core "$(dirname "$LIBMAP_GDB_SCRIPT")/libmap_gdb/contract.py" <<'PY' || exit 1
import importlib.util, struct, sys
spec = importlib.util.spec_from_file_location("contract", sys.argv[2])
h = importlib.util.module_from_spec(spec)
spec.loader.exec_module(h)
offsets = {name: off for name, off, _ in h.LAYOUT_FIELDS}
size = h.LAYOUT_SIZE
old = offsets["writer_seq_shift"]
magic = struct.pack("<Q", h.LIBMAP_LAYOUT_MAGIC)
want = struct.pack("<II", h.LIBMAP_LAYOUT_VERSION, size)
data = bytearray(open(sys.argv[1], "rb").read())
n = 0
for at in range(0, len(data) - 16, 8):
    if data[at:at + 8] == magic and data[at + 8:at + 16] == want:
        data[at + 12:at + 16] = struct.pack("<I", old)
        n += 1
if not n:
    sys.exit("FAIL: no layout descriptor of %d bytes in the core" % size)
open(sys.argv[1], "wb").write(data)
print("the core's %d cop%s of the descriptor made older (size %d)" % (n, "y" if n == 1 else "ies", old))
PY
fi
"$GDB" --batch -nx -iex "source $LIBMAP_GDB_SCRIPT" -ex "libmap threads" -ex "libmap panic" -ex "bt" \
    -ex "libmap maps" \
    "$FIXTURE" core >gdb.txt 2>&1
acode=""
if [[ -n "$ANALYZER" ]]; then
    "$ANALYZER" --json "$FIXTURE" core >coredump.json 2>coredump.err
    acode=$?
fi
python3 - oracle.json gdb.txt "$acode" "$OLD" <<'PY' || { echo "--- gdb ---"; cat gdb.txt; exit 1; }
import json, re, sys
o = json.load(open(sys.argv[1]))
out = open(sys.argv[2]).read()
acode = sys.argv[3]
old = sys.argv[4] == "1"   # a descriptor older than the write sequence
problems = []
def need(cond, what):
    if not cond:
        problems.append(what)
kind = o["diagnosis"]
lines = out.splitlines()
if kind:
    msg = {"probable_read_write":
           "probable concurrent map read and map write (not detected at run time)",
           "probable_concurrent_writes":
           "probable concurrent map writes (not detected at run time)"}[kind]
    op = "assign" if kind == "probable_concurrent_writes" else "lookup"
    need(msg in lines, "no line '%s'" % msg)
    need("  map: (libmap *) %s  " % o["map"] in out, "the map %s is not named" % o["map"])
    need("  crashed thread:   TID %d, %s (" % (o["crashed_tid"], op) in out,
         "the crashed thread %d (%s) is not named" % (o["crashed_tid"], op))
    need("  writer thread:    TID %d, assign, holding the map" % o["writer_tid"] in out,
         "the writer thread %d is not named as holding the map" % o["writer_tid"])
    need(re.search(r"\[Switching to writer thread \d+ \(LWP %d\)\]" % o["writer_tid"], out),
         "the writer thread is not selected")
    need(re.search(r"\blibmap_assign\w* \(", out), "the writer's bt has no libmap_assign frame")
    need(re.search(r"\(LWP %d\): .*\[crashed thread \(SIGSEGV\), probable race\]"
                   % o["crashed_tid"], out)
         and re.search(r"\(LWP %d\): libmap_assign.*\[writer thread\]" % o["writer_tid"], out),
         "`libmap threads` does not mark the crashed and the writer thread")
else:
    need("libmap: no panic recorded (libmap_panic_record is empty)" in out,
         "no 'no panic recorded' error")
    need("no sign of a concurrent map access" in out, "no 'no sign of a concurrent map access'")
    need("probable" not in out, "gdb claims a probable race")
seq = re.search(r"\(libmap \*\) %s .*, write seq (\d+)" % o["map"], out)
if old:
    need(not seq and re.search(r"\(libmap \*\) %s " % o["map"], out),
         "`libmap maps` lists no map, or a write sequence from an older descriptor")
else:
    need(seq, "`libmap maps` shows no write sequence for %s" % o["map"])
if acode:
    cd = json.load(open("coredump.json"))
    d = cd.get("diagnosis")
    if kind:
        need(acode == "5", "libmap-coredump exited %s, expected 5" % acode)
        need(d and d["kind"] == kind and d["crashed_tid"] == o["crashed_tid"]
             and d["writer_tid"] == o["writer_tid"] and d["map"] == o["map"],
             "libmap-coredump's diagnosis differs: %s" % d)
    else:
        need(acode == "0", "libmap-coredump exited %s, expected 0" % acode)
        need("diagnosis" in cd and d is None, "libmap-coredump's diagnosis is %s" % d)
    aseq = cd["map"]["writer"]["seq"]
    need((int(seq.group(1)) if seq else None) == aseq,
         "write seq: gdb %s, libmap-coredump %s" % (seq and seq.group(1), aseq))
for p in problems:
    print("FAIL: %s: %s" % (o["mode"], p))
if not problems:
    print("PASS %s: %s" % (o["mode"], kind or "no probable race, as expected"))
sys.exit(1 if problems else 0)
PY
