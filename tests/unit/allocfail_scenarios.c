/*
 * allocfail_scenarios.c — the allocation-failure scenarios: map states
 * (built with the key kinds and test hashes of keys.c; KH_IDENT keys put
 * entries in chosen buckets) and the one operation whose allocations are
 * made to fail in turn, with what each must show.
 */
#include "allocfail.h"
#include "check.h"
#include "internal.h"

static const struct kspec k_u64 = {"u64", LIBMAP_KEY_U64, 0, 8, KH_NONE, false, 0};
static const struct kspec k_str = {"string", LIBMAP_KEY_STRING, 0, 12, KH_NONE, false, 0};
static const struct kspec k_ind = {"bytes200/val136", LIBMAP_KEY_BYTES, 200, 136, KH_NONE, false,
                                   0};
static const struct kspec k_const = {"bytes8/const", LIBMAP_KEY_BYTES, 8, 8, KH_CONST, false, 0};
static const struct kspec k_const_ind = {"bytes200/const/val136", LIBMAP_KEY_BYTES, 200, 136,
                                         KH_CONST, true, 0};
static const struct kspec k_ident = {"bytes16/ident", LIBMAP_KEY_BYTES, 16, 8, KH_IDENT, false, 0};

static void setup_20(struct fx *f) { fill(f, 1, 20); }
static void setup_5(struct fx *f) { fill(f, 1, 5); }
static void setup_8(struct fx *f) { fill(f, 1, 8); }
static void setup_52(struct fx *f) { fill(f, 1, 52); }

/* ident keys: idx = bucket bits | serial << 8 */
#define IK(bucket, serial) ((uint64_t)(bucket) | ((uint64_t)(serial) << 8))

static void setup_same_size(struct fx *f)
{
    struct libmap *m = f->m;
    CHECK_EQ(m->B, 1);
    for (unsigned s = 1; s <= 9; s++)
        put(f, IK(1, s));
    for (unsigned s = 2; s <= 9; s++)
        del(f, IK(1, s));
    for (unsigned s = 1; s <= 9; s++)
        put(f, IK(0, s));
    CHECK(m->oldbuckets == NULL && m->noverflow == 2 && m->count == 10);
}

/* B=3 with long chains in old buckets 5 and 6, then a doubling started by
 * a key in bucket 0: old buckets 5 and 6 still unevacuated. */
static void setup_growing_chains(struct fx *f)
{
    static const unsigned others[] = {0, 1, 2, 3, 4, 7, 0, 1};
    for (unsigned s = 1; s <= 12; s++) {
        put(f, IK(6, s));  /* stays in 6 (X) at B=4 */
        put(f, IK(14, s)); /* moves to 14 (Y) */
    }
    for (unsigned s = 1; s <= 20; s++)
        put(f, IK(5, s));
    for (unsigned s = 0; s < 8; s++)
        put(f, IK(others[s], 100 + s));
    struct libmap *m = f->m;
    CHECK(m->count == 52 && m->B == 3 && m->oldbuckets == NULL);
    put(f, IK(0, 200));
    CHECK(m->B == 4 && m->oldbuckets != NULL && !(m->flags & F_SAME_SIZE_GROW));
    CHECK(!evacuated(bucket_at(m, m->oldbuckets, 5)));
    CHECK(!evacuated(bucket_at(m, m->oldbuckets, 6)));
}

/* B=3 with a long chain in old bucket 2 and a doubling started by a key
 * in bucket 0: old bucket 2 is the next one grow_work evacuates in order. */
static void setup_growing_chain_next(struct fx *f)
{
    for (unsigned s = 1; s <= 20; s++)
        put(f, IK(2, s));
    for (unsigned s = 0; s < 32; s++)
        put(f, IK(s % 8 == 2 ? 3 : s % 8, 100 + s));
    put(f, IK(0, 200));
    struct libmap *m = f->m;
    CHECK(m->B == 4 && m->oldbuckets != NULL && m->nevacuate == 2);
    CHECK(!evacuated(bucket_at(m, m->oldbuckets, 2)));
}

/* 53 keys (a doubling in progress), an iterator live and stepped once. */
static void setup_iter_growing(struct fx *f)
{
    fill(f, 1, 53);
    CHECK(((struct libmap *)f->m)->oldbuckets != NULL);
    libmap_iter_init(&f->it, f->m);
    f->iter_live = true;
    const void *k;
    CHECK(libmap_iter_next(&f->it, &k, NULL));
    CHECK(key_decode(f->sc->ks, k, &f->first_yield));
}

/* ... and 16 keys already parked: the graveyard is full. */
static void setup_iter_graveyard_full(struct fx *f)
{
    setup_iter_growing(f);
    for (uint64_t i = 20; i < 36; i++)
        del(f, i);
    struct libmap *m = f->m;
    CHECK(m->graveyard_len == 16 && m->graveyard_cap == 16);
}

