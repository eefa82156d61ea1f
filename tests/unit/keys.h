/*
 * keys.h — the key kinds the model and allocation-failure tests exercise,
 * and a bijective encoding of a key index (uint64_t) into a key of each
 * kind, so that the reference map can be keyed by index and any key found
 * in the map (by iteration or by the invariant checker) can be decoded and
 * verified byte for byte.
 *
 *   u32, u64: the index times an odd constant (invertible);
 *   string:   index 0 is the empty string; others are 's', the index as
 *             4 little-endian bytes (small indices give embedded NULs), then
 *             filler bytes (some NUL) up to a length derived from the index;
 *   bytes:    the index as 4 little-endian bytes, then filler; key_size may
 *             exceed LIBMAP_MAX_INLINE (indirect keys).
 * Byte-key maps may use test hash callbacks: "group" hashes idx/16 (the 16
 * keys of a group share a bucket while B is small: long chains, overflow
 * buckets pile up; a doubling past a group's bit k splits its chain between
 * X and Y, interleaved), "const" gives every
 * key the same hash (one chain), "ident" uses the key's bytes 4..11 as the
 * hash (tests place keys in chosen buckets; see key_ident_hash).
 */
#ifndef LIBMAP_TEST_KEYS_H
#define LIBMAP_TEST_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmap/map.h>

enum khash { KH_NONE, KH_GROUP, KH_CONST, KH_IDENT };

struct kspec {
    const char *name;
    libmap_key_kind kind;
    size_t key_size;     /* bytes keys only */
    size_t value_size;
    enum khash hash;     /* bytes keys only */
    bool user_equal;     /* bytes keys only: pass a memcmp-like equal callback */
    size_t max_keys;     /* model: upper bound on the map's size */
};

#define KEY_MAX_BYTES 512

/* A key ready to pass to libmap_assign/lookup/delete: for strings &s, else
 * bytes. */
struct kbuf {
    libmap_str s;
    uint8_t bytes[KEY_MAX_BYTES];
};

/* Largest index the kind can encode. */
uint64_t key_universe(const struct kspec *ks);
const void *key_encode(const struct kspec *ks, uint64_t idx, struct kbuf *kb);
/* Decode a key as the map stores it (what iteration yields: for strings a
 * libmap_str *), checking every byte; false if it is no valid key. */
bool key_decode(const struct kspec *ks, const void *key, uint64_t *idx);
/* Fill a config for the spec (allocator left to the caller). */
void key_config(const struct kspec *ks, libmap_config *c);
/* KH_IDENT keys made by key_encode: the hash's low 8 bits are the index's
 * low 8 bits (the bucket, for B <= 8); its top byte varies with idx >> 8. */
uint64_t key_ident_hash(uint64_t idx);
/* For KH_IDENT keys: a key whose hash is exactly h. */
const void *key_encode_ident(uint64_t idx, uint64_t h, struct kbuf *kb, size_t key_size);

/* The test hash and equal callbacks. */
uint64_t key_hash_group(const void *key, size_t key_size, uint64_t seed, void *ctx);
uint64_t key_hash_const(const void *key, size_t key_size, uint64_t seed, void *ctx);
uint64_t key_hash_ident(const void *key, size_t key_size, uint64_t seed, void *ctx);
bool key_equal_bytes(const void *a, const void *b, size_t key_size, void *ctx);

#endif
