/*
 * safe_model.c — the model test of libmap_sync and libmap_shard: N threads
 * at once, every result checked against an oracle.
 *
 *   own keys     each thread works on a key range of its own: assign,
 *                delete, lookup, update (store, delete and keep) and
 *                lookup_or_assign, each checked exactly against the
 *                thread's oracle (no other thread touches the range), and
 *                now and then a foreach that must see exactly the thread's
 *                live keys of its range with their values;
 *   shared keys  all threads on one small key range, with commutative
 *                updates only: update adding a delta (inserting it when
 *                absent), lookup_or_assign of 0 (no change if present), and
 *                lookups that must see at least the thread's own sum.
 * At the end (threads joined) the map must hold exactly: each thread's
 * oracle for its range, and for each shared key touched the sum of every
 * thread's deltas; len, lookups, foreach and snapshot are all checked.
 * Operations alternate between own and shared keys so that both run at
 * once across threads.
 *
 *   safe_model --variant sync|shard --threads N[,N...] --ops N [--seed S]
 * --ops is the total over all threads, for each thread count. Prints one
 * line per run with the counts it reached; exit 0 when all held.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "safe_ops.h"

#define OWN_KEYS 2048
#define SHARED_KEYS 256
#define SHARED_BASE (UINT64_C(1) << 40)
#define MAX_THREADS 64

struct worker {
    const struct safe_ops *ops;
    void *map;
    unsigned index;
    uint64_t ops_todo;
    uint64_t seed;
    /* oracle of the own range: keys base + i */
    uint64_t base;
    bool present[OWN_KEYS];
    uint64_t value[OWN_KEYS];
    /* shared keys: this thread's deltas and whether it touched the key */
    uint64_t shared_sum[SHARED_KEYS];
    bool shared_touched[SHARED_KEYS];
    /* counts reached */
    uint64_t checked_lookups, foreach_checks, updates, own_ops, shared_ops;
    int failed;
};

static uint64_t next_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(2685821657736338717);
}

#define WFAIL(w, ...)                                                                       \
    do {                                                                                    \
        fprintf(stderr, "safe_model: %s thread %u: ", (w)->ops->name, (w)->index);         \
        fprintf(stderr, __VA_ARGS__);                                                       \
        fputc('\n', stderr);                                                                \
        (w)->failed = 1;                                                                    \
        return;                                                                             \
    } while (0)

/* update callback of the own range: add delta when present (or delete
 * when the sum would be a multiple of 5), insert delta when absent and
 * delta is odd, else keep. The oracle applies the same rule. */
struct own_update {
    uint64_t delta;
};
static int own_rule(bool present, uint64_t cur, uint64_t delta, uint64_t *out)
{
    if (present) {
        if ((cur + delta) % 5 == 0)
            return LIBMAP_UPDATE_DELETE;
        *out = cur + delta;
        return LIBMAP_UPDATE_STORE;
    }
    if (delta & 1) {
        *out = delta;
        return LIBMAP_UPDATE_STORE;
    }
    return LIBMAP_UPDATE_KEEP;
}
static int own_update_fn(const void *key, void *value, bool present, void *ctx)
{
    (void)key;
    struct own_update *u = ctx;
    uint64_t cur, out = 0;
    memcpy(&cur, value, 8);
    int action = own_rule(present, cur, u->delta, &out);
    memcpy(value, &out, 8);
    return action;
}

static int add_fn(const void *key, void *value, bool present, void *ctx)
{
    (void)key, (void)present;
    uint64_t v;
    memcpy(&v, value, 8); /* zeros when absent */
    v += *(const uint64_t *)ctx;
    memcpy(value, &v, 8);
    return LIBMAP_UPDATE_STORE;
}

