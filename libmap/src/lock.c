/*
 * lock.c — the reader-writer lock of the safe maps (lock.h): its creation
 * with what debuggers read (kind, parent, shard, the guarded map), and its
 * slow paths: spinning, sleeping on the futex and waking, each wait timed
 * for the libmap:lock_wait event when that event is enabled.
 */
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lock.h"
#include "trace.h"

static int lock_state_init(struct sync_lock *l);

int sync_lock_init(struct sync_lock *l, uint32_t kind, const void *parent, uint32_t shard,
                   uint32_t nshards, struct libmap *map)
{
    if (lock_state_init(l) != 0)
        return -1;
    atomic_init(&l->owner, 0);
    atomic_init(&l->drain, 0);
    l->magic = LIBMAP_LOCK_MAGIC;
    l->kind = kind;
    l->shard = shard;
    l->nshards = nshards;
    l->parent = parent;
    l->map = map;
    map->guard = l;
    return 0;
}

/* A slow path's wait, timed when libmap:lock_wait is enabled (t0 is then
 * the time the wait began, else 0); the event is emitted by trace.c when
 * the wait was at least the threshold. */
#define WAIT_TIMED(l, mode, wait)                                                                 \
    do {                                                                                           \
        LIBMAP_TRACE_START(lock_wait, t0_);                                                        \
        wait;                                                                                      \
        LIBMAP_TRACE_LOCK_WAIT((l), (mode), t0_);                                                  \
    } while (0)

#if LOCK_WORD_LOCKS

/* Rounds of re-reading the word before sleeping: about the length of a
 * map operation (a few hundred ns), so that a lock held for one operation
 * is usually free again before the waiter would pay for a system call. */
#define LOCK_SPINS 200

const char *sync_lock_name(void)
{
    return LIBMAP_SYNC_LOCK == LIBMAP_LOCK_SLOTS ? "spin-futex-slots" : "spin-futex";
}

static int lock_state_init(struct sync_lock *l)
{
    atomic_init(&l->word, 0);
#if LOCK_NSLOTS > 0
    for (unsigned i = 0; i < LOCK_NSLOTS; i++)
        atomic_init(&l->slots[i].readers, 0);
#endif
    return 0;
}

