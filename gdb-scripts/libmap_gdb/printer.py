# printer.py — the pretty printer for a map handle (`libmap *`,
# `struct libmap *` and `struct libmap` itself): a one-line summary such as
# `libmap {len=120, B=5, growing 12/16 (doubling)}` and the live entries as
# children with the `map` display hint, each live key exactly once, in
# bucket order, in every growth state. Children are produced lazily, so gdb
# stops reading buckets once `set print elements` is reached.

import gdb

from . import mapread, render
from .memory import LibmapError


class MapPrinter:
    def __init__(self, addr):
        self.addr = addr
        self.m = None
        self.error = None
        if addr == 0:
            return
        try:
            self.m = mapread.Map(addr)
        except LibmapError as e:
            self.error = str(e)

    def to_string(self):
        if self.addr == 0:
            return "libmap NULL"
        if self.m is None:
            return "libmap %#x <%s>" % (self.addr, self.error.replace("libmap: ", ""))
        return self.m.summary()

    def display_hint(self):
        return "map"

    def children(self):
        m = self.m
        if m is None:
            return
        problems = []
        n = 0
        try:
            for e in mapread.entries(m, problems):
                if e.error:
                    yield "[%d]" % n, "<%s>" % e.where()
                    yield "[%d]" % (n + 1), "<%s>" % e.error
                else:
                    yield "[%d]" % n, render.key_value(m, e.key)
                    yield "[%d]" % (n + 1), render.value_value(m, e.value)
                n += 2
        except LibmapError as e:
            yield "[%d]" % n, "<error>"
            yield "[%d]" % (n + 1), str(e)
            return
        for where, text in problems:
            yield "[%d]" % n, "<%s>" % where
            yield "[%d]" % (n + 1), text
            n += 2


def _is_map_struct(t):
    return t.code == gdb.TYPE_CODE_STRUCT and t.tag == "libmap"


_CODES = (gdb.TYPE_CODE_PTR, gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_TYPEDEF)


def lookup(val):
    t = val.type
    if t.code not in _CODES:
        return None  # cheap exit: gdb asks for every value it prints
    t = t.strip_typedefs()
    if t.code == gdb.TYPE_CODE_PTR and _is_map_struct(t.target().strip_typedefs()):
        return MapPrinter(int(val))
    if _is_map_struct(t):
        addr = val.address
        if addr is None:
            return None
        return MapPrinter(int(addr))
    return None


def register():
    # Registering again (the package reloaded) replaces the earlier printer.
    for p in list(gdb.pretty_printers):
        if getattr(p, "__name__", "") == "libmap_lookup_printer":
            gdb.pretty_printers.remove(p)
    lookup.__name__ = "libmap_lookup_printer"
    gdb.pretty_printers.append(lookup)


register()
