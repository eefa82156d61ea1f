/*
 * test_invariants.c — the unit tests' invariant checker (invariants.c:
 * libmap-inspect's verifier on this process's memory) fails when it must.
 * Each case builds a map, damages one thing in memory, and asserts the
 * exact report: one broken invariant, named, at its array, bucket, chain
 * and slot; then repairs the damage and the map verifies clean again. The
 * cases cover the verifier's checks that only the in-process target can
 * reach (user hash and equality callbacks) and those added for the unit
 * tests (untouched destinations, the free preallocated area, no buckets).
 * Last, inv_check itself exits 1 with the report on a damaged map.
 */
#include <libmap/inspect.h>
#include <libmap/map.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"
#include "invariants.h"

/* The report on m holds exactly one broken invariant, check at
 * (array, bucket, chain, slot), and nothing unreadable. */
static void expect_one(const libmap *m, const char *check, int array, int64_t bucket, int chain,
                       int slot)
{
    lmi_report *r = inv_verify(m);
    const struct lmi_problem *p = lmi_report_count(r) > 0 ? lmi_report_problem(r, 0) : NULL;
    if (lmi_report_failures(r) != 1 || lmi_report_unreadable(r) != 0 ||
        lmi_report_count(r) != 1 || strcmp(p->check, check) != 0 || p->array != array ||
        p->bucket != bucket || p->chain != chain || p->slot != slot || p->unreadable) {
        inv_print_report(stderr, m, r);
        FAIL("expected exactly one '%s' at array %d bucket %lld chain %d slot %d", check, array,
             (long long)bucket, chain, slot);
    }
    CHECK(p->msg[0] != 0);
    CHECK(lmi_report_placement_checked(r));
    lmi_report_free(r);
}

static libmap *u64_map(uint64_t n)
{
    libmap *m;
    CHECK_EQ(libmap_new(&(libmap_config){.key_kind = LIBMAP_KEY_U64, .value_size = 8}, &m), 0);
    for (uint64_t k = 1; k <= n; k++)
        CHECK_EQ(libmap_assign_u64(m, k, &k), LIBMAP_INSERTED);
    return m;
}

/* The first live slot of base bucket idx, at least the second one when
 * second is set. */
static unsigned live_slot(struct libmap *m, size_t idx, int second)
{
    uint8_t *b = bucket_at(m, m->buckets, idx);
    for (unsigned i = 0; i < BUCKET_CNT; i++)
        if (b[i] >= MIN_TOPHASH && !(second-- > 0))
            return i;
    FAIL("bucket %zu has too few live slots", idx);
}

/* A live tophash that is not its key's: "tophash" at that slot. */
static void test_tophash(void)
{
    libmap *m = u64_map(200);
    struct libmap *im = (struct libmap *)m;
    uint8_t *b = bucket_at(im, im->buckets, 5);
    unsigned s = live_slot(im, 5, 0);
    uint8_t was = b[s];
    b[s] = was == 0xff ? 0xfe : (uint8_t)(was + 1); /* still live */
    expect_one(m, "tophash", 0, 5, 0, (int)s);
    b[s] = was;
    inv_check(m, NULL, NULL, NULL);
    libmap_free(m);
}

/* count one more than the live slots: "count", on the map as a whole. */
static void test_count(void)
{
    libmap *m = u64_map(100);
    struct libmap *im = (struct libmap *)m;
    im->count++;
    expect_one(m, "count", -1, -1, -1, -1);
    im->count--;
    inv_check(m, NULL, NULL, NULL);
    libmap_free(m);
}

