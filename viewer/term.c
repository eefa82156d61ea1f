/*
 * term.c — the terminal view: one lane per thread, operations as bars on a
 * time axis that fits the terminal width.
 *
 * Each lane is a row of cells, one per column (a column covers
 * span/ncols ns). An operation fills the cells from its start column to its
 * end column: its kind's capital letter in the first cell, the small letter
 * after it (so back-to-back operations stay distinct: "AaaDdd"). When
 * several things fall in one cell the most important wins: panic mark >
 * colliding op > grow start > write > lookup/iteration/new/free >
 * evacuation, lock wait ('w', from the wait's start to holding the
 * lock). Below the lanes, one row per map that grows in the window
 * (= doubling, ~ same-size, | done) and a row marking the overlap of the
 * colliding writes (^) and the panic (!). Lanes are sorted by process, and
 * a trace of several processes gets a heading line per process. The cells,
 * rows and axis are term-grid.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "term-grid.h"
#include "viewer.h"

#define MAX_LANES 40
#define MAX_MAP_ROWS 4

static bool in_view(const struct tl_view *v, uint32_t map, int64_t s, int64_t e)
{
    return (v->map == TL_NONE || v->map == map) && e >= v->from && s <= v->to;
}

static void glyph(int kind, char *first, char *rest, int *prio, int *color)
{
    *prio = 3;
    switch (kind) {
    case TL_ASSIGN: *first = 'A'; *rest = 'a'; *color = C_ASSIGN; return;
    case TL_DELETE: *first = 'D'; *rest = 'd'; *color = C_DELETE; return;
    case TL_CLEAR: *first = 'C'; *rest = 'c'; *color = C_CLEAR; return;
    case TL_LOOKUP: *first = *rest = 'l'; break;
    case TL_ITERATE: *first = *rest = 'i'; break;
    case TL_ITER_INIT: *first = *rest = '['; break;
    case TL_ITER_END: *first = *rest = ']'; break;
    case TL_NEW: *first = *rest = 'N'; break;
    case TL_FREE: *first = *rest = 'F'; break;
    default: *first = *rest = '?'; break;
    }
    *prio = 2;
    *color = C_READ;
}

static int lane_cmp(const void *x, const void *y, void *ctx)
{
    const struct tl_model *m = ctx;
    const struct tl_thread *a = TL_AT(m->threads, struct tl_thread, *(const uint32_t *)x);
    const struct tl_thread *b = TL_AT(m->threads, struct tl_thread, *(const uint32_t *)y);
    if (a->vpid != b->vpid)
        return a->vpid < b->vpid ? -1 : 1;
    return (a->vtid > b->vtid) - (a->vtid < b->vtid);
}

/* The threads with something in the view, sorted by process and thread;
 * the first MAX_LANES of them are shown, lane_of[thread] their row. */
struct lanes {
    uint32_t *lane_of;     /* per thread: its row, UINT32_MAX when not shown */
    uint32_t *threads;     /* per lane: its thread */
    size_t n, shown;
};

static void choose_lanes(const struct tl_model *m, const struct tl_view *v, struct lanes *ln)
{
    ln->lane_of = malloc(m->threads.len * sizeof *ln->lane_of + 1);
    ln->threads = malloc(m->threads.len * sizeof *ln->threads + 1);
    if (!ln->lane_of || !ln->threads)
        abort();
    for (size_t i = 0; i < m->threads.len; i++)
        ln->lane_of[i] = UINT32_MAX;
    ln->n = 0;
    for (size_t i = 0; i < m->ops.len; i++) {
        const struct tl_op *op = TL_AT(m->ops, struct tl_op, i);
        if (in_view(v, op->map, op->start, op->end) && ln->lane_of[op->thread] == UINT32_MAX) {
            ln->lane_of[op->thread] = 0;
            ln->threads[ln->n++] = op->thread;
        }
    }
    qsort_r(ln->threads, ln->n, sizeof *ln->threads, lane_cmp, (void *)m);
    ln->shown = ln->n < MAX_LANES ? ln->n : MAX_LANES;
    for (size_t l = 0; l < ln->n; l++)
        ln->lane_of[ln->threads[l]] = l < ln->shown ? (uint32_t)l : UINT32_MAX;
}

static void free_lanes(struct lanes *ln)
{
    free(ln->lane_of);
    free(ln->threads);
}

/* Operations, lock waits, evacuations, grow starts and panics into their
 * lanes' rows; returns how many lock waits were drawn. */
