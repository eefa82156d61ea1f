# mapread.py — reading a map out of the inferior: the header (Go's hmap),
# its bucket arrays read in bulk chunks and overflow chains (capped and
# cycle-checked) for `libmap buckets`, and the live entries in every growth
# state (walked by libmap-inspect, inspect_lib).
#
# Which slots are live (internal.h): tophash >= MIN_TOPHASH. While the map
# grows (oldbuckets != NULL), an old bucket is evacuated iff its tophash[0]
# is one of EVAC_X/EVAC_Y/EVAC_EMPTY; the entries of an unevacuated old
# bucket are live and its new destinations are still empty; an evacuated
# old bucket (whose chain an iterator may keep) holds only marks. The old
# array has 2^B buckets in same-size growth and 2^(B-1) when doubling.
# Nothing here trusts the memory: every read may fail with a LibmapError.

from . import inspect_lib, layout
from .memory import LibmapError, read

CHUNK_BYTES = 1 << 20      # bucket array bytes per read_memory call
MAX_CHAIN = 1 << 20        # overflow buckets followed in one chain
MAX_STRING = 1 << 24       # longest string key read
MAX_B = 48
MAX_OBJECT = 1 << 30       # libmap's limit on key and value sizes


def writer_seq(lay, w):
    """The write sequence of writer word w, or None (an older descriptor)."""
    if not lay.writer_seq_mask:
        return None
    return (w & lay.writer_seq_mask) >> lay.writer_seq_shift


def live_writer_word(lay, addr):
    """The writer word of the live map at addr (only its magic and writer
    word are read), or None when addr holds no live map."""
    off, size = lay.map.fields["magic"]
    if int.from_bytes(read(addr + off, size, "map magic"), lay.endian) != lay.map_magic:
        return None
    off, size = lay.map.fields["writer"]
    return int.from_bytes(read(addr + off, size, "map writer word"), lay.endian)


