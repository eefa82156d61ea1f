/*
 * model.c — model-based test: random operation sequences on maps of every
 * key kind (u32, u64, strings, inline and indirect byte keys, with and
 * without user hash/equal callbacks, sets and indirect values), each checked
 * against the reference map of refmap.c after every operation, and the
 * map's structure checked with invariants.c after every phase.
 *
 * Operations: assign (insert and update), lookup (hit, miss, NULL value_out),
 * delete (present and absent), clear, drain to empty (reseed), bursts that
 * force doubling, key-window slides that churn chains until same-size growth
 * starts, and iterations (one or two at once) with writes between steps,
 * checked against Go's semantics: no key twice; every key present at the
 * start and never deleted is yielded; a yielded key is present and its value
 * is current; clear ends the iteration. Bursts during iteration make the map
 * grow under a live iterator.
 *
 * This file: the key specs, rounds (one map each: open, random operations
 * and phases, final check, free and leak check), main and the coverage
 * asserts; operations are in model_ops.c, iterations in model_iter.c.
 *
 * Usage: model [--seed N] [--ops N] [--quiet]. The seed is printed first
 * (seed=N); libmap's own randomness (hash seeds, iterator start) follows it
 * too (detrand.c), so a failing seed replays exactly.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "detrand.h"
#include "internal.h"
#include "model.h"

static const struct kspec specs[] = {
    {"u32", LIBMAP_KEY_U32, 0, 8, KH_NONE, false, 4000},
    {"u64-set", LIBMAP_KEY_U64, 0, 0, KH_NONE, false, 4000},
    {"u64-v24", LIBMAP_KEY_U64, 0, 24, KH_NONE, false, 2000},
    {"string", LIBMAP_KEY_STRING, 0, 16, KH_NONE, false, 3000},
    {"string-set", LIBMAP_KEY_STRING, 0, 0, KH_NONE, false, 1500},
    {"string-val200", LIBMAP_KEY_STRING, 0, 200, KH_NONE, false, 800},
    {"bytes3", LIBMAP_KEY_BYTES, 3, 1, KH_NONE, false, 2000},
    {"bytes12", LIBMAP_KEY_BYTES, 12, 4, KH_NONE, false, 3000},
    {"bytes12-equal", LIBMAP_KEY_BYTES, 12, 8, KH_NONE, true, 1500},
    {"bytes200-val136", LIBMAP_KEY_BYTES, 200, 136, KH_NONE, false, 800},
    {"bytes16-group", LIBMAP_KEY_BYTES, 16, 8, KH_GROUP, true, 2000},
    {"bytes144-group", LIBMAP_KEY_BYTES, 144, 8, KH_GROUP, false, 800},
    {"bytes8-const", LIBMAP_KEY_BYTES, 8, 8, KH_CONST, false, 120},
};
/* The order rounds take: every spec, the weak-hash ones (same-size growth,
 * long chains) three times as often. */
static const unsigned rotation[] = {10, 0, 1,  11, 2, 3, 12, 10, 4, 5,
                                    11, 6, 7, 12, 10, 8, 9, 11, 12};
#define NROT (sizeof rotation / sizeof rotation[0])

static void model_open(struct model *s, const struct kspec *ks)
{
    memset(s, 0, sizeof *s);
    s->ks = ks;
    libmap_config c;
    key_config(ks, &c);
    s->counted = !chance(200);
    talloc_init(&s->ta);
    if (s->counted)
        c.allocator = &s->ta.a;
    if (chance(200))
        c.hint = below(2 * ks->max_keys);
    CHECK_EQ(libmap_new(&c, &s->m), 0);
    ref_init(&s->ref, ks->value_size);
    s->width = 1 + below(ks->max_keys * 3);
    s->lo = below(universe(s) / 2);
    if (chance(300))
        s->lo = 0;
    s->target = below(ks->max_keys);
}

static void model_close(struct model *s)
{
    full_check(s);
    /* a final quiet iteration must yield exactly the reference */
    track_start(s, &s->tr[0]);
    s->ntr = 1;
    while (track_step(s, &s->tr[0]))
        ;
    CHECK_EQ(s->tr[0].yielded.n, s->ref.n);
    track_end(&s->tr[0]);
    s->ntr = 0;
    libmap_free(s->m);
    if (s->counted) {
        CHECK_EQ(s->ta.live_bytes, 0);
        CHECK_EQ(s->ta.live_blocks, 0);
    }
    ref_free(&s->ref);
}

