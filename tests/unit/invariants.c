/*
 * invariants.c — the structural checker (see invariants.h).
 */
#include "invariants.h"

#include <stdlib.h>
#include <string.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "check.h"
#include "internal.h"

#define MAX_CHAIN ((size_t)1 << 24)

struct seen {
    uint64_t hash;
    const uint8_t *key; /* key data */
};

struct walk {
    const struct libmap *m;
    inv_visit_fn visit;
    void *ctx;
    struct seen *seen;
    size_t nseen, cap;
};

/* The key's hash, computed here rather than by libmap's code. */
static uint64_t inv_hash(const struct libmap *m, const uint8_t *k)
{
    switch (m->t.key_kind) {
    case LIBMAP_KEY_U32:
        return XXH3_64bits_withSeed(k, 4, m->hash0);
    case LIBMAP_KEY_U64:
        return XXH3_64bits_withSeed(k, 8, m->hash0);
    case LIBMAP_KEY_STRING: {
        libmap_str s;
        memcpy(&s, k, sizeof s);
        CHECK(s.len == 0 || s.ptr != NULL);
        return XXH3_64bits_withSeed(s.ptr, s.len, m->hash0);
    }
    default:
        if (m->t.hash != NULL)
            return m->t.hash(k, m->t.key_size, m->hash0, m->t.ctx);
        return XXH3_64bits_withSeed(k, m->t.key_size, m->hash0);
    }
}

static uint8_t inv_tophash(uint64_t h)
{
    uint8_t t = (uint8_t)(h >> 56);
    return t < MIN_TOPHASH ? (uint8_t)(t + MIN_TOPHASH) : t;
}

static bool keys_same(const struct libmap *m, const uint8_t *a, const uint8_t *b)
{
    if (m->t.key_kind == LIBMAP_KEY_STRING) {
        libmap_str x, y;
        memcpy(&x, a, sizeof x);
        memcpy(&y, b, sizeof y);
        return x.len == y.len && (x.len == 0 || memcmp(x.ptr, y.ptr, x.len) == 0);
    }
    if (m->t.key_kind == LIBMAP_KEY_BYTES && m->t.equal != NULL)
        return m->t.equal(a, b, m->t.key_size, m->t.ctx);
    return memcmp(a, b, m->t.key_size) == 0;
}

/* The array header before the buckets (internal.h's struct barray). */
static struct barray *header_of(uint8_t *buckets) { return (struct barray *)(void *)buckets - 1; }

static bool is_evac_mark(uint8_t t) { return t >= EVAC_X && t <= EVAC_EMPTY; }

static bool pristine(const struct libmap *m, uint8_t *b)
{
    for (unsigned i = 0; i < BUCKET_CNT; i++)
        if (b[i] != EMPTY_REST)
            return false;
    return bucket_overflow(m, b) == NULL;
}

/* Walk one live chain (current bucket, or unevacuated old bucket) whose
 * keys must select bucket index idx under mask. Returns live slots. */
static size_t walk_chain(struct walk *w, uint8_t *b, size_t idx, size_t mask, size_t *overflows,
                         uint8_t *pre_lo, uint8_t *pre_hi, uint8_t *next_pre)
{
    const struct libmap *m = w->m;
    size_t live = 0, len = 0;
    bool rest = false;
    for (uint8_t *c = b; c != NULL; c = bucket_overflow(m, c)) {
        CHECK(++len < MAX_CHAIN);
        if (c != b) {
            (*overflows)++;
            if (c >= pre_lo && c < pre_hi) {
                /* a preallocated bucket in use must have been handed out */
                CHECK((size_t)(c - pre_lo) % m->t.bucket_size == 0);
                CHECK(next_pre == NULL || c < next_pre);
            }
        }
        for (unsigned i = 0; i < BUCKET_CNT; i++) {
            uint8_t t = c[i];
            if (rest) {
                if (t != EMPTY_REST)
                    fprintf(stderr, "slot %u in the chain of bucket %zu follows EMPTY_REST\n", i,
                            idx);
                CHECK(t == EMPTY_REST);
                continue;
            }
            CHECK(!is_evac_mark(t));
            if (t == EMPTY_REST) {
                rest = true;
                continue;
            }
            if (t == EMPTY_ONE)
                continue;
            uint8_t *k = key_data(m, slot_key(m, c, i));
            CHECK(k != NULL);
            uint64_t h = inv_hash(m, k);
            if ((h & mask) != idx)
                fprintf(stderr, "key with hash %016llx in bucket %zu (mask %zx)\n",
                        (unsigned long long)h, idx, mask);
            CHECK((h & mask) == idx);
            CHECK_EQ(t, inv_tophash(h));
            live++;
            if (w->nseen == w->cap) {
                w->cap = w->cap ? 2 * w->cap : 1024;
                w->seen = realloc(w->seen, w->cap * sizeof *w->seen);
                CHECK(w->seen != NULL);
            }
            w->seen[w->nseen++] = (struct seen){h, k};
            if (w->visit != NULL)
                w->visit(k, value_data(m, slot_value(m, c, i)), w->ctx);
        }
    }
    return live;
}

