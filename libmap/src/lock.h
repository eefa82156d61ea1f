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
 *   LIBMAP_LOCK_SLOTS       3  the same word for writers, but readers count
 *                              themselves in LOCK_NSLOTS reader slots, one
 *                              cache line each (see "Reader slots" below)
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
 *
 * Reader slots (LIBMAP_LOCK_SLOTS). With the count in the word, every
 * read lock and unlock is an atomic add on the one line of the lock: with
 * lookups on two cores that line moves between them on most lookups, and
 * two threads look up no faster than one (docs/performance.md). Here a
 * reader adds 1 to its own slot (slot = its TID mod LOCK_NSLOTS: threads
 * created one after the other get different slots), then reads the word:
 * if neither W nor P is set it holds the lock, else it takes its 1 back
 * and waits as above. A writer sets W in the word (as above, exclusive
 * among writers), then waits until every slot is 0. Both sides write
 * first and read the other's location second, with sequentially
 * consistent atomics (a locked instruction on x86-64): either the reader
 * sees W, or the writer sees the reader's count, never neither. A writer
 * that sleeps until the readers are gone does so on a futex word of its
 * own, drain: it stores 1 there, reads the slots again, and sleeps while
 * drain is 1; a reader leaving reads drain after its decrement and, when
 * it is 1, sets it to 0 and wakes the writer. Only the writer holding W
 * sets drain, so no one sets it back to 1 behind the reader (sleeping on
 * the word instead, with S, lost that wake-up: a reader waiting for the
 * writer sets S again after clearing it, and the writer then slept on a
 * word equal to the one it expected; both slept for good). Readers on
 * different cores then write different lines; a writer reads
 * LOCK_NSLOTS lines.
 *
 * Every lock also says, for debuggers, who holds it and what it guards:
 * the writer stores its TID in owner after entering and clears it before
 * leaving (a relaxed store to a line it already owns), and sync_lock_init
 * records the guarded map's kind, parent and shard. The inner map points
 * at its lock (struct libmap's guard); libmap_layout describes the fields
 * (lock_*), so libmap-coredump and the gdb scripts name the holder of a
 * write lock in a core. A wait that goes to the slow path is timed there
 * and, above the threshold, emitted as the libmap:lock_wait event.
 */
#ifndef LIBMAP_LOCK_H
#define LIBMAP_LOCK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "internal.h"

#define LIBMAP_LOCK_PTHREAD 0
#define LIBMAP_LOCK_PTHREAD_WP 1
#define LIBMAP_LOCK_SPIN_FUTEX 2

#define LIBMAP_LOCK_SLOTS 3

#ifndef LIBMAP_SYNC_LOCK
#define LIBMAP_SYNC_LOCK LIBMAP_LOCK_SLOTS
#endif

/* The lock's name, for benchmarks and reports. */
const char *sync_lock_name(void);

#define LOCK_WORD_LOCKS (LIBMAP_SYNC_LOCK == LIBMAP_LOCK_SPIN_FUTEX || \
                         LIBMAP_SYNC_LOCK == LIBMAP_LOCK_SLOTS)

#if LOCK_WORD_LOCKS

#define LOCK_W (UINT32_C(1) << 31)
#define LOCK_P (UINT32_C(1) << 30)
#define LOCK_S (UINT32_C(1) << 29)
#define LOCK_COUNT (LOCK_S - 1)

#define LOCK_STATE _Atomic uint32_t word;
#define LOCK_STATE_FIELD word
/* what libmap_layout tells debuggers about the state word */
#define LOCK_WORD_WRITER LOCK_W
#define LOCK_WORD_WAITING LOCK_P
#if LIBMAP_SYNC_LOCK == LIBMAP_LOCK_SLOTS
#define LOCK_WORD_READERS 0 /* in the slots */
#define LOCK_NSLOTS 4
#else
#define LOCK_WORD_READERS LOCK_COUNT
#endif
#else
#define LOCK_STATE pthread_rwlock_t rw;
#define LOCK_STATE_FIELD rw
/* glibc's rwlock state is its own: debuggers see only the owner */
#define LOCK_WORD_WRITER 0
#define LOCK_WORD_WAITING 0
#define LOCK_WORD_READERS 0
#endif

#ifndef LOCK_NSLOTS
#define LOCK_NSLOTS 0
#endif

/* A reader slot: the readers holding the lock that counted themselves in
 * it, alone on its cache line. */
struct lock_slot {
    _Atomic uint32_t readers;
} __attribute__((aligned(64)));

/* lock_wait's mode */
#define LIBMAP_LOCK_READ 0
#define LIBMAP_LOCK_WRITE 1

struct sync_lock {
    LOCK_STATE
    _Atomic int32_t owner; /* TID holding it for writing; 0 when none */
    _Atomic uint32_t drain; /* LIBMAP_LOCK_SLOTS: 1 while the writer sleeps until the
                             * readers are gone (its futex word: see drain()) */
    /* set once by sync_lock_init, for debuggers and lock_wait events */
    uint32_t magic;        /* LIBMAP_LOCK_MAGIC */
    uint32_t kind;         /* LIBMAP_GUARD_SYNC or LIBMAP_GUARD_SHARD */
    uint32_t shard;        /* the shard's index; 0 in a libmap_sync */
    uint32_t nshards;      /* 1 in a libmap_sync */
    const void *parent;    /* the libmap_sync or libmap_shard */
    struct libmap *map;    /* the map it guards */
    struct lock_slot slots[LOCK_NSLOTS]; /* LIBMAP_LOCK_SLOTS's reader slots */
};

