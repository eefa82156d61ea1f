# inspect_lib.py — libmap-inspect (inspect/, <libmap/inspect.h>) loaded
# through ctypes, with a memory reader over gdb's Inferior.read_memory: the
# same C code that libmap-coredump runs reads and verifies the map, on a
# core or a live process alike. The library is found through
# $LIBMAP_INSPECT_LIB (a build tree), else where `cmake --install` put it
# (installed.py, written then), else by its soname.

import ctypes
import os
import struct

import gdb

from . import layout
from .memory import LibmapError

SONAME = "libmap-inspect.so.0"

_read_fn = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_void_p,
                            ctypes.c_size_t)


class _Config(ctypes.Structure):
    _fields_ = [("read", _read_fn), ("ctx", ctypes.c_void_p), ("big_endian", ctypes.c_int),
                ("pointer_size", ctypes.c_uint), ("serial", ctypes.c_int),
                ("extent", ctypes.c_uint64), ("layout_addr", ctypes.c_uint64),
                ("panic_addr", ctypes.c_uint64), ("registry_addr", ctypes.c_uint64)]


class Problem(ctypes.Structure):
    _fields_ = [("check", ctypes.c_char_p), ("array", ctypes.c_int), ("bucket", ctypes.c_int64),
                ("chain", ctypes.c_int), ("slot", ctypes.c_int), ("addr", ctypes.c_uint64),
                ("unreadable", ctypes.c_int), ("msg", ctypes.c_char * 320)]


class Stats(ctypes.Structure):
    _fields_ = [(n, ctypes.c_uint64) for n in (
        "live_new", "live_old", "deleted", "empty", "overflow_new", "overflow_old",
        "evacuated_old", "empty_buckets", "longest_chain", "chains_with_overflow")]


class CEntry(ctypes.Structure):
    _fields_ = [("key", ctypes.POINTER(ctypes.c_uint8)), ("key_len", ctypes.c_uint64),
                ("value", ctypes.POINTER(ctypes.c_uint8)), ("value_len", ctypes.c_uint64),
                ("key_addr", ctypes.c_uint64), ("array", ctypes.c_int),
                ("bucket", ctypes.c_int64), ("chain", ctypes.c_int), ("slot", ctypes.c_int),
                ("bucket_addr", ctypes.c_uint64), ("tophash", ctypes.c_uint),
                ("error", ctypes.c_char * 160)]


_entry_fn = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(CEntry))

# Bytes of packed entries fetched per call: the first batch small (a
# pretty printer shows 200 entries), then growing, so that a printer
# stopping early walks little and a full walk makes few calls.
FIRST_BATCH_BYTES = 16 << 10
MAX_BATCH_BYTES = 16 << 20
ENTRIES_END = (1 << 64) - 1   # LMI_ENTRIES_END

_lib = None


