/*
 * buckets.c — lmi_buckets: a range of base buckets of one array with their
 * overflow chains, bucket by bucket (tophash bytes, overflow pointer,
 * evacuation state) and slot by slot (live slots, and the slots of old
 * buckets marked evacuated), for tools that show the raw bucket state (the
 * gdb scripts' `libmap buckets`). The walk is walk.c's: bounded reads,
 * capped and cycle-checked chains; where a chain stops early or base
 * buckets cannot be read, a record says so and the walk goes on.
 */
#include <libmap/inspect.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "entries.h"
#include "mapread.h"
#include "slots.h"
#include "target.h"
#include "walk.h"

/* Base buckets walked per walk_range call (a stop takes effect between). */
#define SLICE 256

struct bwalk {
    const struct lm_map *m;
    const struct lm_layout *l;
    struct lmi_mem *mem;
    struct slot_reader sr;
    lmi_bucket_fn bucket_fn;
    lmi_entry_fn slot_fn;
    void *ctx;
    int stop;  /* a callback asked to stop */
    int muted; /* stopped, and past the chain being shown */
};

/* The evacuation state of old base bucket j: 1 evacuated, 0 not, -1 unknown. */
static int old_state(struct bwalk *w, uint64_t j)
{
    const struct lm_map *m = w->m;
    uint8_t top;
    struct lmi_fault f;
    if (j > (UINT64_MAX - m->oldbuckets) / m->bucket_size ||
        lmi_read(w->mem, m->oldbuckets + j * m->bucket_size, &top, 1, &f) != 0)
        return -1;
    return tophash_evacuated(w->l, top);
}

/* A record of kind about the bucket r: its place, no evacuation state. */
static void record_at(struct lmi_bucket *bk, int kind, const struct bref *r)
{
    memset(bk, 0, sizeof *bk);
    bk->kind = kind;
    bk->array = r->old;
    bk->bucket = bk->last = (int64_t)r->index;
    bk->chain = (int)r->chain;
    bk->addr = r->addr;
    bk->evac_bucket = -1;
    bk->evac = -1;
}

static void on_bucket(void *ctx, const struct bref *r, const uint8_t *b)
{
    struct bwalk *w = ctx;
    const struct lm_map *m = w->m;
    const struct libmap_layout *d = &w->l->d;
    if (r->chain == 0 && w->stop)
        w->muted = 1;
    if (w->muted)
        return;
    struct lmi_bucket bk;
    record_at(&bk, LMI_BUCKET, r);
    bk.overflow = lmi_uint(w->mem, b + m->overflow_offset, w->l->ptr);
    bk.nslots = d->bucket_cnt;
    memcpy(bk.tophash, b, d->bucket_cnt);
    if (r->chain == 0 && m->growing) {
        if (r->old) {
            bk.evac_bucket = (int64_t)r->index;
            bk.evac = tophash_evacuated(w->l, b[0]);
        } else {
            uint64_t j = r->index & (m->noldbuckets - 1);
            bk.evac_bucket = (int64_t)j;
            bk.evac = old_state(w, j);
        }
    }
    if (w->bucket_fn(w->ctx, &bk) != 0)
        w->stop = 1;
    if (w->slot_fn == NULL)
        return;
    int behind_pointer = m->key_kind == d->key_kind_string || m->indirect_key;
    for (unsigned i = 0; i < d->bucket_cnt; i++) {
        uint8_t top = b[i];
        int moved = r->old && (top == d->evacuated_x || top == d->evacuated_y);
        if (top < d->min_tophash && !moved)
            continue;
        struct lmi_entry e;
        if (moved && behind_pointer) {
            /* the key's bytes went with the entry: never read them */
            memset(&e, 0, sizeof e);
            e.array = r->old;
            e.bucket = (int64_t)r->index;
            e.chain = (int)r->chain;
            e.slot = (int)i;
            e.bucket_addr = r->addr;
            e.tophash = top;
        } else {
            entry_at(&w->sr, r, b, i, &e);
        }
        if (w->slot_fn(w->ctx, &e) != 0)
            w->stop = 1;
    }
}

static const char *array_name(int old) { return old ? "old" : "new"; }

static void on_problem(void *ctx, const struct bref *r, enum walk_problem p, uint64_t addr,
                       enum lmi_status st, uint64_t extra)
{
    struct bwalk *w = ctx;
    if (w->muted)
        return;
    struct lmi_bucket bk;
    record_at(&bk, LMI_BUCKET_STOP, r);
    char *t = bk.problem;
    size_t n = sizeof bk.problem;
    switch (p) {
    case WP_UNREADABLE_RANGE:
        bk.kind = LMI_BUCKET_UNREADABLE;
        bk.last = (int64_t)extra;
        snprintf(t, n, "%s", lmi_status_str(st));
        break;
    case WP_UNREADABLE_OVERFLOW:
        snprintf(t, n, "overflow bucket at 0x%" PRIx64 " is %s", addr,
                 lmi_status_str(st));
        break;
    case WP_CYCLE:
        snprintf(t, n, "overflow chain loops back to 0x%" PRIx64, addr);
        break;
    case WP_SHARED:
        snprintf(t, n, "overflow pointer 0x%" PRIx64 " leads into the chain of %s bucket %" PRIu64,
                 addr, array_name((int)(extra >> 63)), extra & ~(UINT64_C(1) << 63));
        break;
    case WP_MISALIGNED:
        snprintf(t, n, "overflow pointer 0x%" PRIx64 " is misaligned", addr);
        break;
    case WP_INTO_BASE:
        snprintf(t, n, "overflow pointer 0x%" PRIx64 " points into a base bucket array", addr);
        break;
    case WP_TOO_MANY:
        snprintf(t, n, "more than %" PRIu64 " overflow buckets: the memory cannot hold more",
                 extra);
        break;
    }
    if (w->bucket_fn(w->ctx, &bk) != 0)
        w->stop = 1;
}

int lmi_buckets(lmi_target *t, uint64_t map, int old, uint64_t from, uint64_t to,
                lmi_bucket_fn bucket_fn, lmi_entry_fn slot_fn, void *ctx, char *err,
                size_t errlen)
{
    struct lm_map m;
    if (map_read(&m, &t->lay, &t->mem, map, err, errlen) != 0)
        return -1;
    if (!m.walkable) {
        snprintf(err, errlen, "map 0x%" PRIx64 ": %s", map, m.problem);
        return -1;
    }
    if (bucket_fn == NULL) {
        snprintf(err, errlen, "libmap-inspect: lmi_buckets needs a bucket callback");
        return -1;
    }
    old = old != 0;
    uint64_t n = walk_nbase(&m, old);
    if (to > n)
        to = n;
    struct bwalk w = {.m = &m, .l = &t->lay, .mem = &t->mem, .bucket_fn = bucket_fn,
                      .slot_fn = slot_fn, .ctx = ctx};
    slots_init(&w.sr, &m, &t->lay, &t->mem);
    struct walk_visitor v = {on_bucket, NULL, on_problem, NULL, &w};
    struct addrset seen;
    walk_seen_init(&seen, &m, &t->mem);
    for (uint64_t i = from; i < to && !w.stop;) {
        uint64_t end = to - i > SLICE ? i + SLICE : to;
        walk_range(&m, &t->lay, &t->mem, old, i, end, &seen, &v);
        i = end;
    }
    addrset_free(&seen);
    slots_free(&w.sr);
    return 0;
}
