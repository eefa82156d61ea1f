# gdb_frames.py — run by `gdb --batch -nx -x gdb_frames.py EXE CORE` in the
# differential stack test: prints every thread's frames as gdb's `bt` sees
# them (inlined frames included), as one JSON line prefixed "FRAMES-JSON:".
import json

import gdb

# frames outside main too, as eu-stack and libmap-coredump show them
gdb.execute("set backtrace past-main on")
gdb.execute("set backtrace past-entry on")
threads = []
for th in sorted(gdb.selected_inferior().threads(), key=lambda t: t.ptid[1]):
    th.switch()
    frames = []
    f = gdb.newest_frame()
    while f is not None:
        sal = f.find_sal()
        frames.append({
            "function": f.name(),
            "file": sal.symtab.filename if sal.symtab else None,
            "line": sal.line,
            "inlined": f.type() == gdb.INLINE_FRAME,
            "signal_frame": f.type() == gdb.SIGTRAMP_FRAME,
            # a frame gdb makes up from DW_TAG_call_site data (a tail call
            # left no frame of its own): eu-stack and libdwfl show none
            "tailcall": f.type() == gdb.TAILCALL_FRAME,
            "pc": f.pc(),
        })
        try:
            f = f.older()
        except gdb.error:
            break
    threads.append({"tid": th.ptid[1], "frames": frames})
print("FRAMES-JSON:" + json.dumps(threads))
