/*
 * demo-fixed.c — libmap-demo fixed MODE: the workload of `race MODE` (the
 * same roles, the same random writes, lookups and iterations) on a map
 * that is safe from many threads, libmap_sync or libmap_shard
 * (<libmap/sync.h>). Nothing aborts; at the end the map must hold exactly
 * what a single thread replaying every write in the order they took effect
 * would have built.
 *
 * The order of the writes: with one writer (read-write, iter-write) it is
 * the writer's own order, and it uses plain assign and delete. With several
 * writers (write-write) each write is an update whose callback, which runs
 * under the map's write lock, stamps it from a global counter: two writes
 * of one key hold the same lock, so their stamps are in the order they took
 * effect. The replay sorts all writes by stamp and applies them to a plain
 * libmap on one thread.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libmap/sync.h>

#include "demo.h"

struct write_rec {
    uint64_t seq, key, value;
    bool assign;
};

struct fixed_shared {
    const struct demo_options *o;
    libmap_sync *sync;
    libmap_shard *shard;
    unsigned writers;
    _Atomic uint64_t seq;
    pthread_barrier_t ready, go;
};

struct fixed_worker {
    struct fixed_shared *sh;
    unsigned index;
    enum demo_role role;
    pid_t tid;
    struct write_rec *log;
    uint64_t nlog;
    uint64_t sink; /* what lookups and iterations read, so they are kept */
};

/* ---- the two variants behind one set of calls ---- */

static int v_assign(struct fixed_shared *sh, uint64_t k, const uint64_t *v)
{
    return sh->sync ? libmap_sync_assign_u64(sh->sync, k, v) : libmap_shard_assign_u64(sh->shard, k, v);
}
static int v_delete(struct fixed_shared *sh, uint64_t k)
{
    return sh->sync ? libmap_sync_delete_u64(sh->sync, k) : libmap_shard_delete_u64(sh->shard, k);
}
static bool v_lookup(struct fixed_shared *sh, uint64_t k, uint64_t *v)
{
    return sh->sync ? libmap_sync_lookup_u64(sh->sync, k, v) : libmap_shard_lookup_u64(sh->shard, k, v);
}
static int v_update(struct fixed_shared *sh, uint64_t k, libmap_update_fn fn, void *ctx)
{
    return sh->sync ? libmap_sync_update(sh->sync, &k, fn, ctx) : libmap_shard_update(sh->shard, &k, fn, ctx);
}
static size_t v_foreach(struct fixed_shared *sh, libmap_visit_fn fn, void *ctx)
{
    return sh->sync ? libmap_sync_foreach(sh->sync, fn, ctx) : libmap_shard_foreach(sh->shard, fn, ctx);
}
static size_t v_len(struct fixed_shared *sh)
{
    return sh->sync ? libmap_sync_len(sh->sync) : libmap_shard_len(sh->shard);
}

/* ---- the workers ---- */

struct stamp_ctx {
    struct fixed_shared *sh;
    struct write_rec *rec;
};

/* Under the write lock: take the next stamp, then store or delete. */
static int stamp_fn(const void *key, void *value, bool present, void *ctx)
{
    (void)key, (void)present;
    struct stamp_ctx *c = ctx;
    c->rec->seq = atomic_fetch_add_explicit(&c->sh->seq, 1, memory_order_relaxed);
    if (!c->rec->assign)
        return LIBMAP_UPDATE_DELETE;
    memcpy(value, &c->rec->value, sizeof c->rec->value);
    return LIBMAP_UPDATE_STORE;
}

/* race's write_once: assign (3/4 of the time with --grow, else 1/2) or
 * delete a random key; logged for the replay. */
