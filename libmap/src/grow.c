/*
 * grow.c — starting growth, evacuating old buckets, overflow buckets
 * (Go's hashGrow, growWork, evacuate, advanceEvacuationMark, newoverflow).
 *
 * Evacuating one old bucket is all-or-nothing: its destinations (new bucket
 * X, and Y when doubling) are empty until it is evacuated, because assign
 * evacuates a key's old bucket before inserting into its new one. So the
 * number of overflow buckets an evacuation needs is known in advance; when
 * the old bucket has a chain, they are reserved before anything moves, and a
 * failed reservation leaves the map untouched.
 */
#include <time.h>

#include "detect.h"
#include "key.h"
#include "trace.h"

static void note_overflow(struct libmap *m)
{
    /* Exact up to B = NOVERFLOW_MAX_B (15), then sampled with probability
     * 1/2^(B-15). */
    if (m->B <= NOVERFLOW_MAX_B) {
        m->noverflow++;
        return;
    }
    uint64_t mask = ((uint64_t)1 << (m->B - NOVERFLOW_MAX_B)) - 1;
    if ((map_rand(m) & mask) == 0)
        m->noverflow++;
}

/* Buckets still free in the current array's preallocated overflow area. */
static size_t prealloc_left(const struct libmap *m)
{
    if (m->next_overflow == NULL)
        return 0;
    struct barray *a = barray_of(m->buckets);
    uint8_t *end = m->buckets + a->nbuckets * (size_t)m->t.bucket_size;
    return (size_t)(end - m->next_overflow) / m->t.bucket_size;
}

/* Take a bucket from the preallocated area; the last one carries a non-NULL
 * overflow pointer (the array start) as the end marker. */
static uint8_t *take_prealloc(struct libmap *m)
{
    uint8_t *ovf = m->next_overflow;
    if (bucket_overflow(m, ovf) == NULL) {
        m->next_overflow = ovf + m->t.bucket_size;
    } else {
        set_overflow(m, ovf, NULL);
        m->next_overflow = NULL;
    }
    return ovf;
}

static void link_overflow(struct libmap *m, uint8_t *b, uint8_t *ovf)
{
    note_overflow(m);
    set_overflow(m, b, ovf);
}

uint8_t *new_overflow(struct libmap *m, uint8_t *b)
{
    uint8_t *ovf;
    if (m->next_overflow != NULL) {
        ovf = take_prealloc(m);
    } else {
        ovf = map_alloc(m, m->t.bucket_size, true);
        if (ovf == NULL)
            return NULL;
    }
    link_overflow(m, b, ovf);
    return ovf;
}

/* Reserve n overflow buckets as a list threaded through their overflow
 * pointers: heap buckets first (may fail), then preallocated ones. */
static int reserve_overflow(struct libmap *m, size_t n, uint8_t **list)
{
    size_t from_pool = prealloc_left(m);
    if (from_pool > n)
        from_pool = n;
    uint8_t *head = NULL;
    for (size_t k = from_pool; k < n; k++) {
        uint8_t *ovf = map_alloc(m, m->t.bucket_size, true);
        if (ovf == NULL) {
            while (head != NULL) {
                uint8_t *next = bucket_overflow(m, head);
                map_dealloc(m, head, m->t.bucket_size);
                head = next;
            }
            return LIBMAP_ENOMEM;
        }
        set_overflow(m, ovf, head);
        head = ovf;
    }
    for (size_t k = 0; k < from_pool; k++) {
        uint8_t *ovf = take_prealloc(m);
        set_overflow(m, ovf, head);
        head = ovf;
    }
    *list = head;
    return 0;
}

int hash_grow(struct libmap *m)
{
    uint8_t bigger = over_load_factor(m->count + 1, m->B) ? 1 : 0;
    if (m->B + bigger >= 8 * sizeof(size_t) - 8)
        return LIBMAP_ENOMEM;
    uint8_t *next_overflow;
    uint8_t *nb = bucket_array_new(m, (uint8_t)(m->B + bigger), &next_overflow);
    if (nb == NULL)
        return LIBMAP_ENOMEM;
    LIBMAP_TRACE_GROW(m, bigger);
    uint8_t flags = m->flags & (uint8_t) ~(F_ITERATOR | F_OLD_ITERATOR | F_SAME_SIZE_GROW);
    if (m->flags & F_ITERATOR)
        flags |= F_OLD_ITERATOR;
    if (!bigger)
        flags |= F_SAME_SIZE_GROW;
    m->flags = flags;
    m->oldbuckets = m->buckets;
    m->buckets = nb;
    __atomic_store_n(&m->B, (uint8_t)(m->B + bigger), __ATOMIC_RELEASE); /* after the arrays: map_B */
    m->nevacuate = 0;
    m->noverflow = 0;
    m->next_overflow = next_overflow;
    return 0;
}

