/*
 * idtab.h — a small open-addressing hash table from a (u64, u32) key to a
 * u32 value: thread (vpid, vtid) and map (addr, vpid) to their index in the
 * model. Never shrinks; values are never removed, only replaced.
 */
#ifndef LIBMAP_VIEWER_IDTAB_H
#define LIBMAP_VIEWER_IDTAB_H

#include <stddef.h>
#include <stdint.h>

struct idtab_slot {
    uint64_t k1;
    uint32_t k2;
    uint32_t val;   /* UINT32_MAX: empty */
};

struct idtab {
    struct idtab_slot *slots;
    size_t mask, used;
};

/* The value's slot for (k1, k2), inserting one with val = UINT32_MAX when
 * absent; the caller fills val. */
uint32_t *idtab_get(struct idtab *t, uint64_t k1, uint32_t k2);
void idtab_free(struct idtab *t);

#endif
