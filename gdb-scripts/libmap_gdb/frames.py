# frames.py — which libmap call a thread is inside: the innermost frame
# (inlined frames included) of a public libmap function (libmap_*); the gdb
# thread of a TID. Shared by `libmap threads` and the
# diagnosis of races the run-time check missed (diagnose.py).

import gdb

MAX_FRAMES = 256


def libmap_frame(thread):
    """(public frame name, level, innermost name) for thread, or None.
    Selects thread: the caller restores the selection."""
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


def thread_of(tid):
    """The gdb thread whose LWP is tid, or None."""
    if tid <= 0:
        return None
    for th in gdb.selected_inferior().threads():
        pid, lwp, ttid = th.ptid
        if lwp == tid or (lwp == 0 and ttid == tid):
            return th
    return None


class KeepSelection:
    """`with KeepSelection():` restores the selected thread and frame."""

    def __enter__(self):
        self.thread = gdb.selected_thread()
        try:
            self.frame = gdb.selected_frame()
        except gdb.error:
            self.frame = None
        return self

    def __exit__(self, *exc):
        if self.thread is not None and self.thread.is_valid():
            self.thread.switch()
            if self.frame is not None and self.frame.is_valid():
                self.frame.select()
        return False
