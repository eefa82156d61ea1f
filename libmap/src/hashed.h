/*
 * hashed.h — internal entry points for libmap_shard (shard.c): the map's
 * operations with the key's hash computed by the caller, and a map whose
 * seed never changes.
 *
 * libmap_shard hashes a key once, with the seed every one of its maps
 * shares, takes the shard from that hash, and hands the same hash to the
 * shard's map. This is right only while the map's own hash of the key is
 * that hash: the maps are created with the shared seed (map_new_seeded) and
 * must keep it, so they are deleted from and cleared through the entry
 * points below, which skip the reseeding a plain libmap does when it
 * becomes empty or is cleared. Their hash0 is therefore the seed all along,
 * and a postmortem tool that recomputes a key's hash from hash0 finds
 * every key where it should be. The operations are libmap's own (the same
 * inline code as the public functions, specialized by the map's key kind),
 * checks for concurrent access included. The key must be valid (not NULL;
 * a string's ptr NULL only when its len is 0): the callers check.
 */
#ifndef LIBMAP_HASHED_H
#define LIBMAP_HASHED_H

#include "internal.h"

/* libmap_new with hash0 = seed. */
int map_new_seeded(const libmap_config *config, uint64_t seed, struct libmap **out);
/* The key's hash with m's seed, as every operation of m computes it. */
uint64_t map_key_hash(const struct libmap *m, const void *key);
bool map_lookup_hashed(const struct libmap *m, const void *key, uint64_t hash, void *value_out);
int map_assign_hashed(struct libmap *m, const void *key, uint64_t hash, const void *value);
/* Without reseeding when the map becomes empty. */
int map_delete_hashed(struct libmap *m, const void *key, uint64_t hash);
/* libmap_clear without reseeding. */
void map_clear_keep_seed(struct libmap *m);

#endif /* LIBMAP_HASHED_H */
