/*
 * test_iter.c — unit tests of iteration: empty maps, every key exactly once
 * (all sizes, also when started mid-growth), NULL key/value outputs,
 * libmap_iter_done and the live-iterator count, random start order, clear
 * ending an iteration, current values after updates, key storage kept alive
 * for an iterator that still reads evacuated old buckets (ASan checks), and
 * a constructed case: an iterator started during a doubling, paused inside
 * an old bucket, while that doubling finishes and a same-size growth starts.
 */
#include <string.h>
#include <time.h>

#include "check.h"
#include "internal.h"
#include "invariants.h"
#include "keys.h"
#include "testalloc.h"

static uint32_t live_iters(const libmap *m)
{
    return atomic_load_explicit(&((struct libmap *)m)->live_iters, memory_order_relaxed);
}

static void test_empty(void)
{
    libmap_config c = {.key_kind = LIBMAP_KEY_U64, .value_size = 8};
    libmap *m;
    CHECK_EQ(libmap_new(&c, &m), 0);
    libmap_iter it;
    const void *k = (const void *)1;
    void *v = (void *)1;
    libmap_iter_init(&it, m); /* no bucket array at all */
    CHECK(!libmap_iter_next(&it, &k, &v));
    CHECK(!libmap_iter_next(&it, &k, &v));
    CHECK_EQ(live_iters(m), 0);
    libmap_iter_done(&it);
    uint64_t x = 1;
    CHECK_EQ(libmap_assign_u64(m, 1, &x), LIBMAP_INSERTED);
    CHECK_EQ(libmap_delete_u64(m, 1), LIBMAP_DELETED);
    libmap_iter_init(&it, m); /* buckets, no entries */
    CHECK(!libmap_iter_next(&it, NULL, NULL));
    CHECK_EQ(live_iters(m), 0);
    for (uint64_t i = 0; i < 100; i++)
        CHECK_EQ(libmap_assign_u64(m, i, &i), LIBMAP_INSERTED);
    libmap_clear(m);
    libmap_iter_init(&it, m); /* cleared */
    CHECK(!libmap_iter_next(&it, NULL, NULL));
    libmap_free(m);
}

/* Iterate m (u64 keys in [0, n) with value = key) and check every key comes
 * exactly once. */
static void expect_each_once(libmap *m, uint64_t n)
{
    uint8_t *seen = calloc(n ? n : 1, 1);
    CHECK(seen != NULL);
    libmap_iter it;
    libmap_iter_init(&it, m);
    const void *k;
    void *v;
    uint64_t count = 0;
    while (libmap_iter_next(&it, &k, &v)) {
        uint64_t key, val;
        memcpy(&key, k, 8);
        memcpy(&val, v, 8);
        CHECK(key < n);
        CHECK_EQ(val, key);
        CHECK_EQ(seen[key], 0);
        seen[key] = 1;
        count++;
    }
    CHECK_EQ(count, n);
    CHECK_EQ(live_iters(m), 0);
    free(seen);
}

static void test_each_once(void)
{
    /* every size up to 300 covers each growth state at small B */
    for (uint64_t n = 0; n <= 300; n++) {
        libmap_config c = {.key_kind = LIBMAP_KEY_U64, .value_size = 8};
        libmap *m;
        CHECK_EQ(libmap_new(&c, &m), 0);
        for (uint64_t i = 0; i < n; i++)
            CHECK_EQ(libmap_assign_u64(m, i, &i), LIBMAP_INSERTED);
        expect_each_once(m, n);
        expect_each_once(m, n); /* again, another start */
        libmap_free(m);
    }
    libmap_config c = {.key_kind = LIBMAP_KEY_U64, .value_size = 8};
    libmap *m;
    CHECK_EQ(libmap_new(&c, &m), 0);
    for (uint64_t i = 0; i < 50000; i++) {
        CHECK_EQ(libmap_assign_u64(m, i, &i), LIBMAP_INSERTED);
        if (((struct libmap *)m)->oldbuckets != NULL && i % 97 == 0)
            expect_each_once(m, i + 1); /* started mid-growth */
    }
    expect_each_once(m, 50000);
    libmap_free(m);
}