static uint64_t draw_lanes(const struct tl_model *m, const struct tl_view *v, const struct grid *g,
                           const struct lanes *ln, struct row *rows)
{
    uint64_t nwaits = 0;
    for (size_t i = 0; i < m->waits.len; i++) {
        const struct tl_wait *w = TL_AT(m->waits, struct tl_wait, i);
        if (in_view(v, w->map, w->start, w->end) && ln->lane_of[w->thread] != UINT32_MAX) {
            span(&rows[ln->lane_of[w->thread]], g, w->start, w->end, 'w', 'w', 1, C_READ);
            nwaits++;
        }
    }
    for (size_t i = 0; i < m->ops.len; i++) {
        const struct tl_op *op = TL_AT(m->ops, struct tl_op, i);
        if (!in_view(v, op->map, op->start, op->end) || ln->lane_of[op->thread] == UINT32_MAX)
            continue;
        char first, rest;
        int prio, color;
        glyph(op->kind, &first, &rest, &prio, &color);
        if (op->flags & TL_OP_PANIC) {
            prio = 5;
            color = C_RACE;
        }
        span(&rows[ln->lane_of[op->thread]], g, op->start, op->end, first, rest, prio, color);
    }
    for (size_t i = 0; i < m->evacs.len; i++) {
        const struct tl_evac *e = TL_AT(m->evacs, struct tl_evac, i);
        if (in_view(v, e->map, e->ts, e->ts) && ln->lane_of[e->thread] != UINT32_MAX)
            put(&rows[ln->lane_of[e->thread]], col_of(g, e->ts), 'e', 1, C_EVAC);
    }
    for (size_t i = 0; i < m->grows.len; i++) {
        const struct tl_grow *gr = TL_AT(m->grows, struct tl_grow, i);
        if (in_view(v, gr->map, gr->start, gr->start) && ln->lane_of[gr->thread] != UINT32_MAX)
            put(&rows[ln->lane_of[gr->thread]], col_of(g, gr->start), 'G', 4, C_GROW);
    }
    for (size_t i = 0; i < m->panics.len; i++) { /* every process's panic */
        const struct tl_panic *p = TL_AT(m->panics, struct tl_panic, i);
        if (in_view(v, p->map, p->ts, p->ts) && ln->lane_of[p->thread] != UINT32_MAX)
            put(&rows[ln->lane_of[p->thread]], col_of(g, p->ts), '!', 6, C_PANIC);
    }
    return nwaits;
}

static void print_header(FILE *out, const struct tl_model *m, const struct tl_view *v,
                         const struct grid *g, const char *title, bool panic_shown)
{
    char b1[32], b2[32], b3[32], b4[32];
    if (title)
        fprintf(out, "trace %s\n", title);
    fprintf(out, "window %s .. %s (%s, %s per column)%s\n", tl_fmt_ts(v->from, b1),
            tl_fmt_ts(v->to, b2), tl_fmt_dur(v->to - v->from, b3),
            tl_fmt_dur((int64_t)(g->ns_per_col + 0.5), b4),
            panic_shown && m->panic_op != TL_NONE && v->to - v->from < m->last_ts - m->first_ts
                ? "  [race window]" : "");
    print_axis(out, g);
}

/* A thread of the panic's colliding pair (marked '>'). */
static bool is_racer(const struct tl_model *m, uint32_t thread)
{
    return m->panic.present &&
           (thread == m->panic.thread ||
            (m->panic_writer_op != TL_NONE &&
             TL_AT(m->ops, struct tl_op, m->panic_writer_op)->thread == thread));
}

/* The lanes, with a heading per process when the view holds several. */
static void print_lanes(FILE *out, const struct tl_model *m, const struct lanes *ln,
                        const struct row *rows, int w, bool color)
{
    const uint32_t *threads = ln->threads;
    bool several = ln->shown > 0 &&
                   TL_AT(m->threads, struct tl_thread, threads[0])->vpid !=
                       TL_AT(m->threads, struct tl_thread, threads[ln->shown - 1])->vpid;
    for (size_t l = 0; l < ln->shown; l++) {
        const struct tl_thread *t = TL_AT(m->threads, struct tl_thread, threads[l]);
        if (several && (l == 0 || TL_AT(m->threads, struct tl_thread, threads[l - 1])->vpid != t->vpid))
            fprintf(out, "  process %d (%s)\n", t->vpid, t->procname[0] ? t->procname : "?");
        fprintf(out, "%c %7d %-14.14s ", is_racer(m, threads[l]) ? '>' : ' ', t->vtid,
                t->procname);
        row_print(out, &rows[l], w, color);
    }
    if (ln->n > ln->shown)
        fprintf(out, "  ... %zu more threads (use --map or a shorter window)\n", ln->n - ln->shown);
    if (!ln->n)
        fprintf(out, "  (no operations in this window)\n");
}

