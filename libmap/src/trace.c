/*
 * trace.c — libmap's LTTng-UST tracepoints: their definitions, with dynamic
 * linkage (the probe library is found at run time, never linked), and the
 * out-of-line emitters that trace.h's macros call once an event is enabled.
 * Field meanings: docs/tracepoints.md.
 *
 * The panic path (trace_panic). A flight-recorder snapshot cannot read a
 * sub-buffer in which some thread is still writing an event: if another
 * thread keeps writing map events while the snapshot is taken (or is killed
 * mid-event by abort()), the sub-buffer holding the panic event can be lost.
 * So on panic every other thread stops emitting (trace_muted, tested only
 * when an event is enabled), the panic event is emitted, and the panicking
 * thread waits PANIC_SETTLE_MS for events already being written to complete,
 * and for the trigger's snapshot, before the hooks and abort(). Measured
 * with libmap-demo race write-write under libmap-record --flight: without
 * this 8 snapshots in 10 held the panic event, with it 30 in 30.
 *
 * One event passes the mute: the colliding write of the other side. When
 * the panic finds another thread still holding the map (writer_held), that
 * thread is in the middle of its write; it finishes it, emits that write's
 * event, and only then reaches its own final check and stops. Without it
 * the trace would hold the panic but not the write it collided with (only
 * that thread's earlier, finished writes). The panic event waits (at most
 * WRITER_WAIT_MS) until that thread has reached map_panic (its final check
 * finds the map frozen): its write event came before, passed through the
 * mute or, when it was emitted before the mute, without needing the pass.
 * So the snapshot the panic event triggers holds that event, and the core
 * shows the writer stopped at its check. On a loaded machine the writer is
 * often descheduled inside its write, or between its event and its check
 * (which is what made the window wide enough to hit), for milliseconds:
 * 20 ms was seen to be too short. The panic event says whether that
 * write's event is out (writer_done: the writer reached its check, or the
 * map's traced_word, the word of the last write whose event was emitted,
 * is the word the panic found, write sequence included), so that a reader
 * never pairs the panic with an earlier, finished write of that thread.
 *
 * Which write collided: every write event carries its write sequence (seq)
 * and the panic event the sequence of the word the check found
 * (writer_seq). Between the check and the freeze the detecting thread can
 * be held up for tens of microseconds (the first panic touches cold code
 * and data, or it is descheduled) while the writer goes on writing: kept
 * natural races had 230 writes of the writer after the colliding one, all
 * before the panic event, and 82 writes between the check's load of the
 * word and detect_ns (read first thing in map_panic). Time alone cannot
 * pick that write out of them; the sequence names it.
 */
#ifdef LIBMAP_TRACING

#define LTTNG_UST_TRACEPOINT_DEFINE
#define LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE
#include "internal.h"
#include "lock.h"
#include "trace.h"

#include <stdlib.h>
#include <time.h>

#define PANIC_SETTLE_MS 20
#define WRITER_WAIT_MS 1000

int trace_muted;

uint64_t trace_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void trace_new(const struct libmap *m, size_t hint)
{
    lttng_ust_do_tracepoint(libmap, new, m, m->t.key_kind, m->t.key_size, m->t.value_size, hint,
                            m->B);
}

void trace_free(const struct libmap *m) { lttng_ust_do_tracepoint(libmap, free, m, m->count); }

static bool muted(void) { return __atomic_load_n(&trace_muted, __ATOMIC_RELAXED) != 0; }

/* The write the panic collided with, allowed through the mute once. */
static const struct libmap *panic_map;
static int32_t panic_writer_tid;
static int panic_writer_pass;

static bool write_muted(const struct libmap *m)
{
    if (!muted())
        return false;
    if (m != __atomic_load_n(&panic_map, __ATOMIC_ACQUIRE) ||
        current_tid() != __atomic_load_n(&panic_writer_tid, __ATOMIC_ACQUIRE))
        return true;
    return __atomic_exchange_n(&panic_writer_pass, 0, __ATOMIC_ACQ_REL) == 0;
}