/* foreach over the whole map: this thread's keys and their values. */
struct own_visit {
    struct worker *w;
    uint64_t seen;
    int bad;
};
static bool own_visit_fn(const void *key, const void *value, void *ctx)
{
    struct own_visit *v = ctx;
    uint64_t k, val;
    memcpy(&k, key, 8);
    memcpy(&val, value, 8);
    if (k >= v->w->base && k < v->w->base + OWN_KEYS) {
        uint64_t i = k - v->w->base;
        if (!v->w->present[i] || v->w->value[i] != val)
            v->bad++;
        v->seen++;
    }
    return true;
}

static void own_op(struct worker *w)
{
    uint64_t r = next_rand(&w->seed);
    uint64_t i = r % OWN_KEYS, k = w->base + i, v = next_rand(&w->seed), got = 0;
    unsigned choice = (unsigned)((r >> 32) % 1000);
    bool typed = (r >> 48) & 1;
    int rc;
    w->own_ops++;
    if (choice < 300) {
        rc = typed ? w->ops->assign_u64(w->map, k, &v) : w->ops->assign(w->map, &k, &v);
        if (rc != (w->present[i] ? LIBMAP_UPDATED : LIBMAP_INSERTED))
            WFAIL(w, "assign %" PRIu64 " returned %d, oracle present %d", k, rc, w->present[i]);
        w->present[i] = true;
        w->value[i] = v;
    } else if (choice < 450) {
        rc = typed ? w->ops->delete_u64(w->map, k) : w->ops->del(w->map, &k);
        if (rc != (w->present[i] ? LIBMAP_DELETED : LIBMAP_ABSENT))
            WFAIL(w, "delete %" PRIu64 " returned %d, oracle present %d", k, rc, w->present[i]);
        w->present[i] = false;
    } else if (choice < 800) {
        bool found = typed ? w->ops->lookup_u64(w->map, k, &got) : w->ops->lookup(w->map, &k, &got);
        if (found != w->present[i] || (found && got != w->value[i]))
            WFAIL(w, "lookup %" PRIu64 ": found %d value %" PRIu64 ", oracle %d %" PRIu64, k,
                  found, got, w->present[i], w->value[i]);
        w->checked_lookups++;
    } else if (choice < 900) {
        struct own_update u = {v % 1000};
        uint64_t out = 0;
        int action = own_rule(w->present[i], w->value[i], u.delta, &out);
        rc = w->ops->update(w->map, &k, own_update_fn, &u);
        int want = action == LIBMAP_UPDATE_STORE    ? (w->present[i] ? LIBMAP_UPDATED : LIBMAP_INSERTED)
                   : action == LIBMAP_UPDATE_DELETE ? LIBMAP_DELETED
                                                    : 0;
        if (rc != want)
            WFAIL(w, "update %" PRIu64 " returned %d, oracle %d", k, rc, want);
        if (action == LIBMAP_UPDATE_STORE) {
            w->present[i] = true;
            w->value[i] = out;
        } else if (action == LIBMAP_UPDATE_DELETE) {
            w->present[i] = false;
        }
        w->updates++;
    } else if (choice < 999) {
        rc = w->ops->lookup_or_assign(w->map, &k, &v, &got);
        int want = w->present[i] ? 0 : LIBMAP_INSERTED;
        uint64_t want_v = w->present[i] ? w->value[i] : v;
        if (rc != want || got != want_v)
            WFAIL(w, "lookup_or_assign %" PRIu64 " returned %d value %" PRIu64
                  ", oracle %d %" PRIu64, k, rc, got, want, want_v);
        w->present[i] = true;
        w->value[i] = want_v;
    } else {
        struct own_visit vis = {w, 0, 0};
        w->ops->foreach(w->map, own_visit_fn, &vis);
        uint64_t live = 0;
        for (unsigned j = 0; j < OWN_KEYS; j++)
            live += w->present[j];
        if (vis.bad || vis.seen != live)
            WFAIL(w, "foreach saw %" PRIu64 " own keys (%d wrong), oracle %" PRIu64, vis.seen,
                  vis.bad, live);
        w->foreach_checks++;
    }
}

