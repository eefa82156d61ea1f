# render.py — turning keys and values into text and gdb.Values: by key kind
# (integers as unsigned integers, string keys as C strings, byte keys and
# odd-sized values as bytes), or as any C type of the program through gdb's
# type system (`libmap print MAP KEYTYPE VALUETYPE`).

import gdb

from .memory import LibmapError

_UNSIGNED = ("unsigned char", "unsigned short", "unsigned int", "unsigned long",
             "unsigned long long")
_utypes = {}


def unsigned_type(size):
    """gdb's unsigned integer type of size bytes, or None."""
    if not _utypes:
        for name in _UNSIGNED:
            t = gdb.lookup_type(name)
            _utypes.setdefault(t.sizeof, t)
    return _utypes.get(size)


def print_elements():
    """`set print elements` (None: unlimited)."""
    n = gdb.parameter("print elements")
    return None if n in (None, 0) or n == "unlimited" else int(n)


def c_string(data, limit=None):
    """data as a C string literal, cut after limit characters."""
    out = ['"']
    cut = limit is not None and len(data) > limit
    for b in data[:limit] if cut else data:
        if b == 0x22 or b == 0x5C:
            out.append("\\" + chr(b))
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        elif b == 0x0A:
            out.append("\\n")
        elif b == 0x09:
            out.append("\\t")
        else:
            out.append("\\%03o" % b)
    out.append('"')
    if cut:
        out.append("...")
    return "".join(out)


def hex_bytes(data, limit=None):
    cut = limit is not None and len(data) > limit
    body = " ".join("%02x" % b for b in (data[:limit] if cut else data))
    return "{" + body + (" ..." if cut else "") + "}"


def key_text(m, key):
    if key is None:
        return "<unreadable>"
    if isinstance(key, int):
        return str(key)
    if m.key_kind == m.lay.kind_string:
        return c_string(key, print_elements())
    return hex_bytes(key, print_elements())


def value_text(m, value):
    if value is None:
        return "<unreadable>"
    n = len(value)
    if n == 0:
        return "(set)"
    if unsigned_type(n) is not None and n in (1, 2, 4, 8):
        return str(int.from_bytes(value, m.lay.endian))
    return hex_bytes(value, print_elements())


def key_formatter(m):
    """key_text for the keys of map m, with the choices made once: for a
    loop over a whole map (`libmap print`), where the per-entry checks of
    key_text cost more than the formatting."""
    if m.key_kind in (m.lay.kind_u64, m.lay.kind_u32):
        return lambda key: "<unreadable>" if key is None else str(key)
    return lambda key: key_text(m, key)


def value_formatter(m, size):
    """value_text for map m's values of size bytes, choices made once."""
    if size in (1, 2, 4, 8) and unsigned_type(size) is not None:
        endian, from_bytes = m.lay.endian, int.from_bytes
        return lambda v: "<unreadable>" if v is None else str(from_bytes(v, endian))
    return lambda v: value_text(m, v)


def _bytes_value(data, elem="unsigned char"):
    t = gdb.lookup_type(elem)
    return gdb.Value(bytes(data), t.array(0, len(data) - 1))


def key_value(m, key):
    """The key as a gdb.Value for the pretty printer's children."""
    if key is None:
        return "<unreadable>"
    lay = m.lay
    if m.key_kind == lay.kind_u64 or m.key_kind == lay.kind_u32:
        n = 8 if m.key_kind == lay.kind_u64 else 4
        return gdb.Value(key.to_bytes(n, lay.endian), unsigned_type(n))
    if m.key_kind == lay.kind_string:
        # one NUL more: gdb drops a char array's last NUL when printing, so
        # "" prints as "" and a key ending in NUL keeps it
        return _bytes_value(key + b"\0", "char")
    return _bytes_value(key)


def value_value(m, value):
    """The value as a gdb.Value for the pretty printer's children."""
    if value is None:
        return "<unreadable>"
    n = len(value)
    if n == 0:
        return True
    if n in (1, 2, 4, 8) and unsigned_type(n) is not None:
        return gdb.Value(value, unsigned_type(n))
    return _bytes_value(value)


def parse_type(text):
    """A gdb.Type from a C type name such as `struct session` or `char[16]`;
    `-` means: render by key kind."""
    if text in ("-", "auto"):
        return None
    try:
        return gdb.lookup_type(text)
    except gdb.error:
        pass
    try:
        return gdb.parse_and_eval("(%s *)0" % text).type.target()
    except gdb.error:
        raise LibmapError("libmap: no C type %r in this program" % text) from None


def as_type(data, t, what):
    """data rendered as a value of C type t (the type may be shorter than
    the bytes, e.g. a struct prefix; never longer)."""
    if data is None:
        return "<unreadable>"
    if t.sizeof > len(data):
        raise LibmapError("libmap: %s are %d bytes, %s is %d bytes" % (what, len(data), t, t.sizeof))
    return gdb.Value(bytes(data[:t.sizeof]), t)
