/*
 * lock-contend.c — contention on safe maps, for the viewer's lock-wait
 * test: THREADS threads (default 8) share one libmap_shard of 4 shards and
 * one libmap_sync, and each makes OPS rounds (default 20000) of an update
 * and a lookup on the shard map (keys spread over all shards), an update
 * of the sync map every 4th round and a len of it every 64th. The updates'
 * callback spins a little under the write lock (a user's slow merge) and
 * every 32nd time sleeps 20 us there, so that the locks are contended even
 * when the threads get a single CPU between them: run with
 * LIBMAP_LOCK_WAIT_NS=0 every wait that leaves a lock's fast path is a
 * libmap:lock_wait event.
 *
 * usage: lock-contend [THREADS [OPS]]
 * Prints, flushed before the threads start, the oracle as KEY=VALUE lines:
 *   pid=P shard=0xADDR shards=4 sync=0xADDR threads=N
 * and exits 0 after checking both maps' sizes.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <libmap/sync.h>

#include "check.h"

#define SHARD_BITS 2
#define KEYS 4096

static libmap_shard *shard;
static libmap_sync *sync_map;
static unsigned long ops = 20000;
static pthread_barrier_t go;

/* The update callback: store the thread's id after a short spin, or a
 * sleep every 32nd call of the thread. */
static int slow_store(const void *key, void *value, bool present, void *ctx)
{
    static __thread unsigned calls;
    (void)key, (void)present;
    if (++calls % 32 == 0)
        usleep(20);
    for (volatile int spin = 0; spin < 300; spin++)
        ;
    *(uint64_t *)value = *(const uint64_t *)ctx;
    return LIBMAP_UPDATE_STORE;
}

static void *worker(void *arg)
{
    uint64_t id = (uint64_t)(uintptr_t)arg;
    pthread_barrier_wait(&go);
    for (unsigned long i = 0; i < ops; i++) {
        uint64_t key = (id * 7919 + i) % KEYS, small = key % 256, out;
        CHECK(libmap_shard_update(shard, &key, slow_store, &id) >= 0);
        (void)libmap_shard_lookup_u64(shard, (key + 1) % KEYS, &out);
        if (i % 4 == 0)
            CHECK(libmap_sync_update(sync_map, &small, slow_store, &id) >= 0);
        if (i % 64 == 0)
            CHECK(libmap_sync_len(sync_map) <= 256);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    unsigned nthreads = argc > 1 ? (unsigned)atoi(argv[1]) : 8;
    if (argc > 2)
        ops = strtoul(argv[2], NULL, 10);
    if (nthreads < 2 || nthreads > 64 || ops == 0) {
        fprintf(stderr, "usage: lock-contend [THREADS (2-64) [OPS (> 0)]]\n");
        return 2;
    }
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(uint64_t)};
    CHECK_EQ(libmap_shard_new(&cfg, SHARD_BITS, &shard), 0);
    CHECK_EQ(libmap_sync_new(&cfg, &sync_map), 0);
    printf("pid=%d\nshard=%p\nshards=%zu\nsync=%p\nthreads=%u\n", (int)getpid(), (void *)shard,
           libmap_shard_count(shard), (void *)sync_map, nthreads);
    fflush(stdout);

    pthread_t t[64];
    CHECK_EQ(pthread_barrier_init(&go, NULL, nthreads), 0);
    for (unsigned i = 0; i < nthreads; i++)
        CHECK_EQ(pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i), 0);
    for (unsigned i = 0; i < nthreads; i++)
        CHECK_EQ(pthread_join(t[i], NULL), 0);
    CHECK(libmap_shard_len(shard) <= KEYS);
    CHECK(libmap_sync_len(sync_map) <= 256);
    libmap_shard_free(shard);
    libmap_sync_free(sync_map);
    return 0;
}
