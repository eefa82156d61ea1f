/*
 * html.c — tl_write_html(): one self-contained HTML page (no network) with
 * an SVG timeline of the view. The page is static text (viewer/html/, CSS
 * and script embedded at build time) around the data, written here as JSON
 * in a <script type="application/json"> block (json_put_str escapes < > & / so
 * no data can end the block) and a heading with the race summary (HTML
 * escaped). The script (viewer/html/timeline.js) draws lanes, operations,
 * growth bands, evacuations, lock waits, the panic and the race; docs/timeline-exports.md
 * describes the page and its DOM hooks.
 *
 * Big views: above TLX_HTML_MAX_OPS operations, the page keeps that many in
 * detail around the focus (the panic, else the headline race, else the
 * trace's end) plus every race operation, and draws all of them as a
 * density strip per lane (TLX_HTML_BINS bins); the page says so.
 */
#include "json.h"
#include "export-view.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define TLX_HTML_MAX_OPS 200000
#define TLX_HTML_BINS 1000

extern const char tlx_timeline_js[], tlx_timeline_css[];

struct page {
    const struct tl_model *m;
    const struct tl_view *v;
    struct json *o;
    struct tlx_sel sel;
    uint32_t *lane;          /* per model thread: lane index, UINT32_MAX unused */
    struct tlx_opref *refs;  /* race operations; pos: index in the page's ops */
    size_t nrefs;
    uint64_t headline;       /* race index or TL_NONE */
    uint64_t nraces;         /* races shown */
    bool agg;                /* aggregated: only ordinals [keep_lo, keep_hi) in detail */
    uint64_t keep_lo, keep_hi;
    int64_t keep_from, keep_to;
    uint32_t *density;       /* lanes x TLX_HTML_BINS when agg */
};

static void fmt_dur(char *b, size_t n, int64_t ns)
{
    double a = (double)(ns < 0 ? -ns : ns);
    const char *sign = ns < 0 ? "-" : "";
    if (a < 1e3)
        snprintf(b, n, "%s%" PRId64 " ns", sign, ns < 0 ? -ns : ns);
    else if (a < 1e6)
        snprintf(b, n, "%s%.3f us", sign, a / 1e3);
    else if (a < 1e9)
        snprintf(b, n, "%s%.3f ms", sign, a / 1e6);
    else
        snprintf(b, n, "%s%.3f s", sign, a / 1e9);
}

static const struct tl_thread *thr(const struct tl_model *m, uint32_t t)
{
    return &TLX_THREADS(m)[t];
}

static uint64_t map_addr(const struct tl_model *m, uint32_t map)
{
    return map < m->maps.len ? TLX_MAPS(m)[map].addr : 0;
}

/* The one-sentence summary: heading and <title>. */
static void summary(const struct page *p, char *b, size_t n)
{
    const struct tl_model *m = p->m;
    char d[32] = "";
    if (p->headline != TL_NONE) {
        const struct tl_race *r = &TLX_RACES(m)[p->headline];
        fmt_dur(d, sizeof d, r->overlap_end - r->overlap_start);
    }
    if (tlx_panic_shown(m, p->v)) {
        const struct tl_panic *pn = &m->panic;
        int k = snprintf(b, n, "%s on map 0x%" PRIx64 ": thread %d (%s) and thread %d (%s)",
                         pn->message[0] ? pn->message : "panic", map_addr(m, pn->map), pn->tid,
                         tlx_kind(pn->op), pn->writer_tid, tlx_kind(pn->writer_op));
        const struct tl_race *r = p->headline != TL_NONE ? &TLX_RACES(m)[p->headline] : NULL;
        if (r && r->from_panic && k > 0 && (size_t)k < n && r->overlap_end >= r->overlap_start)
            snprintf(b + k, n - (size_t)k, ", overlap %s", d);
        else if (r && r->from_panic && k > 0 && (size_t)k < n)
            snprintf(b + k, n - (size_t)k, ", no overlap in the trace (%s apart)", d + (d[0] == '-'));
        else if (k > 0 && (size_t)k < n)
            snprintf(b + k, n - (size_t)k, " (colliding operations not in view)");
    } else if (p->headline != TL_NONE) {
        const struct tl_race *r = &TLX_RACES(m)[p->headline];
        const struct tl_op *a = &TLX_OPS(m)[r->a], *c = &TLX_OPS(m)[r->b];
        snprintf(b, n, "race on map 0x%" PRIx64 ": thread %d (%s) and thread %d (%s) overlapped for %s",
                 map_addr(m, a->map), thr(m, a->thread)->vtid, tlx_kind(a->kind),
                 thr(m, c->thread)->vtid, tlx_kind(c->kind), d);
    } else {
        snprintf(b, n, "no race: %" PRIu64 " operations on %zu threads", p->sel.nops,
                 p->sel.nthreads_used);
    }
}

