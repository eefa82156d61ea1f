/*
 * verify.c — the map's invariants checked in one pass over its buckets
 * (see verify.h). Duplicates are looked for within each chain: a key can
 * only be in the chain its hash selects (anything else is already a
 * placement failure), and while an old bucket is unevacuated its new
 * buckets must be empty (checked), so equal keys in two chains cannot
 * escape notice. With a user hash callback placement cannot be recomputed
 * (unless the target is this process and the host runs the map's
 * callbacks: lmi_set_host_callbacks); the per-chain duplicate check still
 * runs, on the key bytes or with the host's equality.
 */
#include "verify.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slots.h"
#include "walk.h"


/* A key seen earlier in the current chain (for the duplicate check). */
struct ckey {
    uint64_t hash;
    size_t off;      /* key bytes in the arena, or SIZE_MAX: in small */
    uint8_t small[16];
    uint64_t len;
    unsigned chain, slot;
};

struct verifier {
    struct vresult *res;
    const struct lm_map *m;
    const struct lm_layout *l;
    struct lmi_mem *mem;
    struct slot_reader sr;
    verify_progress_fn progress;
    const char *phase;
    int hash_known;          /* keys hashed with XXH3 (no user hash callback) */
    int host_hash;           /* else by the host's callback (an in-process target) */
    int host_equal;          /* keys compared by the host's callback */
    uint64_t mask_new, mask_old, seed;
    uint8_t *old_states;
    /* the current array's preallocated overflow area: it starts at pre_lo
     * (after the base buckets); [free_lo, free_hi) is still free (both 0
     * when unknown: no next_overflow) */
    uint64_t pre_lo, free_lo, free_hi;
    /* layout constants, as bytes */
    unsigned cnt;
    uint8_t empty_rest, empty_one, evac_x, evac_y, evac_empty, min_top;
    /* the current chain */
    int evacuated;           /* an evacuated old bucket */
    int rest_seen;           /* an emptyRest slot was seen */
    unsigned rest_chain, rest_slot;
    int rest_reported, dest_reported;
    int dest_pending;        /* a current bucket whose old bucket is unevacuated */
    uint64_t chain_live;
    struct ckey *keys;
    size_t nkeys, capkeys;
    uint8_t *arena;
    size_t alen, acap;
};

static void vfail(struct verifier *v, const char *check, int array, int64_t bucket, int chain,
                  int slot, uint64_t addr, int unreadable, const char *fmt, ...)
{
    struct vresult *res = v->res;
    if (unreadable)
        res->total_unreadable++;
    else
        res->total_failures++;
    if (res->nfails >= VERIFY_MAX_FAILURES)
        return;
    if (res->nfails % 64 == 0) {
        struct lmi_problem *n = realloc(res->fails, (res->nfails + 64) * sizeof *n);
        if (n == NULL)
            return;
        res->fails = n;
    }
    struct lmi_problem *f = &res->fails[res->nfails++];
    f->check = check;
    f->array = array;
    f->bucket = bucket;
    f->chain = chain;
    f->slot = slot;
    f->addr = addr;
    f->unreadable = unreadable;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->msg, sizeof f->msg, fmt, ap);
    va_end(ap);
}

#define FAIL_AT(v, check, r, slot, ...)                                                      \
    vfail(v, check, (r)->old, (int64_t)(r)->index, (int)(r)->chain, slot, (r)->addr, 0,      \
          __VA_ARGS__)

/* A short rendering of a key for messages. */
static const char *key_str(struct verifier *v, const struct slot_key *k, char *buf, size_t len)
{
    FILE *f = fmemopen(buf, len, "w");
    if (f == NULL) {
        snprintf(buf, len, "?");
        return buf;
    }
    key_print(f, &v->sr, k, 24);
    fclose(f);
    buf[len - 1] = 0;
    return buf;
}

static void chain_begin(struct verifier *v, const struct bref *r, const uint8_t *b)
{
    v->rest_seen = 0;
    v->rest_reported = 0;
    v->dest_reported = 0;
    v->nkeys = 0;
    v->alen = 0;
    v->chain_live = 0;
    v->evacuated = r->old && tophash_evacuated(v->l, b[0]);
    v->dest_pending = !r->old && v->old_states != NULL &&
                      v->old_states[r->index & v->mask_old] == 2;
    if (r->old) {
        if (v->evacuated)
            v->res->st.evacuated_old++;
        else if (r->index < v->m->nevacuate)
            FAIL_AT(v, "nevacuate", r, -1,
                    "old bucket %" PRIu64 " is below nevacuate (%" PRIu64 ") but not evacuated",
                    r->index, v->m->nevacuate);
    }
}

