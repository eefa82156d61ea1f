/*
 * addrset.c — open-addressing address set (see addrset.h).
 */
#include "addrset.h"

#include <stdlib.h>
#include <string.h>

void addrset_init(struct addrset *s, size_t max)
{
    memset(s, 0, sizeof *s);
    s->max = max;
}

void addrset_free(struct addrset *s)
{
    free(s->keys);
    free(s->vals);
    memset(s, 0, sizeof *s);
}

static size_t slot_of(uint64_t a, size_t cap)
{
    a ^= a >> 33;
    a *= UINT64_C(0xff51afd7ed558ccd);
    a ^= a >> 33;
    return (size_t)a & (cap - 1);
}

static int grow_to(struct addrset *s, size_t ncap);

static int grow(struct addrset *s) { return grow_to(s, s->cap ? s->cap * 2 : 1024); }

void addrset_reserve(struct addrset *s, size_t n)
{
    if (n > s->max)
        n = s->max;
    size_t cap = 1024;
    while (cap < 2 * n && cap < ((size_t)1 << 40))
        cap *= 2;
    if (cap > s->cap)
        grow_to(s, cap);
}

static int grow_to(struct addrset *s, size_t ncap)
{
    uint64_t *k = calloc(ncap, sizeof *k), *v = calloc(ncap, sizeof *v);
    if (k == NULL || v == NULL) {
        free(k);
        free(v);
        return -1;
    }
    for (size_t i = 0; i < s->cap; i++) {
        if (s->keys[i] == 0)
            continue;
        size_t j = slot_of(s->keys[i], ncap);
        while (k[j] != 0)
            j = (j + 1) & (ncap - 1);
        k[j] = s->keys[i];
        v[j] = s->vals[i];
    }
    free(s->keys);
    free(s->vals);
    s->keys = k;
    s->vals = v;
    s->cap = ncap;
    return 0;
}

int addrset_put(struct addrset *s, uint64_t addr, uint64_t val, uint64_t *old)
{
    if (addr == 0)
        return -1;
    if (s->cap != 0) {
        size_t j = slot_of(addr, s->cap);
        while (s->keys[j] != 0) {
            if (s->keys[j] == addr) {
                if (old != NULL)
                    *old = s->vals[j];
                return 1;
            }
            j = (j + 1) & (s->cap - 1);
        }
    }
    if (s->len >= s->max)
        return -1;
    if ((s->len + 1) * 2 > s->cap && grow(s) != 0)
        return -1;
    size_t j = slot_of(addr, s->cap);
    while (s->keys[j] != 0)
        j = (j + 1) & (s->cap - 1);
    s->keys[j] = addr;
    s->vals[j] = val;
    s->len++;
    return 0;
}
