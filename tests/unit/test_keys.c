/*
 * test_keys.c — unit tests of each key kind and storage mode: u32 and u64
 * keys (edge values), string keys (empty string with NULL or real pointer,
 * embedded NULs, prefixes, long strings, the map's own copy of the bytes),
 * byte keys of several sizes with and without user hash/equal callbacks
 * (and their ctx), keys and values beyond LIBMAP_MAX_INLINE (indirect) on
 * both sides of the boundary, and value_size 0 (sets); and the inline
 * short-string hash and byte comparison of key.h against XXH3 and memcmp.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"
#include "invariants.h"
#include "key.h"
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

static void test_u32(void)
{
    struct talloc ta;
    libmap *m = new_map((libmap_config){.key_kind = LIBMAP_KEY_U32, .value_size = 4}, &ta);
    static const uint32_t keys[] = {0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff};
    const size_t n = sizeof keys / sizeof keys[0];
    for (size_t i = 0; i < n; i++) {
        uint32_t v = (uint32_t)i + 100;
        CHECK_EQ(libmap_assign_u32(m, keys[i], &v), LIBMAP_INSERTED);
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t v = 0;
        CHECK(libmap_lookup_u32(m, keys[i], &v));
        CHECK_EQ(v, i + 100);
        CHECK(libmap_lookup(m, &keys[i], &v)); /* generic form: pointer to uint32_t */
    }
    CHECK(!libmap_lookup_u32(m, 3, NULL));
    for (uint32_t k = 10; k < 5000; k++)
        CHECK_EQ(libmap_assign_u32(m, k, &k), LIBMAP_INSERTED);
    for (uint32_t k = 10; k < 5000; k++) {
        uint32_t v;
        CHECK(libmap_lookup_u32(m, k, &v));
        CHECK_EQ(v, k);
    }
    inv_check(m, NULL, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        CHECK_EQ(libmap_delete_u32(m, keys[i]), LIBMAP_DELETED);
    CHECK_EQ(libmap_len(m), 4990);
    free_map(m, &ta);
}

static void test_u64(void)
{
    struct talloc ta;
    libmap *m = new_map((libmap_config){.key_kind = LIBMAP_KEY_U64, .value_size = 16}, &ta);
    static const uint64_t keys[] = {0, 1, UINT64_MAX, UINT64_C(1) << 63, UINT64_C(1) << 32,
                                    0xffffffff};
    const size_t n = sizeof keys / sizeof keys[0];
    for (size_t i = 0; i < n; i++) {
        uint64_t v[2] = {keys[i], ~keys[i]};
        CHECK_EQ(libmap_assign_u64(m, keys[i], v), LIBMAP_INSERTED);
    }
    /* 1<<32 and 0xffffffff differ from 0 and UINT32_MAX only in high bits */
    for (size_t i = 0; i < n; i++) {
        uint64_t v[2];
        CHECK(libmap_lookup_u64(m, keys[i], v));
        CHECK(v[0] == keys[i] && v[1] == ~keys[i]);
    }
    CHECK(!libmap_lookup_u64(m, 2, NULL));
    CHECK_EQ(libmap_len(m), n);
    inv_check(m, NULL, NULL, NULL);
    free_map(m, &ta);
}