static void fixed_write(struct fixed_worker *w, uint64_t *seed)
{
    struct fixed_shared *sh = w->sh;
    uint64_t assign_below = sh->o->grow ? UINT64_C(3) << 62 : UINT64_C(1) << 63;
    uint64_t r = demo_next_rand(seed);
    struct write_rec *rec = &w->log[w->nlog++];
    *rec = (struct write_rec){.key = r % sh->o->keys, .value = r, .assign = r < assign_below};
    if (sh->writers > 1) {
        struct stamp_ctx c = {sh, rec};
        (void)v_update(sh, rec->key, stamp_fn, &c);
    } else {
        rec->seq = w->nlog;
        if (rec->assign)
            (void)v_assign(sh, rec->key, &rec->value);
        else
            (void)v_delete(sh, rec->key);
    }
}

struct visit_ctx {
    uint64_t steps, sum;
};

/* An iteration of race iter-write's iterators: up to 32 entries. */
static bool visit_32(const void *key, const void *value, void *ctx)
{
    (void)value;
    struct visit_ctx *c = ctx;
    uint64_t k;
    memcpy(&k, key, sizeof k);
    c->sum += k;
    return ++c->steps < 32;
}

static void *fixed_worker_main(void *arg)
{
    struct fixed_worker *w = arg;
    struct fixed_shared *sh = w->sh;
    w->tid = (pid_t)syscall(SYS_gettid);
    pthread_barrier_wait(&sh->ready);
    pthread_barrier_wait(&sh->go);
    uint64_t seed = demo_seed_for(w->tid);
    for (uint64_t n = 0; n < sh->o->ops; n++) {
        uint64_t v;
        struct visit_ctx c = {0, 0};
        switch (w->role) {
        case ROLE_WRITER:
            fixed_write(w, &seed);
            break;
        case ROLE_READER:
            if (v_lookup(sh, demo_next_rand(&seed) % sh->o->keys, &v))
                w->sink += v;
            break;
        default:
            v_foreach(sh, visit_32, &c);
            w->sink += c.sum;
            break;
        }
    }
    return NULL;
}

/* ---- the replay ---- */

static int by_seq(const void *a, const void *b)
{
    const struct write_rec *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static libmap *new_plain(void)
{
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(uint64_t)};
    libmap *m;
    if (libmap_new(&cfg, &m) != 0)
        return NULL;
    return m;
}

/* Replays every write on one thread; compares with the safe map. Returns
 * the number of differences (printed, up to 5). */
static uint64_t replay_and_compare(struct fixed_shared *sh, struct fixed_worker *w, unsigned n,
                                   uint64_t *nwrites, size_t *entries)
{
    const struct demo_options *o = sh->o;
    uint64_t total = 0;
    for (unsigned i = 0; i < n; i++)
        total += w[i].nlog;
    struct write_rec *all = malloc((total ? total : 1) * sizeof *all);
    libmap *ref = new_plain();
    if (all == NULL || ref == NULL) {
        fprintf(stderr, "libmap-demo: out of memory for the replay\n");
        exit(1);
    }
    uint64_t at = 0;
    for (unsigned i = 0; i < n; i++) {
        if (w[i].nlog == 0)
            continue; /* readers and iterators: no log */
        memcpy(all + at, w[i].log, w[i].nlog * sizeof *all);
        at += w[i].nlog;
    }
    qsort(all, total, sizeof *all, by_seq);
    if (!o->grow)
        for (uint64_t k = 0; k < o->keys; k++)
            libmap_assign_u64(ref, k, &k);
    for (uint64_t i = 0; i < total; i++) {
        if (all[i].assign)
            libmap_assign_u64(ref, all[i].key, &all[i].value);
        else
            libmap_delete_u64(ref, all[i].key);
    }
    uint64_t diffs = 0;
    if (v_len(sh) != libmap_len(ref)) {
        fprintf(stderr, "libmap-demo: %zu entries, the replay has %zu\n", v_len(sh), libmap_len(ref));
        diffs++;
    }
    libmap_iter it;
    const void *k;
    void *v;
    libmap_iter_init(&it, ref);
    while (libmap_iter_next(&it, &k, &v)) {
        uint64_t key, want, got;
        memcpy(&key, k, 8);
        memcpy(&want, v, 8);
        if (!v_lookup(sh, key, &got) || got != want) {
            if (diffs++ < 5)
                fprintf(stderr, "libmap-demo: key %llu differs from the replay\n",
                        (unsigned long long)key);
        }
    }
    *nwrites = total;
    *entries = libmap_len(ref);
    libmap_free(ref);
    free(all);
    return diffs;
}

