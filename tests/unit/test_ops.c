/*
 * test_ops.c — unit tests of the operations' contracts, independent of key
 * kind: assign's INSERTED/UPDATED, lookup with and without value_out, delete
 * of present and absent keys, len, argument errors (EINVAL, map unchanged),
 * typed entry points on a map of another key kind, clear (empty, full,
 * mid-growth, then reuse; keeps the array, reseeds, frees entry storage),
 * reseed when the map empties, and a large fill/drain with invariant checks.
 */
#include <string.h>

#include "check.h"
#include "internal.h"
#include "invariants.h"
#include "testalloc.h"

static libmap *new_map(libmap_config c, struct talloc *ta)
{
    talloc_init(ta);
    c.allocator = &ta->a;
    libmap *m;
    CHECK_EQ(libmap_new(&c, &m), 0);
    return m;
}

static void free_map(libmap *m, struct talloc *ta)
{
    libmap_free(m);
    CHECK_EQ(ta->live_bytes, 0);
    CHECK_EQ(ta->live_blocks, 0);
}

static void test_assign_lookup_delete(void)
{
    struct talloc ta;
    libmap *m = new_map((libmap_config){.key_kind = LIBMAP_KEY_U64, .value_size = 8}, &ta);
    uint64_t k = 42, v = 1, out = 0;
    CHECK_EQ(libmap_len(m), 0);
    CHECK(!libmap_lookup(m, &k, &out));           /* no bucket array yet */
    CHECK_EQ(libmap_delete(m, &k), LIBMAP_ABSENT);
    CHECK_EQ(libmap_assign(m, &k, &v), LIBMAP_INSERTED);
    CHECK_EQ(libmap_len(m), 1);
    v = 2;
    CHECK_EQ(libmap_assign(m, &k, &v), LIBMAP_UPDATED);
    CHECK_EQ(libmap_len(m), 1);
    CHECK(libmap_lookup(m, &k, &out));
    CHECK_EQ(out, 2);
    CHECK(libmap_lookup(m, &k, NULL));             /* presence only */
    uint64_t miss = 43;
    out = 777;
    CHECK(!libmap_lookup(m, &miss, &out));
    CHECK_EQ(out, 777);                            /* untouched on a miss */
    CHECK_EQ(libmap_delete(m, &miss), LIBMAP_ABSENT);
    CHECK_EQ(libmap_delete(m, &k), LIBMAP_DELETED);
    CHECK_EQ(libmap_delete(m, &k), LIBMAP_ABSENT);
    CHECK_EQ(libmap_len(m), 0);
    CHECK(!libmap_lookup(m, &k, NULL));
    /* the typed entry points agree with the generic ones */
    CHECK_EQ(libmap_assign_u64(m, 42, &v), LIBMAP_INSERTED);
    CHECK(libmap_lookup(m, &k, &out));
    CHECK_EQ(out, 2);
    CHECK_EQ(libmap_assign(m, &k, &k), LIBMAP_UPDATED);
    CHECK(libmap_lookup_u64(m, 42, &out));
    CHECK_EQ(out, 42);
    CHECK_EQ(libmap_delete_u64(m, 42), LIBMAP_DELETED);
    CHECK_EQ(libmap_delete_u64(m, 42), LIBMAP_ABSENT);
    inv_check(m, NULL, NULL, NULL);
    free_map(m, &ta);
}