/* Write events: called when the write's start time was taken, with the
 * writer's own word (mine). The bucket is the key's bucket in the current
 * array (B after); seq is the write's sequence in the writer word, which
 * the panic event's writer_seq names. */
static uint32_t word_seq(uint64_t word)
{
    return (uint32_t)((word & LIBMAP_WRITER_SEQ_MASK) >> LIBMAP_WRITER_SEQ_SHIFT);
}

/* After a write's event: the word of the write it ended, so that a panic
 * can tell whether the write it collided with has its event out
 * (trace_panic). The writer's own word, not the map's: a panic may have
 * frozen the map meanwhile. */
static void note_traced(const struct libmap *m, uint64_t mine)
{
    atomic_store_explicit(&((struct libmap *)m)->traced_word, mine, memory_order_release);
}

void trace_assign(const struct libmap *m, uint64_t hash, int rc, uint64_t t0, uint64_t mine)
{
    if (!write_muted(m)) {
        lttng_ust_do_tracepoint(libmap, assign, m, hash, hash & bucket_mask(m->B), rc, m->count,
                                m->B, t0, word_seq(mine));
        note_traced(m, mine);
    }
}

void trace_delete(const struct libmap *m, uint64_t hash, int rc, uint64_t t0, uint64_t mine)
{
    if (!write_muted(m)) {
        lttng_ust_do_tracepoint(libmap, delete, m, hash, hash & bucket_mask(m->B), rc, m->count,
                                m->B, t0, word_seq(mine));
        note_traced(m, mine);
    }
}

void trace_clear(const struct libmap *m, uint64_t t0, uint64_t mine)
{
    if (!write_muted(m)) {
        lttng_ust_do_tracepoint(libmap, clear, m, 0, 0, 0, m->count, m->B, t0, word_seq(mine));
        note_traced(m, mine);
    }
}

void trace_grow(const struct libmap *m, unsigned bigger)
{
    lttng_ust_do_tracepoint(libmap, grow, m, m->B, (uint8_t)(m->B + bigger), bigger ? 0 : 1,
                            m->count, m->noverflow);
}

void trace_evacuate(const struct libmap *m, size_t oldbucket, size_t nx, size_t ny, size_t nold)
{
    lttng_ust_do_tracepoint(libmap, evacuate, m, oldbucket, nx, ny, m->nevacuate, nold);
}

void trace_grow_done(const struct libmap *m)
{
    lttng_ust_do_tracepoint(libmap, grow_done, m, m->B, m->count);
}

/* lock_wait's threshold: LIBMAP_LOCK_WAIT_NS from the environment, read
 * once, else LOCK_WAIT_NS_DEFAULT (a futex sleep and wake-up takes about
 * that long; shorter waits are spins, not contention worth a mark). */
#define LOCK_WAIT_NS_DEFAULT 10000
static uint64_t lock_wait_threshold(void)
{
    static _Atomic int64_t threshold = -1;
    int64_t t = atomic_load_explicit(&threshold, memory_order_relaxed);
    if (t < 0) {
        const char *env = getenv("LIBMAP_LOCK_WAIT_NS");
        char *end;
        long long v = env != NULL ? strtoll(env, &end, 10) : -1;
        t = env != NULL && *env != '\0' && *end == '\0' && v >= 0 ? v : LOCK_WAIT_NS_DEFAULT;
        atomic_store_explicit(&threshold, t, memory_order_relaxed);
    }
    return (uint64_t)t;
}

void trace_lock_wait(const struct sync_lock *l, int mode, uint64_t t0)
{
    uint64_t waited = trace_clock() - t0;
    if (waited >= lock_wait_threshold())
        lttng_ust_do_tracepoint(libmap, lock_wait, l->parent, l->map, (uint8_t)l->kind, l->shard,
                                waited, (uint8_t)mode);
}

/* The traced lookup: the lookup itself (after the caller's concurrent-access
 * check), then its event. */
