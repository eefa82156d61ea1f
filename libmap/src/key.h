/*
 * key.h — hashing, key comparison and tophash matching, inlined into each
 * operation and specialized by key kind.
 *
 * Every operation is written once as an always-inline function taking the
 * key kind as a compile-time constant; the typed entry points (u32, u64,
 * string) instantiate it, so the fast paths compile to straight-line code
 * with no indirect calls while the algorithm exists in one place.
 */
#ifndef LIBMAP_KEY_H
#define LIBMAP_KEY_H

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "internal.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define LIKELY(x) __builtin_expect(!!(x), 1)

/* The kind argument below is a libmap_key_kind, or KIND_DYNAMIC to read it
 * from the map (the generic entry points). */
#define KIND_DYNAMIC (-1)

static ALWAYS_INLINE int resolve_kind(const struct libmap *m, int kind)
{
    return kind == KIND_DYNAMIC ? m->t.key_kind : kind;
}

/* String keys of up to 16 bytes (most keys) are hashed inline, by XXH3's
 * short-input function: the one XXH3_64bits_withSeed itself runs for them,
 * with the same default secret, so the hash stays XXH3's (the gdb scripts
 * recompute it; tests/unit/test_keys.c compares the two at every length).
 * Longer strings call the out-of-line function. Without the call, a lookup
 * of a short string makes no call at all, and nothing it holds (the entry
 * check's writer word among them) is saved and restored around one. */
static ALWAYS_INLINE uint64_t str_hash(const void *p, size_t len, uint64_t seed)
{
#if XXH_VERSION_NUMBER >= 800
    if (LIKELY(len <= 16))
        return XXH3_len_0to16_64b((const xxh_u8 *)p, len, XXH3_kSecret, seed);
#endif
    return XXH3_64bits_withSeed(p, len, seed);
}

