/*
 * model.c — the model's plumbing: growable vectors, init/free, recording
 * an operation or a panic (and telling the observer), names of operation
 * kinds and map labels. Decoding (decode.c) and analysis (analysis.c) fill
 * it through these; outputs only read it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* libmap's operations by their names in debug.h's contract table */
#define OP_NAME(NAME, value, name) [value] = name,
static const char *const kind_names[TL_NKINDS] = {
    LIBMAP_OPS(OP_NAME)
    [TL_ITER_INIT] = "iter_init", [TL_ITER_END] = "iter_end",
    [TL_NEW] = "new",     [TL_FREE] = "free",
};
#undef OP_NAME

const char *tl_kind_name(enum tl_kind k)
{
    return (unsigned)k < TL_NKINDS ? kind_names[k] : "unknown";
}

void *tl_vec_push(struct tl_vec *v)
{
    if (v->len == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 64;
        void *d = realloc(v->data, cap * v->elem);
        if (!d) {
            fputs("libmap-timeline: out of memory\n", stderr);
            abort();
        }
        v->data = d;
        v->cap = cap;
    }
    void *p = (char *)v->data + v->len * v->elem;
    memset(p, 0, v->elem);
    v->len++;
    return p;
}

static void vec_init(struct tl_vec *v, size_t elem)
{
    v->data = NULL;
    v->len = v->cap = 0;
    v->elem = elem;
}

void tl_model_init(struct tl_model *m, bool keep_ops)
{
    memset(m, 0, sizeof *m);
    vec_init(&m->threads, sizeof(struct tl_thread));
    vec_init(&m->maps, sizeof(struct tl_map));
    vec_init(&m->ops, sizeof(struct tl_op));
    vec_init(&m->grows, sizeof(struct tl_grow));
    vec_init(&m->evacs, sizeof(struct tl_evac));
    vec_init(&m->races, sizeof(struct tl_race));
    vec_init(&m->panics, sizeof(struct tl_panic));
    vec_init(&m->locks, sizeof(struct tl_lock));
    vec_init(&m->waits, sizeof(struct tl_wait));
    vec_init(&m->pids, sizeof(int32_t));
    m->panic_op = m->panic_writer_op = TL_NONE;
    m->first_ts = INT64_MAX;
    m->last_ts = INT64_MIN;
    m->keep_ops = keep_ops;
}

void tl_model_observe(struct tl_model *m, struct tl_model_observer *obs)
{
    if (m->observer)
        m->observer->release(m->observer);
    m->observer = obs;
}

void tl_model_add_op(struct tl_model *m, const struct tl_op *op)
{
    TL_AT(m->threads, struct tl_thread, op->thread)->nops[op->kind]++;
    TL_AT(m->maps, struct tl_map, op->map)->nops[op->kind]++;
    m->nops_total++;
    uint64_t idx = TL_NONE;
    if (m->keep_ops) {
        *(struct tl_op *)tl_vec_push(&m->ops) = *op;
        idx = m->ops.len - 1;
    }
    if (m->observer)
        m->observer->op(m->observer, m, op, idx);
}

void tl_model_add_panic(struct tl_model *m, const struct tl_panic *p)
{
    *(struct tl_panic *)tl_vec_push(&m->panics) = *p;
    if (m->observer)
        m->observer->panic(m->observer, m, (uint32_t)(m->panics.len - 1));
}

void tl_model_free(struct tl_model *m)
{
    tl_model_observe(m, NULL);
    tl_model_free_locks(m);
    free(m->locks.data);
    free(m->waits.data);
    free(m->threads.data);
    free(m->maps.data);
    free(m->ops.data);
    free(m->grows.data);
    free(m->evacs.data);
    free(m->races.data);
    free(m->panics.data);
    free(m->pids.data);
    for (int k = 0; k < TL_NKINDS; k++)
        tl_hist_free(&m->lat[k]);
    memset(m, 0, sizeof *m);
}

const char *tl_map_label(const struct tl_map *mp, char buf[32])
{
    if (mp->life)
        snprintf(buf, 32, "0x%llx#%u", (unsigned long long)mp->addr, mp->life);
    else
        snprintf(buf, 32, "0x%llx", (unsigned long long)mp->addr);
    return buf;
}