static void test_arg_errors(void)
{
    struct talloc ta;
    libmap *m = new_map((libmap_config){.key_kind = LIBMAP_KEY_U32, .value_size = 4}, &ta);
    uint32_t k = 7, v = 9;
    CHECK_EQ(libmap_assign(m, &k, &v), LIBMAP_INSERTED);
    uint64_t allocs = ta.total_allocs;
    CHECK_EQ(libmap_assign(m, NULL, &v), LIBMAP_EINVAL);
    CHECK_EQ(libmap_assign(m, &k, NULL), LIBMAP_EINVAL);  /* value needed: value_size 4 */
    CHECK_EQ(libmap_assign_u32(m, 8, NULL), LIBMAP_EINVAL);
    CHECK(!libmap_lookup(m, NULL, &v));
    CHECK_EQ(libmap_delete(m, NULL), LIBMAP_EINVAL);
    CHECK_EQ(ta.total_allocs, allocs);
    CHECK_EQ(libmap_len(m), 1);
    uint32_t out = 0;
    CHECK(libmap_lookup_u32(m, 7, &out));
    CHECK_EQ(out, 9);
    CHECK(!libmap_lookup_u32(m, 8, NULL));
    free_map(m, &ta);

    /* string maps reject a NULL pointer with a non-zero length */
    m = new_map((libmap_config){.key_kind = LIBMAP_KEY_STRING, .value_size = 4}, &ta);
    libmap_str bad = {NULL, 3};
    CHECK_EQ(libmap_assign(m, &bad, &v), LIBMAP_EINVAL);
    CHECK(!libmap_lookup(m, &bad, NULL));
    CHECK_EQ(libmap_delete(m, &bad), LIBMAP_EINVAL);
    CHECK_EQ(libmap_assign_str(m, NULL, 3, &v), LIBMAP_EINVAL);
    CHECK(!libmap_lookup_str(m, NULL, 3, NULL));
    CHECK_EQ(libmap_delete_str(m, NULL, 3), LIBMAP_EINVAL);
    CHECK_EQ(libmap_assign_str(m, "abc", 3, NULL), LIBMAP_EINVAL);
    CHECK_EQ(libmap_len(m), 0);
    CHECK_EQ(ta.total_allocs, 1); /* just the map */
    free_map(m, &ta);
}

/* Every typed entry point of another kind fails and changes nothing. */
static void wrong_kind_calls(libmap *m, libmap_key_kind kind)
{
    uint64_t v[64] = {0};
    size_t len = libmap_len(m);
    if (kind != LIBMAP_KEY_U64) {
        CHECK_EQ(libmap_assign_u64(m, 1, v), LIBMAP_EINVAL);
        CHECK(!libmap_lookup_u64(m, 1, v));
        CHECK_EQ(libmap_delete_u64(m, 1), LIBMAP_EINVAL);
    }
    if (kind != LIBMAP_KEY_U32) {
        CHECK_EQ(libmap_assign_u32(m, 1, v), LIBMAP_EINVAL);
        CHECK(!libmap_lookup_u32(m, 1, v));
        CHECK_EQ(libmap_delete_u32(m, 1), LIBMAP_EINVAL);
    }
    if (kind != LIBMAP_KEY_STRING) {
        CHECK_EQ(libmap_assign_str(m, "k", 1, v), LIBMAP_EINVAL);
        CHECK(!libmap_lookup_str(m, "k", 1, v));
        CHECK_EQ(libmap_delete_str(m, "k", 1), LIBMAP_EINVAL);
        CHECK_EQ(libmap_assign_str(m, NULL, 0, v), LIBMAP_EINVAL);
    }
    CHECK_EQ(libmap_len(m), len);
}

