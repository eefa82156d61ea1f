# cmd_prefix.py — the `libmap` prefix command under which every libmap
# command is registered (`help libmap` lists them).

import gdb


class LibmapPrefix(gdb.Command):
    """Inspect libmap hash maps: libmap panic, maps, buckets, verify, threads, print.

Also: the pretty printer for `libmap *` values and the convenience function
$libmap_lookup(MAP, KEY)."""

    def __init__(self):
        super().__init__("libmap", gdb.COMMAND_DATA, gdb.COMPLETE_NONE, True)


LibmapPrefix()
