/*
 * invariants.h — a structural checker for a libmap map, written against the
 * internal layout (libmap/src/internal.h): it walks every bucket, overflow
 * chain and old bucket and checks the invariants listed in internal.h's top
 * comment, recomputing every hash independently of libmap:
 *   - count equals the live slots in the current array plus the unevacuated
 *     old buckets;
 *   - every live key sits in the bucket its hash selects (old mask in an
 *     unevacuated old bucket), with the matching tophash, and appears once;
 *   - old buckets below nevacuate are evacuated; an evacuated old bucket
 *     holds only evacuation marks; the new buckets an unevacuated old bucket
 *     will fill are still untouched;
 *   - after EMPTY_REST, every later slot of the chain is EMPTY_REST;
 *   - array geometry, the preallocated overflow area, and (below B=16)
 *     noverflow equals the overflow buckets chained in the current array.
 * Any violation prints where and exits 1 (check.h).
 */
#ifndef LIBMAP_TEST_INVARIANTS_H
#define LIBMAP_TEST_INVARIANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmap/map.h>

struct inv_stats {
    uint8_t B;
    bool growing, same_size;
    size_t count;
    size_t live_new, live_old;  /* live slots in current / unevacuated old buckets */
    size_t overflow_new;        /* overflow buckets chained in the current array */
    size_t old_evacuated;       /* evacuated old buckets */
    uint32_t live_iters;
};

/* Called for every live entry with the key as the map stores it (for
 * strings a libmap_str *) and its value bytes. */
typedef void (*inv_visit_fn)(const void *key, const void *value, void *ctx);

/* Check m; visit may be NULL; st may be NULL. */
void inv_check(const libmap *m, inv_visit_fn visit, void *ctx, struct inv_stats *st);

#endif
