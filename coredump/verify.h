/*
 * verify.h — check a map's invariants in the core (libmap/src/internal.h,
 * "Invariants"): count equals the live slots; every key sits in the bucket
 * its hash selects (in the old array with the old mask while its old bucket
 * is not evacuated) with the matching tophash, once; overflow chains end
 * without cycles or sharing; evacuation marks agree with nevacuate and a
 * new bucket holds nothing while its old bucket is unevacuated; emptyRest
 * is honest; noverflow is exact below B = 16. Each failure names the array,
 * bucket, chain position and slot. Occupancy statistics come from the same
 * pass. Large maps are verified in slices of the current bucket array, one
 * thread per CPU but one (the unwinder runs alongside;
 * LIBMAP_COREDUMP_THREADS=N forces N), merged in bucket
 * order; overflow buckets seen by two slices are reported as shared.
 */
#ifndef LIBMAP_COREDUMP_VERIFY_H
#define LIBMAP_COREDUMP_VERIFY_H

#include <stdint.h>

#include "coremem.h"
#include "layout.h"
#include "mapread.h"

/* Failures kept in detail; the rest are only counted. */
#define VERIFY_MAX_FAILURES 1000

struct vfail {
    const char *check;  /* short name, see docs/coredump-json.md */
    int array;          /* -1 the map as a whole, 0 current buckets, 1 old buckets */
    int64_t bucket;     /* base bucket index, -1 when none */
    int chain;          /* position in the overflow chain (0 = base bucket), -1 when none */
    int slot;           /* -1 when none */
    uint64_t addr;      /* address of the bucket (or of what failed), 0 when none */
    int unreadable;     /* memory missing rather than an invariant broken */
    char msg[320];
};

struct vstats {
    uint64_t live_new, live_old;      /* live slots: current array, unevacuated old */
    uint64_t deleted, empty;          /* emptyOne / emptyRest slots (live arrays) */
    uint64_t overflow_new, overflow_old;
    uint64_t evacuated_old;           /* old base buckets evacuated */
    uint64_t empty_buckets;           /* current base buckets with no live slot */
    uint64_t longest_chain;           /* buckets in the longest chain */
    uint64_t chains_with_overflow;
};

struct vresult {
    int ran;
    int placement_checked;  /* hash known: bucket, tophash checks done */
    struct vfail *fails;
    size_t nfails;          /* kept */
    uint64_t total_failures, total_unreadable;
    struct vstats st;
};

typedef void (*verify_progress_fn)(const char *phase, uint64_t done, uint64_t total);

void verify_map(struct vresult *res, const struct lm_map *m, const struct lm_layout *l,
                struct coremem *cm, verify_progress_fn progress);
void verify_free(struct vresult *res);

#endif