def lib():
    """The loaded library, its functions typed (loaded once)."""
    global _lib
    if _lib is not None:
        return _lib
    path = os.environ.get("LIBMAP_INSPECT_LIB")
    if not path:
        try:
            from .installed import INSPECT_LIB as path
        except ImportError:
            path = SONAME
    try:
        so = ctypes.CDLL(path)
    except OSError as e:
        raise LibmapError("libmap: cannot load libmap-inspect (%s): install libmap's tools, or "
                          "set LIBMAP_INSPECT_LIB to the library's path" % e) from None
    vp, u64, err_t = ctypes.c_void_p, ctypes.c_uint64, ctypes.c_char_p
    so.lmi_open.argtypes = [ctypes.POINTER(_Config), ctypes.POINTER(vp), err_t, ctypes.c_size_t]
    so.lmi_close.argtypes = [vp]
    so.lmi_verify.argtypes = [vp, u64, ctypes.c_uint, ctypes.POINTER(vp), err_t, ctypes.c_size_t]
    so.lmi_report_count.argtypes = [vp]
    so.lmi_report_count.restype = ctypes.c_size_t
    so.lmi_report_problem.argtypes = [vp, ctypes.c_size_t]
    so.lmi_report_problem.restype = ctypes.POINTER(Problem)
    for f in ("lmi_report_failures", "lmi_report_unreadable"):
        getattr(so, f).argtypes = [vp]
        getattr(so, f).restype = u64
    so.lmi_report_placement_checked.argtypes = [vp]
    so.lmi_report_stats.argtypes = [vp]
    so.lmi_report_stats.restype = ctypes.POINTER(Stats)
    so.lmi_report_free.argtypes = [vp]
    so.lmi_lookup.argtypes = [vp, u64, ctypes.c_char_p, u64, _entry_fn, vp, err_t,
                              ctypes.c_size_t]
    so.lmi_entries_packed.argtypes = [vp, u64, ctypes.POINTER(u64), ctypes.c_size_t,
                                      ctypes.POINTER(ctypes.POINTER(ctypes.c_uint8)),
                                      ctypes.POINTER(ctypes.c_size_t), ctypes.POINTER(u64), err_t,
                                      ctypes.c_size_t]
    so.lmi_buffer_free.argtypes = [vp]
    so.lmi_registry.argtypes = [vp, ctypes.POINTER(ctypes.POINTER(u64)),
                                ctypes.POINTER(ctypes.c_size_t), err_t, ctypes.c_size_t, err_t,
                                ctypes.c_size_t]
    so.lmi_entries.argtypes = [vp, u64, ctypes.POINTER(u64), _entry_fn, vp, ctypes.POINTER(u64),
                               err_t, ctypes.c_size_t]
    _lib = so
    return so


@_read_fn
def _gdb_read(_ctx, addr, buf, length):
    """The inspector's reader: one read_memory call per request (the
    inspector asks for whole chunks of bucket arrays at once)."""
    try:
        data = gdb.selected_inferior().read_memory(addr, length)
        # one copy, from gdb's buffer into the inspector's
        memoryview((ctypes.c_char * length).from_address(buf)).cast("B")[:] = \
            memoryview(data).cast("B")
    except (gdb.MemoryError, gdb.error, OverflowError, ValueError, TypeError):
        return -1
    return 0


class Target:
    """The inferior as libmap-inspect sees it (a context manager)."""

    def __init__(self, lay=None):
        lay = lay or layout.get()
        so = lib()
        sym = layout.Layout.symbol_address
        c = _Config(_gdb_read, None, lay.endian == "big", lay.ptr_size, 1, 0,
                    sym("libmap_layout") or 0, sym("libmap_panic_record") or 0,
                    sym("libmap_registry") or 0)
        err = ctypes.create_string_buffer(512)
        h = ctypes.c_void_p()
        if so.lmi_open(ctypes.byref(c), ctypes.byref(h), err, len(err)) != 0:
            raise LibmapError("libmap: " + err.value.decode(errors="replace"))
        self.h = h

    def close(self):
        if self.h:
            lib().lmi_close(self.h)
            self.h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def verify(self, addr):
        """Verify the map at addr: a Report."""
        so = lib()
        err = ctypes.create_string_buffer(512)
        r = ctypes.c_void_p()
        if so.lmi_verify(self.h, addr, 1, ctypes.byref(r), err, len(err)) != 0:
            raise LibmapError("libmap: " + err.value.decode(errors="replace"))
        try:
            return Report(so, r)
        finally:
            so.lmi_report_free(r)


def _bytes(p, n):
    return ctypes.string_at(p, n) if n else b""


def _entry_dict(e):
    err = e.error.decode(errors="replace")
    return {"key": None if err and not e.key else _bytes(e.key, e.key_len),
            "value": None if not e.value else _bytes(e.value, e.value_len),
            "array": e.array, "bucket": e.bucket, "chain": e.chain, "slot": e.slot,
            "bucket_addr": e.bucket_addr, "tophash": e.tophash, "error": err}


def lookup(addr, key, lay=None):
    """The entry (a dict as entries() gives) of the key with bytes key in
    the map at addr, or None when absent."""
    so = lib()
    got = []

    def take(_ctx, ep):
        got.append(_entry_dict(ep.contents))
        return 1

    cb = _entry_fn(take)
    err = ctypes.create_string_buffer(512)
    with Target(lay) as t:
        rc = so.lmi_lookup(t.h, addr, key, len(key), cb, None, err, len(err))
    if rc < 0:
        raise LibmapError("libmap_lookup: " + err.value.decode(errors="replace"))
    return got[0] if got else None


