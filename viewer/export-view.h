/*
 * export-view.h — what the file exports share about a struct tl_view: which
 * operations, growth phases and marks it shows, which threads are used, the
 * time origin of the export, and which race is the headline (the panic's
 * pair, else the first overlap found).
 */
#ifndef LIBMAP_VIEWER_EXPORT_VIEW_H
#define LIBMAP_VIEWER_EXPORT_VIEW_H

#include "export.h"

#define TLX_OPS(m) ((const struct tl_op *)(m)->ops.data)
#define TLX_THREADS(m) ((const struct tl_thread *)(m)->threads.data)
#define TLX_MAPS(m) ((const struct tl_map *)(m)->maps.data)
#define TLX_GROWS(m) ((const struct tl_grow *)(m)->grows.data)
#define TLX_EVACS(m) ((const struct tl_evac *)(m)->evacs.data)
#define TLX_RACES(m) ((const struct tl_race *)(m)->races.data)
#define TLX_WAITS(m) ((const struct tl_wait *)(m)->waits.data)
#define TLX_LOCKS(m) ((const struct tl_lock *)(m)->locks.data)

/* [start, end] on map touches the view (end < start is taken as start). */
static inline bool tlx_shown(const struct tl_view *v, uint32_t map, int64_t start, int64_t end)
{
    if (end < start)
        end = start;
    return (v->map == TL_NONE || v->map == map) && end >= v->from && start <= v->to;
}

static inline bool tlx_op_shown(const struct tl_view *v, const struct tl_op *op)
{
    return tlx_shown(v, op->map, op->start, op->end);
}

/* A growth phase's end for drawing: its grow_done, or the trace's end. */
int64_t tlx_grow_end(const struct tl_model *m, const struct tl_grow *g);

/* Race r of m, when both its operations are shown. */
bool tlx_race_shown(const struct tl_model *m, const struct tl_view *v, size_t r);
bool tlx_panic_shown(const struct tl_model *m, const struct tl_view *v);

/* The race to highlight: the one from the panic, else the first shown, or
 * TL_NONE. */
uint64_t tlx_headline_race(const struct tl_model *m, const struct tl_view *v);

/* The operations at the ends of the shown races, sorted by op, unique:
 * each export fills in what it needs to know about them while it writes
 * the operations (chrome.c: the clipped interval; html.c: the position in
 * the page's list). */
struct tlx_opref {
    uint64_t op;
    int64_t s, e;
    uint64_t pos;
};
/* NULL after a message on stderr (out of memory). */
struct tlx_opref *tlx_race_ops(const struct tl_model *m, const struct tl_view *v, size_t *n);
/* The entry for op, which must be in refs. */
struct tlx_opref *tlx_find_opref(struct tlx_opref *refs, size_t n, uint64_t op);

/* What one pass over the model finds for a view. */
struct tlx_sel {
    bool *thread_used;   /* per thread: something of it is shown */
    size_t nthreads_used;
    uint64_t nops;       /* operations shown */
    uint64_t nwaits;     /* lock waits shown */
    int64_t t0, t1;      /* earliest and latest time shown (t0 > t1: nothing) */
};

/* 0, or -1 after a message on stderr (out of memory). */
int tlx_select(const struct tl_model *m, const struct tl_view *v, struct tlx_sel *s);
void tlx_sel_free(struct tlx_sel *s);

/* tl_kind_name(), with "?" for codes outside the enum. */
const char *tlx_kind(int k);

#endif /* LIBMAP_VIEWER_EXPORT_VIEW_H */