static const uint8_t *ckey_bytes(const struct verifier *v, const struct ckey *c)
{
    return c->off == SIZE_MAX ? c->small : v->arena + c->off;
}

static __attribute__((noinline, cold)) void report_dup(struct verifier *v, const struct bref *r,
                                                       unsigned slot, const struct slot_key *k,
                                                       const struct ckey *c)
{
    char ks[96];
    FAIL_AT(v, "duplicate", r, (int)slot,
            "key %s appears twice: also in %s bucket %" PRIu64 " chain %u slot %u",
            key_str(v, k, ks, sizeof ks), r->old ? "old" : "current", r->index, c->chain,
            c->slot);
}

/* Whether a key seen earlier in the chain equals k: by its bytes, or by
 * the map's own equality (an in-process target's host_equal). */
static inline int same_key(const struct verifier *v, const struct ckey *c,
                           const struct slot_key *k)
{
    if (c->len != k->len)
        return 0;
    if (v->host_equal)
        return v->mem->host_equal(v->mem->host_ctx, v->m->addr, ckey_bytes(v, c), k->data,
                                  k->len) != 0;
    return memcmp(ckey_bytes(v, c), k->data, k->len) == 0;
}

/* Remember the key for the duplicate check; report when seen already. */
static inline void dup_check(struct verifier *v, const struct bref *r, unsigned slot,
                             const struct slot_key *k, uint64_t hash)
{
    for (size_t i = 0; i < v->nkeys; i++) {
        struct ckey *c = &v->keys[i];
        if (c->hash == hash && same_key(v, c, k)) {
            report_dup(v, r, slot, k, c);
            return;
        }
    }
    if (v->nkeys == v->capkeys) {
        size_t nc = v->capkeys ? v->capkeys * 2 : 64;
        struct ckey *n = realloc(v->keys, nc * sizeof *n);
        if (n == NULL)
            return;
        v->keys = n;
        v->capkeys = nc;
    }
    struct ckey *c = &v->keys[v->nkeys];
    c->hash = hash;
    c->len = k->len;
    c->chain = r->chain;
    c->slot = slot;
    if (k->len <= sizeof c->small) {
        c->off = SIZE_MAX;
        memcpy(c->small, k->data, k->len);
    } else {
        if (v->alen + k->len > v->acap) {
            size_t nc = v->acap ? v->acap : 4096;
            while (nc < v->alen + k->len)
                nc *= 2;
            uint8_t *n = realloc(v->arena, nc);
            if (n == NULL)
                return;
            v->arena = n;
            v->acap = nc;
        }
        memcpy(v->arena + v->alen, k->data, k->len);
        c->off = v->alen;
        v->alen += k->len;
    }
    v->nkeys++;
}

static __attribute__((noinline, cold)) void report_placement(struct verifier *v,
                                                             const struct bref *r, unsigned i,
                                                             const struct slot_key *k,
                                                             uint64_t hash, uint8_t top)
{
    char ks[96];
    uint64_t want = hash & (r->old ? v->mask_old : v->mask_new);
    if (want != r->index)
        FAIL_AT(v, "placement", r, (int)i,
                "key %s belongs in %s bucket %" PRIu64 " (hash 0x%016" PRIx64 ")",
                key_str(v, k, ks, sizeof ks), r->old ? "old" : "current", want, hash);
    uint8_t want_top = slot_tophash(v->l, hash);
    if (want_top != top)
        FAIL_AT(v, "tophash", r, (int)i,
                "tophash 0x%02x but key %s has tophash 0x%02x (hash 0x%016" PRIx64 ")", top,
                key_str(v, k, ks, sizeof ks), want_top, hash);
}

static __attribute__((noinline, cold)) void report_destination(struct verifier *v,
                                                               const struct bref *r, unsigned i)
{
    uint64_t ob = r->index & v->mask_old;
    if (v->old_states[ob] != 2)
        return;
    v->dest_reported = 1;
    FAIL_AT(v, "evacuation", r, (int)i,
            "current bucket %" PRIu64 " holds a key but old bucket %" PRIu64
            " is not evacuated yet",
            r->index, ob);
}

