/*
 * keys.h — the benchmark's key sets: fixed-seed pseudo-random u64 keys and
 * short string keys, generated exactly as go/mapbench.go generates them, so
 * that every implementation sees the same keys in the same order.
 *
 * Generation (keep in step with go/mapbench.go):
 *   - splitmix64 (Steele, Lea, Flood 2014); the j-th output for j = 0, 1, ...
 *     from state KEYS_SEED_U64. splitmix64 is a bijection of its counter, so
 *     the 2N outputs are distinct. Keys 0..N-1 are inserted (hits), keys
 *     N..2N-1 are never inserted (misses).
 *   - string j: an invertible 48-bit mix of j, written as 8 characters of the
 *     base64url alphabet (6 bits each, low bits first) so that all strings are
 *     distinct, then 0..8 more characters from the j-th output r of a second
 *     splitmix64 seeded with KEYS_SEED_STR: length 8 + r % 9, extra character
 *     c (0-based) is alphabet[(r >> (8 + 6c)) & 63].
 *   - probe order: lookups (hits) and deletes visit the inserted keys in a
 *     fixed random order, not in insertion order: a Fisher-Yates shuffle of
 *     0..N-1, for i = N-1 down to 1 swapping i with j = r % (i + 1), r the
 *     next output of a splitmix64 seeded with KEYS_SEED_ORDER. The probed
 *     keys are copied, in that order, into their own arrays (and strings into
 *     their own arena), so that a driver reads its probe keys sequentially
 *     and a map that keeps pointers to the caller's keys (GLib, Go strings)
 *     pays for following them as it would in real use.
 */
#ifndef BENCH_KEYS_H
#define BENCH_KEYS_H

#include <stddef.h>
#include <stdint.h>

#define KEYS_SEED_U64 UINT64_C(0x243f6a8885a308d3)
#define KEYS_SEED_STR UINT64_C(0x13198a2e03707344)
#define KEYS_SEED_ORDER UINT64_C(0xa4093822299f31d0)
#define KEYS_STR_MIN 8
#define KEYS_STR_MAX 16

struct keyset {
    size_t n;            /* entries inserted; as many miss keys */
    uint64_t *u64;       /* 2n keys: [0, n) hits, [n, 2n) misses */
    const char **str;    /* 2n NUL-terminated strings, same split */
    uint32_t *str_len;   /* their lengths */
    char *arena;         /* storage of the strings */
    /* the probe order: probe_*[i] is key order[i], i in [0, n) */
    uint32_t *order;
    uint64_t *probe_u64;
    const char **probe_str;
    uint32_t *probe_len;
    char *probe_arena;
};

uint64_t splitmix64_next(uint64_t *state);

/* Fill ks for n entries; the kinds not wanted are left NULL. Exits on
 * allocation failure. */
void keys_make(struct keyset *ks, size_t n, int want_u64, int want_str);
void keys_free(struct keyset *ks);

#endif
