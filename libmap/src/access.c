/*
 * access.c — lookup (Go's mapaccess): the generic entry point, the typed
 * fast paths, and the unchecked re-lookup that iteration uses. A lookup
 * checks the writer word on entry and again at its end (detect.h).
 */
#include "detect.h"
#include "find.h"
#include "hashed.h"
#include "trace.h"

/* The lookup with the key's hash computed by the caller (lookup_impl, or
 * libmap_shard: hashed.h). */
static ALWAYS_INLINE bool lookup_hashed_impl(const struct libmap *m, const void *key,
                                             uint64_t hash, void *value_out, int kind)
{
    uint64_t w0 = read_check(m, LIBMAP_PANIC_READ_WRITE, LIBMAP_OP_LOOKUP);
    /* traced: runs the lookup in trace.c, then the end check */
    LIBMAP_TRACE_LOOKUP(m, key, value_out, kind, w0);
    unsigned i;
    uint8_t *b = map_find_hashed(m, key, hash, kind, &i);
    if (b == NULL) {
        read_end(m, LIBMAP_PANIC_READ_WRITE, LIBMAP_OP_LOOKUP, w0);
        return false;
    }
    if (value_out != NULL)
        copy_value(value_out, value_data(m, slot_value_k(m, b, i, kind)), m->t.value_size);
    read_end(m, LIBMAP_PANIC_READ_WRITE, LIBMAP_OP_LOOKUP, w0);
    return true;
}

bool map_lookup_hashed(const struct libmap *m, const void *key, uint64_t hash, void *value_out)
{
    switch (m->t.key_kind) {
    case LIBMAP_KEY_U64:
        return lookup_hashed_impl(m, key, hash, value_out, LIBMAP_KEY_U64);
    case LIBMAP_KEY_U32:
        return lookup_hashed_impl(m, key, hash, value_out, LIBMAP_KEY_U32);
    case LIBMAP_KEY_STRING:
        return lookup_hashed_impl(m, key, hash, value_out, LIBMAP_KEY_STRING);
    default:
        return lookup_hashed_impl(m, key, hash, value_out, LIBMAP_KEY_BYTES);
    }
}

uint64_t map_key_hash(const struct libmap *m, const void *key)
{
    return key_hash(m, key, KIND_DYNAMIC);
}

static ALWAYS_INLINE bool lookup_impl(const struct libmap *m, const void *key, void *value_out,
                                      int kind)
{
    /* The key is hashed before the entry check, as a writer does: the
     * word read by the check then need not survive an out-of-line hash
     * call (strings, bytes), which costs spills on the lookup's fast path.
     * A write racing the hash (a clear changes the seed) is caught by the
     * end check all the same. */
    uint64_t hash = m->count != 0 ? key_hash(m, key, kind) : 0;
    return lookup_hashed_impl(m, key, hash, value_out, kind);
}

bool libmap_lookup(const libmap *m, const void *key, void *value_out)
{
    if (UNLIKELY(m == NULL || key == NULL))
        return false;
    switch (m->t.key_kind) {
    case LIBMAP_KEY_U64:
        return lookup_impl(m, key, value_out, LIBMAP_KEY_U64);
    case LIBMAP_KEY_U32:
        return lookup_impl(m, key, value_out, LIBMAP_KEY_U32);
    case LIBMAP_KEY_STRING: {
        const libmap_str *s = key;
        if (UNLIKELY(s->ptr == NULL && s->len != 0))
            return false;
        return lookup_impl(m, key, value_out, LIBMAP_KEY_STRING);
    }
    default:
        return lookup_impl(m, key, value_out, LIBMAP_KEY_BYTES);
    }
}

bool libmap_lookup_u64(const libmap *m, uint64_t key, void *value_out)
{
    if (UNLIKELY(m == NULL || m->t.key_kind != LIBMAP_KEY_U64))
        return false;
    return lookup_impl(m, &key, value_out, LIBMAP_KEY_U64);
}

bool libmap_lookup_u32(const libmap *m, uint32_t key, void *value_out)
{
    if (UNLIKELY(m == NULL || m->t.key_kind != LIBMAP_KEY_U32))
        return false;
    return lookup_impl(m, &key, value_out, LIBMAP_KEY_U32);
}

bool libmap_lookup_str(const libmap *m, const char *key, size_t len, void *value_out)
{
    if (UNLIKELY(m == NULL || m->t.key_kind != LIBMAP_KEY_STRING || (key == NULL && len != 0)))
        return false;
    libmap_str s = {key, len};
    return lookup_impl(m, &s, value_out, LIBMAP_KEY_STRING);
}

uint8_t *map_access_k(const struct libmap *m, const void *key, uint8_t **value)
{
    unsigned i;
    uint8_t *b = map_find(m, key, KIND_DYNAMIC, &i);
    if (b == NULL)
        return NULL;
    *value = slot_value(m, b, i);
    return slot_key(m, b, i);
}