class Map:
    """A map's header and type descriptor, decoded."""

    def __init__(self, addr, lay=None, check_magic=True):
        self.lay = lay = lay or layout.get()
        self.addr = addr
        raw = read(addr, lay.map.size, "map header")
        self.raw = raw
        e = lay.endian
        g = lambda name: lay.map.get(raw, name, 0, e)
        opt = lambda name: g(name) if lay.map.has(name) else None
        t = lambda name: lay.type.get(raw, name, lay.type_off, e)
        self.magic = g("magic")
        if check_magic and self.magic != lay.map_magic:
            raise LibmapError("libmap: %#x is not a live map (magic %#x, expected %#x)"
                              % (addr, self.magic, lay.map_magic))
        self.count = g("count")
        self.flags = g("flags")
        self.B = g("B")
        self.noverflow = g("noverflow")
        self.hash0 = g("hash0")
        self.buckets = g("buckets")
        self.oldbuckets = g("oldbuckets")
        self.nevacuate = g("nevacuate")
        self.next_overflow = g("next_overflow")
        self.writer = g("writer")
        self.clearseq = g("clearseq")
        self.reg_next = g("reg_next")
        self.live_iters = opt("live_iters")
        self.key_kind = t("key_kind")
        self.tflags = t("flags")
        self.key_slot = t("key_slot")
        self.value_slot = t("value_slot")
        self.key_offset = t("key_offset")
        self.value_offset = t("value_offset")
        self.overflow_offset = t("overflow_offset")
        self.bucket_size = t("bucket_size")
        self.key_size = t("key_size")
        self.value_size = t("value_size")
        self.hash_fn = t("hash") if lay.type.has("hash") else None
        self._sanity()

    def _sanity(self):
        lay = self.lay
        ps = lay.ptr_size
        if self.B > MAX_B:
            raise LibmapError("libmap: map %#x has an implausible B=%d" % (self.addr, self.B))
        if self.key_size > MAX_OBJECT or self.value_size > MAX_OBJECT:
            raise LibmapError("libmap: map %#x has implausible key/value sizes %d/%d"
                              % (self.addr, self.key_size, self.value_size))
        if (self.bucket_size < self.overflow_offset + ps
                or self.key_offset < lay.bucket_cnt
                or self.key_offset + lay.bucket_cnt * self.key_slot > self.value_offset
                or self.value_offset + lay.bucket_cnt * self.value_slot > self.overflow_offset):
            raise LibmapError("libmap: map %#x has an implausible bucket geometry (bucket %d bytes, "
                              "keys at %d, values at %d, overflow at %d)"
                              % (self.addr, self.bucket_size, self.key_offset,
                                 self.value_offset, self.overflow_offset))

    # ---- growth state ----

    @property
    def nbuckets(self):
        return 1 << self.B

    @property
    def growing(self):
        return self.oldbuckets != 0

    @property
    def same_size(self):
        return bool(self.flags & self.lay.f_same_size)

    @property
    def nold(self):
        """Old bucket count while growing."""
        if self.same_size:
            return 1 << self.B
        return 1 << (self.B - 1) if self.B > 0 else 1

    def old_index_of(self, i):
        """The old bucket that new bucket i's entries come from while growing
        (the same index for same-size growth, i mod the old count when
        doubling)."""
        return i & (self.nold - 1)

    @property
    def indirect_key(self):
        return bool(self.tflags & self.lay.t_indirect_key)

    @property
    def indirect_value(self):
        return bool(self.tflags & self.lay.t_indirect_value)

    @property
    def kind(self):
        return self.lay.kind_name(self.key_kind)

    @property
    def hashable(self):
        """Whether the scripts can compute key hashes (no user hash callback)."""
        return not (self.key_kind == self.lay.kind_bytes and self.hash_fn != 0)

    def writer_state(self):
        """(held, tid, op name) decoded from the writer word."""
        lay = self.lay
        w = self.writer
        return (bool(w & lay.writer_held), w >> lay.writer_tid_shift,
                lay.op_name(w & lay.writer_op_mask))

    def writer_seq(self):
        """The write sequence in the writer word (advanced by every write's
        start), or None when this libmap's descriptor does not define it."""
        return writer_seq(self.lay, self.writer)

    def panic_marker(self):
        """The TID that stored the PANIC marker in the writer word (the thread
        that detected a race and stopped the map), or None."""
        lay = self.lay
        if lay.writer_panic and self.writer & lay.writer_panic:
            return self.writer >> lay.writer_tid_shift
        return None

    def summary(self):
        s = "libmap {len=%d, B=%d" % (self.count, self.B)
        if self.growing:
            s += ", growing %d/%d (%s)" % (self.nevacuate, self.nold,
                                          "same-size" if self.same_size else "doubling")
        return s + "}"

    def new_array(self):
        return BucketArray(self, self.buckets, self.nbuckets if self.buckets else 0, "new")

    def old_array(self):
        return BucketArray(self, self.oldbuckets, self.nold if self.growing else 0, "old")

    # ---- slots ----

    def tophash(self, data, off):
        return data[off:off + self.lay.bucket_cnt]

    def overflow_of(self, data, off):
        o = off + self.overflow_offset
        return int.from_bytes(data[o:o + self.lay.ptr_size], self.lay.endian)

    def key_slot_bytes(self, data, off, i):
        o = off + self.key_offset + i * self.key_slot
        return data[o:o + self.key_slot]

    def value_slot_bytes(self, data, off, i):
        o = off + self.value_offset + i * self.value_slot
        return data[o:o + self.value_slot]

    def _ptr(self, b):
        return int.from_bytes(b[:self.lay.ptr_size], self.lay.endian)

    def key_of(self, kslot):
        """(key, bytes hashed): key is an int for integer kinds, bytes otherwise."""
        lay = self.lay
        k = self.key_kind
        if k == lay.kind_u64 or k == lay.kind_u32:
            n = 8 if k == lay.kind_u64 else 4
            return int.from_bytes(kslot[:n], lay.endian), kslot[:n]
        if k == lay.kind_string:
            ptr = lay.str.get(kslot, "ptr", 0, lay.endian)
            n = lay.str.get(kslot, "len", 0, lay.endian)
            if n > MAX_STRING:
                raise LibmapError("libmap: string key of implausible length %d at %#x" % (n, ptr))
            data = read(ptr, n, "string key") if n else b""
            return data, data
        if self.indirect_key:
            data = read(self._ptr(kslot), self.key_size, "indirect key")
        else:
            data = kslot[:self.key_size]
        return data, data

    def value_of(self, vslot):
        """The value's bytes (following an indirect slot)."""
        if self.indirect_value:
            return read(self._ptr(vslot), self.value_size, "indirect value")
        return vslot[:self.value_size]