static void head(struct page *p)
{
    struct json *o = p->o;
    char s[512], d[32];
    summary(p, s, sizeof s);
    JSON_LIT(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width\">\n<title>libmap-timeline: ");
    json_put_html(o, s);
    JSON_LIT(o, "</title>\n<style>\n");
    json_puts(o, tlx_timeline_css);
    JSON_LIT(o, "</style>\n</head>\n<body>\n<h1 id=\"summary\">");
    json_put_html(o, s);
    JSON_LIT(o, "</h1>\n<p id=\"info\">");
    fmt_dur(d, sizeof d, p->sel.t1 - p->sel.t0);
    snprintf(s, sizeof s, "%" PRIu64 " operations, %zu threads, %" PRIu64 " races, span %s.",
             p->sel.nops, p->sel.nthreads_used, p->nraces, d);
    json_put_html(o, s);
    if (p->m->discarded_events) {
        snprintf(s, sizeof s, " Warning: the trace lost %" PRIu64 " events.",
                 p->m->discarded_events);
        json_put_html(o, s);
    }
    JSON_LIT(o, "</p>\n");
    if (p->agg) {
        char f[32], t[32];
        fmt_dur(f, sizeof f, p->keep_from - p->sel.t0);
        fmt_dur(t, sizeof t, p->keep_to - p->sel.t0);
        snprintf(s, sizeof s,
                 "Big view: %" PRIu64 " operations, more than %d. All are drawn as a density "
                 "strip per thread; %" PRIu64 " are kept in detail, from %s to %s, plus the "
                 "race operations. Zoom there, or narrow the view (time range, --map).",
                 p->sel.nops, TLX_HTML_MAX_OPS, p->keep_hi - p->keep_lo, f, t);
        JSON_LIT(o, "<p id=\"aggregated\">");
        json_put_html(o, s);
        JSON_LIT(o, "</p>\n");
    }
    JSON_LIT(o, "<div id=\"controls\">"
              "<button id=\"zoom-in\" title=\"zoom in\">+</button>"
              "<button id=\"zoom-out\" title=\"zoom out\">&minus;</button>"
              "<button id=\"zoom-race\" title=\"zoom to the race\">race</button>"
              "<button id=\"reset\" title=\"whole view\">reset</button>"
              "<span id=\"range\"></span>"
              "<span class=\"hint\">wheel: zoom &middot; drag: select a range &middot; "
              "hover: details</span></div>\n"
              "<div id=\"chart\"><svg id=\"timeline\"></svg></div>\n"
              "<div id=\"legend\"></div>\n<div id=\"tooltip\" hidden></div>\n"
              "<script type=\"application/json\" id=\"tl-data\">");
}

/* Which ops go in detail: all, or a window of TLX_HTML_MAX_OPS ordinals
 * (shown ops counted in model order, which is end-time order) around the
 * focus. Also counts the density. */
