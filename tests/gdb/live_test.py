# live_test.py — run by `gdb --batch -nx -x live_test.py --args gdb_fixture`:
# the gdb scripts on a live process. Runs gdb_fixture to its breakpoint in
# fixture_ready() (maps mid doubling, mid same-size growth, under a live
# iterator, ...; one thread parked inside libmap_assign_u64), then compares
# everything with the expected content the program printed (check_maps.py),
# and checks `libmap threads` and `libmap maps` on the parked writer.

import os
import re
import shutil
import sys
import tempfile

import gdb

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_maps  # noqa: E402

t = check_maps.Tally()
gdb.execute("source " + os.environ["LIBMAP_GDB_SCRIPT"])
tmp = tempfile.mkdtemp(prefix="libmap-gdb-live.")
exp = os.path.join(tmp, "expected.txt")
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("break fixture_ready")
gdb.execute("run > %s" % exp)
try:
    frame = gdb.selected_frame()
    t.check(frame.name() == "fixture_ready", "stopped in fixture_ready", str(frame.name()))
    check_maps.check_maps(t, exp)
    parked = 0
    with open(exp) as f:
        for line in f:
            if line.startswith("parked "):
                parked = int(line.split()[1])
    out = check_maps.run("libmap threads")
    t.check(re.search(r"LWP %d\): libmap_assign_u64 " % parked, out) is not None,
            "libmap threads shows the parked writer in libmap_assign_u64", out)
    t.check(frame.is_valid() and gdb.selected_frame().name() == "fixture_ready",
            "libmap threads keeps the selected frame")
    out = check_maps.run("libmap maps")
    t.check(re.search(r"being written: assign by thread %d" % parked, out) is not None,
            "libmap maps shows the map held by the parked writer", out)
    out = check_maps.run("libmap verify fx_parked")
    t.check("was being written (assign by thread %d)" % parked in out and "verify: OK" in out,
            "verify notes the write in progress", out)
    out, err = check_maps.run_err("libmap panic")
    t.check(err == "libmap: no panic recorded (libmap_panic_record is empty)",
            "libmap panic without a panic", str(err or out))
except Exception as e:  # a failure of the test itself must not hang the run
    import traceback
    traceback.print_exc()
    t.check(False, "live test raised %s" % e)
finally:
    gdb.execute("kill")
    if os.environ.get("LIBMAP_KEEP_TMP") != "1":
        shutil.rmtree(tmp, ignore_errors=True)
gdb.execute("quit %d" % t.finish("gdb live test"))
