/*
 * detect.h — the concurrent-access check on every map operation.
 *
 * A writer loads the writer word: if HELD is set another thread is writing
 * ("concurrent map writes"). It then stores its own word (TID, op, HELD),
 * does its work, and before releasing checks the word is still exactly its
 * own: if not, another writer entered meanwhile and stored its word, which
 * names it. Release keeps TID and op, clearing only HELD. Readers and
 * iterators check HELD on entry. All accesses are relaxed atomics (plain
 * loads and stores, no locked instruction); compiler-only fences keep the
 * window around the work. LIBMAP_NO_DETECTION (a benchmark-only build)
 * compiles the check out.
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
    uint64_t mine = thread_word() | LIBMAP_WRITER_HELD | (uint64_t)op;
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

static ALWAYS_INLINE void read_check(const struct libmap *m, enum libmap_panic_kind kind,
                                     enum libmap_op op)
{
    uint64_t w = writer_load(m);
    if (UNLIKELY(w & LIBMAP_WRITER_HELD))
        map_panic(m, kind, op, w, false);
}

#else /* LIBMAP_NO_DETECTION */

static ALWAYS_INLINE uint64_t write_begin(struct libmap *m, enum libmap_op op)
{
    (void)m, (void)op;
    return 0;
}
static ALWAYS_INLINE void write_end(struct libmap *m, uint64_t mine) { (void)m, (void)mine; }
static ALWAYS_INLINE void read_check(const struct libmap *m, enum libmap_panic_kind kind,
                                     enum libmap_op op)
{
    (void)m, (void)kind, (void)op;
}

#endif
#endif /* LIBMAP_DETECT_H */
