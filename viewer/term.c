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
 * evacuation. Below the lanes, one row per map that grows in the window
 * (= doubling, ~ same-size, | done) and a row marking the overlap of the
 * colliding writes (^) and the panic (!). Lanes are sorted by process, and
 * a trace of several processes gets a heading line per process.
 */
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "viewer.h"

#define LABEL 24          /* "> 1234567 procname-16ch " */
#define MAX_LANES 40
#define MAX_MAP_ROWS 4

enum { C_NONE, C_ASSIGN, C_DELETE, C_CLEAR, C_READ, C_GROW, C_EVAC, C_RACE, C_PANIC, C_DIM };
static const char *const sgr[] = {
    [C_NONE] = "", [C_ASSIGN] = "32", [C_DELETE] = "33", [C_CLEAR] = "35",
    [C_READ] = "36", [C_GROW] = "34", [C_EVAC] = "2;34", [C_RACE] = "1;7;31",
    [C_PANIC] = "1;31", [C_DIM] = "2",
};

struct row {
    char *ch;
    unsigned char *prio, *col;
};

struct grid {
    int w;                 /* plot columns */
    int64_t from, to;
    double ns_per_col;
};

static int col_of(const struct grid *g, int64_t t)
{
    if (t <= g->from)
        return 0;
    double c = (double)(t - g->from) / g->ns_per_col;
    return c >= g->w ? g->w - 1 : (int)c;
}

static void row_init(struct row *r, int w)
{
    r->ch = malloc((size_t)w);
    r->prio = calloc((size_t)w, 1);
    r->col = calloc((size_t)w, 1);
    if (!r->ch || !r->prio || !r->col)
        abort();
    memset(r->ch, ' ', (size_t)w);
}

static void row_free(struct row *r)
{
    free(r->ch);
    free(r->prio);
    free(r->col);
}

static void put(struct row *r, int c, char ch, int prio, int color)
{
    if (prio >= r->prio[c]) {
        r->ch[c] = ch;
        r->prio[c] = (unsigned char)prio;
        r->col[c] = (unsigned char)color;
    }
}

static void span(struct row *r, const struct grid *g, int64_t a, int64_t b, char first,
                 char rest, int prio, int color)
{
    int c0 = col_of(g, a), c1 = col_of(g, b);
    for (int c = c1; c > c0; c--)
        put(r, c, rest, prio, color);
    put(r, c0, first, prio, color);
}

static void row_print(FILE *out, const struct row *r, int w, bool color)
{
    int cur = C_NONE;
    for (int c = 0; c < w; c++) {
        int want = color ? r->col[c] : C_NONE;
        if (want != cur) {
            fputs("\033[0m", out);
            if (want != C_NONE)
                fprintf(out, "\033[%sm", sgr[want]);
            cur = want;
        }
        fputc(r->ch[c], out);
    }
    if (cur != C_NONE)
        fputs("\033[0m", out);
    /* trailing blanks trimmed by the caller's reader; keep lines tidy */
    fputc('\n', out);
}

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

/* Tick spacing: a 1-2-5 step at least 14 columns apart. */
static int64_t tick_step(double ns_per_col)
{
    double want = ns_per_col * 14;
    int64_t step = 1;
    for (;;) {
        if (step >= want) return step;
        if (step * 2 >= want) return step * 2;
        if (step * 5 >= want) return step * 5;
        step *= 10;
    }
}

