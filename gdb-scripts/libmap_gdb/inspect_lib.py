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

_u64, _i64, _int, _i32, _u32 = (ctypes.c_uint64, ctypes.c_int64, ctypes.c_int, ctypes.c_int32,
                                ctypes.c_uint32)


class CMap(ctypes.Structure):
    """struct lmi_map: a map's header and type descriptor, decoded."""
    _fields_ = ([("addr", _u64), ("magic", _u64), ("expected_magic", _u64), ("magic_ok", _int)]
                + [(n, _u64) for n in ("count", "flags", "B", "noverflow", "hash0", "buckets",
                                       "oldbuckets", "nevacuate", "next_overflow", "clearseq",
                                       "reg_next", "reg_prev", "writer")]
                + [("writer_held", _int), ("writer_panic", _int), ("writer_tid", _i32),
                   ("writer_op", _u32), ("writer_seq", _i64),
                   ("writer_op_name", ctypes.c_char * 16)]
                + [(n, _u64) for n in ("key_kind", "tflags", "key_size", "value_size",
                                       "key_slot", "value_slot", "bucket_size", "key_offset",
                                       "value_offset", "overflow_offset", "hash_fn")]
                + [("hash_fn_known", _int), ("indirect_key", _int), ("indirect_value", _int),
                   ("kind", ctypes.c_char * 16), ("growing", _int), ("same_size", _int),
                   ("nbuckets", _u64), ("noldbuckets", _u64), ("walkable", _int),
                   ("problem", ctypes.c_char * 256)]
                + [("guard", _u64), ("guard_ok", _int), ("guard_kind", _u32),
                   ("guard_kind_name", ctypes.c_char * 16), ("guard_parent", _u64),
                   ("guard_shard", _u32), ("guard_nshards", _u32), ("lock_owner", _i32),
                   ("lock_writer", _int), ("lock_writer_waiting", _int),
                   ("lock_readers", _i64), ("guard_problem", ctypes.c_char * 128)])


BUCKET, BUCKET_STOP, BUCKET_UNREADABLE = 0, 1, 2   # struct lmi_bucket's kind


class CBucket(ctypes.Structure):
    """struct lmi_bucket: one bucket (or chain stop) as lmi_buckets gives it."""
    _fields_ = [("kind", _int), ("array", _int), ("bucket", _i64), ("last", _i64),
                ("chain", _int), ("addr", _u64), ("overflow", _u64), ("evac_bucket", _i64),
                ("evac", _int), ("nslots", ctypes.c_uint), ("tophash", ctypes.c_uint8 * 64),
                ("problem", ctypes.c_char * 192)]


class CPanic(ctypes.Structure):
    """struct lmi_panic: libmap's panic record, decoded."""
    _fields_ = [("addr", _u64), ("map", _u64), ("kind", _u32), ("op", _u32),
                ("writer_op", _u32), ("writer_held", _u32), ("tid", _i32),
                ("writer_tid", _i32), ("pid", _i32), ("realtime_ns", _i64),
                ("monotonic_ns", _i64), ("kind_name", ctypes.c_char * 24),
                ("op_name", ctypes.c_char * 16), ("writer_op_name", ctypes.c_char * 16),
                ("message", ctypes.c_char * 256)]


class CThread(ctypes.Structure):
    """struct lmi_thread: a thread and the libmap function it is inside."""
    _fields_ = [("tid", _i32), ("function", ctypes.c_char_p)]


class CDiagnosis(ctypes.Structure):
    """struct lmi_diagnosis: a probable race the run-time check missed."""
    _fields_ = [("present", _int), ("kind", ctypes.c_char * 32),
                ("message", ctypes.c_char * 96), ("crashed_tid", _i32),
                ("crashed_op", ctypes.c_char * 16), ("crashed_function", ctypes.c_char * 128),
                ("writer_tid", _i32), ("writer_op", ctypes.c_char * 16),
                ("writer_function", ctypes.c_char * 128), ("writer_held", _int),
                ("evidence", ctypes.c_char * 16), ("map", _u64),
                ("map_found_by", ctypes.c_char * 16), ("why_not", ctypes.c_char * 256)]


class CNoteAddrs(ctypes.Structure):
    """struct lmi_note_addrs: what libmap's debug note says."""
    _fields_ = [("version", _u32), ("layout", _u64), ("panic_record", _u64),
                ("registry", _u64)]


_bucket_fn = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(CBucket))

# the structures lmi_abi_sizes reports, in its order
ABI_STRUCTS = (_Config, Problem, Stats, CEntry, CMap, CBucket, CPanic, CThread, CDiagnosis,
               CNoteAddrs)

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
    so.lmi_map_header.argtypes = [vp, u64, ctypes.POINTER(CMap), err_t, ctypes.c_size_t]
    so.lmi_buckets.argtypes = [vp, u64, ctypes.c_int, u64, u64, _bucket_fn, _entry_fn, vp, err_t,
                               ctypes.c_size_t]
    so.lmi_panic.argtypes = [vp, ctypes.POINTER(CPanic), err_t, ctypes.c_size_t]
    so.lmi_diagnose.argtypes = [vp, ctypes.c_int, ctypes.c_int32, ctypes.POINTER(CThread),
                                ctypes.c_size_t, ctypes.POINTER(CDiagnosis), err_t,
                                ctypes.c_size_t]
    so.lmi_abi_sizes.argtypes = [ctypes.POINTER(ctypes.c_size_t), ctypes.c_size_t]
    so.lmi_abi_sizes.restype = ctypes.c_size_t
    so.lmi_layout_value.argtypes = [vp, ctypes.c_char_p, ctypes.POINTER(u64)]
    so.lmi_note_decode.argtypes = [ctypes.c_char_p, ctypes.c_size_t, u64, ctypes.c_int,
                                   ctypes.POINTER(CNoteAddrs)]
    check_abi(so, path)
    _lib = so
    return so


