/*
 * race_keys.c — key kinds for the race tests (see race_keys.h).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "race_keys.h"

#define BIG_KEY 200
#define BIG_VALUE 160

union key_buf {
    uint32_t u32;
    uint64_t u64;
    libmap_str str;
    unsigned char bytes[BIG_KEY];
};

struct key {
    union key_buf k;
    char text[32]; /* string keys point here */
};

static const char *const names[RK_COUNT] = {"u32", "u64", "u64-set", "string",
                                            "bytes16", "bytes12-callbacks", "bytes200-indirect"};

const char *rk_name(enum race_key_kind k) { return names[k]; }

bool rk_has_typed(enum race_key_kind k) { return k <= RK_STRING; }

static uint64_t cb_hash(const void *key, size_t size, uint64_t seed, void *ctx)
{
    (void)ctx; /* FNV-1a over the bytes, started from the seed */
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ seed;
    for (size_t i = 0; i < size; i++)
        h = (h ^ ((const unsigned char *)key)[i]) * UINT64_C(0x100000001b3);
    return h ^ (h >> 29);
}

static bool cb_equal(const void *a, const void *b, size_t size, void *ctx)
{
    (void)ctx;
    return memcmp(a, b, size) == 0;
}

libmap *rk_new_map(enum race_key_kind k)
{
    libmap_config c = {.value_size = sizeof(uint64_t)};
    switch (k) {
    case RK_U32:
        c.key_kind = LIBMAP_KEY_U32;
        break;
    case RK_U64:
        c.key_kind = LIBMAP_KEY_U64;
        break;
    case RK_U64_SET:
        c.key_kind = LIBMAP_KEY_U64;
        c.value_size = 0;
        break;
    case RK_STRING:
        c.key_kind = LIBMAP_KEY_STRING;
        break;
    case RK_BYTES:
        c.key_kind = LIBMAP_KEY_BYTES;
        c.key_size = 16;
        break;
    case RK_BYTES_CB:
        c.key_kind = LIBMAP_KEY_BYTES;
        c.key_size = 12;
        c.hash = cb_hash;
        c.equal = cb_equal;
        break;
    default:
        c.key_kind = LIBMAP_KEY_BYTES;
        c.key_size = BIG_KEY;
        c.value_size = BIG_VALUE;
        break;
    }
    libmap *m = NULL;
    CHECK_EQ(libmap_new(&c, &m), 0);
    return m;
}

static void make_key(enum race_key_kind k, unsigned i, struct key *out)
{
    memset(out, 0, sizeof *out);
    switch (k) {
    case RK_U32:
        out->k.u32 = i * 2654435761u;
        break;
    case RK_U64:
    case RK_U64_SET:
        out->k.u64 = (uint64_t)i * UINT64_C(0x9e3779b97f4a7c15);
        break;
    case RK_STRING: {
        int n = snprintf(out->text, sizeof out->text, "key-%u", i);
        out->k.str = (libmap_str){out->text, (size_t)n};
        break;
    }
    default:
        memset(out->k.bytes, 0xa5, sizeof out->k.bytes);
        memcpy(out->k.bytes, &i, sizeof i);
        break;
    }
}

static const void *value_for(unsigned i)
{
    static _Thread_local unsigned char v[BIG_VALUE];
    memcpy(v, &i, sizeof i);
    return v;
}

int rk_assign(libmap *m, enum race_key_kind k, unsigned i, bool typed)
{
    struct key key;
    make_key(k, i, &key);
    const void *v = k == RK_U64_SET ? NULL : value_for(i);
    if (typed && k == RK_U32)
        return libmap_assign_u32(m, key.k.u32, v);
    if (typed && k == RK_U64)
        return libmap_assign_u64(m, key.k.u64, v);
    if (typed && k == RK_STRING)
        return libmap_assign_str(m, key.k.str.ptr, key.k.str.len, v);
    return libmap_assign(m, &key.k, v);
}

int rk_delete(libmap *m, enum race_key_kind k, unsigned i, bool typed)
{
    struct key key;
    make_key(k, i, &key);
    if (typed && k == RK_U32)
        return libmap_delete_u32(m, key.k.u32);
    if (typed && (k == RK_U64 || k == RK_U64_SET))
        return libmap_delete_u64(m, key.k.u64);
    if (typed && k == RK_STRING)
        return libmap_delete_str(m, key.k.str.ptr, key.k.str.len);
    return libmap_delete(m, &key.k);
}

bool rk_lookup(libmap *m, enum race_key_kind k, unsigned i, bool typed)
{
    struct key key;
    make_key(k, i, &key);
    unsigned char out[BIG_VALUE];
    if (typed && k == RK_U32)
        return libmap_lookup_u32(m, key.k.u32, out);
    if (typed && (k == RK_U64 || k == RK_U64_SET))
        return libmap_lookup_u64(m, key.k.u64, out);
    if (typed && k == RK_STRING)
        return libmap_lookup_str(m, key.k.str.ptr, key.k.str.len, out);
    return libmap_lookup(m, &key.k, out);
}
