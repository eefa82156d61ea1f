/*
 * natural-race.c — races that happen by themselves: two threads use one map
 * with no lock and no write hook until libmap notices and aborts. The
 * tracing tests record these (not libmap-demo, not the hook) to check what
 * the flight recorder and libmap-timeline say against the core file.
 *
 * usage: natural-race KIND [SECONDS]
 *   write-write     both threads assign and delete u64 keys
 *   assign-lookup   one thread assigns and deletes, the other looks up
 *   clear-lookup    one thread clears and refills, the other looks up
 *   iterate-assign  one thread iterates, the other assigns
 *   grow            both threads insert new keys into a map that starts
 *                   empty, so that it keeps growing
 *   callback        both assign byte keys through a slow user equality
 *                   callback (the writer is in user code at the collision)
 *
 * Prints "pid=P tid_a=A tid_b=B" (flushed) once both threads run, then
 * races. libmap aborts (status 134) naming the two threads; a race not
 * seen within SECONDS (default 20) exits 3.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <libmap/map.h>

#include "check.h"

enum kind { WRITE_WRITE, ASSIGN_LOOKUP, CLEAR_LOOKUP, ITERATE_ASSIGN, GROW, CALLBACK };
#define NKINDS 6

static libmap *map;
static enum kind kind;
static pthread_barrier_t started;
static pid_t tid_a, tid_b;
static volatile uint64_t sink;

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

/* A slow equality: the comparison a user might do on records. */
static bool slow_equal(const void *a, const void *b, size_t n, void *ctx)
{
    (void)ctx;
    for (volatile int spin = 0; spin < 200; spin++)
        ;
    return memcmp(a, b, n) == 0;
}

static void assign_some(uint64_t base, uint64_t i)
{
    uint64_t v = i;
    if (kind == CALLBACK) {
        uint64_t key[2] = {base + i % 64, 0};
        libmap_assign(map, key, &v);
    } else {
        libmap_assign_u64(map, base + i % 4096, &v);
        if (i % 3 == 0)
            libmap_delete_u64(map, base + (i + 2048) % 4096);
    }
}

static void side_a(void)
{
    for (uint64_t i = 0;; i++) {
        switch (kind) {
        case WRITE_WRITE:
        case ASSIGN_LOOKUP:
        case CALLBACK:
            assign_some(0, i);
            break;
        case GROW: {
            uint64_t v = i;
            libmap_assign_u64(map, 2 * i, &v);
            break;
        }
        case CLEAR_LOOKUP:
            if (i % 512 == 0)
                libmap_clear(map);
            assign_some(0, i);
            break;
        case ITERATE_ASSIGN: {
            libmap_iter it;
            const void *k;
            void *v;
            libmap_iter_init(&it, map);
            while (libmap_iter_next(&it, &k, &v))
                sink += *(const uint64_t *)k;
            libmap_iter_done(&it);
            break;
        }
        }
    }
}

static void side_b(void)
{
    for (uint64_t i = 0;; i++) {
        switch (kind) {
        case WRITE_WRITE:
        case CALLBACK:
        case ITERATE_ASSIGN:
            assign_some(1u << 20, i);
            break;
        case GROW: {
            uint64_t v = i;
            libmap_assign_u64(map, 2 * i + 1, &v);
            break;
        }
        case ASSIGN_LOOKUP:
        case CLEAR_LOOKUP: {
            uint64_t v;
            sink += libmap_lookup_u64(map, i % 4096, &v);
            break;
        }
        }
    }
}

static void *thread_a(void *arg)
{
    (void)arg;
    tid_a = gettid_();
    pthread_barrier_wait(&started);
    pthread_barrier_wait(&started);
    side_a();
    return NULL;
}

static void *thread_b(void *arg)
{
    (void)arg;
    tid_b = gettid_();
    pthread_barrier_wait(&started);
    pthread_barrier_wait(&started);
    side_b();
    return NULL;
}

static void *give_up(void *arg)
{
    sleep((unsigned)(long)arg);
    fprintf(stderr, "natural-race: no race detected within %ld s\n", (long)arg);
    _exit(3);
}

int main(int argc, char **argv)
{
    static const char *kinds[NKINDS] = {"write-write", "assign-lookup",  "clear-lookup",
                                         "iterate-assign", "grow", "callback"};
    if (argc < 2) {
        fprintf(stderr, "usage: natural-race write-write|assign-lookup|clear-lookup|"
                        "iterate-assign|grow|callback [SECONDS]\n");
        return 2;
    }
    int k = 0;
    while (k < NKINDS && strcmp(argv[1], kinds[k]) != 0)
        k++;
    if (k == NKINDS) {
        fprintf(stderr, "natural-race: unknown kind %s\n", argv[1]);
        return 2;
    }
    kind = (enum kind)k;
    long seconds = argc > 2 ? atol(argv[2]) : 20;

    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(uint64_t)};
    if (kind == CALLBACK) {
        cfg.key_kind = LIBMAP_KEY_BYTES;
        cfg.key_size = 2 * sizeof(uint64_t);
        cfg.equal = slow_equal;
    }
    CHECK_EQ(libmap_new(&cfg, &map), 0);
    for (uint64_t i = 0; i < 256 && kind != GROW; i++)
        assign_some(0, i);

    CHECK_EQ(pthread_barrier_init(&started, NULL, 3), 0);
    pthread_t a, b, g;
    CHECK_EQ(pthread_create(&a, NULL, thread_a, NULL), 0);
    CHECK_EQ(pthread_create(&b, NULL, thread_b, NULL), 0);
    CHECK_EQ(pthread_create(&g, NULL, give_up, (void *)seconds), 0);
    pthread_barrier_wait(&started);
    printf("pid=%d tid_a=%d tid_b=%d\n", (int)getpid(), (int)tid_a, (int)tid_b);
    fflush(stdout);
    pthread_barrier_wait(&started);
    pthread_join(a, NULL);
    return 1;
}
