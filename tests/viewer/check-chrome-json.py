#!/usr/bin/env python3
"""check-chrome-json.py — validate a Chrome trace-event JSON file (what
`libmap-timeline --chrome` writes) against the trace-event format rules, and
optionally against what the test knows about the trace.

Usage:
  check-chrome-json.py FILE [--expect-tids T1,T2,...] [--expect-tids-include T1,...]
                            [--expect-race TID1:OP1,TID2:OP2] [--no-panic]

Format rules checked (exit 1 with one line `check-chrome-json: FILE: reason`):
  - the JSON Object Format {"traceEvents": [...]} (or a bare array);
    displayTimeUnit, when present, is "ms" or "ns";
  - every event: ph and name (strings); ts (number) except for "M"; pid and
    tid (integers; tid may be missing on "C"); args, when present, an object;
  - "X": dur >= 0; "i"/"I": s in g, p, t; "s"/"t"/"f": id; "bp", when
    present, is "e"; "b"/"e"/"n": id and cat;
  - per (pid, tid) track, the "X" slices sorted by ts (longest first on
    ties) are strictly nested: each starts after the previous one ends or
    ends inside it (exact decimal arithmetic, no float rounding);
  - every flow has one "s" and one "f" with the same (cat, id), f not before
    s, and each binds to a slice of its track ("bp":"e": the enclosing
    slice; otherwise the next slice starting at or after ts);
  - every async "b" has its "e" (same cat and id) not before it;
  - process_name metadata for every pid, thread_name for every (pid, tid)
    that has events.
Oracle options:
  --expect-tids         the thread tracks (thread_name tids) are exactly these
  --expect-tids-include these tids have a thread track (others may exist)
  --expect-race         a flow links a slice named OP1 on TID1 and one named
                        OP2 on TID2 (either direction), the two slices overlap
                        in time (unless the flow says gap_ns), carry args.race, and when a "panic race"
                        flow exists it is this one and the panic instant names
                        these two TIDs
  --no-panic            there is no panic instant
Exit: 0 valid, 1 invalid, 2 usage.
"""
import argparse
import json
import sys
from collections import defaultdict
from decimal import Decimal

PROG = "check-chrome-json"


class Bad(Exception):
    pass


def is_num(v):
    return isinstance(v, (int, Decimal)) and not isinstance(v, bool)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def where(i, e):
    return "event %d (%s %r)" % (i, e.get("ph"), e.get("name"))


def check_event(i, e):
    if not isinstance(e, dict):
        raise Bad("event %d is not an object" % i)
    ph = e.get("ph")
    if not isinstance(ph, str) or not ph:
        raise Bad("event %d: no ph" % i)
    if not isinstance(e.get("name"), str):
        raise Bad("%s: no name" % where(i, e))
    if ph != "M" and not is_num(e.get("ts")):
        raise Bad("%s: ts missing or not a number" % where(i, e))
    if not is_int(e.get("pid")):
        raise Bad("%s: pid missing or not an integer" % where(i, e))
    if ph != "C" and not is_int(e.get("tid")):
        raise Bad("%s: tid missing or not an integer" % where(i, e))
    if "args" in e and not isinstance(e["args"], dict):
        raise Bad("%s: args is not an object" % where(i, e))
    if ph == "X":
        if not is_num(e.get("dur")) or e["dur"] < 0:
            raise Bad("%s: X without a dur >= 0" % where(i, e))
    elif ph in ("i", "I"):
        if e.get("s") not in ("g", "p", "t"):
            raise Bad("%s: instant without scope s in g/p/t" % where(i, e))
    elif ph in ("s", "t", "f"):
        if not (is_int(e.get("id")) or isinstance(e.get("id"), str)):
            raise Bad("%s: flow without id" % where(i, e))
        if "bp" in e and e["bp"] != "e":
            raise Bad("%s: bp is %r, not \"e\"" % (where(i, e), e["bp"]))
    elif ph in ("b", "e", "n"):
        if "id" not in e or not isinstance(e.get("cat"), str):
            raise Bad("%s: async event without id and cat" % where(i, e))
    elif ph == "M":
        if e["name"] in ("process_name", "thread_name"):
            if not isinstance(e.get("args", {}).get("name"), str):
                raise Bad("%s: metadata without args.name" % where(i, e))
    elif ph == "C":
        if not isinstance(e.get("args"), dict) or not all(is_num(v) for v in e["args"].values()):
            raise Bad("%s: counter args must be numbers" % where(i, e))
    elif ph not in ("B", "E", "P", "O", "N", "D", "S", "T", "F", "c", "R"):
        raise Bad("%s: unknown phase %r" % (where(i, e), ph))


