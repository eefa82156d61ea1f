/*
 * guard.h — the lock guarding a safe map's inner map, decoded (guard.c).
 */
#ifndef LIBMAP_INSPECT_GUARD_H
#define LIBMAP_INSPECT_GUARD_H

#include <stdint.h>

#include "layout.h"
#include "mem.h"

/* The lock that guards a map of a libmap_sync or a shard's map of a
 * libmap_shard (lmi_map's guard fields say the same). */
struct lm_guard {
    uint64_t addr;        /* the lock; 0: a plain map, or a descriptor without locks */
    int ok;               /* read, and its magic says it is a lock */
    uint32_t kind;        /* enum libmap_guard_kind */
    const char *kind_name; /* "sync", "shard", "unknown" */
    uint64_t parent;      /* the libmap_sync or libmap_shard */
    uint32_t shard, nshards;
    int32_t owner;        /* TID holding it for writing, 0: none */
    int writer, writer_waiting; /* the state word's bits: 1, 0, -1 not described */
    int64_t readers;      /* threads holding it for reading, -1 not described */
    char problem[128];    /* why not ok, when addr is not 0 */
};

/* Decode the guard of the map at map into g (zeroed first). */
void guard_read(const struct lm_layout *l, struct lmi_mem *mem, uint64_t map, struct lm_guard *g);

/* Whether some thread holds or waits for the lock (what a report shows). */
static inline int guard_busy(const struct lm_guard *g)
{
    return g->ok && (g->owner != 0 || g->writer == 1 || g->readers > 0 || g->writer_waiting == 1);
}

#endif
