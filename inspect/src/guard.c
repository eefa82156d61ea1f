/*
 * guard.c — the lock that guards a safe map's inner map (libmap_sync's map,
 * a libmap_shard's shard), decoded for lmi_map_header: the map's guard
 * field points at it; its owner, state word, kind, parent and shard are
 * where the layout descriptor's lock_* fields say.
 */
#include "guard.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *guard_kind_name(uint32_t kind)
{
#define NAME(NAME, value, name)                                                              \
    if (kind == (uint32_t)(value))                                                           \
        return name;
    LIBMAP_GUARD_KINDS(NAME)
#undef NAME
    return "unknown";
}

void guard_read(const struct lm_layout *l, struct lmi_mem *mem, uint64_t map, struct lm_guard *g)
{
    const struct libmap_layout *d = &l->d;
    memset(g, 0, sizeof *g);
    g->writer = g->writer_waiting = -1;
    g->readers = -1;
    g->kind_name = "unknown";
    if (!l->has_guard)
        return;
    uint8_t buf[8];
    struct lmi_fault f;
    if (lmi_read(mem, map + d->map_guard, buf, l->ptr, &f) != 0)
        return; /* the header was read; a guard field it lacks stays 0 */
    g->addr = lmi_uint(mem, buf, l->ptr);
    if (g->addr == 0)
        return;
    uint8_t lock[512];
    if (d->lock_size > sizeof lock) {
        snprintf(g->problem, sizeof g->problem,
                 "the lock's %u bytes are more than this inspector reads", d->lock_size);
        return;
    }
    if (lmi_read(mem, g->addr, lock, d->lock_size, &f) != 0) {
        snprintf(g->problem, sizeof g->problem, "its lock at 0x%" PRIx64 " is %s (byte 0x%" PRIx64 ")",
                 g->addr, lmi_status_str(f.status), f.addr);
        return;
    }
    uint32_t magic = (uint32_t)lmi_uint(mem, lock + d->lock_magic_off, 4);
    if (magic != d->lock_magic) {
        snprintf(g->problem, sizeof g->problem,
                 "0x%" PRIx64 " is not a live lock (magic 0x%08x, expected 0x%08x)", g->addr, magic,
                 d->lock_magic);
        return;
    }
    g->ok = 1;
    g->kind = (uint32_t)lmi_uint(mem, lock + d->lock_kind, 4);
    g->kind_name = guard_kind_name(g->kind);
    g->parent = lmi_uint(mem, lock + d->lock_parent, l->ptr);
    g->shard = (uint32_t)lmi_uint(mem, lock + d->lock_shard, 4);
    g->nshards = (uint32_t)lmi_uint(mem, lock + d->lock_nshards, 4);
    g->owner = (int32_t)lmi_uint(mem, lock + d->lock_owner, 4);
    uint32_t word = (uint32_t)lmi_uint(mem, lock + d->lock_word, 4);
    if (d->lock_word_writer != 0)
        g->writer = (word & d->lock_word_writer) != 0;
    if (d->lock_word_waiting != 0)
        g->writer_waiting = (word & d->lock_word_waiting) != 0;
    if (d->lock_word_readers != 0)
        g->readers = word & d->lock_word_readers;
    if (l->has_lock_slots && d->lock_nslots != 0) {
        g->readers = 0;
        for (uint32_t i = 0; i < d->lock_nslots; i++)
            g->readers += lmi_uint(mem, lock + d->lock_slots + (uint64_t)i * d->lock_slot_size +
                                            d->lock_slot_readers, 4);
    }
}
