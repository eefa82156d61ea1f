/*
 * demo-workers.c — what libmap-demo's worker threads do. Racing roles first
 * do --warmup operations under the shared mutex, then all drop the lock at
 * once and run tight loops until libmap aborts the process; the mixed role
 * (race none) does the same kinds of work under the mutex, --ops times.
 */
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"

const char *demo_role_name(enum demo_role role)
{
    switch (role) {
    case ROLE_WRITER:
        return "writer";
    case ROLE_READER:
        return "reader";
    case ROLE_ITERATOR:
        return "iterator";
    default:
        return "mixed";
    }
}

enum demo_role demo_role_for(enum demo_mode mode, unsigned index)
{
    switch (mode) {
    case MODE_WRITE_WRITE:
        return ROLE_WRITER;
    case MODE_READ_WRITE:
        return index == 0 ? ROLE_WRITER : ROLE_READER;
    case MODE_ITER_WRITE:
        return index == 0 ? ROLE_WRITER : ROLE_ITERATOR;
    default:
        return ROLE_MIXED;
    }
}

/* xorshift64*: a per-thread generator, no shared state. */
uint64_t demo_next_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(2685821657736338717);
}

uint64_t demo_seed_for(pid_t tid)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t s = ((uint64_t)tid << 32) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20);
    return s ? s : 1;
}

/* Anything the loops compute goes here so the compiler keeps the reads. */
static volatile uint64_t sink;

/* Assign (3/4 of the time with --grow, else 1/2) or delete a random key. */
static inline void write_once(libmap *m, const struct demo_options *o, uint64_t *seed)
{
    uint64_t assign_below = o->grow ? UINT64_C(3) << 62 : UINT64_C(1) << 63;
    uint64_t r = demo_next_rand(seed);
    uint64_t k = r % o->keys;
    if (r < assign_below)
        (void)libmap_assign_u64(m, k, &r);
    else
        (void)libmap_delete_u64(m, k);
}

static inline void read_once(libmap *m, const struct demo_options *o, uint64_t *seed)
{
    uint64_t v;
    if (libmap_lookup_u64(m, demo_next_rand(seed) % o->keys, &v))
        sink = v;
}

/* Iterate over up to max_steps entries (0: the whole map). */
static void iterate_once(libmap *m, unsigned max_steps)
{
    libmap_iter it;
    const void *k;
    uint64_t sum = 0;
    unsigned n = 0;
    libmap_iter_init(&it, m);
    while (libmap_iter_next(&it, &k, NULL)) {
        sum += *(const uint64_t *)k;
        if (++n == max_steps) {
            libmap_iter_done(&it);
            break;
        }
    }
    sink = sum;
}

/* One operation of the worker's role. */
static inline void role_once(const struct demo_worker *w, uint64_t *seed, unsigned iter_steps)
{
    libmap *m = w->shared->map;
    const struct demo_options *o = w->shared->opt;
    switch (w->role) {
    case ROLE_WRITER:
        write_once(m, o, seed);
        break;
    case ROLE_READER:
        read_once(m, o, seed);
        break;
    default:
        iterate_once(m, iter_steps);
        break;
    }
}

/* Correct use first: the role's operations under the mutex, so that the
 * threads have a history (traces, timelines) before the lock is dropped. */
static void warm_up(const struct demo_worker *w, uint64_t *seed)
{
    struct demo_shared *sh = w->shared;
    for (uint64_t n = 0; n < sh->opt->warmup; n++) {
        pthread_mutex_lock(&sh->lock);
        role_once(w, seed, 32);
        pthread_mutex_unlock(&sh->lock);
    }
}

/* race none: a mix of all operations, each under the mutex. */
static void mixed_loop(struct demo_shared *sh, uint64_t *seed)
{
    libmap *m = sh->map;
    const struct demo_options *o = sh->opt;
    for (uint64_t n = 0; n < o->ops; n++) {
        unsigned choice = (unsigned)(demo_next_rand(seed) % 100);
        pthread_mutex_lock(&sh->lock);
        if (choice < 70)
            write_once(m, o, seed);
        else if (choice < 97)
            read_once(m, o, seed);
        else
            iterate_once(m, 32);
        pthread_mutex_unlock(&sh->lock);
    }
}

void *demo_worker_main(void *arg)
{
    struct demo_worker *w = arg;
    struct demo_shared *sh = w->shared;
    w->tid = (pid_t)syscall(SYS_gettid);
    pthread_barrier_wait(&sh->ready);
    pthread_barrier_wait(&sh->go);
    uint64_t seed = demo_seed_for(w->tid);
    if (w->role == ROLE_MIXED) {
        mixed_loop(sh, &seed);
        return NULL;
    }
    warm_up(w, &seed);
    /* everyone drops the lock at once: the race starts here */
    pthread_barrier_wait(&sh->unlocked);
    for (;;)
        role_once(w, &seed, 0);
}