/* The key's hash, specialized for the usual key sizes so that XXH3's
 * length dispatch folds away. */
static inline uint64_t key_hash(const struct verifier *v, const struct slot_key *k)
{
    switch (k->len) {
    case 4:
        return XXH3_64bits_withSeed(k->data, 4, v->seed);
    case 8:
        return XXH3_64bits_withSeed(k->data, 8, v->seed);
    default:
        return XXH3_64bits_withSeed(k->data, (size_t)k->len, v->seed);
    }
}

static inline void live_slot(struct verifier *v, const struct bref *r, const uint8_t *b,
                             unsigned i, uint8_t top)
{
    v->chain_live++;
    if (!r->old && v->old_states != NULL && !v->dest_reported)
        report_destination(v, r, i);
    struct slot_key k;
    if (slot_key_fast(&v->sr, b, i, &k) != 0) {
        vfail(v, "key_unreadable", r->old, (int64_t)r->index, (int)r->chain, (int)i, r->addr,
              k.fault.status != LMI_OK, "%s", k.why);
        return;
    }
    uint64_t hash;
    if (v->hash_known || v->host_hash) {
        hash = v->hash_known ? key_hash(v, &k)
                             : v->mem->host_hash(v->mem->host_ctx, v->m->addr, k.data, k.len,
                                                 v->seed);
        if (((hash & (r->old ? v->mask_old : v->mask_new)) != r->index) |
            (slot_tophash(v->l, hash) != top))
            report_placement(v, r, i, &k, hash, top);
    } else {
        hash = XXH3_64bits(k.data, (size_t)k.len);
    }
    dup_check(v, r, i, &k, hash);
}

static __attribute__((noinline)) void evacuated_bucket(struct verifier *v, const struct bref *r,
                                                       const uint8_t *b)
{
    for (unsigned i = 0; i < v->cnt; i++) {
        uint8_t top = b[i];
        if (!tophash_evacuated(v->l, top))
            FAIL_AT(v, "evacuation", r, (int)i,
                    "slot of evacuated old bucket holds tophash 0x%02x, not an evacuation mark",
                    top);
        else if (top == v->evac_y && v->m->same_size)
            FAIL_AT(v, "evacuation", r, (int)i, "evacuatedY mark during same-size growth");
    }
}

/* An overflow bucket of the current array inside its preallocated area
 * must sit on a bucket boundary and have been handed out (below
 * next_overflow). */
static __attribute__((noinline)) void prealloc_bucket(struct verifier *v, const struct bref *r)
{
    uint64_t bs = v->m->bucket_size;
    if ((r->addr - v->pre_lo) % bs != 0)
        FAIL_AT(v, "overflow_pointer", r, -1,
                "overflow bucket 0x%" PRIx64 " is not on a bucket boundary of the "
                "preallocated area (from 0x%" PRIx64 ")",
                r->addr, v->pre_lo);
    else if (r->addr >= v->free_lo)
        FAIL_AT(v, "next_overflow", r, -1,
                "overflow bucket 0x%" PRIx64 " is in the free preallocated area "
                "(next_overflow 0x%" PRIx64 "): it was never handed out",
                r->addr, v->free_lo);
}

/* A current bucket whose old bucket is not evacuated yet must be as the
 * new array was allocated: every slot emptyRest and no overflow bucket.
 * (A live key there is reported by live_slot, with the key.) */
static __attribute__((noinline, cold)) void destination_not_pristine(struct verifier *v,
                                                                     const struct bref *r,
                                                                     const uint8_t *b)
{
    uint64_t ob = r->index & v->mask_old;
    if (r->chain > 0) {
        v->dest_reported = 1;
        FAIL_AT(v, "evacuation", r, -1,
                "current bucket %" PRIu64 " has an overflow bucket but old bucket %" PRIu64
                " is not evacuated yet",
                r->index, ob);
        return;
    }
    for (unsigned i = 0; i < v->cnt; i++)
        if (b[i] != v->empty_rest) {
            v->dest_reported = 1;
            FAIL_AT(v, "evacuation", r, (int)i,
                    "current bucket %" PRIu64 " slot holds tophash 0x%02x but old bucket %" PRIu64
                    " is not evacuated yet (its destinations must be untouched)",
                    r->index, b[i], ob);
            return;
        }
}

