# mapread.py — a map as the gdb scripts see it: its header, type
# descriptor, growth state and writer word decoded by libmap-inspect
# (lmi_map_header, inspect_lib), and its live entries in every growth state
# (walked by libmap-inspect too). Where libmap's fields are and how buckets
# are walked is the inspector's business: nothing here reads the map's
# memory itself.

from . import inspect_lib, layout
from .memory import LibmapError

# struct lmi_map's fields, copied onto Map
_FIELDS = ("magic", "count", "flags", "B", "noverflow", "hash0", "buckets", "oldbuckets",
           "nevacuate", "next_overflow", "writer", "clearseq", "reg_next", "key_kind",
           "tflags", "key_slot", "value_slot", "key_offset", "value_offset", "overflow_offset",
           "bucket_size", "key_size", "value_size")


class Map:
    """A map's header and type descriptor, decoded (lmi_map_header)."""

    def __init__(self, addr, lay=None, check_magic=True):
        self.lay = lay or layout.get()
        self.addr = addr
        h = inspect_lib.map_header(addr, self.lay)
        for name in _FIELDS:
            setattr(self, name, getattr(h, name))
        self.hash_fn = h.hash_fn if h.hash_fn_known else None
        self.indirect_key = bool(h.indirect_key)
        self.indirect_value = bool(h.indirect_value)
        self.kind = h.kind.decode()
        self.growing = bool(h.growing)
        self.same_size = bool(h.same_size)
        self.nold = h.noldbuckets
        self._writer = (bool(h.writer_held), h.writer_tid, h.writer_op, bool(h.writer_panic),
                        None if h.writer_seq < 0 else h.writer_seq)
        self.guard = Guard(h) if h.guard else None
        if check_magic and not h.magic_ok:
            raise LibmapError("libmap: %#x is not a live map (magic %#x, expected %#x)"
                              % (addr, h.magic, h.expected_magic))
        if not h.walkable:
            raise LibmapError("libmap: map %#x: %s" % (addr, h.problem.decode(errors="replace")))

    @property
    def nbuckets(self):
        return 1 << self.B

    def old_index_of(self, i):
        """The old bucket that new bucket i's entries come from while growing
        (the same index for same-size growth, i mod the old count when
        doubling)."""
        return i & (self.nold - 1)

    def writer_state(self):
        """(held, tid, op name) decoded from the writer word."""
        held, tid, op, _, _ = self._writer
        return held, tid, self.lay.op_name(op)

    def writer_seq(self):
        """The write sequence in the writer word (advanced by every write's
        start), or None when this libmap's descriptor does not define it."""
        return self._writer[4]

    def panic_marker(self):
        """The TID that stored the PANIC marker in the writer word (the thread
        that detected a race and stopped the map), or None."""
        _, tid, _, panic, _ = self._writer
        return tid if panic else None

    def summary(self):
        s = "libmap {len=%d, B=%d" % (self.count, self.B)
        if self.growing:
            s += ", growing %d/%d (%s)" % (self.nevacuate, self.nold,
                                          "same-size" if self.same_size else "doubling")
        return s + "}"


class Guard:
    """The lock guarding a safe map's inner map (a libmap_sync's map, a
    libmap_shard's shard), as lmi_map_header decodes it."""

    def __init__(self, h):
        self.addr = h.guard
        self.ok = bool(h.guard_ok)
        self.problem = h.guard_problem.decode(errors="replace")
        self.kind = h.guard_kind_name.decode()
        self.parent = h.guard_parent
        self.shard, self.nshards = h.guard_shard, h.guard_nshards
        self.owner = h.lock_owner
        self.writer = None if h.lock_writer < 0 else bool(h.lock_writer)
        self.writer_waiting = None if h.lock_writer_waiting < 0 else bool(h.lock_writer_waiting)
        self.readers = None if h.lock_readers < 0 else h.lock_readers

    def owner_name(self):
        """`libmap_shard 0x... shard 2 of 4`, `libmap_sync 0x...`."""
        if self.kind == "shard":
            return "libmap_shard %#x shard %d of %d" % (self.parent, self.shard, self.nshards)
        return "libmap_%s %#x" % (self.kind, self.parent)

    def state(self):
        """`write lock held by thread N; 2 readers; a writer waits`, or `free`."""
        if not self.ok:
            return "lock unreadable: %s" % self.problem
        parts = []
        if self.owner:
            parts.append("write lock held by thread %d" % self.owner)
        elif self.writer:
            parts.append("write lock held (its holder had not stored its TID yet)")
        if self.readers:
            parts.append("%d reader%s" % (self.readers, "" if self.readers == 1 else "s"))
        if self.writer_waiting:
            parts.append("a writer waits")
        return "; ".join(parts) or "free"


def where(label, index, pos=0, addr=0, slot=None):
    """`new bucket 5 overflow 2 (0x...) slot 3`: a place in a map."""
    s = "%s bucket %d" % (label, index)
    if pos:
        s += " overflow %d" % pos + (" (%#x)" % addr if addr else "")
    if slot is not None:
        s += " slot %d" % slot
    return s


class Entry:
    """A live slot: where it is, its key and its value."""
    __slots__ = ("array", "bucket", "ovf", "slot", "baddr", "top", "key", "kbytes", "value",
                 "error")

    def __init__(self, array, bucket, ovf, slot, baddr, top):
        self.array = array
        self.bucket = bucket
        self.ovf = ovf
        self.slot = slot
        self.baddr = baddr
        self.top = top
        self.error = None

    def where(self):
        return where(self.array, self.bucket, self.ovf, self.baddr, self.slot)


def entries(m, problems=None):
    """Every live entry of the map exactly once, decoded: the current
    array's, then those of the old buckets not yet evacuated (walked by
    libmap-inspect, inspect/src/entries.c). Stretches of the map that cannot
    be read are counted into problems as (where, text), and the walk goes
    on; an entry whose key or value cannot be read carries the reason in
    its error."""
    if not m.buckets:
        return
    lay = m.lay
    int_key, endian = m.key_kind in (lay.kind_u64, lay.kind_u32), lay.endian
    from_bytes = int.from_bytes
    for t in inspect_lib.entries(m.addr, lay):
        if len(t) == 1:
            if t[0] and problems is not None:
                problems.append(("map", "%d unreadable stretch%s of buckets skipped"
                                 % (t[0], "" if t[0] == 1 else "es")))
            return
        key, value, array, bucket, chain, slot, baddr, top, error = t
        e = Entry("old" if array else "new", bucket, chain, slot, baddr if chain else 0, top)
        if error or key is None or value is None:
            e.key = e.kbytes = e.value = None
            e.error = "libmap: " + (error or "unreadable")
        else:
            e.kbytes = key
            e.key = from_bytes(key, endian) if int_key else key
            e.value = value
        yield e


def entry_of(m, d):
    """An Entry from libmap-inspect's entry (inspect_lib's dicts)."""
    lay = m.lay
    e = Entry("old" if d["array"] else "new", d["bucket"], d["chain"], d["slot"],
              d["bucket_addr"] if d["chain"] else 0, d["tophash"])
    kb = d["key"]
    if d["error"] or kb is None or d["value"] is None:
        e.key = e.kbytes = e.value = None
        e.error = "libmap: " + (d["error"] or "unreadable")
    else:
        e.kbytes = kb
        e.key = int.from_bytes(kb, lay.endian) if m.key_kind in (lay.kind_u64, lay.kind_u32) else kb
        e.value = d["value"]
    return e