static int plan(struct page *p)
{
    const struct tl_model *m = p->m;
    p->keep_lo = 0;
    p->keep_hi = p->sel.nops;
    p->agg = p->sel.nops > TLX_HTML_MAX_OPS;
    if (!p->agg)
        return 0;
    size_t nl = p->sel.nthreads_used ? p->sel.nthreads_used : 1;
    p->density = calloc(nl * TLX_HTML_BINS, sizeof *p->density);
    if (p->density == NULL) {
        fprintf(stderr, "libmap-timeline: out of memory\n");
        return -1;
    }
    int64_t focus = p->sel.t1;
    if (tlx_panic_shown(m, p->v))
        focus = m->panic.ts;
    else if (p->headline != TL_NONE)
        focus = TLX_RACES(m)[p->headline].overlap_start;
    uint64_t k = 0, kf = TL_NONE;
    double scale = (double)TLX_HTML_BINS / ((double)(p->sel.t1 - p->sel.t0) + 1.0);
    for (size_t i = 0; i < m->ops.len; i++) {
        const struct tl_op *op = &TLX_OPS(m)[i];
        if (!tlx_op_shown(p->v, op))
            continue;
        if (kf == TL_NONE && op->end >= focus)
            kf = k;
        int64_t mid = op->start + (op->end > op->start ? (op->end - op->start) / 2 : 0);
        long bin = (long)((double)(mid - p->sel.t0) * scale);
        bin = bin < 0 ? 0 : bin >= TLX_HTML_BINS ? TLX_HTML_BINS - 1 : bin;
        p->density[(size_t)p->lane[op->thread] * TLX_HTML_BINS + (size_t)bin]++;
        k++;
    }
    if (kf == TL_NONE)
        kf = k;
    /* three quarters before the focus: what led to the panic */
    uint64_t before = TLX_HTML_MAX_OPS / 4 * 3;
    p->keep_lo = kf > before ? kf - before : 0;
    p->keep_hi = p->keep_lo + TLX_HTML_MAX_OPS;
    if (p->keep_hi > p->sel.nops) {
        p->keep_hi = p->sel.nops;
        p->keep_lo = p->keep_hi - TLX_HTML_MAX_OPS;
    }
    /* the detail window's times, for the notice */
    p->keep_from = INT64_MAX;
    p->keep_to = INT64_MIN;
    k = 0;
    for (size_t i = 0; i < m->ops.len && k < p->keep_hi; i++) {
        const struct tl_op *op = &TLX_OPS(m)[i];
        if (!tlx_op_shown(p->v, op))
            continue;
        if (k >= p->keep_lo) {
            if (op->start < p->keep_from)
                p->keep_from = op->start;
            if (op->end > p->keep_to)
                p->keep_to = op->end;
        }
        k++;
    }
    return 0;
}

static void data_threads(struct page *p)
{
    struct json *o = p->o;
    JSON_LIT(o, "\"threads\":[");
    json_list(o);
    for (size_t i = 0; i < p->m->threads.len; i++) {
        if (p->lane[i] == UINT32_MAX)
            continue;
        const struct tl_thread *t = thr(p->m, (uint32_t)i);
        json_item(o);
        JSON_LIT(o, "{\"pid\":");
        json_put_i64(o, t->vpid);
        JSON_LIT(o, ",\"tid\":");
        json_put_i64(o, t->vtid);
        JSON_LIT(o, ",\"name\":");
        json_put_str(o, t->procname, strnlen(t->procname, sizeof t->procname));
        json_putc(o, '}');
    }
    JSON_LIT(o, "],\n\"maps\":[");
    json_list(o);
    for (size_t i = 0; i < p->m->maps.len; i++) {
        json_item(o);
        json_putc(o, '[');
        json_put_hexstr(o, TLX_MAPS(p->m)[i].addr);
        json_putc(o, ',');
        json_put_u64(o, TLX_MAPS(p->m)[i].life);
        json_putc(o, ']');
    }
    JSON_LIT(o, "],\n\"kinds\":[");
    for (int k = 0; k < TL_NKINDS; k++) {
        if (k)
            json_putc(o, ',');
        json_put_strz(o, k ? tlx_kind(k) : "");
    }
    JSON_LIT(o, "],\n");
}

