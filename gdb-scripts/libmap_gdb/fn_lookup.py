# fn_lookup.py — the convenience function $libmap_lookup(MAP, KEY): finds
# KEY the way libmap does (libmap-inspect's lookup: hash with the map's
# seed, home bucket, old bucket while it is not evacuated) and returns the value:
# an unsigned integer for 1, 2, 4 and 8-byte values, a byte array otherwise,
# 1 for a set. An absent key is an error naming the key and the map.
# KEY is an integer for u32/u64 maps, a string (char * or array) for string
# maps, and an object of the key's size for byte-key maps.

import gdb

from . import args, inspect_lib, mapread, render
from .memory import LibmapError, read


def key_bytes(m, key):
    lay = m.lay
    t = key.type.strip_typedefs()
    if m.key_kind in (lay.kind_u64, lay.kind_u32):
        n = 8 if m.key_kind == lay.kind_u64 else 4
        if t.code not in (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_ENUM, gdb.TYPE_CODE_CHAR,
                          gdb.TYPE_CODE_BOOL):
            raise LibmapError("libmap_lookup: the map has %s keys, not %s" % (m.kind, key.type))
        return (int(key) & ((1 << (8 * n)) - 1)).to_bytes(n, lay.endian)
    if m.key_kind == lay.kind_string:
        if t.code == gdb.TYPE_CODE_ARRAY or t.code == gdb.TYPE_CODE_PTR:
            try:
                return key.string(encoding="latin-1").encode("latin-1")
            except gdb.error as e:
                raise LibmapError("libmap_lookup: cannot read the key string: %s" % e) from None
        raise LibmapError("libmap_lookup: the map has string keys, not %s" % key.type)
    if t.sizeof != m.key_size:
        raise LibmapError("libmap_lookup: the map's keys are %d bytes, %s is %d bytes"
                          % (m.key_size, key.type, t.sizeof))
    if key.address is not None:
        return read(int(key.address), t.sizeof, "the key")
    if t.code == gdb.TYPE_CODE_INT:
        return (int(key) & ((1 << (8 * t.sizeof)) - 1)).to_bytes(t.sizeof, lay.endian)
    raise LibmapError("libmap_lookup: the key must be an object in memory")


def find(m, kb):
    """The Entry of the key with bytes kb, or None: libmap-inspect looks it
    up as libmap does (inspect/src/lookup.c)."""
    if not m.buckets or m.count == 0:
        return None
    d = inspect_lib.lookup(m.addr, kb, m.lay)
    if d is None:
        return None
    e = mapread.entry_of(m, d)
    if e.error:
        raise LibmapError("libmap_lookup: %s: %s" % (e.where(), e.error))
    return e


class LibmapLookup(gdb.Function):
    """$libmap_lookup(MAP, KEY): the value stored under KEY in MAP.

Integer keys for u32/u64 maps, strings for string maps. Errors when KEY is
absent. Example: print $libmap_lookup(sessions, 42)"""

    def __init__(self):
        super().__init__("libmap_lookup")

    def invoke(self, map_val, key):
        m = mapread.Map(args.value_map_address(map_val, "the map argument"))
        kb = key_bytes(m, key)
        e = find(m, kb)
        if e is None:
            shown = render.key_text(m, int.from_bytes(kb, m.lay.endian)
                                    if m.key_kind in (m.lay.kind_u64, m.lay.kind_u32) else kb)
            raise LibmapError("libmap_lookup: key %s is not in map %#x" % (shown, m.addr))
        v = render.value_value(m, e.value)
        if v is True:
            return gdb.Value(1)
        return v


LibmapLookup()