/* The growth phases of map mi in the view into r; false when none. */
static bool draw_grow_row(const struct tl_model *m, const struct tl_view *v, const struct grid *g,
                          size_t mi, struct row *r)
{
    bool any = false;
    for (size_t i = 0; i < m->grows.len; i++) {
        const struct tl_grow *gr = TL_AT(m->grows, struct tl_grow, i);
        int64_t end = gr->end < 0 ? m->last_ts : gr->end;
        if (gr->map != mi || !in_view(v, gr->map, gr->start, end))
            continue;
        if (!any)
            row_init(r, g->w);
        any = true;
        char fill = gr->same_size ? '~' : '=';
        span(r, g, gr->start, end, 'G', fill, 2, C_GROW);
        /* the end mark, unless it would hide the G of a growth that
         * starts and ends in one column */
        if (gr->end >= 0 && gr->end <= v->to &&
            !(gr->start >= v->from && col_of(g, gr->end) == col_of(g, gr->start)))
            put(r, col_of(g, gr->end), '|', 3, C_GROW);
    }
    return any;
}

/* One row per map growing in the view, at most MAX_MAP_ROWS. */
static void print_grow_rows(FILE *out, const struct tl_model *m, const struct tl_view *v,
                            const struct grid *g, bool color)
{
    int nmaprows = 0;
    for (size_t mi = 0; mi < m->maps.len && nmaprows < MAX_MAP_ROWS; mi++) {
        struct row r;
        if (!draw_grow_row(m, v, g, mi, &r))
            continue;
        char lab[32];
        fprintf(out, "  grow %-17.17s ", tl_map_label(TL_AT(m->maps, struct tl_map, mi), lab));
        row_print(out, &r, g->w, color);
        row_free(&r);
        nmaprows++;
    }
}

/* The overlap row: the panic's pair, else every race in view. */
static void print_overlap_row(FILE *out, const struct tl_model *m, const struct tl_view *v,
                              const struct grid *g, bool color, bool panic_shown)
{
    struct row r;
    row_init(&r, g->w);
    bool any = false;
    for (size_t i = 0; i < m->races.len; i++) {
        const struct tl_race *rc = TL_AT(m->races, struct tl_race, i);
        const struct tl_op *a = TL_AT(m->ops, struct tl_op, rc->a);
        if (m->panic.present && !rc->from_panic)
            continue;
        if (rc->overlap_end < rc->overlap_start ||
            !in_view(v, a->map, rc->overlap_start, rc->overlap_end))
            continue;
        span(&r, g, rc->overlap_start, rc->overlap_end, '^', '^', 2, C_RACE);
        any = true;
    }
    if (panic_shown) {
        put(&r, col_of(g, m->panic.ts), '!', 3, C_PANIC);
        any = true;
    }
    if (any) {
        fprintf(out, "  %-22s", panic_shown ? "overlap / panic" : "overlap");
        row_print(out, &r, g->w, color);
    }
    row_free(&r);
}

void tl_print_timeline(FILE *out, const struct tl_model *m, const struct tl_view *v,
                       const struct tl_style *st, const char *title)
{
    struct grid g = grid_make(st->width - TERM_LABEL, v->from, v->to);
    struct lanes ln;
    choose_lanes(m, v, &ln);
    struct row *rows = calloc(ln.shown + 1, sizeof *rows);
    if (!rows)
        abort();
    for (size_t l = 0; l < ln.shown; l++)
        row_init(&rows[l], g.w);
    uint64_t nwaits = draw_lanes(m, v, &g, &ln, rows);

    bool panic_shown = m->panic.present && in_view(v, m->panic.map, m->panic.ts, m->panic.ts);
    print_header(out, m, v, &g, title, panic_shown);
    print_lanes(out, m, &ln, rows, g.w, st->color);
    print_grow_rows(out, m, v, &g, st->color);
    print_overlap_row(out, m, v, &g, st->color, panic_shown);
    fprintf(out, "  A assign  D delete  C clear  l lookup  i iterate  N new  F free  "
                 "G grow  e evacuate  ! panic  ^ overlap  > racing thread%s\n",
            nwaits ? "  w lock wait" : "");
    for (size_t l = 0; l < ln.shown; l++)
        row_free(&rows[l]);
    free(rows);
    free_lanes(&ln);
}
