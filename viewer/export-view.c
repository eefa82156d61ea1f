/*
 * export-view.c — selection of the model's parts that a view shows, shared
 * by the exports (see export-view.h).
 */
#include "export-view.h"

#include <stdio.h>
#include <stdlib.h>

int64_t tlx_grow_end(const struct tl_model *m, const struct tl_grow *g)
{
    if (g->end >= g->start)
        return g->end;
    return m->last_ts > g->start ? m->last_ts : g->start;
}

bool tlx_race_shown(const struct tl_model *m, const struct tl_view *v, size_t r)
{
    const struct tl_race *rc = &TLX_RACES(m)[r];
    if (rc->a >= m->ops.len || rc->b >= m->ops.len)
        return false;
    return tlx_op_shown(v, &TLX_OPS(m)[rc->a]) && tlx_op_shown(v, &TLX_OPS(m)[rc->b]);
}

bool tlx_panic_shown(const struct tl_model *m, const struct tl_view *v)
{
    return m->panic.present && m->panic.thread < m->threads.len &&
           tlx_shown(v, m->panic.map, m->panic.ts, m->panic.ts);
}

uint64_t tlx_headline_race(const struct tl_model *m, const struct tl_view *v)
{
    uint64_t first = TL_NONE;
    for (size_t r = 0; r < m->races.len; r++) {
        if (!tlx_race_shown(m, v, r))
            continue;
        if (TLX_RACES(m)[r].from_panic)
            return r;
        if (first == TL_NONE)
            first = r;
    }
    return first;
}

static void use(struct tlx_sel *s, uint32_t thread, size_t nthreads, int64_t a, int64_t b)
{
    if (thread < nthreads && !s->thread_used[thread]) {
        s->thread_used[thread] = true;
        s->nthreads_used++;
    }
    if (a < s->t0)
        s->t0 = a;
    if (b > s->t1)
        s->t1 = b;
}

int tlx_select(const struct tl_model *m, const struct tl_view *v, struct tlx_sel *s)
{
    size_t nt = m->threads.len;
    s->thread_used = calloc(nt ? nt : 1, sizeof *s->thread_used);
    if (s->thread_used == NULL) {
        fprintf(stderr, "libmap-timeline: out of memory\n");
        return -1;
    }
    s->nthreads_used = 0;
    s->nops = 0;
    s->nwaits = 0;
    s->t0 = INT64_MAX;
    s->t1 = INT64_MIN;
    const struct tl_op *ops = TLX_OPS(m);
    for (size_t i = 0; i < m->ops.len; i++) {
        if (!tlx_op_shown(v, &ops[i]))
            continue;
        s->nops++;
        use(s, ops[i].thread, nt, ops[i].start, ops[i].end > ops[i].start ? ops[i].end : ops[i].start);
    }
    for (size_t i = 0; i < m->grows.len; i++) {
        const struct tl_grow *g = &TLX_GROWS(m)[i];
        int64_t e = tlx_grow_end(m, g);
        if (tlx_shown(v, g->map, g->start, e))
            use(s, g->thread, nt, g->start < v->from ? v->from : g->start, e > v->to ? v->to : e);
    }
    for (size_t i = 0; i < m->evacs.len; i++) {
        const struct tl_evac *e = &TLX_EVACS(m)[i];
        if (tlx_shown(v, e->map, e->ts, e->ts))
            use(s, e->thread, nt, e->ts, e->ts);
    }
    for (size_t i = 0; i < m->waits.len; i++) {
        const struct tl_wait *w = &TLX_WAITS(m)[i];
        if (!tlx_shown(v, w->map, w->start, w->end))
            continue;
        s->nwaits++;
        use(s, w->thread, nt, w->start, w->end);
    }
    if (tlx_panic_shown(m, v))
        use(s, m->panic.thread, nt, m->panic.ts, m->panic.ts);
    return 0;
}

void tlx_sel_free(struct tlx_sel *s)
{
    free(s->thread_used);
    s->thread_used = NULL;
}

const char *tlx_kind(int k)
{
    if (k < TL_ASSIGN || k >= TL_NKINDS)
        return "?";
    const char *n = tl_kind_name((enum tl_kind)k);
    return n ? n : "?";
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

struct tlx_opref *tlx_race_ops(const struct tl_model *m, const struct tl_view *v, size_t *n)
{
    uint64_t *idx = malloc((2 * m->races.len + 1) * sizeof *idx);
    struct tlx_opref *refs = malloc((2 * m->races.len + 1) * sizeof *refs);
    if (idx == NULL || refs == NULL) {
        fprintf(stderr, "libmap-timeline: out of memory\n");
        free(idx);
        free(refs);
        return NULL;
    }
    size_t k = 0;
    for (size_t r = 0; r < m->races.len; r++)
        if (tlx_race_shown(m, v, r)) {
            idx[k++] = TLX_RACES(m)[r].a;
            idx[k++] = TLX_RACES(m)[r].b;
        }
    qsort(idx, k, sizeof *idx, cmp_u64);
    *n = 0;
    for (size_t i = 0; i < k; i++) {
        if (*n && refs[*n - 1].op == idx[i])
            continue;
        const struct tl_op *op = &TLX_OPS(m)[idx[i]];
        refs[(*n)++] = (struct tlx_opref){idx[i], op->start, op->end, TL_NONE};
    }
    free(idx);
    return refs;
}

struct tlx_opref *tlx_find_opref(struct tlx_opref *refs, size_t n, uint64_t op)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (refs[mid].op < op)
            lo = mid + 1;
        else
            hi = mid;
    }
    return &refs[lo];
}