static void test_wrong_kind(void)
{
    static const libmap_config cfgs[] = {
        {.key_kind = LIBMAP_KEY_U32, .value_size = 8},
        {.key_kind = LIBMAP_KEY_U64, .value_size = 8},
        {.key_kind = LIBMAP_KEY_STRING, .value_size = 8},
        {.key_kind = LIBMAP_KEY_BYTES, .key_size = 8, .value_size = 8},
        {.key_kind = LIBMAP_KEY_BYTES, .key_size = 4, .value_size = 8},
    };
    for (size_t i = 0; i < sizeof cfgs / sizeof cfgs[0]; i++) {
        struct talloc ta;
        libmap *m = new_map(cfgs[i], &ta);
        wrong_kind_calls(m, cfgs[i].key_kind); /* on an empty map */
        /* one entry whose key bytes equal what a wrong call would pass */
        uint64_t key8 = 1, val = 5;
        libmap_str skey = {"k", 1};
        const void *key = cfgs[i].key_kind == LIBMAP_KEY_STRING ? (const void *)&skey : &key8;
        CHECK_EQ(libmap_assign(m, key, &val), LIBMAP_INSERTED);
        wrong_kind_calls(m, cfgs[i].key_kind);
        uint64_t out = 0;
        CHECK(libmap_lookup(m, key, &out));
        CHECK_EQ(out, 5);
        inv_check(m, NULL, NULL, NULL);
        free_map(m, &ta);
    }
}

static void test_clear(void)
{
    struct talloc ta;
    /* clear on a map that never allocated buckets */
    libmap *m = new_map((libmap_config){.key_kind = LIBMAP_KEY_U64, .value_size = 8}, &ta);
    libmap_clear(m);
    CHECK_EQ(libmap_len(m), 0);
    inv_check(m, NULL, NULL, NULL);
    /* fill, clear, reuse, several times; clear mid-growth too */
    struct libmap *im = m;
    for (int round = 0; round < 4; round++) {
        /* round 2 goes on until a growth is in progress */
        uint64_t n = 0, want = 1000 + 1000 * (uint64_t)round;
        for (; n < want || (round == 2 && im->oldbuckets == NULL); n++)
            CHECK_EQ(libmap_assign_u64(m, n + 1000000 * (uint64_t)round, &n), LIBMAP_INSERTED);
        if (round == 2)
            CHECK(im->oldbuckets != NULL);
        uint8_t B = im->B;
        uint8_t *arr = im->buckets;
        uint64_t seed = im->hash0;
        libmap_clear(m);
        CHECK_EQ(libmap_len(m), 0);
        CHECK(im->oldbuckets == NULL);
        CHECK_EQ(im->B, B);               /* the array is kept ... */
        CHECK(im->buckets == arr);
        CHECK(im->hash0 != seed);         /* ... and a new seed picked */
        CHECK_EQ(im->noverflow, 0);
        inv_check(m, NULL, NULL, NULL);
        for (uint64_t k = 0; k < n; k++)
            CHECK(!libmap_lookup_u64(m, k + 1000000 * (uint64_t)round, NULL));
        libmap_iter it;
        libmap_iter_init(&it, m);
        CHECK(!libmap_iter_next(&it, NULL, NULL));
        /* reuse with other keys */
        for (uint64_t k = 0; k < 100; k++)
            CHECK_EQ(libmap_assign_u64(m, k, &k), LIBMAP_INSERTED);
        CHECK_EQ(libmap_len(m), 100);
        for (uint64_t k = 0; k < 100; k++) {
            uint64_t v;
            CHECK(libmap_lookup_u64(m, k, &v));
            CHECK_EQ(v, k);
        }
        inv_check(m, NULL, NULL, NULL);
        libmap_clear(m);
        libmap_clear(m); /* twice is fine */
        CHECK_EQ(libmap_len(m), 0);
    }
    free_map(m, &ta);

    /* clear frees string copies and indirect storage */
    m = new_map((libmap_config){.key_kind = LIBMAP_KEY_STRING, .value_size = 200}, &ta);
    char val[200] = "v";
    char key[32];
    for (int i = 0; i < 300; i++) {
        int n = snprintf(key, sizeof key, "key-%d", i);
        CHECK_EQ(libmap_assign_str(m, key, (size_t)n, val), LIBMAP_INSERTED);
    }
    libmap_clear(m);
    im = m;
    /* only the map, its kept bucket array and what was retired remain:
     * retired arrays with their chains, the heap overflow buckets parked
     * in the graveyard, and the graveyard itself (internal.h) */
    CHECK(im->buckets != NULL);
    struct barray *arr = (struct barray *)(void *)im->buckets - 1;
    CHECK_EQ(ta.live_bytes, sizeof(struct libmap) + arr->alloc_size + im->retired_bytes +
                                im->graveyard_cap * sizeof *im->graveyard);
    CHECK_EQ(libmap_assign_str(m, "again", 5, val), LIBMAP_INSERTED);
    CHECK(libmap_lookup_str(m, "again", 5, NULL));
    CHECK(!libmap_lookup_str(m, "key-1", 5, NULL));
    free_map(m, &ta);
}

