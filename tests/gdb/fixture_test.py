# fixture_test.py — run by fixture_core_test.sh as `gdb --batch -nx -x
# fixture_test.py FIXTURE CORE`: the gdb scripts against a known-state
# crash fixture's oracle (tests/fixtures) and, when COREDUMP_JSON is set,
# against libmap-coredump --json on the same core: two independent readers
# of the same memory must agree on every key, value, bucket, slot, tophash,
# growth field, writer word (and its write sequence), occupancy figure and
# verification failure location.

import json
import os
import re
import sys

import gdb

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_maps  # noqa: E402

t = check_maps.Tally()


def oracle_pairs(o):
    """[(key, value bytes)] from the oracle: integer keys as ints, others as bytes."""
    out = []
    for e in o["entries"]:
        key = e["key"] if o["key_kind"] in ("u32", "u64") else bytes.fromhex(e["key_hex"])
        out.append((key, bytes.fromhex(e["value_hex"])))
    return sorted(out, key=repr)


def summary_of(o):
    s = "libmap {len=%d, B=%d" % (o["count"], o["B"])
    g = o["growth"]
    if g["state"] != "none":
        s += ", growing %d/%d (%s)" % (g["nevacuate"], g["old_nbuckets"],
                                      "same-size" if g["state"] == "same_size" else "doubling")
    return s + "}"


def child_bytes(v, size):
    if isinstance(v, bool):
        return b""
    if isinstance(v, str):
        return v.encode("latin-1")
    ty = v.type.strip_typedefs()
    if ty.code in (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_BOOL):
        return (int(v) & ((1 << (8 * ty.sizeof)) - 1)).to_bytes(ty.sizeof, "little")
    n = ty.sizeof // ty.target().sizeof
    data = bytes(int(v[i]) & 0xFF for i in range(n))
    if ty.target().strip_typedefs().name == "char":
        data = data[:-1]  # string keys carry one extra NUL (render.key_value)
    return data


_WHERE = re.compile(r"(new|old) bucket (\d+)(?: overflow (\d+) \(0x[0-9a-f]+\))?(?: slot (\d+))?")


def main():
    gdb.execute("source " + os.environ["LIBMAP_GDB_SCRIPT"])
    from libmap_gdb import mapread, verify
    gdb.execute("set print elements unlimited")
    with open(os.environ["ORACLE"]) as f:
        o = json.load(f)
    addr = int(o["map"], 16)
    mode = o["mode"]
    m = mapread.Map(addr)
    t.check(m.summary() == summary_of(o), "%s: summary" % mode,
            "gdb %s, oracle %s" % (m.summary(), summary_of(o)))
    t.check(m.hash0 == int(o["hash0"], 16) and m.noverflow == o["noverflow"],
            "%s: hash0 and noverflow" % mode)
    problems = []
    ours = [(e.key, e.value) for e in mapread.entries(m, problems)]
    want = oracle_pairs(o) if o.get("entries") is not None else None
    damaged = o.get("damage") is not None
    if want is not None and not damaged:
        t.check(sorted(ours, key=repr) == want, "%s: entries equal the oracle (%d)" % (mode, len(want)),
                "gdb %d entries, oracle %d" % (len(ours), len(want)))
    # the pretty printer, when the program has the map type
    try:
        val = gdb.parse_and_eval("(libmap *)%d" % addr)
    except gdb.error:
        val = None
    if val is not None and want is not None and not damaged:
        vis = gdb.default_visualizer(val)
        kids = [v for _, v in vis.children()]
        ksize = 8 if o["key_kind"] == "u64" else 4
        pairs = []
        for i in range(0, len(kids), 2):
            kb = child_bytes(kids[i], ksize)
            key = int.from_bytes(kb, "little") if o["key_kind"] in ("u32", "u64") else kb
            pairs.append((key, child_bytes(kids[i + 1], o["value_size"])))
        t.check(sorted(pairs, key=repr) == want, "%s: pretty printer children equal the oracle" % mode)
        t.check(vis.to_string() == summary_of(o), "%s: pretty printer summary" % mode)
    # verification
    r = verify.verify(m, 1000)
    if not damaged:
        t.check(r.ok, "%s: libmap verify passes" % mode, verify.format_report(r))
    else:
        d = o["damage"]
        arr = "new" if d["array"] == "current" else "old"
        places = [_WHERE.match(w) for w, _ in r.problems]
        hit = any(p and p.group(1) == arr and int(p.group(2)) == d["bucket"]
                  and int(p.group(3) or 0) == d["overflow"]
                  and (p.group(4) is None if d["slot"] is None else p.group(4) == str(d["slot"]))
                  for p in places)
        t.check(hit, "%s: damage reported at %s bucket %d overflow %d slot %s"
                % (mode, arr, d["bucket"], d["overflow"], d["slot"]), verify.format_report(r))
    # libmap panic names both threads and selects the writer
    out = check_maps.run("libmap panic")
    t.check("detecting thread: TID %d," % o["detecting_tid"] in out
            and "writer thread:    TID %d," % o["writer_tid"] in out,
            "%s: libmap panic names both TIDs" % mode, out)
    t.check(gdb.selected_thread().ptid[1] == o["writer_tid"], "%s: writer thread selected" % mode)
    if not os.environ.get("LIBMAP_TEST_NO_SYMBOLS"):
        t.check(re.search(r"\blibmap_(assign|delete|clear)\w* \(", check_maps.run("bt")) is not None,
                "%s: writer's bt shows a libmap write function" % mode)
    if os.environ.get("COREDUMP_JSON"):
        cross_check(m, r, mode, problems)


