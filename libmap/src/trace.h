/*
 * trace.h — libmap's tracing call sites, all in one place: one macro per
 * LTTng-UST event of the `libmap` provider (tracepoints/libmap-tp.h; the
 * contract is docs/tracepoints.md). The map's sources call these macros on
 * single lines and know nothing about LTTng.
 *
 * Built with LIBMAP_TRACING (CMake option, default ON) the tracepoints use
 * LTTng-UST's dynamic linkage (trace.c): libmap links no LTTng library. Each
 * macro is `if (tracepoint enabled) call an out-of-line emitter`: without
 * the probe library, or with the event disabled, that is one load and one
 * predictable branch, and the arguments are not computed. Built without it,
 * every macro expands to nothing.
 *
 * Writes: LIBMAP_TRACE_START, placed before write_begin(), declares t0, the
 * CLOCK_MONOTONIC start time (LTTng's clock) when the write's event is
 * enabled, else 0; the write's event, emitted just before the writer's
 * final check and release, is emitted when t0 is set, so [start_ns, event
 * time] is the write window and a write costs one test of the state. The
 * writer's own word (`mine`, from write_begin) gives the event the write's
 * sequence: the map's word itself may already be a panic's frozen word.
 * Lookups: when enabled, the whole lookup is diverted to trace.c (the macro
 * returns), so that the fast path keeps no extra live value.
 *
 * Measured with callgrind (u64 keys, 1K-key map): +3 instructions per
 * lookup (111 -> 114), +8 per update (157 -> 165) against the compiled-out
 * build; see docs/performance-tracing.md.
 */
#ifndef LIBMAP_TRACE_H
#define LIBMAP_TRACE_H

#ifdef LIBMAP_TRACING

#include "key.h"

#define LTTNG_UST_TRACEPOINT_HIDDEN_DEFINITION
#include "libmap-tp.h"

/* trace.c: the emitters, out of line and cold so that a call site in a hot
 * function is only the enabled test and a call. */
#define TRACE_COLD __attribute__((cold, noinline))
extern int trace_muted; /* set on the panic path: other threads emit nothing more */
TRACE_COLD uint64_t trace_clock(void);
TRACE_COLD void trace_new(const struct libmap *m, size_t hint);
TRACE_COLD void trace_free(const struct libmap *m);
TRACE_COLD void trace_assign(const struct libmap *m, uint64_t hash, int rc, uint64_t t0,
                             uint64_t mine);
TRACE_COLD void trace_delete(const struct libmap *m, uint64_t hash, int rc, uint64_t t0,
                             uint64_t mine);
TRACE_COLD void trace_clear(const struct libmap *m, uint64_t t0, uint64_t mine);
TRACE_COLD void trace_grow(const struct libmap *m, unsigned bigger);
TRACE_COLD void trace_evacuate(const struct libmap *m, size_t oldbucket, size_t nx, size_t ny,
                               size_t nold);
TRACE_COLD void trace_grow_done(const struct libmap *m);
TRACE_COLD bool trace_lookup(const struct libmap *m, const void *key, void *value_out);
/* the same for a key passed by value: the caller's key never needs an
 * address on the lookup's fast path */
TRACE_COLD bool trace_lookup_u64(const struct libmap *m, uint64_t key, void *value_out);
TRACE_COLD bool trace_lookup_u32(const struct libmap *m, uint32_t key, void *value_out);
TRACE_COLD bool trace_lookup_str(const struct libmap *m, const char *ptr, size_t len,
                                 void *value_out);
TRACE_COLD void trace_iter_init(const struct libmap *m, const libmap_iter *it);
TRACE_COLD void trace_iterate(const struct libmap *m, size_t bucket, unsigned slot);
TRACE_COLD void trace_iter_end(const struct libmap *m);
void trace_panic(const struct libmap_panic_record *r, uint64_t writer_word, bool at_end);
struct sync_lock;
TRACE_COLD void trace_lock_wait(const struct sync_lock *l, int mode, uint64_t t0);

#define TRACE_ON(ev)                                                                               \
    (lttng_ust_tracepoint_enabled(libmap, ev) && !__atomic_load_n(&trace_muted, __ATOMIC_RELAXED))
#define TRACE_IF(ev, call)                                                                         \
    do {                                                                                           \
        if (TRACE_ON(ev))                                                                          \
            call;                                                                                  \
    } while (0)

/* Declares uint64_t t0: the write's start time when event ev is enabled,
 * else 0. The write's event is emitted when t0 is not 0: one test of the
 * tracepoint's state per write (the emitter re-checks the panic mute). */
#define LIBMAP_TRACE_START(ev, t0) uint64_t t0 = TRACE_ON(ev) ? trace_clock() : 0
#define TRACE_IF_STARTED(t0, call)                                                                 \
    do {                                                                                           \
        if (__builtin_expect((t0) != 0, 0))                                                        \
            call;                                                                                  \
    } while (0)

#define LIBMAP_TRACE_ASSIGN(m, hash, rc, t0, mine)                                                 \
    TRACE_IF_STARTED(t0, trace_assign((m), (hash), (rc), (t0), (mine)))
