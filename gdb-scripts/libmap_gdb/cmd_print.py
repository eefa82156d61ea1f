# cmd_print.py — `libmap print MAP KEYTYPE VALUETYPE`: every live entry, one
# per line, with keys and values rendered as C types of the program (gdb's
# type system: gdb.Value over the entry's bytes), e.g.
#     libmap print sessions - 'struct session'
# `-` keeps the default rendering by key kind. Honours `set print elements`
# (entries shown).

import gdb

from . import args, mapread, render
from .memory import LibmapError

USAGE = "libmap print MAP KEYTYPE VALUETYPE   (a type may be - for the default)"


def split_types(words):
    """Split the words after MAP into two C types; types may contain spaces
    (struct session) when not quoted."""
    if len(words) == 2:
        return words
    for cut in range(1, len(words)):
        k, v = " ".join(words[:cut]), " ".join(words[cut:])
        try:
            render.parse_type(k)
            render.parse_type(v)
            return [k, v]
        except LibmapError:
            continue
    raise LibmapError("usage: " + USAGE)


def fmt(val):
    if isinstance(val, gdb.Value):
        return val.format_string()
    return str(val)


class LibmapPrint(gdb.Command):
    """Print a map's entries as C types: libmap print MAP KEYTYPE VALUETYPE

KEYTYPE and VALUETYPE are C types of the program (struct session, uint32_t,
char[16], ...) applied to each key's and value's bytes (for string keys, the
string's bytes); - renders by key kind. Honours `set print elements`."""

    def __init__(self):
        super().__init__("libmap print", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, arg, from_tty):
        a = args.argv(arg, USAGE, 3)
        ktext, vtext = split_types(a[1:])
        kt, vt = render.parse_type(ktext), render.parse_type(vtext)
        m = mapread.Map(args.map_address(a[0]))
        if vt is not None and vt.sizeof > m.value_size:
            raise LibmapError("libmap: %s is %d bytes, the map's values are %d bytes"
                              % (vt, vt.sizeof, m.value_size))
        if kt is not None and m.key_kind != m.lay.kind_string and kt.sizeof > m.key_size:
            raise LibmapError("libmap: %s is %d bytes, the map's keys are %d bytes"
                              % (kt, kt.sizeof, m.key_size))
        limit = render.print_elements()
        out = ["map %#x: %s\n" % (m.addr, m.summary())]
        problems = []
        try:
            self._entries(m, kt, vt, limit, out, problems)
        finally:
            gdb.write("".join(out))

    @staticmethod
    def _entries(m, kt, vt, limit, out, problems):
        n = 0
        key_text, value_text = render.key_formatter(m), render.value_formatter(m, m.value_size)
        for e in mapread.entries(m, problems):
            if limit is not None and n >= limit:
                out.append("...\n")
                break
            n += 1
            if e.error:
                out.append("<%s: %s>\n" % (e.where(), e.error))
                continue
            try:
                k = fmt(render.as_type(e.kbytes, kt, "keys")) if kt else key_text(e.key)
                v = fmt(render.as_type(e.value, vt, "values")) if vt else value_text(e.value)
            except LibmapError as err:
                out.append("<%s: %s>\n" % (e.where(), err))
                continue
            out.append("[%s] = %s\n" % (k, v))
            if len(out) >= 4096:
                gdb.write("".join(out))
                del out[:]
        for where, text in problems:
            out.append("<%s: %s>\n" % (where, text))


LibmapPrint()
