/*
 * libmap-tp.h — the LTTng-UST tracepoint provider `libmap`: every event libmap
 * emits, its arguments and its fields. docs/tracepoints.md is the contract
 * written out for users and for libmap-timeline; keep the two in step.
 *
 * Read three ways:
 *   - by libmap/src/trace.c with LTTNG_UST_TRACEPOINT_DEFINE and
 *     LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE: defines the tracepoints in
 *     libmap, which then needs no LTTng library to run;
 *   - by the other libmap sources (through trace.h): the call sites;
 *   - by libmap-tp.c with LTTNG_UST_TRACEPOINT_CREATE_PROBES: the probe
 *     library liblibmap-lttng.so, loaded with LD_PRELOAD (libmap-record) or
 *     LIBMAP_TRACE=1.
 *
 * Arguments are plain integers and strings so that this header depends on
 * nothing from libmap. Log levels: INFO for map events, CRIT for the panic,
 * DEBUG for lookups and iteration (off unless asked for).
 */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER libmap

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "libmap-tp.h"

#if !defined(LIBMAP_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define LIBMAP_TP_H

#include <stdint.h>

#include <lttng/tracepoint.h>

/* libmap:new — a map was created. */
LTTNG_UST_TRACEPOINT_EVENT(libmap, new,
    LTTNG_UST_TP_ARGS(const void *, map, uint8_t, key_kind, uint64_t, key_size,
                      uint64_t, value_size, uint64_t, hint, uint8_t, B),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, map, (uintptr_t)map)
        lttng_ust_field_integer(uint8_t, key_kind, key_kind)
        lttng_ust_field_integer(uint64_t, key_size, key_size)
        lttng_ust_field_integer(uint64_t, value_size, value_size)
        lttng_ust_field_integer(uint64_t, hint, hint)
        lttng_ust_field_integer(uint8_t, B, B)))
LTTNG_UST_TRACEPOINT_LOGLEVEL(libmap, new, LTTNG_UST_TRACEPOINT_LOGLEVEL_INFO)

/* libmap:free — a map is about to be freed. */
LTTNG_UST_TRACEPOINT_EVENT(libmap, free,
    LTTNG_UST_TP_ARGS(const void *, map, uint64_t, count),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, map, (uintptr_t)map)
        lttng_ust_field_integer(uint64_t, count, count)))
LTTNG_UST_TRACEPOINT_LOGLEVEL(libmap, free, LTTNG_UST_TRACEPOINT_LOGLEVEL_INFO)

/* The write class: assign, delete and clear, emitted at the end of the write
 * while the map is still held, with the time the write started and the
 * write's sequence number in the map's writer word (the panic's writer_seq
 * names the colliding write by it). */
LTTNG_UST_TRACEPOINT_EVENT_CLASS(libmap, write,
    LTTNG_UST_TP_ARGS(const void *, map, uint64_t, hash, uint64_t, bucket, int32_t, result,
                      uint64_t, count, uint8_t, B, uint64_t, start_ns, uint32_t, seq),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, map, (uintptr_t)map)
        lttng_ust_field_integer_hex(uint64_t, hash, hash)
        lttng_ust_field_integer(uint64_t, bucket, bucket)
        lttng_ust_field_integer(int32_t, result, result)
        lttng_ust_field_integer(uint64_t, count, count)
        lttng_ust_field_integer(uint8_t, B, B)
        lttng_ust_field_integer(uint64_t, start_ns, start_ns)
        lttng_ust_field_integer(uint32_t, seq, seq)))

LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(libmap, write, libmap, assign,
    LTTNG_UST_TP_ARGS(const void *, map, uint64_t, hash, uint64_t, bucket, int32_t, result,
                      uint64_t, count, uint8_t, B, uint64_t, start_ns, uint32_t, seq))
LTTNG_UST_TRACEPOINT_LOGLEVEL(libmap, assign, LTTNG_UST_TRACEPOINT_LOGLEVEL_INFO)

LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(libmap, write, libmap, delete,
    LTTNG_UST_TP_ARGS(const void *, map, uint64_t, hash, uint64_t, bucket, int32_t, result,
                      uint64_t, count, uint8_t, B, uint64_t, start_ns, uint32_t, seq))
