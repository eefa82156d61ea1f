/*
 * entries.c — every live entry of a map, once: the current array's live
 * slots, then (while the map grows) those of the old buckets not yet
 * evacuated, whose destinations in the current array are still empty.
 * Keys and values are read behind their pointers (strings, indirect keys
 * and values) with the slot reader's bounds; a slot whose key or value
 * cannot be read is handed over with its reason instead of its bytes.
 */
#include "entries.h"

#include <stdio.h>
#include <string.h>

#include "slots.h"
#include "walk.h"

struct ewalk {
    struct slot_reader sr;
    const struct lm_layout *l;
    lmi_entry_fn fn;
    void *ctx;
    int stopped;
    int evacuated; /* the current old chain belongs to an evacuated bucket */
    uint64_t unreadable;
};

void entry_at(struct slot_reader *sr, const struct bref *r, const uint8_t *b, unsigned i,
              struct lmi_entry *e)
{
    memset(e, 0, sizeof *e);
    e->array = r->old;
    e->bucket = (int64_t)r->index;
    e->chain = (int)r->chain;
    e->slot = (int)i;
    e->bucket_addr = r->addr;
    e->tophash = b[i];
    struct slot_key k;
    if (slot_key(sr, b, i, &k) == 0) {
        e->key = k.data;
        e->key_len = k.len;
    } else {
        snprintf(e->error, sizeof e->error, "%s", k.why);
    }
    e->key_addr = k.ptr;
    struct lmi_fault f;
    char why[160];
    if (slot_value(sr, b, i, &e->value, &e->value_len, &f, why, sizeof why) != 0) {
        e->value = NULL;
        if (e->error[0] == 0)
            snprintf(e->error, sizeof e->error, "%s", why);
    }
}

static void on_bucket(void *ctx, const struct bref *r, const uint8_t *b)
{
    struct ewalk *w = ctx;
    const struct libmap_layout *d = &w->l->d;
    if (r->chain == 0)
        w->evacuated = r->old && tophash_evacuated(w->l, b[0]);
    if (w->evacuated)
        return;
    for (unsigned i = 0; i < d->bucket_cnt; i++) {
        if (b[i] < d->min_tophash)
            continue;
        struct lmi_entry e;
        entry_at(&w->sr, r, b, i, &e);
        /* a stop takes effect at the end of the slice: the cursor then
         * points at a base bucket, never inside a chain */
        if (w->fn(w->ctx, &e) != 0)
            w->stopped = 1;
    }
}

static void on_problem(void *ctx, const struct bref *r, enum walk_problem p, uint64_t addr,
                       enum lmi_status st, uint64_t extra)
{
    (void)r, (void)p, (void)addr, (void)st, (void)extra;
    ((struct ewalk *)ctx)->unreadable++;
}

/* Base buckets per slice: the first few small (a pretty printer asks for
 * 200 entries), doubling up to about 4 MiB of buckets (one read). */
#define FIRST_SLICE 64
#define SLICE_BYTES ((uint64_t)4 << 20)

uint64_t map_entries(const struct lm_map *m, const struct lm_layout *l, struct lmi_mem *mem,
                     uint64_t *cursor, lmi_entry_fn fn, void *ctx)
{
    struct ewalk w = {.l = l, .fn = fn, .ctx = ctx};
    slots_init(&w.sr, m, l, mem);
    struct walk_visitor v = {on_bucket, NULL, on_problem, NULL, &w};
    struct addrset seen;
    walk_seen_init(&seen, m, mem);
    int arr = (int)(*cursor >> 63);
    uint64_t i = *cursor & ~(UINT64_C(1) << 63);
    uint64_t max_slice = SLICE_BYTES / (m->bucket_size ? m->bucket_size : 1) + 1;
    uint64_t slice = FIRST_SLICE;
    *cursor = LMI_ENTRIES_END;
    for (; arr <= 1; arr++, i = 0) {
        uint64_t n = walk_nbase(m, arr); /* 0 for the old array unless growing */
        while (i < n) {
            uint64_t to = n - i > slice ? i + slice : n;
            walk_range(m, l, mem, arr, i, to, &seen, &v);
            i = to;
            if (slice < max_slice)
                slice *= 2;
            if (w.stopped && (i < n || (arr == 0 && walk_nbase(m, 1) > 0))) {
                *cursor = i < n ? ((uint64_t)arr << 63) | i : UINT64_C(1) << 63;
                goto out;
            }
        }
    }
out:
    addrset_free(&seen);
    slots_free(&w.sr);
    return w.unreadable;
}
