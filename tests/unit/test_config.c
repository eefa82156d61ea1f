/*
 * test_config.c — unit tests of map creation and the small API surface:
 * libmap_new with every kind of bad configuration (EINVAL, nothing
 * allocated, *out untouched), allocation failure on creation, hint sizing
 * (the bucket array is sized up front and inserting `hint` keys never
 * grows it), accessors, libmap_strerror, NULL handling, the registry of live
 * maps and the panic-hook table.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "internal.h"
#include "testalloc.h"

static libmap *const SENTINEL = (libmap *)(uintptr_t)0x1234;

/* libmap_new must fail with rc, allocate nothing and leave *out alone. */
static void expect_new_fails(libmap_config c, int rc)
{
    struct talloc ta;
    talloc_init(&ta);
    if (c.allocator == NULL)
        c.allocator = &ta.a;
    libmap *m = SENTINEL;
    CHECK_EQ(libmap_new(&c, &m), rc);
    CHECK(m == SENTINEL);
    CHECK_EQ(ta.total_allocs, 0);
}

static void test_bad_configs(void)
{
    libmap_config good = {.key_kind = LIBMAP_KEY_U64, .value_size = 8};
    libmap *m = SENTINEL;
    CHECK_EQ(libmap_new(NULL, &m), LIBMAP_EINVAL);
    CHECK(m == SENTINEL);
    CHECK_EQ(libmap_new(&good, NULL), LIBMAP_EINVAL);

    libmap_config c;
    c = good, c.key_kind = (libmap_key_kind)4;
    expect_new_fails(c, LIBMAP_EINVAL);
    c = good, c.key_kind = (libmap_key_kind)-1;
    expect_new_fails(c, LIBMAP_EINVAL);
    c = good, c.key_kind = (libmap_key_kind)100;
    expect_new_fails(c, LIBMAP_EINVAL);

    /* byte keys need 1 <= key_size <= 2^30 */
    c = (libmap_config){.key_kind = LIBMAP_KEY_BYTES, .key_size = 0, .value_size = 4};
    expect_new_fails(c, LIBMAP_EINVAL);
    c.key_size = ((size_t)1 << 30) + 1;
    expect_new_fails(c, LIBMAP_EINVAL);
    c.key_size = SIZE_MAX;
    expect_new_fails(c, LIBMAP_EINVAL);

    /* other kinds take no key_size, hash or equal */
    static const libmap_key_kind typed[] = {LIBMAP_KEY_U32, LIBMAP_KEY_U64, LIBMAP_KEY_STRING};
    for (size_t i = 0; i < 3; i++) {
        c = (libmap_config){.key_kind = typed[i], .value_size = 4, .key_size = 4};
        expect_new_fails(c, LIBMAP_EINVAL);
        c = (libmap_config){.key_kind = typed[i], .value_size = 4,
                            .hash = (libmap_hash_fn)(uintptr_t)1};
        expect_new_fails(c, LIBMAP_EINVAL);
        c = (libmap_config){.key_kind = typed[i], .value_size = 4,
                            .equal = (libmap_equal_fn)(uintptr_t)1};
        expect_new_fails(c, LIBMAP_EINVAL);
    }

    /* value_size at most 2^30 */
    c = good, c.value_size = ((size_t)1 << 30) + 1;
    expect_new_fails(c, LIBMAP_EINVAL);
    c = good, c.value_size = SIZE_MAX;
    expect_new_fails(c, LIBMAP_EINVAL);

    /* an allocator needs both functions */
    struct talloc ta;
    talloc_init(&ta);
    libmap_allocator half = ta.a;
    half.free = NULL;
    c = good, c.allocator = &half;
    expect_new_fails(c, LIBMAP_EINVAL);
    half = ta.a;
    half.alloc = NULL;
    c = good, c.allocator = &half;
    expect_new_fails(c, LIBMAP_EINVAL);
    CHECK_EQ(ta.total_allocs, 0);

    /* the limits themselves are accepted */
    c = (libmap_config){.key_kind = LIBMAP_KEY_BYTES, .key_size = (size_t)1 << 30,
                        .value_size = (size_t)1 << 30};
    CHECK_EQ(libmap_new(&c, &m), 0);
    CHECK_EQ(libmap_key_kind_of(m), LIBMAP_KEY_BYTES);
    CHECK_EQ(libmap_value_size(m), (size_t)1 << 30);
    libmap_free(m);
}

