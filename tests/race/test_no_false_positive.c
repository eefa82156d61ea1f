/*
 * test_no_false_positive.c — correctly locked use never aborts: 4 threads
 * share a u64 map and a string map under one lock and each does at least
 * 10^6 mixed operations (assign, delete, lookup, iteration with writes
 * between steps, a rare clear). With --rwlock, lookups and read-only
 * iterations take a read lock, so readers really run concurrently.
 * Usage: test_no_false_positive [--rwlock] [OPS_PER_THREAD]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmap/debug.h>
#include <libmap/map.h>

#include "check.h"

#define THREADS 4
#define KEYS 8192

static libmap *u64_map, *str_map;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER;
static int use_rwlock;
static unsigned long ops_per_thread = 1000000;
static uint64_t base_seed;

static void lock(int write)
{
    if (!use_rwlock)
        pthread_mutex_lock(&mutex);
    else if (write)
        pthread_rwlock_wrlock(&rwlock);
    else
        pthread_rwlock_rdlock(&rwlock);
}

static void unlock(void)
{
    if (use_rwlock)
        pthread_rwlock_unlock(&rwlock);
    else
        pthread_mutex_unlock(&mutex);
}

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

/* One write on either map, chosen by r. */
static void write_op(uint64_t r)
{
    uint64_t k = (r >> 8) % KEYS;
    if (r & 1) {
        char s[24];
        int n = snprintf(s, sizeof s, "k%llu", (unsigned long long)k);
        if (r & 2)
            CHECK(libmap_assign_str(str_map, s, (size_t)n, &r) >= 0);
        else
            CHECK(libmap_delete_str(str_map, s, (size_t)n) >= 0);
    } else {
        if (r & 2)
            CHECK(libmap_assign_u64(u64_map, k, &r) >= 0);
        else
            CHECK(libmap_delete_u64(u64_map, k) >= 0);
    }
}

/* Up to 32 steps of an iteration; with_writes also writes between steps. */
static void iterate_op(uint64_t *seed, int with_writes)
{
    libmap_iter it;
    libmap *m = (*seed & 1) ? str_map : u64_map;
    libmap_iter_init(&it, m);
    const void *k;
    void *v;
    for (int i = 0; i < 32 && libmap_iter_next(&it, &k, &v); i++)
        if (with_writes && i % 4 == 3)
            write_op(next_rand(seed));
    libmap_iter_done(&it);
}

static void *worker(void *arg)
{
    uint64_t seed = base_seed + (uintptr_t)arg * UINT64_C(0x9e3779b97f4a7c15);
    uint64_t v;
    for (unsigned long n = 0; n < ops_per_thread; n++) {
        uint64_t r = next_rand(&seed);
        unsigned choice = (unsigned)(r >> 48) % 1000;
        if (choice < 550) { /* writes */
            lock(1);
            write_op(r);
            unlock();
        } else if (choice >= 950 && choice < 999) {
            int with_writes = choice & 1;
            lock(with_writes);
            iterate_op(&seed, with_writes);
            unlock();
        } else if (choice == 999 && (r & 0xff) == 0) { /* about once per 256k ops */
            lock(1);
            libmap_clear((r >> 8) & 1 ? str_map : u64_map);
            unlock();
        } else {
            lock(0);
            libmap_lookup_u64(u64_map, (r >> 8) % KEYS, &v);
            unlock();
        }
    }
    return NULL;
}

static size_t count_by_iteration(libmap *m)
{
    libmap_iter it;
    size_t n = 0;
    libmap_iter_init(&it, m);
    while (libmap_iter_next(&it, NULL, NULL))
        n++;
    return n;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rwlock") == 0)
            use_rwlock = 1;
        else
            ops_per_thread = strtoul(argv[i], NULL, 10);
    }
    base_seed = (uint64_t)time(NULL) | 1;
    if (getenv("LIBMAP_TEST_SEED"))
        base_seed = strtoull(getenv("LIBMAP_TEST_SEED"), NULL, 0);
    printf("no-false-positive: %d threads, %lu ops each, %s, seed %llu (LIBMAP_TEST_SEED)\n",
           THREADS, ops_per_thread, use_rwlock ? "rwlock" : "mutex",
           (unsigned long long)base_seed);
    fflush(stdout);

    libmap_config cu = {.key_kind = LIBMAP_KEY_U64, .value_size = 8};
    libmap_config cs = {.key_kind = LIBMAP_KEY_STRING, .value_size = 8};
    CHECK_EQ(libmap_new(&cu, &u64_map), 0);
    CHECK_EQ(libmap_new(&cs, &str_map), 0);

    pthread_t th[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++)
        CHECK_EQ(pthread_create(&th[i], NULL, worker, (void *)i), 0);
    for (int i = 0; i < THREADS; i++)
        CHECK_EQ(pthread_join(th[i], NULL), 0);

    CHECK_EQ(count_by_iteration(u64_map), libmap_len(u64_map));
    CHECK_EQ(count_by_iteration(str_map), libmap_len(str_map));
    CHECK(libmap_panic_record.magic == 0);
    printf("no-false-positive: ok, %zu + %zu entries left\n", libmap_len(u64_map),
           libmap_len(str_map));
    libmap_free(u64_map);
    libmap_free(str_map);
    return 0;
}
