/*
 * test_shard_internals.c — libmap_shard's maps from the inside: the
 * shards' maps (found through libmap's registry of live maps) share one
 * seed and keep it through a shard emptying and a clear; every key sits
 * where a map's own hash with its hash0 puts it (the structural checker of
 * tests/unit, which recomputes every hash): so the precomputed hash the
 * shard hands over is the map's own; every key of a map has the same shard
 * bits (56-k..55) and the maps have all 2^k values; and a shard's keys
 * still use many tophash values (more than 256/2^k: the shard bits are not
 * tophash bits). Each shard's map points at its lock (struct libmap's
 * guard), which names the libmap_shard, the shard and the map, and
 * libmap_shard_index names the shard whose map holds the key.
 */
#include <stdio.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <libmap/debug.h>
#include <libmap/sync.h>

#include "check.h"
#include "internal.h"
#include "invariants.h"
#include "lock.h"

#define BITS 3
#define NSHARDS (1u << BITS)
#define KEYS 40000

static libmap *maps[64];
static unsigned nmaps;

static void collect(libmap *m, void *ctx)
{
    (void)ctx;
    if (nmaps < 64)
        maps[nmaps++] = m;
}

struct shard_check {
    uint64_t seed;
    int shard; /* -1 until the first key */
    bool top_seen[256];
};

static void visit(const void *key, const void *value, void *ctx)
{
    (void)value;
    struct shard_check *c = ctx;
    uint64_t h = XXH3_64bits_withSeed(key, 8, c->seed);
    int shard = (int)((h >> (56 - BITS)) & (NSHARDS - 1));
    if (c->shard < 0)
        c->shard = shard;
    if (shard != c->shard)
        FAIL("a map holds keys of shards %d and %d", c->shard, shard);
    c->top_seen[h >> 56] = true;
}

/* Check every shard map; returns the shared seed. */
static uint64_t check_all(size_t expect_total)
{
    nmaps = 0;
    libmap_registry_foreach(collect, NULL);
    CHECK_EQ(nmaps, NSHARDS);
    uint64_t seed = ((struct libmap *)maps[0])->hash0;
    bool shard_seen[NSHARDS] = {false};
    size_t total = 0;
    for (unsigned i = 0; i < nmaps; i++) {
        struct libmap *m = (struct libmap *)maps[i];
        CHECK(m->hash0 == seed);
        struct shard_check c = {.seed = seed, .shard = -1};
        struct inv_stats st;
        inv_check(maps[i], visit, &c, &st);
        total += st.count;
        if (st.count == 0)
            continue;
        CHECK(!shard_seen[c.shard]);
        shard_seen[c.shard] = true;
        unsigned tops = 0;
        for (int t = 0; t < 256; t++)
            tops += c.top_seen[t];
        if (st.count > 2000 && tops <= 256 / NSHARDS)
            FAIL("a shard's keys use only %u tophash values", tops);
    }
    CHECK_EQ(total, expect_total);
    return seed;
}

/* The guards of the shard maps, and libmap_shard_index against where
 * each key really is. */
static void check_guards_and_index(libmap_shard *s)
{
    nmaps = 0;
    libmap_registry_foreach(collect, NULL);
    CHECK_EQ(nmaps, NSHARDS);
    libmap *by_shard[NSHARDS] = {NULL};
    for (unsigned i = 0; i < nmaps; i++) {
        const struct sync_lock *l = ((struct libmap *)maps[i])->guard;
        CHECK(l != NULL && l->magic == LIBMAP_LOCK_MAGIC && l->kind == LIBMAP_GUARD_SHARD);
        CHECK(l->parent == s && l->nshards == NSHARDS && l->shard < NSHARDS);
        CHECK(l->map == (struct libmap *)maps[i] && l->owner == 0);
        CHECK(by_shard[l->shard] == NULL);
        by_shard[l->shard] = maps[i];
    }
    for (uint64_t k = 0; k < KEYS; k++) {
        uint64_t key = k + 7, v;
        size_t i = libmap_shard_index(s, &key);
        CHECK(i < NSHARDS);
        CHECK(libmap_lookup_u64(by_shard[i], key, &v) && v == k);
        CHECK(!libmap_lookup_u64(by_shard[(i + 1) % NSHARDS], key, &v));
    }
    CHECK_EQ(libmap_shard_index(NULL, NULL), 0);
}

int main(void)
{
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = 8};
    libmap_shard *s;
    CHECK_EQ(libmap_shard_new(&cfg, BITS, &s), 0);
    for (uint64_t k = 0; k < KEYS; k++)
        CHECK_EQ(libmap_shard_assign_u64(s, k * 0x9e3779b97f4a7c15u, &k), LIBMAP_INSERTED);
    uint64_t seed = check_all(KEYS);
    /* empty every shard by deletes: a plain libmap would reseed here */
    for (uint64_t k = 0; k < KEYS; k++)
        CHECK_EQ(libmap_shard_delete_u64(s, k * 0x9e3779b97f4a7c15u), LIBMAP_DELETED);
    CHECK_EQ(libmap_shard_len(s), 0);
    CHECK(check_all(0) == seed);
    for (uint64_t k = 0; k < KEYS; k++)
        CHECK_EQ(libmap_shard_assign_u64(s, k, &k), LIBMAP_INSERTED);
    CHECK(check_all(KEYS) == seed);
    libmap_shard_clear(s);
    CHECK(check_all(0) == seed);
    for (uint64_t k = 0; k < KEYS; k++)
        CHECK_EQ(libmap_shard_assign_u64(s, k + 7, &k), LIBMAP_INSERTED);
    CHECK(check_all(KEYS) == seed);
    for (uint64_t k = 0; k < KEYS; k++) {
        uint64_t v;
        CHECK(libmap_shard_lookup_u64(s, k + 7, &v) && v == k);
    }
    CHECK_EQ(libmap_shard_len(s), KEYS);
    check_guards_and_index(s);
    libmap_shard_free(s);
    nmaps = 0;
    libmap_registry_foreach(collect, NULL);
    CHECK_EQ(nmaps, 0);
    printf("test_shard_internals: %u shards, one seed kept through empty shards and clear, "
           "%d keys each in its shard and bucket, guards and libmap_shard_index agree: ok\n", NSHARDS, KEYS);
    return 0;
}
