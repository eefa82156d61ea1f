/*
 * slots.h — the contents of one bucket slot: the key's bytes (inline, or
 * behind the string or indirect pointer), the value's bytes, the key's
 * hash with the map's seed (XXH3, as libmap computes it), and text
 * rendering of keys and values by key kind.
 */
#ifndef LIBMAP_INSPECT_SLOTS_H
#define LIBMAP_INSPECT_SLOTS_H

#include <stdint.h>
#include <stdio.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "mem.h"
#include "layout.h"
#include "mapread.h"

/* Longest string key or value read (longer ones are reported as damage). */
#define SLOT_MAX_BYTES ((uint64_t)64 << 20)
/* All the key and value bytes one reader follows pointers to: the core's
 * size twice over, plus this. A damaged map whose string lengths are all
 * huge stops being read instead of hashing gigabytes. */
#define SLOT_BUDGET_EXTRA ((uint64_t)1 << 30)

struct slot_reader {
    int inline_keys;     /* keys are the slot's bytes (u32, u64, direct bytes) */
    const struct lm_map *m;
    const struct lm_layout *l;
    struct lmi_mem *mem;
    uint8_t *kbuf, *vbuf;
    size_t kcap, vcap;
    uint64_t budget;     /* bytes left to read behind pointers */
};

struct slot_key {
    const uint8_t *data; /* key bytes (valid until the next slot_key call) */
    uint64_t len;
    uint64_t ptr;        /* string/indirect pointer, 0 for inline keys */
    struct lmi_fault fault;
    char why[160];       /* set when data is NULL */
};

void slots_init(struct slot_reader *r, const struct lm_map *m, const struct lm_layout *l,
                struct lmi_mem *mem);
void slots_free(struct slot_reader *r);

/* Key of slot i of bucket b (bucket_size bytes). Returns 0, or -1 with why. */
int slot_key(struct slot_reader *r, const uint8_t *b, unsigned i, struct slot_key *k);
/* Value bytes; -1 with *f and why when unreadable. */
int slot_value(struct slot_reader *r, const uint8_t *b, unsigned i, const uint8_t **p,
               uint64_t *len, struct lmi_fault *f, char *why, size_t whylen);

/* The fast path for inline keys (the common case in large maps). */
static inline int slot_key_fast(struct slot_reader *r, const uint8_t *b, unsigned i,
                                struct slot_key *k)
{
    if (r->inline_keys) {
        k->data = b + r->m->key_offset + (uint64_t)i * r->m->key_slot;
        k->len = r->m->key_slot;
        k->ptr = 0;
        return 0;
    }
    return slot_key(r, b, i, k);
}

/* libmap's hash: XXH3 of the key bytes seeded with the map's hash0. */
static inline uint64_t slot_hash(const struct lm_map *m, const struct slot_key *k)
{
    return XXH3_64bits_withSeed(k->data, (size_t)k->len, m->hash0);
}

static inline uint8_t slot_tophash(const struct lm_layout *l, uint64_t hash)
{
    unsigned top = (unsigned)(hash >> 56);
    if (top < l->d.min_tophash)
        top += l->d.min_tophash;
    return (uint8_t)top;
}

/* Text: 42, "text", or hex bytes (shortened past max bytes). */
void key_print(FILE *o, const struct slot_reader *r, const struct slot_key *k, size_t max);
void value_print(FILE *o, const struct slot_reader *r, const uint8_t *p, uint64_t len, size_t max);
#endif
