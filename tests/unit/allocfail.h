/*
 * allocfail.h — the allocation-failure test's pieces: a scenario (a map
 * state built by a setup, then one operation) and the fixture an attempt
 * runs it in (allocfail_fixture.c); the scenarios are in
 * allocfail_scenarios.c, the runner in allocfail.c.
 */
#ifndef LIBMAP_TEST_ALLOCFAIL_H
#define LIBMAP_TEST_ALLOCFAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "refmap.h"
#include "testalloc.h"

enum opkind { OP_NEW, OP_ASSIGN, OP_DELETE };
enum failkind { FAIL_ARRAY, FAIL_BUCKET, FAIL_STORAGE, FAIL_NEW };
/* After ENOMEM the map header (count, B, flags, noverflow, seed, arrays,
 * nevacuate) must be unchanged; EXACT_UNLESS_STORAGE scenarios allow a
 * growth this assign started (and its evacuation work) to remain when the
 * key's or value's own storage then fails: contents are unchanged. */
enum exactness { EXACT_ALWAYS, EXACT_UNLESS_STORAGE };

struct fx;

struct scenario {
    const char *name;
    const struct kspec *ks;
    size_t hint;
    void (*setup)(struct fx *f);
    enum opkind op;
    uint64_t key;          /* OP_ASSIGN, OP_DELETE */
    int want;              /* result when no allocation fails */
    unsigned min_enomem;   /* failures that must surface as ENOMEM */
    unsigned min_allocs;   /* allocations the operation must make */
    void (*check)(struct fx *f, int rc); /* extra checks after the operation */
    enum exactness exact;
};

struct fx {
    const struct scenario *sc;
    struct talloc ta;
    libmap *m;
    struct refmap ref;
    libmap_iter it;
    bool iter_live;
    uint64_t first_yield; /* key index the live iterator yielded first */
    uint64_t version;
};

extern const struct scenario scenarios[];
extern const size_t nscenarios;

/* ---- allocfail_fixture.c: operations mirrored into f->ref ---- */
libmap_config config_of(struct fx *f);
int do_assign(struct fx *f, uint64_t idx, bool mirror);
int do_delete(struct fx *f, uint64_t idx, bool mirror);
void put(struct fx *f, uint64_t idx);   /* assign, must succeed */
void del(struct fx *f, uint64_t idx);   /* delete a present key */
void fill(struct fx *f, uint64_t from, uint64_t to);
/* The map holds exactly the reference (and its invariants hold). */
void check_contents(struct fx *f);
/* Finish the iteration a setup left live (see setup_iter_growing). */
void finish_iteration(struct fx *f);
/* The scenario's operation; on success mirrored into the reference. */
int run_op(struct fx *f);

#endif