/* A key copied over another slot of its bucket: "duplicate" at the copy. */
static void test_duplicate(void)
{
    libmap *m = u64_map(100);
    struct libmap *im = (struct libmap *)m;
    size_t idx = 0;
    while (idx < bucket_shift(im->B)) {
        uint8_t *b = bucket_at(im, im->buckets, idx);
        unsigned n = 0;
        for (unsigned i = 0; i < BUCKET_CNT; i++)
            n += b[i] >= MIN_TOPHASH;
        if (n >= 2)
            break;
        idx++;
    }
    CHECK(idx < bucket_shift(im->B));
    uint8_t *b = bucket_at(im, im->buckets, idx);
    unsigned a = live_slot(im, idx, 0), c = live_slot(im, idx, 1);
    uint64_t saved;
    memcpy(&saved, slot_key(im, b, c), 8);
    uint8_t top = b[c];
    memcpy(slot_key(im, b, c), slot_key(im, b, a), 8);
    b[c] = b[a];
    expect_one(m, "duplicate", 0, (int64_t)idx, 0, (int)c);
    memcpy(slot_key(im, b, c), &saved, 8);
    b[c] = top;
    inv_check(m, NULL, NULL, NULL);
    libmap_free(m);
}

/* Mid-growth, a current bucket whose old bucket is not evacuated yet must
 * be untouched: a deleted mark there is "evacuation". */
static void test_destination(void)
{
    libmap *m;
    CHECK_EQ(libmap_new(&(libmap_config){.key_kind = LIBMAP_KEY_U64, .value_size = 8}, &m), 0);
    struct libmap *im = (struct libmap *)m;
    uint64_t k = 1;
    while (im->oldbuckets == NULL || im->B < 6) {
        CHECK_EQ(libmap_assign_u64(m, k, &k), LIBMAP_INSERTED);
        k++;
    }
    size_t nold = noldbuckets(im), j = nold;
    for (size_t i = im->nevacuate + 1; i < nold && j == nold; i++)
        if (!evacuated(bucket_at(im, im->oldbuckets, i)))
            j = i;
    CHECK(j < nold);
    uint8_t *dst = bucket_at(im, im->buckets, j + nold); /* its Y half */
    CHECK_EQ(dst[0], EMPTY_REST);
    dst[0] = EMPTY_ONE; /* a lone deleted mark: no emptyRest rule broken */
    expect_one(m, "evacuation", 0, (int64_t)(j + nold), 0, 0);
    dst[0] = EMPTY_REST;
    inv_check(m, NULL, NULL, NULL);
    libmap_free(m);
}

/* A bucket of the free preallocated overflow area written to: "next_overflow". */
static void test_free_prealloc(void)
{
    libmap *m;
    CHECK_EQ(libmap_new(&(libmap_config){.key_kind = LIBMAP_KEY_U64, .value_size = 8,
                                         .hint = 1000},
                        &m),
             0);
    struct libmap *im = (struct libmap *)m;
    CHECK(im->B >= 4 && im->next_overflow != NULL);
    uint8_t *free_b = im->next_overflow + im->t.bucket_size; /* the second free one */
    free_b[0] = MIN_TOPHASH;
    lmi_report *r = inv_verify(m);
    CHECK_EQ(lmi_report_failures(r), 1);
    CHECK_EQ(lmi_report_count(r), 1);
    const struct lmi_problem *p = lmi_report_problem(r, 0);
    if (strcmp(p->check, "next_overflow") != 0 || p->addr != (uint64_t)(uintptr_t)free_b) {
        inv_print_report(stderr, m, r);
        FAIL("expected 'next_overflow' at %p", (void *)free_b);
    }
    lmi_report_free(r);
    free_b[0] = EMPTY_REST;
    inv_check(m, NULL, NULL, NULL);
    libmap_free(m);
}

/* An empty map without buckets that claims B = 3: "header". */
static void test_no_buckets(void)
{
    libmap *m = u64_map(0);
    struct libmap *im = (struct libmap *)m;
    CHECK(im->buckets == NULL);
    im->B = 3;
    expect_one(m, "header", -1, -1, -1, -1);
    im->B = 0;
    inv_check(m, NULL, NULL, NULL);
    libmap_free(m);
}

/* Byte keys with user callbacks: the hash of the first 4 bytes, equality
 * of the first 4 bytes. Only an in-process target can run them. */
static uint64_t hash_first4(const void *key, size_t key_size, uint64_t seed, void *ctx)
{
    (void)key_size, (void)ctx;
    uint32_t x;
    memcpy(&x, key, 4);
    uint64_t h = (x ^ seed) * UINT64_C(0x9e3779b97f4a7c15);
    return h ^ (h >> 29);
}

