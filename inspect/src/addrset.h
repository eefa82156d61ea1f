/*
 * addrset.h — a set of target addresses with a value each, used to detect
 * cycles and sharing in overflow chains and in the registry list: a libmap
 * map (u64 keys, u64 values) from the inspector's private copy of libmap
 * (inspect/CMakeLists.txt), with a hard cap on its size. Allocation
 * failure is an error value, never an abort.
 */
#ifndef LIBMAP_INSPECT_ADDRSET_H
#define LIBMAP_INSPECT_ADDRSET_H

#include <stddef.h>
#include <stdint.h>

struct addrset {
    struct libmap *m; /* created on the first insert (NULL: empty) */
    size_t len, max;
    size_t hint;      /* entries expected (addrset_reserve) */
};

/* max: most entries ever held; beyond it inserts fail. */
void addrset_init(struct addrset *s, size_t max);
/* Expect about n entries (a hint, capped at max; used when the map is
 * created). */
void addrset_reserve(struct addrset *s, size_t n);
void addrset_free(struct addrset *s);
/* Returns 1 and sets *old when addr is present, 0 after inserting it,
 * -1 when addr is 0, or the set is full or out of memory. */
int addrset_put(struct addrset *s, uint64_t addr, uint64_t val, uint64_t *old);

/* Every entry once, in no particular order: start with addrset_iter_init,
 * then addrset_next until it returns 0. The set must not change meanwhile. */
struct addrset_iter {
    uint64_t opaque[12]; /* a libmap_iter */
};
void addrset_iter_init(struct addrset_iter *it, struct addrset *s);
int addrset_next(struct addrset_iter *it, uint64_t *addr, uint64_t *val);

#endif
