# libmap_gdb — gdb support for libmap maps, one module per feature (in the
# manner of Linux's scripts/gdb): importing the package registers the pretty
# printer, the `libmap` commands and $libmap_lookup.
#   contract, layout, memory         contract constants (generated from
#                                    debug.h at build time), layout, reads
#   inspect_lib                      libmap-inspect (C, through ctypes): the
#                                    entries, lookups and invariant checks
#   mapread, registry, render        reading maps and rendering keys/values
#   verify                           invariant checks (libmap-inspect's)
#   frames, diagnose                 libmap calls on the stacks; races the
#                                    run-time check missed (no panic record)
#   printer, cmd_*, fn_lookup        what the user calls

from . import printer, cmd_prefix, cmd_panic, cmd_maps, cmd_buckets, cmd_verify  # noqa: F401
from . import cmd_threads, cmd_print, fn_lookup  # noqa: F401
