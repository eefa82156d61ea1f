/*
 * assign.c — insert or overwrite (Go's mapassign).
 *
 * Order of work, so that an allocation failure leaves the map as it was:
 * hash; mark the map written; allocate the first bucket if the map has none;
 * if growing, evacuate the old bucket this key maps to (all-or-nothing);
 * search the chain, remembering the first empty slot; on a hit overwrite the
 * value. On a miss, start growth if due (then search again), allocate the
 * key's and value's own storage (string bytes, indirect slots), then an
 * overflow bucket if the chain is full, and only then write the slot.
 */
#include "detect.h"
#include "find.h"
#include "hashed.h"
#include "trace.h"

/* Storage allocated for a new entry before the slot is written. */
struct new_entry {
    uint8_t *key_mem;   /* string copy or indirect key, or NULL */
    uint8_t *value_mem; /* indirect value, or NULL */
    size_t key_mem_size;
};

static int entry_alloc(struct libmap *m, const void *key, int kind, struct new_entry *e)
{
    e->key_mem = e->value_mem = NULL;
    e->key_mem_size = 0;
    if (kind == LIBMAP_KEY_STRING) {
        const libmap_str *s = key;
        if (s->len != 0) {
            e->key_mem = map_alloc(m, s->len, false);
            if (e->key_mem == NULL)
                return LIBMAP_ENOMEM;
            memcpy(e->key_mem, s->ptr, s->len);
            e->key_mem_size = s->len;
        }
    } else if (m->t.flags & T_INDIRECT_KEY) {
        e->key_mem = map_alloc(m, m->t.key_size, false);
        if (e->key_mem == NULL)
            return LIBMAP_ENOMEM;
        memcpy(e->key_mem, key, m->t.key_size);
        e->key_mem_size = m->t.key_size;
    }
    if (m->t.flags & T_INDIRECT_VALUE) {
        e->value_mem = map_alloc(m, m->t.value_size, false);
        if (e->value_mem == NULL) {
            map_dealloc(m, e->key_mem, e->key_mem_size);
            return LIBMAP_ENOMEM;
        }
    }
    return 0;
}

static ALWAYS_INLINE void entry_store(struct libmap *m, uint8_t *b, unsigned i, uint8_t top,
                                      const void *key, const void *value, int kind,
                                      const struct new_entry *e)
{
    uint8_t *k = slot_key_k(m, b, i, kind);
    uint8_t *v = slot_value_k(m, b, i, kind);
    if (kind == LIBMAP_KEY_STRING) {
        libmap_str s = {(const char *)e->key_mem, ((const libmap_str *)key)->len};
        memcpy(k, &s, sizeof s);
    } else if (kind == LIBMAP_KEY_U64) {
        memcpy(k, key, 8);
    } else if (kind == LIBMAP_KEY_U32) {
        memcpy(k, key, 4);
    } else if (m->t.flags & T_INDIRECT_KEY) {
        memcpy(k, &e->key_mem, sizeof e->key_mem);
    } else {
        memcpy(k, key, m->t.key_size);
    }
    if (m->t.flags & T_INDIRECT_VALUE) {
        memcpy(v, &e->value_mem, sizeof e->value_mem);
        v = e->value_mem;
    }
    if (value != NULL)
        copy_value(v, value, m->t.value_size);
    else
        memset(v, 0, m->t.value_size);
    b[i] = top;
    m->count++;
}

/* Undo a growth that was started by this assign but whose first evacuation
 * failed: nothing has moved yet, so the old array becomes current again. */
struct grow_undo {
    uint8_t *buckets, *next_overflow;
    size_t nevacuate;
    uint16_t noverflow;
    uint8_t B, flags;
};

static void grow_rollback(struct libmap *m, const struct grow_undo *u)
{
    bucket_array_free(m, m->buckets);
    m->buckets = u->buckets;
    m->oldbuckets = NULL;
    m->next_overflow = u->next_overflow;
    m->noverflow = u->noverflow;
    m->B = u->B;
    m->flags = u->flags;
    m->nevacuate = u->nevacuate;
}

/* Start a growth and remember how to undo it (grow_rollback). */
static int grow_start(struct libmap *m, struct grow_undo *u)
{
    *u = (struct grow_undo){m->buckets, m->next_overflow, m->nevacuate, m->noverflow, m->B,
                            m->flags};
    return hash_grow(m);
}

/* A new key would leave the map over its load factor or with too many
 * overflow buckets, and no growth is under way. */
static ALWAYS_INLINE bool growth_due(const struct libmap *m)
{
    return !growing(m) && (over_load_factor(m->count + 1, m->B) ||
                           too_many_overflow_buckets(m->noverflow, m->B));
}

/* A new key: its storage, an overflow bucket after last if the chain is
 * full (b == NULL), then slot i of b. */
static ALWAYS_INLINE int insert_new(struct libmap *m, uint8_t *b, unsigned i, uint8_t *last,
                                    uint8_t top, const void *key, const void *value, int kind)
{
    struct new_entry e;
    int rc = entry_alloc(m, key, kind, &e);
    if (rc != 0)
        return rc;
    if (b == NULL) {
        b = new_overflow(m, last);
        if (b == NULL) {
            map_dealloc(m, e.key_mem, e.key_mem_size);
            map_dealloc(m, e.value_mem, m->t.value_size);
            return LIBMAP_ENOMEM;
        }
        i = 0;
    }
    entry_store(m, b, i, top, key, value, kind, &e);
    return LIBMAP_INSERTED;
}