/* ops: [lane, kind, start, dur, map, result, count, B, hash, model index] */
static uint64_t data_ops(struct page *p)
{
    const struct tl_model *m = p->m;
    struct json *o = p->o;
    int64_t t0 = p->sel.t0;
    uint64_t k = 0, pos = 0;
    size_t cur = 0;
    JSON_LIT(o, "\"ops\":[\n");
    json_list(o);
    for (size_t i = 0; i < m->ops.len; i++) {
        const struct tl_op *op = &TLX_OPS(m)[i];
        if (!tlx_op_shown(p->v, op))
            continue;
        uint64_t ord = k++;
        while (cur < p->nrefs && p->refs[cur].op < i)
            cur++;
        bool race = cur < p->nrefs && p->refs[cur].op == i;
        if (!race && (ord < p->keep_lo || ord >= p->keep_hi))
            continue;
        if (race)
            p->refs[cur].pos = pos;
        pos++;
        json_item(o);
        json_putc(o, '[');
        json_put_u64(o, p->lane[op->thread]);
        json_putc(o, ',');
        json_put_u64(o, op->kind);
        json_putc(o, ',');
        json_put_i64(o, op->start - t0);
        json_putc(o, ',');
        json_put_i64(o, op->end > op->start ? op->end - op->start : 0);
        json_putc(o, ',');
        json_put_u64(o, op->map);
        json_putc(o, ',');
        json_put_i64(o, op->result);
        json_putc(o, ',');
        json_put_u64(o, op->count);
        json_putc(o, ',');
        json_put_u64(o, op->B);
        json_putc(o, ',');
        if (op->hash)
            json_put_hexstr(o, op->hash);
        else
            json_putc(o, '0');
        json_putc(o, ',');
        json_put_u64(o, i);
        json_putc(o, ']');
    }
    JSON_LIT(o, "],\n");
    return pos;
}

static bool kept_time(const struct page *p, int64_t t)
{
    return !p->agg || (t >= p->keep_from && t <= p->keep_to);
}

/* grows: [map, lane, start, end, old_B, new_B, same_size, count,
 * noldbuckets, finished]; evacs: [lane, ts, map, nevacuate, noldbuckets] */
static void data_growth(struct page *p)
{
    const struct tl_model *m = p->m;
    struct json *o = p->o;
    int64_t t0 = p->sel.t0;
    JSON_LIT(o, "\"grows\":[");
    json_list(o);
    for (size_t i = 0; i < m->grows.len; i++) {
        const struct tl_grow *g = &TLX_GROWS(m)[i];
        int64_t end = tlx_grow_end(m, g);
        if (g->thread >= m->threads.len || !tlx_shown(p->v, g->map, g->start, end))
            continue;
        json_item(o);
        json_putc(o, '[');
        json_put_u64(o, g->map);
        json_putc(o, ',');
        json_put_u64(o, p->lane[g->thread]);
        json_putc(o, ',');
        json_put_i64(o, g->start - t0);
        json_putc(o, ',');
        json_put_i64(o, end - t0);
        json_putc(o, ',');
        json_put_u64(o, g->old_B);
        json_putc(o, ',');
        json_put_u64(o, g->new_B);
        json_putc(o, ',');
        json_put_u64(o, g->same_size);
        json_putc(o, ',');
        json_put_u64(o, g->count);
        json_putc(o, ',');
        json_put_u64(o, g->noldbuckets);
        json_putc(o, ',');
        json_put_u64(o, g->end >= g->start);
        json_putc(o, ']');
    }
    JSON_LIT(o, "],\n\"evacs\":[");
    json_list(o);
    for (size_t i = 0; i < m->evacs.len; i++) {
        const struct tl_evac *e = &TLX_EVACS(m)[i];
        if (e->thread >= m->threads.len || !tlx_shown(p->v, e->map, e->ts, e->ts) ||
            !kept_time(p, e->ts))
            continue;
        json_item(o);
        json_putc(o, '[');
        json_put_u64(o, p->lane[e->thread]);
        json_putc(o, ',');
        json_put_i64(o, e->ts - t0);
        json_putc(o, ',');
        json_put_u64(o, e->map);
        json_putc(o, ',');
        json_put_u64(o, e->nevacuate);
        json_putc(o, ',');
        json_put_u64(o, e->noldbuckets);
        json_putc(o, ']');
    }
    JSON_LIT(o, "],\n");
}