/* Loads of 4 and 8 unaligned bytes. */
static ALWAYS_INLINE uint32_t load32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static ALWAYS_INLINE uint64_t load64(const void *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Whether len bytes at a and b are equal. Up to 16 bytes compare inline with
 * two loads from each side (overlapping when len is not a power of two,
 * never outside [0, len)); longer ones call memcmp. */
static ALWAYS_INLINE bool bytes_equal(const void *a, const void *b, size_t len)
{
    const uint8_t *x = a, *y = b;
    if (len >= 8) {
        if (len > 16)
            return memcmp(a, b, len) == 0;
        return ((load64(x) ^ load64(y)) | (load64(x + len - 8) ^ load64(y + len - 8))) == 0;
    }
    if (len >= 4)
        return ((load32(x) ^ load32(y)) | (load32(x + len - 4) ^ load32(y + len - 4))) == 0;
    if (len == 0)
        return true;
    /* 1 to 3 bytes: the first, the middle and the last */
    return x[0] == y[0] && x[len / 2] == y[len / 2] && x[len - 1] == y[len - 1];
}

static ALWAYS_INLINE uint64_t key_hash(const struct libmap *m, const void *key, int kind)
{
    switch (resolve_kind(m, kind)) {
    case LIBMAP_KEY_U32:
        return XXH3_64bits_withSeed(key, 4, m->hash0);
    case LIBMAP_KEY_U64:
        return XXH3_64bits_withSeed(key, 8, m->hash0);
    case LIBMAP_KEY_STRING: {
        const libmap_str *s = key;
        return str_hash(s->ptr, s->len, m->hash0);
    }
    default:
        if (m->t.hash)
            return m->t.hash(key, m->t.key_size, m->hash0, m->t.ctx);
        return XXH3_64bits_withSeed(key, m->t.key_size, m->hash0);
    }
}

/* Slot addresses when the key kind is known at compile time. Keys start at
 * BUCKET_KEY_OFFSET in every bucket; a typed key is always stored inline,
 * so its slot is its size and the values start at a fixed offset: the
 * address folds to constants instead of reading the type descriptor (the
 * same numbers type_init() stores there). KIND_DYNAMIC and byte keys read
 * the slot sizes and the values' offset from the descriptor. */
_Static_assert(sizeof(libmap_str) <= MAX_KEY_INLINE, "typed keys are stored inline");

static ALWAYS_INLINE size_t key_slot_k(const struct libmap *m, int kind)
{
    size_t ks = typed_key_size(kind);
    return ks ? ks : m->t.key_slot;
}

static ALWAYS_INLINE uint8_t *slot_key_k(const struct libmap *m, uint8_t *b, unsigned i, int kind)
{
    return b + BUCKET_KEY_OFFSET + (size_t)i * key_slot_k(m, kind);
}

static ALWAYS_INLINE uint8_t *slot_value_k(const struct libmap *m, uint8_t *b, unsigned i, int kind)
{
    size_t ks = typed_key_size(kind);
    size_t values = ks ? bucket_value_offset(ks) : m->t.value_offset;
    return b + values + (size_t)i * m->t.value_slot;
}

/* The key bytes of a slot: only byte keys can be stored indirectly. */
static ALWAYS_INLINE uint8_t *slot_key_data(const struct libmap *m, uint8_t *kslot, int kind)
{
    int k = resolve_kind(m, kind);
    if (k == LIBMAP_KEY_BYTES)
        return key_data(m, kslot);
    return kslot;
}

/* The key bytes of slot i of bucket b. */
static ALWAYS_INLINE uint8_t *slot_key_bytes(const struct libmap *m, uint8_t *b, unsigned i,
                                             int kind)
{
    return slot_key_data(m, slot_key_k(m, b, i, kind), kind);
}

/* Compare the caller's key with the key data stored in a slot (after
 * following an indirect pointer). */
static ALWAYS_INLINE bool key_equal(const struct libmap *m, const void *key, const uint8_t *stored,
                                    int kind)
{
    switch (resolve_kind(m, kind)) {
    case LIBMAP_KEY_U32: {
        uint32_t a, b;
        memcpy(&a, key, 4);
        memcpy(&b, stored, 4);
        return a == b;
    }
    case LIBMAP_KEY_U64: {
        uint64_t a, b;
        memcpy(&a, key, 8);
        memcpy(&b, stored, 8);
        return a == b;
    }
    case LIBMAP_KEY_STRING: {
        const libmap_str *a = key;
        libmap_str b;
        memcpy(&b, stored, sizeof b);
        return a->len == b.len && bytes_equal(a->ptr, b.ptr, a->len);
    }
    default:
        if (m->t.equal)
            return m->t.equal(key, stored, m->t.key_size, m->t.ctx);
        return memcmp(key, stored, m->t.key_size) == 0;
    }
}

/* ---- tophash matching, 8 slots at a time (SWAR) ---- */

static ALWAYS_INLINE uint64_t load_tophash(const uint8_t *b)
{
    uint64_t w;
    memcpy(&w, b, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

#define BYTES_01 UINT64_C(0x0101010101010101)
#define BYTES_7F UINT64_C(0x7f7f7f7f7f7f7f7f)
#define BYTES_80 UINT64_C(0x8080808080808080)

/* 0x80 in exactly the bytes of w that are zero. */
static ALWAYS_INLINE uint64_t zero_bytes(uint64_t w)
{
    return ~(((w & BYTES_7F) + BYTES_7F) | w | BYTES_7F);
}
/* 0x80 in exactly the bytes of w equal to top. */
static ALWAYS_INLINE uint64_t match_top(uint64_t w, uint8_t top)
{
    return zero_bytes(w ^ (BYTES_01 * top));
}
/* 0x80 in the bytes that are EMPTY_REST or EMPTY_ONE. */
static ALWAYS_INLINE uint64_t empty_bytes(uint64_t w)
{
    return zero_bytes(w & ~BYTES_01);
}
static ALWAYS_INLINE unsigned first_slot(uint64_t match)
{
    return (unsigned)__builtin_ctzll(match) >> 3;
}

/* Request the bucket's second and third cache lines at once. The key's
 * line is known only when the tophash line has arrived, and the value's
 * after that: without this the misses are serial. Measured on 1M u64 keys:
 * lookup hit ~50 -> ~40 ns. */
static ALWAYS_INLINE void prefetch_bucket(const struct libmap *m, const uint8_t *b)
{
    if (m->t.bucket_size > 64)
        __builtin_prefetch(b + 64);
    if (m->t.bucket_size > 128)
        __builtin_prefetch(b + 128);
}

static ALWAYS_INLINE void copy_value(void *dst, const void *src, size_t n)
{
    switch (n) {
    case 0:
        return;
    case 4:
        memcpy(dst, src, 4);
        return;
    case 8:
        memcpy(dst, src, 8);
        return;
    case 16:
        memcpy(dst, src, 16);
        return;
    default:
        memcpy(dst, src, n);
    }
}

#endif /* LIBMAP_KEY_H */
