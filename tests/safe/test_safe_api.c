/*
 * test_safe_api.c — the API of libmap_sync and libmap_shard on one thread:
 * misuse (NULL, wrong key kind, bad shard bits) returns libmap's errors;
 * allocation failure returns LIBMAP_ENOMEM and leaves the map unchanged;
 * update's three actions, lookup_or_assign, clear, len, foreach (with an
 * early stop), snapshot, string and byte keys; shard counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "safe_ops.h"

/* An allocator that fails when told to (fail_allocs), or after
 * allocs_left more allocations (when allocs_left >= 0). */
static int fail_allocs;
static long allocs_left = -1;
static size_t live_allocs;
static void *t_alloc(size_t size, bool zero, void *ctx)
{
    (void)ctx;
    if (fail_allocs || allocs_left == 0)
        return NULL;
    if (allocs_left > 0)
        allocs_left--;
    live_allocs++;
    return zero ? calloc(1, size) : malloc(size);
}
static void t_free(void *p, size_t size, void *ctx)
{
    (void)size, (void)ctx;
    if (p != NULL)
        live_allocs--;
    free(p);
}
static const libmap_allocator failing = {t_alloc, t_free, NULL};

static int add_fn(const void *key, void *value, bool present, void *ctx)
{
    (void)key, (void)present;
    uint64_t v;
    memcpy(&v, value, 8);
    v += *(uint64_t *)ctx;
    memcpy(value, &v, 8);
    return LIBMAP_UPDATE_STORE;
}
static int delete_fn(const void *key, void *value, bool present, void *ctx)
{
    (void)key, (void)value, (void)present, (void)ctx;
    return LIBMAP_UPDATE_DELETE;
}
static int keep_fn(const void *key, void *value, bool present, void *ctx)
{
    (void)key, (void)present, (void)ctx;
    memset(value, 0xff, 8); /* must not reach the map */
    return LIBMAP_UPDATE_KEEP;
}

static bool count_fn(const void *key, const void *value, void *ctx)
{
    (void)key, (void)value;
    return ++*(size_t *)ctx < 10; /* stop after 10 */
}

static void test_u64(const struct safe_ops *ops)
{
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = 8, .hint = 100};
    void *m;
    CHECK_EQ(ops->create(&cfg, &m), 0);
    uint64_t v = 5, got = 0, k = 1;
    /* misuse */
    CHECK_EQ(ops->assign(m, NULL, &v), LIBMAP_EINVAL);
    CHECK_EQ(ops->assign(m, &k, NULL), LIBMAP_EINVAL);
    CHECK(!ops->lookup(m, NULL, &got));
    CHECK_EQ(ops->del(m, NULL), LIBMAP_EINVAL);
    CHECK_EQ(ops->update(m, &k, NULL, NULL), LIBMAP_EINVAL);
    CHECK_EQ(ops->update(m, NULL, add_fn, &v), LIBMAP_EINVAL);
    CHECK_EQ(ops->lookup_or_assign(m, NULL, &v, &got), LIBMAP_EINVAL);
    CHECK_EQ(ops->len(m), 0);

    for (uint64_t i = 0; i < 1000; i++)
        CHECK_EQ(ops->assign_u64(m, i, &i), LIBMAP_INSERTED);
    CHECK_EQ(ops->len(m), 1000);
    CHECK_EQ(ops->assign_u64(m, 7, &v), LIBMAP_UPDATED);
    CHECK(ops->lookup_u64(m, 7, &got) && got == 5);
    CHECK_EQ(ops->delete_u64(m, 7), LIBMAP_DELETED);
    CHECK_EQ(ops->delete_u64(m, 7), LIBMAP_ABSENT);
    CHECK(!ops->lookup_u64(m, 7, &got));
    CHECK_EQ(ops->len(m), 999);

    /* update: store (insert and replace), delete, keep */
    uint64_t d = 10;
    k = 7;
    CHECK_EQ(ops->update(m, &k, add_fn, &d), LIBMAP_INSERTED);
    CHECK(ops->lookup_u64(m, 7, &got) && got == 10);
    CHECK_EQ(ops->update(m, &k, add_fn, &d), LIBMAP_UPDATED);
    CHECK(ops->lookup_u64(m, 7, &got) && got == 20);
    CHECK_EQ(ops->update(m, &k, keep_fn, NULL), 0);
    CHECK(ops->lookup_u64(m, 7, &got) && got == 20);
    CHECK_EQ(ops->update(m, &k, delete_fn, NULL), LIBMAP_DELETED);
    CHECK_EQ(ops->update(m, &k, delete_fn, NULL), LIBMAP_ABSENT);
    CHECK_EQ(ops->update(m, &k, keep_fn, NULL), 0);
    CHECK(!ops->lookup_u64(m, 7, &got));
    CHECK_EQ(ops->len(m), 999);

    /* lookup_or_assign: insert, then find; NULL value inserts zeros */
    v = 77;
    CHECK_EQ(ops->lookup_or_assign(m, &k, &v, &got), LIBMAP_INSERTED);
    CHECK_EQ(got, 77);
    uint64_t other = 88;
    CHECK_EQ(ops->lookup_or_assign(m, &k, &other, &got), 0);
    CHECK_EQ(got, 77);
    k = 5000;
    CHECK_EQ(ops->lookup_or_assign(m, &k, NULL, NULL), LIBMAP_INSERTED);
    CHECK(ops->lookup_u64(m, 5000, &got) && got == 0);
    CHECK_EQ(ops->len(m), 1001);

    /* foreach stops when told; snapshot copies everything */
    size_t n = 0;
    CHECK_EQ(ops->foreach(m, count_fn, &n), 10);
    CHECK_EQ(n, 10);
    libmap *snap;
    CHECK_EQ(ops->snapshot(m, &snap), 0);
    CHECK_EQ(libmap_len(snap), 1001);
    CHECK(libmap_lookup_u64(snap, 7, &got) && got == 77);
    CHECK(libmap_lookup_u64(snap, 999, &got) && got == 999);
    libmap_free(snap);

    /* wrong key kind on the typed paths */
    CHECK_EQ(libmap_sync_assign_u32(NULL, 1, &v), LIBMAP_EINVAL);

    ops->clear(m);
    CHECK_EQ(ops->len(m), 0);
    CHECK(!ops->lookup_u64(m, 1, &got));
    CHECK_EQ(ops->assign_u64(m, 1, &v), LIBMAP_INSERTED);
    CHECK_EQ(ops->len(m), 1);
    ops->destroy(m);
}

