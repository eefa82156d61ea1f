# cmd_buckets.py — `libmap buckets MAP [FROM [TO]]`: the raw bucket state:
# for each new bucket (and, while growing, each old bucket) in the range,
# its tophash bytes, live keys and values, overflow chain, and for old
# buckets the evacuation mark and where nevacuate stands.

import gdb

from . import args, mapread, render
from .memory import LibmapError


def tophash_names(lay):
    return {lay.empty_rest: "rest", lay.empty_one: "one", lay.evac_x: "X",
            lay.evac_y: "Y", lay.evac_empty: "E"}


def _slot_line(m, data, off, s, top, moved):
    if moved and (m.kind == "string" or m.indirect_key):
        # the key's bytes live elsewhere and went with the entry: the old
        # slot's pointer may name freed memory, never read it
        return "    slot %d %s: moved\n" % (s, moved)
    try:
        key, _ = m.key_of(m.key_slot_bytes(data, off, s))
        value = m.value_of(m.value_slot_bytes(data, off, s))
        kv = "%s = %s" % (render.key_text(m, key), render.value_text(m, value))
    except LibmapError as e:
        kv = "<%s>" % str(e).replace("libmap: ", "")
    if moved:
        return "    slot %d %s: moved, was %s\n" % (s, moved, kv)
    return "    slot %d top %#04x: %s\n" % (s, top, kv)


def _ranges(idx):
    """'3', '3..5', '3..5, 9' for a sorted list of indices."""
    parts, start = [], None
    for k, v in enumerate(idx):
        if start is None:
            start = v
        if k + 1 == len(idx) or idx[k + 1] != v + 1:
            parts.append("%d" % v if start == v else "%d..%d" % (start, v))
            start = None
    return ", ".join(parts)


def show_chain(m, arr, i, names, out, state=None):
    ch, problem = arr.chain(i)
    lay = m.lay
    head = "%s bucket %d @%#x" % (arr.label, i, arr.addr(i))
    if state:
        head += ": " + state
    th0 = m.tophash(*ch[0][1:])
    if len(ch) == 1 and not problem and all(t == lay.empty_rest for t in th0):
        out.append(head + (", " if state else ": ") + "empty\n")
        return
    out.append(head + "\n")
    for pos, (addr, data, off) in enumerate(ch):
        th = m.tophash(data, off)
        if pos:
            out.append("  overflow %d @%#x\n" % (pos, addr))
        out.append("  tophash: %s\n" % " ".join(names.get(t, "%02x" % t) for t in th))
        for s, top in enumerate(th):
            if top >= lay.min_tophash:
                out.append(_slot_line(m, data, off, s, top, None))
            elif arr.label == "old" and top in (lay.evac_x, lay.evac_y):
                out.append(_slot_line(m, data, off, s, top, names[top]))
    if problem:
        out.append("  chain stops at overflow %d (%#x): %s\n" % problem)


class LibmapBuckets(gdb.Command):
    """Show buckets: libmap buckets MAP [FROM [TO]]

Prints new buckets FROM..TO (inclusive; default all) with their tophash bytes
(rest = EMPTY_REST, one = EMPTY_ONE, X/Y = evacuated to X/Y, E = evacuated
empty), live keys and values and overflow chains; while the map grows, also
the old buckets in the same index range with their evacuation state."""

    def __init__(self):
        super().__init__("libmap buckets", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, arg, from_tty):
        expr, ints = args.map_and_ints(arg, 2, "libmap buckets MAP [FROM [TO]]")
        m = mapread.Map(args.map_address(expr))
        lay = m.lay
        lo = ints[0] if ints else 0
        hi = ints[1] if len(ints) > 1 else (lo if ints else m.nbuckets - 1)
        names = tophash_names(lay)
        out = ["map %#x: %s\n" % (m.addr, m.summary()),
               "  key %s (slot %d bytes%s), value %d bytes (slot %d%s); bucket %d bytes: keys at %d, "
               "values at %d, overflow at %d; noverflow %d; hash0 %#x\n"
               % (m.kind, m.key_slot, ", indirect" if m.indirect_key else "", m.value_size,
                  m.value_slot, ", indirect" if m.indirect_value else "", m.bucket_size,
                  m.key_offset, m.value_offset, m.overflow_offset, m.noverflow, m.hash0)]
        if not m.buckets:
            out.append("no bucket array yet\n")
            gdb.write("".join(out))
            return
        new = m.new_array()
        hi = min(hi, m.nbuckets - 1)
        out.append("new buckets %d..%d of %d at %#x:\n" % (lo, hi, m.nbuckets, m.buckets))
        old = m.old_array() if m.growing else None
        for i in range(lo, hi + 1):
            state = None
            if old is not None:
                j = m.old_index_of(i)
                if not old.evacuated(j):
                    # its entries are still in the old bucket, shown below
                    state = "its entries are still in old bucket %d (not evacuated)" % j
            show_chain(m, new, i, names, out, state)
            if len(out) > 4096:
                gdb.write("".join(out))
                out = []
        if m.growing:
            # the old buckets that hold (or held) the entries of new buckets
            # lo..hi: new bucket i comes from old bucket i mod nold
            olds = sorted({m.old_index_of(i) for i in range(lo, hi + 1)})
            out.append("old buckets %s of %d at %#x (%s growth, nevacuate %d):\n"
                       % (_ranges(olds), m.nold, m.oldbuckets,
                          "same-size" if m.same_size else "doubling", m.nevacuate))
            for j in olds:
                state = "evacuated" if old.evacuated(j) else "not evacuated"
                show_chain(m, old, j, names, out, state)
                if len(out) > 4096:
                    gdb.write("".join(out))
                    out = []
        gdb.write("".join(out))


LibmapBuckets()
