/*
 * alloc.c — every allocation the map makes: bucket arrays (with Go's
 * preallocated overflow buckets), key and value storage, and the lists that
 * keep released memory alive for racing readers and iterators (retired
 * arrays, the graveyard; see the top of internal.h).
 */
#include <stdlib.h>

#include "internal.h"

void *map_alloc(struct libmap *m, size_t size, bool zero)
{
    if (size == 0)
        size = 1;
    return m->alloc.alloc(size, zero, m->alloc.ctx);
}

void map_dealloc(struct libmap *m, void *p, size_t size)
{
    if (p == NULL)
        return;
    if (size == 0)
        size = 1;
    m->alloc.free(p, size, m->alloc.ctx);
}

struct barray *barray_of(uint8_t *buckets)
{
    return (struct barray *)(void *)buckets - 1;
}

/* A zeroed array of 2^B buckets; for B >= 4 followed by 2^(B-4) preallocated
 * overflow buckets, the last of which points at the array start to mark the
 * end of the free area. */
uint8_t *bucket_array_new(struct libmap *m, uint8_t B, uint8_t **next_overflow)
{
    size_t base = bucket_shift(B);
    size_t n = base;
    if (B >= 4)
        n += bucket_shift((uint8_t)(B - 4));
    size_t bs = m->t.bucket_size;
    if (n > (SIZE_MAX - sizeof(struct barray)) / bs)
        return NULL;
    size_t size = sizeof(struct barray) + n * bs;
    struct barray *a = map_alloc(m, size, true);
    if (a == NULL)
        return NULL;
    a->retired_next = NULL;
    a->nbuckets = n;
    a->alloc_size = size;
    a->nbase = base;
    a->chains_kept = 0;
    a->chain_bytes = 0;
    uint8_t *buckets = (uint8_t *)(a + 1);
    *next_overflow = NULL;
    if (n != base) {
        *next_overflow = buckets + base * bs;
        set_overflow(m, buckets + (n - 1) * bs, buckets);
    }
    return buckets;
}

/* Free the heap overflow buckets chained from the array's buckets. */
void bucket_array_free_chains(struct libmap *m, uint8_t *buckets)
{
    struct barray *a = barray_of(buckets);
    size_t bs = m->t.bucket_size, nbase = a->nbase;
    uint8_t *lo = buckets, *hi = buckets + a->nbuckets * bs;
    for (size_t i = 0; i < nbase; i++) {
        uint8_t *o = bucket_overflow(m, buckets + i * bs);
        while (o != NULL) {
            uint8_t *next = bucket_overflow(m, o);
            if (o < lo || o >= hi)
                map_dealloc(m, o, bs);
            o = next;
        }
    }
}

void bucket_array_free(struct libmap *m, uint8_t *buckets)
{
    if (buckets == NULL)
        return;
    struct barray *a = barray_of(buckets);
    map_dealloc(m, a, a->alloc_size);
}

void key_storage_free(struct libmap *m, uint8_t *kslot)
{
    if (m->t.key_kind == LIBMAP_KEY_STRING) {
        libmap_str s;
        memcpy(&s, kslot, sizeof s);
        map_dealloc(m, (void *)s.ptr, s.len);
    } else if (m->t.flags & T_INDIRECT_KEY) {
        void *p;
        memcpy(&p, kslot, sizeof p);
        map_dealloc(m, p, m->t.key_size);
    }
}

void value_storage_free(struct libmap *m, uint8_t *vslot)
{
    if (m->t.flags & T_INDIRECT_VALUE) {
        void *p;
        memcpy(&p, vslot, sizeof p);
        map_dealloc(m, p, m->t.value_size);
    }
}

static bool owns_storage(const struct libmap *m)
{
    return m->t.key_kind == LIBMAP_KEY_STRING || (m->t.flags & (T_INDIRECT_KEY | T_INDIRECT_VALUE));
}

static void release_chain_entries(struct libmap *m, uint8_t *b)
{
    for (; b != NULL; b = bucket_overflow(m, b))
        for (unsigned i = 0; i < BUCKET_CNT; i++)
            if (b[i] >= MIN_TOPHASH) {
                key_storage_free(m, slot_key(m, b, i));
                value_storage_free(m, slot_value(m, b, i));
            }
}

/* Free the storage of every live entry: those in the current array and in
 * unevacuated old buckets (evacuated slots only alias moved entries). */