static void test_reseed_when_empty(void)
{
    struct talloc ta;
    libmap *m = new_map((libmap_config){.key_kind = LIBMAP_KEY_U32, .value_size = 0}, &ta);
    struct libmap *im = m;
    for (uint32_t k = 0; k < 20; k++)
        CHECK_EQ(libmap_assign_u32(m, k, NULL), LIBMAP_INSERTED);
    for (uint32_t k = 0; k < 19; k++) {
        uint64_t seed = im->hash0;
        CHECK_EQ(libmap_delete_u32(m, k), LIBMAP_DELETED);
        CHECK(im->hash0 == seed); /* not empty yet: same seed */
    }
    uint64_t seed = im->hash0;
    CHECK_EQ(libmap_delete_u32(m, 19), LIBMAP_DELETED);
    CHECK(im->hash0 != seed);
    CHECK_EQ(libmap_len(m), 0);
    CHECK_EQ(libmap_assign_u32(m, 5, NULL), LIBMAP_INSERTED);
    CHECK(libmap_lookup_u32(m, 5, NULL));
    inv_check(m, NULL, NULL, NULL);
    free_map(m, &ta);
}

/* 200000 keys: with the counting allocator, and with the default one
 * (whose bucket arrays of 2 MiB and more come from mmap). */
static void test_large(bool counted)
{
    struct talloc ta;
    libmap *m;
    if (counted) {
        m = new_map((libmap_config){.key_kind = LIBMAP_KEY_U64, .value_size = 8}, &ta);
    } else {
        libmap_config c = {.key_kind = LIBMAP_KEY_U64, .value_size = 8};
        CHECK_EQ(libmap_new(&c, &m), 0);
    }
    const uint64_t n = 200000;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t key = k * UINT64_C(0x9e3779b97f4a7c15), v = ~k;
        CHECK_EQ(libmap_assign(m, &key, &v), LIBMAP_INSERTED);
        if (k % 40000 == 0)
            inv_check(m, NULL, NULL, NULL);
    }
    CHECK_EQ(libmap_len(m), n);
    inv_check(m, NULL, NULL, NULL);
    for (uint64_t k = 0; k < n; k += 2)
        CHECK_EQ(libmap_delete_u64(m, k * UINT64_C(0x9e3779b97f4a7c15)), LIBMAP_DELETED);
    CHECK_EQ(libmap_len(m), n / 2);
    for (uint64_t k = 0; k < n; k++) {
        uint64_t v = 0;
        bool hit = libmap_lookup_u64(m, k * UINT64_C(0x9e3779b97f4a7c15), &v);
        CHECK_EQ(hit, k % 2 == 1);
        if (hit)
            CHECK_EQ(v, ~k);
    }
    inv_check(m, NULL, NULL, NULL);
    libmap_clear(m);
    for (uint64_t k = 0; k < 1000; k++)
        CHECK_EQ(libmap_assign_u64(m, k, &k), LIBMAP_INSERTED);
    if (counted)
        free_map(m, &ta);
    else
        libmap_free(m);
}

int main(void)
{
    test_assign_lookup_delete();
    test_arg_errors();
    test_wrong_kind();
    test_clear();
    test_reseed_when_empty();
    test_large(true);
    test_large(false);
    printf("test_ops: ok\n");
    return 0;
}