def check_nesting(slices):
    """slices: {(pid, tid): [(ts, end, index)]}; strictly nested per track."""
    for track, lst in slices.items():
        lst.sort(key=lambda s: (s[0], -s[1]))
        stack = []
        for ts, end, idx in lst:
            while stack and stack[-1][0] <= ts:
                stack.pop()
            if stack and end > stack[-1][0]:
                raise Bad("track pid %d tid %d: slice of event %d [%s, %s] overlaps event %d "
                          "without nesting (ends at %s)" % (track[0], track[1], idx, ts, end,
                                                            stack[-1][1], stack[-1][0]))
            stack.append((end, idx))


def bind_flow(e, slices):
    """The slice (ts, end, index) a flow event binds to, or None."""
    lst = slices.get((e["pid"], e["tid"]), [])
    ts = e["ts"]
    if e.get("bp") == "e" or e["ph"] in ("s", "t"):
        best = None  # the deepest enclosing slice: the latest start
        for s in lst:
            if s[0] <= ts <= s[1] and (best is None or s[0] >= best[0]):
                best = s
        return best
    nxt = [s for s in lst if s[0] >= ts]
    return min(nxt, key=lambda s: s[0]) if nxt else None


def main():
    ap = argparse.ArgumentParser(prog=PROG, description="Validate Chrome trace-event JSON.")
    ap.add_argument("file")
    ap.add_argument("--expect-tids")
    ap.add_argument("--expect-tids-include")
    ap.add_argument("--expect-race")
    ap.add_argument("--no-panic", action="store_true")
    a = ap.parse_args()
    try:
        expect_race = None
        if a.expect_race:
            parts = [p.split(":") for p in a.expect_race.split(",")]
            if len(parts) != 2 or any(len(p) != 2 for p in parts):
                ap.error("--expect-race wants TID1:OP1,TID2:OP2")
            expect_race = {(int(t), op) for t, op in parts}
        exact = {int(t) for t in a.expect_tids.split(",")} if a.expect_tids else None
        include = {int(t) for t in a.expect_tids_include.split(",")} if a.expect_tids_include else None
    except ValueError:
        ap.error("TIDs must be integers")
    try:
        check(a.file, exact, include, expect_race, a.no_panic)
    except Bad as err:
        print("%s: %s: %s" % (PROG, a.file, err), file=sys.stderr)
        return 1
    print("%s: %s: ok" % (PROG, a.file))
    return 0