void release_all_entries(struct libmap *m)
{
    if (!owns_storage(m) || m->buckets == NULL)
        return;
    size_t bs = m->t.bucket_size;
    for (size_t i = 0; i < bucket_shift(m->B); i++)
        release_chain_entries(m, m->buckets + i * bs);
    if (m->oldbuckets != NULL)
        for (size_t i = 0; i < noldbuckets(m); i++) {
            uint8_t *b = m->oldbuckets + i * bs;
            if (!evacuated(b))
                release_chain_entries(m, b);
        }
}

int graveyard_reserve(struct libmap *m)
{
    if (m->graveyard_len < m->graveyard_cap)
        return 0;
    size_t cap = m->graveyard_cap ? m->graveyard_cap * 2 : 16;
    struct parked *g = map_alloc(m, cap * sizeof *g, false);
    if (g == NULL)
        return LIBMAP_ENOMEM;
    if (m->graveyard_len)
        memcpy(g, m->graveyard, m->graveyard_len * sizeof *g);
    map_dealloc(m, m->graveyard, m->graveyard_cap * sizeof *g);
    m->graveyard = g;
    m->graveyard_cap = cap;
    return 0;
}

void graveyard_flush(struct libmap *m)
{
    for (size_t i = 0; i < m->graveyard_len; i++) {
        map_dealloc(m, m->graveyard[i].ptr, m->graveyard[i].size);
        m->retired_bytes -= m->graveyard[i].size;
    }
    m->graveyard_len = 0;
}

/* Bytes of the heap overflow buckets in the chain after bucket b of the
 * array (preallocated ones are part of the array). */
size_t heap_chain_bytes(const struct libmap *m, uint8_t *buckets, uint8_t *b)
{
    struct barray *a = barray_of(buckets);
    size_t bs = m->t.bucket_size, bytes = 0;
    uint8_t *lo = buckets, *hi = buckets + a->nbuckets * bs;
    for (uint8_t *o = bucket_overflow(m, b); o != NULL; o = bucket_overflow(m, o))
        if (o < lo || o >= hi)
            bytes += bs;
    return bytes;
}

/* Keep an old bucket array until a safe point, with the heap overflow
 * buckets chained from it: those evacuation left (counted as it went), or
 * with all_chains every chain (clear, mid-growth). */
void retire_array(struct libmap *m, uint8_t *buckets, bool all_chains)
{
    struct barray *a = barray_of(buckets);
    if (all_chains) {
        a->chains_kept++;
        a->chain_bytes = 0;
        for (size_t i = 0; i < a->nbase; i++)
            a->chain_bytes += heap_chain_bytes(m, buckets, bucket_at(m, buckets, i));
    }
    a->retired_next = m->retired;
    m->retired = a;
    m->retired_bytes += a->alloc_size + a->chain_bytes;
}

/* Park the heap overflow buckets chained from the array's buckets (clear
 * is about to zero the array), or free them when the graveyard cannot
 * grow (out of memory: then a racing reader may read freed memory). */
void retire_chains(struct libmap *m, uint8_t *buckets)
{
    struct barray *a = barray_of(buckets);
    size_t bs = m->t.bucket_size;
    uint8_t *lo = buckets, *hi = buckets + a->nbuckets * bs;
    for (size_t i = 0; i < a->nbase; i++) {
        for (uint8_t *o = bucket_overflow(m, buckets + i * bs); o != NULL;) {
            uint8_t *next = bucket_overflow(m, o);
            if (o >= lo && o < hi) {
                o = next; /* preallocated: part of the array */
                continue;
            }
            if (graveyard_reserve(m) == 0) {
                m->graveyard[m->graveyard_len++] = (struct parked){o, bs};
                m->retired_bytes += bs;
            } else {
                map_dealloc(m, o, bs);
            }
            o = next;
        }
    }
}

/* The byte budget of retired memory that clear enforces. */
#define RETIRE_MIN_BYTES ((size_t)256 << 10)

void retire_if_over_budget(struct libmap *m)
{
    size_t budget = RETIRE_MIN_BYTES;
    if (m->buckets != NULL && barray_of(m->buckets)->alloc_size > budget)
        budget = barray_of(m->buckets)->alloc_size;
    if (m->retired_bytes > budget && !iterators_live(m)) {
        retired_free(m);
        graveyard_flush(m);
    }
}

/* Free retired arrays with the heap overflow buckets still chained to them. */
void retired_free(struct libmap *m)
{
    while (m->retired != NULL) {
        struct barray *a = m->retired;
        m->retired = a->retired_next;
        m->retired_bytes -= a->alloc_size + a->chain_bytes;
        uint8_t *buckets = (uint8_t *)(a + 1);
        if (a->chains_kept)
            bucket_array_free_chains(m, buckets);
        bucket_array_free(m, buckets);
    }
}