/* Initialize l as the lock of shard `shard` of `nshards` of parent (kind
 * LIBMAP_GUARD_*), guarding map (whose guard field then points at l).
 * Returns 0, or -1 when the lock cannot be created. */
int sync_lock_init(struct sync_lock *l, uint32_t kind, const void *parent, uint32_t shard,
                   uint32_t nshards, struct libmap *map);
void sync_lock_destroy(struct sync_lock *l);

static inline void lock_owner_set(struct sync_lock *l)
{
    atomic_store_explicit(&l->owner, current_tid(), memory_order_relaxed);
}
static inline void lock_owner_clear(struct sync_lock *l)
{
    atomic_store_explicit(&l->owner, 0, memory_order_relaxed);
}

#if LIBMAP_SYNC_LOCK == LIBMAP_LOCK_SLOTS

void sync_lock_rd_slow(struct sync_lock *l, struct lock_slot *slot);
void sync_lock_wr_slow(struct sync_lock *l);
void sync_lock_drain(struct sync_lock *l);
void sync_lock_drained(struct sync_lock *l);
void sync_lock_wake(struct sync_lock *l);

static inline struct lock_slot *lock_my_slot(struct sync_lock *l)
{
    return &l->slots[(uint32_t)current_tid() & (LOCK_NSLOTS - 1)];
}

/* No reader counted in any slot (the writer's check, after setting W). */
static inline bool lock_slots_empty(struct sync_lock *l)
{
    for (unsigned i = 0; i < LOCK_NSLOTS; i++)
        if (atomic_load_explicit(&l->slots[i].readers, memory_order_seq_cst) != 0)
            return false;
    return true;
}

static inline void sync_rdlock(struct sync_lock *l)
{
    struct lock_slot *slot = lock_my_slot(l);
    atomic_fetch_add_explicit(&slot->readers, 1, memory_order_seq_cst);
    if (__builtin_expect(!(atomic_load_explicit(&l->word, memory_order_seq_cst) &
                           (LOCK_W | LOCK_P)), 1))
        return;
    sync_lock_rd_slow(l, slot);
}

static inline void sync_rdunlock(struct sync_lock *l)
{
    atomic_fetch_sub_explicit(&lock_my_slot(l)->readers, 1, memory_order_seq_cst);
    /* a writer sleeping until the readers are gone set drain */
    if (__builtin_expect(atomic_load_explicit(&l->drain, memory_order_seq_cst) != 0, 0))
        sync_lock_drained(l);
}

static inline void sync_wrlock(struct sync_lock *l)
{
    uint32_t s = 0;
    if (!__builtin_expect(atomic_compare_exchange_strong_explicit(&l->word, &s, LOCK_W,
                                                                  memory_order_seq_cst,
                                                                  memory_order_relaxed),
                          1))
        sync_lock_wr_slow(l);
    if (__builtin_expect(!lock_slots_empty(l), 0))
        sync_lock_drain(l);
    lock_owner_set(l);
}

#elif LIBMAP_SYNC_LOCK == LIBMAP_LOCK_SPIN_FUTEX

void sync_lock_rd_slow(struct sync_lock *l);
void sync_lock_wr_slow(struct sync_lock *l);
void sync_lock_wake(struct sync_lock *l);

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
    if (!__builtin_expect(atomic_compare_exchange_weak_explicit(&l->word, &s, LOCK_W,
                                                                memory_order_acquire,
                                                                memory_order_relaxed),
                          1))
        sync_lock_wr_slow(l);
    lock_owner_set(l);
}


#endif

#if LOCK_WORD_LOCKS
/* Both word locks: the writer leaves by clearing the word, and wakes the
 * sleepers (readers and writers that waited for it). */
static inline void sync_wrunlock(struct sync_lock *l)
{
    lock_owner_clear(l);
    uint32_t s = atomic_exchange_explicit(&l->word, 0, memory_order_release);
    if (__builtin_expect(s & LOCK_S, 0))
        sync_lock_wake(l);
}

#else /* the pthread locks */

void sync_lock_rd_slow(struct sync_lock *l);
void sync_lock_wr_slow(struct sync_lock *l);
static inline void sync_rdlock(struct sync_lock *l)
{
    if (__builtin_expect(pthread_rwlock_tryrdlock(&l->rw) != 0, 0))
        sync_lock_rd_slow(l);
}
static inline void sync_rdunlock(struct sync_lock *l) { pthread_rwlock_unlock(&l->rw); }
static inline void sync_wrlock(struct sync_lock *l)
{
    if (__builtin_expect(pthread_rwlock_trywrlock(&l->rw) != 0, 0))
        sync_lock_wr_slow(l);
    lock_owner_set(l);
}
static inline void sync_wrunlock(struct sync_lock *l)
{
    lock_owner_clear(l);
    pthread_rwlock_unlock(&l->rw);
}

#endif

#endif /* LIBMAP_LOCK_H */
