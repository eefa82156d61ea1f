# verify.py — `libmap verify`'s check of a map's invariants: the checking
# itself is libmap-inspect's (inspect/src/verify.c, the same code as
# libmap-coredump's, through inspect_lib); this file turns its report into
# gdb's text. Every failure names the array (new/old), the bucket, the
# position in the overflow chain and the slot, as mapread.where writes
# places.

from . import inspect_lib, mapread


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

    @property
    def ok(self):
        return not self.problems


def _where(p):
    """A problem's place, written as mapread.where writes places."""
    if p["array"] < 0:
        return "map"
    label = "old" if p["array"] == 1 else "new"
    if p["bucket"] < 0:
        return "%s buckets" % label
    pos = p["chain"] if p["chain"] > 0 else 0
    return mapread.where(label, p["bucket"], pos, p["addr"] if pos else 0,
                         p["slot"] if p["slot"] >= 0 else None)


def verify(m, limit=None):
    """Report on map m (a mapread.Map), at most limit problems listed."""
    r = Report(m)
    with inspect_lib.Target(m.lay) as t:
        c = t.verify(m.addr)
    if not c.placement_checked:
        r.notes.append("the map has a user hash function: bucket and tophash placement not checked")
    held, tid, op = m.writer_state()
    marker = m.panic_marker()
    if marker is not None:
        r.notes.append("thread %d stopped the map when it detected a race (PANIC marker in "
                       "the writer word): `libmap panic` names the writer" % marker)
    elif held:
        r.notes.append("the map was being written (%s by thread %d): a write in progress may "
                       "explain one inconsistency" % (op, tid))
    st = c.stats
    r.live_new, r.live_old = st["live_new"], st["live_old"]
    r.overflow_new, r.overflow_old = st["overflow_new"], st["overflow_old"]
    r.evacuated = st["evacuated_old"]
    r.unreadable = c.unreadable
    for p in c.problems:
        if limit is not None and len(r.problems) >= limit:
            r.truncated = True
            break
        r.problems.append((_where(p), p["msg"]))
    if len(c.problems) < c.failures + c.unreadable:
        r.truncated = True
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
        lines.append("  %d unreadable stretch%s of memory: the checks are incomplete"
                     % (r.unreadable, "" if r.unreadable == 1 else "es"))
    for where, text in r.problems:
        lines.append("  FAIL %s: %s" % (where, text))
    if r.truncated:
        lines.append("  (more problems not shown)")
    lines.append("verify: OK" if r.ok else "verify: %d problem%s" % (
        len(r.problems), "" if len(r.problems) == 1 else "s"))
    return "\n".join(lines)