def cross_check(m, r, mode, problems):
    """Agreement with libmap-coredump --json, field by field."""
    from libmap_gdb import mapread
    with open(os.environ["COREDUMP_JSON"]) as f:
        cd = json.load(f)
    cm = cd["map"]
    g = cm["growth"]
    state = "none" if not m.growing else ("same_size" if m.same_size else "doubling")
    ours = {"count": m.count, "B": m.B, "noverflow": m.noverflow, "hash0": m.hash0,
            "flags": m.flags, "state": state,
            "nevacuate": m.nevacuate if m.growing else None,
            "old_nbuckets": m.nold if m.growing else None,
            "buckets": m.buckets, "oldbuckets": m.oldbuckets if m.growing else None,
            "bucket_size": m.bucket_size, "key_offset": m.key_offset,
            "value_offset": m.value_offset, "overflow_offset": m.overflow_offset,
            "writer_raw": m.writer, "panic_marker_tid": m.panic_marker(),
            "writer_seq": m.writer_seq()}
    theirs = {"count": cm["count"], "B": cm["B"], "noverflow": cm["noverflow"],
              "hash0": int(cm["hash0"], 16), "flags": cm["flags"]["raw"], "state": g["state"],
              "nevacuate": g.get("nevacuate") if g["state"] != "none" else None,
              "old_nbuckets": g.get("old_nbuckets"),
              "buckets": int(cm["buckets_address"], 16),
              "oldbuckets": int(g["oldbuckets_address"], 16) if g.get("oldbuckets_address") else None,
              "bucket_size": cm["bucket_size"], "key_offset": cm["key_offset"],
              "value_offset": cm["value_offset"], "overflow_offset": cm["overflow_offset"],
              "writer_raw": int(cm["writer"]["raw"], 16),
              "panic_marker_tid": cm["writer"]["marker_tid"] if cm["writer"]["panic_marker"]
              else None,
              "writer_seq": cm["writer"].get("seq")}
    diff = {k: (ours[k], theirs[k]) for k in ours if ours[k] != theirs[k]}
    t.check(not diff, "%s: header and growth fields agree with libmap-coredump" % mode, str(diff))
    st = cm["stats"]
    figures = {"live_current": (r.live_new, st["live_current"]),
               "live_old": (r.live_old, st["live_old"]),
               "overflow_current": (r.overflow_new, st["overflow_current"]),
               "overflow_old": (r.overflow_old, st["overflow_old"]),
               "evacuated_old": (r.evacuated, st["evacuated_old"])}
    bad = {k: v for k, v in figures.items() if v[0] != v[1]}
    t.check(not bad, "%s: occupancy figures agree (gdb, analyzer)" % mode, str(bad))
    # every entry, with its place: the analyzer lists every live slot
    mine = set()
    for e in mapread.entries(m):
        key = e.key if isinstance(e.key, int) else (e.key or b"").hex()
        mine.add(("current" if e.array == "new" else "old", e.bucket, e.ovf, e.slot, e.top,
                  key, (e.value or b"").hex()))
    theirs = set()
    kind = cm["key_kind"]
    for e in cm.get("entries") or []:
        key = e["key"] if kind in ("u32", "u64") else e.get("key_hex", e.get("key"))
        theirs.add((e["array"], e["bucket"], e["overflow"], e["slot"], e["tophash"], key,
                    e["value_hex"]))
    t.check(mine == theirs, "%s: every entry agrees with libmap-coredump (%d)" % (mode, len(mine)),
            "gdb only: %s\nanalyzer only: %s" % (sorted(mine - theirs, key=repr)[:4],
                                                sorted(theirs - mine, key=repr)[:4]))
    # verification failures: the same places
    def place(a, b, ov, s):
        return (a, b, ov or 0, s)
    ours_f = set()
    for w, _ in r.problems:
        p = _WHERE.match(w)
        if p:
            ours_f.add(place("current" if p.group(1) == "new" else "old", int(p.group(2)),
                             int(p.group(3) or 0), None if p.group(4) is None else int(p.group(4))))
    theirs_f = {place(f["array"], f["bucket"], f["overflow"], f["slot"])
                for f in cd["verification"]["failures"] if f.get("array") in ("current", "old")}
    t.check(ours_f == theirs_f and r.ok == cd["verification"]["ok"],
            "%s: verification failure places agree with libmap-coredump" % mode,
            "gdb %s\nanalyzer %s" % (sorted(ours_f, key=repr), sorted(theirs_f, key=repr)))


try:
    main()
except Exception as exc:
    import traceback
    traceback.print_exc()
    t.check(False, "fixture test raised %s" % exc)
gdb.execute("quit %d" % t.finish("gdb fixture test (%s)" % os.path.basename(os.environ.get("ORACLE", ""))))