def check_abi(so, path):
    """The library's sizeof of each public structure against the ctypes
    copies here: a mismatch (a library built from another inspect.h) is an
    error, never a silent misreading."""
    n = len(ABI_STRUCTS)
    sizes = (ctypes.c_size_t * n)()
    count = so.lmi_abi_sizes(sizes, n)
    ours = [ctypes.sizeof(c) for c in ABI_STRUCTS]
    if count != n or list(sizes) != ours:
        raise LibmapError("libmap: %s does not match these gdb scripts (struct sizes %s, "
                          "expected %s for %d structures)"
                          % (path, list(sizes)[:count], ours, n))


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
        c = _Config(_gdb_read, None, lay.endian == "big", lay.ptr_size, 1, 0,
                    lay.layout_addr, lay.panic_addr or 0, lay.registry_addr or 0)
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

    def layout_values(self, names):
        """{name: value} of the layout descriptor's fields named (as in
        struct libmap_layout) that the target's descriptor has."""
        so = lib()
        v = ctypes.c_uint64()
        return {n: v.value for n in names
                if so.lmi_layout_value(self.h, n.encode(), ctypes.byref(v)) == 0}

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


def note_decode(raw, addr, big_endian):
    """{libmap_layout, libmap_panic_record, libmap_registry: address} from
    libmap's note among the ELF notes raw (bytes read at addr), or {}."""
    a = CNoteAddrs()
    if lib().lmi_note_decode(raw, len(raw), addr, int(big_endian), ctypes.byref(a)) != 1:
        return {}
    return {"libmap_layout": a.layout, "libmap_panic_record": a.panic_record,
            "libmap_registry": a.registry}


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


def _text(b):
    return b.decode(errors="replace")


def _fail(err):
    raise LibmapError("libmap: " + _text(err.value))


def map_header(addr, lay=None):
    """The decoded header of the map at addr (a CMap)."""
    h = CMap()
    err = ctypes.create_string_buffer(512)
    with Target(lay) as t:
        if lib().lmi_map_header(t.h, addr, ctypes.byref(h), err, len(err)) != 0:
            _fail(err)
    return h


# base buckets fetched per lmi_buckets call: the events of one call are
# held in memory before they are yielded
BUCKETS_PER_CALL = 256


def buckets(addr, old, lo, hi, lay=None):
    """The buckets lo..hi (inclusive) of the map's current (old false) or
    old array with their chains, in order: ("bucket", CBucket copy) for
    each bucket, chain stop and unreadable stretch, each bucket followed by
    ("slot", entry dict) for its live (and, in old buckets, evacuated)
    slots; see lmi_buckets."""
    so = lib()
    events = []

    def on_bucket(_ctx, bp):
        b = CBucket()
        ctypes.pointer(b)[0] = bp.contents
        events.append(("bucket", b))
        return 0

    def on_slot(_ctx, ep):
        events.append(("slot", _entry_dict(ep.contents)))
        return 0

    bcb, scb = _bucket_fn(on_bucket), _entry_fn(on_slot)
    err = ctypes.create_string_buffer(512)
    with Target(lay) as t:
        i = lo
        while i <= hi:
            end = min(hi + 1, i + BUCKETS_PER_CALL)
            if so.lmi_buckets(t.h, addr, 1 if old else 0, i, end, bcb, scb, None, err,
                              len(err)) != 0:
                _fail(err)
            yield from events
            events.clear()
            i = end


def panic(lay=None):
    """The panic record (a CPanic), or None when libmap has not panicked."""
    rec = CPanic()
    err = ctypes.create_string_buffer(512)
    with Target(lay) as t:
        rc = lib().lmi_panic(t.h, ctypes.byref(rec), err, len(err))
    if rc < 0:
        _fail(err)
    return rec if rc == 1 else None


def diagnose(signo, crashed_tid, threads, lay=None):
    """lmi_diagnose: threads is [(tid, libmap function or None)], in the
    order the rules should prefer them; a CDiagnosis."""
    arr = (CThread * max(1, len(threads)))()
    keep = []
    for k, (tid, fn) in enumerate(threads):
        b = fn.encode() if fn else None
        keep.append(b)
        arr[k] = CThread(tid, b)
    d = CDiagnosis()
    err = ctypes.create_string_buffer(512)
    with Target(lay) as t:
        if lib().lmi_diagnose(t.h, signo, crashed_tid, arr, len(threads), ctypes.byref(d), err,
                              len(err)) != 0:
            _fail(err)
    return d


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
