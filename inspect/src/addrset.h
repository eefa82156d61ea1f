/*
 * addrset.h — a set of target addresses with a value each (open addressing,
 * grows by doubling, with a hard cap), used to detect cycles and sharing in
 * overflow chains and in the registry list.
 */
#ifndef LIBMAP_INSPECT_ADDRSET_H
#define LIBMAP_INSPECT_ADDRSET_H

#include <stddef.h>
#include <stdint.h>

struct addrset {
    uint64_t *keys; /* 0 marks a free slot: address 0 is never inserted */
    uint64_t *vals;
    size_t cap, len, max;
};

/* max: most entries ever held; beyond it inserts fail. */
void addrset_init(struct addrset *s, size_t max);
/* Make room for about n entries at once (a hint; may do nothing). */
void addrset_reserve(struct addrset *s, size_t n);
void addrset_free(struct addrset *s);
/* Returns 1 and sets *old when addr is present, 0 after inserting it,
 * -1 when full or out of memory. */
int addrset_put(struct addrset *s, uint64_t addr, uint64_t val, uint64_t *old);

#endif
