# verify.py — checking a map's invariants (libmap/src/internal.h), kept
# apart from the readers in mapread.py. Every failure names the array
# (new/old), the bucket, the position in the overflow chain and the slot:
#   - count equals the live slots of the new array plus those of the
#     unevacuated old buckets;
#   - every live key sits in the bucket its hash selects (old mask for an
#     unevacuated old bucket), with the matching tophash, exactly once;
#   - new buckets are empty while their old bucket is not evacuated;
#   - old buckets below nevacuate are evacuated; evacuated buckets hold only
#     evacuation marks (no EVAC_Y in same-size growth); marks appear nowhere
#     else;
#   - after an EMPTY_REST slot every later slot of the chain is EMPTY_REST;
#   - overflow chains end (no cycle) and are readable.

from . import mapread
from .memory import LibmapError


class Report:
    def __init__(self, m):
        self.m = m
        self.problems = []     # (where, text)
        self.notes = []
        self.live_new = 0
        self.live_old = 0
        self.overflow_new = 0
        self.overflow_old = 0
        self.evacuated = 0
        self.unreadable = 0
        self.truncated = False
        self.limit = None

    def add(self, where, text):
        if self.limit is not None and len(self.problems) >= self.limit:
            self.truncated = True
            return
        self.problems.append((where, text))

    @property
    def ok(self):
        return not self.problems


_where = mapread.where


class _Checker:
    def __init__(self, m, report):
        self.m = m
        self.r = report
        lay = m.lay
        self.cnt = lay.bucket_cnt
        self.rest = lay.empty_rest
        self.one = lay.empty_one
        self.mt = lay.min_tophash
        self.marks = (lay.evac_x, lay.evac_y, lay.evac_empty)
        self.seen = {}   # key (int, or bytes) -> encoded place, see _place
        self.hashable = m.hashable
        # u32/u64 keys: a fast path without per-slot method calls
        self.int_hash = m.int_key_hasher() if self.hashable else None
        self.int_size = 8 if m.key_kind == lay.kind_u64 else 4

    @staticmethod
    def _place(label, index, pos, slot):
        return (((index << 1) | (label == "old")) << 24 | pos) << 4 | slot

    @staticmethod
    def _unplace(code):
        slot, code = code & 15, code >> 4
        pos, code = code & ((1 << 24) - 1), code >> 24
        return ("old" if code & 1 else "new", code >> 1, pos, None, slot)

    def chain(self, arr, index):
        try:
            ch, prob = arr.chain(index)
        except LibmapError as e:
            self.r.add(_where(arr.label, index), str(e).replace("libmap: ", ""))
            self.r.unreadable += 1
            return []
        if prob:
            self.r.add(_where(arr.label, index, prob[0], prob[1]), prob[2])
        return ch

    def live_chain(self, arr, index, ch, mask, forbid_live=None):
        """Check a chain whose live slots are entries; returns the live count."""
        m, r = self.m, self.r
        cnt, rest, one, mt = self.cnt, self.rest, self.one, self.mt
        hasher, n, endian = self.int_hash, self.int_size, m.lay.endian
        ko, ks = m.key_offset, m.key_slot
        seen, label = self.seen, arr.label
        live = 0
        after_rest = False
        old = label == "old"
        for pos, (addr, data, off) in enumerate(ch):
            th = data[off:off + cnt]
            if after_rest and th.count(rest) == cnt:
                continue
            pcode = (((index << 1) | old) << 24 | pos) << 4
            for s in range(cnt):
                top = th[s]
                if after_rest and top != rest:
                    r.add(_where(label, index, pos, addr, s),
                          "tophash %#04x after an EMPTY_REST slot (EMPTY_REST is dishonest)" % top)
                if top == rest:
                    after_rest = True
                    continue
                if top == one:
                    continue
                if top < mt:
                    r.add(_where(label, index, pos, addr, s),
                          "evacuation mark %d in a %s" % (
                              top, "new bucket" if label == "new" else "bucket not evacuated"))
                    continue
                live += 1
                if forbid_live is not None:
                    r.add(_where(label, index, pos, addr, s),
                          "live entry while old bucket %d is not evacuated" % forbid_live)
                if hasher is None:
                    self.entry(arr, index, pos, addr, data, off, s, top, mask)
                    continue
                o = off + ko + s * ks
                k = int.from_bytes(data[o:o + n], endian)
                h = hasher(k)
                if h & mask != index:
                    r.add(_where(label, index, pos, addr, s),
                          "key %d hashes to %s bucket %d" % (k, label, h & mask))
                want = h >> 56
                if want < mt:
                    want += mt
                if top != want:
                    r.add(_where(label, index, pos, addr, s),
                          "key %d has tophash %#04x, its hash gives %#04x" % (k, top, want))
                prev = seen.get(k)
                if prev is not None:
                    r.add(_where(label, index, pos, addr, s),
                          "key %d also at %s" % (k, _where(*self._unplace(prev))))
                else:
                    seen[k] = pcode | s
        return live

    def entry(self, arr, index, pos, addr, data, off, s, top, mask):
        m, r = self.m, self.r
        try:
            key, kbytes = m.key_of(m.key_slot_bytes(data, off, s))
            m.value_of(m.value_slot_bytes(data, off, s))
        except LibmapError as e:
            r.add(_where(arr.label, index, pos, addr, s), str(e).replace("libmap: ", ""))
            return
        if self.hashable:
            h = m.key_hash(kbytes)
            if h & mask != index:
                r.add(_where(arr.label, index, pos, addr, s),
                      "key %s hashes to %s bucket %d" % (_key(m, key), arr.label, h & mask))
            want = m.lay.tophash_of(h)
            if top != want:
                r.add(_where(arr.label, index, pos, addr, s),
                      "key %s has tophash %#04x, its hash gives %#04x" % (_key(m, key), top, want))
        prev = self.seen.get(kbytes)
        if prev is not None:
            r.add(_where(arr.label, index, pos, addr, s),
                  "key %s also at %s" % (_key(m, key), _where(*self._unplace(prev))))
        else:
            self.seen[kbytes] = self._place(arr.label, index, pos, s)

    def evacuated_chain(self, arr, index, ch):
        lay = self.m.lay
        for pos, (addr, data, off) in enumerate(ch):
            th = data[off:off + self.cnt]
            for s in range(self.cnt):
                top = th[s]
                if top not in self.marks:
                    self.r.add(_where(arr.label, index, pos, addr, s),
                               "tophash %#04x in an evacuated bucket (expected a mark)" % top)
                elif top == lay.evac_y and self.m.same_size:
                    self.r.add(_where(arr.label, index, pos, addr, s),
                               "EVAC_Y mark in same-size growth")


