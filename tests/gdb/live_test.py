# live_test.py — run by `gdb --batch -nx -x live_test.py --args gdb_fixture`:
# the gdb scripts on a live process. Runs gdb_fixture to its breakpoint in
# fixture_ready() (maps mid doubling, mid same-size growth, under a live
# iterator, ...; one thread parked inside libmap_assign_u64), then compares
# everything with the expected content the program printed (check_maps.py),
# and checks `libmap threads` and `libmap maps` on the parked writer, and
# the one-line errors for a layout descriptor made bad in the process.

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


def check_bad_descriptor():
    """A layout descriptor that is not libmap's, or of another version, is
    refused with one line naming what is wrong (libmap-inspect's lmi_open
    checks it); restored, the scripts read the maps again."""
    from libmap_gdb import contract, layout
    addr, endian = layout.get().layout_addr, layout.get().endian
    at = {name: (off, size) for name, off, size in contract.LAYOUT_FIELDS}
    inf = gdb.selected_inferior()

    def patch(field, value):
        off, size = at[field]
        old = inf.read_memory(addr + off, size).tobytes()
        inf.write_memory(addr + off, value.to_bytes(size, endian))
        return old

    for field, value, want in (
            ("magic", 0x1122334455667788,
             "libmap: libmap_layout at %#x has bad magic 0x1122334455667788 (not libmap's "
             "layout descriptor)" % addr),
            ("version", contract.MACROS["LIBMAP_LAYOUT_VERSION"] + 1,
             "libmap: libmap_layout version %d is not supported (libmap-inspect reads "
             "version %d)" % (contract.MACROS["LIBMAP_LAYOUT_VERSION"] + 1,
                              contract.MACROS["LIBMAP_LAYOUT_VERSION"]))):
        old = patch(field, value)
        try:
            for fresh in (False, True):  # a Target opened anew, then the Layout too
                if fresh:
                    layout._invalidate()
                out, err = check_maps.run_err("libmap maps")
                t.check(err == want, "a descriptor with a bad %s is refused (%s)"
                        % (field, "new layout" if fresh else "cached layout"), str(err or out))
        finally:
            inf.write_memory(addr + at[field][0], old)
    layout._invalidate()
    out, err = check_maps.run_err("libmap maps")
    t.check(err is None and "(libmap *)" in out, "the restored descriptor is read again",
            str(err or out))
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
    check_bad_descriptor()
except Exception as e:  # a failure of the test itself must not hang the run
    import traceback
    traceback.print_exc()
    t.check(False, "live test raised %s" % e)
finally:
    gdb.execute("kill")
    if os.environ.get("LIBMAP_KEEP_TMP") != "1":
        shutil.rmtree(tmp, ignore_errors=True)
gdb.execute("quit %d" % t.finish("gdb live test"))
