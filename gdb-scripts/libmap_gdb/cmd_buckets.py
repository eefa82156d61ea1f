# cmd_buckets.py — `libmap buckets MAP [FROM [TO]]`: the raw bucket state:
# for each new bucket (and, while growing, each old bucket) in the range,
# its tophash bytes, live keys and values, overflow chain, and for old
# buckets the evacuation mark and where nevacuate stands. libmap-inspect
# walks the buckets (lmi_buckets, through inspect_lib); this file renders.

import gdb

from . import args, inspect_lib, mapread, render


def tophash_names(lay):
    return {lay.empty_rest: "rest", lay.empty_one: "one", lay.evac_x: "X",
            lay.evac_y: "Y", lay.evac_empty: "E"}


def _slot_line(m, d, moved):
    s = d["slot"]
    if moved and (m.kind == "string" or m.indirect_key):
        # the key's bytes live elsewhere and went with the entry: the
        # inspector never reads the old slot's pointer (freed memory)
        return "    slot %d %s: moved\n" % (s, moved)
    e = mapread.entry_of(m, d)
    if e.error:
        kv = "<%s>" % e.error.replace("libmap: ", "")
    else:
        kv = "%s = %s" % (render.key_text(m, e.key), render.value_text(m, e.value))
    if moved:
        return "    slot %d %s: moved, was %s\n" % (s, moved, kv)
    return "    slot %d top %#04x: %s\n" % (s, d["tophash"], kv)


def _runs(idx):
    """[(first, last)] of the runs of consecutive indices in a sorted list."""
    runs = []
    for v in idx:
        if runs and runs[-1][1] + 1 == v:
            runs[-1][1] = v
        else:
            runs.append([v, v])
    return runs


def _ranges(idx):
    """'3', '3..5', '3..5, 9' for a sorted list of indices."""
    return ", ".join("%d" % a if a == b else "%d..%d" % (a, b) for a, b in _runs(idx))


def _state(m, b):
    """The head's remark on a base bucket's evacuation, or None."""
    if b.evac_bucket < 0:
        return None
    if b.array:
        return ("not evacuated", "evacuated")[b.evac] if b.evac >= 0 else \
            "evacuation state unreadable"
    if b.evac == 0:
        # its entries are still in the old bucket, shown below
        return "its entries are still in old bucket %d (not evacuated)" % b.evac_bucket
    if b.evac < 0:
        return "its old bucket %d is unreadable" % b.evac_bucket
    return None


def show_buckets(m, old, lo, hi, names, out):
    """The buckets lo..hi of one array (libmap-inspect's lmi_buckets) as
    text into out, written to gdb every few thousand lines."""
    lay = m.lay
    label = "old" if old else "new"
    moved_marks = (lay.evac_x, lay.evac_y) if old else ()
    for what, x in inspect_lib.buckets(m.addr, old, lo, hi, m.lay):
        if what == "slot":
            top = x["tophash"]
            out.append(_slot_line(m, x, names[top] if top in moved_marks else None))
            continue
        b = x
        if b.kind == inspect_lib.BUCKET_UNREADABLE:
            span = ("bucket %d" % b.bucket if b.last == b.bucket
                    else "buckets %d..%d" % (b.bucket, b.last))
            out.append("%s %s @%#x: cannot be read (memory %s)\n"
                       % (label, span, b.addr, b.problem.decode(errors="replace")))
        elif b.kind == inspect_lib.BUCKET_STOP:
            out.append("  chain stops at overflow %d (%#x): %s\n"
                       % (b.chain, b.addr, b.problem.decode(errors="replace")))
        elif b.chain:
            out.append("  overflow %d @%#x\n" % (b.chain, b.addr))
        else:
            if len(out) > 4096:
                gdb.write("".join(out))
                out.clear()
            head = "%s bucket %d @%#x" % (label, b.bucket, b.addr)
            state = _state(m, b)
            if state:
                head += ": " + state
            th = b.tophash[:b.nslots]
            if not b.overflow and all(t == lay.empty_rest for t in th):
                out.append(head + (", " if state else ": ") + "empty\n")
                continue
            out.append(head + "\n")
        if b.kind == inspect_lib.BUCKET:
            out.append("  tophash: %s\n" % " ".join(names.get(t, "%02x" % t)
                                                    for t in b.tophash[:b.nslots]))


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
        hi = min(hi, m.nbuckets - 1)
        out.append("new buckets %d..%d of %d at %#x:\n" % (lo, hi, m.nbuckets, m.buckets))
        show_buckets(m, False, lo, hi, names, out)
        if m.growing:
            # the old buckets that hold (or held) the entries of new buckets
            # lo..hi: new bucket i comes from old bucket i mod nold
            olds = sorted({m.old_index_of(i) for i in range(lo, hi + 1)})
            out.append("old buckets %s of %d at %#x (%s growth, nevacuate %d):\n"
                       % (_ranges(olds), m.nold, m.oldbuckets,
                          "same-size" if m.same_size else "doubling", m.nevacuate))
            for a, b in _runs(olds):
                show_buckets(m, True, a, b, names, out)
        gdb.write("".join(out))


LibmapBuckets()
