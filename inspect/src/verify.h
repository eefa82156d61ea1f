/*
 * verify.h — check a map's invariants in the target (libmap/src/internal.h,
 * "Invariants"): count equals the live slots; every key sits in the bucket
 * its hash selects (in the old array with the old mask while its old bucket
 * is not evacuated) with the matching tophash, once; overflow chains end
 * without cycles or sharing; evacuation marks agree with nevacuate and a
 * new bucket is untouched while its old bucket is unevacuated; emptyRest
 * is honest; noverflow is exact up to B = the descriptor's noverflow_max_b
 * (15); the preallocated overflow area is free from next_overflow on.
 * Byte maps with user callbacks are placed and compared with the host's
 * callbacks when the target is this process (lmi_set_host_callbacks), else
 * their placement is not checked. Each failure names the array, bucket,
 * chain position and slot. Occupancy statistics come from the same pass.
 * Large maps are verified in slices of the current bucket array, one
 * thread per CPU but one (libmap-coredump's unwinder runs alongside; the
 * caller may force N), merged in bucket order; overflow buckets seen by two
 * slices are reported as shared.
 */
#ifndef LIBMAP_INSPECT_VERIFY_H
#define LIBMAP_INSPECT_VERIFY_H

#include <libmap/inspect.h>
#include <stdint.h>

#include "mem.h"
#include "layout.h"
#include "mapread.h"

/* Failures kept in detail; the rest are only counted. */
#define VERIFY_MAX_FAILURES 1000

/* struct lmi_problem and struct lmi_stats: <libmap/inspect.h> */
struct vresult {
    int ran;
    int placement_checked;  /* hash known: bucket, tophash checks done */
    struct lmi_problem *fails;
    size_t nfails;          /* kept */
    uint64_t total_failures, total_unreadable;
    struct lmi_stats st;
};

typedef void (*verify_progress_fn)(const char *phase, uint64_t done, uint64_t total);

/* threads: slices verified side by side; 0 chooses (one per CPU but one,
 * fewer for small maps; always one when the reader is serial). */
void verify_map(struct vresult *res, const struct lm_map *m, const struct lm_layout *l,
                struct lmi_mem *mem, unsigned threads, verify_progress_fn progress);
void verify_free(struct vresult *res);

#endif