static void test_new_enomem(void)
{
    struct talloc ta;
    talloc_init(&ta);
    libmap_config c = {.key_kind = LIBMAP_KEY_U64, .value_size = 8, .allocator = &ta.a};
    libmap *m = SENTINEL;
    talloc_arm(&ta, 1);
    CHECK_EQ(libmap_new(&c, &m), LIBMAP_ENOMEM);
    CHECK(m == SENTINEL);
    CHECK_EQ(ta.live_blocks, 0);
    /* with a hint the bucket array is the second allocation */
    c.hint = 100;
    talloc_arm(&ta, 2);
    CHECK_EQ(libmap_new(&c, &m), LIBMAP_ENOMEM);
    CHECK(m == SENTINEL);
    CHECK_EQ(ta.live_blocks, 0);
    CHECK_EQ(ta.live_bytes, 0);
    /* a hint too large to represent fails cleanly */
    talloc_arm(&ta, 0);
    c.hint = SIZE_MAX;
    CHECK_EQ(libmap_new(&c, &m), LIBMAP_ENOMEM);
    CHECK_EQ(ta.live_blocks, 0);
    c.allocator = NULL;
    CHECK_EQ(libmap_new(&c, &m), LIBMAP_ENOMEM);
}

/* Smallest B with hint <= 6.5 * 2^B, computed independently of libmap. */
static uint8_t expected_B(size_t hint)
{
    uint8_t B = 0;
    while (hint > 8 && (double)hint > 6.5 * (double)((size_t)1 << B))
        B++;
    return B;
}

static void test_hint(void)
{
    static const size_t hints[] = {0, 1, 7, 8, 9, 13, 14, 26, 27, 52, 53, 100, 1000, 6656, 6657,
                                   50000};
    for (size_t h = 0; h < sizeof hints / sizeof hints[0]; h++) {
        size_t hint = hints[h];
        struct talloc ta;
        talloc_init(&ta);
        libmap_config c = {.key_kind = LIBMAP_KEY_U64, .value_size = 8, .hint = hint,
                           .allocator = &ta.a};
        libmap *m;
        CHECK_EQ(libmap_new(&c, &m), 0);
        struct libmap *im = m;
        CHECK_EQ(im->B, expected_B(hint));
        /* small hints allocate buckets lazily, larger ones up front */
        CHECK_EQ(im->buckets == NULL, expected_B(hint) == 0);
        CHECK_EQ(libmap_len(m), 0);
        for (uint64_t k = 0; k < hint; k++)
            CHECK_EQ(libmap_assign_u64(m, k * 7919, &k), LIBMAP_INSERTED);
        CHECK_EQ(libmap_len(m), hint);
        /* no growth happened while filling up to the hint */
        CHECK_EQ(im->B, expected_B(hint));
        CHECK(im->oldbuckets == NULL);
        for (uint64_t k = 0; k < hint; k++) {
            uint64_t v = 0;
            CHECK(libmap_lookup_u64(m, k * 7919, &v));
            CHECK_EQ(v, k);
        }
        libmap_free(m);
        CHECK_EQ(ta.live_bytes, 0);
    }
}

static void test_accessors(void)
{
    libmap_config c = {.key_kind = LIBMAP_KEY_STRING, .value_size = 0};
    libmap *m;
    CHECK_EQ(libmap_new(&c, &m), 0);
    CHECK_EQ(libmap_key_kind_of(m), LIBMAP_KEY_STRING);
    CHECK_EQ(libmap_value_size(m), 0);
    libmap_free(m);
    c = (libmap_config){.key_kind = LIBMAP_KEY_BYTES, .key_size = 3, .value_size = 300};
    CHECK_EQ(libmap_new(&c, &m), 0);
    CHECK_EQ(libmap_key_kind_of(m), LIBMAP_KEY_BYTES);
    CHECK_EQ(libmap_value_size(m), 300);
    libmap_free(m);

    /* NULL maps */
    libmap_free(NULL);
    libmap_clear(NULL);
    CHECK_EQ(libmap_len(NULL), 0);
    uint64_t k = 1;
    CHECK_EQ(libmap_assign(NULL, &k, &k), LIBMAP_EINVAL);
    CHECK(!libmap_lookup(NULL, &k, NULL));
    CHECK_EQ(libmap_delete(NULL, &k), LIBMAP_EINVAL);
    CHECK_EQ(libmap_assign_u64(NULL, 1, &k), LIBMAP_EINVAL);
    CHECK(!libmap_lookup_u64(NULL, 1, NULL));
    CHECK_EQ(libmap_delete_u64(NULL, 1), LIBMAP_EINVAL);
    CHECK_EQ(libmap_assign_u32(NULL, 1, &k), LIBMAP_EINVAL);
    CHECK(!libmap_lookup_u32(NULL, 1, NULL));
    CHECK_EQ(libmap_delete_u32(NULL, 1), LIBMAP_EINVAL);
    CHECK_EQ(libmap_assign_str(NULL, "a", 1, &k), LIBMAP_EINVAL);
    CHECK(!libmap_lookup_str(NULL, "a", 1, NULL));
    CHECK_EQ(libmap_delete_str(NULL, "a", 1), LIBMAP_EINVAL);
    libmap_iter it;
    libmap_iter_init(&it, NULL);
    CHECK(!libmap_iter_next(&it, NULL, NULL));
    libmap_iter_done(&it);
}

