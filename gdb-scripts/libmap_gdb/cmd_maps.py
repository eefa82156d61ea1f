# cmd_maps.py — `libmap maps`: every map in libmap's registry with its
# summary, key kind, value size and writer state.

import gdb

from . import mapread, registry
from .memory import LibmapError


def describe(m):
    held, tid, op = m.writer_state()
    s = "%s  key %s%s, value %d bytes%s" % (
        m.summary(), m.kind, " (%d bytes)" % m.key_size if m.kind == "bytes" else "",
        m.value_size, ", indirect" if m.indirect_value else "")
    if held:
        s += ", being written: %s by thread %d" % (op, tid)
    return s


class LibmapMaps(gdb.Command):
    """List every live map (libmap's registry): libmap maps"""

    def __init__(self):
        super().__init__("libmap maps", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def invoke(self, arg, from_tty):
        addrs, problem = registry.map_addresses()
        gdb.write("%d map%s\n" % (len(addrs), "" if len(addrs) == 1 else "s"))
        for a in addrs:
            try:
                gdb.write("  (libmap *) %#x  %s\n" % (a, describe(mapread.Map(a))))
            except LibmapError as e:
                gdb.write("  (libmap *) %#x  <%s>\n" % (a, str(e).replace("libmap: ", "")))
        if problem:
            gdb.write("  registry: %s\n" % problem)


LibmapMaps()
