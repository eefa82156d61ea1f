/*
 * idtab.c — open addressing with linear probing, load kept under 1/2.
 */
#include <stdlib.h>

#include "idtab.h"

static size_t hash(uint64_t k1, uint32_t k2)
{
    uint64_t h = (k1 ^ ((uint64_t)k2 << 29) ^ k2) * 0x9e3779b97f4a7c15ull;
    return (size_t)(h ^ (h >> 31));
}

static void grow(struct idtab *t)
{
    size_t n = t->slots ? (t->mask + 1) * 2 : 64;
    struct idtab_slot *s = malloc(n * sizeof *s);
    if (!s)
        abort();
    for (size_t i = 0; i < n; i++)
        s[i].val = UINT32_MAX;
    if (t->slots) {
        for (size_t i = 0; i <= t->mask; i++) {
            struct idtab_slot *o = &t->slots[i];
            if (o->val == UINT32_MAX)
                continue;
            size_t j = hash(o->k1, o->k2) & (n - 1);
            while (s[j].val != UINT32_MAX)
                j = (j + 1) & (n - 1);
            s[j] = *o;
        }
        free(t->slots);
    }
    t->slots = s;
    t->mask = n - 1;
}

uint32_t *idtab_get(struct idtab *t, uint64_t k1, uint32_t k2)
{
    if (!t->slots || (t->used + 1) * 2 > t->mask + 1)
        grow(t);
    size_t j = hash(k1, k2) & t->mask;
    for (;;) {
        struct idtab_slot *s = &t->slots[j];
        if (s->val == UINT32_MAX) {
            s->k1 = k1;
            s->k2 = k2;
            t->used++;
            return &s->val;
        }
        if (s->k1 == k1 && s->k2 == k2)
            return &s->val;
        j = (j + 1) & t->mask;
    }
}

void idtab_free(struct idtab *t)
{
    free(t->slots);
    t->slots = NULL;
    t->mask = t->used = 0;
}