def _key(m, key):
    from .render import key_text
    return key_text(m, key)


def verify(m, limit=None):
    """Report on map m (a mapread.Map)."""
    r = Report(m)
    r.limit = limit
    c = _Checker(m, r)
    if not c.hashable:
        r.notes.append("the map has a user hash function: bucket and tophash placement not checked")
    held, tid, op = m.writer_state()
    marker = m.panic_marker()
    if marker is not None:
        r.notes.append("thread %d stopped the map when it detected a race (PANIC marker in "
                       "the writer word): `libmap panic` names the writer" % marker)
    elif held:
        r.notes.append("the map was being written (%s by thread %d): a write in progress may "
                       "explain one inconsistency" % (op, tid))
    if not m.buckets:
        if m.count:
            r.add("map", "count is %d but the map has no bucket array" % m.count)
        if m.growing:
            r.add("map", "growing without a bucket array")
        return r
    new = m.new_array()
    old = None
    if m.growing:
        old = m.old_array()
        if not m.same_size and m.B == 0:
            r.add("map", "doubling growth with B=0")
        if m.nevacuate > m.nold:
            r.add("map", "nevacuate %d beyond the %d old buckets" % (m.nevacuate, m.nold))
    newmask = m.nbuckets - 1
    oldmask = m.nold - 1 if old else 0
    unevac = set()
    if old is not None:
        for j in range(m.nold):
            ch = c.chain(old, j)
            if not ch:
                continue
            r.overflow_old += len(ch) - 1
            if old.evacuated(j):
                r.evacuated += 1
                c.evacuated_chain(old, j, ch)
                continue
            unevac.add(j)
            if j < m.nevacuate:
                r.add("old bucket %d" % j, "not evacuated but below nevacuate %d" % m.nevacuate)
            r.live_old += c.live_chain(old, j, ch, oldmask)
    for i in range(m.nbuckets):
        ch = c.chain(new, i)
        if not ch:
            continue
        r.overflow_new += len(ch) - 1
        j = i & oldmask
        forbid = j if old is not None and j in unevac else None
        r.live_new += c.live_chain(new, i, ch, newmask, forbid)
    live = r.live_new + r.live_old
    if live != m.count:
        r.add("map", "count is %d but %d slots are live (new array %d, unevacuated old buckets %d)"
              % (m.count, live, r.live_new, r.live_old))
    return r


def format_report(r):
    m = r.m
    lines = []
    head = "map %#x: %s" % (m.addr, m.summary())
    lines.append(head)
    for n in r.notes:
        lines.append("  note: " + n)
    lines.append("  live slots: %d (new array %d, unevacuated old buckets %d); overflow buckets: "
                 "%d new, %d old" % (r.live_new + r.live_old, r.live_new, r.live_old,
                                      r.overflow_new, r.overflow_old))
    if m.growing:
        lines.append("  old buckets evacuated: %d of %d, nevacuate %d"
                     % (r.evacuated, m.nold, m.nevacuate))
    if r.unreadable:
        lines.append("  %d bucket%s unreadable: the checks are incomplete"
                     % (r.unreadable, "" if r.unreadable == 1 else "s"))
    for where, text in r.problems:
        lines.append("  FAIL %s: %s" % (where, text))
    if r.truncated:
        lines.append("  (more problems not shown)")
    lines.append("verify: OK" if r.ok else "verify: %d problem%s" % (
        len(r.problems), "" if len(r.problems) == 1 else "s"))
    return "\n".join(lines)
