/*
 * entries.h — visit every live entry of a map once (entries.c).
 */
#ifndef LIBMAP_INSPECT_ENTRIES_H
#define LIBMAP_INSPECT_ENTRIES_H

#include <libmap/inspect.h>
#include <stdint.h>

#include "layout.h"
#include "mapread.h"
#include "mem.h"
#include "slots.h"
#include "walk.h"

/* The entry in slot i of bucket b (a live slot), its key and value read
 * behind their pointers by sr; error set when they cannot be. */
void entry_at(struct slot_reader *sr, const struct bref *r, const uint8_t *b, unsigned i,
              struct lmi_entry *e);

/* Calls fn for each live entry from *cursor on (0: the first); when fn
 * returns nonzero the walk stops at the end of its current slice of base
 * buckets and *cursor says where to go on (LMI_ENTRIES_END: nothing
 * left). Returns how many
 * stretches of the map (bucket ranges, overflow buckets) were unreadable
 * and skipped. The map must be walkable (lm_map.walkable). */
uint64_t map_entries(const struct lm_map *m, const struct lm_layout *l, struct lmi_mem *mem,
                     uint64_t *cursor, lmi_entry_fn fn, void *ctx);

#endif
