/*
 * delete.c — remove a key (Go's mapdelete).
 *
 * The slot becomes EMPTY_ONE; if nothing live follows it in the chain, it and
 * the run of EMPTY_ONE slots before it become EMPTY_REST, so that searches
 * stop early. When the map becomes empty its seed changes.
 *
 * While growing, delete first evacuates the key's old bucket, as Go does. If
 * that evacuation cannot allocate, the key is deleted in the old bucket
 * instead (lookups read unevacuated old buckets), so delete never fails for
 * lack of memory except when key storage must be parked for an iterator.
 */
#include "detect.h"
#include "find.h"
#include "hashed.h"
#include "trace.h"

/* Turn the trailing run of EMPTY_ONE slots ending at (b, i) into EMPTY_REST. */
static void mark_empty_rest(const struct libmap *m, uint8_t *first, uint8_t *b, unsigned i)
{
    for (;;) {
        b[i] = EMPTY_REST;
        if (i == 0) {
            if (b == first)
                return;
            uint8_t *c = b;
            for (b = first; bucket_overflow(m, b) != c; b = bucket_overflow(m, b))
                ;
            i = BUCKET_CNT - 1;
        } else {
            i--;
        }
        if (b[i] != EMPTY_ONE)
            return;
    }
}

/* Key storage must outlive the delete when an iterator may still read it
 * through an evacuated old slot. */
static bool key_storage_shared(const struct libmap *m)
{
    return (m->t.key_kind == LIBMAP_KEY_STRING || (m->t.flags & T_INDIRECT_KEY)) &&
           (m->oldbuckets != NULL || m->retired != NULL) && iterators_live(m);
}

/* The delete with the key's hash computed by the caller. reseed: pick a new
 * seed when the map becomes empty (Go does; libmap_shard's maps keep the
 * seed the shard choice depends on: hashed.h). */
static ALWAYS_INLINE int delete_hashed_impl(struct libmap *m, const void *key, uint64_t hash,
                                            int kind, bool reseed)
{
    LIBMAP_TRACE_START(delete, t0);
    uint64_t mine = write_begin(m, LIBMAP_OP_DELETE);
    int rc = LIBMAP_ABSENT;
    bool park = key_storage_shared(m);
    if (park && graveyard_reserve(m) != 0) {
        rc = LIBMAP_ENOMEM;
        goto out;
    }
    if (growing(m))
        (void)grow_work(m, hash & bucket_mask(m->B), LIBMAP_OP_DELETE);

    uint8_t *first = writer_home_bucket(m, hash);
    prefetch_bucket(m, first);
    unsigned i;
    uint8_t *b = chain_find(m, first, key, tophash(hash), kind, &i);
    if (b == NULL)
        goto out;

    uint8_t *k = slot_key_k(m, b, i, kind);
    if (park) {
        /* reserved above; the iterator may still compare against it */
        struct parked p = {key_data(m, k), m->t.key_size, 0};
        if (kind == LIBMAP_KEY_STRING) {
            libmap_str s;
            memcpy(&s, k, sizeof s);
            p = (struct parked){(void *)s.ptr, s.len, 0};
        }
        if (p.ptr != NULL)
            graveyard_push(m, p.ptr, p.size);
    } else {
        key_storage_free(m, k);
    }
    value_storage_free(m, slot_value_k(m, b, i, kind));

    b[i] = EMPTY_ONE;
    bool last_in_chain;
    if (i == BUCKET_CNT - 1) {
        uint8_t *o = bucket_overflow(m, b);
        last_in_chain = o == NULL || o[0] == EMPTY_REST;
    } else {
        last_in_chain = b[i + 1] == EMPTY_REST;
    }
    if (last_in_chain)
        mark_empty_rest(m, first, b, i);
    m->count--;
    if (m->count == 0 && reseed)
        m->hash0 = map_rand(m);
    rc = LIBMAP_DELETED;
out:
    LIBMAP_TRACE_DELETE(m, hash, rc, t0, mine);
    write_end(m, mine);
    return rc;
}

static ALWAYS_INLINE int delete_impl(struct libmap *m, const void *key, int kind)
{
    if (m->count == 0) {
        /* Go checks for a concurrent writer even on an empty map. */
        read_check(m, LIBMAP_PANIC_CONCURRENT_WRITES, LIBMAP_OP_DELETE);
        return LIBMAP_ABSENT;
    }
    return delete_hashed_impl(m, key, key_hash(m, key, kind), kind, true);
}

int map_delete_hashed(struct libmap *m, const void *key, uint64_t hash)
{
    if (m->count == 0) {
        read_check(m, LIBMAP_PANIC_CONCURRENT_WRITES, LIBMAP_OP_DELETE);
        return LIBMAP_ABSENT;
    }
    switch (m->t.key_kind) {
    case LIBMAP_KEY_U64:
        return delete_hashed_impl(m, key, hash, LIBMAP_KEY_U64, false);
    case LIBMAP_KEY_U32:
        return delete_hashed_impl(m, key, hash, LIBMAP_KEY_U32, false);
    case LIBMAP_KEY_STRING:
        return delete_hashed_impl(m, key, hash, LIBMAP_KEY_STRING, false);
    default:
        return delete_hashed_impl(m, key, hash, LIBMAP_KEY_BYTES, false);
    }
}

int libmap_delete(libmap *m, const void *key)
{
    if (UNLIKELY(m == NULL || key == NULL))
        return LIBMAP_EINVAL;
    switch (m->t.key_kind) {
    case LIBMAP_KEY_U64:
        return delete_impl(m, key, LIBMAP_KEY_U64);
    case LIBMAP_KEY_U32:
        return delete_impl(m, key, LIBMAP_KEY_U32);
    case LIBMAP_KEY_STRING: {
        const libmap_str *s = key;
        if (UNLIKELY(s->ptr == NULL && s->len != 0))
            return LIBMAP_EINVAL;
        return delete_impl(m, key, LIBMAP_KEY_STRING);
    }
    default:
        return delete_impl(m, key, LIBMAP_KEY_BYTES);
    }
}

int libmap_delete_u64(libmap *m, uint64_t key)
{
    if (UNLIKELY(m == NULL || m->t.key_kind != LIBMAP_KEY_U64))
        return LIBMAP_EINVAL;
    return delete_impl(m, &key, LIBMAP_KEY_U64);
}

int libmap_delete_u32(libmap *m, uint32_t key)
{
    if (UNLIKELY(m == NULL || m->t.key_kind != LIBMAP_KEY_U32))
        return LIBMAP_EINVAL;
    return delete_impl(m, &key, LIBMAP_KEY_U32);
}

int libmap_delete_str(libmap *m, const char *key, size_t len)
{
    if (UNLIKELY(m == NULL || m->t.key_kind != LIBMAP_KEY_STRING || (key == NULL && len != 0)))
        return LIBMAP_EINVAL;
    libmap_str s = {key, len};
    return delete_impl(m, &s, LIBMAP_KEY_STRING);
}
