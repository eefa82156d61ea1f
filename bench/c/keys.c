/*
 * keys.c — generates the benchmark's key sets (see keys.h for the exact
 * recipe, mirrored in go/mapbench.go).
 */
#include "keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

uint64_t splitmix64_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

#define M48 ((UINT64_C(1) << 48) - 1)

/* A bijection of [0, 2^48): odd multiplications and xorshifts mod 2^48. */
static uint64_t mix48(uint64_t x)
{
    x &= M48;
    x = (x * UINT64_C(0x9e3779b97f4b)) & M48;
    x ^= x >> 24;
    x = (x * UINT64_C(0xbf58476d1ce5)) & M48;
    x ^= x >> 21;
    return x;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (p == NULL) {
        fprintf(stderr, "bench: out of memory (%zu bytes)\n", n);
        exit(2);
    }
    return p;
}

void keys_make(struct keyset *ks, size_t n, int want_u64, int want_str)
{
    ks->n = n;
    ks->u64 = NULL;
    ks->str = NULL;
    ks->str_len = NULL;
    ks->arena = NULL;
    ks->probe_u64 = NULL;
    ks->probe_str = NULL;
    ks->probe_len = NULL;
    ks->probe_arena = NULL;
    size_t total = 2 * n;
    if (n > UINT32_MAX) {
        fprintf(stderr, "bench: too many keys\n");
        exit(2);
    }
    ks->order = xmalloc((n ? n : 1) * sizeof *ks->order);
    for (size_t i = 0; i < n; i++)
        ks->order[i] = (uint32_t)i;
    uint64_t so = KEYS_SEED_ORDER;
    for (size_t i = n; i-- > 1;) {
        size_t j = (size_t)(splitmix64_next(&so) % (i + 1));
        uint32_t tmp = ks->order[i];
        ks->order[i] = ks->order[j];
        ks->order[j] = tmp;
    }
    if (want_u64) {
        ks->u64 = xmalloc(total * sizeof *ks->u64);
        uint64_t s = KEYS_SEED_U64;
        for (size_t j = 0; j < total; j++)
            ks->u64[j] = splitmix64_next(&s);
        ks->probe_u64 = xmalloc((n ? n : 1) * sizeof *ks->probe_u64);
        for (size_t i = 0; i < n; i++)
            ks->probe_u64[i] = ks->u64[ks->order[i]];
    }
    if (want_str) {
        ks->str = xmalloc(total * sizeof *ks->str);
        ks->str_len = xmalloc(total * sizeof *ks->str_len);
        ks->arena = xmalloc(total * (KEYS_STR_MAX + 1));
        uint64_t s = KEYS_SEED_STR;
        char *p = ks->arena;
        for (size_t j = 0; j < total; j++) {
            uint64_t id = mix48(j), r = splitmix64_next(&s);
            unsigned len = KEYS_STR_MIN + (unsigned)(r % (KEYS_STR_MAX - KEYS_STR_MIN + 1));
            ks->str[j] = p;
            ks->str_len[j] = len;
            for (unsigned c = 0; c < 8; c++)
                *p++ = alphabet[(id >> (6 * c)) & 63];
            for (unsigned c = 0; c < len - 8; c++)
                *p++ = alphabet[(r >> (8 + 6 * c)) & 63];
            *p++ = '\0';
        }
        ks->probe_str = xmalloc((n ? n : 1) * sizeof *ks->probe_str);
        ks->probe_len = xmalloc((n ? n : 1) * sizeof *ks->probe_len);
        ks->probe_arena = xmalloc((n ? n : 1) * (KEYS_STR_MAX + 1));
        p = ks->probe_arena;
        for (size_t i = 0; i < n; i++) {
            uint32_t len = ks->str_len[ks->order[i]];
            memcpy(p, ks->str[ks->order[i]], len + 1);
            ks->probe_str[i] = p;
            ks->probe_len[i] = len;
            p += len + 1;
        }
    }
}

void keys_free(struct keyset *ks)
{
    free(ks->u64);
    free(ks->str);
    free(ks->str_len);
    free(ks->arena);
    free(ks->order);
    free(ks->probe_u64);
    free(ks->probe_str);
    free(ks->probe_len);
    free(ks->probe_arena);
    memset(ks, 0, sizeof *ks);
}