static void on_bucket(void *ctx, const struct bref *r, const uint8_t *b)
{
    struct verifier *v = ctx;
    if (r->chain == 0) {
        chain_begin(v, r, b);
    } else if (r->old) {
        v->res->st.overflow_old++;
    } else {
        v->res->st.overflow_new++;
        if (r->addr >= v->pre_lo && r->addr < v->free_hi)
            prealloc_bucket(v, r);
    }
    if (v->evacuated) {
        evacuated_bucket(v, r, b);
        return;
    }
    uint64_t live = 0, deleted = 0, empty = 0;
    for (unsigned i = 0; i < v->cnt; i++) {
        uint8_t top = b[i];
        if (v->rest_seen && top != v->empty_rest && !v->rest_reported) {
            v->rest_reported = 1;
            FAIL_AT(v, "empty_rest", r, (int)i,
                    "slot holds 0x%02x after emptyRest at chain %u slot %u", top, v->rest_chain,
                    v->rest_slot);
        }
        if (top >= v->min_top) {
            live++;
            live_slot(v, r, b, i, top);
        } else if (top == v->empty_rest) {
            empty++;
            if (!v->rest_seen) {
                v->rest_seen = 1;
                v->rest_chain = r->chain;
                v->rest_slot = i;
            }
        } else if (top == v->empty_one) {
            deleted++;
        } else if (tophash_evacuated(v->l, top)) {
            FAIL_AT(v, "evacuation", r, (int)i, "evacuation mark 0x%02x in a %s bucket", top,
                    r->old ? "not evacuated old" : "current");
        } else {
            FAIL_AT(v, "tophash", r, (int)i, "invalid tophash 0x%02x", top);
        }
    }
    if (v->dest_pending && !v->dest_reported)
        destination_not_pristine(v, r, b);
    if (r->old)
        v->res->st.live_old += live;
    else
        v->res->st.live_new += live;
    v->res->st.deleted += deleted;
    v->res->st.empty += empty;
}

static void on_chain_end(void *ctx, const struct bref *r)
{
    struct verifier *v = ctx;
    if (r->chain + 1 > v->res->st.longest_chain)
        v->res->st.longest_chain = r->chain + 1;
    if (r->chain > 0)
        v->res->st.chains_with_overflow++;
    if (!r->old && v->chain_live == 0)
        v->res->st.empty_buckets++;
}

static void on_problem(void *ctx, const struct bref *r, enum walk_problem p, uint64_t addr,
                       enum lmi_status st, uint64_t extra)
{
    struct verifier *v = ctx;
    const char *arr = r->old ? "old" : "current";
    switch (p) {
    case WP_UNREADABLE_RANGE:
        vfail(v, "unreadable", r->old, (int64_t)r->index, -1, -1, addr, 1,
              "%s buckets %" PRIu64 "..%" PRIu64 " (from 0x%" PRIx64 ") are %s", arr, r->index,
              extra, addr, lmi_status_str(st));
        break;
    case WP_UNREADABLE_OVERFLOW:
        vfail(v, "unreadable", r->old, (int64_t)r->index, (int)r->chain + 1, -1, addr, 1,
              "overflow bucket 0x%" PRIx64 " is %s", addr, lmi_status_str(st));
        break;
    case WP_CYCLE:
        FAIL_AT(v, "cycle", r, -1, "overflow chain loops back to 0x%" PRIx64, addr);
        break;
    case WP_SHARED:
        FAIL_AT(v, "shared_overflow", r, -1,
                "overflow bucket 0x%" PRIx64 " is also in the chain of %s bucket %" PRIu64, addr,
                (extra >> 63) ? "old" : "current", extra & ~(UINT64_C(1) << 63));
        break;
    case WP_MISALIGNED:
        FAIL_AT(v, "overflow_pointer", r, -1, "misaligned overflow pointer 0x%" PRIx64, addr);
        break;
    case WP_INTO_BASE:
        FAIL_AT(v, "overflow_pointer", r, -1,
                "overflow pointer 0x%" PRIx64 " points at a base bucket", addr);
        break;
    case WP_TOO_MANY:
        FAIL_AT(v, "overflow_pointer", r, -1,
                "more overflow buckets (%" PRIu64 ") than the core can hold; chain cut", extra);
        break;
    }
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    struct verifier *v = ctx;
    if (v->progress != NULL)
        v->progress(v->phase, done, total);
}