static void one_op(struct model *s)
{
    size_t n = s->ref.n;
    unsigned r = (unsigned)below(1000);
    unsigned ins = n < s->target ? 300 : 80, del = n > s->target ? 300 : 80;
    if (r < ins) {
        op_insert_new(s);
    } else if ((r -= ins) < del) {
        if (n)
            op_delete(s, present_key(s));
    } else if ((r -= del) < 150) {
        if (n)
            op_assign(s, present_key(s));
    } else if ((r -= 150) < 60) {
        op_assign(s, window_key(s));
    } else if ((r -= 60) < 150) {
        if (n)
            op_lookup(s, present_key(s));
    } else if ((r -= 150) < 100) {
        op_lookup(s, absent_key(s));
    } else if ((r -= 100) < 60) {
        op_delete(s, window_key(s));
    } else if ((r -= 60) < 40) {
        op_delete(s, absent_key(s));
    } else if ((r -= 40) < 20) {
        /* slide the window: old keys get deleted over time, new keys land
         * in other buckets, overflow chains are left behind */
        s->lo += 1 + below(s->width / 4 + 1);
        if (s->lo + 2 * s->width > universe(s))
            s->lo = 0;
    } else if ((r -= 20) < 10) {
        s->target = chance(300) ? below(16) : below(s->ks->max_keys);
    }
    /* rare phases, scaled so their O(n) cost stays amortized */
    uint64_t scale = n + 64;
    if (below(scale * (s->ks->hash == KH_GROUP ? 1 : 3)) == 0)
        do_iterate(s);
    if (below(scale * 2) == 0)
        full_check(s);
    if (below(scale * 60) == 0) {
        op_clear(s);
        full_check(s);
    }
    if (below(scale * 3) == 0 || (s->ks->hash == KH_GROUP && below(scale) == 0)) {
        churn(s, false);
        full_check(s);
    }
    if (below(scale * 30) == 0) {
        cov.drains++;
        while (s->ref.n)
            op_delete(s, present_key(s));
        full_check(s);
    }
}

int main(int argc, char **argv)
{
    uint64_t seed = 0, ops = 6000000;
    bool have_seed = false, quiet = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            seed = strtoull(argv[++i], NULL, 0);
            have_seed = true;
        } else if (!strcmp(argv[i], "--ops") && i + 1 < argc) {
            ops = strtoull(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "--quiet")) {
            quiet = true;
        } else if (argv[i][0] >= '0' && argv[i][0] <= '9') {
            seed = strtoull(argv[i], NULL, 0);
            have_seed = true;
        } else {
            fprintf(stderr, "usage: model [--seed N] [--ops N] [--quiet]\n");
            return 2;
        }
    }
    if (!have_seed) {
        FILE *f = fopen("/dev/urandom", "rb");
        if (f == NULL || fread(&seed, sizeof seed, 1, f) != 1)
            seed = (uint64_t)time(NULL);
        if (f)
            fclose(f);
    }
    printf("seed=%" PRIu64 "\n", seed);
    printf("replay: %s --seed %" PRIu64 " --ops %" PRIu64 "\n", argv[0], seed, ops);
    fflush(stdout);
    rng = seed;
    detrand_seed(seed);

    struct model s;
    while (cov.ops < ops) {
        const struct kspec *ks = &specs[rotation[cov.rounds % NROT]];
        model_open(&s, ks);
        uint64_t round_ops = 5000 + below(25000);
        uint64_t end = cov.ops + round_ops;
        if (!quiet)
            printf("round %" PRIu64 ": %s, %" PRIu64 " ops\n", cov.rounds, ks->name, round_ops);
        while (cov.ops < end)
            one_op(&s);
        model_close(&s);
        cov.rounds++;
    }
    printf("ops=%" PRIu64 " rounds=%" PRIu64 " doublings=%" PRIu64 " same_size=%" PRIu64
           " growth_under_iter=%" PRIu64 " (same-size %" PRIu64 ") evac_under_iter=%" PRIu64
           " iter_started_growing=%" PRIu64 " across_growths=%" PRIu64 "\n",
           cov.ops, cov.rounds, cov.doublings, cov.same_size, cov.growth_under_iter,
           cov.same_size_under_iter, cov.evac_under_iter, cov.iter_started_growing,
           cov.across_growths);
    printf("iterations=%" PRIu64 " complete=%" PRIu64 " two_at_once=%" PRIu64 " yields=%" PRIu64
           " writes_during=%" PRIu64 " cleared_during=%" PRIu64 " checks=%" PRIu64
           " clears=%" PRIu64 " drains=%" PRIu64 " churns=%" PRIu64 "\n",
           cov.iterations, cov.iter_complete, cov.two_iters, cov.iter_yields, cov.iter_writes,
           cov.iter_cleared, cov.checks, cov.clears, cov.drains, cov.churns);
    if (ops >= 1000000) {
        /* the default run must have exercised everything it claims */
        CHECK(cov.doublings > 100);
        CHECK(cov.same_size > 10);
        CHECK(cov.growth_under_iter > 10);
        CHECK(cov.iter_writes > 1000);
        CHECK(cov.clears > 0 && cov.drains > 0 && cov.iter_cleared > 0);
        CHECK(cov.iter_started_growing > 10 && cov.across_growths > 0);
        CHECK(cov.two_iters > 10);
    }
    /* replay depends on libmap drawing its seeds from getrandom (detrand.c) */
    if (detrand_calls() == 0)
        fprintf(stderr, "libmap did not call getrandom: runs are not replayable\n");
    CHECK(detrand_calls() > 0);
    printf("model: ok\n");
    return 0;
}
