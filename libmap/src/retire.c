/*
 * retire.c — released memory kept alive for racing readers and iterators.
 *
 * A reader that raced a writer (its entry check passed just before the
 * write began) may still be walking an old bucket array, an overflow chain
 * or a key that the writer has just released. Go's garbage collector keeps
 * such memory alive; here it is retired: kept allocated, so that the
 * reader reads stale but mapped memory and then fails its end check
 * (detect.h), instead of faulting on memory the allocator gave back to
 * the system (glibc unmaps large blocks and trims the heap's top).
 *
 * What is retired: old bucket arrays (with the overflow chains still
 * hanging from them) on m->retired, newest first; single blocks (overflow
 * buckets clear drops, keys delete releases while an iterator is live) in
 * m->graveyard, oldest first. Each is stamped with the time it was retired.
 *
 * When it is freed: at safe points (the end of a growth, clear), what was
 * retired at least RETIRE_MIN_AGE_NS ago; a reader stalled longer than
 * that in one lookup is not expected (natural-race runs on a loaded 2-core
 * machine crashed when retired memory lived only until the next growth's
 * end, a few hundred writes later). Also, oldest first, whatever holds the
 * retired bytes above the budget, max(RETIRE_MIN_BYTES, twice the current
 * bucket array): doubling growth retires 2^(B-1) + 2^(B-2) + ... < 2^B
 * buckets, so a growing map stays within it and keeps everything for the
 * minimum age; churn that retires faster (same-size growths, clears in a
 * loop) is bounded by it. Nothing is freed while an iterator is live, and
 * libmap_free frees everything.
 */
#include <time.h>

#include "internal.h"

#define RETIRE_MIN_AGE_NS UINT64_C(1000000000)
#define RETIRE_MIN_BYTES ((size_t)256 << 10)

static uint64_t retire_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
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

void graveyard_push(struct libmap *m, void *ptr, size_t size)
{
    m->graveyard[m->graveyard_len++] = (struct parked){ptr, size, retire_clock()};
    m->retired_bytes += size;
}

/* Bytes of the heap overflow buckets in the chain after bucket b of the
 * array (preallocated ones are part of the array). */
size_t heap_chain_bytes(const struct libmap *m, uint8_t *buckets, uint8_t *b)
{
    size_t bytes = 0;
    for (uint8_t *o = bucket_overflow(m, b); o != NULL; o = bucket_overflow(m, o))
        if (heap_overflow(m, buckets, o))
            bytes += m->t.bucket_size;
    return bytes;
}

/* Retire an old bucket array with the heap overflow buckets chained from
 * it: those evacuation left (counted as it went), or with all_chains every
 * chain (clear during a growth). */
void retire_array(struct libmap *m, uint8_t *buckets, bool all_chains)
{
    struct barray *a = barray_of(buckets);
    if (all_chains) {
        a->chains_kept++;
        a->chain_bytes = 0;
        for (size_t i = 0; i < a->nbase; i++)
            a->chain_bytes += heap_chain_bytes(m, buckets, bucket_at(m, buckets, i));
    }
    a->retired_ns = retire_clock();
    a->retired_next = m->retired;
    m->retired = a;
    m->retired_bytes += a->alloc_size + a->chain_bytes;
}

/* Retire the heap overflow buckets chained from the array's buckets (clear
 * is about to zero the array), or free them when the graveyard cannot
 * grow (out of memory: then a racing reader may read freed memory). */
void retire_chains(struct libmap *m, uint8_t *buckets)
{
    struct barray *a = barray_of(buckets);
    size_t bs = m->t.bucket_size;
    for (size_t i = 0; i < a->nbase; i++) {
        for (uint8_t *o = bucket_overflow(m, buckets + i * bs); o != NULL;) {
            uint8_t *next = bucket_overflow(m, o);
            if (heap_overflow(m, buckets, o)) {
                if (graveyard_reserve(m) == 0)
                    graveyard_push(m, o, bs);
                else
                    map_dealloc(m, o, bs);
            }
            o = next;
        }
    }
}

static void free_array(struct libmap *m, struct barray *a)
{
    m->retired_bytes -= a->alloc_size + a->chain_bytes;
    uint8_t *buckets = (uint8_t *)(a + 1);
    if (a->chains_kept)
        bucket_array_free_chains(m, buckets);
    bucket_array_free(m, buckets);
}

static size_t budget(const struct libmap *m)
{
    size_t b = RETIRE_MIN_BYTES;
    if (m->buckets != NULL && 2 * barray_of(m->buckets)->alloc_size > b)
        b = 2 * barray_of(m->buckets)->alloc_size;
    return b;
}

static bool may_free(const struct libmap *m, uint64_t retired_ns, uint64_t now)
{
    return now - retired_ns >= RETIRE_MIN_AGE_NS || m->retired_bytes > budget(m);
}

void release_retired(struct libmap *m)
{
    if (iterators_live(m))
        return;
    uint64_t now = retire_clock();
    /* arrays: the oldest is last in the list */
    for (;;) {
        struct barray **last = &m->retired;
        if (*last == NULL)
            break;
        while ((*last)->retired_next != NULL)
            last = &(*last)->retired_next;
        if (!may_free(m, (*last)->retired_ns, now))
            break;
        struct barray *a = *last;
        *last = NULL;
        free_array(m, a);
    }
    /* blocks: oldest first */
    size_t n = 0;
    while (n < m->graveyard_len && may_free(m, m->graveyard[n].retired_ns, now)) {
        map_dealloc(m, m->graveyard[n].ptr, m->graveyard[n].size);
        m->retired_bytes -= m->graveyard[n].size;
        n++;
    }
    if (n > 0) {
        memmove(m->graveyard, m->graveyard + n, (m->graveyard_len - n) * sizeof *m->graveyard);
        m->graveyard_len -= n;
    }
}

void release_all_retired(struct libmap *m)
{
    while (m->retired != NULL) {
        struct barray *a = m->retired;
        m->retired = a->retired_next;
        free_array(m, a);
    }
    for (size_t i = 0; i < m->graveyard_len; i++)
        map_dealloc(m, m->graveyard[i].ptr, m->graveyard[i].size);
    m->graveyard_len = 0;
    m->retired_bytes = 0;
}
