/*
 * find.h — locating a key: the bucket search shared by lookup, delete and
 * iteration's re-lookup, specialized by key kind.
 */
#ifndef LIBMAP_FIND_H
#define LIBMAP_FIND_H

#include "key.h"

/* The bucket a lookup must search for hash: the new bucket, or during growth
 * the old one when it has not been evacuated yet. B is read first (see
 * map_B): a reader racing hash_grow never indexes an array with a mask
 * larger than the array. */
static ALWAYS_INLINE uint8_t *home_bucket(const struct libmap *m, uint64_t hash)
{
    size_t mask = bucket_mask(map_B(m));
    uint8_t *b = bucket_at(m, m->buckets, hash & mask);
    if (UNLIKELY(m->oldbuckets != NULL)) {
        if (!same_size_grow(m))
            mask >>= 1;
        uint8_t *ob = bucket_at(m, m->oldbuckets, hash & mask);
        if (!evacuated(ob))
            b = ob;
    }
    return b;
}

/* The bucket for hash in array arr, indexed with the size the array
 * carries in its header rather than with B. Writers use it: with one writer
 * at a time the two agree, but a second writer racing this one (the word
 * check reports it) can leave B and the arrays from different growths, and
 * a mask from B could then index past the array this thread read (the
 * ASan build's natural grow race did, about 1 run in 70 under load). Measured against a bounds check of the B index (which panics at once), it
 * was the cheaper: delete 1K 19.8 against 20.7 ns (before: 19.6). Readers
 * keep home_bucket's B-first order, which needs no header load at all. */
static ALWAYS_INLINE uint8_t *array_bucket(const struct libmap *m, uint8_t *arr, uint64_t hash)
{
    return bucket_at(m, arr, hash & (barray_of(arr)->nbase - 1));
}

/* home_bucket for a writer: each array indexed by array_bucket. */
static ALWAYS_INLINE uint8_t *writer_home_bucket(const struct libmap *m, uint64_t hash)
{
    uint8_t *b = array_bucket(m, m->buckets, hash);
    uint8_t *old = m->oldbuckets;
    if (UNLIKELY(old != NULL)) {
        uint8_t *ob = array_bucket(m, old, hash);
        if (!evacuated(ob))
            b = ob;
    }
    return b;
}

/* Search the chain starting at b for key. Returns the bucket holding it and
 * sets *slot, or returns NULL. Stops at the first EMPTY_REST. */
static ALWAYS_INLINE uint8_t *chain_find(const struct libmap *m, uint8_t *b, const void *key,
                                         uint8_t top, int kind, unsigned *slot)
{
    do {
        uint64_t w = load_tophash(b);
        for (uint64_t match = match_top(w, top); match; match &= match - 1) {
            unsigned i = first_slot(match);
            if (LIKELY(key_equal(m, key, slot_key_bytes(m, b, i, kind), kind))) {
                *slot = i;
                return b;
            }
        }
        if (zero_bytes(w))
            return NULL; /* an EMPTY_REST: nothing further in this chain */
        b = bucket_overflow(m, b);
    } while (b != NULL);
    return NULL;
}

/* Find key, whose hash is known, in the map; returns its bucket and sets
 * *slot, or NULL. */
static ALWAYS_INLINE uint8_t *map_find_hashed(const struct libmap *m, const void *key,
                                              uint64_t hash, int kind, unsigned *slot)
{
    if (m->count == 0)
        return NULL;
    uint8_t *b = home_bucket(m, hash);
    prefetch_bucket(m, b);
    return chain_find(m, b, key, tophash(hash), kind, slot);
}

/* Find key in the map; returns its bucket and sets *slot, or NULL. */
static ALWAYS_INLINE uint8_t *map_find(const struct libmap *m, const void *key, int kind,
                                       unsigned *slot)
{
    if (m->count == 0)
        return NULL;
    return map_find_hashed(m, key, key_hash(m, key, kind), kind, slot);
}

#endif /* LIBMAP_FIND_H */