/* The assign with the key's hash already computed (by assign_impl, or by
 * libmap_shard, which hashes once to choose the shard: hashed.h). */
static ALWAYS_INLINE int assign_hashed_impl(struct libmap *m, const void *key, uint64_t hash,
                                            const void *value, int kind)
{
    LIBMAP_TRACE_START(assign, t0);
    uint64_t mine = write_begin(m, LIBMAP_OP_ASSIGN);
    int rc;
    bool grew = false;
    struct grow_undo undo;

    if (UNLIKELY(m->buckets == NULL)) {
        m->buckets = bucket_array_new(m, 0, &m->next_overflow);
        if (m->buckets == NULL) {
            rc = LIBMAP_ENOMEM;
            goto out;
        }
    }
    uint8_t top = tophash(hash);
again:
    if (UNLIKELY(growing(m))) {
        rc = grow_work(m, hash & bucket_mask(m->B), LIBMAP_OP_ASSIGN);
        if (rc != 0) {
            if (grew)
                grow_rollback(m, &undo);
            goto out;
        }
    }
    uint8_t *b = array_bucket(m, m->buckets, hash);
    prefetch_bucket(m, b);
    /* The chain search stays here: as an always-inline function of its own
     * (returning the hit or where to insert) it cost an overwrite 5 more
     * instructions, spills of the insert position (callgrind). */
    uint8_t *insert_b = NULL, *last = b;
    unsigned insert_i = 0;
    for (;;) {
        uint64_t w = load_tophash(b);
        for (uint64_t match = match_top(w, top); match; match &= match - 1) {
            unsigned i = first_slot(match);
            if (LIKELY(key_equal(m, key, slot_key_bytes(m, b, i, kind), kind))) {
                uint8_t *v = value_data(m, slot_value_k(m, b, i, kind));
                if (value != NULL)
                    copy_value(v, value, m->t.value_size);
                rc = LIBMAP_UPDATED;
                goto out;
            }
        }
        uint64_t empties = empty_bytes(w);
        if (insert_b == NULL && empties) {
            insert_b = b;
            insert_i = first_slot(empties);
        }
        last = b;
        if (zero_bytes(w))
            break;
        b = bucket_overflow(m, b);
        if (b == NULL)
            break;
    }

    /* A new key. Start growing if due, then search again (Go does the same:
     * growth moves the key's bucket). */
    if (growth_due(m)) {
        rc = grow_start(m, &undo);
        if (rc != 0)
            goto out;
        grew = true;
        goto again;
    }
    rc = insert_new(m, insert_b, insert_i, last, top, key, value, kind);
out:
    LIBMAP_TRACE_ASSIGN(m, hash, rc, t0, mine);
    write_end(m, mine);
    return rc;
}

static ALWAYS_INLINE int assign_impl(struct libmap *m, const void *key, const void *value, int kind)
{
    return assign_hashed_impl(m, key, key_hash(m, key, kind), value, kind);
}

int map_assign_hashed(struct libmap *m, const void *key, uint64_t hash, const void *value)
{
    switch (m->t.key_kind) {
    case LIBMAP_KEY_U64:
        return assign_hashed_impl(m, key, hash, value, LIBMAP_KEY_U64);
    case LIBMAP_KEY_U32:
        return assign_hashed_impl(m, key, hash, value, LIBMAP_KEY_U32);
    case LIBMAP_KEY_STRING:
        return assign_hashed_impl(m, key, hash, value, LIBMAP_KEY_STRING);
    default:
        return assign_hashed_impl(m, key, hash, value, LIBMAP_KEY_BYTES);
    }
}

int libmap_assign(libmap *m, const void *key, const void *value)
{
    if (UNLIKELY(m == NULL || key == NULL || (value == NULL && m->t.value_size != 0)))
        return LIBMAP_EINVAL;
    switch (m->t.key_kind) {
    case LIBMAP_KEY_U64:
        return assign_impl(m, key, value, LIBMAP_KEY_U64);
    case LIBMAP_KEY_U32:
        return assign_impl(m, key, value, LIBMAP_KEY_U32);
    case LIBMAP_KEY_STRING: {
        const libmap_str *s = key;
        if (UNLIKELY(s->ptr == NULL && s->len != 0))
            return LIBMAP_EINVAL;
        return assign_impl(m, key, value, LIBMAP_KEY_STRING);
    }
    default:
        return assign_impl(m, key, value, LIBMAP_KEY_BYTES);
    }
}

int libmap_assign_u64(libmap *m, uint64_t key, const void *value)
{
    if (UNLIKELY(m == NULL || m->t.key_kind != LIBMAP_KEY_U64 ||
                 (value == NULL && m->t.value_size != 0)))
        return LIBMAP_EINVAL;
    return assign_impl(m, &key, value, LIBMAP_KEY_U64);
}

int libmap_assign_u32(libmap *m, uint32_t key, const void *value)
{
    if (UNLIKELY(m == NULL || m->t.key_kind != LIBMAP_KEY_U32 ||
                 (value == NULL && m->t.value_size != 0)))
        return LIBMAP_EINVAL;
    return assign_impl(m, &key, value, LIBMAP_KEY_U32);
}

int libmap_assign_str(libmap *m, const char *key, size_t len, const void *value)
{
    if (UNLIKELY(m == NULL || m->t.key_kind != LIBMAP_KEY_STRING || (key == NULL && len != 0) ||
                 (value == NULL && m->t.value_size != 0)))
        return LIBMAP_EINVAL;
    libmap_str s = {key, len};
    return assign_impl(m, &s, value, LIBMAP_KEY_STRING);
}
