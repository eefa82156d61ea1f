/*
 * refmap.h — the reference map the model and allocation-failure tests
 * compare libmap against: key indices (uint64_t) to fixed-size values, kept
 * in a dense array (for random picks and snapshots) with a linear-probing
 * index. Deliberately simple and independent of libmap.
 */
#ifndef LIBMAP_TEST_REFMAP_H
#define LIBMAP_TEST_REFMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct refmap {
    size_t vsize;     /* bytes per value (0: a set) */
    size_t n;         /* entries */
    size_t cap;       /* dense capacity */
    uint64_t *keys;   /* dense keys[0..n) */
    uint8_t *vals;    /* dense values, vsize each */
    size_t icap;      /* index slots, a power of two */
    uint32_t *index;  /* dense position + 1, or 0 */
};

void ref_init(struct refmap *r, size_t vsize);
void ref_free(struct refmap *r);
void ref_clear(struct refmap *r);
void ref_copy(struct refmap *dst, const struct refmap *src);
/* The value of k, or NULL when absent (a non-NULL pointer for sets). */
const uint8_t *ref_get(const struct refmap *r, uint64_t k);
static inline bool ref_has(const struct refmap *r, uint64_t k) { return ref_get(r, k) != NULL; }
/* Insert or overwrite; returns true when k was new. */
bool ref_put(struct refmap *r, uint64_t k, const void *value);
/* Remove k; returns whether it was present. */
bool ref_del(struct refmap *r, uint64_t k);
/* Same keys and values. */
bool ref_equal(const struct refmap *a, const struct refmap *b);

#endif