/* ---- extra checks ---- */

static void check_same_size(struct fx *f, int rc)
{
    struct libmap *m = f->m;
    CHECK_EQ(m->B, 1);
    if (rc == LIBMAP_ENOMEM)
        CHECK(m->oldbuckets == NULL && m->noverflow == 2);
}

static void check_growing(struct fx *f, int rc)
{
    (void)rc;
    CHECK_EQ(((struct libmap *)f->m)->B, 4);
}

#define ASSIGN(k) .op = OP_ASSIGN, .key = (k)
#define DELETE(k) .op = OP_DELETE, .key = (k), .want = LIBMAP_DELETED
#define FAILS(n) .min_enomem = (n), .min_allocs = (n)

const struct scenario scenarios[] = {
    {"new", &k_u64, .op = OP_NEW, FAILS(1)},
    {"new/hint", &k_u64, .hint = 1000, .op = OP_NEW, FAILS(2)},
    {"new/string", &k_str, .hint = 100, .op = OP_NEW, FAILS(2)},
    {"first-assign/u64", &k_u64, ASSIGN(7), .want = LIBMAP_INSERTED, FAILS(1)},
    {"first-assign/string", &k_str, ASSIGN(5), .want = LIBMAP_INSERTED, FAILS(2)},
    {"first-assign/indirect", &k_ind, ASSIGN(5), .want = LIBMAP_INSERTED, FAILS(3)},
    {"string-copy", &k_str, .setup = setup_20, ASSIGN(100), .want = LIBMAP_INSERTED, FAILS(1)},
    {"string-update", &k_str, .setup = setup_20, ASSIGN(7), .want = LIBMAP_UPDATED, FAILS(0)},
    {"indirect-key-value", &k_ind, .setup = setup_5, ASSIGN(50), .want = LIBMAP_INSERTED,
     FAILS(2)},
    {"overflow/inline", &k_const, .hint = 13, .setup = setup_8, ASSIGN(9),
     .want = LIBMAP_INSERTED, FAILS(1)},
    {"overflow/indirect", &k_const_ind, .hint = 13, .setup = setup_8, ASSIGN(9),
     .want = LIBMAP_INSERTED, FAILS(3)},
    {"grow/doubling", &k_u64, .setup = setup_8, ASSIGN(9), .want = LIBMAP_INSERTED, FAILS(1)},
    {"grow/doubling-prealloc", &k_u64, .setup = setup_52, ASSIGN(53), .want = LIBMAP_INSERTED,
     FAILS(1)},
    /* the first evacuation needs 6 overflow buckets: 1 preallocated, 5 heap */
    {"grow/rollback-doubling", &k_const, .setup = setup_52, ASSIGN(53),
     .want = LIBMAP_INSERTED, FAILS(6)},
    {"grow/rollback-doubling-indirect", &k_const_ind, .setup = setup_52, ASSIGN(53),
     .want = LIBMAP_INSERTED, FAILS(8), .exact = EXACT_UNLESS_STORAGE},
    {"grow/rollback-same-size", &k_ident, .hint = 13, .setup = setup_same_size,
     ASSIGN(IK(0, 10)), .want = LIBMAP_INSERTED, FAILS(2), .check = check_same_size},
    {"evacuate/update", &k_ident, .setup = setup_growing_chains, ASSIGN(IK(6, 1)),
     .want = LIBMAP_UPDATED, FAILS(1), .check = check_growing},
    {"evacuate/insert", &k_ident, .setup = setup_growing_chains, ASSIGN(IK(5, 30)),
     .want = LIBMAP_INSERTED, FAILS(1), .check = check_growing},
    /* the key's bucket is evacuated; the extra one at nevacuate cannot be
     * (its chain needs a heap bucket): tolerated, retried by a later write */
    {"evacuate/ahead", &k_ident, .setup = setup_growing_chain_next, ASSIGN(IK(3, 100 + 3)),
     .want = LIBMAP_UPDATED, .min_allocs = 1, .check = check_growing},
    /* a delete whose evacuation fails deletes in the old bucket */
    {"evacuate/delete", &k_ident, .setup = setup_growing_chains, DELETE(IK(14, 3)),
     .min_allocs = 1, .check = check_growing},
    {"graveyard/string", &k_str, .setup = setup_iter_growing, DELETE(7), FAILS(1)},
    {"graveyard/indirect", &k_ind, .setup = setup_iter_growing, DELETE(7), FAILS(1)},
    {"graveyard/grow", &k_str, .setup = setup_iter_graveyard_full, DELETE(40), FAILS(1)},
};
const size_t nscenarios = sizeof scenarios / sizeof scenarios[0];