static void map_level_checks(struct verifier *v)
{
    const struct lm_map *m = v->m;
    const struct libmap_layout *d = &v->l->d;
    if (!m->magic_ok)
        vfail(v, "header", -1, -1, -1, -1, m->addr, 0,
              "magic 0x%016" PRIx64 " is not a live map's (freed, or not a map)", m->magic);
    if (!m->growing && (m->flags & d->flag_same_size_grow))
        vfail(v, "flags", -1, -1, -1, -1, m->addr, 0,
              "sameSizeGrow flag set but the map is not growing");
    if (m->growing && m->nevacuate >= m->noldbuckets)
        vfail(v, "nevacuate", -1, -1, -1, -1, m->addr, 0,
              "nevacuate %" PRIu64 " reached the old bucket count %" PRIu64
              " but the old buckets were not released",
              m->nevacuate, m->noldbuckets);
    if (m->buckets == 0 && m->count != 0)
        vfail(v, "count", -1, -1, -1, -1, m->addr, 0,
              "count is %" PRIu64 " but the map has no buckets", m->count);
    if (m->buckets == 0 && m->oldbuckets != 0)
        vfail(v, "header", -1, -1, -1, -1, m->addr, 0,
              "old buckets at 0x%" PRIx64 " but no current buckets", m->oldbuckets);
    if (m->buckets == 0 && m->B != 0)
        vfail(v, "header", -1, -1, -1, -1, m->addr, 0,
              "B is %" PRIu64 " but the map has no buckets", m->B);
}

/* The current array's preallocated overflow area (as Go's makeBucketArray
 * lays it out): after the 2^B base buckets; next_overflow, when set,
 * points at its first free bucket, on a bucket boundary; the free buckets
 * are untouched (zero tophash, no link) up to the last one, whose overflow
 * pointer is the array's start (the end marker). Sets pre_lo, and
 * free_lo/free_hi when next_overflow is set and sound. */
static void prealloc_checks(struct verifier *v)
{
    const struct lm_map *m = v->m;
    uint64_t bs = m->bucket_size, nb = walk_nbase(m, 0);
    if (nb == 0 || nb > (UINT64_MAX - m->buckets) / bs)
        return;
    v->pre_lo = m->buckets + nb * bs;
    uint64_t next = m->next_overflow;
    if (next == 0)
        return;
    if (next < v->pre_lo || (next - v->pre_lo) % bs != 0) {
        vfail(v, "next_overflow", 0, -1, -1, -1, next, 0,
              "next_overflow 0x%" PRIx64 " is not a bucket of the preallocated area after "
              "the %" PRIu64 " base buckets (from 0x%" PRIx64 ")",
              next, nb, v->pre_lo);
        return;
    }
    /* The area's end is what is being looked for, so a plain read callback
     * (this process's own memory ends there) is asked for one bucket at a
     * time. A reader that hands out its own bytes (a mapped core: ops->get)
     * is asked for up to PREALLOC_CHUNK buckets at once, and for one when
     * that fails; copying the area through a stream instead cost 15-30%
     * more CPU time on a 1M-entry core. */
#define PREALLOC_CHUNK 64
    uint64_t per = v->mem->ops->get != NULL ? PREALLOC_CHUNK : 1;
    uint8_t *scratch = malloc(per * bs);
    if (scratch == NULL)
        return;
    /* never more free buckets than base ones, nor than the target holds */
    uint64_t cap = nb < v->mem->extent / bs ? nb : v->mem->extent / bs;
    const uint8_t *chunk = NULL;
    uint64_t chunk_lo = 0, chunk_hi = 0; /* target addresses chunk holds */
    uint64_t a = next, n = 0;
    for (;; a += bs, n++) {
        if (n >= cap || a > UINT64_MAX - bs) {
            vfail(v, "next_overflow", 0, -1, -1, -1, next, 0,
                  "no end marker in the %" PRIu64 " buckets from next_overflow 0x%" PRIx64, n,
                  next);
            break;
        }
        struct lmi_fault f;
        if (a < chunk_lo || a >= chunk_hi) {
            uint64_t k = cap - n < per ? cap - n : per;
            if (k > 1 && a <= UINT64_MAX - k * bs &&
                (chunk = lmi_get(v->mem, a, k * bs, scratch, &f)) != NULL) {
                chunk_lo = a;
                chunk_hi = a + k * bs;
            } else {
                chunk = lmi_get(v->mem, a, bs, scratch, &f);
                chunk_lo = a;
                chunk_hi = chunk != NULL ? a + bs : a;
            }
        }
        const uint8_t *b = chunk != NULL ? chunk + (a - chunk_lo) : NULL;
        if (b == NULL) {
            vfail(v, "unreadable", 0, -1, -1, -1, a, 1,
                  "free preallocated bucket 0x%" PRIx64 " is %s", a, lmi_status_str(f.status));
            break;
        }
        unsigned i = 0;
        while (i < v->cnt && b[i] == v->empty_rest)
            i++;
        uint64_t link = lmi_uint(v->mem, b + m->overflow_offset, v->l->ptr);
        if (i < v->cnt || (link != 0 && link != m->buckets)) {
            vfail(v, "next_overflow", 0, -1, -1, -1, a, 0,
                  "preallocated bucket 0x%" PRIx64 " at or after next_overflow 0x%" PRIx64
                  " is not free (tophash 0x%02x at slot %u, link 0x%" PRIx64 ")",
                  a, next, i < v->cnt ? b[i] : 0, i < v->cnt ? i : 0, link);
            break;
        }
        if (link == m->buckets) {
            v->free_lo = next;
            v->free_hi = a + bs;
            break;
        }
    }
    free(scratch);
}

