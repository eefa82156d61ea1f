# diagnose.py — a race libmap's run-time check missed, diagnosed from a core
# (or a stopped process) with no panic record. gdb supplies the facts: the
# thread the fatal SIGSEGV or SIGBUS was delivered to (the one whose
# $_siginfo holds it: in a core only that thread has NT_SIGINFO) and the
# public libmap function each thread is inside (frames.py). The rules
# (docs/coredump-json.md "diagnosis") are libmap-inspect's, the same code
# libmap-coredump runs (inspect/src/verdict.c, lmi_diagnose): the crashed
# thread is inside a libmap call, and another thread holds a map's writer
# word or is inside assign, delete or clear.

import signal

import gdb

from . import inspect_lib, layout
from .frames import KeepSelection, libmap_frame, thread_of

FATAL = {signal.SIGSEGV: "SIGSEGV", signal.SIGBUS: "SIGBUS"}


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
    record is set (then there is nothing to diagnose). The facts are gdb's
    (which thread got the signal, which libmap function each thread is
    inside); the verdict is libmap-inspect's (lmi_diagnose), the same rules
    libmap-coredump applies."""
    d = Diagnosis()
    if panic_recorded:
        return d
    found = crashed_thread()
    if found is None:
        return d
    d.crashed, d.signal = found
    d.crashed_tid = d.crashed.ptid[1]
    calls = _calls()
    if d.crashed_tid not in calls:
        return d  # the crash is not inside libmap: nothing to say about maps
    signo = next(n for n, name in FATAL.items() if name == d.signal)
    # in TID order: the first thread inside a write is the writer when no
    # map is held
    threads = [(tid, calls[tid][1]) for tid in sorted(calls)]
    v = inspect_lib.diagnose(signo, d.crashed_tid, threads, layout.get())
    text = lambda b: b.decode(errors="replace") or None
    d.crashed_function = text(v.crashed_function)
    d.crashed_op = text(v.crashed_op)
    d.why_not = text(v.why_not)
    if not v.present:
        return d
    d.kind, d.message = text(v.kind), text(v.message)
    d.writer_tid = v.writer_tid
    d.writer_op = text(v.writer_op)
    d.writer_function = text(v.writer_function)
    d.writer_held = bool(v.writer_held)
    d.evidence = text(v.evidence)
    d.map = v.map or None
    d.map_found_by = text(v.map_found_by)
    d.writer = thread_of(d.writer_tid)
    d.present = True
    return d
