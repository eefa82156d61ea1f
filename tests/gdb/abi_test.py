# abi_test.py — run as `gdb --batch -nx -x abi_test.py`: the gdb scripts'
# ctypes copies of <libmap/inspect.h>'s structures (inspect_lib.py) have the
# sizes the library reports (lmi_abi_sizes), structure by structure, and a
# copy that drifts is refused when the library is loaded, with one line.

import ctypes
import os
import sys

import gdb

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_maps  # noqa: E402

t = check_maps.Tally()


def main():
    gdb.execute("source " + os.environ["LIBMAP_GDB_SCRIPT"])
    from libmap_gdb import inspect_lib
    so = inspect_lib.lib()  # checks the sizes on loading
    n = len(inspect_lib.ABI_STRUCTS)
    sizes = (ctypes.c_size_t * (n + 1))()
    t.check(so.lmi_abi_sizes(sizes, n + 1) == n, "the library reports %d structures" % n)
    for k, c in enumerate(inspect_lib.ABI_STRUCTS):
        t.check(sizes[k] == ctypes.sizeof(c), "sizeof(%s): library %d, ctypes %d"
                % (c.__name__, sizes[k], ctypes.sizeof(c)))

    class Drifted(ctypes.Structure):
        _fields_ = inspect_lib.CBucket._fields_[:-1] + [("problem", ctypes.c_char * 200)]

    saved = inspect_lib.ABI_STRUCTS
    inspect_lib.ABI_STRUCTS = tuple(Drifted if c is inspect_lib.CBucket else c for c in saved)
    try:
        inspect_lib.check_abi(so, "libmap-inspect.so")
        t.check(False, "a drifted struct lmi_bucket is refused")
    except gdb.GdbError as e:
        msg = str(e)
        t.check(msg.startswith("libmap: libmap-inspect.so does not match these gdb scripts")
                and "\n" not in msg, "a drifted struct lmi_bucket is refused", msg)
    finally:
        inspect_lib.ABI_STRUCTS = saved


try:
    main()
except Exception as exc:
    import traceback
    traceback.print_exc()
    t.check(False, "abi test raised %s" % exc)
gdb.execute("quit %d" % t.finish("gdb abi test"))
