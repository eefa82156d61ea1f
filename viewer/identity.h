/*
 * identity.h — who an event is about: the thread (vpid, vtid) and the map
 * life (vpid, address) it belongs to, as indices into the model's threads
 * and maps, created on first sight, and for a lock wait the safe map
 * (vpid, address) whose lock it waited for, in the model's locks. libmap
 * maps hold the indices; the last thread and map found are tried first
 * (consecutive events mostly share them).
 */
#ifndef LIBMAP_VIEWER_IDENTITY_H
#define LIBMAP_VIEWER_IDENTITY_H

#include <stdbool.h>
#include <stdint.h>

#include <libmap/map.h>

#include "model.h"

struct tl_identity {
    struct tl_model *m;
    libmap *threads;              /* vpid << 32 | vtid -> thread index (u32) */
    libmap *maps;                 /* struct map_key -> index of the address's current life */
    libmap *locks;                /* struct map_key -> index in the model's locks */
    uint32_t last_thread;         /* UINT32_MAX: none yet */
    int32_t last_vpid, last_vtid;
    uint32_t last_map;            /* UINT32_MAX: none yet */
    int32_t last_map_vpid;
    uint64_t last_map_addr;
};

void tl_identity_init(struct tl_identity *id, struct tl_model *m);
void tl_identity_free(struct tl_identity *id);

/* Thread index of (vpid, vtid), created if new; procname (or NULL) renames
 * it when it differs. */
uint32_t tl_identity_thread(struct tl_identity *id, int32_t vpid, int32_t vtid,
                            const char *procname);

/* Map index of an event on (vpid, addr): a `new` (is_new) on a map already
 * used, or any event after a `free`, starts a new life of the address.
 * tl_identity_map tries the last map found, then tl_identity_find_map. */
uint32_t tl_identity_find_map(struct tl_identity *id, int32_t vpid, uint64_t addr, bool is_new);

/* Lock index of the safe map (vpid, addr) of kind `kind` (1 sync, 2
 * shard), created if new (or if the address now holds the other kind). */
uint32_t tl_identity_lock(struct tl_identity *id, int32_t vpid, uint64_t addr, uint8_t kind);

static inline uint32_t tl_identity_map(struct tl_identity *id, int32_t vpid, uint64_t addr,
                                       bool is_new)
{
    if (!is_new && id->last_map != UINT32_MAX && id->last_map_addr == addr &&
        id->last_map_vpid == vpid && !TL_AT(id->m->maps, struct tl_map, id->last_map)->freed)
        return id->last_map;
    return tl_identity_find_map(id, vpid, addr, is_new);
}

#endif /* LIBMAP_VIEWER_IDENTITY_H */
