/*
 * safe_bench.c — throughput of maps shared by threads (issue 14): N
 * threads on one map of --keys u64 keys (preloaded, fixed-seed random
 * keys), each doing a mix of lookups and writes for --seconds:
 *   lookup   100% lookups of present keys
 *   90-10    90% lookups, 10% assigns (overwrites of present keys)
 *   50-50    50% lookups, 50% assigns
 * Writes overwrite present keys, so the map's size stays --keys.
 *
 * Implementations (--impl):
 *   libmap-sync     libmap_sync
 *   libmap-shard    libmap_shard (--shard-bits, default: libmap's default)
 *   libmap-rwlock   a plain libmap under the user's own pthread_rwlock_t
 *   libmap-single   a plain libmap, no lock (the single-thread baseline;
 *                   --threads 1 only)
 *   glib-rwlock     GLib's GHashTable under a GRWLock
 * The lock inside libmap_sync / libmap_shard is the one this program was
 * built with (bench/CMakeLists.txt builds one program per lock, see
 * libmap/src/lock.h); it is printed as lock=.
 *
 * Prints one line:
 *   safe impl=I lock=L threads=N mix=M keys=K seconds=S ops=TOTAL mops=M ns_per_op=NS
 * where mops is the total throughput (millions of operations per second
 * over all threads) and ns_per_op its inverse per thread.
 */
#include <glib.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmap/sync.h>

const char *sync_lock_name(void); /* libmap/src/lock.c, in the static library */

enum impl { SYNC, SHARD, RWLOCK, SINGLE, GLIB };
static const char *const impl_names[] = {"libmap-sync", "libmap-shard", "libmap-rwlock",
                                         "libmap-single", "glib-rwlock"};

struct bench {
    enum impl impl;
    unsigned threads;
    unsigned write_pct;
    uint64_t nkeys;
    double seconds;
    uint64_t *keys;
    libmap_sync *sync;
    libmap_shard *shard;
    libmap *plain;
    pthread_rwlock_t rw;
    GHashTable *glib;
    GRWLock grw;
    pthread_barrier_t start;
    _Atomic int stop;
};

struct worker {
    struct bench *b;
    unsigned index;
    uint64_t ops;
    uint64_t sink;
};

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void die(const char *what)
{
    fprintf(stderr, "safe_bench: %s\n", what);
    exit(1);
}

static void setup(struct bench *b)
{
    uint64_t s = UINT64_C(0x243f6a8885a308d3);
    b->keys = malloc(b->nkeys * sizeof *b->keys);
    if (b->keys == NULL)
        die("out of memory");
    for (uint64_t i = 0; i < b->nkeys; i++)
        b->keys[i] = splitmix(&s);
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = 8};
    int rc = 0;
    switch (b->impl) {
    case SYNC:
        rc = libmap_sync_new(&cfg, &b->sync);
        break;
    case SHARD:
        rc = libmap_shard_new(&cfg, -1, &b->shard);
        break;
    case RWLOCK:
    case SINGLE:
        rc = libmap_new(&cfg, &b->plain);
        pthread_rwlock_init(&b->rw, NULL);
        break;
    case GLIB:
        b->glib = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, NULL);
        g_rw_lock_init(&b->grw);
        break;
    }
    if (rc != 0)
        die("map creation failed");
    for (uint64_t i = 0; i < b->nkeys; i++) {
        uint64_t k = b->keys[i];
        switch (b->impl) {
        case SYNC:
            rc = libmap_sync_assign_u64(b->sync, k, &k);
            break;
        case SHARD:
            rc = libmap_shard_assign_u64(b->shard, k, &k);
            break;
        case RWLOCK:
        case SINGLE:
            rc = libmap_assign_u64(b->plain, k, &k);
            break;
        case GLIB:
            /* GLib stores pointers: the key and value point into keys[] */
            g_hash_table_insert(b->glib, &b->keys[i], &b->keys[i]);
            break;
        }
        if (rc < 0)
            die("preload failed");
    }
}

