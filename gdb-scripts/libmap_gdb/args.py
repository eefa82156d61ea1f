# args.py — parsing command arguments: a MAP expression (a `libmap *`
# variable, a `struct libmap` lvalue, or an address) and integers.

import gdb

from .memory import LibmapError


def map_address(expr):
    """The address of the map that expr designates."""
    try:
        v = gdb.parse_and_eval(expr)
    except gdb.error as e:
        raise LibmapError("libmap: cannot evaluate %r: %s" % (expr, e)) from None
    return value_map_address(v, expr)


def value_map_address(v, what="value"):
    t = v.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_STRUCT:
        if v.address is None:
            raise LibmapError("libmap: %s is not in memory" % what)
        return int(v.address)
    if t.code in (gdb.TYPE_CODE_PTR, gdb.TYPE_CODE_INT):
        return int(v) & ((1 << (8 * gdb.lookup_type("void").pointer().sizeof)) - 1)
    raise LibmapError("libmap: %s is a %s, not a map pointer" % (what, v.type))


def argv(arg, usage, lo, hi=None):
    args = gdb.string_to_argv(arg)
    if len(args) < lo or (hi is not None and len(args) > hi):
        raise LibmapError("usage: " + usage)
    return args


def _is_int(tok):
    try:
        int(tok, 0)
        return True
    except ValueError:
        return False


def map_and_ints(arg, max_ints, usage):
    """Split `MAP [N [N]]`: up to max_ints trailing integer literals, the
    rest (which may contain spaces, e.g. `(libmap *) 0x1234`) is MAP."""
    words = arg.split()
    ints = []
    while words and len(ints) < max_ints and len(words) > 1 and _is_int(words[-1]):
        ints.insert(0, int(words.pop(), 0))
    if not words:
        raise LibmapError("usage: " + usage)
    return " ".join(words), ints
