# layout.py — the constants of libmap's debug contract as the program being
# debugged has them, for rendering and for finding things: tophash markers,
# flags, writer-word bits, key kinds and bucket constants from the exported
# libmap_layout descriptor; operation and panic-kind names from the DWARF
# enums; where libmap_layout, libmap_panic_record and libmap_registry are
# (symbols, or libmap's ELF note). Where the fields of libmap's structures
# are is libmap-inspect's business (inspect/, read through inspect_lib):
# nothing here decodes a map. The magic numbers, the descriptor's own format
# and the enums of a program without DWARF come from contract.py, generated
# from libmap/debug.h at build time.
# The Layout is cached until gdb loads or drops objfiles.

import re

import gdb

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
    `strip --strip-all`; `info files` gives its address as loaded. Each of
    the note's offsets is relative to its own address."""
    try:
        text = gdb.execute("info files", to_string=True)
    except gdb.error:
        return {}
    c = contract.MACROS
    want_name = c["LIBMAP_NOTE_NAME"].encode() + b"\0"
    endian = "big" if "big endian" in gdb.execute("show endian", to_string=True) else "little"
    u = lambda b: int.from_bytes(b, endian)
    for m in re.finditer(r"(0x[0-9a-f]+) - (0x[0-9a-f]+) is \.note\.libmap\b", text):
        start, end = int(m.group(1), 16), int(m.group(2), 16)
        try:
            raw = read(start, end - start, "libmap's debug note")
        except LibmapError:
            continue
        off = 0
        while off + 12 <= len(raw):
            namesz, descsz, ntype = u(raw[off:off + 4]), u(raw[off + 4:off + 8]), u(raw[off + 8:off + 12])
            name_at = off + 12
            desc_at = name_at + (namesz + 3) // 4 * 4
            nxt = desc_at + (descsz + 3) // 4 * 4
            if (ntype == c["LIBMAP_NOTE_TYPE"] and raw[name_at:name_at + namesz] == want_name
                    and descsz >= 32 and desc_at + 32 <= len(raw)
                    and u(raw[desc_at:desc_at + 4]) == c["LIBMAP_NOTE_VERSION"]):
                out = {}
                for k, n in enumerate(("libmap_layout", "libmap_panic_record", "libmap_registry")):
                    field = desc_at + 8 + 8 * k
                    rel = int.from_bytes(raw[field:field + 8], endian, signed=True)
                    out[n] = (start + field + rel) & ((1 << 64) - 1)
                return out
            if nxt <= off:
                break
            off = nxt
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


class Layout:
    def __init__(self):
        self.hdr = contract.MACROS
        self.endian = self._endian()
        self.ptr_size = gdb.lookup_type("void").pointer().sizeof
        self.desc = self._read_descriptor()
        d = self.desc
        self.bucket_cnt = d["bucket_cnt"]
        self.empty_rest = d["empty_rest"]
        self.empty_one = d["empty_one"]
        self.evac_x = d["evacuated_x"]
        self.evac_y = d["evacuated_y"]
        self.evac_empty = d["evacuated_empty"]
        self.min_tophash = d["min_tophash"]
        self.f_iterator = d["flag_iterator"]
        self.f_old_iterator = d["flag_old_iterator"]
        self.f_same_size = d["flag_same_size_grow"]
        self.writer_op_mask = d["writer_op_mask"]
        self.writer_held = d["writer_held"]
        self.writer_tid_shift = d["writer_tid_shift"]
        # appended to the descriptor later: 0 (never set) in older libmaps
        self.writer_panic = d.get("writer_panic", 0)
        # the write sequence (appended later too): mask 0 when unknown
        self.writer_seq_mask = d.get("writer_seq_mask", 0)
        self.writer_seq_shift = d.get("writer_seq_shift", 0)
        if self.writer_seq_mask and (self.writer_seq_shift >= 32
                                     or not self.writer_seq_mask >> self.writer_seq_shift):
            raise LibmapError("libmap: libmap_layout has an implausible write sequence "
                              "(mask %#x, shift %d)"
                              % (self.writer_seq_mask, self.writer_seq_shift))
        self.kind_bytes = d["key_kind_bytes"]
        self.kind_u32 = d["key_kind_u32"]
        self.kind_u64 = d["key_kind_u64"]
        self.kind_string = d["key_kind_string"]
        self.t_indirect_key = d["type_flag_indirect_key"]
        self.t_indirect_value = d["type_flag_indirect_value"]
        self.map_magic = d["map_magic"]
        self.load_num = d["load_factor_num"]
        self.load_den = d["load_factor_den"]

        self.ops = self._enum("enum libmap_op", "LIBMAP_OP_", contract.OPS)
        self.panic_kinds = self._enum("enum libmap_panic_kind", "LIBMAP_PANIC_",
                                      contract.PANIC_KINDS)
        self.key_kinds = {self.kind_bytes: "bytes", self.kind_u32: "u32",
                          self.kind_u64: "u64", self.kind_string: "string"}

    # ---- sources ----

    @staticmethod
    def _endian():
        text = gdb.execute("show endian", to_string=True)
        return "big" if "big endian" in text else "little"

    @staticmethod
    def symbol_address(name):
        """Address of a global of libmap (with or without debug info), or None.
        With no symbol table at all (a stripped static program), libmap's
        debug note gives libmap_layout, libmap_panic_record and
        libmap_registry."""
        sym = gdb.lookup_global_symbol(name) or gdb.lookup_static_symbol(name)
        if sym is not None:
            try:
                return int(sym.value().address)
            except gdb.error:
                pass
        try:
            return int(gdb.parse_and_eval("(char *)&%s" % name))
        except gdb.error:
            return note_addresses().get(name)

    def _read_descriptor(self):
        addr = self.symbol_address("libmap_layout")
        if addr is None:
            raise LibmapError("libmap: no libmap_layout symbol: libmap.so is not loaded (see `info "
                              "sharedlibrary`; a truncated core can hide it) or the program does "
                              "not use libmap")
        t = _lookup_type("struct libmap_layout")
        if t is not None:
            fields = [(f.name, f.bitpos // 8, f.type.sizeof) for f in t.fields()]
        else:
            fields = list(contract.LAYOUT_FIELDS)
        end = max(o + s for _, o, s in fields)
        raw = read(addr, end, "the libmap_layout descriptor")
        get = lambda o, s: int.from_bytes(raw[o:o + s], self.endian)
        by_name = {n: (o, s) for n, o, s in fields}
        magic = get(*by_name["magic"])
        if magic != self.hdr["LIBMAP_LAYOUT_MAGIC"]:
            raise LibmapError("libmap: libmap_layout at %#x has a bad magic %#x" % (addr, magic))
        version = get(*by_name["version"])
        if version != self.hdr["LIBMAP_LAYOUT_VERSION"]:
            raise LibmapError("libmap: libmap_layout version %d, these gdb scripts know version %d"
                              % (version, self.hdr["LIBMAP_LAYOUT_VERSION"]))
        size = get(*by_name["size"])
        # fields appended after this libmap was built are absent
        return {n: get(o, s) for n, o, s in fields if o + s <= size}

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