/* Once every old bucket is evacuated: a safe point for what was retired
 * before (internal.h), then the old array, with the chains evacuation left
 * on it, is retired in turn: a reader that raced this growth may still be
 * in it. */
static void growth_done(struct libmap *m)
{
    uint8_t *old = m->oldbuckets;
    m->oldbuckets = NULL;
    m->flags &= (uint8_t)~F_SAME_SIZE_GROW;
    release_retired(m);
    retire_array(m, old, false);
}

static void advance_evacuation_mark(struct libmap *m, uint8_t *old, size_t newbit)
{
    m->nevacuate++;
    size_t stop = m->nevacuate + 1024;
    if (stop > newbit)
        stop = newbit;
    while (m->nevacuate < stop && evacuated(bucket_at(m, old, m->nevacuate)))
        m->nevacuate++;
    if (m->nevacuate == newbit)
        growth_done(m);
}

/* Where evacuated entries go: a bucket and the next slot in it. */
struct evac_dst {
    uint8_t *b;
    unsigned i;
    size_t moved; /* entries moved here, for the evacuate event */
};

static ALWAYS_INLINE void evac_move(struct libmap *m, uint8_t *ob, unsigned i, uint8_t top,
                                    struct evac_dst *d, uint8_t **reserve, int kind)
{
    if (d->i == BUCKET_CNT) {
        uint8_t *ovf = *reserve;
        *reserve = bucket_overflow(m, ovf);
        set_overflow(m, ovf, NULL);
        link_overflow(m, d->b, ovf);
        d->b = ovf;
        d->i = 0;
    }
    d->b[d->i] = top;
    copy_value(slot_key_k(m, d->b, d->i, kind), slot_key_k(m, ob, i, kind), key_slot_k(m, kind));
    copy_value(slot_value_k(m, d->b, d->i, kind), slot_value_k(m, ob, i, kind), m->t.value_slot);
    d->i++;
    d->moved++;
}

/* Whether evacuating old bucket `oldbucket` stays inside both arrays. It
 * always does while the map has one writer at a time; a second writer
 * racing this one (its own checks will report it) can leave the map's
 * fields from two different growths, and then nothing may be written past
 * an array: the map is reported as changed under this write instead. */
static bool evacuation_fits(uint8_t *old, uint8_t *nb, size_t oldbucket, size_t newbit, bool same,
                            size_t nevacuate)
{
    if (old == NULL || nb == NULL)
        return false;
    size_t nold = barray_of(old)->nbase, nnew = barray_of(nb)->nbase;
    return oldbucket < nold && newbit <= nold && nevacuate <= newbit &&
           oldbucket + (same ? 0 : newbit) < nnew;
}

/* The map changed under this write: another writer is in it. When the
 * word names that writer, report it. When the word is still ours (the
 * other writer stored its word before ours and will find ours at its end
 * check), wait a little for it to report (its panic freezes the map and
 * this thread then stops in map_panic behind it), so that the report
 * names both threads; after WAIT_OTHER_NS the writer is unknown. */
#define WAIT_OTHER_NS 100000000 /* 100 ms */
static _Noreturn void map_changed_under_write(struct libmap *m, enum libmap_op op)
{
    uint64_t w = writer_load(m);
    struct timespec step = {0, 10000};
    for (long waited = 0; (int32_t)(w >> LIBMAP_WRITER_TID_SHIFT) == current_tid() &&
                          waited < WAIT_OTHER_NS; waited += step.tv_nsec) {
        nanosleep(&step, NULL);
        w = writer_load(m);
    }
    if ((int32_t)(w >> LIBMAP_WRITER_TID_SHIFT) == current_tid())
        w = LIBMAP_WRITER_HELD | (uint64_t)op; /* TID 0: an unknown writer */
    map_panic(m, LIBMAP_PANIC_CONCURRENT_WRITES, op, w, true);
}