/* One verifier: the configuration every part shares, its own result. */
static void verifier_init(struct verifier *v, struct vresult *res, const struct lm_map *m,
                          const struct lm_layout *l, struct lmi_mem *mem,
                          verify_progress_fn progress, uint8_t *old_states)
{
    memset(v, 0, sizeof *v);
    v->res = res;
    v->m = m;
    v->l = l;
    v->mem = mem;
    v->progress = progress;
    v->old_states = old_states;
    slots_init(&v->sr, m, l, mem);
    v->hash_known = map_hash_known(m, l);
    v->host_hash = !v->hash_known && m->key_kind == l->d.key_kind_bytes && mem->host_hash != NULL;
    v->host_equal = m->key_kind == l->d.key_kind_bytes && mem->host_equal != NULL;
    v->seed = m->hash0;
    v->cnt = l->d.bucket_cnt;
    v->empty_rest = (uint8_t)l->d.empty_rest;
    v->empty_one = (uint8_t)l->d.empty_one;
    v->evac_x = (uint8_t)l->d.evacuated_x;
    v->evac_y = (uint8_t)l->d.evacuated_y;
    v->evac_empty = (uint8_t)l->d.evacuated_empty;
    v->min_top = (uint8_t)l->d.min_tophash;
    v->mask_new = m->nbuckets ? m->nbuckets - 1 : 0;
    v->mask_old = m->noldbuckets ? m->noldbuckets - 1 : 0;
}

static void verifier_free(struct verifier *v)
{
    free(v->keys);
    free(v->arena);
    slots_free(&v->sr);
}

/* A slice of the current bucket array, verified by its own thread. */
#define VERIFY_MAX_PARTS 8
#define VERIFY_PART_MIN ((uint64_t)1 << 16) /* base buckets: smaller maps use one */

struct vpart {
    struct verifier v;
    struct vresult res;
    struct addrset seen;
    uint64_t from, to;
    int show_progress;
};

static void *vpart_run(void *arg)
{
    struct vpart *p = arg;
    struct walk_visitor wv = {on_bucket, on_chain_end, on_problem,
                              p->show_progress ? on_progress : NULL, &p->v};
    p->v.phase = "verifying current buckets";
    walk_range(p->v.m, p->v.l, p->v.mem, 0, p->from, p->to, &p->seen, &wv);
    return NULL;
}

