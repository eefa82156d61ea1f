/*
 * test_inspect.c — libmap-inspect (<libmap/inspect.h>) on this process's
 * own maps, through a read callback over its own memory: the same code
 * libmap-coredump and the gdb scripts run on cores. Oracles are the keys
 * the test inserted: verify passes on sound maps (u64, strings, mid-growth)
 * and names the bucket and slot of a tophash the test damages; the entries
 * are exactly the inserted ones; a lookup finds every key with its value
 * and no absent one; unreadable memory is an error value, not a crash;
 * noverflow is checked up to the B the descriptor gives, or the contract
 * table's for a descriptor without it.
 */
#include <libmap/debug.h>
#include <libmap/inspect.h>
#include <libmap/map.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "inspect_self.h"
#include "internal.h"

static const struct lmi_report *verify_ok(lmi_target *t, libmap *m, lmi_report **r)
{
    char err[256];
    CHECK(lmi_verify(t, (uint64_t)(uintptr_t)m, 0, r, err, sizeof err) == 0);
    for (size_t i = 0; i < lmi_report_count(*r); i++)
        fprintf(stderr, "problem: %s\n", lmi_report_problem(*r, i)->msg);
    CHECK_EQ(lmi_report_failures(*r) + lmi_report_unreadable(*r), 0);
    return *r;
}

struct sum {
    uint64_t n, keys, values;
};

static int add_u64(void *ctx, const struct lmi_entry *e)
{
    struct sum *s = ctx;
    uint64_t k, v;
    CHECK(e->key != NULL && e->key_len == 8 && e->value != NULL && e->value_len == 8);
    memcpy(&k, e->key, 8);
    memcpy(&v, e->value, 8);
    CHECK_EQ(v, k * 3);
    s->n++;
    s->keys += k;
    s->values += v;
    return 0;
}

static int copy_value(void *ctx, const struct lmi_entry *e)
{
    CHECK(e->value != NULL);
    memcpy(ctx, e->value, e->value_len);
    return 0;
}

/* u64 keys 1..n (value 3k); checks entries, lookups and verify. */
static void test_u64(uint64_t n, int stop_mid_growth)
{
    libmap *m;
    CHECK_EQ(libmap_new(&(libmap_config){.key_kind = LIBMAP_KEY_U64, .value_size = 8}, &m), 0);
    uint64_t inserted = 0;
    for (uint64_t k = 1; k <= n; k++) {
        uint64_t v = k * 3;
        CHECK_EQ(libmap_assign_u64(m, k, &v), LIBMAP_INSERTED);
        inserted++;
        if (stop_mid_growth && k > 100 && ((struct libmap *)m)->oldbuckets != NULL)
            break;
    }
    lmi_target *t = open_self();
    lmi_report *r;
    verify_ok(t, m, &r);
    CHECK_EQ(lmi_report_stats(r)->live_new + lmi_report_stats(r)->live_old, inserted);
    lmi_report_free(r);
    /* entries, in batches through the cursor */
    struct sum s = {0};
    uint64_t cursor = 0;
    char err[256];
    while (cursor != LMI_ENTRIES_END)
        CHECK(lmi_entries(t, (uint64_t)(uintptr_t)m, &cursor, add_u64, &s, NULL, err,
                          sizeof err) == 0);
    CHECK_EQ(s.n, inserted);
    CHECK_EQ(s.keys, inserted * (inserted + 1) / 2);
    for (uint64_t k = 1; k <= inserted + 100; k++) {
        uint64_t v = 0;
        int rc = lmi_lookup(t, (uint64_t)(uintptr_t)m, &k, 8, copy_value, &v, err, sizeof err);
        CHECK_EQ(rc, k <= inserted ? 1 : 0);
        if (rc == 1)
            CHECK_EQ(v, k * 3);
    }
    lmi_close(t);
    libmap_free(m);
}

static int count_str(void *ctx, const struct lmi_entry *e)
{
    CHECK(e->key != NULL && e->key_len >= 4 && memcmp(e->key, "key-", 4) == 0);
    ++*(uint64_t *)ctx;
    return 0;
}

static void test_strings(void)
{
    libmap *m;
    CHECK_EQ(libmap_new(&(libmap_config){.key_kind = LIBMAP_KEY_STRING, .value_size = 4}, &m), 0);
    char buf[64];
    for (uint32_t i = 0; i < 3000; i++) {
        int len = snprintf(buf, sizeof buf, "key-%u%s", i, i % 3 ? "" : "-a-longer-key-than-16");
        CHECK_EQ(libmap_assign_str(m, buf, (size_t)len, &i), LIBMAP_INSERTED);
    }
    lmi_target *t = open_self();
    lmi_report *r;
    verify_ok(t, m, &r);
    lmi_report_free(r);
    uint64_t n = 0, cursor = 0;
    char err[256];
    CHECK(lmi_entries(t, (uint64_t)(uintptr_t)m, &cursor, count_str, &n, NULL, err,
                      sizeof err) == 0);
    CHECK_EQ(cursor, LMI_ENTRIES_END);
    CHECK_EQ(n, 3000);
    for (uint32_t i = 0; i < 3000; i += 7) {
        int len = snprintf(buf, sizeof buf, "key-%u%s", i, i % 3 ? "" : "-a-longer-key-than-16");
        uint32_t v = UINT32_MAX;
        CHECK_EQ(lmi_lookup(t, (uint64_t)(uintptr_t)m, buf, (uint64_t)len, copy_value, &v, err,
                            sizeof err), 1);
        CHECK_EQ(v, i);
        CHECK_EQ(lmi_lookup(t, (uint64_t)(uintptr_t)m, "absent", 6, copy_value, &v, err,
                            sizeof err), 0);
    }
    lmi_close(t);
    libmap_free(m);
}