_PACKED = struct.Struct("=QQqQIHBBH6x")   # LMI_PACKED_HEADER
_NONE = (1 << 64) - 1


def entries(addr, lay=None):
    """Every live entry of the map at addr, as tuples (key, value, array,
    bucket, chain, slot, bucket_addr, tophash, error) (see struct
    lmi_entry; key or value None when unreadable, error then says why),
    fetched in packed batches (lmi_entries_packed), each call going on where
    the last one stopped; the last item is (unreadable stretches,)."""
    so = lib()
    cursor = ctypes.c_uint64(0)
    want = FIRST_BATCH_BYTES
    unreadable = 0
    unpack = _PACKED.unpack_from
    hsize = _PACKED.size
    with Target(lay) as t:
        while cursor.value != ENTRIES_END:
            buf, n, bad = ctypes.POINTER(ctypes.c_uint8)(), ctypes.c_size_t(0), ctypes.c_uint64(0)
            err = ctypes.create_string_buffer(512)
            if so.lmi_entries_packed(t.h, addr, ctypes.byref(cursor), want, ctypes.byref(buf),
                                     ctypes.byref(n), ctypes.byref(bad), err, len(err)) != 0:
                raise LibmapError("libmap: " + err.value.decode(errors="replace"))
            try:
                data = ctypes.string_at(buf, n.value) if n.value else b""
            finally:
                so.lmi_buffer_free(buf)
            unreadable += bad.value
            off, end = 0, len(data)
            while off < end:
                klen, vlen, bucket, baddr, chain, slot, array, top, elen = unpack(data, off)
                off += hsize
                if not elen and klen != _NONE and vlen != _NONE:
                    key = data[off:off + klen]
                    off += klen
                    value = data[off:off + vlen]
                    off += vlen + (-(klen + vlen) & 7)
                    yield (key, value, array, bucket, chain, slot, baddr, top, "")
                    continue
                key = value = None
                if klen != _NONE:
                    key = data[off:off + klen]
                    off += klen
                if vlen != _NONE:
                    value = data[off:off + vlen]
                    off += vlen
                error = data[off:off + elen].decode(errors="replace")
                off += elen
                body = (0 if klen == _NONE else klen) + (0 if vlen == _NONE else vlen) + elen
                off += -body & 7
                yield (key, value, array, bucket, chain, slot, baddr, top, error)
            want = min(want * 4, MAX_BATCH_BYTES)
    yield (unreadable,)


def registry(lay=None):
    """(addresses, problem or None): the maps of libmap's registry."""
    so = lib()
    maps, n = ctypes.POINTER(ctypes.c_uint64)(), ctypes.c_size_t(0)
    problem, err = ctypes.create_string_buffer(320), ctypes.create_string_buffer(512)
    with Target(lay) as t:
        if so.lmi_registry(t.h, ctypes.byref(maps), ctypes.byref(n), problem, len(problem), err,
                           len(err)) != 0:
            raise LibmapError("libmap: " + err.value.decode(errors="replace"))
    try:
        out = [maps[i] for i in range(n.value)]
    finally:
        so.lmi_buffer_free(maps)
    return out, problem.value.decode(errors="replace") or None


class Report:
    """A verification's outcome, copied out of the C report."""

    def __init__(self, so, r):
        self.problems = []
        for i in range(so.lmi_report_count(r)):
            p = so.lmi_report_problem(r, i).contents
            self.problems.append({
                "check": p.check.decode(), "array": p.array, "bucket": p.bucket,
                "chain": p.chain, "slot": p.slot, "addr": p.addr,
                "unreadable": bool(p.unreadable), "msg": p.msg.decode(errors="replace")})
        self.failures = so.lmi_report_failures(r)
        self.unreadable = so.lmi_report_unreadable(r)
        self.placement_checked = bool(so.lmi_report_placement_checked(r))
        st = so.lmi_report_stats(r).contents
        self.stats = {n: getattr(st, n) for n, _ in Stats._fields_}