/* Add a part's findings to the whole, in bucket order. */
static void merge_result(struct vresult *into, struct vresult *part)
{
    for (size_t i = 0; i < part->nfails && into->nfails < VERIFY_MAX_FAILURES; i++) {
        if (into->nfails % 64 == 0) {
            struct lmi_problem *n = realloc(into->fails, (into->nfails + 64) * sizeof *n);
            if (n == NULL)
                break;
            into->fails = n;
        }
        into->fails[into->nfails++] = part->fails[i];
    }
    into->total_failures += part->total_failures;
    into->total_unreadable += part->total_unreadable;
    struct lmi_stats *a = &into->st, *b = &part->st;
    a->live_new += b->live_new;
    a->live_old += b->live_old;
    a->deleted += b->deleted;
    a->empty += b->empty;
    a->overflow_new += b->overflow_new;
    a->overflow_old += b->overflow_old;
    a->evacuated_old += b->evacuated_old;
    a->empty_buckets += b->empty_buckets;
    a->chains_with_overflow += b->chains_with_overflow;
    if (b->longest_chain > a->longest_chain)
        a->longest_chain = b->longest_chain;
    free(part->fails);
    part->fails = NULL;
}

/* Overflow buckets seen by two parts belong to two chains (reported once
 * per chain, as the single-threaded walk does, in bucket order). */
struct shared_hit {
    uint64_t id, addr, other;
};

static int cmp_hit(const void *a, const void *b)
{
    const struct shared_hit *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void merge_seen(struct verifier *v, struct addrset *into, struct addrset *part)
{
    struct shared_hit *hits = NULL;
    size_t n = 0, cap = 0;
    struct addrset_iter it;
    addrset_iter_init(&it, part);
    uint64_t addr, id;
    while (addrset_next(&it, &addr, &id)) {
        uint64_t other;
        if (addrset_put(into, addr, id, &other) != 1 || other == id)
            continue;
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 16;
            struct shared_hit *nh = realloc(hits, nc * sizeof *nh);
            if (nh == NULL)
                continue; /* out of memory: this one goes unreported */
            hits = nh;
            cap = nc;
        }
        hits[n++] = (struct shared_hit){id, addr, other};
    }
    if (n > 1)
        qsort(hits, n, sizeof *hits, cmp_hit);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && hits[i].id == hits[i - 1].id)
            continue;
        uint64_t idx = hits[i].id & ~(UINT64_C(1) << 63);
        vfail(v, "shared_overflow", (int)(hits[i].id >> 63), (int64_t)idx, -1, -1, hits[i].addr,
              0, "overflow bucket 0x%" PRIx64 " is also in the chain of %s bucket %" PRIu64,
              hits[i].addr, (hits[i].other >> 63) ? "old" : "current",
              hits[i].other & ~(UINT64_C(1) << 63));
    }
    free(hits);
}

/* Slices of the current array: threads (0: one per CPU but one, the
 * unwinder's, and fewer for small maps; a serial reader: one). */