static void print_axis(FILE *out, const struct grid *g)
{
    int64_t step = tick_step(g->ns_per_col);
    char *labels = malloc((size_t)g->w + 32), *ruler = malloc((size_t)g->w + 1);
    if (!labels || !ruler)
        abort();
    memset(labels, ' ', (size_t)g->w + 31);
    labels[g->w + 31] = '\0';
    memset(ruler, '-', (size_t)g->w);
    ruler[g->w] = '\0';
    int next_free = 0;
    for (int64_t t = 0; g->from + t <= g->to; t += step) {
        int c = col_of(g, g->from + t);
        ruler[c] = '+';
        char buf[32], lab[40];
        snprintf(lab, sizeof lab, "%s", t ? tl_fmt_dur(t, buf) : "0");
        int len = (int)strlen(lab);
        if (c >= next_free && c + len <= g->w) {
            memcpy(labels + c, lab, (size_t)len);
            next_free = c + len + 2;
        }
    }
    int end = g->w;
    while (end > 0 && labels[end - 1] == ' ')
        end--;
    labels[end] = '\0';
    fprintf(out, "%*s%s\n%*s%s\n", LABEL, "", labels, LABEL, "", ruler);
    free(labels);
    free(ruler);
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

void tl_print_timeline(FILE *out, const struct tl_model *m, const struct tl_view *v,
                       const struct tl_style *st, const char *title)
{
    struct grid g = {.w = st->width - LABEL, .from = v->from, .to = v->to};
    if (g.w < 16)
        g.w = 16;
    g.ns_per_col = (double)(v->to - v->from + 1) / g.w;
    if (g.ns_per_col <= 0)
        g.ns_per_col = 1;

    /* lanes: threads with something in the window */
    uint32_t *lane_of = malloc(m->threads.len * sizeof *lane_of + 1);
    uint32_t *threads = malloc(m->threads.len * sizeof *threads + 1);
    if (!lane_of || !threads)
        abort();
    for (size_t i = 0; i < m->threads.len; i++)
        lane_of[i] = UINT32_MAX;
    size_t nlanes = 0;
    for (size_t i = 0; i < m->ops.len; i++) {
        const struct tl_op *op = TL_AT(m->ops, struct tl_op, i);
        if (in_view(v, op->map, op->start, op->end) && lane_of[op->thread] == UINT32_MAX) {
            lane_of[op->thread] = 0;
            threads[nlanes++] = op->thread;
        }
    }
    qsort_r(threads, nlanes, sizeof *threads, lane_cmp, (void *)m);
    size_t shown = nlanes < MAX_LANES ? nlanes : MAX_LANES;
    for (size_t l = 0; l < nlanes; l++)
        lane_of[threads[l]] = l < shown ? (uint32_t)l : UINT32_MAX;

    struct row *rows = calloc(shown + 1, sizeof *rows);
    if (!rows)
        abort();
    for (size_t l = 0; l < shown; l++)
        row_init(&rows[l], g.w);

    for (size_t i = 0; i < m->ops.len; i++) {
        const struct tl_op *op = TL_AT(m->ops, struct tl_op, i);
        if (!in_view(v, op->map, op->start, op->end) || lane_of[op->thread] == UINT32_MAX)
            continue;
        char first, rest;
        int prio, color;
        glyph(op->kind, &first, &rest, &prio, &color);
        if (op->flags & TL_OP_PANIC) {
            prio = 5;
            color = C_RACE;
        }
        span(&rows[lane_of[op->thread]], &g, op->start, op->end, first, rest, prio, color);
    }
    for (size_t i = 0; i < m->evacs.len; i++) {
        const struct tl_evac *e = TL_AT(m->evacs, struct tl_evac, i);
        if (in_view(v, e->map, e->ts, e->ts) && lane_of[e->thread] != UINT32_MAX)
            put(&rows[lane_of[e->thread]], col_of(&g, e->ts), 'e', 1, C_EVAC);
    }
    for (size_t i = 0; i < m->grows.len; i++) {
        const struct tl_grow *gr = TL_AT(m->grows, struct tl_grow, i);
        if (in_view(v, gr->map, gr->start, gr->start) && lane_of[gr->thread] != UINT32_MAX)
            put(&rows[lane_of[gr->thread]], col_of(&g, gr->start), 'G', 4, C_GROW);
    }
    bool panic_shown = m->panic.present && in_view(v, m->panic.map, m->panic.ts, m->panic.ts);
    for (size_t i = 0; i < m->panics.len; i++) { /* every process's panic */
        const struct tl_panic *p = TL_AT(m->panics, struct tl_panic, i);
        if (in_view(v, p->map, p->ts, p->ts) && lane_of[p->thread] != UINT32_MAX)
            put(&rows[lane_of[p->thread]], col_of(&g, p->ts), '!', 6, C_PANIC);
    }

    /* header */
    char b1[32], b2[32], b3[32];
    if (title)
        fprintf(out, "trace %s\n", title);
    fprintf(out, "window %s .. %s (%s, %s per column)%s\n", tl_fmt_ts(v->from, b1),
            tl_fmt_ts(v->to, b2), tl_fmt_dur(v->to - v->from, b3),
            tl_fmt_dur((int64_t)(g.ns_per_col + 0.5), (char[32]){0}),
            panic_shown && m->panic_op != TL_NONE && v->to - v->from < m->last_ts - m->first_ts
                ? "  [race window]" : "");
    print_axis(out, &g);
    /* lanes are sorted by process: a trace of several gets a line per process */
    bool several = shown > 0 && TL_AT(m->threads, struct tl_thread, threads[0])->vpid !=
                                    TL_AT(m->threads, struct tl_thread, threads[shown - 1])->vpid;
    for (size_t l = 0; l < shown; l++) {
        const struct tl_thread *t = TL_AT(m->threads, struct tl_thread, threads[l]);
        if (several && (l == 0 || TL_AT(m->threads, struct tl_thread, threads[l - 1])->vpid != t->vpid))
            fprintf(out, "  process %d (%s)\n", t->vpid, t->procname[0] ? t->procname : "?");
        bool racer = false;
        if (m->panic.present && (threads[l] == m->panic.thread ||
                                 (m->panic_writer_op != TL_NONE &&
                                  TL_AT(m->ops, struct tl_op, m->panic_writer_op)->thread == threads[l])))
            racer = true;
        fprintf(out, "%c %7d %-14.14s ", racer ? '>' : ' ', t->vtid, t->procname);
        row_print(out, &rows[l], g.w, st->color);
        row_free(&rows[l]);
    }
    if (nlanes > shown)
        fprintf(out, "  ... %zu more threads (use --map or a shorter window)\n", nlanes - shown);
    if (!nlanes)
        fprintf(out, "  (no operations in this window)\n");

    /* growth rows, one per map growing in the window */
    int nmaprows = 0;
    for (size_t mi = 0; mi < m->maps.len && nmaprows < MAX_MAP_ROWS; mi++) {
        struct row r;
        bool any = false;
        for (size_t i = 0; i < m->grows.len; i++) {
            const struct tl_grow *gr = TL_AT(m->grows, struct tl_grow, i);
            int64_t end = gr->end < 0 ? m->last_ts : gr->end;
            if (gr->map != mi || !in_view(v, gr->map, gr->start, end))
                continue;
            if (!any)
                row_init(&r, g.w);
            any = true;
            char fill = gr->same_size ? '~' : '=';
            span(&r, &g, gr->start, end, 'G', fill, 2, C_GROW);
            /* the end mark, unless it would hide the G of a growth that
             * starts and ends in one column */
            if (gr->end >= 0 && gr->end <= v->to &&
                !(gr->start >= v->from && col_of(&g, gr->end) == col_of(&g, gr->start)))
                put(&r, col_of(&g, gr->end), '|', 3, C_GROW);
        }
        if (!any)
            continue;
        char lab[32];
        fprintf(out, "  grow %-17.17s ", tl_map_label(TL_AT(m->maps, struct tl_map, mi), lab));
        row_print(out, &r, g.w, st->color);
        row_free(&r);
        nmaprows++;
    }

    /* overlap row: the panic's pair, else every race in view */
    struct row r;
    row_init(&r, g.w);
    bool any = false;
    for (size_t i = 0; i < m->races.len; i++) {
        const struct tl_race *rc = TL_AT(m->races, struct tl_race, i);
        const struct tl_op *a = TL_AT(m->ops, struct tl_op, rc->a);
        if (m->panic.present && !rc->from_panic)
            continue;
        if (rc->overlap_end < rc->overlap_start ||
            !in_view(v, a->map, rc->overlap_start, rc->overlap_end))
            continue;
        span(&r, &g, rc->overlap_start, rc->overlap_end, '^', '^', 2, C_RACE);
        any = true;
    }
    if (panic_shown) {
        put(&r, col_of(&g, m->panic.ts), '!', 3, C_PANIC);
        any = true;
    }
    if (any) {
        fprintf(out, "  %-22s", panic_shown ? "overlap / panic" : "overlap");
        row_print(out, &r, g.w, st->color);
    }
    row_free(&r);
    fprintf(out, "  A assign  D delete  C clear  l lookup  i iterate  N new  F free  "
                 "G grow  e evacuate  ! panic  ^ overlap  > racing thread\n");
    free(rows);
    free(lane_of);
    free(threads);
}
