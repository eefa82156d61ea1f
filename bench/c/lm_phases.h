/*
 * lm_phases.h — the libmap driver's phases as separate functions (one table
 * per key kind), so that the plain runner (lm_phases.c) and bench-onoff's
 * alternating runner can share them. A phase runs over keys [lo, hi) of
 * the n (misses: the n miss keys; iterate: elements lo..hi-1 of one
 * iteration), so that a phase can also run in chunks. Summed over its
 * chunks, a phase returns what lm_phase_check() verifies: keys inserted,
 * sum of the values found, hits among the misses (0), sum of the values
 * iterated, keys deleted.
 */
#ifndef BENCH_LM_PHASES_H
#define BENCH_LM_PHASES_H

#include <stddef.h>
#include <stdint.h>

#include "driver.h"
#include "keys.h"

#ifdef BENCH_ND_RENAMED
#define lm_u64_phases nd_lm_u64_phases
#define lm_str_phases nd_lm_str_phases
#endif

struct lm_phases {
    void *(*create)(void); /* a new empty map (and its phase state) */
    size_t (*len)(void *ctx);
    void (*destroy)(void *ctx);
    uint64_t (*run[PH_COUNT])(void *ctx, const struct keyset *ks, size_t lo, size_t hi);
};

extern const struct lm_phases lm_u64_phases, lm_str_phases;

/* Exit unless result is what phase p must return for n keys. */
void lm_phase_check(int p, uint64_t result, size_t n);

/* The driver's loops (driver.h) over one phase table. */
void lm_run_loops(const struct lm_phases *ph, const struct keyset *ks, size_t loops,
                  struct phase_time *t);

#endif