bool trace_lookup(const struct libmap *m, const void *key, void *value_out)
{
    uint8_t *v;
    bool found = map_access_k(m, key, &v) != NULL;
    if (found && value_out != NULL)
        copy_value(value_out, value_data(m, v), m->t.value_size);
    if (!muted())
        lttng_ust_do_tracepoint(libmap, lookup, m, key_hash(m, key, KIND_DYNAMIC), found ? 1 : 0);
    return found;
}

bool trace_lookup_u64(const struct libmap *m, uint64_t key, void *value_out)
{
    return trace_lookup(m, &key, value_out);
}

bool trace_lookup_u32(const struct libmap *m, uint32_t key, void *value_out)
{
    return trace_lookup(m, &key, value_out);
}

bool trace_lookup_str(const struct libmap *m, const char *ptr, size_t len, void *value_out)
{
    libmap_str s = {ptr, len};
    return trace_lookup(m, &s, value_out);
}

void trace_iter_init(const struct libmap *m, const libmap_iter *it)
{
    lttng_ust_do_tracepoint(libmap, iter_init, m, it->B, it->start_bucket, it->offset);
}

void trace_iterate(const struct libmap *m, size_t bucket, unsigned slot)
{
    lttng_ust_do_tracepoint(libmap, iterate, m, bucket, (uint8_t)slot);
}

void trace_iter_end(const struct libmap *m) { lttng_ust_do_tracepoint(libmap, iter_end, m); }

void trace_panic(const struct libmap_panic_record *r, uint64_t writer_word, bool at_end)
{
    if (r->writer_held && r->writer_tid != 0 && r->writer_tid != r->tid) {
        __atomic_store_n(&panic_writer_pass, 1, __ATOMIC_RELAXED);
        __atomic_store_n(&panic_writer_tid, r->writer_tid, __ATOMIC_RELEASE);
        __atomic_store_n(&panic_map, r->map, __ATOMIC_RELEASE);
    }
    __atomic_store_n(&trace_muted, 1, __ATOMIC_RELEASE);
    if (!lttng_ust_tracepoint_enabled(libmap, panic))
        return;
    /* Wait for the writer still holding the map to finish its write: to
     * emit that write's event (through the mute) and reach its own final
     * check, where it stops. Then the panic event, which fires the snapshot
     * trigger, comes after that event, and the core shows the writer at its
     * check. A writer descheduled in its write (what made the window wide
     * enough to hit) may take long to run again on a loaded machine, so the
     * bound is generous; it is reached only when the write never finishes
     * (a test's write hook holds it). */
    bool held = r->writer_held && r->writer_tid != 0 && r->writer_tid != r->tid;
    uint64_t give_up = trace_clock() + WRITER_WAIT_MS * UINT64_C(1000000);
    while (held && !map_panic_reached(r->writer_tid) && trace_clock() < give_up) {
        struct timespec step = {0, 50 * 1000};
        nanosleep(&step, NULL); /* and leave the CPU to the writer */
        map_refreeze();         /* a writer past its check may have unfrozen the map */
    }
    /* Whether the colliding write's event is out: it had finished (not
     * held), or the writer reached its final check (its event came before,
     * through the mute or before it), or the event of exactly that write
     * (same word: TID, operation, write sequence) was emitted and the
     * writer is still descheduled before its check. Readers pair by this. */
    bool writer_done = !held || map_panic_reached(r->writer_tid) ||
                       atomic_load_explicit(&((struct libmap *)r->map)->traced_word,
                                            memory_order_acquire) == writer_word;
    lttng_ust_do_tracepoint(libmap, panic, r->map, r->kind, r->message, r->op, r->tid,
                            r->writer_op, r->writer_tid, (uint8_t)r->writer_held,
                            (uint64_t)r->monotonic_ns,
                            (uint32_t)((at_end ? 1 : 0) | (writer_done ? 2 : 0) |
                                       (writer_word & LIBMAP_WRITER_SEQ_MASK)));
    struct timespec settle = {0, PANIC_SETTLE_MS * 1000 * 1000};
    while (nanosleep(&settle, &settle) != 0)
        ;
}

#else

typedef int libmap_trace_disabled; /* ISO C wants a non-empty file */

#endif /* LIBMAP_TRACING */
