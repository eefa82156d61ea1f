/*
 * invariants.h — the structural checker of the unit and model tests: the
 * map is verified by libmap-inspect (inspect/src/verify.c), the same
 * verifier libmap-coredump and the gdb scripts run on cores, here through a
 * reader over this process's own memory (and, for byte maps with user
 * callbacks, the map's own hash and equality, so that placement and
 * duplicates are checked for them too). The invariants are the verifier's
 * (libmap/src/internal.h, docs/coredump-json.md "verify"):
 *   - count equals the live slots in the current array plus the unevacuated
 *     old buckets;
 *   - every live key sits in the bucket its hash selects (old mask in an
 *     unevacuated old bucket), with the matching tophash, and appears once;
 *   - old buckets below nevacuate are evacuated; an evacuated old bucket
 *     holds only evacuation marks; the new buckets an unevacuated old bucket
 *     will fill are still untouched (all emptyRest, no overflow);
 *   - after EMPTY_REST, every later slot of the chain is EMPTY_REST;
 *   - overflow chains end, without cycles or sharing; the preallocated
 *     overflow area's free part (from next_overflow) is untouched and no
 *     chain uses it; (below B=16) noverflow equals the overflow buckets
 *     chained in the current array.
 * Besides, what no tool reads: no write is under way, and libmap's
 * allocation header of each bucket array agrees with B. Then every entry is
 * visited once through the inspector's entry walk. Any violation prints the
 * verifier's report and exits 1 (check.h).
 */
#ifndef LIBMAP_TEST_INVARIANTS_H
#define LIBMAP_TEST_INVARIANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmap/inspect.h>
#include <libmap/map.h>
#include <stdio.h>

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

/* The pieces, for tests that damage a map on purpose: the inspector's
 * target over this process (opened once), the verifier's report on m
 * (free it with lmi_report_free), and the report printed. */
lmi_target *inv_target(void);
lmi_report *inv_verify(const libmap *m);
void inv_print_report(FILE *out, const libmap *m, const lmi_report *r);

#endif
