/*
 * locks.c — contention in the model: each libmap:lock_wait, decoded into a
 * struct tl_wait, counted on its safe map (struct tl_lock: a libmap_sync
 * or libmap_shard) and on its shard, split by mode (read, write), and kept
 * for the views when the model keeps operations. The decoder finds the
 * lock by its trace identity (identity.c, tl_identity_lock).
 */
#include <stdlib.h>

#include "viewer.h"

const char *tl_lock_kind_name(uint8_t kind)
{
    return kind == 1 ? "sync" : kind == 2 ? "shard" : "unknown";
}

static void count(struct tl_wait_stats *st, uint64_t ns, uint8_t mode)
{
    st->n++;
    st->total_ns += ns;
    if (ns > st->max_ns)
        st->max_ns = ns;
    mode = mode ? TL_WAIT_WRITE : TL_WAIT_READ;
    st->n_mode[mode]++;
    st->total_mode[mode] += ns;
    if (ns > st->max_mode[mode])
        st->max_mode[mode] = ns;
}

/* Shard s of lock l, the vector grown to hold it (new entries: no map). */
static struct tl_shard_waits *shard_of(struct tl_lock *l, uint32_t s)
{
    while (l->shards.len <= s) {
        struct tl_shard_waits *sw = tl_vec_push(&l->shards);
        sw->map = UINT32_MAX;
    }
    return TL_AT(l->shards, struct tl_shard_waits, s);
}

void tl_model_add_wait(struct tl_model *m, const struct tl_wait *w)
{
    struct tl_lock *l = TL_AT(m->locks, struct tl_lock, w->lock);
    uint64_t ns = (uint64_t)(w->end - w->start);
    count(&l->st, ns, w->mode);
    if (w->shard < TL_MAX_SHARDS) {
        struct tl_shard_waits *sw = shard_of(l, w->shard);
        sw->map = w->map;
        count(&sw->st, ns, w->mode);
    } else {
        l->nbad_shards++;
    }
    m->nwaits++;
    if (m->keep_ops)
        *(struct tl_wait *)tl_vec_push(&m->waits) = *w;
}

void tl_model_free_locks(struct tl_model *m)
{
    for (size_t i = 0; i < m->locks.len; i++)
        free(TL_AT(m->locks, struct tl_lock, i)->shards.data);
}