static unsigned parts_for(uint64_t nbase, unsigned threads, const struct lmi_mem *mem)
{
    if (mem->serial)
        return 1;
    if (threads > 0) {
        if (threads > VERIFY_MAX_PARTS)
            threads = VERIFY_MAX_PARTS;
        return nbase >= threads ? threads : 1;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned n = cpus > 1 ? (unsigned)cpus - 1 : 1;
    if (n > VERIFY_MAX_PARTS)
        n = VERIFY_MAX_PARTS;
    while (n > 1 && nbase / n < VERIFY_PART_MIN)
        n--;
    return n;
}

/* The evacuation state of every old bucket, for the checks against
 * nevacuate (NULL, reported, when the old array cannot be real). */
static uint8_t *old_bucket_states(struct verifier *v)
{
    const struct lm_map *m = v->m;
    uint8_t *states = walk_old_states(m, v->l, v->mem);
    if (states == NULL)
        vfail(v, "unreadable", 1, -1, -1, -1, m->oldbuckets, 1,
              "old bucket array (%" PRIu64 " buckets at 0x%" PRIx64
              ") is larger than the core: not checked against nevacuate",
              m->noldbuckets, m->oldbuckets);
    return states;
}

/* The current array in slices verified side by side, merged into res in
 * bucket order; the overflow buckets seen are left in *seen (for the old
 * array's walk). */
static void verify_current(struct verifier *v, struct vresult *res, unsigned threads,
                           verify_progress_fn progress, struct addrset *seen)
{
    const struct lm_map *m = v->m;
    uint64_t nbase = walk_nbase(m, 0);
    /* the host's callbacks are called from the verifying thread only */
    unsigned nparts = v->host_hash || v->host_equal ? 1 : parts_for(nbase, threads, v->mem);
    struct vpart parts[VERIFY_MAX_PARTS];
    pthread_t th[VERIFY_MAX_PARTS];
    int started[VERIFY_MAX_PARTS] = {0};
    for (unsigned i = 0; i < nparts; i++) {
        struct vpart *p = &parts[i];
        memset(&p->res, 0, sizeof p->res);
        verifier_init(&p->v, &p->res, m, v->l, v->mem, progress, v->old_states);
        p->v.pre_lo = v->pre_lo;
        p->v.free_lo = v->free_lo;
        p->v.free_hi = v->free_hi;
        walk_seen_init(&p->seen, m, v->mem);
        p->from = nbase * i / nparts;
        p->to = nbase * (i + 1) / nparts;
        p->show_progress = i == 0;
        if (i > 0)
            started[i] = pthread_create(&th[i], NULL, vpart_run, p) == 0;
    }
    vpart_run(&parts[0]);
    for (unsigned i = 1; i < nparts; i++) {
        if (started[i])
            pthread_join(th[i], NULL);
        else
            vpart_run(&parts[i]);
    }
    for (unsigned i = 0; i < nparts; i++) {
        merge_result(res, &parts[i].res);
        if (i > 0) {
            merge_seen(v, &parts[0].seen, &parts[i].seen);
            addrset_free(&parts[i].seen);
        }
        verifier_free(&parts[i].v);
    }
    *seen = parts[0].seen;
}

/* What only the whole pass can tell: count against the live slots found,
 * and noverflow (exact up to B = the descriptor's noverflow_max_b, 15)
 * against the overflow buckets. */
static void whole_map_checks(struct verifier *v, const struct vresult *res)
{
    const struct lm_map *m = v->m;
    uint64_t live = res->st.live_new + res->st.live_old;
    if (live != m->count && res->total_unreadable == 0)
        vfail(v, "count", -1, -1, -1, -1, m->addr, 0,
              "count is %" PRIu64 " but %" PRIu64 " live slots were found (%" PRIu64
              " current, %" PRIu64 " in unevacuated old buckets)",
              m->count, live, res->st.live_new, res->st.live_old);
    unsigned w = v->l->d.width_noverflow, exact = m->noverflow_max_b;
    if (m->B <= exact && w <= 8) {
        uint64_t mod = w == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * w)) - 1;
        if ((res->st.overflow_new & mod) != m->noverflow && res->total_unreadable == 0)
            vfail(v, "noverflow", -1, -1, -1, -1, m->addr, 0,
                  "noverflow is %" PRIu64 " but the current buckets have %" PRIu64
                  " overflow buckets (exact below B = %u)",
                  m->noverflow, res->st.overflow_new, exact + 1);
    }
}

void verify_map(struct vresult *res, const struct lm_map *m, const struct lm_layout *l,
                struct lmi_mem *mem, unsigned threads, verify_progress_fn progress)
{
    memset(res, 0, sizeof *res);
    res->ran = 1;
    struct verifier v;
    verifier_init(&v, res, m, l, mem, progress, NULL);
    if (!m->walkable) {
        vfail(&v, "header", -1, -1, -1, -1, m->addr, 0, "%s", m->problem);
        verifier_free(&v);
        return;
    }
    res->placement_checked = v.hash_known || v.host_hash;
    map_level_checks(&v);
    prealloc_checks(&v);
    if (m->growing)
        v.old_states = old_bucket_states(&v);
    struct addrset seen;
    verify_current(&v, res, threads, progress, &seen);
    /* the old array, with the same set: chains shared across arrays show */
    if (m->growing) {
        struct walk_visitor wv = {on_bucket, on_chain_end, on_problem, on_progress, &v};
        v.phase = "verifying old buckets";
        walk_range(m, l, mem, 1, 0, walk_nbase(m, 1), &seen, &wv);
    }
    addrset_free(&seen);
    whole_map_checks(&v, res);
    free(v.old_states);
    verifier_free(&v);
}

void verify_free(struct vresult *res)
{
    free(res->fails);
    res->fails = NULL;
    res->nfails = 0;
}
