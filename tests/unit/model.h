/*
 * model.h — shared state of the model-based test (model.c drives rounds,
 * model_ops.c performs single checked operations and phases, model_iter.c
 * runs iterations checked against Go's semantics).
 */
#ifndef LIBMAP_TEST_MODEL_H
#define LIBMAP_TEST_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "refmap.h"
#include "testalloc.h"

/* the test's own PRNG (splitmix64), seeded from the command line */
extern uint64_t rng;
uint64_t rnd(void);
uint64_t below(uint64_t n);
bool chance(unsigned per_mille);

/* ---- coverage, asserted at the end so the run proves what it tested ---- */
struct model_coverage {
    uint64_t ops, doublings, same_size, growth_under_iter, same_size_under_iter, evac_under_iter;
    uint64_t iter_started_growing, across_growths;
    uint64_t iterations, iter_complete, iter_yields, iter_writes, iter_cleared, two_iters;
    uint64_t checks, clears, drains, churns, rounds, enomem;
};
extern struct model_coverage cov;

#define MAXITERS 2

struct itrack {
    libmap_iter it;
    bool live;
    struct refmap s0;        /* keys present at init */
    struct refmap yielded;   /* keys yielded (dropped again when deleted) */
    struct refmap disturbed; /* keys deleted during the iteration */
};

struct model {
    const struct kspec *ks;
    libmap *m;
    bool counted;
    struct talloc ta;
    struct refmap ref;
    uint64_t lo, width; /* key window */
    size_t target;
    const uint8_t *growth_old; /* old array of the growth in progress */
    size_t growth_writes, growth_budget; /* writes since the growth started */
    struct itrack tr[MAXITERS];
    unsigned ntr;
};

/* ---- model_ops.c: single operations, each checked against the reference ---- */
uint64_t universe(const struct model *s);
uint64_t window_key(const struct model *s);   /* a key in the window (sometimes 0) */
uint64_t present_key(const struct model *s);  /* a key in the map (map not empty) */
uint64_t absent_key(const struct model *s);   /* a key not in the map */
void op_assign(struct model *s, uint64_t idx);
void op_insert_new(struct model *s);
void op_lookup(struct model *s, uint64_t idx);
void op_delete(struct model *s, uint64_t idx);
void op_clear(struct model *s);
/* phases */
void burst(struct model *s);
void churn(struct model *s, bool across);
void full_check(struct model *s);

/* ---- model_iter.c ---- */
void track_start(struct model *s, struct itrack *t);
bool track_step(struct model *s, struct itrack *t);
void track_end(struct itrack *t);
void do_iterate(struct model *s);

#endif