class BucketArray:
    """One bucket array (new or old), read CHUNK_BYTES at a time. Overflow
    buckets inside the allocation (Go's preallocated overflow area) come
    from the same chunks; heap overflow buckets are read one by one."""

    def __init__(self, m, base, n, label):
        self.m = m
        self.base = base
        self.n = n
        self.label = label
        self.bs = m.bucket_size
        self.nalloc = n
        lay = m.lay
        if base and n and lay.barray is not None and lay.barray.has("nbuckets"):
            try:
                hdr = read(base - lay.barray.size, lay.barray.size, "bucket array header")
                total = lay.barray.get(hdr, "nbuckets", 0, lay.endian)
                if n <= total <= 2 * n:
                    self.nalloc = total
            except LibmapError:
                pass
        self.per_chunk = max(1, CHUNK_BYTES // self.bs)
        self._chunks = {}

    def _chunk(self, c):
        """The bytes of chunk c, or None when the chunk cannot be read whole
        (then its buckets are read one by one, so that a partly missing
        array still yields what the core holds)."""
        if c in self._chunks:
            return self._chunks[c]
        first = c * self.per_chunk
        count = min(self.per_chunk, self.nalloc - first)
        try:
            data = read(self.base + first * self.bs, count * self.bs, "bucket array")
        except LibmapError:
            data = None
        if len(self._chunks) >= 8:
            self._chunks.pop(next(iter(self._chunks)))
        self._chunks[c] = data
        return data

    def at(self, addr):
        """(data, offset) of the bucket at addr."""
        rel = addr - self.base
        if 0 <= rel < self.nalloc * self.bs and rel % self.bs == 0:
            i = rel // self.bs
            c = i // self.per_chunk
            data = self._chunk(c)
            if data is not None:
                return data, (i - c * self.per_chunk) * self.bs
            return read(addr, self.bs, "%s bucket %d of map %#x" % (self.label, i, self.m.addr)), 0
        return read(addr, self.bs, "overflow bucket of map %#x" % self.m.addr), 0

    def bucket(self, i):
        return self.at(self.base + i * self.bs)

    def addr(self, i):
        return self.base + i * self.bs

    def evacuated(self, i):
        data, off = self.bucket(i)
        t0 = data[off]
        lay = self.m.lay
        return lay.empty_one < t0 < lay.min_tophash

    def chain(self, i):
        """([(addr, data, off)], problem): bucket i and its overflow buckets.
        problem is None, or (pos, addr, text) when the walk stopped early:
        the overflow pointer of the bucket at chain position pos (address
        addr) loops, or leads to unreadable memory, or the chain is too long."""
        addr = self.base + i * self.bs
        data, off = self.at(addr)
        out = [(addr, data, off)]
        nxt = self.m.overflow_of(data, off)
        if nxt == 0:
            return out, None
        seen = {addr}
        while nxt:
            last = out[-1][0]
            if nxt in seen:
                return out, (len(out) - 1, last, "overflow chain loops back to %#x" % nxt)
            if len(out) > MAX_CHAIN:
                return out, (len(out) - 1, last, "chain longer than %d buckets" % MAX_CHAIN)
            seen.add(nxt)
            try:
                data, off = self.at(nxt)
            except LibmapError as e:
                return out, (len(out) - 1, last, "overflow pointer %#x unreadable: %s"
                             % (nxt, str(e).replace("libmap: ", "")))
            out.append((nxt, data, off))
            nxt = self.m.overflow_of(data, off)
        return out, None


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
    __slots__ = ("array", "bucket", "ovf", "slot", "baddr", "top", "kslot", "vslot",
                 "key", "kbytes", "value", "error")

    def __init__(self, array, bucket, ovf, slot, baddr, top, kslot, vslot):
        self.array = array
        self.bucket = bucket
        self.ovf = ovf
        self.slot = slot
        self.baddr = baddr
        self.top = top
        self.kslot = kslot
        self.vslot = vslot
        self.error = None

    def where(self):
        return where(self.array, self.bucket, self.ovf, self.baddr, self.slot)

    def decode(self, m):
        """Fill key/kbytes/value; on unreadable memory set error instead."""
        try:
            self.key, self.kbytes = m.key_of(self.kslot)
            self.value = m.value_of(self.vslot)
        except LibmapError as e:
            self.key = self.kbytes = self.value = None
            self.error = str(e)
        return self


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
        e = Entry("old" if array else "new", bucket, chain, slot, baddr if chain else 0, top,
                  None, None)
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
              d["bucket_addr"] if d["chain"] else 0, d["tophash"], None, None)
    kb = d["key"]
    if d["error"] or kb is None or d["value"] is None:
        e.key = e.kbytes = e.value = None
        e.error = "libmap: " + (d["error"] or "unreadable")
    else:
        e.kbytes = kb
        e.key = int.from_bytes(kb, lay.endian) if m.key_kind in (lay.kind_u64, lay.kind_u32) else kb
        e.value = d["value"]
    return e
