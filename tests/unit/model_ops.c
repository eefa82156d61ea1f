/*
 * model_ops.c — the model test's single operations (assign, lookup, delete,
 * clear), each checked against the reference map right away, growth
 * bookkeeping after every write, the burst and churn phases, and the full
 * structural check against the reference (invariants.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"
#include "invariants.h"
#include "model.h"

struct model_coverage cov;

uint64_t rng;
uint64_t rnd(void)
{
    uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}
uint64_t below(uint64_t n) { return n ? rnd() % n : 0; }
bool chance(unsigned per_mille) { return below(1000) < per_mille; }

static void value_fill(const struct model *s, uint8_t *v)
{
    for (size_t i = 0; i < s->ks->value_size; i++)
        v[i] = (uint8_t)rnd();
}

uint64_t universe(const struct model *s) { return key_universe(s->ks); }

uint64_t window_key(const struct model *s)
{
    if (chance(10))
        return 0; /* the zero key / empty string */
    uint64_t k = s->lo + below(s->width);
    return k <= universe(s) ? k : below(universe(s));
}

/* Growth bookkeeping after every write. A growth must end within as many
 * writes as it has old buckets (each write evacuates at least the bucket
 * at nevacuate); evacuating_write is false for a delete on an empty map,
 * which returns before any growth work. */
static void observe(struct model *s, bool evacuating_write)
{
    const struct libmap *m = s->m;
    bool g = m->oldbuckets != NULL;
    /* a new growth: its old array is the array current before it, which
     * lived alongside the previous growth's old array */
    if (g && m->oldbuckets != s->growth_old) {
        s->growth_old = m->oldbuckets;
        if (m->flags & F_SAME_SIZE_GROW)
            cov.same_size++;
        else
            cov.doublings++;
        if (s->ntr) {
            cov.growth_under_iter++;
            cov.same_size_under_iter += (m->flags & F_SAME_SIZE_GROW) != 0;
        }
        s->growth_writes = 0;
        s->growth_budget = noldbuckets(m);
    } else if (g && evacuating_write) {
        s->growth_writes++;
        if (s->growth_writes > s->growth_budget)
            fprintf(stderr, "%s: growth from %zu buckets not done after %zu writes\n",
                    s->ks->name, s->growth_budget, s->growth_writes);
        CHECK(s->growth_writes <= s->growth_budget);
    }
    if (g && s->ntr)
        cov.evac_under_iter++;
    if (!g)
        s->growth_old = NULL;
    CHECK_EQ(libmap_len(m), s->ref.n);
    cov.ops++;
}

/* ---- single operations, each checked against the reference ---- */

void op_assign(struct model *s, uint64_t idx)
{
    struct kbuf kb;
    uint8_t v[256];
    value_fill(s, v);
    const void *key = key_encode(s->ks, idx, &kb);
    const void *vp = s->ks->value_size == 0 && chance(500) ? NULL : v;
    int rc = libmap_assign(s->m, key, vp);
    bool isnew = ref_put(&s->ref, idx, v);
    CHECK_EQ(rc, isnew ? LIBMAP_INSERTED : LIBMAP_UPDATED);
    observe(s, true);
}

void op_lookup(struct model *s, uint64_t idx)
{
    struct kbuf kb;
    uint8_t out[264];
    memset(out, 0xcd, sizeof out);
    const void *key = key_encode(s->ks, idx, &kb);
    bool want_value = chance(800);
    bool found = libmap_lookup(s->m, key, want_value ? out : NULL);
    const uint8_t *rv = ref_get(&s->ref, idx);
    CHECK_EQ(found, rv != NULL);
    size_t vs = s->ks->value_size;
    if (found && want_value)
        CHECK(memcmp(out, rv, vs) == 0);
    for (size_t i = found && want_value ? vs : 0; i < sizeof out; i++)
        CHECK_EQ(out[i], 0xcd); /* nothing written past the value, or on a miss */
    cov.ops++;
}

static void note_delete(struct model *s, uint64_t idx)
{
    for (unsigned t = 0; t < s->ntr; t++) {
        if (!s->tr[t].live)
            continue;
        ref_put(&s->tr[t].disturbed, idx, NULL);
        ref_del(&s->tr[t].yielded, idx);
    }
}