#define LIBMAP_TRACE_DELETE(m, hash, rc, t0, mine)                                                 \
    TRACE_IF_STARTED(t0, trace_delete((m), (hash), (rc), (t0), (mine)))
#define LIBMAP_TRACE_CLEAR(m, t0, mine) TRACE_IF_STARTED(t0, trace_clear((m), (t0), (mine)))
#define LIBMAP_TRACE_NEW(m, hint) TRACE_IF(new, trace_new((m), (hint)))
#define LIBMAP_TRACE_FREE(m) TRACE_IF(free, trace_free(m))
/* Growth: before the new array is installed (bigger: 1 doubling, 0 same size). */
#define LIBMAP_TRACE_GROW(m, bigger) TRACE_IF(grow, trace_grow((m), (bigger)))
/* A safe map's lock wait that went to the slow path (lock.c); trace.c
 * emits it when it lasted at least the threshold. */
#define LIBMAP_TRACE_LOCK_WAIT(l, mode, t0) TRACE_IF_STARTED(t0, trace_lock_wait((l), (mode), (t0)))
#define LIBMAP_TRACE_EVACUATE(m, oldbucket, nx, ny, nold)                                          \
    TRACE_IF(evacuate, trace_evacuate((m), (oldbucket), (nx), (ny), (nold)))
/* Called after evacuation work: emits when that work finished the growth. */
#define LIBMAP_TRACE_GROW_DONE(m)                                                                  \
    do {                                                                                           \
        if (TRACE_ON(grow_done) && !growing(m))                                                    \
            trace_grow_done(m);                                                                    \
    } while (0)
/* The panic event, then a pause for the snapshot: see trace_panic(). */
#define LIBMAP_TRACE_PANIC(r, writer_word, at_end) trace_panic((r), (writer_word), (at_end))

/* Debug-level events. When libmap:lookup is enabled the whole lookup runs
 * in trace_lookup*() and the caller returns its result (the macro returns):
 * the lookup's fast path keeps only the test of the tracepoint's state. */
static ALWAYS_INLINE bool trace_lookup_kind(const struct libmap *m, const void *key,
                                            void *value_out, int kind)
{
    switch (kind) {
    case LIBMAP_KEY_U64: {
        uint64_t k;
        memcpy(&k, key, sizeof k);
        return trace_lookup_u64(m, k, value_out);
    }
    case LIBMAP_KEY_U32: {
        uint32_t k;
        memcpy(&k, key, sizeof k);
        return trace_lookup_u32(m, k, value_out);
    }
    case LIBMAP_KEY_STRING: {
        const libmap_str *s = key;
        return trace_lookup_str(m, s->ptr, s->len, value_out);
    }
    default:
        return trace_lookup(m, key, value_out);
    }
}
#define LIBMAP_TRACE_LOOKUP(m, key, value_out, kind, w0)                                           \
    do {                                                                                           \
        if (TRACE_ON(lookup)) {                                                                    \
            bool found_ = trace_lookup_kind((m), (key), (value_out), (kind));                      \
            read_end((m), LIBMAP_PANIC_READ_WRITE, LIBMAP_OP_LOOKUP, (w0));                        \
            return found_;                                                                         \
        }                                                                                          \
    } while (0)
#define LIBMAP_TRACE_ITER_INIT(m, it) TRACE_IF(iter_init, trace_iter_init((m), (it)))
#define LIBMAP_TRACE_ITERATE(m, bucket, slot) TRACE_IF(iterate, trace_iterate((m), (bucket), (slot)))
#define LIBMAP_TRACE_ITER_END(m) TRACE_IF(iter_end, trace_iter_end(m))

#else /* !LIBMAP_TRACING: no tracepoint code at all */

#define LIBMAP_TRACE_START(ev, t0) ((void)0)
#define LIBMAP_TRACE_ASSIGN(m, hash, rc, t0, mine) ((void)0)
#define LIBMAP_TRACE_DELETE(m, hash, rc, t0, mine) ((void)0)
#define LIBMAP_TRACE_CLEAR(m, t0, mine) ((void)0)
#define LIBMAP_TRACE_NEW(m, hint) ((void)0)
#define LIBMAP_TRACE_FREE(m) ((void)0)
#define LIBMAP_TRACE_GROW(m, bigger) ((void)0)
#define LIBMAP_TRACE_LOCK_WAIT(l, mode, t0) ((void)0)
#define LIBMAP_TRACE_EVACUATE(m, oldbucket, nx, ny, nold) ((void)0)
#define LIBMAP_TRACE_GROW_DONE(m) ((void)0)
#define LIBMAP_TRACE_PANIC(r, writer_word, at_end) ((void)(writer_word), (void)(at_end))
#define LIBMAP_TRACE_LOOKUP(m, key, value_out, kind, w0) ((void)0)
#define LIBMAP_TRACE_ITER_INIT(m, it) ((void)0)
#define LIBMAP_TRACE_ITERATE(m, bucket, slot) ((void)0)
#define LIBMAP_TRACE_ITER_END(m) ((void)0)

#endif /* LIBMAP_TRACING */
#endif /* LIBMAP_TRACE_H */