static bool equal_first4(const void *a, const void *b, size_t key_size, void *ctx)
{
    (void)key_size, (void)ctx;
    return memcmp(a, b, 4) == 0;
}

/* With the map's own callbacks the verifier checks placement (a wrong
 * tophash is found) and duplicates by the map's equality (a copy whose
 * ignored bytes differ is the same key). */
static void test_user_callbacks(void)
{
    libmap *m;
    CHECK_EQ(libmap_new(&(libmap_config){.key_kind = LIBMAP_KEY_BYTES, .key_size = 8,
                                         .value_size = 8, .hash = hash_first4,
                                         .equal = equal_first4},
                        &m),
             0);
    for (uint32_t i = 0; i < 100; i++) {
        uint8_t k[8];
        memcpy(k, &i, 4);
        memset(k + 4, 0x5a, 4);
        uint64_t v = i;
        CHECK_EQ(libmap_assign(m, k, &v), LIBMAP_INSERTED);
    }
    inv_check(m, NULL, NULL, NULL);
    struct libmap *im = (struct libmap *)m;
    uint8_t *b = bucket_at(im, im->buckets, 2);
    unsigned s = live_slot(im, 2, 0);
    uint8_t was = b[s];
    b[s] = was == 0xff ? 0xfe : (uint8_t)(was + 1);
    expect_one(m, "tophash", 0, 2, 0, (int)s);
    b[s] = was;

    /* the first live key copied over the second, its last 4 bytes changed:
     * different bytes, the same key to the map */
    size_t idx = 0;
    while (idx < bucket_shift(im->B)) {
        uint8_t *c = bucket_at(im, im->buckets, idx);
        unsigned n = 0;
        for (unsigned i = 0; i < BUCKET_CNT; i++)
            n += c[i] >= MIN_TOPHASH;
        if (n >= 2)
            break;
        idx++;
    }
    CHECK(idx < bucket_shift(im->B));
    b = bucket_at(im, im->buckets, idx);
    unsigned a = live_slot(im, idx, 0), c = live_slot(im, idx, 1);
    uint8_t saved[8], top = b[c];
    memcpy(saved, slot_key(im, b, c), 8);
    memcpy(slot_key(im, b, c), slot_key(im, b, a), 8);
    memset((uint8_t *)slot_key(im, b, c) + 4, 0xa5, 4);
    b[c] = b[a];
    expect_one(m, "duplicate", 0, (int64_t)idx, 0, (int)c);
    memcpy(slot_key(im, b, c), saved, 8);
    b[c] = top;
    inv_check(m, NULL, NULL, NULL);
    libmap_free(m);
}

/* inv_check on a damaged map exits 1 and prints the verifier's report. */
static void test_inv_check_fails(void)
{
    libmap *m = u64_map(200);
    struct libmap *im = (struct libmap *)m;
    uint8_t *b = bucket_at(im, im->buckets, 7);
    unsigned s = live_slot(im, 7, 0);
    int fds[2];
    CHECK(pipe(fds) == 0);
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        b[s] = b[s] == 0xff ? 0xfe : (uint8_t)(b[s] + 1);
        inv_check(m, NULL, NULL, NULL);
        _exit(0); /* not reached when the check works */
    }
    close(fds[1]);
    char out[8192];
    size_t n = 0;
    ssize_t got;
    while (n < sizeof out - 1 && (got = read(fds[0], out + n, sizeof out - 1 - n)) > 0)
        n += (size_t)got;
    out[n] = 0;
    close(fds[0]);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    char want[96];
    snprintf(want, sizeof want, "tophash: array 0 bucket 7 chain 0 slot %u: ", s);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 1 || strstr(out, want) == NULL ||
        strstr(out, "breaks its invariants") == NULL)
        FAIL("inv_check on a damaged map: status 0x%x, stderr:\n%s", st, out);
    inv_check(m, NULL, NULL, NULL); /* the parent's map was not damaged */
    libmap_free(m);
}

int main(void)
{
    test_tophash();
    test_count();
    test_duplicate();
    test_destination();
    test_free_prealloc();
    test_no_buckets();
    test_user_callbacks();
    test_inv_check_fails();
    printf("test_invariants: ok\n");
    return 0;
}