static void test_strings(void)
{
    struct talloc ta;
    libmap *m = new_map((libmap_config){.key_kind = LIBMAP_KEY_STRING, .value_size = 4}, &ta);
    uint32_t v = 1, out = 0;
    /* the empty string: NULL or a real pointer, same key; no allocation */
    uint64_t allocs = ta.total_allocs;
    CHECK_EQ(libmap_assign_str(m, NULL, 0, &v), LIBMAP_INSERTED);
    CHECK_EQ(ta.total_allocs, allocs + 1); /* the bucket array only */
    v = 2;
    CHECK_EQ(libmap_assign_str(m, "", 0, &v), LIBMAP_UPDATED);
    CHECK_EQ(libmap_assign_str(m, "xyz", 0, &v), LIBMAP_UPDATED); /* length 0 of anything */
    libmap_str empty = {"", 0};
    CHECK(libmap_lookup(m, &empty, &out));
    CHECK_EQ(out, 2);
    CHECK(libmap_lookup_str(m, NULL, 0, NULL));

    /* embedded NULs: these are all different keys */
    static const struct {
        const char *p;
        size_t n;
    } ks[] = {{"a", 1}, {"a\0", 2}, {"a\0b", 3}, {"a\0c", 3}, {"\0", 1}, {"\0\0", 2},
              {"\0a", 2}, {"ab", 2}, {"a\0b\0", 4}};
    const size_t n = sizeof ks / sizeof ks[0];
    for (size_t i = 0; i < n; i++) {
        uint32_t val = (uint32_t)i + 10;
        CHECK_EQ(libmap_assign_str(m, ks[i].p, ks[i].n, &val), LIBMAP_INSERTED);
    }
    CHECK_EQ(libmap_len(m), n + 1);
    for (size_t i = 0; i < n; i++) {
        CHECK(libmap_lookup_str(m, ks[i].p, ks[i].n, &out));
        CHECK_EQ(out, i + 10);
    }
    CHECK(!libmap_lookup_str(m, "a\0d", 3, NULL));
    CHECK(!libmap_lookup_str(m, "\0\0\0", 3, NULL));

    /* the map keeps its own copy of the bytes */
    char buf[64];
    memcpy(buf, "volatile\0key", 12);
    v = 77;
    CHECK_EQ(libmap_assign_str(m, buf, 12, &v), LIBMAP_INSERTED);
    memset(buf, 'X', sizeof buf);
    CHECK(libmap_lookup_str(m, "volatile\0key", 12, &out));
    CHECK_EQ(out, 77);
    CHECK(!libmap_lookup_str(m, buf, 12, NULL));
    libmap_iter it;
    libmap_iter_init(&it, m);
    const void *k;
    size_t found = 0;
    while (libmap_iter_next(&it, &k, NULL)) {
        const libmap_str *s = k;
        if (s->len == 12) {
            CHECK(memcmp(s->ptr, "volatile\0key", 12) == 0);
            CHECK(s->ptr != buf);
            found++;
        }
    }
    CHECK_EQ(found, 1);

    /* a long string */
    size_t big = 100000;
    char *lk = malloc(big);
    CHECK(lk != NULL);
    for (size_t i = 0; i < big; i++)
        lk[i] = (char)(i * 7);
    CHECK_EQ(libmap_assign_str(m, lk, big, &v), LIBMAP_INSERTED);
    CHECK(libmap_lookup_str(m, lk, big, NULL));
    lk[big - 1] ^= 1;
    CHECK(!libmap_lookup_str(m, lk, big, NULL));
    CHECK(!libmap_lookup_str(m, lk, big - 1, NULL));
    lk[big - 1] ^= 1;
    CHECK_EQ(libmap_delete_str(m, lk, big), LIBMAP_DELETED);
    free(lk);

    /* generic entry points with libmap_str */
    libmap_str s = {"a\0b", 3};
    CHECK_EQ(libmap_delete(m, &s), LIBMAP_DELETED);
    CHECK_EQ(libmap_delete(m, &s), LIBMAP_ABSENT);
    CHECK_EQ(libmap_delete_str(m, "", 0), LIBMAP_DELETED);
    CHECK(!libmap_lookup_str(m, NULL, 0, NULL));
    inv_check(m, NULL, NULL, NULL);

    /* many keys, then delete all: every copy freed */
    for (int i = 0; i < 3000; i++) {
        int len = snprintf(buf, sizeof buf, "%d%c%d", i, 0, i * 3);
        CHECK_EQ(libmap_assign_str(m, buf, (size_t)len, &v), LIBMAP_INSERTED);
    }
    inv_check(m, NULL, NULL, NULL);
    for (int i = 0; i < 3000; i++) {
        int len = snprintf(buf, sizeof buf, "%d%c%d", i, 0, i * 3);
        CHECK_EQ(libmap_delete_str(m, buf, (size_t)len), LIBMAP_DELETED);
    }
    free_map(m, &ta);
}

/* ---- byte keys and callbacks ---- */

struct cb_ctx {
    unsigned hash_calls, equal_calls;
};

/* Keys are 8 bytes; only the first 4 matter (a case of "equal but not
 * byte-identical" that only the callbacks can express). */
static uint64_t hash_first4(const void *key, size_t key_size, uint64_t seed, void *ctx)
{
    struct cb_ctx *c = ctx;
    CHECK_EQ(key_size, 8);
    c->hash_calls++;
    uint32_t x;
    memcpy(&x, key, 4);
    uint64_t h = (x ^ seed) * UINT64_C(0x9e3779b97f4a7c15);
    return h ^ (h >> 29);
}

static bool equal_first4(const void *a, const void *b, size_t key_size, void *ctx)
{
    struct cb_ctx *c = ctx;
    CHECK_EQ(key_size, 8);
    c->equal_calls++;
    return memcmp(a, b, 4) == 0;
}