static ALWAYS_INLINE int evacuate_impl(struct libmap *m, size_t oldbucket, enum libmap_op op,
                                       int kind)
{
    uint8_t *old = m->oldbuckets, *nb = m->buckets;
    size_t newbit = noldbuckets(m);
    bool same = same_size_grow(m);
    if (UNLIKELY(!evacuation_fits(old, nb, oldbucket, newbit, same, m->nevacuate)))
        map_changed_under_write(m, op);
    uint8_t *b0 = bucket_at(m, old, oldbucket);
    if (evacuated(b0))
        goto advance;

    uint8_t *reserve = NULL;
    if (bucket_overflow(m, b0) != NULL) {
        size_t nx = 0, ny = 0;
        for (uint8_t *b = b0; b != NULL; b = bucket_overflow(m, b))
            for (unsigned i = 0; i < BUCKET_CNT; i++) {
                if (is_empty(b[i]))
                    continue;
                if (!same && (key_hash(m, slot_key_bytes(m, b, i, kind), kind) & newbit))
                    ny++;
                else
                    nx++;
            }
        size_t need = (nx > BUCKET_CNT ? (nx - 1) / BUCKET_CNT : 0) +
                      (ny > BUCKET_CNT ? (ny - 1) / BUCKET_CNT : 0);
        if (need && reserve_overflow(m, need, &reserve) != 0)
            return LIBMAP_ENOMEM;
    }

    struct evac_dst xy[2] = {{bucket_at(m, nb, oldbucket), 0, 0}, {NULL, 0, 0}};
    if (!same)
        xy[1].b = bucket_at(m, nb, oldbucket + newbit);
    for (uint8_t *b = b0; b != NULL; b = bucket_overflow(m, b)) {
        for (unsigned i = 0; i < BUCKET_CNT; i++) {
            uint8_t top = b[i];
            if (is_empty(top)) {
                b[i] = EVAC_EMPTY;
                continue;
            }
            unsigned use_y = 0;
            if (!same && (key_hash(m, slot_key_bytes(m, b, i, kind), kind) & newbit))
                use_y = 1;
            b[i] = (uint8_t)(EVAC_X + use_y);
            evac_move(m, b, i, top, &xy[use_y], &reserve, kind);
        }
    }
    /* The chain stays with the old array (freed when the array is, at a
     * later safe point): a racing reader or an iterator may be in it. */
    if (bucket_overflow(m, b0) != NULL) {
        struct barray *a = barray_of(old);
        a->chains_kept++;
        a->chain_bytes += heap_chain_bytes(m, old, b0);
    }
    if (oldbucket == m->nevacuate)
        advance_evacuation_mark(m, old, newbit);
    LIBMAP_TRACE_EVACUATE(m, oldbucket, xy[0].moved, xy[1].moved, newbit);
    LIBMAP_TRACE_GROW_DONE(m);
    return 0;
advance:
    if (oldbucket == m->nevacuate)
        advance_evacuation_mark(m, old, newbit);
    LIBMAP_TRACE_GROW_DONE(m);
    return 0;
}

static int evacuate(struct libmap *m, size_t oldbucket, enum libmap_op op)
{
    switch (m->t.key_kind) {
    case LIBMAP_KEY_U64:
        return evacuate_impl(m, oldbucket, op, LIBMAP_KEY_U64);
    case LIBMAP_KEY_U32:
        return evacuate_impl(m, oldbucket, op, LIBMAP_KEY_U32);
    case LIBMAP_KEY_STRING:
        return evacuate_impl(m, oldbucket, op, LIBMAP_KEY_STRING);
    default:
        return evacuate_impl(m, oldbucket, op, LIBMAP_KEY_BYTES);
    }
}

#ifndef EVAC_AHEAD
#define EVAC_AHEAD 1
#endif
int grow_work(struct libmap *m, size_t bucket, enum libmap_op op)
{
    int rc = evacuate(m, bucket & oldbucket_mask(m), op);
    if (rc != 0)
        return rc;
    /* Then make progress in order: EVAC_AHEAD buckets at nevacuate (a
     * failure here is retried later). */
    for (int n = 0; n < EVAC_AHEAD && growing(m); n++)
        if (evacuate(m, m->nevacuate, op) != 0)
            break;
    return 0;
}
