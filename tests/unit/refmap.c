/*
 * refmap.c — the reference map (see refmap.h): dense arrays plus a
 * linear-probing index with backward-shift deletion.
 */
#include "refmap.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"

static const uint8_t set_marker;

static size_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= UINT64_C(0xff51afd7ed558ccd);
    k ^= k >> 33;
    return (size_t)k;
}

void ref_init(struct refmap *r, size_t vsize)
{
    memset(r, 0, sizeof *r);
    r->vsize = vsize;
    r->icap = 16;
    r->index = calloc(r->icap, sizeof *r->index);
    CHECK(r->index != NULL);
}

void ref_free(struct refmap *r)
{
    free(r->keys);
    free(r->vals);
    free(r->index);
    memset(r, 0, sizeof *r);
}

void ref_clear(struct refmap *r)
{
    r->n = 0;
    memset(r->index, 0, r->icap * sizeof *r->index);
}

void ref_copy(struct refmap *dst, const struct refmap *src)
{
    ref_init(dst, src->vsize);
    for (size_t i = 0; i < src->n; i++)
        ref_put(dst, src->keys[i], src->vals + i * src->vsize);
}

/* Index slot holding k, or the empty slot where it would go. */
static size_t find_slot(const struct refmap *r, uint64_t k)
{
    size_t mask = r->icap - 1;
    for (size_t s = mix(k) & mask;; s = (s + 1) & mask) {
        uint32_t p = r->index[s];
        if (p == 0 || r->keys[p - 1] == k)
            return s;
    }
}

const uint8_t *ref_get(const struct refmap *r, uint64_t k)
{
    uint32_t p = r->index[find_slot(r, k)];
    if (p == 0)
        return NULL;
    return r->vsize ? r->vals + (size_t)(p - 1) * r->vsize : &set_marker;
}

static void rehash(struct refmap *r, size_t icap)
{
    free(r->index);
    r->icap = icap;
    r->index = calloc(icap, sizeof *r->index);
    CHECK(r->index != NULL);
    for (size_t i = 0; i < r->n; i++)
        r->index[find_slot(r, r->keys[i])] = (uint32_t)(i + 1);
}

bool ref_put(struct refmap *r, uint64_t k, const void *value)
{
    size_t s = find_slot(r, k);
    uint32_t p = r->index[s];
    if (p != 0) {
        if (r->vsize)
            memcpy(r->vals + (size_t)(p - 1) * r->vsize, value, r->vsize);
        return false;
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->keys = realloc(r->keys, r->cap * sizeof *r->keys);
        r->vals = realloc(r->vals, r->cap * (r->vsize ? r->vsize : 1));
        CHECK(r->keys != NULL && r->vals != NULL);
    }
    r->keys[r->n] = k;
    if (r->vsize)
        memcpy(r->vals + r->n * r->vsize, value, r->vsize);
    r->n++;
    r->index[s] = (uint32_t)r->n;
    if (r->n * 2 > r->icap)
        rehash(r, r->icap * 2);
    return true;
}

bool ref_del(struct refmap *r, uint64_t k)
{
    size_t mask = r->icap - 1;
    size_t s = find_slot(r, k);
    uint32_t p = r->index[s];
    if (p == 0)
        return false;
    /* move the last dense entry into the hole */
    size_t pos = p - 1, last = r->n - 1;
    if (pos != last) {
        uint64_t lk = r->keys[last];
        r->index[find_slot(r, lk)] = (uint32_t)(pos + 1);
        r->keys[pos] = lk;
        if (r->vsize)
            memcpy(r->vals + pos * r->vsize, r->vals + last * r->vsize, r->vsize);
    }
    r->n--;
    /* backward-shift deletion in the index */
    r->index[s] = 0;
    for (size_t j = (s + 1) & mask; r->index[j] != 0; j = (j + 1) & mask) {
        size_t home = mix(r->keys[r->index[j] - 1]) & mask;
        /* move j into the hole s unless its home lies cyclically in (s, j] */
        bool stays = (s <= j) ? (s < home && home <= j) : (s < home || home <= j);
        if (!stays) {
            r->index[s] = r->index[j];
            r->index[j] = 0;
            s = j;
        }
    }
    return true;
}

bool ref_equal(const struct refmap *a, const struct refmap *b)
{
    if (a->n != b->n || a->vsize != b->vsize)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        const uint8_t *v = ref_get(b, a->keys[i]);
        if (v == NULL || (a->vsize && memcmp(v, a->vals + i * a->vsize, a->vsize) != 0))
            return false;
    }
    return true;
}