static void test_bytes_callbacks(void)
{
    struct talloc ta;
    struct cb_ctx cc = {0};
    libmap *m = new_map((libmap_config){.key_kind = LIBMAP_KEY_BYTES, .key_size = 8,
                                        .value_size = 8, .hash = hash_first4,
                                        .equal = equal_first4, .callback_ctx = &cc},
                        &ta);
    uint8_t k1[8] = {1, 2, 3, 4, 5, 6, 7, 8}, k2[8] = {1, 2, 3, 4, 9, 9, 9, 9};
    uint64_t v = 1, out = 0;
    CHECK_EQ(libmap_assign(m, k1, &v), LIBMAP_INSERTED);
    v = 2;
    CHECK_EQ(libmap_assign(m, k2, &v), LIBMAP_UPDATED); /* equal by the callbacks */
    CHECK(libmap_lookup(m, k1, &out));
    CHECK_EQ(out, 2);
    CHECK(cc.hash_calls >= 3 && cc.equal_calls >= 2);
    for (uint32_t i = 0; i < 2000; i++) {
        uint8_t k[8];
        memcpy(k, &i, 4);
        memset(k + 4, (int)i, 4);
        uint64_t val = i;
        CHECK_EQ(libmap_assign(m, k, &val), LIBMAP_INSERTED);
    }
    CHECK_EQ(libmap_len(m), 2001); /* k1's first 4 bytes are none of these */
    inv_check(m, NULL, NULL, NULL);
    for (uint32_t i = 0; i < 2000; i++) {
        uint8_t k[8] = {0};
        memcpy(k, &i, 4);
        CHECK(libmap_lookup(m, k, &out)); /* last 4 bytes ignored */
        CHECK_EQ(out, i);
    }
    free_map(m, &ta);

    /* a hash callback alone (memcmp equality): k1 and k2 now differ, though
     * they share a hash (same bucket, same tophash) */
    m = new_map((libmap_config){.key_kind = LIBMAP_KEY_BYTES, .key_size = 8, .value_size = 8,
                                .hash = hash_first4, .callback_ctx = &cc},
                &ta);
    CHECK_EQ(libmap_assign(m, k1, &v), LIBMAP_INSERTED);
    CHECK_EQ(libmap_assign(m, k2, &v), LIBMAP_INSERTED);
    CHECK_EQ(libmap_len(m), 2);
    inv_check(m, NULL, NULL, NULL);
    free_map(m, &ta);

    /* an equal callback alone (XXH3 of all bytes): equal_first4 is not
     * consistent with that hash, so use only byte-distinct keys */
    cc.equal_calls = 0;
    m = new_map((libmap_config){.key_kind = LIBMAP_KEY_BYTES, .key_size = 8, .value_size = 8,
                                .equal = equal_first4, .callback_ctx = &cc},
                &ta);
    for (uint32_t i = 0; i < 500; i++) {
        uint8_t k[8] = {0};
        memcpy(k, &i, 4);
        uint64_t val = i;
        CHECK_EQ(libmap_assign(m, k, &val), LIBMAP_INSERTED);
    }
    for (uint32_t i = 0; i < 500; i++) {
        uint8_t k[8] = {0};
        memcpy(k, &i, 4);
        CHECK(libmap_lookup(m, k, &out));
        CHECK_EQ(out, i);
    }
    CHECK(cc.equal_calls >= 500);
    inv_check(m, NULL, NULL, NULL);
    free_map(m, &ta);
}

static void fill_key(uint8_t *k, size_t n, uint32_t i)
{
    for (size_t j = 0; j < n; j++)
        k[j] = (uint8_t)(i * 31 + j * 7 + (j ? i >> (j % 24) : 0));
    memcpy(k, &i, n < 4 ? n : 4);
}

/* Byte keys of size ks and values of size vs, without callbacks. */
static void bytes_case(size_t ks, size_t vs, uint32_t nkeys)
{
    struct talloc ta;
    libmap *m = new_map((libmap_config){.key_kind = LIBMAP_KEY_BYTES, .key_size = ks,
                                        .value_size = vs},
                        &ta);
    struct libmap *im = m;
    CHECK_EQ((im->t.flags & T_INDIRECT_KEY) != 0, ks > LIBMAP_MAX_INLINE);
    CHECK_EQ((im->t.flags & T_INDIRECT_VALUE) != 0, vs > LIBMAP_MAX_INLINE);
    uint8_t *k = malloc(ks), *v = malloc(vs + 1), *out = malloc(vs + 1);
    CHECK(k && v && out);
    for (uint32_t i = 0; i < nkeys; i++) {
        fill_key(k, ks, i);
        memset(v, (int)(i & 0xff), vs);
        CHECK_EQ(libmap_assign(m, k, vs ? v : NULL), LIBMAP_INSERTED);
    }
    CHECK_EQ(libmap_len(m), nkeys);
    inv_check(m, NULL, NULL, NULL);
    for (uint32_t i = 0; i < nkeys; i++) {
        fill_key(k, ks, i);
        memset(out, 0xee, vs + 1);
        CHECK(libmap_lookup(m, k, out));
        for (size_t j = 0; j < vs; j++)
            CHECK_EQ(out[j], i & 0xff);
        CHECK_EQ(out[vs], 0xee);
        if (ks > 4) {
            k[ks - 1] ^= 0x80; /* last byte matters */
            CHECK(!libmap_lookup(m, k, NULL));
        }
    }
    /* overwrite half the values */
    for (uint32_t i = 0; i < nkeys; i += 2) {
        fill_key(k, ks, i);
        memset(v, 0x3c, vs);
        CHECK_EQ(libmap_assign(m, k, vs ? v : NULL), LIBMAP_UPDATED);
    }
    /* iteration yields the stored key bytes */
    libmap_iter it;
    libmap_iter_init(&it, m);
    const void *yk;
    void *yv;
    uint32_t seen = 0;
    while (libmap_iter_next(&it, &yk, &yv)) {
        uint32_t i = 0;
        memcpy(&i, yk, ks < 4 ? ks : 4);
        fill_key(k, ks, i);
        CHECK(memcmp(yk, k, ks) == 0);
        for (size_t j = 0; j < vs; j++)
            CHECK_EQ(((uint8_t *)yv)[j], i % 2 == 0 ? 0x3c : (i & 0xff));
        seen++;
    }
    CHECK_EQ(seen, nkeys);
    for (uint32_t i = 0; i < nkeys; i += 3) {
        fill_key(k, ks, i);
        CHECK_EQ(libmap_delete(m, k), LIBMAP_DELETED);
        CHECK_EQ(libmap_delete(m, k), LIBMAP_ABSENT);
    }
    inv_check(m, NULL, NULL, NULL);
    free(k), free(v), free(out);
    free_map(m, &ta);
}