static void test_strerror(void)
{
    CHECK_EQ(LIBMAP_ENOMEM, -ENOMEM);
    CHECK_EQ(LIBMAP_EINVAL, -EINVAL);
    const char *ok = libmap_strerror(0);
    const char *nomem = libmap_strerror(LIBMAP_ENOMEM);
    const char *inval = libmap_strerror(LIBMAP_EINVAL);
    const char *other = libmap_strerror(-9999);
    CHECK(ok && nomem && inval && other);
    CHECK(*ok && *nomem && *inval && *other);
    CHECK(strcmp(nomem, inval) != 0 && strcmp(nomem, ok) != 0 && strcmp(inval, ok) != 0);
    CHECK(strstr(nomem, "memory") != NULL);
    CHECK(strstr(inval, "invalid") != NULL);
    CHECK(strcmp(other, nomem) != 0 && strcmp(other, inval) != 0 && strcmp(other, ok) != 0);
    /* positive results of assign/delete are successes */
    CHECK(strcmp(libmap_strerror(LIBMAP_INSERTED), ok) == 0);
    CHECK(strcmp(libmap_strerror(LIBMAP_DELETED), ok) == 0);
}

static size_t seen_count;
static libmap *seen_want;
static bool seen_found;
static void registry_visit(libmap *m, void *ctx)
{
    CHECK(ctx == &seen_count);
    seen_count++;
    if (m == seen_want)
        seen_found = true;
}

static void test_registry(void)
{
    CHECK(libmap_registry.magic == LIBMAP_REGISTRY_MAGIC);
    uint64_t before = libmap_registry.count, gen = libmap_registry.generation;
    libmap_config c = {.key_kind = LIBMAP_KEY_U32, .value_size = 4};
    libmap *a, *b;
    CHECK_EQ(libmap_new(&c, &a), 0);
    CHECK_EQ(libmap_new(&c, &b), 0);
    CHECK_EQ(libmap_registry.count, before + 2);
    CHECK(libmap_registry.generation > gen);
    CHECK(libmap_registry.head == b);
    seen_count = 0, seen_want = a, seen_found = false;
    libmap_registry_foreach(registry_visit, &seen_count);
    CHECK_EQ(seen_count, before + 2);
    CHECK(seen_found);
    libmap_free(a);
    CHECK_EQ(libmap_registry.count, before + 1);
    seen_count = 0, seen_want = a, seen_found = false;
    libmap_registry_foreach(registry_visit, &seen_count);
    CHECK_EQ(seen_count, before + 1);
    CHECK(!seen_found);
    libmap_free(b);
    CHECK_EQ(libmap_registry.count, before);
}

static void never_called(const struct libmap_panic_record *rec, void *ctx)
{
    (void)rec, (void)ctx;
    CHECK(0);
}

static void test_panic_hooks(void)
{
    CHECK_EQ(libmap_add_panic_hook(NULL, NULL), LIBMAP_EINVAL);
    int added = 0;
    while (libmap_add_panic_hook(never_called, NULL) == 0)
        CHECK(++added <= LIBMAP_MAX_PANIC_HOOKS);
    CHECK(added >= 1);
    CHECK_EQ(libmap_add_panic_hook(never_called, NULL), LIBMAP_ENOMEM);
    CHECK(libmap_panic_record.magic != LIBMAP_PANIC_MAGIC);
}

int main(void)
{
    test_bad_configs();
    test_new_enomem();
    test_hint();
    test_accessors();
    test_strerror();
    test_registry();
    test_panic_hooks();
    printf("test_config: ok\n");
    return 0;
}
