/*
 * mapread.h — one map's header and type descriptor, read from the core
 * through the layout descriptor, with the derived growth state, and a
 * check that its bucket geometry is sane enough to walk.
 */
#ifndef LIBMAP_INSPECT_MAPREAD_H
#define LIBMAP_INSPECT_MAPREAD_H

#include <stddef.h>
#include <stdint.h>

#include "guard.h"
#include "layout.h"
#include "mem.h"

struct lm_map {
    uint64_t addr;
    uint64_t magic;
    int magic_ok;
    uint64_t count, flags, B, noverflow, hash0;
    uint64_t buckets, oldbuckets, nevacuate, next_overflow, writer, clearseq;
    uint64_t reg_next, reg_prev;
    /* type descriptor */
    uint64_t key_kind, tflags, key_size, value_size, key_slot, value_slot;
    uint64_t bucket_size, key_offset, value_offset, overflow_offset;
    int indirect_key, indirect_value;
    uint64_t hash_fn;     /* user hash callback, for bytes keys */
    int hash_fn_known;    /* the descriptor locates it */
    /* derived */
    int growing, same_size;
    uint64_t nbuckets, oldB, noldbuckets;
    unsigned noverflow_max_b; /* noverflow exact up to this B (the descriptor's) */
    int walkable;         /* geometry sane: the buckets can be walked */
    char problem[256];    /* why not, when not */
    struct lm_guard guard; /* the lock guarding it (a safe map's inner map) */
};

/* Read the map at addr. Returns 0 (check walkable), or -1 with a message
 * when the header itself cannot be read. */
int map_read(struct lm_map *m, const struct lm_layout *l, struct lmi_mem *mem, uint64_t addr,
             char *err, size_t errlen);

const char *key_kind_name(const struct lm_layout *l, uint64_t kind);
/* Whether every key's bucket can be recomputed (no user hash callback). */
int map_hash_known(const struct lm_map *m, const struct lm_layout *l);

/* Writer word fields. */
static inline int writer_held(const struct lm_layout *l, uint64_t w)
{
    return (w & l->d.writer_held) != 0;
}
static inline uint32_t writer_op(const struct lm_layout *l, uint64_t w)
{
    return (uint32_t)(w & l->d.writer_op_mask);
}
static inline int32_t writer_tid(const struct lm_layout *l, uint64_t w)
{
    return (int32_t)(uint32_t)(w >> l->d.writer_tid_shift);
}
/* The write sequence (advanced by every write's start), or -1 when the
 * descriptor predates it. */
static inline int64_t writer_seq(const struct lm_layout *l, uint64_t w)
{
    if (!l->has_writer_seq)
        return -1;
    return (int64_t)((w & l->d.writer_seq_mask) >> l->d.writer_seq_shift);
}
/* The PANIC marker: the thread that detected a race stored its own TID and
 * operation with PANIC, to stop every other thread on this map. The TID is
 * then the detecting thread, not a writer. (0 in a layout without the bit.) */
static inline int writer_panic_marker(const struct lm_layout *l, uint64_t w)
{
    return l->d.writer_panic != 0 && (w & l->d.writer_panic) != 0;
}

#endif
