#!/usr/bin/env python3
"""check-lock-waits.py — libmap-timeline's contention outputs against
babeltrace2's own printing of the same trace (the oracle) and the
program's oracle (lock-contend's KEY=VALUE lines).

From babeltrace2: every libmap:lock_wait event, counted per (safe map,
shard), with its total and longest waited_ns, split by mode (0 read, 1
write), and the inner map each shard guards. Then:
  --json:     "lock_waits" is the number of events; "locks" holds exactly
              the maps with waits, each with the kind the events give, the
              same count/total/max overall, per mode and per shard (with
              its inner map); only the maps the program printed; shards
              below the printed shard count (the sync map: shard 0); the
              shard map waited at least once (else nothing was tested);
  --summary:  the "contention:" line and each map's and shard's count;
  --chrome:   one "libmap.lock" slice per wait, per (map, shard), with its
              waited_ns, and otherData.lock_waits;
  --html:     the page's data holds every wait (waits_total and waits).
Prints one line per output checked; exits 1 with the first difference.

usage: check-lock-waits.py ORACLE BT.txt TL.json SUMMARY.txt CHROME.json PAGE.html
"""
import json
import re
import sys
from collections import defaultdict

EVENT = re.compile(r" libmap:lock_wait: .*\{ map = (0x[0-9A-Fa-f]+), inner = (0x[0-9A-Fa-f]+), "
                   r"kind = (\d+), shard = (\d+), waited_ns = (\d+), mode = (\d+) \}")


def fail(msg):
    print("check-lock-waits: " + msg)
    sys.exit(1)


def hexnorm(s):
    return "0x%x" % int(s, 16)


def stats():
    return {"waits": 0, "total_ns": 0, "max_ns": 0,
            "read": {"waits": 0, "total_ns": 0, "max_ns": 0},
            "write": {"waits": 0, "total_ns": 0, "max_ns": 0}}


def add(st, ns, mode):
    for s in (st, st["write" if mode else "read"]):
        s["waits"] += 1
        s["total_ns"] += ns
        s["max_ns"] = max(s["max_ns"], ns)


def same(what, want, got):
    for k in ("waits", "total_ns", "max_ns"):
        if got.get(k) != want[k]:
            fail("%s: %s %r, babeltrace2 %r" % (what, k, got.get(k), want[k]))
    for md in ("read", "write"):
        for k in ("waits", "total_ns", "max_ns"):
            if got.get(md, {}).get(k) != want[md][k]:
                fail("%s: %s.%s %r, babeltrace2 %r" % (what, md, k, got.get(md, {}).get(k),
                                                      want[md][k]))


