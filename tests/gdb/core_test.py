# core_test.py — run by run_core_test.sh as `gdb --batch -nx -x core_test.py
# gdb_crash CORE`: the gdb scripts on the core of a real concurrent write.
# Every fixture map is compared with the expected content (check_maps.py);
# `libmap panic` must name both TIDs the program printed and select the
# writer thread, whose backtrace must be inside libmap_assign_u64;
# `libmap threads` marks both threads.

import os
import re
import sys

import gdb

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_maps  # noqa: E402

t = check_maps.Tally()
try:
    gdb.execute("source " + os.environ["LIBMAP_GDB_SCRIPT"])
    maps, race = check_maps.check_maps(t, os.environ["EXPECTED"])
    if t.check(race is not None, "expected file names the racing TIDs"):
        det, wr = race
        out = check_maps.run("libmap panic")
        t.check("fatal error: concurrent map writes" in out, "panic message", out)
        t.check("detecting thread: TID %d, assign" % det in out, "detecting TID named", out)
        t.check("writer thread:    TID %d, assign, was writing" % wr in out, "writer TID named", out)
        th = gdb.selected_thread()
        t.check(th.ptid[1] == wr, "libmap panic selected the writer thread", str(th.ptid))
        bt = check_maps.run("bt")
        t.check(re.search(r"\blibmap_assign_u64 \(", bt) is not None,
                "writer's bt shows libmap_assign_u64", bt)
        out = check_maps.run("libmap threads")
        t.check(re.search(r"LWP %d\): libmap_assign_u64 .*\[detecting thread\]" % det, out)
                is not None and
                re.search(r"LWP %d\): libmap_assign_u64 .*\[writer thread\]" % wr, out) is not None,
                "libmap threads marks both threads", out)
        out = check_maps.run("libmap verify fx_race")
        # the detecting thread's PANIC marker (or, if the writer released
        # the map after it, the writer's word) is noted, and the marker is
        # never presented as a write in progress by the detecting thread
        t.check("verify: OK" in out and
                ("note: thread %d stopped the map when it detected a race" % det in out or
                 "note: the map was being written" in out) and
                "being written (assign by thread %d)" % det not in out,
                "the raced map verifies, noting the panic marker or the write in progress", out)
except Exception as e:
    import traceback
    traceback.print_exc()
    t.check(False, "core test raised %s" % e)
gdb.execute("quit %d" % t.finish("gdb core test"))