static void test_strings_enomem(const struct safe_ops *ops)
{
    libmap_config cfg = {.key_kind = LIBMAP_KEY_STRING, .value_size = 8, .allocator = &failing};
    void *m;
    fail_allocs = 1;
    CHECK_EQ(ops->create(&cfg, &m), LIBMAP_ENOMEM);
    CHECK_EQ(live_allocs, 0);
    fail_allocs = 0;
    CHECK_EQ(ops->create(&cfg, &m), 0);
    char buf[32];
    for (uint64_t i = 0; i < 200; i++) {
        int n = snprintf(buf, sizeof buf, "key-%llu", (unsigned long long)i);
        libmap_str s = {buf, (size_t)n};
        CHECK_EQ(ops->assign(m, &s, &i), LIBMAP_INSERTED);
    }
    libmap_str bad = {NULL, 3};
    uint64_t v = 1, got;
    CHECK_EQ(ops->assign(m, &bad, &v), LIBMAP_EINVAL);
    CHECK_EQ(ops->assign_u64(m, 1, &v), LIBMAP_EINVAL); /* wrong key kind */
    CHECK(!ops->lookup_u64(m, 1, &got));
    CHECK_EQ(ops->delete_u64(m, 1), LIBMAP_EINVAL);

    /* a new string key needs its copy: every path fails cleanly */
    fail_allocs = 1;
    libmap_str nk = {"a-new-key", 9};
    CHECK_EQ(ops->assign(m, &nk, &v), LIBMAP_ENOMEM);
    CHECK_EQ(ops->lookup_or_assign(m, &nk, &v, &got), LIBMAP_ENOMEM);
    uint64_t d = 3;
    CHECK_EQ(ops->update(m, &nk, add_fn, &d), LIBMAP_ENOMEM);
    libmap *snap = NULL;
    CHECK_EQ(ops->snapshot(m, &snap), LIBMAP_ENOMEM);
    CHECK(snap == NULL);
    /* replacing a present key's value needs no memory */
    libmap_str k5 = {"key-5", 5};
    CHECK_EQ(ops->update(m, &k5, add_fn, &d), LIBMAP_UPDATED);
    fail_allocs = 0;
    CHECK(!ops->lookup(m, &nk, &got));
    CHECK_EQ(ops->len(m), 200);
    CHECK(ops->lookup(m, &k5, &got) && got == 8);
    CHECK_EQ(ops->update(m, &nk, add_fn, &d), LIBMAP_INSERTED);
    CHECK_EQ(ops->len(m), 201);
    ops->destroy(m);
    CHECK_EQ(live_allocs, 0);
}

