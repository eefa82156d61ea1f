/*
 * lock.h — the reader-writer lock of libmap_sync and libmap_shard.
 *
 * One of three, chosen when libmap is built (LIBMAP_SYNC_LOCK, a compile
 * definition; bench/ builds one libmap per lock to compare them, see
 * bench/safe-locks.sh):
 *
 *   LIBMAP_LOCK_PTHREAD     0  pthread_rwlock_t, glibc's default kind
 *                              (readers preferred; 56 bytes)
 *   LIBMAP_LOCK_PTHREAD_WP  1  pthread_rwlock_t of kind
 *                              PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP
 *   LIBMAP_LOCK_SPIN_FUTEX  2  the lock below: one 32-bit word, a short spin,
 *                              then futex(2) sleep
 *
 * The spin-then-futex lock. The word holds
 *     W  bit 31   a writer holds the lock
 *     P  bit 30   a writer is waiting: new readers wait too (writers are
 *                 preferred, so that a stream of lookups cannot starve an
 *                 assign)
 *     S  bit 29   some thread sleeps on the word (futex)
 *     the low 29 bits: the number of readers holding the lock.
 * A reader enters when neither W nor P is set (count + 1, compare-and-swap);
 * a writer when neither W nor any reader is (the word becomes W, keeping S,
 * dropping P: other waiting writers set P again when they retry). A thread
 * that cannot enter spins LOCK_SPINS rounds re-reading the word, then sets
 * S (and P for a writer) and sleeps in FUTEX_WAIT on the exact word it
 * stored; the kernel returns at once if the word changed meanwhile, so a
 * wake-up cannot be lost. Whoever releases the lock and finds S set (the
 * writer; the last reader) clears it and wakes every sleeper: they all
 * retry, and those that still cannot enter set S again. Waking all is
 * simple and right; with few threads per lock (a shard's) it costs little.
 * Entering is an acquire, leaving a release (C11 atomics): what a writer
 * did under the lock is visible to whoever enters after it, and
 * ThreadSanitizer sees the same happens-before edges.
 */
#ifndef LIBMAP_LOCK_H
#define LIBMAP_LOCK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define LIBMAP_LOCK_PTHREAD 0
#define LIBMAP_LOCK_PTHREAD_WP 1
#define LIBMAP_LOCK_SPIN_FUTEX 2

#ifndef LIBMAP_SYNC_LOCK
#define LIBMAP_SYNC_LOCK LIBMAP_LOCK_SPIN_FUTEX
#endif

/* The lock's name, for benchmarks and reports. */
const char *sync_lock_name(void);

#if LIBMAP_SYNC_LOCK == LIBMAP_LOCK_SPIN_FUTEX

#define LOCK_W (UINT32_C(1) << 31)
#define LOCK_P (UINT32_C(1) << 30)
#define LOCK_S (UINT32_C(1) << 29)
#define LOCK_COUNT (LOCK_S - 1)

struct sync_lock {
    _Atomic uint32_t word;
};

void sync_lock_rd_slow(struct sync_lock *l);
void sync_lock_wr_slow(struct sync_lock *l);
void sync_lock_wake(struct sync_lock *l);

static inline int sync_lock_init(struct sync_lock *l)
{
    atomic_init(&l->word, 0);
    return 0;
}
static inline void sync_lock_destroy(struct sync_lock *l) { (void)l; }

static inline void sync_rdlock(struct sync_lock *l)
{
    uint32_t s = atomic_load_explicit(&l->word, memory_order_relaxed);
    if (__builtin_expect(!(s & (LOCK_W | LOCK_P)), 1) &&
        atomic_compare_exchange_weak_explicit(&l->word, &s, s + 1, memory_order_acquire,
                                              memory_order_relaxed))
        return;
    sync_lock_rd_slow(l);
}

static inline void sync_rdunlock(struct sync_lock *l)
{
    uint32_t s = atomic_fetch_sub_explicit(&l->word, 1, memory_order_release);
    /* the last reader out wakes the sleepers (a writer, readers behind it) */
    if (__builtin_expect((s & (LOCK_COUNT | LOCK_S)) == (1 | LOCK_S), 0))
        sync_lock_wake(l);
}

static inline void sync_wrlock(struct sync_lock *l)
{
    uint32_t s = 0;
    if (__builtin_expect(atomic_compare_exchange_weak_explicit(&l->word, &s, LOCK_W,
                                                               memory_order_acquire,
                                                               memory_order_relaxed),
                         1))
        return;
    sync_lock_wr_slow(l);
}

static inline void sync_wrunlock(struct sync_lock *l)
{
    uint32_t s = atomic_exchange_explicit(&l->word, 0, memory_order_release);
    if (__builtin_expect(s & LOCK_S, 0))
        sync_lock_wake(l);
}

#else /* the pthread locks */

struct sync_lock {
    pthread_rwlock_t rw;
};

int sync_lock_init(struct sync_lock *l);
static inline void sync_lock_destroy(struct sync_lock *l) { pthread_rwlock_destroy(&l->rw); }
static inline void sync_rdlock(struct sync_lock *l) { pthread_rwlock_rdlock(&l->rw); }
static inline void sync_rdunlock(struct sync_lock *l) { pthread_rwlock_unlock(&l->rw); }
static inline void sync_wrlock(struct sync_lock *l) { pthread_rwlock_wrlock(&l->rw); }
static inline void sync_wrunlock(struct sync_lock *l) { pthread_rwlock_unlock(&l->rw); }

#endif

#endif /* LIBMAP_LOCK_H */