static void race_obj(struct page *p, size_t r)
{
    struct json *o = p->o;
    const struct tl_race *rc = &TLX_RACES(p->m)[r];
    JSON_LIT(o, "{\"a\":");
    json_put_u64(o, tlx_find_opref(p->refs, p->nrefs, rc->a)->pos);
    JSON_LIT(o, ",\"b\":");
    json_put_u64(o, tlx_find_opref(p->refs, p->nrefs, rc->b)->pos);
    JSON_LIT(o, ",\"os\":");
    json_put_i64(o, rc->overlap_start - p->sel.t0);
    JSON_LIT(o, ",\"oe\":");
    json_put_i64(o, rc->overlap_end - p->sel.t0);
    JSON_LIT(o, ",\"panic\":");
    json_puts(o, rc->from_panic ? "true" : "false");
    json_putc(o, '}');
}

static void data_marks(struct page *p)
{
    const struct tl_model *m = p->m;
    struct json *o = p->o;
    JSON_LIT(o, "\"panic\":");
    if (tlx_panic_shown(m, p->v)) {
        const struct tl_panic *pn = &m->panic;
        JSON_LIT(o, "{\"lane\":");
        json_put_u64(o, p->lane[pn->thread]);
        JSON_LIT(o, ",\"ts\":");
        json_put_i64(o, pn->ts - p->sel.t0);
        JSON_LIT(o, ",\"map\":");
        json_put_u64(o, pn->map);
        JSON_LIT(o, ",\"message\":");
        json_put_str(o, pn->message, strnlen(pn->message, sizeof pn->message));
        JSON_LIT(o, ",\"op\":");
        json_put_u64(o, pn->op);
        JSON_LIT(o, ",\"writer_op\":");
        json_put_u64(o, pn->writer_op);
        JSON_LIT(o, ",\"tid\":");
        json_put_i64(o, pn->tid);
        JSON_LIT(o, ",\"writer_tid\":");
        json_put_i64(o, pn->writer_tid);
        JSON_LIT(o, ",\"writer_held\":");
        json_puts(o, pn->writer_held ? "true" : "false");
        json_putc(o, '}');
    } else {
        JSON_LIT(o, "null");
    }
    JSON_LIT(o, ",\n\"race\":");
    if (p->headline != TL_NONE)
        race_obj(p, p->headline);
    else
        JSON_LIT(o, "null");
    JSON_LIT(o, ",\n\"others\":[");
    json_list(o);
    for (size_t r = 0; r < m->races.len; r++) {
        if (r == p->headline || !tlx_race_shown(m, p->v, r))
            continue;
        json_item(o);
        race_obj(p, r);
    }
    JSON_LIT(o, "],\n");
}

/* waits: [lane, start, duration, mode (0 read, 1 write), safe map address,
 * kind (1 sync, 2 shard), shard, inner map], the first TLX_HTML_MAX_OPS
 * shown; waits_total: all shown */
static void data_waits(struct page *p)
{
    const struct tl_model *m = p->m;
    struct json *o = p->o;
    JSON_LIT(o, "\"waits\":[");
    json_list(o);
    uint64_t n = 0;
    for (size_t i = 0; i < m->waits.len && n < TLX_HTML_MAX_OPS; i++) {
        const struct tl_wait *w = &TLX_WAITS(m)[i];
        if (w->thread >= m->threads.len || w->lock >= m->locks.len ||
            p->lane[w->thread] == UINT32_MAX || !tlx_shown(p->v, w->map, w->start, w->end))
            continue;
        const struct tl_lock *l = &TLX_LOCKS(m)[w->lock];
        n++;
        const int64_t before[] = {p->lane[w->thread], w->start - p->sel.t0, w->end - w->start,
                                  w->mode};
        const int64_t after[] = {l->kind, w->shard, w->map};
        json_item(o);
        json_putc(o, '[');
        for (size_t k = 0; k < sizeof before / sizeof before[0]; k++) {
            json_put_i64(o, before[k]);
            json_putc(o, ',');
        }
        json_put_hexstr(o, l->addr);
        for (size_t k = 0; k < sizeof after / sizeof after[0]; k++) {
            json_putc(o, ',');
            json_put_i64(o, after[k]);
        }
        json_putc(o, ']');
    }
    JSON_LIT(o, "],\"waits_total\":");
    json_put_u64(o, p->sel.nwaits);
    JSON_LIT(o, ",\n");
}

