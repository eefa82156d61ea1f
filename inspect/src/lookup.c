/*
 * lookup.c — find one key in a map the way libmap does (key.h, find.h):
 * hash the key's bytes with the map's seed (XXH3, as slots.h computes it),
 * take its home bucket in the current array, or in the old array while
 * the old bucket is not evacuated, and compare the tophash and then the
 * key bytes along that bucket's chain. A map with a user hash function
 * cannot be hashed from outside: its live entries are compared one by one.
 */
#include "lookup.h"

#include <stdio.h>
#include <string.h>

#include "entries.h"
#include "slots.h"
#include "walk.h"

struct finder {
    struct slot_reader sr;
    const struct lm_layout *l;
    const uint8_t *key;
    uint64_t len;
    uint8_t top;      /* the tophash to match; 0: compare every live slot */
    lmi_entry_fn fn;
    void *ctx;
    int found;
    char err[160];    /* a slot whose key could not be read */
};

static int key_matches(struct finder *f, const uint8_t *b, unsigned i)
{
    struct slot_key k;
    if (slot_key(&f->sr, b, i, &k) != 0) {
        snprintf(f->err, sizeof f->err, "%s", k.why);
        return 0;
    }
    return k.len == f->len && (f->len == 0 || memcmp(k.data, f->key, f->len) == 0);
}

static void on_bucket(void *ctx, const struct bref *r, const uint8_t *b)
{
    struct finder *f = ctx;
    const struct libmap_layout *d = &f->l->d;
    for (unsigned i = 0; i < d->bucket_cnt && !f->found; i++) {
        if (b[i] < d->min_tophash || (f->top && b[i] != f->top) || !key_matches(f, b, i))
            continue;
        struct lmi_entry e;
        entry_at(&f->sr, r, b, i, &e);
        f->found = 1;
        f->fn(f->ctx, &e);
    }
}

static void on_problem(void *ctx, const struct bref *r, enum walk_problem p, uint64_t addr,
                       enum lmi_status st, uint64_t extra)
{
    (void)r, (void)p, (void)extra;
    struct finder *f = ctx;
    snprintf(f->err, sizeof f->err, "bucket memory at 0x%llx is %s", (unsigned long long)addr,
             lmi_status_str(st));
}

/* The user-hash case: every live entry compared. */
static int compare_entry(void *ctx, const struct lmi_entry *e)
{
    struct finder *f = ctx;
    if (e->key == NULL || e->key_len != f->len || (f->len && memcmp(e->key, f->key, f->len)))
        return 0;
    f->found = 1;
    f->fn(f->ctx, e);
    return 1;
}

int map_lookup(const struct lm_map *m, const struct lm_layout *l, struct lmi_mem *mem,
               const void *key, uint64_t len, lmi_entry_fn fn, void *ctx, char *err,
               size_t errlen)
{
    struct finder f = {.l = l, .key = key, .len = len, .fn = fn, .ctx = ctx};
    if (!m->walkable) {
        snprintf(err, errlen, "%s", m->problem);
        return -1;
    }
    if (m->count == 0 || m->buckets == 0)
        return 0;
    if (!map_hash_known(m, l)) {
        uint64_t cursor = 0;
        map_entries(m, l, mem, &cursor, compare_entry, &f);
        return f.found;
    }
    slots_init(&f.sr, m, l, mem);
    struct slot_key k = {.data = key, .len = len};
    uint64_t hash = slot_hash(m, &k);
    f.top = slot_tophash(l, hash);
    int old = 0;
    uint64_t index = hash & (m->nbuckets - 1);
    if (m->growing && m->noldbuckets > 0) {
        uint64_t j = hash & (m->noldbuckets - 1);
        uint8_t top0;
        struct lmi_fault fault;
        if (lmi_read(mem, m->oldbuckets + j * m->bucket_size, &top0, 1, &fault) != 0) {
            snprintf(err, errlen, "old bucket %llu at 0x%llx is %s", (unsigned long long)j,
                     (unsigned long long)fault.addr, lmi_status_str(fault.status));
            slots_free(&f.sr);
            return -1;
        }
        if (!tophash_evacuated(l, top0)) {
            old = 1;
            index = j;
        }
    }
    struct addrset seen;
    walk_seen_init_small(&seen, m, mem); /* one chain */
    struct walk_visitor v = {on_bucket, NULL, on_problem, NULL, &f};
    walk_range(m, l, mem, old, index, index + 1, &seen, &v);
    addrset_free(&seen);
    slots_free(&f.sr);
    if (!f.found && f.err[0]) {
        snprintf(err, errlen, "%s", f.err);
        return -1;
    }
    return f.found;
}
