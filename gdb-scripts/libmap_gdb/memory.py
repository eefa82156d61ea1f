# memory.py — reading the inferior's memory (core file or live process) in
# bulk with Inferior.read_memory, and turning a failed read into one clear
# line (LibmapError is a gdb.GdbError: gdb prints its message, no traceback).

import gdb


class LibmapError(gdb.GdbError):
    """An error the user should see as one line."""


def _target_kind():
    try:
        conn = gdb.selected_inferior().connection
        return conn.type if conn is not None else None
    except (AttributeError, gdb.error):
        return None


def unreadable_reason():
    if _target_kind() == "core":
        return "not in the core file (truncated core? check `ulimit -c`)"
    return "not mapped in the process"


def read(addr, size, what):
    """size bytes at addr, as bytes; what names the object for the error."""
    if size == 0:
        return b""
    if addr == 0:
        raise LibmapError("libmap: %s is a NULL pointer" % what)
    if addr < 0 or addr + size > 1 << 64:
        raise LibmapError("libmap: %s at %#x: address out of range" % (what, addr))
    try:
        return gdb.selected_inferior().read_memory(addr, size).tobytes()
    except gdb.MemoryError:
        raise LibmapError("libmap: cannot read %s (%d bytes at %#x): memory %s"
                          % (what, size, addr, unreadable_reason())) from None


def readable(addr, size):
    """Whether size bytes at addr can be read."""
    try:
        gdb.selected_inferior().read_memory(addr, size)
        return True
    except gdb.MemoryError:
        return False
