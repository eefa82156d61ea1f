/*
 * walk.h — visit every bucket of a map's current or old bucket array with
 * its overflow chain, under the rules for untrusted memory: every read
 * bounded, unreadable stretches of the array skipped in one step, chains
 * capped and checked for cycles, for buckets shared between chains, for
 * misaligned links and for links back into the array's base buckets.
 */
#ifndef LIBMAP_INSPECT_WALK_H
#define LIBMAP_INSPECT_WALK_H

#include <stdint.h>

#include "addrset.h"
#include "mem.h"
#include "layout.h"
#include "mapread.h"

/* Which bucket: the array (0 current, 1 old), the base bucket's index, the
 * position in its chain (0 = the base bucket), and the address. */
struct bref {
    int old;
    uint64_t index;
    unsigned chain;
    uint64_t addr;
};

enum walk_problem {
    WP_UNREADABLE_RANGE,    /* base buckets index..extra are unreadable */
    WP_UNREADABLE_OVERFLOW, /* the overflow bucket at addr is unreadable */
    WP_CYCLE,               /* the chain links back to one of its own buckets */
    WP_SHARED,              /* the chain links into another chain (extra: its id) */
    WP_MISALIGNED,          /* overflow pointer not pointer-aligned */
    WP_INTO_BASE,           /* overflow pointer at a base bucket of an array */
    WP_TOO_MANY,            /* more overflow buckets than the core can hold */
};

struct walk_visitor {
    /* each bucket, base first then its chain; b has bucket_size bytes */
    void (*bucket)(void *ctx, const struct bref *r, const uint8_t *b);
    /* after a base bucket's chain; r is its last bucket */
    void (*chain_end)(void *ctx, const struct bref *r);
    /* r is the bucket whose link (or whose own read) failed; addr the target */
    void (*problem)(void *ctx, const struct bref *r, enum walk_problem p, uint64_t addr,
                    enum lmi_status st, uint64_t extra);
    /* progress over base buckets (may be NULL) */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *ctx;
};

/* Chain id as reported with WP_SHARED. */
static inline uint64_t walk_chain_id(int old, uint64_t index)
{
    return ((uint64_t)old << 63) | index;
}

/* Walk one array (old = 0: current buckets, 1: old buckets). */
void walk_array(const struct lm_map *m, const struct lm_layout *l, struct lmi_mem *mem, int old,
                const struct walk_visitor *v);

/* Walk base buckets [from, to) of one array, recording overflow buckets in
 * seen (set up with walk_seen_init; shared by the walks of one pass so that
 * a bucket in two chains is found; one set per thread). */
void walk_seen_init(struct addrset *seen, const struct lm_map *m, struct lmi_mem *mem);
/* The same for a walk of one chain or a few (a lookup): not sized ahead. */
void walk_seen_init_small(struct addrset *seen, const struct lm_map *m, struct lmi_mem *mem);
void walk_range(const struct lm_map *m, const struct lm_layout *l, struct lmi_mem *mem, int old,
                uint64_t from, uint64_t to, struct addrset *seen, const struct walk_visitor *v);
/* Base buckets in an array (0 when it cannot be walked). */
uint64_t walk_nbase(const struct lm_map *m, int old);

/* The evacuation state of every old base bucket: 0 unknown (unreadable),
 * 1 evacuated, 2 not evacuated. NULL when the map is not growing or the
 * old array is too large to be real. Caller frees. */
uint8_t *walk_old_states(const struct lm_map *m, const struct lm_layout *l, struct lmi_mem *mem);

static inline int tophash_evacuated(const struct lm_layout *l, uint8_t top)
{
    return top == l->d.evacuated_x || top == l->d.evacuated_y || top == l->d.evacuated_empty;
}

#endif