static int cmp_seen(const void *a, const void *b)
{
    const struct seen *x = a, *y = b;
    return x->hash < y->hash ? -1 : x->hash > y->hash;
}

void inv_check(const libmap *cm, inv_visit_fn visit, void *ctx, struct inv_stats *st)
{
    struct libmap *m = (struct libmap *)cm;
    struct inv_stats s = {0};
    CHECK(m->magic == MAP_MAGIC);
    uint64_t writer = atomic_load_explicit(&m->writer, memory_order_relaxed);
    CHECK((writer & LIBMAP_WRITER_HELD) == 0);
    s.B = m->B;
    s.count = m->count;
    s.live_iters = atomic_load_explicit(&m->live_iters, memory_order_relaxed);
    if (m->buckets == NULL) {
        CHECK_EQ(m->count, 0);
        CHECK(m->oldbuckets == NULL);
        CHECK_EQ(m->B, 0);
        if (st)
            *st = s;
        return;
    }
    struct walk w = {.m = m, .visit = visit, .ctx = ctx};
    size_t bs = m->t.bucket_size;
    size_t nb = bucket_shift(m->B), mask = bucket_mask(m->B);

    /* current array geometry and its preallocated overflow area */
    struct barray *a = header_of(m->buckets);
    CHECK_EQ(a->nbase, nb);
    CHECK_EQ(a->nbuckets, nb + (m->B >= 4 ? bucket_shift((uint8_t)(m->B - 4)) : 0));
    CHECK(a->alloc_size == sizeof *a + a->nbuckets * bs);
    uint8_t *pre_lo = m->buckets + nb * bs, *pre_hi = m->buckets + a->nbuckets * bs;
    if (m->next_overflow != NULL) {
        CHECK(m->next_overflow >= pre_lo && m->next_overflow < pre_hi);
        CHECK((size_t)(m->next_overflow - pre_lo) % bs == 0);
    }

    for (size_t i = 0; i < nb; i++)
        s.live_new += walk_chain(&w, bucket_at(m, m->buckets, i), i, mask, &s.overflow_new,
                                 pre_lo, pre_hi, m->next_overflow);

    s.growing = m->oldbuckets != NULL;
    s.same_size = (m->flags & F_SAME_SIZE_GROW) != 0;
    if (s.growing) {
        size_t nold = noldbuckets(m), omask = nold - 1;
        struct barray *oa = header_of(m->oldbuckets);
        CHECK_EQ(oa->nbase, nold);
        CHECK(s.same_size ? nold == nb : 2 * nold == nb);
        CHECK(m->nevacuate < nold);
        uint8_t *opre_lo = m->oldbuckets + nold * bs, *opre_hi = m->oldbuckets + oa->nbuckets * bs;
        size_t ignored = 0;
        for (size_t j = 0; j < nold; j++) {
            uint8_t *ob = bucket_at(m, m->oldbuckets, j);
            if (j < m->nevacuate)
                CHECK(evacuated(ob));
            if (evacuated(ob)) {
                s.old_evacuated++;
                size_t len = 0;
                for (uint8_t *c = ob; c != NULL; c = bucket_overflow(m, c)) {
                    CHECK(++len < MAX_CHAIN);
                    for (unsigned i = 0; i < BUCKET_CNT; i++)
                        CHECK(is_evac_mark(c[i]));
                }
                continue;
            }
            /* not evacuated: its destinations are still untouched */
            CHECK(pristine(m, bucket_at(m, m->buckets, j)));
            if (!s.same_size)
                CHECK(pristine(m, bucket_at(m, m->buckets, j + nold)));
            s.live_old += walk_chain(&w, ob, j, omask, &ignored, opre_lo, opre_hi, NULL);
        }
    } else {
        CHECK((m->flags & F_SAME_SIZE_GROW) == 0);
    }

    if (s.live_new + s.live_old != m->count)
        fprintf(stderr, "count %zu, live slots %zu new + %zu old\n", m->count, s.live_new,
                s.live_old);
    CHECK_EQ(s.live_new + s.live_old, m->count);
    if (m->B < 16)
        CHECK_EQ(m->noverflow, (uint16_t)s.overflow_new);

    /* no key twice: sort by hash, compare keys with equal hashes */
    if (w.nseen > 1)
        qsort(w.seen, w.nseen, sizeof *w.seen, cmp_seen);
    for (size_t i = 0; i < w.nseen; i++)
        for (size_t j = i + 1; j < w.nseen && w.seen[j].hash == w.seen[i].hash; j++)
            CHECK(!keys_same(m, w.seen[i].key, w.seen[j].key));
    free(w.seen);
    if (st)
        *st = s;
}
