# libmap-gdb.py — entry point of libmap's gdb support when sourced by path
# (`source BUILD/gdb-scripts/libmap-gdb.py` from a build tree, whose package
# holds the generated contract.py, or the installed copy): puts the
# libmap_gdb package next to this file on sys.path and imports it, which
# registers the pretty printer, the `libmap` commands and $libmap_lookup.

import os
import sys

# gdb compiles a sourced script under its own file name; __file__ may name
# an outer script when this one is sourced from another.
_dir = os.path.dirname(os.path.abspath(sys._getframe().f_code.co_filename))
if _dir not in sys.path:
    sys.path.insert(0, _dir)

# No __pycache__ next to the sources (a checkout or a read-only prefix).
_saved = sys.dont_write_bytecode
sys.dont_write_bytecode = True
try:
    import libmap_gdb  # noqa: E402,F401
finally:
    sys.dont_write_bytecode = _saved