void sync_lock_destroy(struct sync_lock *l) { l->magic = 0; }

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static void futex_wait(struct sync_lock *l, uint32_t expected)
{
    syscall(SYS_futex, &l->word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

void sync_lock_wake(struct sync_lock *l)
{
    atomic_fetch_and_explicit(&l->word, ~LOCK_S, memory_order_relaxed);
    syscall(SYS_futex, &l->word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

/* The one wait loop of the word locks. Until the word has none of the busy
 * bits: spin LOCK_SPINS rounds re-reading it, then set S (and announce)
 * and sleep on the exact word stored. Once it is free, store enter(word)
 * in its place (the thread has entered) and return; with enter NULL just
 * return (the caller enters its own way). */
static void word_wait(struct sync_lock *l, uint32_t busy, uint32_t (*enter)(uint32_t s),
                      uint32_t announce)
{
    unsigned spins = 0;
    for (;;) {
        uint32_t s = atomic_load_explicit(&l->word, memory_order_seq_cst);
        if (!(s & busy)) {
            if (enter == NULL ||
                atomic_compare_exchange_weak_explicit(&l->word, &s, enter(s),
                                                      memory_order_seq_cst, memory_order_relaxed))
                return;
            continue;
        }
        if (spins < LOCK_SPINS) {
            spins++;
            cpu_relax();
            continue;
        }
        uint32_t sleep = s | LOCK_S | announce;
        if (sleep != s && !atomic_compare_exchange_weak_explicit(&l->word, &s, sleep,
                                                                 memory_order_seq_cst,
                                                                 memory_order_relaxed))
            continue;
        futex_wait(l, sleep);
    }
}

#if LIBMAP_SYNC_LOCK == LIBMAP_LOCK_SLOTS

/* A reader left while the writer sleeps until the readers are gone: wake
 * it (it reads the slots again and sleeps again if some are left). */
void sync_lock_drained(struct sync_lock *l)
{
    if (atomic_exchange_explicit(&l->drain, 0, memory_order_seq_cst) != 0)
        syscall(SYS_futex, &l->drain, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* A reader that found W or P after counting itself: take the count back
 * (waking a writer that sleeps until the readers are gone), wait for the
 * writer to leave, count itself again. */
static void rd_wait(struct sync_lock *l, struct lock_slot *slot)
{
    for (;;) {
        atomic_fetch_sub_explicit(&slot->readers, 1, memory_order_seq_cst);
        if (atomic_load_explicit(&l->drain, memory_order_seq_cst) != 0)
            sync_lock_drained(l);
        word_wait(l, LOCK_W | LOCK_P, NULL, 0);
        atomic_fetch_add_explicit(&slot->readers, 1, memory_order_seq_cst);
        if (!(atomic_load_explicit(&l->word, memory_order_seq_cst) & (LOCK_W | LOCK_P)))
            return;
    }
}

/* A writer waiting for another writer: W is set by one writer at a time. */
static uint32_t with_writer(uint32_t s) { return s | LOCK_W; }
static void wr_wait(struct sync_lock *l) { word_wait(l, LOCK_W, with_writer, 0); }

/* The writer holds W: wait until the readers that entered before it are
 * gone. drain is set to 1 before the slots are read again, and a leaving
 * reader reads drain after its decrement: one of them sees the other. */
static void drain(struct sync_lock *l)
{
    unsigned spins = 0;
    while (!lock_slots_empty(l)) {
        if (spins < LOCK_SPINS) {
            spins++;
            cpu_relax();
            continue;
        }
        atomic_store_explicit(&l->drain, 1, memory_order_seq_cst);
        if (lock_slots_empty(l)) {
            atomic_store_explicit(&l->drain, 0, memory_order_relaxed);
            return;
        }
        syscall(SYS_futex, &l->drain, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
    }
    atomic_store_explicit(&l->drain, 0, memory_order_relaxed);
}

void sync_lock_rd_slow(struct sync_lock *l, struct lock_slot *slot)
{
    WAIT_TIMED(l, LIBMAP_LOCK_READ, rd_wait(l, slot));
}
void sync_lock_wr_slow(struct sync_lock *l) { WAIT_TIMED(l, LIBMAP_LOCK_WRITE, wr_wait(l)); }
void sync_lock_drain(struct sync_lock *l) { WAIT_TIMED(l, LIBMAP_LOCK_WRITE, drain(l)); }

#else /* LIBMAP_LOCK_SPIN_FUTEX: the readers counted in the word */

static uint32_t one_more_reader(uint32_t s) { return s + 1; }
static void rd_wait(struct sync_lock *l) { word_wait(l, LOCK_W | LOCK_P, one_more_reader, 0); }

/* keep S: others may sleep; drop P: waiting writers set it again */
static uint32_t writer_in(uint32_t s) { return LOCK_W | (s & LOCK_S); }
static void wr_wait(struct sync_lock *l) { word_wait(l, LOCK_W | LOCK_COUNT, writer_in, LOCK_P); }

void sync_lock_rd_slow(struct sync_lock *l) { WAIT_TIMED(l, LIBMAP_LOCK_READ, rd_wait(l)); }
void sync_lock_wr_slow(struct sync_lock *l) { WAIT_TIMED(l, LIBMAP_LOCK_WRITE, wr_wait(l)); }

#endif

#else

const char *sync_lock_name(void)
{
    return LIBMAP_SYNC_LOCK == LIBMAP_LOCK_PTHREAD_WP ? "pthread-rwlock-wp" : "pthread-rwlock";
}

static int lock_state_init(struct sync_lock *l)
{
    pthread_rwlockattr_t attr;
    if (pthread_rwlockattr_init(&attr) != 0)
        return -1;
#if LIBMAP_SYNC_LOCK == LIBMAP_LOCK_PTHREAD_WP
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
    int rc = pthread_rwlock_init(&l->rw, &attr);
    pthread_rwlockattr_destroy(&attr);
    return rc == 0 ? 0 : -1;
}

void sync_lock_destroy(struct sync_lock *l)
{
    l->magic = 0;
    pthread_rwlock_destroy(&l->rw);
}

void sync_lock_rd_slow(struct sync_lock *l)
{
    WAIT_TIMED(l, LIBMAP_LOCK_READ, pthread_rwlock_rdlock(&l->rw));
}
void sync_lock_wr_slow(struct sync_lock *l)
{
    WAIT_TIMED(l, LIBMAP_LOCK_WRITE, pthread_rwlock_wrlock(&l->rw));
}

#endif