static void test_bytes_sizes(void)
{
    bytes_case(1, 4, 256);    /* every 1-byte key */
    bytes_case(2, 0, 3000);   /* a set */
    bytes_case(7, 3, 3000);
    bytes_case(12, 128, 2000); /* largest inline value */
    bytes_case(128, 8, 1000);  /* largest inline key */
    bytes_case(129, 129, 1000); /* smallest indirect key and value */
    bytes_case(1000, 4096, 300);
    bytes_case(16, 200, 1000);
    bytes_case(300, 0, 500);   /* indirect keys in a set */
}

static void test_sets(void)
{
    struct talloc ta;
    libmap *m = new_map((libmap_config){.key_kind = LIBMAP_KEY_U64, .value_size = 0}, &ta);
    uint64_t dummy = 0xabcdef;
    CHECK_EQ(libmap_assign_u64(m, 5, NULL), LIBMAP_INSERTED);
    CHECK_EQ(libmap_assign_u64(m, 5, &dummy), LIBMAP_UPDATED); /* a value pointer is ignored */
    CHECK_EQ(libmap_assign_u64(m, 6, &dummy), LIBMAP_INSERTED);
    uint64_t out = 0x1111;
    CHECK(libmap_lookup_u64(m, 5, &out));
    CHECK_EQ(out, 0x1111); /* nothing copied */
    CHECK(libmap_lookup_u64(m, 6, NULL));
    for (uint64_t k = 100; k < 10000; k++)
        CHECK_EQ(libmap_assign_u64(m, k, NULL), LIBMAP_INSERTED);
    libmap_iter it;
    libmap_iter_init(&it, m);
    size_t n = 0;
    const void *k;
    void *v;
    while (libmap_iter_next(&it, &k, &v))
        n++;
    CHECK_EQ(n, 9902);
    inv_check(m, NULL, NULL, NULL);
    free_map(m, &ta);
}

/* key.h hashes strings of up to 16 bytes inline and compares keys of up to
 * 16 bytes inline: both must agree with the library functions they stand
 * for at every length around the limits, reading only [0, len) (each key
 * is its own allocation of exactly len bytes, so ASan sees any overread). */
static void test_inline_hash_and_compare(void)
{
    uint64_t seeds[] = {0, 1, 0x9e3779b97f4a7c15u, UINT64_MAX};
    uint64_t x = 88172645463325252u;
    for (size_t len = 0; len <= 40; len++) {
        uint8_t *a = malloc(len ? len : 1), *b = malloc(len ? len : 1);
        CHECK(a != NULL && b != NULL);
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            a[i] = (uint8_t)x;
        }
        for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++)
            CHECK_EQ(str_hash(a, len, seeds[s]), XXH3_64bits_withSeed(a, len, seeds[s]));
        memcpy(b, a, len);
        CHECK(bytes_equal(a, b, len));
        for (size_t i = 0; i < len; i++) { /* a difference at every position */
            b[i] ^= 0x10;
            CHECK(!bytes_equal(a, b, len));
            CHECK(!bytes_equal(b, a, len));
            b[i] ^= 0x10;
        }
        free(a);
        free(b);
    }
}

int main(void)
{
    test_u32();
    test_u64();
    test_strings();
    test_bytes_callbacks();
    test_bytes_sizes();
    test_sets();
    test_inline_hash_and_compare();
    printf("test_keys: ok\n");
    return 0;
}
