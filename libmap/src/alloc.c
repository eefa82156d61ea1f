/*
 * alloc.c — every allocation the map makes: bucket arrays (with Go's
 * preallocated overflow buckets), key and value storage. What the map
 * releases goes through retire.c first.
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

bool heap_overflow(const struct libmap *m, uint8_t *buckets, const uint8_t *o)
{
    return o < buckets || o >= buckets + barray_of(buckets)->nbuckets * (size_t)m->t.bucket_size;
}

/* Free the heap overflow buckets chained from the array's buckets. */
void bucket_array_free_chains(struct libmap *m, uint8_t *buckets)
{
    struct barray *a = barray_of(buckets);
    size_t bs = m->t.bucket_size, nbase = a->nbase;
    for (size_t i = 0; i < nbase; i++) {
        uint8_t *o = bucket_overflow(m, buckets + i * bs);
        while (o != NULL) {
            uint8_t *next = bucket_overflow(m, o);
            if (heap_overflow(m, buckets, o))
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
