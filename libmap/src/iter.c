/*
 * iter.c — iteration (Go's mapiterinit/mapiternext).
 *
 * The iterator snapshots B and the bucket array at init and walks its 2^B
 * buckets from a random start, each from a random slot offset. If growth
 * starts meanwhile, the snapshot array becomes the old array:
 *   - while that growth is in progress and the iterator's B is the map's B
 *     (it was started during the growth), a bucket whose old bucket is not
 *     evacuated yet is read from the old bucket, keeping only the keys that
 *     will move to the bucket being visited (all of them in same-size
 *     growth);
 *   - a slot marked EVAC_X/EVAC_Y holds a key that has moved: it is looked up
 *     again in the current map, so a deleted key is skipped and the current
 *     value is yielded.
 * Every key is visited once because each lives in exactly one bucket of the
 * snapshot's geometry. The snapshot stays readable after the growth ends:
 * see live_iters in internal.h. Every step checks the writer word on entry
 * and again before it returns (detect.h): a write that overlapped the step
 * is reported even when it began after the entry check.
 */
#include "detect.h"
#include "trace.h"

#define NO_CHECK ((size_t)-1)

void libmap_iter_init(libmap_iter *it, libmap *m)
{
    memset(it, 0, sizeof *it);
    it->map = m;
    if (m == NULL || m->count == 0 || m->buckets == NULL) {
        it->map = NULL;
        return;
    }
    uint64_t r = libmap_rand();
    it->B = map_B(m); /* before the array: a racing growth cannot pair a new B with the old array */
    it->buckets = m->buckets;
    it->clearseq = m->clearseq;
    it->start_bucket = (size_t)r & bucket_mask(m->B);
    it->offset = (uint8_t)((r >> m->B) & (BUCKET_CNT - 1));
    it->bucket = it->start_bucket;
    it->check_bucket = NO_CHECK;
    /* Go sets both flags; several readers may iterate at once. */
    uint8_t want = F_ITERATOR | F_OLD_ITERATOR;
    if ((__atomic_load_n(&m->flags, __ATOMIC_RELAXED) & want) != want)
        __atomic_fetch_or(&m->flags, want, __ATOMIC_RELAXED);
    atomic_fetch_add_explicit(&m->live_iters, 1, memory_order_relaxed);
    LIBMAP_TRACE_ITER_INIT(m, it);
}

void libmap_iter_done(libmap_iter *it)
{
    if (it->map != NULL) {
        struct libmap *m = (struct libmap *)it->map;
        atomic_fetch_sub_explicit(&m->live_iters, 1, memory_order_relaxed);
        LIBMAP_TRACE_ITER_END(m);
        it->map = NULL;
    }
}

static bool iter_end(libmap_iter *it)
{
    libmap_iter_done(it);
    return false;
}

bool libmap_iter_next(libmap_iter *it, const void **key, void **value)
{
    const struct libmap *m = it->map;
    if (m == NULL)
        return false;
    uint64_t w0 = read_check(m, LIBMAP_PANIC_ITERATION_WRITE, LIBMAP_OP_ITERATE);
    if (m->clearseq != it->clearseq)
        return iter_end(it);

    uint8_t *b = it->bptr;
    size_t bucket = it->bucket;
    unsigned i = it->i;
    size_t check_bucket = it->check_bucket;

    for (;;) {
        if (b == NULL) {
            if (bucket == it->start_bucket && it->wrapped) {
                read_end(m, LIBMAP_PANIC_ITERATION_WRITE, LIBMAP_OP_ITERATE, w0);
                return iter_end(it);
            }
            if (growing(m) && it->B == m->B) {
                /* started during this growth: read unevacuated old buckets */
                size_t oldbucket = bucket & oldbucket_mask(m);
                b = bucket_at(m, m->oldbuckets, oldbucket);
                if (!evacuated(b)) {
                    /* a doubling's old bucket holds keys of two new buckets:
                     * filter it. Decided here, not per slot: the doubling may
                     * end and a same-size growth start while we are still in
                     * this chain. */
                    check_bucket = same_size_grow(m) ? NO_CHECK : bucket;
                } else {
                    b = bucket_at(m, it->buckets, bucket);
                    check_bucket = NO_CHECK;
                }
            } else {
                b = bucket_at(m, it->buckets, bucket);
                check_bucket = NO_CHECK;
            }
            bucket++;
            if (bucket == bucket_shift(it->B)) {
                bucket = 0;
                it->wrapped = 1;
            }
            i = 0;
        }
        for (; i < BUCKET_CNT; i++) {
            unsigned off = (i + it->offset) & (BUCKET_CNT - 1);
            uint8_t top = b[off];
            if (is_empty(top) || top == EVAC_EMPTY)
                continue;
            uint8_t *k = key_data(m, slot_key(m, b, off));
            uint8_t *v = slot_value(m, b, off);
            if (check_bucket != NO_CHECK) {
                /* old bucket during doubling: keep only keys that belong to
                 * the new bucket being visited */
                if ((key_hash(m, k, KIND_DYNAMIC) & bucket_mask(it->B)) != check_bucket)
                    continue;
            }
            if (top == EVAC_X || top == EVAC_Y) {
                /* moved since the iterator started: the map has the truth */
                uint8_t *rv;
                uint8_t *rk = map_access_k(m, k, &rv);
                if (rk == NULL)
                    continue; /* deleted */
                k = key_data(m, rk);
                v = rv;
            }
            it->bptr = b;
            it->bucket = bucket;
            it->i = (uint8_t)(i + 1);
            it->check_bucket = check_bucket;
            if (key != NULL)
                *key = k;
            if (value != NULL)
                *value = value_data(m, v);
            read_end(m, LIBMAP_PANIC_ITERATION_WRITE, LIBMAP_OP_ITERATE, w0);
            LIBMAP_TRACE_ITERATE(m, (bucket - 1) & bucket_mask(it->B), off);
            return true;
        }
        b = bucket_overflow(m, b);
        i = 0;
    }
}
