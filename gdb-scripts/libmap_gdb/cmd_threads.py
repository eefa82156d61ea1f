# cmd_threads.py — `libmap threads`: the threads inside a libmap operation,
# i.e. whose stack has a frame (inlined frames included) in one of libmap's
# public functions (libmap_*), with that function and the innermost frame.
# The panic record's detecting and writer threads are marked.

import gdb

from . import cmd_panic
from .memory import LibmapError

MAX_FRAMES = 256


def libmap_frame(thread):
    """(public frame name, level, innermost name) for thread, or None."""
    thread.switch()
    f = gdb.newest_frame()
    inner = f.name() or "??"
    level = 0
    while f is not None and level < MAX_FRAMES:
        name = f.name()
        if name and name.startswith("libmap_"):
            return name, level, inner
        try:
            f = f.older()
        except gdb.error:
            break
        level += 1
    return None


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
        sel_thread = gdb.selected_thread()
        try:
            sel_frame = gdb.selected_frame()
        except gdb.error:
            sel_frame = None
        rows = []
        try:
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
        finally:
            if sel_thread is not None and sel_thread.is_valid():
                sel_thread.switch()
                if sel_frame is not None and sel_frame.is_valid():
                    sel_frame.select()
        gdb.write("%d thread%s in libmap\n" % (len(rows), "" if len(rows) == 1 else "s"))
        gdb.write("".join(rows))


LibmapThreads()