def main():
    oracle_path, bt_path, tl_path, sum_path, chrome_path, html_path = sys.argv[1:7]
    oracle = dict(l.split("=", 1) for l in open(oracle_path).read().split())
    pid, nshards = int(oracle["pid"]), int(oracle["shards"])
    printed = {hexnorm(oracle["shard"]): "shard", hexnorm(oracle["sync"]): "sync"}

    # the oracle: babeltrace2's lines
    bt = defaultdict(stats)                       # map -> overall
    bt_shard = defaultdict(stats)                 # (map, shard) -> stats
    inner, kinds, total = {}, {}, 0
    for line in open(bt_path):
        m = EVENT.search(line)
        if not m:
            if " libmap:lock_wait: " in line:
                fail("cannot read babeltrace2's line: " + line.strip())
            continue
        mp, inn, kind, shard, ns, mode = (hexnorm(m.group(1)), hexnorm(m.group(2)),
                                          int(m.group(3)), int(m.group(4)), int(m.group(5)),
                                          int(m.group(6)))
        add(bt[mp], ns, mode)
        add(bt_shard[(mp, shard)], ns, mode)
        inner[(mp, shard)] = inn
        kinds[mp] = "sync" if kind == 1 else "shard" if kind == 2 else "?"
        total += 1
    shard_map = hexnorm(oracle["shard"])
    if not bt[shard_map]["waits"]:
        fail("babeltrace2 shows no lock_wait on the shard map %s: nothing was contended" % shard_map)
    for mp in bt:
        if mp not in printed:
            fail("babeltrace2 shows waits on %s, a map the program did not print" % mp)
        if kinds[mp] != printed[mp]:
            fail("map %s: events say %s, the program made a %s" % (mp, kinds[mp], printed[mp]))
    for (mp, shard) in bt_shard:
        if shard >= (nshards if printed[mp] == "shard" else 1):
            fail("babeltrace2: a wait on %s shard %d, beyond its shards" % (mp, shard))

    # --json
    tl = json.load(open(tl_path))
    if tl.get("lock_waits") != total:
        fail("--json lock_waits %r, babeltrace2 prints %d lock_wait events" % (tl.get("lock_waits"), total))
    got_maps = {}
    for lk in tl["locks"]:
        mp = hexnorm(lk["map"])
        if mp in got_maps:
            fail("--json: map %s listed twice in locks" % mp)
        got_maps[mp] = lk
        if mp not in printed:
            fail("--json: locks names %s, the program printed %s" % (mp, sorted(printed)))
        if lk["pid"] != pid or lk["kind"] != printed[mp]:
            fail("--json: lock %s pid %r kind %r, expected %d %s" % (mp, lk["pid"], lk["kind"],
                                                                   pid, printed[mp]))
    if set(got_maps) != set(bt):
        fail("--json: locks for %s, babeltrace2 has waits on %s" % (sorted(got_maps), sorted(bt)))
    for mp, lk in got_maps.items():
        same("--json map %s" % mp, bt[mp], lk)
        seen = set()
        for sh in lk["shards"]:
            key = (mp, sh["shard"])
            if key not in bt_shard:
                fail("--json: map %s shard %d has no wait in babeltrace2's output" % key)
            if sh["shard"] >= (nshards if printed[mp] == "shard" else 1):
                fail("--json: map %s shard %d is beyond its shards" % key)
            if sh["inner"] is None or hexnorm(sh["inner"]) != inner[key]:
                fail("--json: map %s shard %d inner %r, babeltrace2 %s" % (mp, sh["shard"],
                                                                         sh["inner"], inner[key]))
            same("--json map %s shard %d" % key, bt_shard[key], sh)
            seen.add(key)
        missing = [k for k in bt_shard if k[0] == mp and k not in seen]
        if missing:
            fail("--json: map %s lacks shards %s" % (mp, missing))
    print("--json: %d lock waits on %d maps, %d (map, shard) pairs, equal to babeltrace2's "
          "(counts, totals, max, read/write)" % (total, len(bt), len(bt_shard)))

    # --summary
    text = open(sum_path).read()
    m = re.search(r"^contention: (\d+) lock waits on (\d+) safe maps?,", text, re.M)
    if not m or int(m.group(1)) != total or int(m.group(2)) != len(bt):
        fail("--summary: no line 'contention: %d lock waits on %d safe maps'" % (total, len(bt)))
    for mp in bt:
        if not re.search(r"^  %s +%d %-5s: %d waits," % (mp, pid, printed[mp], bt[mp]["waits"]),
                         text, re.M):
            fail("--summary: no line for %s with %d waits" % (mp, bt[mp]["waits"]))
    for (mp, shard), st in bt_shard.items():
        if not re.search(r"^    shard %-5d %-18s %d waits," % (shard, inner[(mp, shard)], st["waits"]),
                         text, re.M):
            fail("--summary: no line for %s shard %d with %d waits" % (mp, shard, st["waits"]))
    print("--summary: the contention line and every map's and shard's count")

    # --chrome
    ch = json.load(open(chrome_path))
    per = defaultdict(lambda: [0, 0])
    for ev in ch["traceEvents"]:
        if ev.get("cat") != "libmap.lock":
            continue
        if ev["ph"] != "X":
            fail("--chrome: a lock wait that is not a slice: %r" % ev)
        a = ev["args"]
        key = (hexnorm(a["lock"]), a["shard"])
        if round(ev["dur"] * 1000) != a["waited_ns"]:
            fail("--chrome: slice of %s lasts %r us, waited_ns %d" % (key, ev["dur"], a["waited_ns"]))
        per[key][0] += 1
        per[key][1] += a["waited_ns"]
    if ch["otherData"].get("lock_waits") != total:
        fail("--chrome: otherData.lock_waits %r, expected %d" % (ch["otherData"].get("lock_waits"), total))
    for key, st in bt_shard.items():
        if per.get(key, [0, 0]) != [st["waits"], st["total_ns"]]:
            fail("--chrome: %s has %r slices/ns, babeltrace2 %d/%d" % (key, per.get(key),
                                                                      st["waits"], st["total_ns"]))
    if set(per) != set(bt_shard):
        fail("--chrome: slices on %s, babeltrace2 %s" % (sorted(per), sorted(bt_shard)))
    print("--chrome: %d libmap.lock slices, per map and shard as babeltrace2" % total)

    # --html
    page = open(html_path).read()
    m = re.search(r'<script type="application/json" id="tl-data">(.*?)</script>', page, re.S)
    if not m:
        fail("--html: no data block")
    data = json.loads(m.group(1))
    if data.get("waits_total") != total or len(data.get("waits", [])) != total:
        fail("--html: %r waits (waits_total %r), expected %d" % (len(data.get("waits", [])),
                                                               data.get("waits_total"), total))
    hp = defaultdict(int)
    for w in data["waits"]:
        hp[(hexnorm(w[4]), w[6])] += 1
    if dict(hp) != {k: v["waits"] for k, v in bt_shard.items()}:
        fail("--html: waits per (map, shard) %r, babeltrace2 %r" % (dict(hp), {k: v["waits"] for k, v in bt_shard.items()}))
    print("--html: all %d waits in the page's data, per map and shard as babeltrace2" % total)


main()
