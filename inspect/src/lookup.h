/*
 * lookup.h — find one key in a map as libmap does (lookup.c).
 */
#ifndef LIBMAP_INSPECT_LOOKUP_H
#define LIBMAP_INSPECT_LOOKUP_H

#include <libmap/inspect.h>
#include <stdint.h>

#include "layout.h"
#include "mapread.h"
#include "mem.h"

/* key: the key's bytes as the map hashes them (u32/u64: the target's byte
 * order; strings: the characters). Returns 1 after calling fn with the
 * entry, 0 when the key is absent, -1 with a message when the memory on
 * the way cannot be read. */
int map_lookup(const struct lm_map *m, const struct lm_layout *l, struct lmi_mem *mem,
               const void *key, uint64_t len, lmi_entry_fn fn, void *ctx, char *err,
               size_t errlen);

#endif