static void test_null_outputs_and_done(void)
{
    libmap_config c = {.key_kind = LIBMAP_KEY_U32, .value_size = 4};
    libmap *m;
    CHECK_EQ(libmap_new(&c, &m), 0);
    for (uint32_t i = 0; i < 100; i++)
        CHECK_EQ(libmap_assign_u32(m, i, &i), LIBMAP_INSERTED);
    libmap_iter it;
    libmap_iter_init(&it, m);
    CHECK_EQ(live_iters(m), 1);
    unsigned n = 0;
    while (libmap_iter_next(&it, NULL, NULL))
        n++;
    CHECK_EQ(n, 100);
    CHECK_EQ(live_iters(m), 0);  /* ended by next returning false */
    libmap_iter_done(&it);       /* harmless afterwards */
    CHECK_EQ(live_iters(m), 0);

    /* stop early */
    libmap_iter a, b;
    libmap_iter_init(&a, m);
    libmap_iter_init(&b, m);
    CHECK_EQ(live_iters(m), 2);
    const void *k;
    CHECK(libmap_iter_next(&a, &k, NULL));
    CHECK(libmap_iter_next(&b, NULL, NULL));
    libmap_iter_done(&a);
    CHECK_EQ(live_iters(m), 1);
    libmap_iter_done(&a);
    CHECK_EQ(live_iters(m), 1);
    CHECK(!libmap_iter_next(&a, NULL, NULL)); /* done means ended */
    libmap_iter_done(&b);
    CHECK_EQ(live_iters(m), 0);
    libmap_free(m);
}

static void test_random_start(void)
{
    libmap_config c = {.key_kind = LIBMAP_KEY_U64, .value_size = 8};
    libmap *m;
    CHECK_EQ(libmap_new(&c, &m), 0);
    for (uint64_t i = 0; i < 100; i++)
        CHECK_EQ(libmap_assign_u64(m, i, &i), LIBMAP_INSERTED);
    uint64_t firsts[64];
    unsigned distinct = 0;
    for (int r = 0; r < 64; r++) {
        libmap_iter it;
        libmap_iter_init(&it, m);
        const void *k;
        CHECK(libmap_iter_next(&it, &k, NULL));
        libmap_iter_done(&it);
        uint64_t key;
        memcpy(&key, k, 8);
        bool dup = false;
        for (unsigned j = 0; j < distinct; j++)
            dup |= firsts[j] == key;
        if (!dup)
            firsts[distinct++] = key;
    }
    /* 16 buckets x 8 offsets: 64 starts are not all alike */
    CHECK(distinct >= 8);
    libmap_free(m);
}

static void test_clear_ends(void)
{
    libmap_config c = {.key_kind = LIBMAP_KEY_STRING, .value_size = 8};
    libmap *m;
    CHECK_EQ(libmap_new(&c, &m), 0);
    char key[16];
    for (uint64_t i = 0; i < 200; i++) {
        int n = snprintf(key, sizeof key, "k%llu", (unsigned long long)i);
        CHECK_EQ(libmap_assign_str(m, key, (size_t)n, &i), LIBMAP_INSERTED);
    }
    libmap_iter it;
    libmap_iter_init(&it, m);
    CHECK(libmap_iter_next(&it, NULL, NULL));
    libmap_clear(m);
    CHECK(!libmap_iter_next(&it, NULL, NULL));
    CHECK_EQ(live_iters(m), 0);
    /* refilled after clear: a stale iterator still does not resume */
    libmap_iter_init(&it, m);
    for (uint64_t i = 0; i < 50; i++) {
        int n = snprintf(key, sizeof key, "k%llu", (unsigned long long)i);
        CHECK_EQ(libmap_assign_str(m, key, (size_t)n, &i), LIBMAP_INSERTED);
    }
    libmap_iter_init(&it, m);
    CHECK(libmap_iter_next(&it, NULL, NULL));
    libmap_clear(m);
    for (uint64_t i = 0; i < 50; i++) {
        int n = snprintf(key, sizeof key, "k%llu", (unsigned long long)i);
        CHECK_EQ(libmap_assign_str(m, key, (size_t)n, &i), LIBMAP_INSERTED);
    }
    CHECK(!libmap_iter_next(&it, NULL, NULL));
    libmap_free(m);
}

static void test_current_values(void)
{
    libmap_config c = {.key_kind = LIBMAP_KEY_U64, .value_size = 8};
    libmap *m;
    CHECK_EQ(libmap_new(&c, &m), 0);
    const uint64_t n = 1000;
    for (uint64_t i = 0; i < n; i++)
        CHECK_EQ(libmap_assign_u64(m, i, &i), LIBMAP_INSERTED);
    /* after each yield, bump every key's value; then grow the map */
    libmap_iter it;
    libmap_iter_init(&it, m);
    const void *k;
    void *v;
    uint64_t round = 0, yielded = 0;
    while (libmap_iter_next(&it, &k, &v)) {
        uint64_t key, val;
        memcpy(&key, k, 8);
        memcpy(&val, v, 8);
        if (key >= (1 << 20))
            CHECK_EQ(val, key - (1 << 20)); /* inserted by the burst below */
        else
            CHECK_EQ(val, key + round * 1000000);
        yielded++;
        if (yielded % 100 == 0) {
            round++;
            for (uint64_t i = 0; i < n; i++) {
                uint64_t nv = i + round * 1000000;
                CHECK_EQ(libmap_assign_u64(m, i, &nv), LIBMAP_UPDATED);
            }
        }
        if (yielded == 500)
            for (uint64_t i = n; i < 3 * n; i++) /* doubling under the iterator */
                CHECK_EQ(libmap_assign_u64(m, i + (1 << 20), &i), LIBMAP_INSERTED);
    }
    CHECK(yielded >= n);
    libmap_free(m);
}

