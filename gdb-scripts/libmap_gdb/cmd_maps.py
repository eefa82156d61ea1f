# cmd_maps.py — `libmap maps`: every map in libmap's registry with its
# summary, key kind, value size and writer state (with the write sequence
# when this libmap's descriptor defines it); the inner maps of a
# libmap_sync or libmap_shard under their parent, shards in order, each
# with its lock's state (the write holder's TID, readers).

import gdb

from . import cmd_panic, mapread, registry
from .memory import LibmapError


def describe(m):
    held, tid, op = m.writer_state()
    s = "%s  key %s%s, value %d bytes%s" % (
        m.summary(), m.kind, " (%d bytes)" % m.key_size if m.kind == "bytes" else "",
        m.value_size, ", indirect" if m.indirect_value else "")
    marker = m.panic_marker()
    if marker is not None:
        s += ", stopped by thread %d when it detected the race (PANIC marker)" % marker
        writer = panic_writer(m)
        if writer:
            s += "; the writer was thread %d (%s)" % writer
    elif held:
        s += ", being written: %s by thread %d" % (op, tid)
    seq = m.writer_seq()
    if seq is not None and marker is None:
        s += ", write seq %d" % seq
    return s


def panic_writer(m):
    """(tid, op) of the writer the panic record names for map m, or None."""
    try:
        rec = cmd_panic.read_record()
    except LibmapError:
        return None
    if rec is None or rec["map"] != m.addr or not rec["writer_tid"]:
        return None
    return rec["writer_tid"], rec["writer_op_name"]


class LibmapMaps(gdb.Command):
    """List every live map (libmap's registry): libmap maps"""

    def __init__(self):
        super().__init__("libmap maps", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def invoke(self, arg, from_tty):
        addrs, problem = registry.map_addresses()
        gdb.write("%d map%s\n" % (len(addrs), "" if len(addrs) == 1 else "s"))
        guarded = []
        for a in addrs:
            try:
                m = mapread.Map(a)
            except LibmapError as e:
                gdb.write("  (libmap *) %#x  <%s>\n" % (a, str(e).replace("libmap: ", "")))
                continue
            if m.guard is not None and m.guard.ok:
                guarded.append(m)
            else:
                gdb.write("  (libmap *) %#x  %s\n" % (a, describe(m)))
        guarded.sort(key=lambda m: (m.guard.parent, m.guard.shard))
        parent = None
        for m in guarded:
            g = m.guard
            if g.parent != parent:
                parent = g.parent
                if g.kind == "shard":
                    gdb.write("  (libmap_shard *) %#x  %d shards\n" % (g.parent, g.nshards))
                else:
                    gdb.write("  (libmap_%s *) %#x\n" % (g.kind, g.parent))
            where = "shard %d" % g.shard if g.kind == "shard" else "lock"
            gdb.write("    %s: %s\n      (libmap *) %#x  %s\n" % (where, g.state(), m.addr,
                                                             describe(m)))
        if problem:
            gdb.write("  registry: %s\n" % problem)


LibmapMaps()
