# cmd_threads.py — `libmap threads`: the threads inside a libmap operation,
# i.e. whose stack has a frame (inlined frames included) in one of libmap's
# public functions (libmap_*), with that function and the innermost frame.
# The panic record's detecting and writer threads are marked; with no panic
# record, the crashed thread and the writer of a probable race the run-time
# check missed (diagnose.py).

import gdb

from . import cmd_panic, diagnose
from .frames import KeepSelection, libmap_frame
from .memory import LibmapError


class LibmapThreads(gdb.Command):
    """List the threads inside a libmap operation: libmap threads"""

    def __init__(self):
        super().__init__("libmap threads", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def invoke(self, arg, from_tty):
        try:
            rec = cmd_panic.read_record()
        except LibmapError:
            rec = None
        roles = {}
        if rec is not None:
            roles[rec["tid"]] = "detecting thread"
            if rec["writer_tid"]:
                roles.setdefault(rec["writer_tid"], "writer thread")
        else:
            try:
                d = diagnose.diagnose(False)
            except LibmapError:
                d = None
            if d is not None and d.present:
                roles[d.crashed_tid] = "crashed thread (%s), probable race" % d.signal
                roles.setdefault(d.writer_tid, "writer thread")
        rows = []
        with KeepSelection():
            for th in sorted(gdb.selected_inferior().threads(), key=lambda t: t.num):
                try:
                    hit = libmap_frame(th)
                except gdb.error as e:
                    rows.append("  thread %d (LWP %d): <%s>\n" % (th.num, th.ptid[1], e))
                    continue
                if hit is None:
                    continue
                name, level, inner = hit
                role = roles.get(th.ptid[1])
                rows.append("  thread %d (LWP %d): %s (frame #%d)%s%s\n"
                            % (th.num, th.ptid[1], name, level,
                               ", in %s" % inner if level else "",
                               "  [%s]" % role if role else ""))
        gdb.write("%d thread%s in libmap\n" % (len(rows), "" if len(rows) == 1 else "s"))
        gdb.write("".join(rows))


LibmapThreads()