/* Keys whose storage was freed by delete may still be read by an iterator
 * walking old (evacuated) buckets: libmap parks them until no iterator is
 * live. Run under ASan, any early free is a use-after-free report. */
static void storage_kept_case(const struct kspec *ks)
{
    struct talloc ta;
    talloc_init(&ta);
    libmap_config c;
    key_config(ks, &c);
    c.allocator = &ta.a;
    libmap *m;
    CHECK_EQ(libmap_new(&c, &m), 0);
    struct libmap *im = m;
    struct kbuf kb;
    uint8_t val[256] = {0};
    const uint64_t n = 52; /* B=3 full: the next insert doubles */
    for (uint64_t i = 1; i <= n; i++)
        CHECK_EQ(libmap_assign(m, key_encode(ks, i, &kb), val), LIBMAP_INSERTED);
    libmap_iter it;
    libmap_iter_init(&it, m); /* snapshot: the B=3 array */
    CHECK(libmap_iter_next(&it, NULL, NULL));
    CHECK_EQ(libmap_assign(m, key_encode(ks, 1000, &kb), val), LIBMAP_INSERTED);
    CHECK(im->oldbuckets != NULL);
    /* updates evacuate every old bucket; then delete most keys */
    for (uint64_t i = 1; i <= n; i++)
        CHECK_EQ(libmap_assign(m, key_encode(ks, i, &kb), val), LIBMAP_UPDATED);
    CHECK(im->oldbuckets == NULL);
    CHECK(im->retired != NULL); /* kept for the iterator */
    for (uint64_t i = 1; i <= n; i += 2)
        CHECK_EQ(libmap_delete(m, key_encode(ks, i, &kb)), LIBMAP_DELETED);
    CHECK(im->graveyard_len > 0);
    /* the iterator re-looks-up keys from the retired array */
    const void *k;
    uint64_t yielded = 1;
    while (libmap_iter_next(&it, &k, NULL)) {
        uint64_t idx;
        CHECK(key_decode(ks, k, &idx));
        CHECK(idx == 1000 || (idx % 2 == 0 && idx <= n));
        yielded++;
    }
    CHECK(yielded >= n / 2);
    CHECK_EQ(live_iters(m), 0);
    /* once a second has passed (retire.c's minimum age), the end of the
     * next growth releases what was kept, and retires that growth's old
     * array in turn */
    CHECK(im->retired != NULL && im->graveyard_len > 0);
    struct timespec age = {1, 50 * 1000 * 1000};
    while (nanosleep(&age, &age) != 0)
        ;
    uint64_t i = 2000;
    for (; im->oldbuckets == NULL; i++)
        CHECK_EQ(libmap_assign(m, key_encode(ks, i, &kb), val), LIBMAP_INSERTED);
    uint8_t *grown_from = im->oldbuckets;
    for (; im->oldbuckets != NULL; i++)
        CHECK_EQ(libmap_assign(m, key_encode(ks, i, &kb), val), LIBMAP_INSERTED);
    CHECK(im->retired != NULL && im->retired->retired_next == NULL);
    CHECK((uint8_t *)(im->retired + 1) == grown_from);
    CHECK_EQ(im->graveyard_len, 0);
    inv_check(m, NULL, NULL, NULL);
    libmap_free(m);
    CHECK_EQ(ta.live_bytes, 0);
}

static void test_storage_kept(void)
{
    static const struct kspec str = {"string", LIBMAP_KEY_STRING, 0, 8, KH_NONE, false, 0};
    static const struct kspec ind = {"bytes200", LIBMAP_KEY_BYTES, 200, 200, KH_NONE, false, 0};
    storage_kept_case(&str);
    storage_kept_case(&ind);
}

/* ---- an iterator paused in an old bucket across two growths ---- */

#define IKEY 16
static uint64_t ident_hash(unsigned top, size_t low) { return ((uint64_t)top << 56) | low; }

static void assign_ident(libmap *m, uint64_t id, uint64_t h, int want)
{
    struct kbuf kb;
    uint64_t v = id;
    CHECK_EQ(libmap_assign(m, key_encode_ident(id, h, &kb, IKEY), &v), want);
}

