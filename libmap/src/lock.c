/*
 * lock.c — the slow paths of the reader-writer lock (lock.h): spinning,
 * sleeping on the futex and waking; and the pthread locks' initialization.
 */
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lock.h"

#if LIBMAP_SYNC_LOCK == LIBMAP_LOCK_SPIN_FUTEX

/* Rounds of re-reading the word before sleeping: about the length of a
 * map operation (a few hundred ns), so that a lock held for one operation
 * is usually free again before the waiter would pay for a system call. */
#define LOCK_SPINS 200

const char *sync_lock_name(void) { return "spin-futex"; }

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

void sync_lock_rd_slow(struct sync_lock *l)
{
    unsigned spins = 0;
    for (;;) {
        uint32_t s = atomic_load_explicit(&l->word, memory_order_relaxed);
        if (!(s & (LOCK_W | LOCK_P))) {
            if (atomic_compare_exchange_weak_explicit(&l->word, &s, s + 1, memory_order_acquire,
                                                      memory_order_relaxed))
                return;
            continue;
        }
        if (spins < LOCK_SPINS) {
            spins++;
            cpu_relax();
            continue;
        }
        uint32_t sleep = s | LOCK_S;
        if (sleep != s && !atomic_compare_exchange_weak_explicit(&l->word, &s, sleep,
                                                                 memory_order_relaxed,
                                                                 memory_order_relaxed))
            continue;
        futex_wait(l, sleep);
    }
}

void sync_lock_wr_slow(struct sync_lock *l)
{
    unsigned spins = 0;
    for (;;) {
        uint32_t s = atomic_load_explicit(&l->word, memory_order_relaxed);
        if (!(s & (LOCK_W | LOCK_COUNT))) {
            /* keep S: others may sleep; drop P: waiting writers set it again */
            if (atomic_compare_exchange_weak_explicit(&l->word, &s, LOCK_W | (s & LOCK_S),
                                                      memory_order_acquire, memory_order_relaxed))
                return;
            continue;
        }
        if (spins < LOCK_SPINS) {
            spins++;
            cpu_relax();
            continue;
        }
        uint32_t sleep = s | LOCK_S | LOCK_P;
        if (sleep != s && !atomic_compare_exchange_weak_explicit(&l->word, &s, sleep,
                                                                 memory_order_relaxed,
                                                                 memory_order_relaxed))
            continue;
        futex_wait(l, sleep);
    }
}

#else

const char *sync_lock_name(void)
{
    return LIBMAP_SYNC_LOCK == LIBMAP_LOCK_PTHREAD_WP ? "pthread-rwlock-wp" : "pthread-rwlock";
}

int sync_lock_init(struct sync_lock *l)
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

#endif
