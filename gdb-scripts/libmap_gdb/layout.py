# layout.py — libmap's debug contract as the program being debugged has it,
# for rendering and for finding things: where libmap_layout,
# libmap_panic_record and libmap_registry are (gdb's symbols, or libmap's
# ELF note: its section's address from `info files`, its bytes decoded by
# libmap-inspect); the byte order and pointer size (gdb's); the tophash
# markers and key kinds of the exported libmap_layout descriptor, which
# libmap-inspect reads and checks (magic, version, size, every value) when
# it opens the target and hands over by name (inspect_lib, lmi_layout_value);
# operation and panic-kind names from the DWARF enums. Nothing here decodes
# the descriptor, the note or a map. The field names and the enums of a
# program without DWARF come from contract.py, generated from
# libmap/debug.h at build time.
# The Layout is cached until gdb loads or drops objfiles.

import re

import gdb

from . import inspect_lib
from .memory import LibmapError, read

try:
    from . import contract
except ImportError as e:  # a source checkout: contract.py is generated
    raise ImportError("libmap: libmap_gdb/contract.py is missing: it is generated at build "
                      "time; source BUILD/gdb-scripts/libmap-gdb.py from a build tree, or the "
                      "installed libmap-gdb.py") from e

_cache = None


def _invalidate(*_):
    global _cache
    _cache = None


gdb.events.new_objfile.connect(_invalidate)
gdb.events.clear_objfiles.connect(_invalidate)


def note_addresses():
    """{libmap_layout, libmap_panic_record, libmap_registry: address} from
    libmap's ELF note (debug.h, LIBMAP_NOTE_TYPE) in the first loaded file
    that has one, or {}. The note's section keeps its name after
    `strip --strip-all`; `info files` gives its address as loaded, and
    libmap-inspect decodes the section's notes (lmi_note_decode)."""
    try:
        text = gdb.execute("info files", to_string=True)
    except gdb.error:
        return {}
    for m in re.finditer(r"(0x[0-9a-f]+) - (0x[0-9a-f]+) is \.note\.libmap\b", text):
        start, end = int(m.group(1), 16), int(m.group(2), 16)
        try:
            raw = read(start, end - start, "libmap's debug note")
        except LibmapError:
            continue
        found = inspect_lib.note_decode(raw, start, _endian() == "big")
        if found:
            return found
    return {}


def get():
    """The Layout of the current program (cached)."""
    global _cache
    if _cache is None:
        _cache = Layout()
    return _cache


def _lookup_type(name):
    try:
        t = gdb.lookup_type(name).strip_typedefs()
    except gdb.error:
        return None
    if t.code == gdb.TYPE_CODE_STRUCT and not t.fields():
        return None  # an opaque declaration (a program that only includes map.h)
    return t


def _endian():
    text = gdb.execute("show endian", to_string=True)
    return "big" if "big endian" in text else "little"


def _symbol_address(name):
    """Address of a global of libmap (with or without debug info), or None."""
    sym = gdb.lookup_global_symbol(name) or gdb.lookup_static_symbol(name)
    if sym is not None:
        try:
            return int(sym.value().address)
        except gdb.error:
            pass
    try:
        return int(gdb.parse_and_eval("(char *)&%s" % name))
    except gdb.error:
        return None


def global_addresses():
    """{libmap_layout, libmap_panic_record, libmap_registry: address or
    None}: by symbol; with no symbol table at all (a stripped static
    program), from libmap's debug note."""
    addrs = {n: _symbol_address(n)
             for n in ("libmap_layout", "libmap_panic_record", "libmap_registry")}
    if None in addrs.values():
        note = note_addresses()
        addrs = {n: note.get(n) if a is None else a for n, a in addrs.items()}
    return addrs


class Layout:
    """Where libmap's globals are, the target's byte order and pointer
    size (gdb's), and the descriptor's constants as libmap-inspect read
    and checked them (lmi_open, lmi_layout_value)."""

    def __init__(self):
        self.endian = _endian()
        self.ptr_size = gdb.lookup_type("void").pointer().sizeof
        addrs = global_addresses()
        self.layout_addr = addrs["libmap_layout"]
        self.panic_addr = addrs["libmap_panic_record"]
        self.registry_addr = addrs["libmap_registry"]
        if self.layout_addr is None:
            raise LibmapError("libmap: no libmap_layout symbol: libmap.so is not loaded (see `info "
                              "sharedlibrary`; a truncated core can hide it) or the program does "
                              "not use libmap")
        # every field the target's descriptor has, by its name in debug.h
        # (fields appended after the target's libmap was built are absent)
        with inspect_lib.Target(self) as t:
            self.desc = t.layout_values(name for name, _, _ in contract.LAYOUT_FIELDS)
        d = self.desc
        self.empty_rest = d["empty_rest"]
        self.empty_one = d["empty_one"]
        self.evac_x = d["evacuated_x"]
        self.evac_y = d["evacuated_y"]
        self.evac_empty = d["evacuated_empty"]
        self.kind_bytes = d["key_kind_bytes"]
        self.kind_u32 = d["key_kind_u32"]
        self.kind_u64 = d["key_kind_u64"]
        self.kind_string = d["key_kind_string"]

        self.ops = self._enum("enum libmap_op", "LIBMAP_OP_", contract.OPS)
        self.panic_kinds = self._enum("enum libmap_panic_kind", "LIBMAP_PANIC_",
                                      contract.PANIC_KINDS)
        self.key_kinds = {self.kind_bytes: "bytes", self.kind_u32: "u32",
                          self.kind_u64: "u64", self.kind_string: "string"}

    def _enum(self, cname, prefix, fallback):
        t = _lookup_type(cname)
        if t is None:  # no DWARF: the enum as this package was built
            return dict(fallback)
        values = {f.enumval: f.name for f in t.fields()}
        return {v: n[len(prefix):].lower() for v, n in values.items() if n.startswith(prefix)}

    # ---- helpers ----

    def op_name(self, op):
        return self.ops.get(op, "op %d" % op)

    def kind_name(self, kind):
        return self.key_kinds.get(kind, "kind %d" % kind)
