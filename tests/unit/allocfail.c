/*
 * allocfail.c — allocation-failure injection. For every scenario (an
 * operation on a map in a prepared state) and every N from 1 until the
 * operation makes fewer than N allocations, the scenario is rebuilt and its
 * Nth allocation made to fail (testalloc.c). Then:
 *   - the operation returns LIBMAP_ENOMEM and the map is exactly as before:
 *     the same contents as the reference, the same header fields (count, B,
 *     flags, noverflow, seed, arrays, nevacuate), and its invariants hold;
 *     or it succeeds (a failure it may tolerate) with the expected result;
 *   - after an ENOMEM the same operation, retried without failure, succeeds;
 *   - after libmap_free the allocator holds no live block (nothing leaked,
 *     every free had the allocation's size).
 * Each attempt runs on a fresh thread with detrand reset, so libmap's hash
 * seeds, and with them the allocation sequence, are identical every time.
 * Scenarios cover map creation, the first bucket array, string copies,
 * indirect keys and values, new overflow buckets, growth start (doubling
 * and same-size), the rollback of a growth whose first evacuation fails,
 * evacuation needing overflow buckets during growth, delete during growth,
 * and delete while an iterator is live (the graveyard).
 */
#include <pthread.h>
#include <string.h>

#include "allocfail.h"
#include "check.h"
#include "detrand.h"
#include "internal.h"

/* The map header fields an ENOMEM must leave alone. */
struct header {
    size_t count, nevacuate;
    uint8_t B, flags;
    uint16_t noverflow;
    uint64_t hash0;
    uint8_t *buckets, *oldbuckets, *next_overflow;
};

static struct header header_of(const libmap *cm)
{
    const struct libmap *m = cm;
    struct header h;
    memset(&h, 0, sizeof h); /* padding too: headers are compared with memcmp */
    h.count = m->count, h.nevacuate = m->nevacuate, h.B = m->B, h.flags = m->flags;
    h.noverflow = m->noverflow, h.hash0 = m->hash0, h.buckets = m->buckets;
    h.oldbuckets = m->oldbuckets, h.next_overflow = m->next_overflow;
    return h;
}

struct attempt {
    const struct scenario *sc;
    uint64_t nth;
    /* results */
    bool enomem;
    bool failure_injected;
    uint64_t calls;
    size_t failed_size;
    size_t sizes[TALLOC_TRACE]; /* sizes requested by the operation */
    enum failkind kind;
    bool progressed;
};

/* What the failed allocation was for, told by its size. */
static enum failkind classify(const libmap *cm, size_t size)
{
    const struct libmap *m = cm;
    size_t bs = m->t.bucket_size;
    if (size == bs)
        return FAIL_BUCKET;
    if (size > bs && (size - sizeof(struct barray)) % bs == 0)
        return FAIL_ARRAY;
    return FAIL_STORAGE;
}

static void *attempt_thread(void *arg)
{
    struct attempt *a = arg;
    struct fx f = {.sc = a->sc};
    talloc_init(&f.ta);
    ref_init(&f.ref, a->sc->ks->value_size);
    if (a->sc->op != OP_NEW) {
        libmap_config c = config_of(&f);
        CHECK_EQ(libmap_new(&c, &f.m), 0);
        if (a->sc->setup)
            a->sc->setup(&f);
        check_contents(&f);
    }
    struct refmap before;
    ref_copy(&before, &f.ref);
    struct header h0;
    memset(&h0, 0, sizeof h0);
    if (f.m)
        h0 = header_of(f.m);

    talloc_arm(&f.ta, a->nth);
    int rc = run_op(&f);
    a->calls = f.ta.calls;
    memcpy(a->sizes, f.ta.call_size, sizeof a->sizes);
    a->failure_injected = f.ta.failures > 0;
    if (a->failure_injected)
        a->failed_size = f.ta.call_size[a->nth - 1 < TALLOC_TRACE ? a->nth - 1 : 0];
    a->kind = a->sc->op == OP_NEW ? FAIL_NEW : f.m ? classify(f.m, a->failed_size) : FAIL_NEW;
    talloc_arm(&f.ta, 0);

    if (rc == LIBMAP_ENOMEM) {
        a->enomem = true;
        CHECK(a->failure_injected);
        CHECK(ref_equal(&before, &f.ref));
        if (f.m != NULL) {
            struct header h1 = header_of(f.m);
            /* The first assign allocates the first (empty, B=0) bucket array
             * before the key's own storage and keeps it when that fails, as
             * Go does: not a change of contents. */
            if (h0.buckets == NULL && h1.buckets != NULL && h1.count == 0 && h1.B == 0)
                h1.buckets = NULL;
            bool same = memcmp(&h0, &h1, sizeof h0) == 0;
            bool exact = a->sc->exact == EXACT_ALWAYS || a->kind != FAIL_STORAGE;
            if (!same && exact)
                fprintf(stderr, "  header: count %zu/%zu B %u/%u flags %u/%u noverflow %u/%u "
                        "nevacuate %zu/%zu buckets %p/%p old %p/%p next %p/%p\n",
                        h0.count, h1.count, h0.B, h1.B, h0.flags, h1.flags, h0.noverflow,
                        h1.noverflow, h0.nevacuate, h1.nevacuate, (void *)h0.buckets,
                        (void *)h1.buckets, (void *)h0.oldbuckets, (void *)h1.oldbuckets,
                        (void *)h0.next_overflow, (void *)h1.next_overflow);
            if (exact) {
                CHECK(same);
            } else {
                /* key or value storage failed after this assign started a
                 * growth and evacuated: only growth progressed */
                a->progressed = !same;
                CHECK_EQ(h1.count, h0.count);
                CHECK_EQ(h1.hash0, h0.hash0);
                CHECK(h1.B >= h0.B);
            }
            check_contents(&f);
        } else {
            CHECK_EQ(f.ta.live_blocks, 0);
        }
        if (a->sc->check)
            a->sc->check(&f, rc);
        /* the map is usable: the same operation now succeeds */
        rc = run_op(&f);
    }
    CHECK_EQ(rc, a->sc->want);
    check_contents(&f);
    if (a->sc->check)
        a->sc->check(&f, rc);

    if (f.iter_live)
        finish_iteration(&f);
    check_contents(&f);
    libmap_free(f.m);
    CHECK_EQ(f.ta.live_blocks, 0);
    CHECK_EQ(f.ta.live_bytes, 0);
    ref_free(&before);
    ref_free(&f.ref);
    return NULL;
}

