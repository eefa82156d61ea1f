# cmd_panic.py — `libmap panic`: the panic record libmap filled before
# abort() (message, map, both thread ids and operations), the gdb threads
# of the two TIDs, and then it selects the writer thread so that `bt` shows
# where the other writer was. With no panic record, a process that died of
# SIGSEGV or SIGBUS inside libmap while another thread was writing is
# reported the same way as a probable race "(not detected at run time)"
# (diagnose.py), the crashed thread in place of the detecting one.

import datetime

import gdb

from . import diagnose, inspect_lib, layout, mapread
from .frames import thread_of
from .memory import LibmapError


def read_record():
    """The panic record as a dict (libmap-inspect's lmi_panic decodes it),
    or None when libmap has not panicked."""
    lay = layout.get()
    if lay.panic_addr is None:
        raise LibmapError("libmap: no libmap_panic_record symbol in this program")
    p = inspect_lib.panic(lay)
    if p is None:
        return None
    rec = {n: getattr(p, n) for n in ("map", "kind", "op", "writer_op", "writer_held", "tid",
                                      "writer_tid", "pid", "realtime_ns", "monotonic_ns")}
    for n in ("kind_name", "op_name", "writer_op_name", "message"):
        rec[n] = getattr(p, n).decode("utf-8", "replace")
    rec["address"] = p.addr
    return rec


def _time(ns):
    try:
        t = datetime.datetime.fromtimestamp(ns / 1e9, datetime.timezone.utc)
        return t.strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    except (OverflowError, OSError, ValueError):
        return "%d ns" % ns


def _thread_text(th):
    return "gdb thread %d" % th.num if th is not None else "not among this process's threads"


class LibmapPanic(gdb.Command):
    """Show libmap's panic record and select the writer thread: libmap panic

Prints the fatal message, the map, the detecting thread and the thread that
was writing (TIDs, operations, gdb thread numbers), then switches to the
writer thread: `bt` then shows where the other writer was. Without a panic
record, a SIGSEGV or SIGBUS inside libmap while another thread held a map
for writing (or was inside a write) is shown as a probable race "(not
detected at run time)", naming the crashed thread and the writer."""

    def __init__(self):
        super().__init__("libmap panic", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def invoke(self, arg, from_tty):
        rec = read_record()
        if rec is None:
            d = diagnose.diagnose(False)
            if not d.present:
                raise LibmapError("libmap: no panic recorded (libmap_panic_record is empty)%s"
                                  % ("; " + d.why_not if d.why_not else ""))
            self._probable(d)
            return
        kind = rec["kind_name"]
        out = ["fatal error: %s\n" % rec["message"]]
        try:
            summary = mapread.Map(rec["map"]).summary()
        except LibmapError as e:
            summary = "<%s>" % str(e).replace("libmap: ", "")
        out.append("  panic kind: %s\n" % kind)
        out.append("  map: (libmap *) %#x  %s\n" % (rec["map"], summary))
        det = thread_of(rec["tid"])
        out.append("  detecting thread: TID %d, %s (%s)\n"
                   % (rec["tid"], rec["op_name"], _thread_text(det)))
        wr = thread_of(rec["writer_tid"])
        if rec["writer_tid"]:
            state = "was writing" if rec["writer_held"] else "had just finished writing"
            out.append("  writer thread:    TID %d, %s, %s (%s)\n"
                       % (rec["writer_tid"], rec["writer_op_name"], state,
                          _thread_text(wr)))
        else:
            out.append("  writer thread:    unknown\n")
        out.append("  pid %d, detected at %s\n" % (rec["pid"], _time(rec["realtime_ns"])))
        gdb.write("".join(out))
        if wr is not None:
            wr.switch()
            gdb.write("[Switching to writer thread %d (LWP %d)]\n" % (wr.num, rec["writer_tid"]))
            gdb.execute("frame")

    @staticmethod
    def _probable(d):
        """A probable race the run-time check missed (a diagnose.Diagnosis)."""
        out = ["%s\n" % d.message]
        out.append("  no panic record: thread %d died of %s inside libmap\n"
                   % (d.crashed_tid, d.signal))
        if d.map is not None:
            try:
                summary = mapread.Map(d.map).summary()
            except LibmapError as e:
                summary = "<%s>" % str(e).replace("libmap: ", "")
            out.append("  map: (libmap *) %#x  %s\n" % (d.map, summary))
        else:
            out.append("  map: unknown (no map held; the writer's last map is not known)\n")
        out.append("  crashed thread:   TID %d, %s (%s) (%s)\n"
                   % (d.crashed_tid, d.crashed_op or "libmap call", d.crashed_function,
                      _thread_text(d.crashed)))
        if d.writer_held:
            state = "holding the map (its writer word)"
        else:
            state = "inside %s" % (d.writer_function or "a write")
        out.append("  writer thread:    TID %d, %s, %s (%s)\n"
                   % (d.writer_tid, d.writer_op or "?", state, _thread_text(d.writer)))
        gdb.write("".join(out))
        if d.writer is not None:
            d.writer.switch()
            gdb.write("[Switching to writer thread %d (LWP %d)]\n" % (d.writer.num, d.writer_tid))
            gdb.execute("frame")


LibmapPanic()