def check(path, exact, include, expect_race, no_panic):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f, parse_float=Decimal)
    except (OSError, ValueError) as err:
        raise Bad("not readable JSON: %s" % err)
    if isinstance(doc, dict):
        events = doc.get("traceEvents")
        if not isinstance(events, list):
            raise Bad("no traceEvents array")
        if doc.get("displayTimeUnit", "ms") not in ("ms", "ns"):
            raise Bad("displayTimeUnit is %r" % doc["displayTimeUnit"])
    elif isinstance(doc, list):
        events = doc
    else:
        raise Bad("neither an object nor an array")

    slices = defaultdict(list)
    flows = defaultdict(list)
    asyncs = defaultdict(list)
    used, procs, names, pnames = set(), set(), {}, set()
    panics = []
    for i, e in enumerate(events):
        check_event(i, e)
        ph = e["ph"]
        if ph == "M":
            if e["name"] == "thread_name":
                names[(e["pid"], e["tid"])] = e["args"]["name"]
            elif e["name"] == "process_name":
                pnames.add(e["pid"])
            continue
        procs.add(e["pid"])
        if ph != "C":
            used.add((e["pid"], e["tid"]))
        if ph == "X":
            slices[(e["pid"], e["tid"])].append((e["ts"], e["ts"] + e["dur"], i))
        elif ph in ("s", "t", "f"):
            flows[(e.get("cat", ""), e["id"])].append((i, e))
        elif ph in ("b", "e"):
            asyncs[(e["cat"], e["id"])].append(e)
        elif ph in ("i", "I") and e["name"].startswith("panic"):
            panics.append(e)

    for pid in sorted(procs - pnames):
        raise Bad("no process_name metadata for pid %d" % pid)
    for pid, tid in sorted(used - set(names)):
        raise Bad("no thread_name metadata for pid %d tid %d" % (pid, tid))
    check_nesting(slices)

    bound = {}  # flow key -> (start slice event, finish slice event)
    for key, lst in flows.items():
        s = [e for _, e in lst if e["ph"] == "s"]
        f = [e for _, e in lst if e["ph"] == "f"]
        if len(s) != 1 or len(f) != 1:
            raise Bad("flow %r: %d start and %d finish events, want 1 and 1" % (key, len(s), len(f)))
        if f[0]["ts"] < s[0]["ts"]:
            raise Bad("flow %r finishes before it starts" % (key,))
        ends = []
        for e in (s[0], f[0]):
            sl = bind_flow(e, slices)
            if sl is None:
                raise Bad("flow %r: its %s event at ts %s binds to no slice on pid %d tid %d"
                          % (key, e["ph"], e["ts"], e["pid"], e["tid"]))
            ends.append(events[sl[2]])
        bound[key] = (s[0]["name"], ends[0], ends[1], s[0].get("args", {}))
    for key, lst in asyncs.items():
        b = [e for e in lst if e["ph"] == "b"]
        en = [e for e in lst if e["ph"] == "e"]
        if len(b) != len(en) or (b and min(x["ts"] for x in en) < min(x["ts"] for x in b)):
            raise Bad("async %r: unmatched b/e" % (key,))

    tids = {tid for _, tid in names}
    if exact is not None and tids != exact:
        raise Bad("thread tracks are %s, expected %s" % (sorted(tids), sorted(exact)))
    if include is not None and not include <= tids:
        raise Bad("no thread track for %s" % sorted(include - tids))
    if no_panic and panics:
        raise Bad("a panic instant is present")
    if expect_race is not None:
        check_race(bound, expect_race, panics)


def check_race(bound, expect, panics):
    match = []
    for key, (name, a, b, _) in bound.items():
        if {(a["tid"], a["name"]), (b["tid"], b["name"])} == expect:
            match.append((key, name, a, b))
    if not match:
        got = ["%s:%s,%s:%s" % (a["tid"], a["name"], b["tid"], b["name"]) for _, a, b, _ in bound.values()]
        raise Bad("no flow links %s (flows link: %s)" % (
            ",".join("%d:%s" % x for x in sorted(expect)), "; ".join(got) or "none"))
    panic_flows = [k for k, v in bound.items() if v[0] == "panic race"]
    if panic_flows:
        mine = [m for m in match if m[0] in panic_flows]
        if not mine:
            raise Bad("the panic race flow links other slices than %s" % sorted(expect))
        match = mine
    key, name, a, b = match[0]
    fargs = bound[key][3]
    for sl in (a, b):
        if not sl.get("args", {}).get("race"):
            raise Bad("race slice %s on tid %d has no args.race" % (sl["name"], sl["tid"]))
    # the flow says overlap_ns, or gap_ns when the trace holds no overlap
    # (a panic detected on entry after the writer's last traced write)
    if "gap_ns" not in fargs and not (a["ts"] <= b["ts"] + b["dur"] and b["ts"] <= a["ts"] + a["dur"]):
        raise Bad("the race slices do not overlap in time")
    if panics:
        want = {t for t, _ in expect}
        got = {panics[0].get("args", {}).get("tid"), panics[0].get("args", {}).get("writer_tid")}
        if panic_flows and got != want:
            raise Bad("the panic names tids %s, expected %s" % (sorted(got, key=str), sorted(want)))


if __name__ == "__main__":
    sys.exit(main())
