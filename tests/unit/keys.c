/*
 * keys.c — key encoding, decoding and the test hash callbacks (see keys.h).
 */
#include "keys.h"

#include <string.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "check.h"

#define MUL32 UINT32_C(0x9e3779b1)
#define MUL64 UINT64_C(0x9e3779b97f4a7c15)

static uint32_t inverse32(uint32_t a)
{
    uint32_t x = a; /* Newton: each step doubles the correct low bits */
    for (int i = 0; i < 5; i++)
        x *= 2 - a * x;
    return x;
}

static uint64_t inverse64(uint64_t a)
{
    uint64_t x = a;
    for (int i = 0; i < 6; i++)
        x *= 2 - a * x;
    return x;
}

static uint8_t filler(uint64_t idx, size_t j)
{
    if (j % 7 == 3)
        return 0;
    return (uint8_t)((idx >> (j % 24)) * 37 + j * 11);
}

static size_t string_len(uint64_t idx)
{
    if (idx == 0)
        return 0;
    return 5 + (size_t)(idx % 29) + (idx % 97 == 0 ? 200 : 0);
}

uint64_t key_universe(const struct kspec *ks)
{
    if (ks->kind == LIBMAP_KEY_BYTES && ks->key_size < 4)
        return ((uint64_t)1 << (8 * ks->key_size)) - 1;
    return UINT32_MAX;
}

static void le32(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t rd_le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

const void *key_encode(const struct kspec *ks, uint64_t idx, struct kbuf *kb)
{
    CHECK(idx <= key_universe(ks));
    switch (ks->kind) {
    case LIBMAP_KEY_U32: {
        uint32_t k = (uint32_t)idx * MUL32;
        memcpy(kb->bytes, &k, 4);
        return kb->bytes;
    }
    case LIBMAP_KEY_U64: {
        uint64_t k = idx * MUL64;
        memcpy(kb->bytes, &k, 8);
        return kb->bytes;
    }
    case LIBMAP_KEY_STRING: {
        size_t len = string_len(idx);
        CHECK(len <= KEY_MAX_BYTES);
        if (len) {
            kb->bytes[0] = 's';
            le32(kb->bytes + 1, idx);
            for (size_t j = 5; j < len; j++)
                kb->bytes[j] = filler(idx, j);
        }
        /* the empty string alternates between a NULL and a real pointer */
        static unsigned flip;
        kb->s.ptr = len ? (const char *)kb->bytes : (flip++ & 1 ? NULL : "");
        kb->s.len = len;
        return &kb->s;
    }
    default: {
        size_t n = ks->key_size;
        CHECK(n <= KEY_MAX_BYTES);
        size_t head = n < 4 ? n : 4;
        for (size_t j = 0; j < head; j++)
            kb->bytes[j] = (uint8_t)(idx >> (8 * j));
        for (size_t j = head; j < n; j++)
            kb->bytes[j] = filler(idx, j);
        if (ks->hash == KH_IDENT)
            return key_encode_ident(idx, key_ident_hash(idx), kb, n);
        return kb->bytes;
    }
    }
}

const void *key_encode_ident(uint64_t idx, uint64_t h, struct kbuf *kb, size_t key_size)
{
    CHECK(key_size >= 12 && key_size <= KEY_MAX_BYTES);
    le32(kb->bytes, idx);
    memcpy(kb->bytes + 4, &h, 8);
    for (size_t j = 12; j < key_size; j++)
        kb->bytes[j] = filler(idx, j);
    return kb->bytes;
}

bool key_decode(const struct kspec *ks, const void *key, uint64_t *idx)
{
    switch (ks->kind) {
    case LIBMAP_KEY_U32: {
        uint32_t k;
        memcpy(&k, key, 4);
        *idx = (uint32_t)(k * inverse32(MUL32));
        return true;
    }
    case LIBMAP_KEY_U64: {
        uint64_t k;
        memcpy(&k, key, 8);
        *idx = k * inverse64(MUL64);
        return *idx <= UINT32_MAX;
    }
    case LIBMAP_KEY_STRING: {
        libmap_str s;
        memcpy(&s, key, sizeof s);
        if (s.len == 0) {
            *idx = 0;
            return true;
        }
        if (s.len < 5 || s.ptr == NULL)
            return false;
        const uint8_t *p = (const uint8_t *)s.ptr;
        *idx = rd_le(p + 1, 4);
        if (p[0] != 's' || string_len(*idx) != s.len)
            return false;
        for (size_t j = 5; j < s.len; j++)
            if (p[j] != filler(*idx, j))
                return false;
        return true;
    }
    default: {
        const uint8_t *p = key;
        size_t n = ks->key_size, head = n < 4 ? n : 4;
        *idx = rd_le(p, head);
        size_t from = ks->hash == KH_IDENT ? 12 : head;
        for (size_t j = from; j < n; j++)
            if (p[j] != filler(*idx, j))
                return false;
        return true;
    }
    }
}

uint64_t key_hash_group(const void *key, size_t key_size, uint64_t seed, void *ctx)
{
    (void)ctx;
    uint64_t idx = rd_le(key, key_size < 4 ? key_size : 4);
    uint64_t group = idx / 16;
    /* the 16 keys of a group share the hash except bits k..k+3 (k from 3 to
     * 10 by group): one chain while B <= k, split by a doubling past k */
    unsigned k = 3 + (unsigned)(group % 8);
    return XXH3_64bits_withSeed(&group, sizeof group, seed) ^ ((idx & 15) << k);
}

uint64_t key_ident_hash(uint64_t idx)
{
    return ((uint64_t)(0x80 | ((idx >> 8) & 0x7f)) << 56) | (idx & 0xff);
}

uint64_t key_hash_const(const void *key, size_t key_size, uint64_t seed, void *ctx)
{
    (void)key, (void)key_size, (void)seed, (void)ctx;
    return UINT64_C(0x5bd1e9955bd1e995);
}

uint64_t key_hash_ident(const void *key, size_t key_size, uint64_t seed, void *ctx)
{
    (void)key_size, (void)seed, (void)ctx;
    uint64_t h;
    memcpy(&h, (const uint8_t *)key + 4, 8);
    return h;
}

bool key_equal_bytes(const void *a, const void *b, size_t key_size, void *ctx)
{
    (void)ctx;
    return memcmp(a, b, key_size) == 0;
}

void key_config(const struct kspec *ks, libmap_config *c)
{
    memset(c, 0, sizeof *c);
    c->key_kind = ks->kind;
    c->value_size = ks->value_size;
    if (ks->kind != LIBMAP_KEY_BYTES)
        return;
    c->key_size = ks->key_size;
    switch (ks->hash) {
    case KH_GROUP:
        c->hash = key_hash_group;
        break;
    case KH_CONST:
        c->hash = key_hash_const;
        break;
    case KH_IDENT:
        c->hash = key_hash_ident;
        break;
    default:
        break;
    }
    if (ks->user_equal)
        c->equal = key_equal_bytes;
}
