/*
 * trace-race.c — a deterministic two-writer race for the flight-recorder
 * test. Threads A and B first take turns writing one map under a mutex (so
 * the ring buffer holds writes from both), then A is parked inside its write
 * window by the write-window hook and B writes: libmap detects "concurrent
 * map writes" in B, naming A as the writer, and aborts (exit status 134).
 * Prints "tid_a=N tid_b=M" first, flushed, for the test to compare.
 *
 * usage: trace-race [TURNS]   (default 100 writes per thread before the race)
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libmap/debug.h>
#include <libmap/map.h>

#include "check.h"

static libmap *map;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t tids_known;
static sem_t a_inside;
static volatile int park_a;
static pid_t tid_a, tid_b;
static long turns = 100;

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

/* Parks thread A inside its write window once the race phase starts. */
static void hook(const libmap *m, enum libmap_op op, void *ctx)
{
    (void)m, (void)op, (void)ctx;
    if (park_a && gettid_() == tid_a) {
        sem_post(&a_inside);
        for (;;)
            pause();
    }
}

static void write_turns(uint64_t base)
{
    for (long i = 0; i < turns; i++) {
        uint64_t v = (uint64_t)i;
        pthread_mutex_lock(&lock);
        libmap_assign_u64(map, base + (uint64_t)i, &v);
        pthread_mutex_unlock(&lock);
        sched_yield();
    }
}

static void *thread_a(void *arg)
{
    (void)arg;
    tid_a = gettid_();
    pthread_barrier_wait(&tids_known);
    write_turns(0);
    pthread_barrier_wait(&tids_known);
    park_a = 1;
    uint64_t v = 1;
    libmap_assign_u64(map, 1u << 30, &v); /* parks in the hook, never returns */
    return NULL;
}

static void *thread_b(void *arg)
{
    (void)arg;
    tid_b = gettid_();
    pthread_barrier_wait(&tids_known);
    write_turns(1u << 20);
    pthread_barrier_wait(&tids_known);
    while (sem_wait(&a_inside) != 0)
        ;
    uint64_t v = 2;
    libmap_assign_u64(map, (1u << 30) + 1, &v); /* detects A: panics */
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        turns = atol(argv[1]);
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(uint64_t)};
    CHECK_EQ(libmap_new(&cfg, &map), 0);
    libmap_debug_set_write_hook(hook, NULL);
    CHECK_EQ(sem_init(&a_inside, 0, 0), 0);
    CHECK_EQ(pthread_barrier_init(&tids_known, NULL, 3), 0);
    pthread_t a, b;
    CHECK_EQ(pthread_create(&a, NULL, thread_a, NULL), 0);
    CHECK_EQ(pthread_create(&b, NULL, thread_b, NULL), 0);
    pthread_barrier_wait(&tids_known);
    printf("tid_a=%d tid_b=%d\n", (int)tid_a, (int)tid_b);
    fflush(stdout);
    pthread_barrier_wait(&tids_known);
    pthread_join(b, NULL);
    pthread_join(a, NULL);
    fprintf(stderr, "trace-race: no panic\n");
    return 1;
}
