#!/usr/bin/env python3
"""compare-natural.py — one natural race, two readings: libmap-timeline
--json on the flight recorder's snapshot and libmap-coredump --json on the
core of the same run. They must agree on the other writer: its TID, its
operation, and whether its write completed.

  core: completed when the writer had finished (writer_held false), or when
        its thread stopped in libmap's panic path (map_panic): it ran to its
        final check, so its write's work and event were done;
  timeline: completed when it paired the panic with an event of that
        thread (panic.writer_write "completed"), else unfinished/no_event.

Also checks the timeline against the program's own oracle (pid, the two
TIDs) and, given the snapshot, against babeltrace2's reading of it: the
panic's writer_seq names the colliding write (docs/tracepoints.md), so
when the snapshot holds the writer's write event of writer_op on the map
with that seq, the timeline must pair exactly that event (its end time),
and say completed. Prints one line: KIND verdict details (with the
snapshot: writes_after=N, the writer's writes on the map between its
colliding write and the panic event); exits 1 on disagreement.

usage: compare-natural.py KIND TIMELINE.json CORE.json ORACLE.txt [SNAPSHOT]
"""
import json
import re
import subprocess
import sys

OPS = {1: "assign", 2: "delete", 3: "clear"}
LINE = re.compile(r"^\[(\d+)\.(\d{9})\] .* libmap:(\w+): .*vtid = (\d+),.*\{ map = (0x[0-9A-F]+), (.*) \}$")


def colliding_from_trace(snapshot):
    """(end_ns of the writer's event named by writer_seq or None,
    writes of the writer on the map after it and before the panic), or
    None when the panic has no writer_seq (an older libmap)."""
    out = subprocess.run(["babeltrace2", "--clock-seconds", snapshot], check=True,
                         capture_output=True, text=True).stdout
    writes, panic = [], None
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        ts = int(m.group(1)) * 1000000000 + int(m.group(2))
        fields = dict(kv.split(" = ", 1) for kv in m.group(6).split(", ") if " = " in kv)
        if m.group(3) == "panic" and panic is None:
            panic = (ts, m.group(5), fields)
        if m.group(3) in OPS.values():
            writes.append((ts, m.group(3), int(m.group(4)), m.group(5), fields))
    if panic is None or "writer_seq" not in panic[2]:
        return None
    pts, pmap, pf = panic
    wtid, wop, wseq = int(pf["writer_tid"]), OPS.get(int(pf["writer_op"])), pf["writer_seq"]
    mine = [w for w in writes if w[2] == wtid and w[3] == pmap]
    hit = [i for i, w in enumerate(mine) if w[1] == wop and w[4].get("seq") == wseq]
    if not hit:
        return (None, 0)
    end = mine[hit[-1]][0]
    return (end, sum(1 for w in mine if end < w[0] <= pts))


def fail(msg):
    print("DISAGREE: " + msg)
    sys.exit(1)


def main():
    kind, tl_path, core_path, oracle_path = sys.argv[1:5]
    snapshot = sys.argv[5] if len(sys.argv) > 5 else None
    oracle = dict(w.split("=") for w in open(oracle_path).read().split())
    pid, tids = int(oracle["pid"]), {int(oracle["tid_a"]), int(oracle["tid_b"])}
    tl = json.load(open(tl_path))
    core = json.load(open(core_path))

    # (the JSON of libmap-timeline 0.1, before panics[] and writer_write, is
    # read too, so that the old pairing can be measured with this script)
    panics = tl.get("panics", [tl["panic"]] if tl.get("panic") else [])
    if len(panics) != 1:
        fail("timeline: %d panics in the snapshot, expected 1" % len(panics))
    tp = panics[0]
    if tp["pid"] != pid or {tp["tid"], tp["writer_tid"]} != tids:
        fail("timeline panic pid %d tids %d/%d, the program printed pid %d tids %s"
             % (tp["pid"], tp["tid"], tp["writer_tid"], pid, sorted(tids)))
    if any(p["pid"] != pid for p in tl.get("processes", [])):
        fail("timeline: the snapshot holds other processes: %s" % tl["processes"])

    cp = core["panic"]
    if not cp.get("present"):
        fail("core: no panic record")
    for key in ("tid", "writer_tid", "op", "writer_op", "writer_held"):
        if tp[key] != cp[key]:
            fail("%s: timeline %r, core %r" % (key, tp[key], cp[key]))

    writer = [t for t in core["threads"] if t["tid"] == cp["writer_tid"]]
    if not writer:
        fail("core: writer thread %d not in the core" % cp["writer_tid"])
    in_panic = any(f.get("function") == "map_panic" for f in writer[0]["frames"])
    core_done = (not cp["writer_held"]) or in_panic
    w = tp["writer"]
    if "writer_write" not in tp:
        tp["writer_write"] = "completed" if w and not w["synthesized"] else "unfinished"
        tp["detect_ns"] = None
        if w and w["synthesized"]:
            w = tp["writer"] = None
    tl_done = tp["writer_write"] == "completed"
    if tl_done:
        if w is None or w["tid"] != tp["writer_tid"] or w["op"] != tp["writer_op"] \
                or w["synthesized"]:
            fail("timeline says completed but pairs %r" % w)
    elif w is not None:
        fail("timeline says %s but draws %r" % (tp["writer_write"], w))
    if tl_done != core_done:
        fail("writer %d %s: timeline %s, core %s (held %s, stack %s)"
             % (cp["writer_tid"], cp["writer_op"], tp["writer_write"],
                "completed" if core_done else "not completed", cp["writer_held"],
                [f.get("function") for f in writer[0]["frames"][:6]]))

    after = ""
    named = colliding_from_trace(snapshot) if snapshot else None
    if named is not None and named[0] is not None:
        # babeltrace2 shows the write the panic names: the timeline must
        # pair exactly it (an event that came after the panic event too)
        if not tl_done or w["end_ns"] != named[0]:
            fail("the snapshot holds the writer's write with writer_seq (end %d), "
                 "timeline %s pairs %r" % (named[0], tp["writer_write"], w))
        after = " writes_after=%d" % named[1]

    gap = ""
    if tl_done and tp["detect_ns"] is not None:
        # how long before the check the writer's event came (>0: it was
        # descheduled between its event and its release of the map)
        gap = " event_before_check_ns=%d" % (tp["detect_ns"] - w["end_ns"])
    print("%s agree writer=%s held=%s %s%s%s" % (kind, tp["writer_op"], cp["writer_held"],
                                                tp["writer_write"], gap, after))


main()