static void shared_op(struct worker *w)
{
    uint64_t r = next_rand(&w->seed);
    uint64_t i = r % SHARED_KEYS, k = SHARED_BASE + i, got = 0;
    unsigned choice = (unsigned)((r >> 32) % 100);
    w->shared_ops++;
    if (choice < 50) {
        uint64_t delta = 1 + (r >> 40) % 100;
        int rc = w->ops->update(w->map, &k, add_fn, &delta);
        if (rc != LIBMAP_INSERTED && rc != LIBMAP_UPDATED)
            WFAIL(w, "shared update %" PRIu64 " returned %d", k, rc);
        if (rc == LIBMAP_INSERTED && w->shared_touched[i])
            WFAIL(w, "shared update %" PRIu64 " inserted a key this thread had stored", k);
        w->shared_sum[i] += delta;
        w->shared_touched[i] = true;
    } else if (choice < 60) {
        uint64_t zero = 0;
        int rc = w->ops->lookup_or_assign(w->map, &k, &zero, &got);
        if (rc < 0 || (rc == LIBMAP_INSERTED && (w->shared_touched[i] || got != 0)) ||
            got < w->shared_sum[i])
            WFAIL(w, "shared lookup_or_assign %" PRIu64 ": %d value %" PRIu64 ", own sum %" PRIu64,
                  k, rc, got, w->shared_sum[i]);
        w->shared_touched[i] = true;
    } else {
        bool found = w->ops->lookup_u64(w->map, k, &got);
        if ((w->shared_touched[i] && !found) || (found && got < w->shared_sum[i]))
            WFAIL(w, "shared lookup %" PRIu64 ": found %d value %" PRIu64 ", own sum %" PRIu64, k,
                  found, got, w->shared_sum[i]);
        w->checked_lookups++;
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    for (uint64_t n = 0; n < w->ops_todo && !w->failed; n++) {
        if (next_rand(&w->seed) & 1)
            own_op(w);
        else
            shared_op(w);
    }
    return NULL;
}

/* The final check's expected contents and the foreach/snapshot checks. */
struct final {
    struct worker *w;
    unsigned nthreads;
    uint64_t seen;
    uint64_t bad;
};

static bool expected_value(const struct final *f, uint64_t k, uint64_t *v)
{
    if (k >= SHARED_BASE && k < SHARED_BASE + SHARED_KEYS) {
        uint64_t i = k - SHARED_BASE, sum = 0;
        bool touched = false;
        for (unsigned t = 0; t < f->nthreads; t++) {
            sum += f->w[t].shared_sum[i];
            touched |= f->w[t].shared_touched[i];
        }
        *v = sum;
        return touched;
    }
    for (unsigned t = 0; t < f->nthreads; t++) {
        struct worker *w = &f->w[t];
        if (k >= w->base && k < w->base + OWN_KEYS) {
            *v = w->value[k - w->base];
            return w->present[k - w->base];
        }
    }
    return false;
}

static bool final_visit(const void *key, const void *value, void *ctx)
{
    struct final *f = ctx;
    uint64_t k, v, want;
    memcpy(&k, key, 8);
    memcpy(&v, value, 8);
    if (!expected_value(f, k, &want) || want != v)
        f->bad++;
    f->seen++;
    return true;
}

static int run(const struct safe_ops *ops, unsigned nthreads, uint64_t total_ops, uint64_t seed)
{
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = 8};
    void *map;
    CHECK_EQ(ops->create(&cfg, &map), 0);
    struct worker *w = calloc(nthreads, sizeof *w);
    CHECK(w != NULL);
    pthread_t th[MAX_THREADS];
    for (unsigned t = 0; t < nthreads; t++) {
        w[t].ops = ops;
        w[t].map = map;
        w[t].index = t;
        w[t].ops_todo = total_ops / nthreads + (t < total_ops % nthreads);
        w[t].seed = (seed * 0x9e3779b97f4a7c15u + t + 1) | 1;
        w[t].base = (uint64_t)t * OWN_KEYS * 3 + 7;
        CHECK_EQ(pthread_create(&th[t], NULL, worker_main, &w[t]), 0);
    }
    int failed = 0;
    uint64_t lookups = 0, foreach_checks = 0, updates = 0, own = 0, shared = 0;
    for (unsigned t = 0; t < nthreads; t++) {
        pthread_join(th[t], NULL);
        failed |= w[t].failed;
        lookups += w[t].checked_lookups;
        foreach_checks += w[t].foreach_checks;
        updates += w[t].updates;
        own += w[t].own_ops;
        shared += w[t].shared_ops;
    }
    if (failed)
        FAIL("%s threads %u: a thread's check failed (above)", ops->name, nthreads);

    /* the final contents: every key of the oracle, then len, foreach, snapshot */
    struct final f = {w, nthreads, 0, 0};
    uint64_t expect_len = 0;
    for (unsigned t = 0; t < nthreads; t++) {
        for (unsigned i = 0; i < OWN_KEYS; i++) {
            uint64_t k = w[t].base + i, v = 0;
            bool found = ops->lookup_u64(map, k, &v);
            if (found != w[t].present[i] || (found && v != w[t].value[i]))
                FAIL("%s: final lookup of %" PRIu64 ": %d %" PRIu64 ", oracle %d %" PRIu64,
                     ops->name, k, found, v, w[t].present[i], w[t].value[i]);
            expect_len += found;
        }
    }
    for (unsigned i = 0; i < SHARED_KEYS; i++) {
        uint64_t k = SHARED_BASE + i, v = 0, want;
        bool touched = expected_value(&f, k, &want);
        bool found = ops->lookup_u64(map, k, &v);
        if (found != touched || (found && v != want))
            FAIL("%s: final shared key %" PRIu64 ": %d %" PRIu64 ", oracle %d %" PRIu64,
                 ops->name, k, found, v, touched, want);
        expect_len += found;
    }
    CHECK_EQ(ops->len(map), expect_len);
    CHECK_EQ(ops->foreach(map, final_visit, &f), expect_len);
    CHECK_EQ(f.seen, expect_len);
    CHECK_EQ(f.bad, 0);
    libmap *snap;
    CHECK_EQ(ops->snapshot(map, &snap), 0);
    CHECK_EQ(libmap_len(snap), expect_len);
    libmap_iter it;
    const void *k;
    void *v;
    struct final g = {w, nthreads, 0, 0};
    libmap_iter_init(&it, snap);
    while (libmap_iter_next(&it, &k, &v))
        final_visit(k, v, &g);
    CHECK_EQ(g.seen, expect_len);
    CHECK_EQ(g.bad, 0);
    libmap_free(snap);

    printf("safe_model: %s threads %u ops %" PRIu64 " (own keys %" PRIu64 ", shared keys %" PRIu64
           "; checked lookups %" PRIu64 ", updates %" PRIu64 ", foreach checks %" PRIu64
           ") final entries %" PRIu64 ": ok\n",
           ops->name, nthreads, own + shared, own, shared, lookups, updates, foreach_checks,
           expect_len);
    fflush(stdout);
    ops->destroy(map);
    free(w);
    return 0;
}

int main(int argc, char **argv)
{
    const struct safe_ops *ops = NULL;
    const char *threads = "1,2,4,8";
    uint64_t total = 1000000, seed = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--variant") == 0 && i + 1 < argc)
            ops = safe_ops_named(argv[++i]);
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = argv[++i];
        else if (strcmp(argv[i], "--ops") == 0 && i + 1 < argc)
            total = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else
            FAIL("usage: safe_model --variant sync|shard [--threads N[,N...]] [--ops N] [--seed S]");
    }
    if (ops == NULL)
        FAIL("--variant sync or shard is required");
    for (const char *p = threads; *p;) {
        char *end;
        unsigned long n = strtoul(p, &end, 10);
        if (end == p || n < 1 || n > MAX_THREADS)
            FAIL("bad thread count in '%s'", threads);
        run(ops, (unsigned)n, total, seed);
        p = *end == ',' ? end + 1 : end;
    }
    return 0;
}