/* One operation; inlined into the loop per implementation by the switch. */
static inline void one_op(struct bench *b, struct worker *w, uint64_t r)
{
    uint64_t i = r % b->nkeys, k = b->keys[i], v;
    bool write = (r >> 48) % 100 < b->write_pct;
    switch (b->impl) {
    case SYNC:
        if (write)
            libmap_sync_assign_u64(b->sync, k, &r);
        else if (libmap_sync_lookup_u64(b->sync, k, &v))
            w->sink += v;
        break;
    case SHARD:
        if (write)
            libmap_shard_assign_u64(b->shard, k, &r);
        else if (libmap_shard_lookup_u64(b->shard, k, &v))
            w->sink += v;
        break;
    case RWLOCK:
        if (write) {
            pthread_rwlock_wrlock(&b->rw);
            libmap_assign_u64(b->plain, k, &r);
            pthread_rwlock_unlock(&b->rw);
        } else {
            pthread_rwlock_rdlock(&b->rw);
            if (libmap_lookup_u64(b->plain, k, &v))
                w->sink += v;
            pthread_rwlock_unlock(&b->rw);
        }
        break;
    case SINGLE:
        if (write)
            libmap_assign_u64(b->plain, k, &r);
        else if (libmap_lookup_u64(b->plain, k, &v))
            w->sink += v;
        break;
    case GLIB:
        if (write) {
            /* overwrite in place: the value is the stored pointer's target
             * for lookups; a write replaces the entry's value pointer */
            g_rw_lock_writer_lock(&b->grw);
            g_hash_table_replace(b->glib, &b->keys[i], &b->keys[i]);
            g_rw_lock_writer_unlock(&b->grw);
        } else {
            g_rw_lock_reader_lock(&b->grw);
            uint64_t *p = g_hash_table_lookup(b->glib, &k);
            if (p != NULL)
                w->sink += *p;
            g_rw_lock_reader_unlock(&b->grw);
        }
        break;
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct bench *b = w->b;
    uint64_t s = UINT64_C(0x9e3779b97f4a7c15) * (w->index + 1);
    pthread_barrier_wait(&b->start);
    uint64_t n = 0;
    while (!atomic_load_explicit(&b->stop, memory_order_relaxed)) {
        for (int j = 0; j < 256; j++)
            one_op(b, w, splitmix(&s));
        n += 256;
    }
    w->ops = n;
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    struct bench b = {.threads = 2, .nkeys = 1000000, .seconds = 2};
    const char *impl = "libmap-shard", *mix = "lookup";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--impl") == 0)
            impl = argv[i + 1];
        else if (strcmp(argv[i], "--threads") == 0)
            b.threads = (unsigned)strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--mix") == 0)
            mix = argv[i + 1];
        else if (strcmp(argv[i], "--keys") == 0)
            b.nkeys = strtoull(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--seconds") == 0)
            b.seconds = strtod(argv[i + 1], NULL);
        else
            die("usage: safe_bench [--impl I] [--threads N] [--mix lookup|90-10|50-50] "
                "[--keys N] [--seconds S]");
    }
    if (argc % 2 == 0)
        die("options take a value");
    unsigned n = 0;
    for (; n < sizeof impl_names / sizeof impl_names[0]; n++)
        if (strcmp(impl, impl_names[n]) == 0)
            break;
    if (n == sizeof impl_names / sizeof impl_names[0])
        die("unknown --impl");
    b.impl = (enum impl)n;
    if (strcmp(mix, "lookup") == 0)
        b.write_pct = 0;
    else if (strcmp(mix, "90-10") == 0)
        b.write_pct = 10;
    else if (strcmp(mix, "50-50") == 0)
        b.write_pct = 50;
    else
        die("unknown --mix");
    if (b.threads < 1 || b.threads > 256 || b.nkeys < 1 || b.seconds <= 0)
        die("bad --threads, --keys or --seconds");
    if (b.impl == SINGLE && b.threads != 1)
        die("libmap-single runs on one thread only");

    setup(&b);
    pthread_barrier_init(&b.start, NULL, b.threads + 1);
    struct worker *w = calloc(b.threads, sizeof *w);
    pthread_t *th = calloc(b.threads, sizeof *th);
    if (w == NULL || th == NULL)
        die("out of memory");
    for (unsigned i = 0; i < b.threads; i++) {
        w[i] = (struct worker){.b = &b, .index = i};
        if (pthread_create(&th[i], NULL, worker_main, &w[i]) != 0)
            die("pthread_create failed");
    }
    pthread_barrier_wait(&b.start);
    double t0 = now_s();
    struct timespec d = {(time_t)b.seconds, (long)((b.seconds - (time_t)b.seconds) * 1e9)};
    nanosleep(&d, NULL);
    atomic_store(&b.stop, 1);
    uint64_t total = 0, sink = 0;
    for (unsigned i = 0; i < b.threads; i++) {
        pthread_join(th[i], NULL);
        total += w[i].ops;
        sink += w[i].sink;
    }
    double el = now_s() - t0;
    printf("safe impl=%s lock=%s threads=%u mix=%s keys=%" PRIu64 " seconds=%.3f ops=%" PRIu64
           " mops=%.3f ns_per_op=%.1f\n",
           impl, b.impl == SYNC || b.impl == SHARD ? sync_lock_name() : "-", b.threads, mix,
           b.nkeys, el, total, total / el / 1e6, el * 1e9 * b.threads / (double)total);
    if (sink == 42)
        putchar(' ');
    return 0;
}
