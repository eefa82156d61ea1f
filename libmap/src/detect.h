/*
 * detect.h — the concurrent-access check on every map operation.
 *
 * The writer word (<libmap/debug.h>): the writer's TID, its operation, a
 * HELD bit and a write sequence. The protocol:
 *
 *   writer:  w = word; HELD in w: panic ("concurrent map writes").
 *            mine = TID | op | HELD | seq(w) + 1; word = mine.
 *            ... the write ...
 *            word != mine: another writer entered meanwhile (its word names
 *            it), panic. Else word = mine without HELD (release: TID, op and
 *            sequence stay, so a late reader can name the thread that just
 *            wrote).
 *   reader:  w0 = word; HELD in w0: panic ("concurrent map read and map
 *   (lookup, ... the read ...
 *   iterator  word != w0: a write began, or began and ended, while we were
 *   step)    reading: panic with Go's message for the reader, naming the
 *            writer from the word (still writing if HELD is set, else it had
 *            just finished).
 *
 * The entry check alone misses a read that began before the write: the
 * reader then walks buckets the writer is changing (or freeing) and may
 * return garbage or crash. The end check catches every such overlap,
 * because every write's start changes the word (the sequence advances even
 * when the same thread writes again), so that w0 is never seen again within
 * 2^23 writes. The writer is exclusive while the protocol holds, so plain
 * stores suffice: no locked instruction anywhere. Memory the writer frees
 * while a reader may still be in it is retired, not freed (alloc.c), so a
 * racing reader reads stale memory and fails its end check instead of
 * faulting.
 *
 * All accesses are relaxed atomics. The reader's end check must not be
 * reordered before its bucket reads: an acquire fence orders them (no
 * instruction on x86, where loads are not reordered with older loads; a
 * load barrier on arm64). Writers keep compiler-only fences around their
 * window. LIBMAP_NO_DETECTION (a benchmark-only build) compiles the checks
 * out.
 */
#ifndef LIBMAP_DETECT_H
#define LIBMAP_DETECT_H

#include "key.h"

static ALWAYS_INLINE uint64_t writer_load(const struct libmap *m)
{
    return atomic_load_explicit(&((struct libmap *)m)->writer, memory_order_relaxed);
}

#ifndef LIBMAP_NO_DETECTION

static ALWAYS_INLINE uint64_t write_begin(struct libmap *m, enum libmap_op op)
{
    uint64_t w = writer_load(m);
    if (UNLIKELY(w & LIBMAP_WRITER_HELD))
        map_panic(m, LIBMAP_PANIC_CONCURRENT_WRITES, op, w, false);
    uint64_t seq = ((w & LIBMAP_WRITER_SEQ_MASK) + (1u << LIBMAP_WRITER_SEQ_SHIFT)) &
                   LIBMAP_WRITER_SEQ_MASK;
    uint64_t mine = thread_word() | seq | LIBMAP_WRITER_HELD | (uint64_t)op;
    atomic_store_explicit(&m->writer, mine, memory_order_relaxed);
    atomic_signal_fence(memory_order_seq_cst);
    if (UNLIKELY(map_write_hook != NULL))
        map_write_hook(m, op, map_write_hook_ctx);
    return mine;
}

static ALWAYS_INLINE void write_end(struct libmap *m, uint64_t mine)
{
    atomic_signal_fence(memory_order_seq_cst);
    uint64_t w = writer_load(m);
    if (UNLIKELY(w != mine))
        map_panic(m, LIBMAP_PANIC_CONCURRENT_WRITES,
                  (enum libmap_op)(mine & LIBMAP_WRITER_OP_MASK), w, true);
    atomic_store_explicit(&m->writer, mine & ~(uint64_t)LIBMAP_WRITER_HELD, memory_order_relaxed);
}

/* A reader's entry check; returns the word for its end check. */
static ALWAYS_INLINE uint64_t read_check(const struct libmap *m, enum libmap_panic_kind kind,
                                         enum libmap_op op)
{
    uint64_t w = writer_load(m);
    if (UNLIKELY(w & LIBMAP_WRITER_HELD))
        map_panic(m, kind, op, w, false);
    return w;
}

/* A reader's end check: the word must be the one its entry check saw. On
 * x86-64 it is one compare of the word in memory with w0 and a branch (gcc
 * never folds a relaxed atomic load into a compare; the check is on every
 * lookup and iterator step). */
static ALWAYS_INLINE void read_end(const struct libmap *m, enum libmap_panic_kind kind,
                                   enum libmap_op op, uint64_t w0)
{
    atomic_thread_fence(memory_order_acquire);
#if defined(__x86_64__) && defined(__GNUC__)
    __asm__ goto("cmpq %0, %1\n\tjne %l[changed]" : : "r"(w0), "m"(m->writer) : "cc" : changed);
    return;
changed:
    map_panic(m, kind, op, writer_load(m), true);
#else
    uint64_t w = writer_load(m);
    if (UNLIKELY(w != w0))
        map_panic(m, kind, op, w, true);
#endif
}

#else /* LIBMAP_NO_DETECTION */

static ALWAYS_INLINE uint64_t write_begin(struct libmap *m, enum libmap_op op)
{
    (void)m, (void)op;
    return 0;
}
static ALWAYS_INLINE void write_end(struct libmap *m, uint64_t mine) { (void)m, (void)mine; }
static ALWAYS_INLINE uint64_t read_check(const struct libmap *m, enum libmap_panic_kind kind,
                                         enum libmap_op op)
{
    (void)m, (void)kind, (void)op;
    return 0;
}
static ALWAYS_INLINE void read_end(const struct libmap *m, enum libmap_panic_kind kind,
                                   enum libmap_op op, uint64_t w0)
{
    (void)m, (void)kind, (void)op, (void)w0;
}

#endif
#endif /* LIBMAP_DETECT_H */