static struct attempt run_attempt(const struct scenario *sc, uint64_t nth)
{
    struct attempt a = {.sc = sc, .nth = nth};
    detrand_seed(0x5eed);
    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, attempt_thread, &a), 0);
    CHECK_EQ(pthread_join(t, NULL), 0);
    return a;
}

static void run_scenario(const struct scenario *sc)
{
    unsigned enomem = 0;
    struct attempt base = run_attempt(sc, 0);
    uint64_t allocs = base.calls;
    CHECK(allocs < TALLOC_TRACE);
    uint64_t n;
    for (n = 1;; n++) {
        struct attempt a = run_attempt(sc, n);
        CHECK_EQ(a.calls >= n, a.failure_injected);
        CHECK_EQ(a.failure_injected, n <= allocs);
        if (!a.failure_injected)
            break;
        /* up to the failure, the same allocations as without failure */
        CHECK(memcmp(a.sizes, base.sizes, n * sizeof a.sizes[0]) == 0);
        enomem += a.enomem;
        static const char *const kinds[] = {"bucket array", "overflow bucket",
                                            "key, value or graveyard", "map creation"};
        printf("  %s: allocation %llu (%s, %zu bytes) failed: %s%s\n", sc->name,
               (unsigned long long)n, kinds[a.kind], a.failed_size,
               a.enomem ? "ENOMEM" : "tolerated", a.progressed ? ", growth progressed" : "");
    }
    printf("%s: %llu allocations, %u ENOMEM\n", sc->name, (unsigned long long)allocs, enomem);
    CHECK(allocs >= sc->min_allocs);
    CHECK(enomem >= sc->min_enomem);
}

/* Operations that must not allocate at all. */
static void test_no_alloc_ops(void)
{
    static const struct kspec k_str = {"string", LIBMAP_KEY_STRING, 0, 12, KH_NONE, false, 0};
    static const struct scenario sc = {"no-alloc", &k_str, .op = OP_NEW};
    struct fx f = {.sc = &sc};
    talloc_init(&f.ta);
    ref_init(&f.ref, sc.ks->value_size);
    libmap_config c = config_of(&f);
    CHECK_EQ(libmap_new(&c, &f.m), 0);
    fill(&f, 1, 40);
    for (int i = 0; i < 30 && ((struct libmap *)f.m)->oldbuckets; i++)
        put(&f, 1 + (uint64_t)i); /* finish any growth */
    CHECK(((struct libmap *)f.m)->oldbuckets == NULL);
    talloc_arm(&f.ta, 1);
    put(&f, 3);                    /* update */
    struct kbuf kb;
    CHECK(libmap_lookup(f.m, key_encode(sc.ks, 4, &kb), NULL));
    del(&f, 5);                    /* delete without iterators */
    CHECK_EQ(do_delete(&f, 5, true), LIBMAP_ABSENT);
    libmap_iter it;
    libmap_iter_init(&it, f.m);
    while (libmap_iter_next(&it, NULL, NULL))
        ;
    CHECK_EQ(f.ta.calls, 0);
    /* clear may allocate to retire its overflow chains; with the
     * allocation failing it frees them at once, and still empties the map */
    libmap_clear(f.m);
    ref_clear(&f.ref);
    talloc_arm(&f.ta, 0);
    check_contents(&f);
    libmap_free(f.m);
    CHECK_EQ(f.ta.live_bytes, 0);
    ref_free(&f.ref);
    printf("no-alloc: ok\n");
}

int main(void)
{
    for (size_t i = 0; i < nscenarios; i++)
        run_scenario(&scenarios[i]);
    test_no_alloc_ops();
    CHECK(detrand_calls() > 0); /* attempts were replayed identically */
    printf("allocfail: ok\n");
    return 0;
}
