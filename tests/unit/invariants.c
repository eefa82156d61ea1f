/*
 * invariants.c — the structural checker (see invariants.h): libmap-inspect's
 * verifier and entry walk run on this process's own memory.
 */
#include "invariants.h"

#include <libmap/debug.h>
#include <libmap/inspect.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"

/* The reader: this process's memory. The page at 0 and anything beyond the
 * user address space (or wrapping around) is unreadable; everything else is
 * trusted to be mapped, as the maps checked are this process's own. */
#define SELF_EXTENT ((uint64_t)1 << 48)

static int self_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    (void)ctx;
    if (addr < 4096 || len > SELF_EXTENT || addr > SELF_EXTENT - len)
        return -1;
    memcpy(buf, (const void *)(uintptr_t)addr, len);
    return 0;
}

/* A bytes map's user callbacks, which the verifier cannot run in another
 * process but can here: placement and duplicates are checked with them. */
static uint64_t self_hash(void *ctx, uint64_t map, const void *key, uint64_t len, uint64_t seed)
{
    (void)ctx;
    const struct libmap *m = (const struct libmap *)(uintptr_t)map;
    CHECK_EQ(len, m->t.key_size);
    return m->t.hash(key, m->t.key_size, seed, m->t.ctx);
}

static int self_equal(void *ctx, uint64_t map, const void *a, const void *b, uint64_t len)
{
    (void)ctx;
    const struct libmap *m = (const struct libmap *)(uintptr_t)map;
    if (m->t.equal != NULL)
        return m->t.equal(a, b, m->t.key_size, m->t.ctx);
    return memcmp(a, b, len) == 0;
}

lmi_target *inv_target(void)
{
    static lmi_target *t;
    if (t == NULL) {
        struct lmi_target_config c = {
            .read = self_read,
            .pointer_size = sizeof(void *),
            .extent = SELF_EXTENT,
            .layout_addr = (uint64_t)(uintptr_t)&libmap_layout,
            .panic_addr = (uint64_t)(uintptr_t)&libmap_panic_record,
            .registry_addr = (uint64_t)(uintptr_t)&libmap_registry,
        };
        char err[256];
        if (lmi_open(&c, &t, err, sizeof err) != 0)
            FAIL("lmi_open on this process: %s", err);
        lmi_set_host_callbacks(t, self_hash, self_equal, NULL);
    }
    return t;
}

void inv_print_report(FILE *out, const libmap *m, const lmi_report *r)
{
    fprintf(out,
            "map %p: libmap-inspect's verifier found %llu broken invariants, %llu unreadable "
            "(%zu listed):\n",
            (const void *)m, (unsigned long long)lmi_report_failures(r),
            (unsigned long long)lmi_report_unreadable(r), lmi_report_count(r));
    for (size_t i = 0; i < lmi_report_count(r); i++) {
        const struct lmi_problem *p = lmi_report_problem(r, i);
        fprintf(out, "  %s: array %d bucket %lld chain %d slot %d: %s\n", p->check, p->array,
                (long long)p->bucket, p->chain, p->slot, p->msg);
    }
}

lmi_report *inv_verify(const libmap *m)
{
    lmi_report *r;
    char err[256];
    /* one thread: the user callbacks need not be thread-safe */
    if (lmi_verify(inv_target(), (uint64_t)(uintptr_t)m, 1, &r, err, sizeof err) != 0)
        FAIL("lmi_verify on map %p: %s", (const void *)m, err);
    return r;
}

/* What no tool reads, so not the verifier's to check: libmap's allocation
 * header before each bucket array (struct barray is not in libmap_layout),
 * whose geometry must agree with B, and next_overflow's upper bound in it. */
static void check_array_headers(const struct libmap *m)
{
    if (m->buckets == NULL)
        return;
    size_t bs = m->t.bucket_size, nb = bucket_shift(m->B);
    const struct barray *a = (const struct barray *)(const void *)m->buckets - 1;
    CHECK_EQ(a->nbase, nb);
    CHECK_EQ(a->nbuckets, nb + (m->B >= 4 ? bucket_shift((uint8_t)(m->B - 4)) : 0));
    CHECK(a->alloc_size == sizeof *a + a->nbuckets * bs);
    if (m->next_overflow != NULL)
        CHECK(m->next_overflow < m->buckets + a->nbuckets * bs);
    if (m->oldbuckets != NULL) {
        const struct barray *oa = (const struct barray *)(const void *)m->oldbuckets - 1;
        CHECK_EQ(oa->nbase, noldbuckets(m));
    }
}

struct visit {
    const struct libmap *m;
    inv_visit_fn fn;
    void *ctx;
    size_t n;
};

static int on_entry(void *ctx, const struct lmi_entry *e)
{
    struct visit *v = ctx;
    if (e->key == NULL || e->value == NULL)
        FAIL("map %p: entry in %s bucket %lld chain %d slot %d cannot be read: %s",
             (const void *)v->m, e->array ? "old" : "current", (long long)e->bucket, e->chain,
             e->slot, e->error);
    v->n++;
    if (v->fn == NULL)
        return 0;
    if (v->m->t.key_kind == LIBMAP_KEY_STRING) {
        libmap_str s = {(const char *)e->key, (size_t)e->key_len};
        v->fn(&s, e->value, v->ctx);
    } else {
        v->fn(e->key, e->value, v->ctx);
    }
    return 0;
}

void inv_check(const libmap *cm, inv_visit_fn visit, void *ctx, struct inv_stats *st)
{
    const struct libmap *m = (const struct libmap *)cm;
    /* the map is at rest: no write under way (a test's state, not an
     * invariant: a core taken at a panic holds a writer) */
    uint64_t writer = atomic_load_explicit(&m->writer, memory_order_relaxed);
    CHECK((writer & LIBMAP_WRITER_HELD) == 0);

    lmi_report *r = inv_verify(cm);
    if (lmi_report_failures(r) + lmi_report_unreadable(r) != 0 ||
        !lmi_report_placement_checked(r)) {
        inv_print_report(stderr, cm, r);
        if (!lmi_report_placement_checked(r))
            fprintf(stderr, "  (placement was not checked)\n");
        FAIL("map %p breaks its invariants (report above)", (const void *)cm);
    }
    const struct lmi_stats *ls = lmi_report_stats(r);
    struct inv_stats s = {
        .B = m->B,
        .growing = m->oldbuckets != NULL,
        .same_size = m->oldbuckets != NULL && (m->flags & F_SAME_SIZE_GROW) != 0,
        .count = m->count,
        .live_new = ls->live_new,
        .live_old = ls->live_old,
        .overflow_new = ls->overflow_new,
        .old_evacuated = ls->evacuated_old,
        .live_iters = atomic_load_explicit(&m->live_iters, memory_order_relaxed),
    };
    lmi_report_free(r);
    check_array_headers(m);

    /* every live entry once (the verifier found no duplicates), to visit */
    struct visit v = {m, visit, ctx, 0};
    uint64_t cursor = 0, unreadable = 0;
    char err[256];
    while (cursor != LMI_ENTRIES_END) {
        if (lmi_entries(inv_target(), (uint64_t)(uintptr_t)m, &cursor, on_entry, &v, &unreadable,
                        err, sizeof err) != 0)
            FAIL("lmi_entries on map %p: %s", (const void *)cm, err);
        CHECK_EQ(unreadable, 0);
    }
    CHECK_EQ(v.n, m->count);
    if (st)
        *st = s;
}
