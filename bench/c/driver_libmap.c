/*
 * driver_libmap.c — the libmap driver. Compiled twice: linked with
 * libmap_static (detection on, as shipped) and with libmap_nodetect
 * (LIBMAP_NO_DETECTION); BENCH_IMPL names the variant. Uses the typed fast
 * paths (libmap_*_u64, libmap_*_str); values are uint64_t. Lookup hits
 * and deletes use the probe order (keys.h).
 *
 * Each phase is a function of its own (lm_phases.h) so that bench-onoff can
 * run the phases of both variants alternately; with BENCH_ND_RENAMED this
 * file is the detection-off half of bench-onoff (see nodetect_names.h).
 */
#ifdef BENCH_ND_RENAMED
#include "nodetect_names.h"
#endif
#include <libmap/map.h>
#include <stdlib.h>

#include "driver.h"
#include "lm_phases.h"
#include "timer.h"

#ifndef BENCH_IMPL
#define BENCH_IMPL "libmap"
#endif
const char driver_name[] = BENCH_IMPL;

/* A map and the iterator of its iterate phase (which may run in chunks). */
struct lm_ctx {
    libmap *m;
    libmap_iter it;
};

static void *lm_create(libmap_key_kind kind)
{
    libmap_config c = {.key_kind = kind, .value_size = sizeof(uint64_t)};
    struct lm_ctx *x = malloc(sizeof *x);
    BENCH_CHECK(x != NULL, "out of memory");
    int rc = libmap_new(&c, &x->m);
    BENCH_CHECK(rc == 0, "libmap_new: %s", libmap_strerror(rc));
    return x;
}
static void *create_u64(void) { return lm_create(LIBMAP_KEY_U64); }
static void *create_str(void) { return lm_create(LIBMAP_KEY_STRING); }

static size_t lm_len(void *ctx) { return libmap_len(((struct lm_ctx *)ctx)->m); }
static void lm_destroy(void *ctx)
{
    libmap_free(((struct lm_ctx *)ctx)->m);
    free(ctx);
}

/* Elements [lo, hi) of the iteration; the last chunk also sees its end. */
static uint64_t iterate(void *ctx, const struct keyset *ks, size_t lo, size_t hi)
{
    struct lm_ctx *x = ctx;
    void *v;
    uint64_t sum = 0;
    if (lo == 0)
        libmap_iter_init(&x->it, x->m);
    for (size_t i = lo; i < hi; i++) {
        if (!libmap_iter_next(&x->it, NULL, &v))
            return 0; /* too few elements: the check fails */
        sum += *(const uint64_t *)v;
    }
    if (hi == ks->n && libmap_iter_next(&x->it, NULL, &v))
        return 0; /* too many */
    return sum;
}

static uint64_t insert_u64(void *ctx, const struct keyset *ks, size_t lo, size_t hi)
{
    libmap *m = ((struct lm_ctx *)ctx)->m;
    uint64_t inserted = 0;
    for (size_t i = lo; i < hi; i++) {
        uint64_t v = i + 1;
        inserted += libmap_assign_u64(m, ks->u64[i], &v) == LIBMAP_INSERTED;
    }
    return inserted;
}

static uint64_t hit_u64(void *ctx, const struct keyset *ks, size_t lo, size_t hi)
{
    libmap *m = ((struct lm_ctx *)ctx)->m;
    uint64_t sum = 0;
    for (size_t i = lo; i < hi; i++) {
        uint64_t v = 0;
        libmap_lookup_u64(m, ks->probe_u64[i], &v);
        sum += v;
    }
    return sum;
}

static uint64_t miss_u64(void *ctx, const struct keyset *ks, size_t lo, size_t hi)
{
    libmap *m = ((struct lm_ctx *)ctx)->m;
    uint64_t found = 0;
    for (size_t i = ks->n + lo; i < ks->n + hi; i++)
        found += libmap_lookup_u64(m, ks->u64[i], NULL);
    return found;
}

static uint64_t delete_u64(void *ctx, const struct keyset *ks, size_t lo, size_t hi)
{
    libmap *m = ((struct lm_ctx *)ctx)->m;
    uint64_t deleted = 0;
    for (size_t i = lo; i < hi; i++)
        deleted += libmap_delete_u64(m, ks->probe_u64[i]) == LIBMAP_DELETED;
    return deleted;
}

static uint64_t insert_str(void *ctx, const struct keyset *ks, size_t lo, size_t hi)
{
    libmap *m = ((struct lm_ctx *)ctx)->m;
    uint64_t inserted = 0;
    for (size_t i = lo; i < hi; i++) {
        uint64_t v = i + 1;
        inserted += libmap_assign_str(m, ks->str[i], ks->str_len[i], &v) == LIBMAP_INSERTED;
    }
    return inserted;
}

static uint64_t hit_str(void *ctx, const struct keyset *ks, size_t lo, size_t hi)
{
    libmap *m = ((struct lm_ctx *)ctx)->m;
    uint64_t sum = 0;
    for (size_t i = lo; i < hi; i++) {
        uint64_t v = 0;
        libmap_lookup_str(m, ks->probe_str[i], ks->probe_len[i], &v);
        sum += v;
    }
    return sum;
}

static uint64_t miss_str(void *ctx, const struct keyset *ks, size_t lo, size_t hi)
{
    libmap *m = ((struct lm_ctx *)ctx)->m;
    uint64_t found = 0;
    for (size_t i = ks->n + lo; i < ks->n + hi; i++)
        found += libmap_lookup_str(m, ks->str[i], ks->str_len[i], NULL);
    return found;
}

static uint64_t delete_str(void *ctx, const struct keyset *ks, size_t lo, size_t hi)
{
    libmap *m = ((struct lm_ctx *)ctx)->m;
    uint64_t deleted = 0;
    for (size_t i = lo; i < hi; i++)
        deleted += libmap_delete_str(m, ks->probe_str[i], ks->probe_len[i]) == LIBMAP_DELETED;
    return deleted;
}

const struct lm_phases lm_u64_phases = {
    create_u64, lm_len, lm_destroy, {insert_u64, hit_u64, miss_u64, iterate, delete_u64}};
const struct lm_phases lm_str_phases = {
    create_str, lm_len, lm_destroy, {insert_str, hit_str, miss_str, iterate, delete_str}};

void driver_run_u64(const struct keyset *ks, size_t loops, struct phase_time *t)
{
    lm_run_loops(&lm_u64_phases, ks, loops, t);
}

void driver_run_str(const struct keyset *ks, size_t loops, struct phase_time *t)
{
    lm_run_loops(&lm_str_phases, ks, loops, t);
}