void op_delete(struct model *s, uint64_t idx)
{
    struct kbuf kb;
    const void *key = key_encode(s->ks, idx, &kb);
    int rc = libmap_delete(s->m, key);
    if (rc == LIBMAP_ENOMEM) {
        /* only with the default allocator and live iterators: never here */
        cov.enomem++;
        CHECK(0);
    }
    bool was_empty = s->ref.n == 0;
    bool had = ref_del(&s->ref, idx);
    CHECK_EQ(rc, had ? LIBMAP_DELETED : LIBMAP_ABSENT);
    if (had)
        note_delete(s, idx);
    observe(s, !was_empty);
}

uint64_t present_key(const struct model *s) { return s->ref.keys[below(s->ref.n)]; }

uint64_t absent_key(const struct model *s)
{
    for (int tries = 0; tries < 8; tries++) {
        uint64_t k = window_key(s);
        if (!ref_has(&s->ref, k))
            return k;
    }
    uint64_t k = s->lo + s->width + below(1000); /* beyond the window */
    return k <= universe(s) && !ref_has(&s->ref, k) ? k : 1 + below(universe(s) - 1);
}

void op_insert_new(struct model *s)
{
    uint64_t k = absent_key(s);
    op_assign(s, k);
}

void op_clear(struct model *s)
{
    libmap_clear(s->m);
    ref_clear(&s->ref);
    CHECK_EQ(libmap_len(s->m), 0);
    cov.clears++;
    observe(s, true);
}

static void visit_entry(const void *key, const void *value, void *ctx)
{
    struct model *s = ctx;
    uint64_t idx;
    CHECK(key_decode(s->ks, key, &idx));
    const uint8_t *rv = ref_get(&s->ref, idx);
    CHECK(rv != NULL);
    CHECK(s->ks->value_size == 0 || memcmp(value, rv, s->ks->value_size) == 0);
}

void full_check(struct model *s)
{
    struct inv_stats st;
    inv_check(s->m, visit_entry, s, &st);
    CHECK_EQ(st.count, s->ref.n);
    unsigned live = 0;
    for (unsigned t = 0; t < s->ntr; t++)
        live += s->tr[t].live;
    CHECK_EQ(st.live_iters, live);
    cov.checks++;
}

void burst(struct model *s)
{
    /* enough new keys to start a doubling, within the kind's bound */
    size_t n = s->ref.n < 8 ? 16 : s->ref.n;
    if (s->ref.n + n > 2 * s->ks->max_keys)
        n = s->ref.n < 2 * s->ks->max_keys ? 2 * s->ks->max_keys - s->ref.n : 0;
    for (size_t i = 0; i < n; i++)
        op_insert_new(s);
}

/* Churn at a steady size: insert fresh consecutive keys, delete random
 * ones. Chains are left behind where keys used to be; with the group hash
 * (16 consecutive keys share a hash) every new group fills a chain of its
 * own, so overflow buckets pile up until a same-size growth compacts them. */
void churn(struct model *s, bool across)
{
    uint64_t steps = (s->ks->hash == KH_GROUP ? 16 : 4) * (s->ref.n + 64);
    uint64_t next = s->lo + s->width;
    if (next + steps > universe(s))
        next = s->lo = 1;
    cov.churns++;
    /* across a live iteration: keep the old keys (those the iterator has
     * still to reach) and churn a working set of fresh ones, half the size,
     * small enough not to double the map */
    uint64_t *fresh = across ? malloc(steps * sizeof *fresh) : NULL;
    size_t nfresh = 0;
    for (uint64_t i = 0; i < steps; i++) {
        if (!ref_has(&s->ref, next)) {
            op_assign(s, next);
            if (fresh)
                fresh[nfresh++] = next;
        }
        next++;
        if (!fresh) {
            if (s->ref.n > s->target + 1)
                op_delete(s, present_key(s));
        } else if (nfresh > s->target / 2 + 16) {
            size_t at = below(nfresh);
            op_delete(s, fresh[at]);
            fresh[at] = fresh[--nfresh];
        }
        if (across && s->m->oldbuckets != NULL && (s->m->flags & F_SAME_SIZE_GROW))
            break;
    }
    free(fresh);
    s->lo = next > s->width ? next - s->width : 0;
}