static void delete_ident(libmap *m, uint64_t id, uint64_t h)
{
    struct kbuf kb;
    CHECK_EQ(libmap_delete(m, key_encode_ident(id, h, &kb, IKEY)), LIBMAP_DELETED);
}

static void test_pause_across_growths(void)
{
    static const struct kspec ks = {"ident", LIBMAP_KEY_BYTES, IKEY, 8, KH_IDENT, false, 0};
    libmap_config c;
    key_config(&ks, &c);
    c.hint = 20; /* B=2 */
    libmap *m;
    CHECK_EQ(libmap_new(&c, &m), 0);
    struct libmap *im = m;
    CHECK_EQ(im->B, 2);
    /* old bucket 3: a bucket of 8 keys staying in 3 (X) chained to a bucket
     * of 8 keys moving to 7 (Y) when the map doubles to B=3 */
    uint64_t id = 0, hx[8], hy[8], hk[11];
    for (unsigned i = 0; i < 8; i++)
        assign_ident(m, id++, hx[i] = ident_hash(0x80 + i, 3), LIBMAP_INSERTED);
    for (unsigned i = 0; i < 8; i++)
        assign_ident(m, id++, hy[i] = ident_hash(0x90 + i, 7), LIBMAP_INSERTED);
    for (unsigned i = 0; i < 10; i++)
        assign_ident(m, id++, hk[i] = ident_hash(0xa0 + i, 1 + i % 2), LIBMAP_INSERTED);
    CHECK_EQ(libmap_len(m), 26);
    /* the 27th key doubles the map; buckets 1 and 0 are evacuated */
    assign_ident(m, id++, hk[10] = ident_hash(0xb0, 1), LIBMAP_INSERTED);
    CHECK(im->oldbuckets != NULL && im->B == 3 && !(im->flags & F_SAME_SIZE_GROW));
    CHECK(!evacuated(bucket_at(im, im->oldbuckets, 3)));
    const uint64_t n0 = id; /* keys 0..26 present from here on */

    /* start iterating and stop right after the first key of X */
    libmap_iter it;
    libmap_iter_init(&it, m);
    uint8_t seen[64] = {0};
    const void *k;
    for (;;) {
        CHECK(libmap_iter_next(&it, &k, NULL));
        uint64_t kid = 0, h;
        memcpy(&kid, k, 4);
        memcpy(&h, (const uint8_t *)k + 4, 8);
        CHECK(kid < n0 && !seen[kid]);
        seen[kid] = 1;
        if ((h & 7) == 3)
            break;
    }
    /* finish the doubling with updates (no new key: no growth starts) */
    for (uint64_t i = 0; i < 8 && im->oldbuckets != NULL; i++)
        assign_ident(m, i, hx[i], LIBMAP_UPDATED);
    CHECK(im->oldbuckets == NULL && im->B == 3);
    /* pile up 8 overflow buckets at a steady count: in each bucket insert
     * keys until one more overflow bucket exists, then delete them */
    uint64_t churn = 1000;
    for (size_t j = 0; j < 8; j++) {
        uint16_t before = im->noverflow;
        uint64_t first = churn;
        while (im->noverflow == before)
            assign_ident(m, churn, ident_hash(0xc0, j), LIBMAP_INSERTED), churn++;
        for (uint64_t x = first; x < churn; x++)
            delete_ident(m, x, ident_hash(0xc0, j));
    }
    CHECK_EQ(libmap_len(m), n0);
    CHECK(im->noverflow >= 8 && im->oldbuckets == NULL);
    /* one new key: same-size growth starts */
    assign_ident(m, 2000, ident_hash(0xd0, 5), LIBMAP_INSERTED);
    CHECK(im->oldbuckets != NULL && (im->flags & F_SAME_SIZE_GROW) && im->B == 3);
    inv_check(m, NULL, NULL, NULL);

    /* the rest of the iteration: no key twice, every original key once */
    while (libmap_iter_next(&it, &k, NULL)) {
        uint64_t kid = 0;
        memcpy(&kid, k, 4);
        if (kid == 2000)
            continue; /* inserted during the iteration: either way */
        CHECK(kid < n0);
        if (seen[kid])
            fprintf(stderr, "key %llu yielded twice\n", (unsigned long long)kid);
        CHECK(!seen[kid]);
        seen[kid] = 1;
    }
    for (uint64_t i = 0; i < n0; i++)
        CHECK(seen[i]);
    libmap_free(m);
}

int main(void)
{
    test_empty();
    test_each_once();
    test_null_outputs_and_done();
    test_random_start();
    test_clear_ends();
    test_current_values();
    test_storage_kept();
    test_pause_across_growths();
    printf("test_iter: ok\n");
    return 0;
}