/* byte keys larger than a slot (indirect) and values larger than the
 * stack buffer of update */
static void test_big(const struct safe_ops *ops)
{
    libmap_config cfg = {.key_kind = LIBMAP_KEY_BYTES, .key_size = 200, .value_size = 300};
    void *m;
    CHECK_EQ(ops->create(&cfg, &m), 0);
    uint8_t key[200], val[300], got[300];
    for (int i = 0; i < 50; i++) {
        memset(key, i, sizeof key);
        memset(val, i + 1, sizeof val);
        CHECK_EQ(ops->assign(m, key, val), LIBMAP_INSERTED);
    }
    memset(key, 3, sizeof key);
    CHECK(ops->lookup(m, key, got) && got[299] == 4);
    uint64_t d = 1;
    CHECK_EQ(ops->update(m, key, add_fn, &d), LIBMAP_UPDATED);
    CHECK(ops->lookup(m, key, got) && got[0] == 5 && got[299] == 4);
    CHECK_EQ(ops->len(m), 50);
    ops->destroy(m);
}

/* Creation failing at each of its allocations in turn: LIBMAP_ENOMEM and
 * nothing left allocated, until it has enough to succeed. Then update with
 * a value too big for the stack buffer, when that buffer cannot be had. */
static void test_create_enomem(const struct safe_ops *ops)
{
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = 512, .hint = 1000,
                         .allocator = &failing};
    void *m = NULL;
    long n;
    for (n = 0; n < 1000; n++) {
        allocs_left = n;
        int rc = ops->create(&cfg, &m);
        allocs_left = -1;
        if (rc == 0)
            break;
        CHECK_EQ(rc, LIBMAP_ENOMEM);
        CHECK_EQ(live_allocs, 0);
    }
    CHECK(n > 1 && n < 1000);
    uint8_t v[512] = {1};
    uint64_t k = 3, d = 1;
    CHECK_EQ(ops->assign(m, &k, v), LIBMAP_INSERTED);
    fail_allocs = 1;
    CHECK_EQ(ops->update(m, &k, add_fn, &d), LIBMAP_ENOMEM);
    fail_allocs = 0;
    uint8_t got[512];
    CHECK(ops->lookup(m, &k, got) && got[0] == 1);
    CHECK_EQ(ops->update(m, &k, add_fn, &d), LIBMAP_UPDATED);
    CHECK(ops->lookup(m, &k, got) && got[0] == 2);
    ops->destroy(m);
    CHECK_EQ(live_allocs, 0);
    printf("test_safe_api: %s creation fails cleanly at each of its %ld allocations\n",
           ops->name, n);
}

int main(void)
{
    test_u64(&sync_ops);
    test_u64(&shard_ops);
    test_strings_enomem(&sync_ops);
    test_strings_enomem(&shard_ops);
    test_big(&sync_ops);
    test_big(&shard_ops);
    test_create_enomem(&sync_ops);
    test_create_enomem(&shard_ops);

    /* shard counts */
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U32, .value_size = 4};
    libmap_shard *s;
    CHECK_EQ(libmap_shard_new(&cfg, LIBMAP_SHARD_MAX_BITS + 1, &s), LIBMAP_EINVAL);
    CHECK_EQ(libmap_shard_new(NULL, 2, &s), LIBMAP_EINVAL);
    CHECK_EQ(libmap_shard_new(&cfg, 0, &s), 0);
    CHECK_EQ(libmap_shard_count(s), 1);
    uint32_t v = 9, got = 0;
    CHECK_EQ(libmap_shard_assign_u32(s, 4, &v), LIBMAP_INSERTED);
    CHECK(libmap_shard_lookup_u32(s, 4, &got) && got == 9);
    CHECK_EQ(libmap_shard_delete_u32(s, 4), LIBMAP_DELETED);
    CHECK_EQ(libmap_shard_assign_u64(s, 4, &v), LIBMAP_EINVAL);
    libmap_shard_free(s);
    CHECK_EQ(libmap_shard_new(&cfg, -1, &s), 0);
    size_t n = libmap_shard_count(s);
    CHECK(n >= 4 && (n & (n - 1)) == 0);
    libmap_shard_free(s);
    CHECK_EQ(libmap_sync_new(NULL, NULL), LIBMAP_EINVAL);
    libmap_sync_free(NULL);
    libmap_shard_free(NULL);
    CHECK_EQ(libmap_sync_len(NULL), 0);
    printf("test_safe_api: ok (default shard count %zu)\n", n);
    return 0;
}
