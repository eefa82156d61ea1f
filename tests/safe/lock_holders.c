/*
 * lock_holders.c — a process that dies while threads hold safe-map locks,
 * for the postmortem tools' tests (tests/coredump/lock_holders_test.sh):
 *   thread W holds the write lock of shard I of a libmap_shard (parked in a
 *            libmap_shard_update callback), I chosen not 0;
 *   thread R holds the read lock of shard 0 of the same map (parked in a
 *            libmap_shard_foreach callback: foreach visits shard 0 first);
 *   thread S holds the write lock of a libmap_sync (libmap_sync_update).
 * Once all three are parked it prints the oracle line
 *   shard=ADDR shards=N writer_tid=W writer_shard=I reader_tid=R sync=ADDR sync_writer_tid=S
 * and aborts, leaving a core.
 * Usage: lock_holders [SHARD_BITS]   (default 2: four shards)
 */
#define _GNU_SOURCE
#include <libmap/sync.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static sem_t parked;
static pid_t tid_w, tid_r, tid_s;
static libmap_shard *shard_map;
static libmap_sync *sync_map;
static uint64_t w_key;

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

static _Noreturn void park(pid_t *tid)
{
    *tid = gettid_();
    sem_post(&parked);
    for (;;)
        pause();
}

static int update_park(const void *key, void *value, bool present, void *ctx)
{
    (void)key, (void)value, (void)present;
    park(ctx);
}

static bool visit_park(const void *key, const void *value, void *ctx)
{
    (void)key, (void)value;
    park(ctx);
}

static void *writer(void *arg)
{
    (void)arg;
    libmap_shard_update(shard_map, &w_key, update_park, &tid_w);
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    libmap_shard_foreach(shard_map, visit_park, &tid_r);
    return NULL;
}

static void *sync_writer(void *arg)
{
    (void)arg;
    uint64_t k = 7;
    libmap_sync_update(sync_map, &k, update_park, &tid_s);
    return NULL;
}

static void die(const char *what)
{
    fprintf(stderr, "lock_holders: %s\n", what);
    exit(2);
}

int main(int argc, char **argv)
{
    int bits = argc > 1 ? atoi(argv[1]) : 2;
    libmap_config c = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(uint64_t)};
    if (libmap_shard_new(&c, bits, &shard_map) != 0 || libmap_sync_new(&c, &sync_map) != 0)
        die("cannot create the maps");
    size_t n = libmap_shard_count(shard_map);
    /* keys in every shard, shard 0 included, so that foreach parks there */
    for (uint64_t k = 0; k < 64 * n; k++)
        if (libmap_shard_assign(shard_map, &k, &k) < 0 || libmap_sync_assign(sync_map, &k, &k) < 0)
            die("assign failed");
    w_key = 1;
    while (n > 1 && libmap_shard_index(shard_map, &w_key) == 0)
        w_key++;
    size_t w_shard = libmap_shard_index(shard_map, &w_key);
    if (sem_init(&parked, 0, 0) != 0)
        die("sem_init");
    pthread_t t[3];
    void *(*fn[3])(void *) = {writer, n > 1 ? reader : NULL, sync_writer};
    int started = 0;
    for (int i = 0; i < 3; i++) {
        if (fn[i] == NULL)
            continue;
        if (pthread_create(&t[i], NULL, fn[i], NULL) != 0)
            die("pthread_create");
        started++;
    }
    for (int i = 0; i < started; i++)
        sem_wait(&parked);
    printf("shard=%p shards=%zu writer_tid=%d writer_shard=%zu reader_tid=%d sync=%p "
           "sync_writer_tid=%d\n",
           (void *)shard_map, n, (int)tid_w, w_shard, (int)tid_r, (void *)sync_map, (int)tid_s);
    fflush(stdout);
    abort();
}
