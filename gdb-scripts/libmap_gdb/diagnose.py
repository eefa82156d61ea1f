# diagnose.py — a race libmap's run-time check missed, diagnosed from a core
# (or a stopped process) with no panic record, by the rules of
# libmap-coredump (coredump/diagnose.c, docs/coredump-json.md "diagnosis"):
# the thread the fatal SIGSEGV or SIGBUS was delivered to (the one whose
# $_siginfo holds it: in a core only that thread has NT_SIGINFO) is inside a
# libmap call, and another thread holds a map's writer word (HELD, its TID)
# or is inside assign, delete or clear. The map is the one held, else the
# one whose writer word names that thread as the last writer, else the only
# map. Writer-word bits come from the layout descriptor (layout.py).

import signal

import gdb

from . import layout, mapread, registry
from .frames import WRITE_OPS, KeepSelection, function_op, libmap_frame, thread_of
from .memory import LibmapError

FATAL = {signal.SIGSEGV: "SIGSEGV", signal.SIGBUS: "SIGBUS"}

MESSAGES = {
    "probable_concurrent_writes": "probable concurrent map writes (not detected at run time)",
    "probable_iteration_write":
        "probable concurrent map iteration and map write (not detected at run time)",
    "probable_read_write":
        "probable concurrent map read and map write (not detected at run time)",
}


class Diagnosis:
    """What diagnose() found; present is False when there is nothing to say
    (why_not then says why, when the crash was inside libmap)."""

    def __init__(self):
        self.present = False
        self.why_not = None
        self.kind = self.message = None
        self.signal = None
        self.crashed = self.writer = None          # gdb.InferiorThread or None
        self.crashed_tid = self.writer_tid = 0
        self.crashed_op = self.crashed_function = None
        self.writer_op = self.writer_function = None
        self.writer_held = False
        self.evidence = None                       # "writer_word" or "stack"
        self.map = None                            # address, or None when unknown
        self.map_found_by = None


def _siginfo_signo():
    try:
        return int(gdb.parse_and_eval("$_siginfo.si_signo"))
    except gdb.error:
        return None


def crashed_thread():
    """(thread, signal name) of the thread that received a fatal SIGSEGV or
    SIGBUS, the selected thread first; None when there is none."""
    threads = sorted(gdb.selected_inferior().threads(), key=lambda t: t.num)
    sel = gdb.selected_thread()
    if sel is not None:
        threads.sort(key=lambda t: t.num != sel.num)
    with KeepSelection():
        for th in threads:
            th.switch()
            signo = _siginfo_signo()
            if signo in FATAL:
                return th, FATAL[signo]
    return None


def _calls():
    """{tid: (thread, public libmap function)} for every thread inside libmap."""
    out = {}
    with KeepSelection():
        for th in gdb.selected_inferior().threads():
            try:
                hit = libmap_frame(th)
            except gdb.error:
                continue
            if hit is not None:
                out[th.ptid[1]] = (th, hit[0])
    return out


def diagnose(panic_recorded):
    """The Diagnosis of the selected inferior; panic_recorded: libmap's panic
    record is set (then there is nothing to diagnose)."""
    d = Diagnosis()
    if panic_recorded:
        return d
    found = crashed_thread()
    if found is None:
        return d
    lay = layout.get()
    d.crashed, d.signal = found
    d.crashed_tid = d.crashed.ptid[1]
    calls = _calls()
    if d.crashed_tid not in calls:
        return d  # the crash is not inside libmap: nothing to say about maps
    d.crashed_function = calls[d.crashed_tid][1]
    d.crashed_op = function_op(d.crashed_function)
    try:
        addrs, _ = registry.map_addresses()
    except LibmapError:
        addrs = []
    words = []
    for a in addrs:
        try:
            w = mapread.live_writer_word(lay, a)
        except LibmapError:
            continue
        if w is not None:
            words.append((a, w))
    def holder(w):
        """The TID holding the map for writing, other than the crashed
        thread (its own write is no evidence), or 0."""
        if not w & lay.writer_held or (lay.writer_panic and w & lay.writer_panic):
            return 0
        tid = w >> lay.writer_tid_shift
        return tid if tid != d.crashed_tid else 0

    held = [(a, w) for a, w in words if holder(w) > 0]

    def writing(tid):
        return tid in calls and function_op(calls[tid][1]) in WRITE_OPS

    if held:
        a, w = next(((a, w) for a, w in held if writing(w >> lay.writer_tid_shift)), held[0])
        d.writer_tid = w >> lay.writer_tid_shift
        d.writer_op = lay.op_name(w & lay.writer_op_mask)
        d.writer_held = True
        d.evidence = "writer_word"
        d.map, d.map_found_by = a, "writer_word"
    else:
        tid = next((t for t in sorted(calls) if t != d.crashed_tid and writing(t)), None)
        if tid is None:
            d.why_not = ("thread %d died of %s inside libmap (%s), but no other thread held a "
                         "map for writing or was inside a libmap write: no sign of a concurrent "
                         "map access" % (d.crashed_tid, d.signal, d.crashed_function))
            return d
        d.writer_tid = tid
        d.writer_op = function_op(calls[tid][1])
        d.evidence = "stack"
        last = [a for a, w in words if w >> lay.writer_tid_shift == tid]
        if len(last) == 1:
            d.map, d.map_found_by = last[0], "last_writer"
        elif len(addrs) == 1:
            d.map, d.map_found_by = addrs[0], "only_map"
    d.writer = thread_of(d.writer_tid)
    if d.writer_tid in calls:
        d.writer_function = calls[d.writer_tid][1]
    if d.crashed_op in WRITE_OPS:
        d.kind = "probable_concurrent_writes"
    elif d.crashed_op == "iterate":
        d.kind = "probable_iteration_write"
    else:
        d.kind = "probable_read_write"
    d.message = MESSAGES[d.kind]
    d.present = True
    return d