LTTNG_UST_TRACEPOINT_LOGLEVEL(libmap, delete, LTTNG_UST_TRACEPOINT_LOGLEVEL_INFO)

LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(libmap, write, libmap, clear,
    LTTNG_UST_TP_ARGS(const void *, map, uint64_t, hash, uint64_t, bucket, int32_t, result,
                      uint64_t, count, uint8_t, B, uint64_t, start_ns, uint32_t, seq))
LTTNG_UST_TRACEPOINT_LOGLEVEL(libmap, clear, LTTNG_UST_TRACEPOINT_LOGLEVEL_INFO)

/* libmap:grow — growth starts (before the new array replaces the old). */
LTTNG_UST_TRACEPOINT_EVENT(libmap, grow,
    LTTNG_UST_TP_ARGS(const void *, map, uint8_t, old_B, uint8_t, new_B, uint8_t, same_size,
                      uint64_t, count, uint64_t, noverflow),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, map, (uintptr_t)map)
        lttng_ust_field_integer(uint8_t, old_B, old_B)
        lttng_ust_field_integer(uint8_t, new_B, new_B)
        lttng_ust_field_integer(uint8_t, same_size, same_size)
        lttng_ust_field_integer(uint64_t, count, count)
        lttng_ust_field_integer(uint64_t, noverflow, noverflow)))
LTTNG_UST_TRACEPOINT_LOGLEVEL(libmap, grow, LTTNG_UST_TRACEPOINT_LOGLEVEL_INFO)

/* libmap:lock_wait — a thread waited for a libmap_sync's lock or a
 * libmap_shard shard's lock for at least the threshold (LIBMAP_LOCK_WAIT_NS,
 * default 10 us): map is the libmap_sync or libmap_shard, inner the map the
 * lock guards, kind 1 sync or 2 shard (enum libmap_guard_kind), shard its
 * index, mode 0 read or 1 write. Emitted when the wait ends, by the thread
 * that waited; its start is the event time minus waited_ns. */
LTTNG_UST_TRACEPOINT_EVENT(libmap, lock_wait,
    LTTNG_UST_TP_ARGS(const void *, map, const void *, inner, uint8_t, kind, uint32_t, shard,
                      uint64_t, waited_ns, uint8_t, mode),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, map, (uintptr_t)map)
        lttng_ust_field_integer_hex(uint64_t, inner, (uintptr_t)inner)
        lttng_ust_field_integer(uint8_t, kind, kind)
        lttng_ust_field_integer(uint32_t, shard, shard)
        lttng_ust_field_integer(uint64_t, waited_ns, waited_ns)
        lttng_ust_field_integer(uint8_t, mode, mode)))
LTTNG_UST_TRACEPOINT_LOGLEVEL(libmap, lock_wait, LTTNG_UST_TRACEPOINT_LOGLEVEL_INFO)

/* libmap:evacuate — one old bucket (with its chain) was evacuated. */
LTTNG_UST_TRACEPOINT_EVENT(libmap, evacuate,
    LTTNG_UST_TP_ARGS(const void *, map, uint64_t, oldbucket, uint64_t, moved_x,
                      uint64_t, moved_y, uint64_t, nevacuate, uint64_t, noldbuckets),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, map, (uintptr_t)map)
        lttng_ust_field_integer(uint64_t, oldbucket, oldbucket)
        lttng_ust_field_integer(uint64_t, moved_x, moved_x)
        lttng_ust_field_integer(uint64_t, moved_y, moved_y)
        lttng_ust_field_integer(uint64_t, nevacuate, nevacuate)
        lttng_ust_field_integer(uint64_t, noldbuckets, noldbuckets)))
LTTNG_UST_TRACEPOINT_LOGLEVEL(libmap, evacuate, LTTNG_UST_TRACEPOINT_LOGLEVEL_INFO)

/* libmap:grow_done — the last old bucket was evacuated; the old array is
 * released (or retired for live iterators). */
LTTNG_UST_TRACEPOINT_EVENT(libmap, grow_done,
    LTTNG_UST_TP_ARGS(const void *, map, uint8_t, B, uint64_t, count),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, map, (uintptr_t)map)
        lttng_ust_field_integer(uint8_t, B, B)
        lttng_ust_field_integer(uint64_t, count, count)))
LTTNG_UST_TRACEPOINT_LOGLEVEL(libmap, grow_done, LTTNG_UST_TRACEPOINT_LOGLEVEL_INFO)