static const char *variant_name(enum demo_variant v)
{
    return v == VARIANT_SYNC ? "libmap_sync" : "libmap_shard";
}

int demo_fixed_main(const struct demo_options *o)
{
    static const char *const modes[] = {"write-write", "read-write", "iter-write"};
    struct fixed_shared sh = {.o = o};
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(uint64_t),
                         .hint = o->grow ? 0 : (size_t)o->keys};
    int rc = o->variant == VARIANT_SYNC ? libmap_sync_new(&cfg, &sh.sync)
                                        : libmap_shard_new(&cfg, -1, &sh.shard);
    if (rc != 0) {
        fprintf(stderr, "libmap-demo: %s_new: %s\n", variant_name(o->variant), libmap_strerror(rc));
        return 1;
    }
    if (!o->grow)
        for (uint64_t k = 0; k < o->keys; k++)
            v_assign(&sh, k, &k);

    struct fixed_worker w[64];
    pthread_t th[64];
    pthread_barrier_init(&sh.ready, NULL, o->threads + 1);
    pthread_barrier_init(&sh.go, NULL, o->threads + 1);
    for (unsigned i = 0; i < o->threads; i++) {
        w[i] = (struct fixed_worker){.sh = &sh, .index = i, .role = demo_role_for(o->mode, i)};
        if (w[i].role == ROLE_WRITER) {
            sh.writers++;
            w[i].log = malloc(o->ops * sizeof *w[i].log);
            if (w[i].log == NULL) {
                fprintf(stderr, "libmap-demo: out of memory for the write log\n");
                return 1;
            }
        }
    }
    printf("libmap-demo: pid %d fixed %s on %s", (int)getpid(), modes[o->mode],
           variant_name(o->variant));
    if (sh.shard)
        printf(" (%zu shards)", libmap_shard_count(sh.shard));
    printf(" threads %u keys %llu\n", o->threads, (unsigned long long)o->keys);
    for (unsigned i = 0; i < o->threads; i++) {
        rc = pthread_create(&th[i], NULL, fixed_worker_main, &w[i]);
        if (rc != 0) {
            fprintf(stderr, "libmap-demo: pthread_create: %s\n", strerror(rc));
            return 1;
        }
    }
    pthread_barrier_wait(&sh.ready);
    for (unsigned i = 0; i < o->threads; i++)
        printf("libmap-demo: worker %u tid %d (%s)\n", i, (int)w[i].tid, demo_role_name(w[i].role));
    printf("libmap-demo: start\n");
    fflush(stdout);
    pthread_barrier_wait(&sh.go);
    for (unsigned i = 0; i < o->threads; i++)
        pthread_join(th[i], NULL);

    uint64_t nwrites;
    size_t entries;
    uint64_t diffs = replay_and_compare(&sh, w, o->threads, &nwrites, &entries);
    for (unsigned i = 0; i < o->threads; i++)
        free(w[i].log);
    libmap_sync_free(sh.sync);
    libmap_shard_free(sh.shard);
    if (diffs != 0) {
        fprintf(stderr, "libmap-demo: fixed %s on %s: %llu differences from the "
                        "single-threaded replay\n",
                modes[o->mode], variant_name(o->variant), (unsigned long long)diffs);
        return 1;
    }
    printf("libmap-demo: done, %llu operations per worker, %llu writes, %zu entries: "
           "the same contents as a single-threaded replay\n",
           (unsigned long long)o->ops, (unsigned long long)nwrites, entries);
    return 0;
}