/* A damaged tophash is reported at its bucket and slot. */
static void test_damage(void)
{
    libmap *m;
    CHECK_EQ(libmap_new(&(libmap_config){.key_kind = LIBMAP_KEY_U64, .value_size = 8}, &m), 0);
    for (uint64_t k = 1; k <= 200; k++)
        CHECK_EQ(libmap_assign_u64(m, k, &k), LIBMAP_INSERTED);
    struct libmap *im = (struct libmap *)m;
    uint8_t *b0 = im->buckets + 5 * im->t.bucket_size; /* bucket 5 */
    unsigned slot = 0;
    while (slot < BUCKET_CNT && b0[slot] < MIN_TOPHASH)
        slot++;
    CHECK(slot < BUCKET_CNT);
    b0[slot] ^= 0x01; /* still live, but no longer the key's tophash */
    lmi_target *t = open_self();
    lmi_report *r;
    char err[256];
    CHECK(lmi_verify(t, (uint64_t)(uintptr_t)m, 1, &r, err, sizeof err) == 0);
    int found = 0;
    for (size_t i = 0; i < lmi_report_count(r); i++) {
        const struct lmi_problem *p = lmi_report_problem(r, i);
        found |= p->array == 0 && p->bucket == 5 && p->chain == 0 && p->slot == (int)slot;
    }
    CHECK(found);
    lmi_report_free(r);
    b0[slot] ^= 0x01;
    /* memory that cannot be read: an error value */
    CHECK(lmi_verify(t, 16, 0, &r, err, sizeof err) != 0 && r == NULL && err[0] != 0);
    uint64_t cursor = 0;
    CHECK(lmi_entries(t, 16, &cursor, count_str, NULL, NULL, err, sizeof err) != 0);
    lmi_close(t);
    libmap_free(m);
}

/* Failures of check `name` in a verification of m through descriptor d. */
static size_t failures_of(const struct libmap_layout *d, libmap *m, const char *name)
{
    lmi_target *t = open_with(d);
    lmi_report *r;
    char err[256];
    CHECK(lmi_verify(t, (uint64_t)(uintptr_t)m, 1, &r, err, sizeof err) == 0);
    size_t n = 0;
    for (size_t i = 0; i < lmi_report_count(r); i++)
        n += strcmp(lmi_report_problem(r, i)->check, name) == 0;
    CHECK_EQ(lmi_report_count(r), n);
    lmi_report_free(r);
    lmi_close(t);
    return n;
}

/* noverflow is checked up to the B the target's descriptor gives
 * (noverflow_max_b); a descriptor from before that field (0 there) gets
 * the contract table's, LIBMAP_NOVERFLOW_MAX_B. */
static void test_noverflow_threshold(void)
{
    libmap *m;
    CHECK_EQ(libmap_new(&(libmap_config){.key_kind = LIBMAP_KEY_U64, .value_size = 8}, &m), 0);
    for (uint64_t k = 1; k <= 200; k++)
        CHECK_EQ(libmap_assign_u64(m, k, &k), LIBMAP_INSERTED);
    struct libmap *im = (struct libmap *)m;
    CHECK_EQ(im->B, 5);
    CHECK_EQ(failures_of(&libmap_layout, m, "noverflow"), 0);
    im->noverflow++; /* one more than the overflow buckets */
    CHECK_EQ(failures_of(&libmap_layout, m, "noverflow"), 1);
    struct libmap_layout d = libmap_layout;
    d.noverflow_max_b = 0; /* an older libmap: the table's 15 */
    CHECK_EQ(failures_of(&d, m, "noverflow"), 1);
    d.noverflow_max_b = 4; /* B = 5 would be sampled: not checked */
    CHECK_EQ(failures_of(&d, m, "noverflow"), 0);
    d.noverflow_max_b = 5;
    CHECK_EQ(failures_of(&d, m, "noverflow"), 1);
    im->noverflow--;
    libmap_free(m);
}

int main(void)
{
    test_u64(1000, 0);
    test_u64(100000, 0);
    test_u64(5000, 1);
    test_strings();
    test_damage();
    test_noverflow_threshold();
    printf("test_inspect: ok\n");
    return 0;
}