/* libmap:panic — concurrent access detected; emitted from the panic path
 * after the panic record is filled, before the panic hooks and abort().
 * `ends` carries three fields (a tracepoint takes at most 10 arguments):
 * bit 0 at_end, bit 1 writer_done, bits 9-31 writer_seq (the write
 * sequence of the writer word the check found, in place: the word's
 * LIBMAP_WRITER_SEQ_MASK bits). */
LTTNG_UST_TRACEPOINT_EVENT(libmap, panic,
    LTTNG_UST_TP_ARGS(const void *, map, uint32_t, kind, const char *, message, uint32_t, op,
                      int32_t, tid, uint32_t, writer_op, int32_t, writer_tid,
                      uint8_t, writer_held, uint64_t, detect_ns, uint32_t, ends),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, map, (uintptr_t)map)
        lttng_ust_field_integer(uint32_t, kind, kind)
        lttng_ust_field_string(message, message)
        lttng_ust_field_integer(uint32_t, op, op)
        lttng_ust_field_integer(int32_t, tid, tid)
        lttng_ust_field_integer(uint32_t, writer_op, writer_op)
        lttng_ust_field_integer(int32_t, writer_tid, writer_tid)
        lttng_ust_field_integer(uint8_t, writer_held, writer_held)
        lttng_ust_field_integer(uint64_t, detect_ns, detect_ns)
        lttng_ust_field_integer(uint8_t, at_end, ends & 1)
        lttng_ust_field_integer(uint8_t, writer_done, (ends >> 1) & 1)
        lttng_ust_field_integer(uint32_t, writer_seq, ends >> 9)))
LTTNG_UST_TRACEPOINT_LOGLEVEL(libmap, panic, LTTNG_UST_TRACEPOINT_LOGLEVEL_CRIT)

/* libmap:lookup (debug) — a lookup finished. */
LTTNG_UST_TRACEPOINT_EVENT(libmap, lookup,
    LTTNG_UST_TP_ARGS(const void *, map, uint64_t, hash, uint8_t, found),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, map, (uintptr_t)map)
        lttng_ust_field_integer_hex(uint64_t, hash, hash)
        lttng_ust_field_integer(uint8_t, found, found)))
LTTNG_UST_TRACEPOINT_LOGLEVEL(libmap, lookup, LTTNG_UST_TRACEPOINT_LOGLEVEL_DEBUG)

/* libmap:iter_init (debug) — an iteration started. */
LTTNG_UST_TRACEPOINT_EVENT(libmap, iter_init,
    LTTNG_UST_TP_ARGS(const void *, map, uint8_t, B, uint64_t, start_bucket, uint8_t, offset),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, map, (uintptr_t)map)
        lttng_ust_field_integer(uint8_t, B, B)
        lttng_ust_field_integer(uint64_t, start_bucket, start_bucket)
        lttng_ust_field_integer(uint8_t, offset, offset)))
LTTNG_UST_TRACEPOINT_LOGLEVEL(libmap, iter_init, LTTNG_UST_TRACEPOINT_LOGLEVEL_DEBUG)

/* libmap:iterate (debug) — an iteration step yielded an entry. */
LTTNG_UST_TRACEPOINT_EVENT(libmap, iterate,
    LTTNG_UST_TP_ARGS(const void *, map, uint64_t, bucket, uint8_t, slot),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, map, (uintptr_t)map)
        lttng_ust_field_integer(uint64_t, bucket, bucket)
        lttng_ust_field_integer(uint8_t, slot, slot)))
LTTNG_UST_TRACEPOINT_LOGLEVEL(libmap, iterate, LTTNG_UST_TRACEPOINT_LOGLEVEL_DEBUG)

/* libmap:iter_end (debug) — an iteration ended (exhausted or stopped). */
LTTNG_UST_TRACEPOINT_EVENT(libmap, iter_end,
    LTTNG_UST_TP_ARGS(const void *, map),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, map, (uintptr_t)map)))
LTTNG_UST_TRACEPOINT_LOGLEVEL(libmap, iter_end, LTTNG_UST_TRACEPOINT_LOGLEVEL_DEBUG)

#endif /* LIBMAP_TP_H */

#include <lttng/tracepoint-event.h>