static void data_agg(struct page *p)
{
    struct json *o = p->o;
    JSON_LIT(o, "\"agg\":");
    if (!p->agg) {
        JSON_LIT(o, "null");
        return;
    }
    JSON_LIT(o, "{\"total\":");
    json_put_u64(o, p->sel.nops);
    JSON_LIT(o, ",\"kept\":");
    json_put_u64(o, p->keep_hi - p->keep_lo);
    JSON_LIT(o, ",\"from\":");
    json_put_i64(o, p->keep_from - p->sel.t0);
    JSON_LIT(o, ",\"to\":");
    json_put_i64(o, p->keep_to - p->sel.t0);
    JSON_LIT(o, ",\"bins\":");
    json_put_u64(o, TLX_HTML_BINS);
    JSON_LIT(o, ",\"density\":[");
    for (size_t l = 0; l < p->sel.nthreads_used; l++) {
        if (l)
            json_putc(o, ',');
        JSON_LIT(o, "\n[");
        for (size_t b = 0; b < TLX_HTML_BINS; b++) {
            if (b)
                json_putc(o, ',');
            json_put_u64(o, p->density[l * TLX_HTML_BINS + b]);
        }
        json_putc(o, ']');
    }
    JSON_LIT(o, "]}");
}

static void write_page(struct page *p)
{
    struct json *o = p->o;
    head(p);
    JSON_LIT(o, "{\"origin_ns\":\"");
    json_put_i64(o, p->sel.t0);
    JSON_LIT(o, "\",\"t0\":0,\"t1\":");
    json_put_i64(o, p->sel.t1 > p->sel.t0 ? p->sel.t1 - p->sel.t0 : 0);
    JSON_LIT(o, ",\n");
    data_threads(p);
    data_ops(p);
    data_growth(p);
    data_marks(p);
    data_waits(p);
    data_agg(p);
    JSON_LIT(o, "}\n</script>\n<script>\n");
    json_puts(o, tlx_timeline_js);
    JSON_LIT(o, "</script>\n</body>\n</html>\n");
}

int tl_write_html(const struct tl_model *m, const struct tl_view *v, FILE *out)
{
    struct page p = {.m = m, .v = v};
    if (tlx_select(m, v, &p.sel) < 0)
        return -1;
    int rc = -1;
    if (p.sel.t0 > p.sel.t1)
        p.sel.t0 = p.sel.t1 = m->first_ts; /* nothing shown: an empty page */
    p.lane = malloc((m->threads.len + 1) * sizeof *p.lane);
    p.o = malloc(sizeof *p.o);
    p.refs = tlx_race_ops(m, v, &p.nrefs);
    if (p.lane == NULL || p.o == NULL || p.refs == NULL) {
        if (p.refs != NULL)
            fprintf(stderr, "libmap-timeline: out of memory\n");
        goto out;
    }
    /* lanes in the model's thread order (the page sorts them by pid, tid) */
    uint32_t nl = 0;
    for (size_t i = 0; i < m->threads.len; i++)
        p.lane[i] = p.sel.thread_used[i] ? nl++ : UINT32_MAX;
    p.headline = tlx_headline_race(m, v);
    for (size_t r = 0; r < m->races.len; r++)
        p.nraces += tlx_race_shown(m, v, r);
    if (plan(&p) < 0)
        goto out;
    json_init(p.o, out, JSON_ESC_SCRIPT, 0);
    write_page(&p);
    rc = json_finish(p.o, "libmap-timeline: --html");
out:
    free(p.lane), free(p.o), free(p.refs), free(p.density);
    tlx_sel_free(&p.sel);
    return rc;
}
