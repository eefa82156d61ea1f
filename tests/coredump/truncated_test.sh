#!/usr/bin/env bash
# truncated_test.sh — libmap-coredump on cores cut short (issue 10, item
# 5). One real core of the crash fixture is cut at a series of points:
# every cut must end with exit 3 (incomplete), a message that the core is
# truncated, and never "does not use libmap" (exit 2). Where the cut keeps
# libmap's data (the panic record) and the map's heap, the panic, both TIDs
# (the fixture's oracle) and every entry must still be reported exactly.
# Usage: truncated_test.sh ANALYZER FIXTURE
set -u
ANALYZER=$(realpath "$1") FIXTURE=$(realpath "$2")
. "$(dirname "${BASH_SOURCE[0]}")/../common/crash-fixture.sh"
crash_fixture_core cd-trunc "$FIXTURE" small
"$ANALYZER" --json "$FIXTURE" core >full.json 2>/dev/null
readelf -lW core | awk '$1 == "LOAD" { print $2, $3, $5 }' >loads.txt
python3 - "$ANALYZER" "$FIXTURE" <<'PY'
import json, os, subprocess, sys
analyzer, fixture = sys.argv[1:]
full = json.load(open("full.json"))
oracle = json.load(open("oracle.json"))
size = os.path.getsize("core")
loads = [tuple(int(x, 16) for x in l.split()) for l in open("loads.txt")]

PANIC_RECORD_MAX = 256  # bytes: sizeof(struct libmap_panic_record) is less

def end_of(addr, instead=None):
    """File offset just past the PT_LOAD segment that holds addr (or, when
    no segment does, the one that holds `instead`)."""
    for off, va, filesz in loads:
        if va <= addr < va + filesz:
            return off + filesz
    if instead is not None:
        return end_of(instead)
    sys.exit("FAIL: address %#x is in no dumped segment of the full core" % addr)

# the record's last byte too: it may start at the very end of a segment
# (seen in the ASan build) and go on in the next one
panic_at = int(full["panic"]["address"], 16)
panic_end = max(end_of(panic_at), end_of(panic_at + PANIC_RECORD_MAX - 1, panic_at))
heap_end = end_of(int(oracle["map"], 16))
keep = max(panic_end, heap_end)       # the panic record and the map are before it
cuts = sorted({size * p // 100 // 4096 * 4096 for p in (1, 10, 30, 50, 70, 90, 95, 98)} |
              {keep, min(size - 4096, keep + 4096)})
want_keys = sorted(e["key"] for e in oracle["entries"])
failures = full_ok = 0
for cut in cuts:
    if cut <= 0 or cut >= size:
        continue
    with open("core", "rb") as src, open("cut", "wb") as dst:
        dst.write(src.read(cut))
    r = subprocess.run([analyzer, "--json", fixture, "cut"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=120)
    where = "cut at %d of %d bytes (%.1f%%)" % (cut, size, 100.0 * cut / size)
    problems = []
    if r.returncode != 3:
        problems.append("exit %d, expected 3" % r.returncode)
    if "does not use libmap" in r.stderr:
        problems.append("says the program does not use libmap")
    if "truncated" not in r.stderr:
        problems.append("no word that the core is truncated")
    if cut >= keep and r.stdout:
        d = json.loads(r.stdout)
        p = d.get("panic", {})
        if not p.get("present") or p.get("tid") != oracle["detecting_tid"] or \
                p.get("writer_tid") != oracle["writer_tid"]:
            problems.append("panic not named with both TIDs: %s" % p)
        keys = sorted(e["key"] for e in (d.get("map") or {}).get("entries") or [])
        if keys != want_keys:
            problems.append("entries: %d of the oracle's %d" % (len(keys), len(want_keys)))
        elif not problems:
            full_ok += 1
    print("%s %s: exit %d%s" % ("FAIL" if problems else "ok", where, r.returncode,
                                "".join("; " + x for x in problems)))
    if problems:
        print("  stderr: " + r.stderr.strip().replace("\n", "\n  ")[:1500])
        failures += 1
print("%d cuts, %d failed; %d cuts past the panic record and the map analyzed exactly"
      % (len(cuts), failures, full_ok))
sys.exit(1 if failures or full_ok == 0 else 0)
PY
