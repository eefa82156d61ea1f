/*
 * inline_race.c — a racing program for the differential stack test
 * (tests/stacks): three threads write one libmap map without a lock until
 * libmap aborts, each reaching libmap through a different call shape that
 * the optimizer turns into inlined frames:
 *   chain_worker   four levels: always_inline, always_inline, static inline,
 *                  plain static function, then libmap_assign_u64
 *   visit_worker   a visitor callback passed by function pointer to a
 *                  walker; at -O2 both are inlined into the thread's start
 *   sort_worker    a qsort comparator that writes to the map (frames of
 *                  libc's qsort in between)
 * and a fourth thread waits inside a signal handler, so that one stack
 * holds a signal frame (gdb's <signal handler called>).
 * Built at -O0, -O2 and -O3; the test compares every thread's frames as
 * libmap-coredump, eu-stack -i and gdb see them in the core.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <libmap/map.h>

static libmap *shared;
/* every worker is in its loop before any writes: no thread is still being
 * created (in clone3, not unwindable) when the race aborts the process */
static pthread_barrier_t started;

/* --- four levels of inlined calls --- */
static void __attribute__((noinline)) chain_store(uint64_t k)
{
    uint64_t v = k * 3;
    libmap_assign_u64(shared, k, &v);
    if (k & 1)
        libmap_delete_u64(shared, k - 1);
}

static inline void chain_level3(uint64_t k)
{
    chain_store(k + 1);
}

static inline __attribute__((always_inline)) void chain_level2(uint64_t k)
{
    chain_level3(k ^ 0x10);
}

static inline __attribute__((always_inline)) void chain_level1(uint64_t k)
{
    chain_level2(k + 7);
}

static void *chain_worker(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&started);
    for (uint64_t k = 0;; k++)
        chain_level1(k & 0xfff);
    return NULL;
}

/* --- a visitor callback inlined into a walker inlined into the thread --- */
typedef void (*visitor_fn)(uint64_t key, void *ctx);

static void visit_assign(uint64_t key, void *ctx)
{
    uint64_t v = key + (uint64_t)(uintptr_t)ctx;
    libmap_assign_u64(shared, key, &v);
}

static inline void walk_keys(uint64_t from, uint64_t n, visitor_fn fn, void *ctx)
{
    for (uint64_t k = from; k < from + n; k++)
        fn(k, ctx);
}

static void *visit_worker(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&started);
    for (uint64_t round = 0;; round++)
        walk_keys(round & 0x7ff, 64, visit_assign, (void *)(uintptr_t)round);
    return NULL;
}

/* --- a qsort comparator that writes to the map --- */
static inline void note_comparison(uint64_t a)
{
    uint64_t v = a;
    libmap_assign_u64(shared, 0x100000 + (a & 0x3ff), &v);
}

static int compare_and_write(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    note_comparison(a);
    return (a > b) - (a < b);
}

static void *sort_worker(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&started);
    uint64_t keys[64];
    for (uint64_t round = 0;; round++) {
        for (int i = 0; i < 64; i++)
            keys[i] = (round * 2654435761u + (uint64_t)i * 40503u) & 0xffff;
        qsort(keys, 64, sizeof keys[0], compare_and_write);
    }
    return NULL;
}

/* --- a thread parked in a signal handler --- */
static void park_in_handler(int sig)
{
    (void)sig;
    for (;;)
        pause();
}

static void *signal_worker(void *arg)
{
    (void)arg;
    struct sigaction sa = {.sa_handler = park_in_handler};
    sigaction(SIGUSR1, &sa, NULL);
    pthread_barrier_wait(&started);
    pthread_kill(pthread_self(), SIGUSR1);
    return NULL;
}

int main(void)
{
    /* sized for every key the workers write: the race is between plain
     * writes, with no growth (a race during growth can still end in a
     * silent crash, issue 12, which is not what this test is about) */
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(uint64_t),
                         .hint = 16384};
    if (libmap_new(&cfg, &shared) != 0)
        return 1;
    pthread_barrier_init(&started, NULL, 4);
    pthread_t t[4];
    void *(*fn[4])(void *) = {chain_worker, visit_worker, sort_worker, signal_worker};
    for (int i = 0; i < 4; i++)
        if (pthread_create(&t[i], NULL, fn[i], NULL) != 0)
            return 1;
    printf("pid %d\n", (int)getpid());
    fflush(stdout);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    return 0;
}
